"""What every synthesised action is made of: the context it is asked in, the result it hands
on, and a `Performance` that turns key poses, limb goals and foot plants into a clip.

An action (addon/motion/actions_*.py) is a short function: it lays down a few key poses in the
actor's own space (facing -Y at the origin), says where hands reach, where the head looks and
where each foot stands when, and lets the Performance do the rest in one vectorised pass:

1. key poses interpolated with cubic Hermite curves (holds ease in and out, passes flow on);
2. secondary motion layered on top (breathing in the spine and collars, small drifts of the
   head and pelvis) so nothing is ever a frozen pose;
3. the body carried along by its feet when they step (weight shifts over the standing foot);
4. IK: head aimed, wrists placed, and ankles locked where the feet stand;
5. the whole placed at the actor's position and facing in the world.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from . import quat
from .clip import Clip
from .poses import (FORWARD, SIDE_SIGN, SIDES, X, Y, Z, Pose, aim_head, ankle_height,
                    arm_length, axis_angle, body_offsets, body_scale, foot_rotation,
                    hang_arms, neutral_pose, orient_hand, place_ankle, place_wrist, rotate_z,
                    stance, yaw)
from .skeleton import INDEX, forward_kinematics

logger = logging.getLogger(__name__)

SOURCE = "procedural: Story Motion key poses and IK (addon/motion/actions*.py)"
GRAVITY_MPS2 = 9.81


@dataclass(frozen=True)
class ActionContext:
    """Everything an action needs to know about the actor and what it acts on.

    `position` (x, y) is where the actor stands (the pelvis over it) and `facing` the
    direction it faces, radians about Z, 0 facing -Y, positive turning left
    (counter-clockwise seen from above).  `target` is the world point the action is about:
    a prop's grasp point, a seat's top centre, a point to look at, point at or throw to.
    `aim` is where the action sends its target (a kick's destination), when it says.
    `other_*` describe the second actor of a two-actor action (hug, handshake, kiss).
    `params` holds the action's options (`hand`, `angle`, `direction`, `style`...), each
    documented by the action; `seed` drives every small random variation.  The body's
    proportions are the default ones scaled to `height_m`, or `rest_offsets` (22, 3) when
    given (the rig's own, as the retargeter reads them).
    """
    position: tuple[float, float] = (0.0, 0.0)
    facing: float = 0.0
    height_m: float = 1.75
    floor_z: float = 0.0
    target: tuple[float, float, float] | None = None
    aim: tuple[float, float, float] | None = None
    other_position: tuple[float, float] | None = None
    other_facing: float | None = None
    other_height_m: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0
    rest_offsets: np.ndarray | None = None

    @property
    def offsets(self) -> np.ndarray:
        """The body's rest offsets (22, 3)."""
        if self.rest_offsets is not None:
            return np.asarray(self.rest_offsets, dtype=float)
        return body_offsets(self.height_m)

    @property
    def scale(self) -> float:
        """How much bigger than the default 1.75 m body this one is."""
        return body_scale(self.offsets)

    def param(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)

    def to_local(self, points) -> np.ndarray:
        """World points (..., 3) in the actor's own space (origin on the floor under it,
        facing -Y)."""
        points = np.asarray(points, dtype=float)
        shifted = points - np.array([self.position[0], self.position[1], self.floor_z])
        return rotate_z(shifted, -self.facing)

    def to_world(self, points) -> np.ndarray:
        points = np.asarray(points, dtype=float)
        return rotate_z(points, self.facing) + np.array([self.position[0], self.position[1],
                                                         self.floor_z])

    def local_target(self, default=None) -> np.ndarray:
        """The target in the actor's space, or `default` (actor space) when none is given."""
        if self.target is None:
            if default is None:
                raise ValueError("this action needs ActionContext.target (a world point)")
            return np.asarray(default, dtype=float)
        return self.to_local(self.target)


@dataclass
class Release:
    """Where and how fast a thrown (or dropped) thing leaves the hand, in the world: physics
    takes the prop over from this frame with this velocity."""
    frame: int
    position: np.ndarray
    velocity: np.ndarray


@dataclass
class ActionResult:
    """A synthesised action: the clip, and what later stages need to sync with it.

    `contact_frames` names moments (frame indices into the clip): "grasp" (the prop follows
    the hand from here), "release", "contact" / "contact_end" (hands on a thing or a person),
    "seated", "lying", "snap", "clap_0"...; `hand` says which hand ("left", "right", "both").
    `release` is set for throws and drops, `handoff_frame` where a ragdoll takes over (fall).
    `contact_error_m` measures each reach against its goal at its contact frame.
    `gaze` is where the head looks, for the rig's eyes (the canonical skeleton has none).
    """
    clip: Clip
    contact_frames: dict[str, int] = field(default_factory=dict)
    release: Release | None = None
    handoff_frame: int | None = None
    hand: str | None = None
    contact_error_m: dict[str, float] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    gaze: Gaze | None = None


@dataclass
class Gaze:
    """What the eyes look at per frame: world points (T, 3), and how far (T,) they are
    turned to them from looking straight out of the head (0: not at all)."""
    targets: np.ndarray
    weights: np.ndarray


@dataclass
class Plant:
    """A foot standing still from `start_s` to `end_s` with its ankle over `xy` (actor
    space) and turned by `yaw` radians; `lift_m` is how high it rose on the way here (None:
    a normal step; 0: slid along the floor)."""
    start_s: float
    end_s: float
    xy: np.ndarray
    yaw: float
    lift_m: float | None = None


# --- timing curves --------------------------------------------------------------------------

def smoothstep(u) -> np.ndarray:
    """0 to 1 with zero speed at both ends (cubic)."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def smootherstep(u) -> np.ndarray:
    """0 to 1 with zero speed and acceleration at both ends (quintic): no jerk spikes."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * u * (u * (6.0 * u - 15.0) + 10.0)


def hermite(key_times: np.ndarray, values: np.ndarray, smooth: np.ndarray,
            t: np.ndarray) -> np.ndarray:
    """Values (K, ...) at `key_times` (K,) interpolated at times `t` (T,) by cubic Hermite
    curves: a key flagged `smooth` is passed through with a Catmull-Rom tangent, any other
    (and the first and last) is a hold that eases in and out."""
    count = len(key_times)
    if count == 1:
        return np.broadcast_to(values[0], (len(t),) + values.shape[1:]).copy()
    tangents = np.zeros_like(values)
    for k in range(1, count - 1):
        if smooth[k]:
            tangents[k] = (values[k + 1] - values[k - 1]) / max(
                key_times[k + 1] - key_times[k - 1], 1e-6)
    seg = np.clip(np.searchsorted(key_times, t, side="right") - 1, 0, count - 2)
    span = np.maximum(key_times[seg + 1] - key_times[seg], 1e-6)
    u = np.clip((t - key_times[seg]) / span, 0.0, 1.0)
    shape = (-1,) + (1,) * (values.ndim - 1)
    u, span = u.reshape(shape), span.reshape(shape)
    u2, u3 = u * u, u * u * u
    return ((2 * u3 - 3 * u2 + 1) * values[seg] + (u3 - 2 * u2 + u) * span * tangents[seg]
            + (-2 * u3 + 3 * u2) * values[seg + 1] + (u3 - u2) * span * tangents[seg + 1])


def smooth_noise(t: np.ndarray, rng: np.random.Generator, low_hz: float = 0.15,
                 high_hz: float = 0.6, waves: int = 3) -> np.ndarray:
    """A slow, smooth wobble in [-1, 1] from a few sines with random rates and phases:
    the drift that keeps a held pose alive."""
    rates = rng.uniform(low_hz, high_hz, waves)
    phases = rng.uniform(0.0, 2 * np.pi, waves)
    weights = rng.uniform(0.5, 1.0, waves)
    wave = np.sum(weights[:, None] * np.sin(2 * np.pi * rates[:, None] * t[None] +
                                            phases[:, None]), axis=0)
    return wave / np.sum(weights)


def hann_smooth(values: np.ndarray, frames: int) -> np.ndarray:
    """Values (T, ...) low-passed along time by a Hann window `frames` wide, ends held."""
    frames = int(frames) | 1
    if frames < 3 or len(values) < 2:
        return values
    window = np.hanning(frames + 2)[1:-1]
    window /= window.sum()
    half = frames // 2
    padded = np.concatenate([np.repeat(values[:1], half, 0), values,
                             np.repeat(values[-1:], half, 0)])
    flat = padded.reshape(len(padded), -1)
    out = np.stack([np.convolve(flat[:, i], window, mode="valid") for i in range(flat.shape[1])],
                   axis=1)
    return out.reshape(values.shape)


# --- the performance ------------------------------------------------------------------------

class Performance:
    """One actor's action under construction, in the actor's own space.

    Build it up with `key`, `reach`, `look`, `step`, `swing`, `layer` and `shift`, then
    `finish` it into an ActionResult.  Times are seconds from the start of the clip.
    """

    def __init__(self, name: str, ctx: ActionContext, duration_s: float, fps: float = 30.0,
                 breathing: float = 1.0, drift: float = 1.0):
        if duration_s <= 0 or fps <= 0:
            raise ValueError(f"action {name!r}: duration_s ({duration_s}) and fps ({fps}) "
                             "must be positive")
        self.name, self.ctx, self.fps = name, ctx, float(fps)
        self.frames = max(int(round(duration_s * fps)) + 1, 2)
        self.t = np.arange(self.frames) / self.fps
        self.duration = self.t[-1]
        self.offsets = ctx.offsets
        self.scale = body_scale(self.offsets)
        self.rng = np.random.default_rng(ctx.seed)
        self.neutral = neutral_pose(self.offsets)
        self.ankle_z = ankle_height(self.offsets)
        ankles, yaws = stance(self.offsets)
        self.stance_xy, self.stance_yaw = ankles[:, :2], yaws
        self.keys: list[tuple[float, Pose, bool]] = []
        self.plants = {side: [Plant(0.0, self.duration, self.stance_xy[i].copy(),
                                    float(self.stance_yaw[i]))]
                       for i, side in enumerate(SIDES)}
        self.feet_move_body = False
        self.foot_weight = np.ones((self.frames, 2))
        self.foot_lift = np.zeros((self.frames, 2))
        self.foot_pitch = np.zeros((self.frames, 2))
        self.swing_lift_m = 0.07 * self.scale
        self.swings: dict[str, tuple[np.ndarray, ...]] = {}
        self.reaches: dict[str, tuple[np.ndarray, np.ndarray | None, np.ndarray]] = {}
        self.gaze: tuple[np.ndarray, np.ndarray, float, float] | None = None
        self.layers: list[tuple[int, np.ndarray]] = []
        self.late_layers: list[tuple[int, np.ndarray]] = []
        self.palms: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
        self.root_shift = np.zeros((self.frames, 3))
        self.breathing, self.drift = breathing, drift
        self.toppling: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._built: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    # -- timing helpers
    def frame(self, time_s: float) -> int:
        return int(np.clip(round(time_s * self.fps), 0, self.frames - 1))

    def ramp(self, start_s: float, end_s: float) -> np.ndarray:
        """0 before `start_s`, easing to 1 by `end_s`."""
        return smootherstep((self.t - start_s) / max(end_s - start_s, 1e-6))

    def pulse(self, a: float, b: float, c: float, d: float) -> np.ndarray:
        """0, easing up to 1 from a to b, holding, easing back to 0 from c to d."""
        return self.ramp(a, b) * (1.0 - self.ramp(c, d))

    def jitter(self, spread: float) -> float:
        """A small random factor around 1 (timings and sizes differ a little per seed)."""
        return float(1.0 + self.rng.uniform(-spread, spread))

    # -- what the action says
    def key(self, time_s: float, pose: Pose, smooth: bool = False) -> None:
        """A key pose at `time_s`; `smooth` passes through it instead of holding."""
        self.keys.append((float(time_s), pose, smooth))

    def layer(self, joint: str, axis, degrees: np.ndarray, after_ik: bool = False) -> None:
        """An extra rotation of `joint` per frame about `axis` of its own posed frame, added
        on top of the keys (oscillations: a nod, a pump); `after_ik` adds it on top of what
        IK decided (a nod while the head looks at someone)."""
        turn = (INDEX[joint], axis_angle(axis, np.asarray(degrees, float)))
        (self.late_layers if after_ik else self.layers).append(turn)

    def palm(self, side: str, direction, weight: np.ndarray, bend_deg: float = 0.0) -> None:
        """Turn the `side` palm towards `direction` ((3,) or (T, 3), actor space)."""
        direction = np.broadcast_to(np.asarray(direction, float), (self.frames, 3)).copy()
        self.palms[side] = (direction, np.asarray(weight, float), bend_deg)

    def shift(self, delta: np.ndarray) -> None:
        """Move the pelvis by `delta` (T, 3) on top of the keys (a bounce, a sway)."""
        self.root_shift = self.root_shift + delta

    def topple(self, pivot, axis, degrees: np.ndarray) -> None:
        """Tip the whole body, feet and all, by `degrees` (T,) about `axis` through `pivot`
        (actor space): a body going over, after IK has placed it."""
        self.toppling = (np.asarray(pivot, float), np.asarray(axis, float),
                         np.asarray(degrees, float))

    def reach(self, side: str, target, weight: np.ndarray, pole=None) -> None:
        """Put the `side` wrist on `target` ((3,) or (T, 3), actor space) as far as `weight`
        (T,) says; the elbow bends towards `pole` (default: out, down and back)."""
        target = np.broadcast_to(np.asarray(target, float), (self.frames, 3)).copy()
        if pole is not None:
            pole = np.broadcast_to(np.asarray(pole, float), (self.frames, 3)).copy()
        self.reaches[side] = (target, pole, np.asarray(weight, float))

    def look(self, target, weight: np.ndarray, neck_share: float = 0.4,
             chest_share: float = 0.0) -> None:
        """Aim the head at `target` ((3,) or (T, 3), actor space) as far as `weight` says."""
        target = np.broadcast_to(np.asarray(target, float), (self.frames, 3)).copy()
        self.gaze = (target, np.asarray(weight, float), neck_share, chest_share)

    def step(self, side: str, start_s: float, end_s: float, xy, foot_yaw: float,
             lift_m: float | None = None, body_follows: bool = True) -> None:
        """The `side` foot leaves the floor at `start_s` and lands at `end_s` with its ankle
        over `xy` (actor space), turned by `foot_yaw`, rising `lift_m` on the way (default a
        normal step; 0 slides it).  With `body_follows` the body is carried by the feet."""
        plants = self.plants[side]
        last = plants[-1]
        last.end_s = float(start_s)
        plants.append(Plant(float(end_s), self.duration, np.asarray(xy, float), float(foot_yaw),
                            lift_m))
        self.feet_move_body = self.feet_move_body or body_follows

    def swing(self, side: str, ankle, yaw_radians, pitch_deg, weight: np.ndarray,
              knee) -> None:
        """Drive the `side` foot along its own path where `weight` (T,) is above 0 (a kick):
        ankle targets (T, 3), foot yaw (T,) and toe-down pitch (T,), actor space, in place of
        the planted and stepping foot, the knee bending towards `knee` ((3,) or (T, 3), a
        direction: a pitched foot's toes say little about where a swinging knee points).  The
        body is still carried by the plants (a step that spans the swing says where the foot
        comes down), so a swing does not drag it along; the foot has no contact meanwhile."""
        knee = np.broadcast_to(np.asarray(knee, float), (self.frames, 3))
        self.swings[side] = (np.asarray(ankle, float), np.asarray(yaw_radians, float),
                             np.asarray(pitch_deg, float), np.asarray(weight, float), knee)
        self._built = None

    def place_feet(self, xy, foot_yaws) -> None:
        """Where the feet are at the start (ankles xy (2, 2), yaws (2,)), when the action
        does not begin standing in the relaxed stance (getting up from the floor)."""
        for i, side in enumerate(SIDES):
            self.plants[side] = [Plant(0.0, self.duration, np.asarray(xy[i], float),
                                       float(foot_yaws[i]))]

    def current_stance(self) -> tuple[np.ndarray, float]:
        """Where the body's origin (xy) is and how it is turned, from the latest plants."""
        last = [self.plants[side][-1] for side in SIDES]
        body_yaw = float(np.mean([p.yaw for p in last]) - self.stance_yaw.mean())
        middle = np.mean([p.xy for p in last], axis=0)
        return middle - rotate_z(self.stance_xy.mean(axis=0), body_yaw), body_yaw

    def step_to(self, start_s: float, end_s: float, centre_xy, body_yaw: float,
                lead: str | None = None, max_turn_deg: float = 95.0,
                max_stride_m: float = 0.45, max_distance_m: float = 0.9,
                min_step_s: float = 0.2) -> tuple[int, np.ndarray]:
        """Step the feet, one at a time, from where they stand into the relaxed stance with
        the body's origin at `centre_xy` turned by `body_yaw`: as many pairs of steps as the
        turn and the distance need (as many as fit between `start_s` and `end_s` at
        `min_step_s` a step), the foot on the side of the turn (or of the move) first.

        Stepping is for settling into place, not for walking: a goal further than
        `max_distance_m` (scaled with the body) is cut short with a warning, and the
        caller's contact errors show the miss.  Returns how many steps it took (0 when
        already there) and the centre the body really ends at."""
        centre_now, yaw_now = self.current_stance()
        centre_xy = np.asarray(centre_xy, float)
        turn, move = body_yaw - yaw_now, centre_xy - centre_now
        distance = float(np.linalg.norm(move))
        limit = max_distance_m * self.scale
        if distance > limit:
            logger.warning("%s: the actor would have to step %.2f m to get into place; it "
                           "steps %.2f m (walk it there first)", self.name, distance, limit)
            move *= limit / distance
            distance = limit
        if abs(turn) < np.radians(4) and distance < 0.03 * self.scale:
            return 0, centre_now
        pairs = int(max(1, np.ceil(max(abs(turn) / np.radians(max_turn_deg),
                                       distance / (max_stride_m * self.scale)))))
        pairs = max(1, min(pairs, int((end_s - start_s) / (2 * min_step_s))))
        if lead is None:
            if abs(turn) >= np.radians(10):
                lead = "left" if turn > 0 else "right"
            else:
                lateral = rotate_z(move[None], -yaw_now)[0, 0]
                lead = "left" if lateral >= -0.02 * self.scale else "right"
        order = (lead, "right" if lead == "left" else "left")
        slot = (end_s - start_s) / (2 * pairs)
        for i in range(pairs):
            frac = (i + 1) / pairs
            feet_xy, feet_yaw = self.stance_at(centre_now + move * frac, yaw_now + turn * frac)
            for k, side in enumerate(order):
                begin = start_s + (2 * i + k) * slot
                j = SIDES.index(side)
                self.step(side, begin, begin + 0.8 * slot, feet_xy[j], float(feet_yaw[j]))
        return 2 * pairs, centre_now + move

    def in_body(self, point, centre_xy, body_yaw: float) -> np.ndarray:
        """An actor-space point in the frame of a body standing at `centre_xy` turned by
        `body_yaw` (the inverse of `body_point`)."""
        local = np.array(point, dtype=float)
        local[..., 0] -= centre_xy[0]
        local[..., 1] -= centre_xy[1]
        return rotate_z(local, -body_yaw)

    def body_point(self, point, centre_xy, body_yaw: float) -> np.ndarray:
        """A point given in the body's frame (origin centre_xy, turned body_yaw) in the
        actor's space."""
        point = np.asarray(point, float)
        out = rotate_z(point, body_yaw)
        out[..., 0] += centre_xy[0]
        out[..., 1] += centre_xy[1]
        return out

    def stance_at(self, centre_xy, body_yaw: float) -> tuple[np.ndarray, np.ndarray]:
        """Ankle positions (2, 2) and foot yaws (2,) of the relaxed stance with the body's
        origin at `centre_xy` turned by `body_yaw`."""
        return (rotate_z(self.stance_xy, body_yaw) + np.asarray(centre_xy, float),
                self.stance_yaw + body_yaw)

    def joint_at(self, pose: Pose, joint: str) -> np.ndarray:
        """Where `joint` is (3,) in `pose`, in the pose's own frame."""
        positions, _ = forward_kinematics(pose.root[None], pose.rotations[None], self.offsets)
        return positions[0, INDEX[joint]]

    def posture_for(self, target, joint: str | tuple[str, ...] = "right_shoulder",
                    reach_m: float | None = None,
                    base: Pose | None = None, twist: bool = True,
                    max_bend_deg: float = 120.0) -> Pose:
        """The standing pose from which `joint` (a shoulder, or the head) comes within
        `reach_m` of `target` (actor space) with the least effort: the spine bends forward,
        twists towards the target and the knees bend (the pelvis drops and goes back to keep
        the balance).  A coarse search over a grid of poses, all in one FK call.  `joint`
        may be a tuple of joints with `target` (K, 3) holding one target each (both
        shoulders to both grips of a two-handed grasp): the farthest of them counts."""
        target = np.asarray(target, float).reshape(-1, 3)
        joints = (joint,) if isinstance(joint, str) else tuple(joint)
        base = base or self.neutral
        if reach_m is None:
            side = joints[0].split("_")[0]
            reach_m = 0.88 * arm_length(self.offsets, side if side in SIDES else "right")
        centre = target.mean(axis=0)
        heading = np.degrees(np.arctan2(centre[0], -centre[1]))
        turn = float(np.clip(heading, -50, 50)) * 0.6 if twist else 0.0
        bends = np.linspace(0.0, max_bend_deg, 20)
        drops = np.linspace(0.0, 0.5, 11) * self.scale
        grid_b, grid_d = (g.ravel() for g in np.meshgrid(bends, drops, indexing="ij"))
        roots, rotations = self._bent(base, grid_b, grid_d, turn)
        positions, _ = forward_kinematics(roots, rotations, self.offsets)
        distance = np.linalg.norm(positions[:, [INDEX[j] for j in joints]] - target,
                                  axis=-1).max(axis=1)
        too_far = np.maximum(distance - reach_m, 0.0) / reach_m
        too_near = np.maximum(0.55 * reach_m - distance, 0.0) / reach_m
        b, d = grid_b / 110.0, grid_d / (0.5 * self.scale)
        effort = 0.25 * b ** 2 + 0.25 * d ** 2 + 0.15 * b * d
        best = int(np.argmin(40.0 * too_far ** 2 + 10.0 * too_near ** 2 + effort))
        return Pose(roots[best], rotations[best])

    def _bent(self, base: Pose, bend_deg: np.ndarray, drop_m: np.ndarray,
              twist_deg: float) -> tuple[np.ndarray, np.ndarray]:
        """`base` bent forward by each of `bend_deg` (N,) (mostly at the hips, the rest in
        the spine) and crouched by `drop_m` (N,), the hips pushed back to keep the weight
        over the feet, the head kept up and the arms hanging: roots (N, 3) and rotations
        (N, 22, 4)."""
        count = len(bend_deg)
        back = (0.12 * np.sin(np.radians(bend_deg)) + 0.2 * drop_m / self.scale) * self.scale
        roots = base.root + np.stack([np.zeros(count), back, -drop_m], axis=1)
        rotations = np.repeat(base.rotations[None], count, axis=0)
        rotations[:, 0] = quat.multiply(axis_angle(X, 0.65 * bend_deg), rotations[:, 0])
        twist = twist_deg * np.minimum(1.0, 0.3 + bend_deg / 30.0)
        for joint, share in (("spine1", 0.16), ("spine2", 0.14), ("spine3", 0.1)):
            j = INDEX[joint]
            turn = quat.multiply(axis_angle(Z, twist * share * 2.5),
                                 axis_angle(X, bend_deg * share))
            rotations[:, j] = quat.multiply(turn, rotations[:, j])
        for joint, share in (("neck", 0.4), ("head", 0.6)):
            j = INDEX[joint]
            rotations[:, j] = quat.multiply(axis_angle(X, -0.4 * bend_deg * share),
                                            rotations[:, j])
        rotations = hang_arms(roots, rotations, self.offsets, self.neutral.rotations, 0.8)
        return roots, rotations

    def to_local(self, world_point) -> np.ndarray:
        return self.ctx.to_local(world_point)

    # -- building
    def _base(self) -> tuple[np.ndarray, np.ndarray]:
        """Key poses interpolated over every frame: root (T, 3), rotations (T, 22, 4)."""
        keys = sorted(self.keys, key=lambda k: k[0]) or [(0.0, self.neutral, False)]
        times = np.array([k[0] for k in keys])
        times = times + np.arange(len(times)) * 1e-6          # keys at one time stay ordered
        roots = np.stack([k[1].root for k in keys])
        rotations = quat.unroll(np.stack([k[1].rotations for k in keys]), axis=0)
        smooth = np.array([k[2] for k in keys])
        root = hermite(times, roots, smooth, self.t)
        rotations = quat.normalize(hermite(times, rotations, smooth, self.t))
        return root, rotations

    def _secondary(self, root: np.ndarray, rotations: np.ndarray) -> None:
        """Breathing and drift, in place: the chest rises and the shoulders lift on each
        breath (about 15 a minute), the head and pelvis wander a little."""
        t, rng = self.t, self.rng
        rate = rng.uniform(0.22, 0.3)
        breath = 0.5 - 0.5 * np.cos(2 * np.pi * rate * t + rng.uniform(0, 2 * np.pi))
        breath = (breath - breath[0]) * self.breathing
        for joint, degrees in (("spine1", -0.7), ("spine2", -0.8), ("spine3", -0.6),
                               ("neck", 0.9)):
            j = INDEX[joint]
            rotations[:, j] = quat.multiply(rotations[:, j], axis_angle(X, degrees * breath))
        for side in SIDES:
            j = INDEX[f"{side}_collar"]
            rotations[:, j] = quat.multiply(rotations[:, j],
                                            axis_angle(Y, -SIDE_SIGN[side] * 1.2 * breath))
        if self.drift > 0:
            head_yaw = smooth_noise(t, rng) * 2.0 * self.drift
            head_pitch = smooth_noise(t, rng) * 1.2 * self.drift
            for joint, share in (("neck", 0.4), ("head", 0.6)):
                turn = quat.multiply(axis_angle(Z, share * (head_yaw - head_yaw[0])),
                                     axis_angle(X, share * (head_pitch - head_pitch[0])))
                j = INDEX[joint]
                rotations[:, j] = quat.multiply(rotations[:, j], turn)
            lean = smooth_noise(t, rng, 0.1, 0.4) * 0.8 * self.drift
            j = INDEX["spine2"]
            rotations[:, j] = quat.multiply(rotations[:, j], axis_angle(Y, lean - lean[0]))
            sway = np.stack([smooth_noise(t, rng, 0.08, 0.3), smooth_noise(t, rng, 0.08, 0.3),
                             np.zeros_like(t)], axis=1) * 0.006 * self.scale * self.drift
            root += sway - sway[0]

    def feet(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Ankle targets (T, 2, 3), foot yaws (T, 2) and contacts (T, 2) from the plants:
        planted feet hold still; a stepping foot lifts, travels and lands softly."""
        ankles = np.zeros((self.frames, 2, 3))
        yaws = np.zeros((self.frames, 2))
        contact = np.zeros((self.frames, 2), dtype=bool)
        for i, side in enumerate(SIDES):
            plants = self.plants[side]
            for k, plant in enumerate(plants):
                inside = (self.t >= plant.start_s - 1e-9) & (self.t <= plant.end_s + 1e-9)
                if k == 0:
                    inside |= self.t < plant.start_s
                if k == len(plants) - 1:
                    inside |= self.t > plant.end_s
                ankles[inside, i, :2] = plant.xy
                yaws[inside, i] = plant.yaw
                contact[inside, i] = True
                if k + 1 < len(plants):
                    nxt = plants[k + 1]
                    swing = (self.t > plant.end_s) & (self.t < nxt.start_s)
                    u = (self.t[swing] - plant.end_s) / max(nxt.start_s - plant.end_s, 1e-6)
                    along = smootherstep(u)[:, None]
                    ankles[swing, i, :2] = plant.xy * (1 - along) + nxt.xy * along
                    yaws[swing, i] = plant.yaw + (nxt.yaw - plant.yaw) * along[:, 0]
                    lift = self.swing_lift_m if nxt.lift_m is None else nxt.lift_m
                    ankles[swing, i, 2] = lift * np.sin(np.pi * u) ** 2
        ankles[:, :, 2] += self.ankle_z + self.foot_lift
        contact &= (self.foot_lift < 0.01 * self.scale) & (self.foot_weight > 0.999)
        return ankles, yaws, contact

    def _carried_by_feet(self, ankles: np.ndarray, yaws: np.ndarray,
                         contact: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where the body stands (T, 2) and which way it is turned (T,) when the feet step:
        between the feet, leaning over the one that carries the weight."""
        body_yaw = hann_smooth(yaws.mean(axis=1) - self.stance_yaw.mean(), self.fps * 0.3)
        support = hann_smooth(contact.astype(float), self.fps * 0.35)
        share = support / np.maximum(support.sum(axis=1, keepdims=True), 1e-6)
        weighted = np.sum(share[:, :, None] * ankles[:, :, :2], axis=1)
        middle = ankles[:, :, :2].mean(axis=1)
        between = hann_smooth(0.65 * middle + 0.35 * weighted, self.fps * 0.3)
        centre = between - rotate_z(self.stance_xy.mean(axis=0), body_yaw)
        return centre, body_yaw

    def build(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Root (T, 3), local rotations (T, 22, 4) and foot contacts (T, 2), actor space."""
        if self._built is not None:
            return self._built
        root, rotations = self._base()
        for joint, turn in self.layers:
            rotations[:, joint] = quat.multiply(rotations[:, joint], turn)
        self._secondary(root, rotations)
        root = root + self.root_shift
        ankles, yaws, contact = self.feet()
        if self.feet_move_body:
            centre, body_yaw = self._carried_by_feet(ankles, yaws, contact)
            root = rotate_z(root, body_yaw)
            root[:, :2] += centre
            rotations[:, 0] = quat.multiply(yaw(body_yaw), rotations[:, 0])
        pitch = self.foot_pitch.copy()
        for side, (path, path_yaw, path_pitch, weight, _) in self.swings.items():
            i = SIDES.index(side)
            ankles[:, i] += weight[:, None] * (path - ankles[:, i])
            yaws[:, i] += weight * (path_yaw - yaws[:, i])
            pitch[:, i] += weight * (path_pitch - pitch[:, i])
            contact[:, i] &= weight <= 0
        fk = forward_kinematics(root, rotations, self.offsets)
        legs = rotations
        for i, side in enumerate(SIDES):
            weight = self.foot_weight[:, i]
            if np.any(weight > 0):
                feet_world = foot_rotation(yaws[:, i], pitch[:, i])
                pole = None
                if side in self.swings:         # place_ankle's pole, swung to the knee's way
                    knee, swung = self.swings[side][4], self.swings[side][3][:, None]
                    toes = quat.rotate(feet_world, np.broadcast_to(FORWARD, (self.frames, 3)))
                    way = toes * (1 - swung) + knee * swung
                    pole = (fk[0][:, INDEX[f"{side}_hip"]] + ankles[:, i]) / 2 + 0.5 * way
                legs = place_ankle(legs, root, self.offsets, side, ankles[:, i], feet_world,
                                   pole=pole, weight=None if np.all(weight >= 1) else weight,
                                   fk=fk)
        rotations = legs
        if self.gaze is not None:
            target, weight, neck_share, chest_share = self.gaze
            rotations = aim_head(rotations, root, self.offsets, target, weight, neck_share,
                                 chest_share, fk=fk)
            if chest_share > 0:
                fk = forward_kinematics(root, rotations, self.offsets)
        for side, (target, pole, weight) in self.reaches.items():
            if pole is None:
                pole = self.default_elbow_pole(side, fk[0], target)
            rotations = place_wrist(rotations, root, self.offsets, side, target, pole,
                                    weight, fk=fk)
        shoulders = fk[0][:, [INDEX["left_shoulder"], INDEX["right_shoulder"]], 2]
        if shoulders.min() - arm_length(self.offsets) < 0.15 * self.scale:
            rotations = self._hands_off_the_floor(root, rotations)
        if self.palms:
            fk = forward_kinematics(root, rotations, self.offsets)
            for side, (direction, weight, bend) in self.palms.items():
                rotations = orient_hand(rotations, root, self.offsets, side, direction,
                                        weight, bend, fk=fk)
        for joint, turn in self.late_layers:
            rotations[:, joint] = quat.multiply(rotations[:, joint], turn)
        if self.toppling is not None:
            pivot, axis, degrees = self.toppling
            tip = axis_angle(axis, degrees)
            root = pivot + quat.rotate(tip, root - pivot)
            rotations[:, 0] = quat.multiply(tip, rotations[:, 0])
            contact = contact & (degrees < 1.0)[:, None]
        self._built = (root, quat.unroll(rotations, axis=0), contact)
        return self._built

    def _hands_off_the_floor(self, root: np.ndarray, rotations: np.ndarray) -> np.ndarray:
        """Free hands (not reaching for anything) that would hang through the floor in a
        deep bend are lifted by IK to rest just above it, the elbow bending."""
        floor = 0.06 * self.scale
        positions, world = forward_kinematics(root, rotations, self.offsets)
        for side in SIDES:
            wrist = positions[:, INDEX[f"{side}_wrist"]]
            weight = smoothstep((floor + 0.08 * self.scale - wrist[:, 2]) / (0.08 * self.scale))
            if side in self.reaches:
                weight = weight * (1.0 - self.reaches[side][2])
            if not np.any(weight > 1e-3):
                continue
            soft = 0.03 * self.scale
            lifted = floor + soft * np.logaddexp(0.0, (wrist[:, 2] - floor) / soft)
            target = np.column_stack([wrist[:, :2], lifted])
            pole = self.default_elbow_pole(side, positions, target)
            rotations = place_wrist(rotations, root, self.offsets, side, target, pole, weight,
                                    fk=(positions, world))
        return rotations

    def default_elbow_pole(self, side: str, positions: np.ndarray,
                           target: np.ndarray) -> np.ndarray:
        """Elbows point out to the side, down and back, as they do when a hand reaches."""
        shoulder = positions[:, INDEX[f"{side}_shoulder"]]
        out = np.array([SIDE_SIGN[side] * 0.35, 0.25, -0.3]) * self.scale
        return (shoulder + target) / 2 + out

    def local_positions(self) -> np.ndarray:
        """Joint positions (T, 22, 3) in the actor's space, as built."""
        root, rotations, _ = self.build()
        return forward_kinematics(root, rotations, self.offsets)[0]

    def finish(self, contact_frames: dict[str, int] | None = None, release: Release | None = None,
               handoff_frame: int | None = None, hand: str | None = None,
               checks: Mapping[str, tuple[str, int, np.ndarray]] | None = None,
               extras: dict[str, Any] | None = None) -> ActionResult:
        """The clip in the world.  `checks` maps a name to (joint, frame, goal in actor
        space): the distance from joint to goal at that frame is reported as contact error."""
        root, rotations, contact = self.build()
        ctx = self.ctx
        world_root = ctx.to_world(root)
        world_rotations = rotations.copy()
        world_rotations[:, 0] = quat.multiply(yaw(np.full(self.frames, ctx.facing)),
                                              rotations[:, 0])
        clip = Clip(self.name, self.fps, world_root, world_rotations, self.offsets.copy(),
                    labels=(self.name,), contacts=contact.copy(), source=SOURCE)
        errors = {}
        if checks:
            positions = self.local_positions()
            for name, (joint, frame, goal) in checks.items():
                errors[name] = float(np.linalg.norm(positions[frame, INDEX[joint]] - goal))
        gaze = None
        if self.gaze is not None:
            gaze = Gaze(ctx.to_world(self.gaze[0]), self.gaze[1].copy())
        return ActionResult(clip, dict(contact_frames or {}), release, handoff_frame, hand,
                            errors, dict(extras or {}), gaze)
