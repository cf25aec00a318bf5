"""Foot locking: planted feet stay where they were put down, and neither float nor sink.

Any motion that is edited after capture (re-timed, re-aimed along a path, blended, stride
warped) slides its planted feet.  We pin each foot for the length of its ground contact at one
world position on the floor, and bend the leg to reach it with two-bone IK (ik.two_bone),
keeping the foot's world orientation so only the hip and knee change:

- a contact run pins the foot at the (weighted) mean of where the motion had it, on the floor;
- between two runs the foot follows the motion's own swing bent to start on one pin and end on
  the next, holding near each pin while it is low (leave late, arrive early) and lifted to a
  minimum clearance in mid swing, so it neither slides along the floor nor snaps;
- before the first and after the last run the pin eases in and out over `blend_s`;
- the pelvis is first moved up or down so the planted feet meet the floor, then lowered
  further (smoothly, at most `max_drop_m`) wherever a pinned foot would be out of the leg's
  reach, since a straight leg cannot stretch; no foot target goes below the floor, and the
  ankle stays high enough that the heel does not either.

The floor is z = `floor_z`; a planted foot has its foot joint (the ball of the foot) at
`foot_joint_height_m` above it: 2.5 cm (metrics.FOOT_JOINT_HEIGHT_M), the height the metrics
treat as "on the floor".
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import quat
from .clip import Clip
from .contacts import clean_contacts, contact_runs, foot_contacts
from .ik import two_bone
from .metrics import FOOT_JOINT_HEIGHT_M
from .skeleton import INDEX, PARENTS, forward_kinematics

#: (hip, knee, ankle, foot) of the left and right leg.
LEGS = tuple(tuple(INDEX[f"{side}_{part}"] for part in ("hip", "knee", "ankle", "foot"))
             for side in ("left", "right"))
#: Keep a reaching leg just short of straight so the knee keeps a defined bend direction.
REACH_MARGIN = 0.995


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def lock_weights(contact: np.ndarray, blend_frames: float) -> tuple[np.ndarray, np.ndarray]:
    """For one foot's contacts (T,): the weight of its lock per frame (1 while planted, easing
    to 0 over `blend_frames` before and after) and which contact run each frame takes its lock
    from (the nearer of the previous and next run; -1 where there is none)."""
    frames = len(contact)
    starts, stops = contact_runs(contact)
    index = np.arange(frames)
    if len(starts) == 0:
        return np.zeros(frames), np.full(frames, -1)
    run_of = np.cumsum(np.isin(index, starts)) - 1                  # run started at or before
    # Previous run: the last run that started at or before this frame (may contain it).
    previous = run_of
    gap_after = np.where(previous >= 0, index - (stops[np.maximum(previous, 0)] - 1), np.inf)
    gap_after = np.maximum(gap_after, 0)                            # 0 inside the run
    following = np.minimum(run_of + 1, len(starts) - 1)
    has_next = run_of + 1 < len(starts)
    gap_before = np.where(has_next, starts[following] - index, np.inf)
    use_next = gap_before < gap_after
    run = np.where(use_next, following, previous)
    gap = np.minimum(gap_before, gap_after)
    weight = _smoothstep(1.0 - gap / max(blend_frames, 1e-9)) if blend_frames > 0 \
        else (gap == 0).astype(float)
    weight = np.where(np.isfinite(gap), weight, 0.0)
    return weight, np.where(np.isfinite(gap), run, -1)


def smootherstep(x: np.ndarray) -> np.ndarray:
    """Quintic ease 0 -> 1 with zero speed and acceleration at both ends."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6 * x - 15) + 10)


def _soft_max(a: np.ndarray, b: np.ndarray, softness: float) -> np.ndarray:
    """A smooth max(a, b) (no kink, so no jerk where the larger one changes)."""
    return b + softness * np.logaddexp(0.0, (a - b) / softness)


def contact_pins(feet: np.ndarray, starts: np.ndarray, stops: np.ndarray, plant_z: float,
                 weights: np.ndarray | None = None) -> np.ndarray:
    """Where each contact run pins one foot (runs, 3): the mean of the foot's horizontal
    positions over the run (the smallest correction on average), weighted per frame by
    `weights` when given, at `plant_z` height."""
    weights = np.ones(len(feet)) if weights is None else np.asarray(weights, dtype=float)
    run_id = np.repeat(np.arange(len(starts)), stops - starts)
    inside = np.concatenate([np.arange(a, b) for a, b in zip(starts, stops)])
    sums = np.zeros((len(starts), 2))
    totals = np.zeros(len(starts))
    np.add.at(sums, run_id, feet[inside, :2] * weights[inside, None])
    np.add.at(totals, run_id, weights[inside])
    return np.column_stack([sums / np.maximum(totals, 1e-12)[:, None],
                            np.full(len(starts), plant_z)])


def flat_foot_rise(feet: np.ndarray, ankles: np.ndarray, contacts: np.ndarray,
                   offsets: np.ndarray) -> float:
    """How far the ankle stands above the ball of the foot when the foot is flat on the floor.

    Sources disagree on where the canonical foot joint sits on the foot, so the rest offsets
    cannot say; the motion can: the heel is down for most of a contact, so the 10th percentile
    of ankle-over-ball over the planted frames is the flat foot (rest offsets when nothing is
    ever planted).  Used to keep the heel out of the floor."""
    rise = (ankles[..., 2] - feet[..., 2])[contacts]
    if rise.size:
        return float(np.percentile(rise, 10))
    return float(-offsets[[leg[3] for leg in LEGS], 2].mean())


def swing_path(pose: np.ndarray, lift_off: np.ndarray, touch_down: np.ndarray,
               progress: np.ndarray, plant_z: float, clearance_m: float,
               ramp: float = 0.2, hold: float = 0.3) -> np.ndarray:
    """A foot's way (T, 3) from the pin it lifts off to the pin it touches down on.

    It keeps the motion's own swing (its timing and shape) and bends it to the pins: the
    horizontal offset between the motion's foot and the pin at lift-off eases into the offset
    at touch-down.  Vertically it follows the motion's own lift, but never lower than
    `clearance_m` in mid swing (mocap skims the floor with a few centimetres to spare, which
    reads as a shuffle once stride is warped and trips the foot-skating rule), eased down to
    the floor over the first and last `ramp` of the swing.  `pose` (T, 3) is the motion's foot
    over the swing, `lift_off` and `touch_down` (3,) the two pins, `progress` (T,) runs from
    0 at lift-off to 1 at touch-down."""
    blend = smootherstep(progress)[:, None]
    first, last = pose[:1, :2], pose[-1:, :2]
    correction = (1 - blend) * (lift_off[:2] - first) + blend * (touch_down[:2] - last)
    xy = pose[:, :2] + correction
    # Hold near the pins while the foot is low: leave late, arrive early.
    leave = smootherstep((hold - progress) / hold)[:, None]
    arrive = smootherstep((progress - (1.0 - hold)) / hold)[:, None]
    xy = xy + leave * (lift_off[:2] - xy)
    xy = xy + arrive * (touch_down[:2] - xy)
    ends = smootherstep(progress / ramp) * smootherstep((1.0 - progress) / ramp)
    lift = _soft_max(pose[:, 2] - plant_z, np.full(len(pose), clearance_m), 0.01)
    return np.column_stack([xy, plant_z + ends * lift])


def foot_targets(feet: np.ndarray, ankles: np.ndarray, contacts: np.ndarray,
                 blend_frames: float, plant_z: float, ankle_plant_z: float,
                 clearance_m: float = 0.06, pin_weights: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Where each foot joint should be (T, 2, 3), and how much it is pinned (T, 2).

    Each contact run pins the foot (contact_pins).  Between two runs the foot takes a swing
    path from one pin to the next (swing_path), so it lifts off and lands without sliding.
    Before the first run and after the last, the target eases between the motion's own foot
    (at least `clearance_m` up) and the pin over `blend_frames`.  No target puts the ball of
    the foot below `plant_z` or the ankle below `ankle_plant_z` (the heel would go through the
    floor).  `pin_weights` (T,) weights the frames that decide where a run pins its foot.
    """
    targets = feet.copy()
    weights = np.zeros(feet.shape[:2])
    index = np.arange(len(feet))
    for foot in range(feet.shape[1]):
        starts, stops = contact_runs(contacts[:, foot])
        if len(starts) == 0:
            continue
        weight, run = lock_weights(contacts[:, foot], blend_frames)
        pins = contact_pins(feet[:, foot], starts, stops, plant_z, pin_weights)
        pin = pins[np.maximum(run, 0)]
        target = feet[:, foot] + weight[:, None] * (pin - feet[:, foot])
        # Before the first contact and after the last, the foot is swinging too: lifted clear.
        lift = _soft_max(feet[:, foot, 2] - plant_z, np.full(len(feet), clearance_m), 0.01)
        target[:, 2] = plant_z + (1.0 - weight) * lift
        # Swings between two runs: frames after run k ends and before run k+1 starts.
        previous = np.searchsorted(starts, index, side="right") - 1
        swinging = (previous >= 0) & (previous + 1 < len(starts))
        swinging &= index >= stops[np.maximum(previous, 0)]
        for k in np.unique(previous[swinging]):
            left, arrive = stops[k] - 1, starts[k + 1]
            frames = np.arange(left, arrive + 1)
            progress = (frames - left) / (arrive - left)
            path = swing_path(feet[frames, foot], pins[k], pins[k + 1], progress, plant_z,
                              clearance_m)
            target[frames[1:-1]] = path[1:-1]
        weight = np.where(swinging, 1.0, weight)
        targets[:, foot] = target
        weights[:, foot] = weight
    heel_floor = ankle_plant_z + (feet[..., 2] - ankles[..., 2])
    targets[..., 2] = np.maximum(targets[..., 2], np.maximum(plant_z, heel_floor))
    return targets, weights


def floor_offset(feet: np.ndarray, contacts: np.ndarray, plant_z: float,
                 smooth_frames: float) -> np.ndarray:
    """How far to move the whole body up (T,) so the planted feet meet the floor: per frame the
    lowest planted foot's error, interpolated across frames without contact, then smoothed so
    the pelvis does not bob.  Where nothing is ever planted, the lowest foot meets the floor."""
    frames = len(feet)
    planted = np.where(contacts, feet[..., 2], np.inf).min(axis=1)
    known = np.isfinite(planted)
    if not known.any():
        return np.full(frames, plant_z - feet[..., 2].min())
    index = np.arange(frames)
    offset = np.interp(index, index[known], plant_z - planted[known])
    return gaussian_smooth(offset, smooth_frames)


def gaussian_smooth(values: np.ndarray, sigma_frames: float) -> np.ndarray:
    """Gaussian smoothing along axis 0; the ends are extended by point reflection, which keeps
    a straight (linear) trend unbiased at the ends instead of pulling it towards a constant."""
    values = np.asarray(values, dtype=float)
    if sigma_frames <= 0 or len(values) < 2:
        return values.copy()
    radius = int(np.ceil(3 * sigma_frames))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma_frames) ** 2)
    kernel /= kernel.sum()
    pad = min(radius, len(values) - 1)
    head = 2 * values[:1] - values[1:pad + 1][::-1]
    tail = 2 * values[-1:] - values[-pad - 1:-1][::-1]
    padded = np.concatenate([head, values, tail], axis=0)
    if pad < radius:                                   # very short: hold the reflected ends
        padded = np.concatenate([np.repeat(padded[:1], radius - pad, axis=0), padded,
                                 np.repeat(padded[-1:], radius - pad, axis=0)], axis=0)
    flat = padded.reshape(len(padded), -1)
    out = np.stack([np.convolve(flat[:, i], kernel, mode="valid") for i in range(flat.shape[1])],
                   axis=1)
    return out.reshape(values.shape)


def reach_drop(hips: np.ndarray, ankle_targets: np.ndarray, leg_lengths: np.ndarray
               ) -> np.ndarray:
    """How far the pelvis must come down (T,) for both ankles to reach their targets."""
    horizontal = np.linalg.norm(ankle_targets[..., :2] - hips[..., :2], axis=-1)
    reach = leg_lengths * REACH_MARGIN
    vertical = np.sqrt(np.maximum(reach ** 2 - horizontal ** 2, 0.0))
    drop = (hips[..., 2] - ankle_targets[..., 2]) - vertical
    return np.maximum(drop, 0.0).max(axis=1)


def _sliding_max(values: np.ndarray, radius: int) -> np.ndarray:
    """Maximum over a window of 2 * radius + 1 frames centred on each frame."""
    if radius <= 0 or len(values) == 0:
        return values
    padded = np.pad(values, radius, mode="edge")
    return np.lib.stride_tricks.sliding_window_view(padded, 2 * radius + 1).max(axis=1)


def solve_legs(root: np.ndarray, rotations: np.ndarray, offsets: np.ndarray,
               foot_goals: np.ndarray) -> np.ndarray:
    """Local rotations with each leg bent (two-bone IK on hip and knee) so its foot joint lands
    on `foot_goals` (T, 2, 3); each ankle keeps its world orientation, so the foot keeps the
    angle the motion gave it and the ankle target is the goal minus the pose's ankle-to-foot."""
    positions, world = forward_kinematics(root, rotations, offsets)
    rotations = rotations.copy()
    for side, (hip, knee, ankle, foot) in enumerate(LEGS):
        ankle_goal = foot_goals[:, side] - (positions[:, foot] - positions[:, ankle])
        # Bend the knee the way the thigh faces (-Y is forward at rest), so it never flips.
        pole = positions[:, knee] + quat.rotate(world[:, hip], np.array([0.0, -0.5, 0.0]))
        first, second = two_bone(positions[:, hip], positions[:, knee],
                                 positions[:, ankle], ankle_goal, pole)
        hip_world = quat.multiply(first, world[:, hip])
        knee_world = quat.multiply(second, quat.multiply(first, world[:, knee]))
        parent_world = world[:, PARENTS[hip]]
        rotations[:, hip] = quat.multiply(quat.inverse(parent_world), hip_world)
        rotations[:, knee] = quat.multiply(quat.inverse(hip_world), knee_world)
        rotations[:, ankle] = quat.multiply(quat.inverse(knee_world), world[:, ankle])
    return rotations


def leg_lengths(offsets: np.ndarray) -> np.ndarray:
    """Hip-to-ankle length of each leg when straight (2,)."""
    return np.array([np.linalg.norm(offsets[knee]) + np.linalg.norm(offsets[ankle])
                     for _, knee, ankle, _ in LEGS])


def foot_lock(clip: Clip, contacts: np.ndarray | None = None, *, blend_s: float = 0.1,
              foot_joint_height_m: float = FOOT_JOINT_HEIGHT_M, floor_z: float = 0.0,
              align_to_floor: bool = True, pelvis_drop_m: float | np.ndarray = 0.0,
              swing_clearance_m: float = 0.06, pin_weights: np.ndarray | None = None,
              max_drop_m: float = 0.08) -> Clip:
    """The clip with planted feet pinned to the floor and the pelvis at a height the legs reach.

    `contacts` (T, 2) says when the left and right foot are planted; without it the clip's own
    contacts are used, else they are detected (contacts.foot_contacts, the floor found from
    the clip).  `blend_s` is how long the first lock eases in and the last eases out (swings
    between locks are shaped instead).
    `pelvis_drop_m` (scalar or per frame) lowers the pelvis while keeping the feet where the
    motion put them (a crouched sneak).  `swing_clearance_m` is the least height of a
    swinging sole in mid swing; `pin_weights` (T,) weights the frames that decide where a
    contact pins its foot; `max_drop_m` caps how far the pelvis comes down to let a leg reach.
    """
    if clip.frames == 0:
        return clip
    plant_z = floor_z + foot_joint_height_m
    positions = clip.positions()
    if contacts is None:
        contacts = clip.contacts if clip.contacts is not None else \
            foot_contacts(positions, clip.fps, floor_z=None)
    # A contact of a frame or two (where clips were joined) would yank the foot down and up.
    contacts = clean_contacts(np.asarray(contacts, dtype=bool), min_frames=3)
    feet = positions[:, [leg[3] for leg in LEGS]]
    root = clip.root.copy()
    if align_to_floor:
        lift = floor_offset(feet, contacts, plant_z, smooth_frames=0.1 * clip.fps)
        root[:, 2] += lift
        positions[..., 2] += lift[:, None]
    feet = positions[:, [leg[3] for leg in LEGS]]
    ankles = positions[:, [leg[2] for leg in LEGS]]
    ankle_plant_z = plant_z + flat_foot_rise(feet, ankles, contacts, clip.offsets)
    goals, _ = foot_targets(feet, ankles, contacts, blend_s * clip.fps, plant_z, ankle_plant_z,
                            swing_clearance_m, pin_weights)
    drop = np.broadcast_to(np.asarray(pelvis_drop_m, dtype=float), (clip.frames,))
    hips = positions[:, [leg[0] for leg in LEGS]].copy()
    hips[..., 2] -= drop[:, None]
    extra = reach_drop(hips, goals - (feet - ankles), leg_lengths(clip.offsets))
    # Lower the pelvis a little before and after it is needed, and smoothly.
    extra = _sliding_max(np.minimum(extra, max_drop_m), int(round(0.05 * clip.fps)))
    root[:, 2] -= drop + gaussian_smooth(extra, 0.05 * clip.fps)
    rotations = solve_legs(root, clip.rotations, clip.offsets, goals)
    return replace(clip, root=root, rotations=rotations, contacts=contacts)
