"""Motion quality figures the project reports, on joint positions (T, 22, 3), metres, Z up.

Each follows a published definition so our numbers sit next to the papers' (see
docs/motion-facts.md); where a paper leaves a detail open, the docstring says what we chose.

The floor is z = 0.  The canonical foot joint (10, 11) is the ball of the foot, which stands
`FOOT_JOINT_HEIGHT_M` = 2.5 cm above the sole when the foot is flat: the motion library's
converter puts it there (source.FOOT_JOINT_HEIGHT_M), and SMPL's mean body at rest has it at
2.6-3.2 cm (skeleton.REST_OFFSETS).  HumanML3D, on which the foot-skating rule was defined,
puts its lowest joint on the floor, so a planted foot joint sits at height 0 there; we subtract
the same 2.5 cm before applying any height rule, so "height" below always means the height of
the sole under the foot joint.  The foot locking (footlock.py) plants feet at exactly this
height, so the two agree.  Heels are not measured: only joints 10 and 11 are, as in GMD.
"""
from __future__ import annotations

import numpy as np

from .skeleton import FEET, INDEX

#: Height of the canonical foot joint (ball of the foot) above the sole when the foot is flat.
FOOT_JOINT_HEIGHT_M = 0.025
#: Floating tolerance of PhysDiff / Story-to-Motion's physics error.
FLOAT_TOLERANCE_M = 0.005

#: GMD's foot-skating rule.
SKATING_FPS = 20.0
CONTACT_HEIGHT_M = 0.05
SKATING_SPEED_MPS = 0.5
SKATING_AVERAGE_FRAMES = 5


def resample_positions(positions: np.ndarray, fps: float, new_fps: float) -> np.ndarray:
    """Positions at `new_fps` by linear interpolation in time (metrics defined at one rate)."""
    positions = np.asarray(positions, dtype=float)
    if fps == new_fps or len(positions) < 2:
        return positions
    duration = (len(positions) - 1) / fps
    times = np.arange(0.0, duration + 1e-9, 1.0 / new_fps) * fps
    low = np.minimum(np.floor(times).astype(int), len(positions) - 2)
    t = (times - low)[:, None, None]
    return positions[low] * (1 - t) + positions[low + 1] * t


def sole_heights(positions: np.ndarray, feet=FEET,
                 foot_joint_height_m: float = FOOT_JOINT_HEIGHT_M) -> np.ndarray:
    """Height above the floor of the sole under each foot joint, (T, len(feet))."""
    return np.asarray(positions)[:, list(feet), 2] - foot_joint_height_m


def foot_contacts(positions: np.ndarray, feet=FEET, height_m: float = CONTACT_HEIGHT_M,
                  foot_joint_height_m: float = FOOT_JOINT_HEIGHT_M) -> np.ndarray:
    """GMD's contact rule per step between frames, (T-1, feet) bool: the sole is lower than
    `height_m` in both frames, so a foot grazing the floor once is not planted."""
    low = sole_heights(positions, feet, foot_joint_height_m) < height_m
    return low[:-1] & low[1:]


def _moving_average(x: np.ndarray, frames: int) -> np.ndarray:
    """Centred moving average along axis 0 with zeros beyond the ends, always divided by
    `frames` (scipy's uniform_filter1d with mode='constant', as GMD computes it)."""
    half = frames // 2
    padded = np.concatenate([np.zeros((half + 1,) + x.shape[1:]), x,
                             np.zeros((frames - half - 1,) + x.shape[1:])], axis=0)
    total = np.cumsum(padded, axis=0)
    return (total[frames:] - total[:-frames]) / frames


def skating_steps(positions: np.ndarray, fps: float, feet=FEET,
                  foot_joint_height_m: float = FOOT_JOINT_HEIGHT_M) -> np.ndarray:
    """Per step between frames at 20 fps (T20-1,) whether a foot in contact slides (GMD)."""
    at20 = resample_positions(positions, fps, SKATING_FPS)
    if len(at20) < 2:
        return np.zeros(0, dtype=bool)
    contact = foot_contacts(at20, feet, CONTACT_HEIGHT_M, foot_joint_height_m)
    speed = np.linalg.norm(np.diff(at20[:, list(feet), :2], axis=0), axis=-1) * SKATING_FPS
    average = _moving_average(speed, SKATING_AVERAGE_FRAMES)
    skating = contact & (speed > SKATING_SPEED_MPS) & (average > SKATING_SPEED_MPS)
    return skating.any(axis=1)


def foot_skating_ratio(positions: np.ndarray, fps: float, feet=FEET,
                       foot_joint_height_m: float = FOOT_JOINT_HEIGHT_M) -> float:
    """Share of frames in which a planted foot slides (GMD, reused by OmniControl).

    As GMD's code computes it: resampled to 20 fps; feet are joints 10 and 11; for each step
    between consecutive frames a foot is in contact when its sole is lower than 5 cm in both
    frames, and the step skates when a contact foot's horizontal speed over the step exceeds
    0.5 m/s and so does its 5-step centred moving average (zeros beyond the ends); the ratio is
    the share of steps in which either foot skates.  Real mocap scores about 0.05.
    """
    skating = skating_steps(positions, fps, feet, foot_joint_height_m)
    return float(skating.mean()) if len(skating) else 0.0


def ground_errors(positions: np.ndarray, feet=FEET,
                  foot_joint_height_m: float = FOOT_JOINT_HEIGHT_M,
                  tolerance_m: float = FLOAT_TOLERANCE_M) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame penetration and floating (T,), metres, of the lowest sole.

    h = min over the feet of (foot joint z - FOOT_JOINT_HEIGHT_M); penetration = max(0, -h);
    floating = max(0, h - 5 mm).  Only the lowest foot counts: the other one may be swinging.
    """
    lowest = sole_heights(positions, feet, foot_joint_height_m).min(axis=1)
    return np.maximum(0.0, -lowest), np.maximum(0.0, lowest - tolerance_m)


def physics_error(positions: np.ndarray, feet=FEET,
                  foot_joint_height_m: float = FOOT_JOINT_HEIGHT_M,
                  tolerance_m: float = FLOAT_TOLERANCE_M) -> float:
    """Foot floating + ground penetration, metres, averaged over frames (Story-to-Motion).

    Story-to-Motion publishes no code; we follow PhysDiff's penetrate/float terms on the sole of
    the lowest foot: per frame, penetration = max(0, -h) and floating = max(0, h - 0.005) with h
    the lowest sole height (ground_errors); the figure is mean(penetration + floating).  Flight
    phases (running jumps) count as floating, as they do in the paper's definition.
    """
    penetrate, floating = ground_errors(positions, feet, foot_joint_height_m, tolerance_m)
    return float(np.mean(penetrate + floating)) if len(penetrate) else 0.0


def penetration(positions: np.ndarray, feet=FEET,
                foot_joint_height_m: float = FOOT_JOINT_HEIGHT_M) -> float:
    """Mean depth, metres, of the lowest sole below the floor (0 in frames above it)."""
    penetrate, _ = ground_errors(positions, feet, foot_joint_height_m)
    return float(np.mean(penetrate)) if len(penetrate) else 0.0


def max_penetration(positions: np.ndarray, feet=FEET,
                    foot_joint_height_m: float = FOOT_JOINT_HEIGHT_M) -> float:
    """Deepest any foot's sole goes below the floor, metres (0 when none does)."""
    heights = sole_heights(positions, feet, foot_joint_height_m)
    return float(max(0.0, -heights.min())) if heights.size else 0.0


def path_at(times: np.ndarray, path_times: np.ndarray, path_xy: np.ndarray) -> np.ndarray:
    """Where a timed path is at `times` (linear between its samples, held at its ends), (T, 2)."""
    times, path_times = np.asarray(times, float), np.asarray(path_times, float)
    path_xy = np.asarray(path_xy, float)
    return np.column_stack([np.interp(times, path_times, path_xy[:, 0]),
                            np.interp(times, path_times, path_xy[:, 1])])


def trajectory_error(pelvis_xy: np.ndarray, times: np.ndarray, path_times: np.ndarray,
                     path_xy: np.ndarray) -> float:
    """Mean horizontal distance, metres, between the pelvis and where the timed path is at the
    same time (Story-to-Motion): position-time pairs, so walking the right line late counts."""
    pelvis_xy = np.asarray(pelvis_xy, float)[:, :2]
    target = path_at(times, path_times, path_xy)
    return float(np.mean(np.linalg.norm(pelvis_xy - target, axis=1))) if len(target) else 0.0


def jerk(positions: np.ndarray) -> np.ndarray:
    """FlowMDM's jerk per frame (T-3,): the third finite difference of every joint's position
    (not divided by the time step, so it depends on the frame rate), L1 over x, y, z, maximum
    over joints.  Entry i covers frames i..i+3."""
    p = np.asarray(positions, dtype=float)
    if len(p) < 4:
        return np.zeros(0)
    third = p[3:] - 3 * p[2:-1] + 3 * p[1:-2] - p[:-3]
    return np.abs(third).sum(axis=-1).max(axis=-1)


def peak_jerk(positions: np.ndarray, window: tuple[int, int] | None = None) -> float:
    """Largest jerk (see `jerk`) whose four frames overlap frames [start, stop) of `window`,
    or over the whole motion; FlowMDM's peak jerk over a transition."""
    per_frame = jerk(positions)
    if window is not None:
        start, stop = window
        per_frame = per_frame[max(start - 3, 0):max(stop, 0)]
    return float(per_frame.max()) if len(per_frame) else 0.0


def area_under_jerk(positions: np.ndarray, window: tuple[int, int] | None = None,
                    baseline: float = 0.0) -> float:
    """FlowMDM's area under the jerk above `baseline` (the mean jerk of the source motion)."""
    per_frame = jerk(positions)
    if window is not None:
        start, stop = window
        per_frame = per_frame[max(start - 3, 0):max(stop, 0)]
    return float(np.sum(np.maximum(per_frame - baseline, 0.0)))


def nan_count(values: np.ndarray) -> int:
    """How many entries are NaN or infinite: a synthesiser must never emit any."""
    return int(np.count_nonzero(~np.isfinite(np.asarray(values, dtype=float))))


def motion_report(positions: np.ndarray, fps: float, path_times=None, path_xy=None,
                  pelvis=INDEX["pelvis"]) -> dict:
    """The figures the `metrics` command prints for one character, as a dict."""
    penetrate, floating = ground_errors(positions)
    report = {"foot_skating_ratio": foot_skating_ratio(positions, fps),
              "physics_error_m": float(np.mean(penetrate + floating)) if len(penetrate) else 0.0,
              "penetration_m": float(np.mean(penetrate)) if len(penetrate) else 0.0,
              "floating_m": float(np.mean(floating)) if len(floating) else 0.0,
              "peak_jerk": peak_jerk(positions), "nan": nan_count(positions)}
    if path_times is not None and path_xy is not None:
        times = np.arange(len(positions)) / fps + float(np.asarray(path_times)[0])
        report["trajectory_error_m"] = trajectory_error(positions[:, pelvis, :2], times,
                                                        path_times, path_xy)
    return report
