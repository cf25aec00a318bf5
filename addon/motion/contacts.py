"""Which foot is planted, per frame, from joint positions alone: the one contact detector
(clip import, the library, gait cycles and foot locking all use it).

A foot is planted while its heel (the ankle) or its ball (the canonical foot joint) is both
near the floor and nearly still: heel strike and toe-off each keep one of the two down.  The
thresholds follow the foot-skating rule of the literature (GMD: 5 cm, 0.5 m/s at the foot
joint), loosened for the ankle, which sits higher.  "Nearly still" is relative when the body
moves fast: raw mocap lets a planted foot slide (DeepMimic's run: ~1 m/s under a 3.5 m/s
body), so a foot also counts as still below RELATIVE_SPEED of the pelvis's speed.  Heights
are above the floor, which is z = 0 or, for motion that stands a little above or below it,
found from the clip's lowest feet.  Contacts too short to lock a foot, and gaps as short, are
cleaned away (`clean_contacts`).
"""
from __future__ import annotations

import numpy as np

from .metrics import FOOT_JOINT_HEIGHT_M
from .skeleton import ANKLES, FEET

BALL_HEIGHT_M = 0.06     # the foot joint sits ~2.5 cm up when the foot is flat
HEEL_HEIGHT_M = 0.12     # the ankle sits ~5-8 cm up when the heel is down
SPEED_MPS = 0.5
RELATIVE_SPEED = 0.35


def _horizontal_speed(points: np.ndarray, fps: float) -> np.ndarray:
    """Speed (T, N) of points (T, N, 3) in the floor plane, by central differences."""
    if len(points) < 2:
        return np.zeros(points.shape[:2])
    return np.linalg.norm(np.gradient(points[..., :2], axis=0), axis=-1) * fps


def contact_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop frames ([start, stop)) of each run of True in a 1-D mask."""
    edges = np.diff(np.concatenate([[0], np.asarray(mask, dtype=np.int8), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def clean_contacts(contacts: np.ndarray, min_frames: int = 3) -> np.ndarray:
    """Contacts (T, feet) with gaps shorter than `min_frames` filled and runs shorter than
    `min_frames` dropped: a lock that lasts a frame or two only makes the foot stutter."""
    contacts = np.array(contacts, dtype=bool)
    for foot in range(contacts.shape[1]):
        starts, stops = contact_runs(~contacts[:, foot])
        for start, stop in zip(starts, stops):
            if stop - start < min_frames and start > 0 and stop < len(contacts):
                contacts[start:stop, foot] = True
        starts, stops = contact_runs(contacts[:, foot])
        for start, stop in zip(starts, stops):
            if stop - start < min_frames:
                contacts[start:stop, foot] = False
    return contacts


def floor_height(positions: np.ndarray) -> float:
    """Where the floor is under canonical positions (T, 22, 3): the lower sole's height in all
    but the lowest 5 % of frames, so a frame or two of penetration does not lift it."""
    sole = positions[:, list(FEET), 2].min(axis=1) - FOOT_JOINT_HEIGHT_M
    return float(np.percentile(sole, 5))


def foot_contacts(positions: np.ndarray, fps: float, *, floor_z: float | None = 0.0,
                  ball_height_m: float = BALL_HEIGHT_M, heel_height_m: float = HEEL_HEIGHT_M,
                  speed_mps: float = SPEED_MPS, min_frames: int = 2) -> np.ndarray:
    """Planted flags (T, 2) for the left and right foot of canonical positions (T, 22, 3),
    heights measured above `floor_z` (None: `floor_height` of the clip); runs and gaps
    shorter than `min_frames` are cleaned away."""
    floor = floor_height(positions) if floor_z is None else float(floor_z)
    balls, heels = positions[:, list(FEET)], positions[:, list(ANKLES)]
    body = _horizontal_speed(positions[:, :1], fps)                       # (T, 1)
    still = np.maximum(speed_mps, RELATIVE_SPEED * body)
    ball = (balls[..., 2] - floor < ball_height_m) & (_horizontal_speed(balls, fps) < still)
    heel = (heels[..., 2] - floor < heel_height_m) & (_horizontal_speed(heels, fps) < still)
    return clean_contacts(ball | heel, min_frames)
