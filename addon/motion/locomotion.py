"""Walking, jogging, running and sneaking along any timed path.

A story gives a path as timed positions (where the character must be, and when); the motion
library gives one gait cycle per gait (a looping walk or run clip).  We build the motion the
way motion-matching systems re-aim theirs every step, so error never accumulates:

1. The cycle is reduced to its *local* pose per phase (`GaitCycle`): joint rotations with the
   pelvis' heading taken out, the pelvis' height and its small sway around the straight line
   it travels, and which feet are planted.
2. The pelvis is put exactly where the path is at each frame (lightly smoothed so corners are
   rounded off over ~0.1 s), and the body is turned to face along the direction of travel,
   smoothed so turns ease in and out.
3. The cycle's phase advances with the distance travelled divided by the stride length, so the
   legs keep pace with the ground at any speed; the stride itself lengthens and shortens with
   speed (people lengthen their stride and quicken their cadence in about equal measure).
4. Where the path slows to a halt the gait blends into a standing pose, and out of it again
   when the path moves off; a body that turns while it stands steps round (step_to_turn).
5. Foot locking (footlock.py) pins each planted foot to the floor and bends the legs to reach,
   which absorbs what stride warping and turning would otherwise make the feet slide.

Everything runs on arrays over frames; the only Python loops are per joint (forward
kinematics), per foot contact (the locks) and per step of a turn on the spot.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import quat
from .clip import Clip
from .contacts import foot_contacts
from .footlock import foot_lock, gaussian_smooth, smootherstep, solve_legs
from .metrics import FOOT_JOINT_HEIGHT_M, path_at
from .skeleton import FEET, INDEX, forward_kinematics, rest_positions

UP = np.array([0.0, 0.0, 1.0])
#: Slower than this the path is taken to be standing still (it has no direction to face).
MOVING_MPS = 0.05


@dataclass(frozen=True)
class Gait:
    """A way of moving: which library cycle drives it and how that cycle is altered.

    `cycle_label` picks the library clip ("walk", "run"); `speed_mps` is the speed a path made
    for this gait should move at; `crouch_m` lowers the pelvis with the feet kept where they
    step (bent knees); `lean_rad` pitches the trunk forward; `stride_exponent` says how much
    of a speed change goes into stride length (the rest into cadence)."""
    name: str
    cycle_label: str
    speed_mps: float
    crouch_m: float = 0.0
    lean_rad: float = 0.0
    stride_exponent: float = 0.5


GAITS = {
    "walk": Gait("walk", "walk", 1.2),
    "sneak": Gait("sneak", "walk", 0.6, crouch_m=0.12, lean_rad=0.3, stride_exponent=0.6),
    "jog": Gait("jog", "run", 2.5),
    "run": Gait("run", "run", 3.5),
}


@dataclass(frozen=True)
class GaitCycle:
    """One gait cycle reduced to what a path can reuse, sampled by phase in [0, 1].

    Frames 0..K cover one full cycle (two steps) with frame K equal to frame 0.  `rotations`
    (K+1, 22, 4) are local joint rotations with the pelvis turned so the body travels along
    -Y; `sway` (K+1, 3) holds, in x and y, the pelvis' offset from the straight line it would
    travel at constant speed (in that -Y-travelling frame) and, in z, the pelvis height;
    `contacts` (K+1, 2) the planted feet; `stand_rotations` (22, 4) and `stand_height_m` a
    standing pose made from the cycle (stand_pose)."""
    name: str
    period_s: float
    stride_m: float
    rotations: np.ndarray
    sway: np.ndarray
    contacts: np.ndarray
    offsets: np.ndarray
    stand_rotations: np.ndarray
    stand_height_m: float
    source: str = ""

    @property
    def speed_mps(self) -> float:
        return self.stride_m / self.period_s

    @property
    def frames(self) -> int:
        return len(self.rotations) - 1

    def sample(self, phase: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Local rotations (T, 22, 4), pelvis sway (T, 3) and contacts (T, 2) at phases (T,)."""
        position = np.mod(phase, 1.0) * self.frames
        low = np.minimum(np.floor(position).astype(int), self.frames - 1)
        t = position - low
        rotations = quat.slerp(self.rotations[low], self.rotations[low + 1],
                               np.broadcast_to(t[:, None], (len(t), self.rotations.shape[1])))
        sway = self.sway[low] * (1 - t)[:, None] + self.sway[low + 1] * t[:, None]
        contacts = np.where((t < 0.5)[:, None], self.contacts[low], self.contacts[low + 1])
        return rotations, sway, contacts


def heading_of(direction_xy: np.ndarray) -> np.ndarray:
    """Yaw (radians about +Z) that turns the rest facing (-Y) onto a horizontal direction."""
    direction_xy = np.asarray(direction_xy, dtype=float)
    return np.arctan2(direction_xy[..., 0], -direction_xy[..., 1])


def yaw_rotation(heading: np.ndarray) -> np.ndarray:
    return quat.from_axis_angle(np.broadcast_to(UP, np.shape(heading) + (3,)), heading)


def loop_end(clip: Clip) -> int:
    """The frame that closes the cycle: the last one for a clip labelled "loop" (its last
    frame repeats its first), else the frame in the second half whose pose is nearest the
    first frame's."""
    if "loop" in clip.labels or clip.frames < 4:
        return clip.frames - 1
    body = clip.rotations[:, 1:]
    closeness = np.abs(np.sum(body * body[:1], axis=-1)).mean(axis=1)
    half = clip.frames // 2
    return int(half + np.argmax(closeness[half:]))


def mean_rotation(rotations: np.ndarray) -> np.ndarray:
    """Average of unit quaternions over axis 0 (sign-aligned sum, normalised): close to the
    true mean for rotations within a few tens of degrees of each other, as a gait's are."""
    reference = rotations[:1]
    aligned = np.where(np.sum(rotations * reference, axis=-1, keepdims=True) < 0,
                       -rotations, rotations)
    return quat.normalize(aligned.sum(axis=0))


def stand_pose(rotations: np.ndarray, offsets: np.ndarray,
               foot_joint_height_m: float = FOOT_JOINT_HEIGHT_M) -> tuple[np.ndarray, float]:
    """A neutral standing pose from a gait cycle and the pelvis height that puts it on the
    floor.  The mean of the cycle's poses gives the trunk and arms (hanging as they swing
    about) and legs nearly straight, but a walk places its feet near the midline; standing,
    the feet are put side by side at hip width (where straight legs would put them)."""
    pose = mean_rotation(rotations)
    positions, _ = forward_kinematics(np.zeros((1, 3)), pose[None], offsets)
    feet = positions[0, list(FEET)]
    rest = rest_positions(offsets, 0.0)
    goals = np.column_stack([rest[list(FEET), 0], np.full(2, feet[:, 1].mean()),
                             np.full(2, feet[:, 2].min())])
    pose = solve_legs(np.zeros((1, 3)), pose[None], offsets, goals[None])[0]
    positions, _ = forward_kinematics(np.zeros((1, 3)), pose[None], offsets)
    lowest = positions[0, list(FEET), 2].min()
    return pose, float(foot_joint_height_m - lowest)


def prepare_cycle(clip: Clip) -> GaitCycle:
    """Reduce a looping gait clip (walk, run) to a GaitCycle.

    The loop is closed exactly (the small mismatch between its last and first pose is spread
    evenly over the cycle, so sampling wraps without a pop), the body is turned to travel along
    -Y, and the pelvis path is split into steady travel (the stride) and sway."""
    end = loop_end(clip)
    if end < 2:
        raise ValueError(f"clip {clip.name!r} has {clip.frames} frames; a gait cycle needs "
                         "at least 3 (one full cycle of two steps)")
    root = clip.root[:end + 1].copy()
    rotations = quat.unroll(clip.rotations[:end + 1])
    travel = root[end, :2] - root[0, :2]
    stride = float(np.linalg.norm(travel))
    if stride < 1e-3:
        raise ValueError(f"clip {clip.name!r} does not travel ({stride:.3f} m per cycle); "
                         "locomotion needs a walking or running cycle")
    turn = yaw_rotation(-heading_of(travel))
    root = quat.rotate(turn, root - root[:1] * np.array([1.0, 1.0, 0.0]))
    rotations[:, 0] = quat.multiply(turn, rotations[:, 0])
    # Close the loop: the residual turn of every joint from last to first, spread over frames.
    share = np.linspace(0.0, 1.0, end + 1)[:, None, None]
    residual = quat.to_rotvec(quat.multiply(rotations[0], quat.inverse(rotations[end])))
    rotations = quat.multiply(quat.from_rotvec(share * residual[None]), rotations)
    steady = np.linspace(0.0, 1.0, end + 1)[:, None] * (root[end] - root[0])[None]
    sway = root - root[:1] - steady
    sway[:, 2] = root[:, 2] - (root[end, 2] - root[0, 2]) * share[:, 0, 0]
    if clip.contacts is not None:
        contacts = np.asarray(clip.contacts[:end + 1], dtype=bool)
    else:
        contacts = foot_contacts(forward_kinematics(root, rotations, clip.offsets)[0],
                                 clip.fps, floor_z=None)
    contacts = contacts.copy()
    contacts[end] = contacts[0]
    pose, height = stand_pose(rotations[:end], clip.offsets)
    return GaitCycle(clip.name, end / clip.fps, stride, rotations, sway, contacts,
                     clip.offsets.copy(), pose, height, clip.source)


def stride_length(speed_mps: np.ndarray, cycle: GaitCycle, exponent: float = 0.5
                  ) -> np.ndarray:
    """Stride (m per cycle) at each speed: the cycle's own stride scaled by (v / v0)^exponent,
    within half to twice it, so cadence and stride share a speed change."""
    ratio = np.clip(np.asarray(speed_mps) / cycle.speed_mps, 0.25, 4.0)
    return cycle.stride_m * np.clip(ratio ** exponent, 0.5, 2.0)


def facing(velocity_xy: np.ndarray, smooth_frames: float, initial_heading: float | None
           ) -> np.ndarray:
    """Heading per frame (T,) along the direction of travel, turned smoothly.

    Directions are averaged weighted by speed (a Gaussian over `smooth_frames`), so a turn
    eases in and out.  Standing frames have no direction: during a halt the body turns from
    the heading it arrived with to the one it leaves with, eased over the whole halt; before
    the first motion and after the last it holds; with no motion at all it keeps
    `initial_heading` (or faces -Y)."""
    smoothed = gaussian_smooth(velocity_xy, smooth_frames)
    moving = (np.linalg.norm(velocity_xy, axis=1) > MOVING_MPS) & \
        (np.linalg.norm(smoothed, axis=1) > 1e-9)
    if not moving.any():
        return np.full(len(velocity_xy), 0.0 if initial_heading is None else initial_heading)
    index = np.arange(len(velocity_xy))
    known = index[moving]
    angle = np.unwrap(heading_of(smoothed[moving]))
    last = np.clip(np.searchsorted(known, index, side="right") - 1, 0, len(known) - 1)
    following = np.clip(last + 1, 0, len(known) - 1)
    span = np.maximum(known[following] - known[last], 1)
    ease = smootherstep((index - known[last]) / span)
    heading = angle[last] + ease * (angle[following] - angle[last])
    heading = np.where(index <= known[0], angle[0], heading)
    return np.where(index >= known[-1], angle[-1], heading)


def gait_weight(speed_mps: np.ndarray, cycle_speed_mps: float, smooth_frames: float
                ) -> np.ndarray:
    """How much of the gait (vs the standing pose) to show per frame: none at rest, all from a
    third of the cycle's speed up, eased and smoothed over time so a start or stop blends."""
    x = np.clip(np.asarray(speed_mps) / (cycle_speed_mps / 3.0), 0.0, 1.0)
    return np.clip(gaussian_smooth(x * x * (3 - 2 * x), smooth_frames), 0.0, 1.0)


def start_phase(cycle: GaitCycle) -> float:
    """Phase to start from: the end of a double support, so the first step lifts a foot."""
    both = cycle.contacts[:-1].all(axis=1)
    lifts = np.flatnonzero(both & ~np.roll(both, -1))
    return float(lifts[0] / cycle.frames) if len(lifts) else 0.0


def step_to_turn(contacts: np.ndarray, heading: np.ndarray, standing: np.ndarray, fps: float,
                 step_rad: float = 0.7, step_s: float = 0.3) -> np.ndarray:
    """Contacts (T, 2) with small steps where the body turns while standing.

    Every half `step_rad` of turn one foot lifts for `step_s` and is put down again where the
    turned pose has it (the foot lock does the rest), the feet taking turns and the one on the
    side turned towards going first; a step waits for the previous one to land, so one foot is
    always down.  Without it a body turned round would stand on crossed, twisted legs."""
    change = np.diff(heading) * standing[1:]
    turned = np.concatenate([[0.0], np.cumsum(np.abs(change))])
    events = np.flatnonzero(np.diff(np.floor(turned / (0.5 * step_rad))) > 0) + 1
    if len(events) == 0:
        return contacts
    contacts = contacts.copy()
    lift = max(int(round(step_s * fps)), 1)
    foot = 0 if change[events[0] - 1] > 0 else 1          # turning left: left foot first
    free = 0
    for event in events:
        start = max(int(event), free)
        window = slice(start, start + lift)
        if start + lift <= len(contacts) and standing[window].all():
            contacts[window, foot] = False
            free = start + lift
            foot = 1 - foot
    return contacts


def lean_trunk(rotations: np.ndarray, lean_rad: float) -> np.ndarray:
    """Pitch the trunk forward by `lean_rad` at spine1 (about the body's left-right axis), the
    head and arms following; the head pitches back half as much to keep the gaze up."""
    if lean_rad == 0.0:
        return rotations
    rotations = rotations.copy()
    x = np.array([1.0, 0.0, 0.0])
    spine, head = INDEX["spine1"], INDEX["neck"]
    rotations[:, spine] = quat.multiply(quat.from_axis_angle(x, lean_rad), rotations[:, spine])
    rotations[:, head] = quat.multiply(quat.from_axis_angle(x, -0.5 * lean_rad),
                                       rotations[:, head])
    return rotations


def follow_path(path_times: np.ndarray, path_xy: np.ndarray, cycle: Clip | GaitCycle,
                fps: float = 30.0, *, gait: Gait | None = None, name: str = "locomotion",
                stand_rotations: np.ndarray | None = None, initial_heading: float | None = None,
                lock_feet: bool = True, path_smoothing_s: float = 0.1,
                turn_smoothing_s: float = 0.2) -> Clip:
    """A canonical clip at `fps` whose pelvis is where the timed path is, when it is there.

    `path_times` (N,) seconds, increasing, and `path_xy` (N, 2) metres give the path; the clip
    spans path_times[0]..path_times[-1].  `cycle` is a looping gait clip from the library (or
    a prepared GaitCycle, which saves preparing it per call); `gait` adds crouch, lean and
    stride scaling (GAITS; a plain walk by default).  The pelvis follows the path smoothed over
    `path_smoothing_s` (rounding sharp corners), the body faces the direction of travel (turns
    smoothed over `turn_smoothing_s`; `initial_heading` if the path never moves), stands in
    `stand_rotations` (default: GaitCycle.stand_rotations) where the path is at rest, and with
    `lock_feet` its planted feet are pinned to the floor (footlock.foot_lock).  The clip's
    contacts say which feet are planted.
    """
    path_times = np.asarray(path_times, dtype=float)
    path_xy = np.asarray(path_xy, dtype=float).reshape(-1, 2)
    if len(path_times) != len(path_xy) or len(path_times) == 0:
        raise ValueError(f"path has {len(path_times)} times and {len(path_xy)} points; give one "
                         "time per point")
    if np.any(np.diff(path_times) <= 0):
        raise ValueError("path times must increase strictly (seconds, one per point)")
    gait = gait or GAITS["walk"]
    if not isinstance(cycle, GaitCycle):
        cycle = prepare_cycle(cycle)
    frames = int(np.floor((path_times[-1] - path_times[0]) * fps + 1e-6)) + 1
    times = path_times[0] + np.arange(frames) / fps
    pelvis_xy = gaussian_smooth(path_at(times, path_times, path_xy), path_smoothing_s * fps)
    velocity = np.gradient(pelvis_xy, axis=0) * fps if frames > 1 else np.zeros((1, 2))
    speed = np.linalg.norm(velocity, axis=1)
    heading = facing(velocity, turn_smoothing_s * fps, initial_heading)

    # Phase advances by distance over stride, so the feet keep pace with the ground.
    step = np.linalg.norm(np.diff(pelvis_xy, axis=0), axis=1)
    stride = stride_length(speed, cycle, gait.stride_exponent)
    advance = step / np.maximum(0.5 * (stride[1:] + stride[:-1]), 1e-6)
    phase = start_phase(cycle) + np.concatenate([[0.0], np.cumsum(advance)])
    rotations, sway, contacts = cycle.sample(phase)

    # Blend with standing where the path slows to a halt.
    weight = gait_weight(speed, cycle.speed_mps, 0.1 * fps)
    stand = cycle.stand_rotations if stand_rotations is None else np.asarray(stand_rotations)
    rotations = quat.slerp(np.broadcast_to(stand, rotations.shape), rotations,
                           np.broadcast_to(weight[:, None], rotations.shape[:2]))
    height = cycle.stand_height_m + weight * (sway[:, 2] - cycle.stand_height_m)
    standing = weight < 0.5
    contacts = step_to_turn(contacts | standing[:, None], heading, standing, fps)

    # Turn to the heading and put the pelvis on the path (plus the cycle's sway).
    turn = yaw_rotation(heading)
    rotations[:, 0] = quat.multiply(turn, rotations[:, 0])
    rotations = lean_trunk(rotations, gait.lean_rad)
    offset = quat.rotate(turn, np.column_stack([sway[:, :2] * weight[:, None],
                                                np.zeros(frames)]))
    root = np.column_stack([pelvis_xy + offset[:, :2], height])
    clip = Clip(name, fps, root, quat.unroll(rotations), cycle.offsets, (gait.name,),
                contacts, cycle.source)
    if lock_feet:
        # Pin each foot where the gait (not the standing blend) puts it, so a foot that was
        # planted while standing is where the first step expects it.
        clip = foot_lock(clip, contacts, pelvis_drop_m=gait.crouch_m,
                         pin_weights=weight ** 4 + 1e-3)
    return clip


def timed_path(points_xy: np.ndarray, speed_mps: float, *, start_s: float = 0.0,
               pause_s: np.ndarray | None = None, accel_mps2: float | None = None,
               sample_s: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Times (N,) and points (N, 2) for walking through `points_xy` at `speed_mps`, starting
    at `start_s`; `pause_s` (one per point) waits at each point: a stop and a start.

    Without `accel_mps2` the speed is constant between stops (it changes at once, which
    follow_path softens over about 0.1 s).  With it, every stretch between stops speeds up
    from rest and slows down to rest at that rate (a trapezoid, or a triangle when the stretch
    is too short to reach `speed_mps`), sampled every `sample_s`: how people start and stop.
    """
    points_xy = np.asarray(points_xy, dtype=float)
    pause_s = np.zeros(len(points_xy)) if pause_s is None else np.asarray(pause_s, dtype=float)
    if accel_mps2 is None:
        legs = np.linalg.norm(np.diff(points_xy, axis=0), axis=1) / max(speed_mps, 1e-6)
        arrive = start_s + np.concatenate([[0.0], np.cumsum(legs + pause_s[:-1])])
        times = np.stack([arrive, arrive + pause_s], axis=1).reshape(-1)
        points = np.repeat(points_xy, 2, axis=0)
        keep = np.concatenate([[True], np.diff(times) > 1e-9])
        return times[keep], points[keep]
    # Stretches run from stop to stop: the first and last point and every point with a pause.
    stops = np.flatnonzero((pause_s > 0) | (np.arange(len(points_xy)) == 0) |
                           (np.arange(len(points_xy)) == len(points_xy) - 1))
    times, points, clock = [np.array([start_s])], [points_xy[:1]], start_s
    for a, b in zip(stops[:-1], stops[1:]):
        clock += pause_s[a]
        if pause_s[a] > 0:
            times.append(np.array([clock]))
            points.append(points_xy[a:a + 1])
        stretch = points_xy[a:b + 1]
        arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(stretch, axis=0), axis=1))])
        elapsed, distance = _speed_profile(arc[-1], speed_mps, accel_mps2, sample_s)
        times.append(clock + elapsed[1:])
        points.append(np.column_stack([np.interp(distance[1:], arc, stretch[:, 0]),
                                       np.interp(distance[1:], arc, stretch[:, 1])]))
        clock += elapsed[-1]
    if pause_s[-1] > 0:
        times.append(np.array([clock + pause_s[-1]]))
        points.append(points_xy[-1:])
    return np.concatenate(times), np.concatenate(points)


def _speed_profile(length_m: float, speed_mps: float, accel_mps2: float, sample_s: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Times and distances covering `length_m` from rest to rest: accelerate at
    `accel_mps2`, cruise at `speed_mps`, decelerate (no cruise when the stretch is short)."""
    if length_m <= 0:
        return np.array([0.0]), np.array([0.0])
    top = min(speed_mps, np.sqrt(accel_mps2 * length_m))
    ramp = top / accel_mps2
    total = 2 * ramp + (length_m - top * ramp) / top
    t = np.linspace(0.0, total, max(int(np.ceil(total / sample_s)), 2) + 1)
    rising = 0.5 * accel_mps2 * np.minimum(t, ramp) ** 2
    cruising = top * np.clip(t - ramp, 0.0, total - 2 * ramp)
    falling_t = np.clip(t - (total - ramp), 0.0, ramp)
    falling = top * falling_t - 0.5 * accel_mps2 * falling_t ** 2
    return t, np.minimum(rising + cruising + falling, length_m)


def gait_named(gait: Gait | str) -> Gait:
    """A Gait, or the one in GAITS with that name."""
    if isinstance(gait, Gait):
        return gait
    if gait not in GAITS:
        raise ValueError(f"unknown gait {gait!r}; known: {', '.join(GAITS)}")
    return GAITS[gait]


def gait_cycle(library, gait: Gait | str) -> Clip:
    """The library's cycle clip for a gait (its first clip labelled both with the gait's cycle
    label and "loop", else the first with the label)."""
    gait = gait_named(gait)
    clips = library.by_label(gait.cycle_label)
    if not clips:
        raise ValueError(f"the motion library has no clip labelled {gait.cycle_label!r} for "
                         f"gait {gait.name!r}; known labels: {', '.join(library.labels())}")
    loops = [clip for clip in clips if "loop" in clip.labels]
    return (loops or clips)[0]


def locomote(path_times: np.ndarray, path_xy: np.ndarray, library, gait: Gait | str = "walk",
             fps: float = 30.0, **options) -> Clip:
    """follow_path with the gait's cycle taken from a motion library (library.load_library());
    `gait` is a Gait or a name in GAITS ("walk", "sneak", "jog", "run")."""
    gait = gait_named(gait)
    return follow_path(path_times, path_xy, gait_cycle(library, gait), fps, gait=gait,
                       name=options.pop("name", gait.name), **options)
