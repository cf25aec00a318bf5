"""Which foot is planted, per frame, from joint positions alone.

A foot is planted while its heel (the ankle) or its ball (the canonical foot joint) is both
near the floor and nearly still: heel strike and toe-off each keep one of the two down.  The
thresholds follow the foot-skating rule of the literature (GMD: 5 cm, 0.5 m/s at the foot
joint), loosened for the ankle, which sits higher.  "Nearly still" is relative when the body
moves fast: raw mocap lets a planted foot slide (DeepMimic's run: ~1 m/s under a 3.5 m/s
body), so a foot also counts as still below RELATIVE_SPEED of the pelvis's speed.
"""
from __future__ import annotations

import numpy as np

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


def _drop_blips(flags: np.ndarray) -> np.ndarray:
    """Flip single frames that disagree with both neighbours (T, N)."""
    out = flags.copy()
    if len(flags) >= 3:
        lone = (flags[1:-1] != flags[:-2]) & (flags[1:-1] != flags[2:])
        out[1:-1] = np.where(lone, flags[:-2], flags[1:-1])
    return out


def foot_contacts(positions: np.ndarray, fps: float, *, ball_height_m: float = BALL_HEIGHT_M,
                  heel_height_m: float = HEEL_HEIGHT_M, speed_mps: float = SPEED_MPS
                  ) -> np.ndarray:
    """Planted flags (T, 2) for the left and right foot of canonical positions (T, 22, 3)."""
    balls, heels = positions[:, list(FEET)], positions[:, list(ANKLES)]
    body = _horizontal_speed(positions[:, :1], fps)                       # (T, 1)
    still = np.maximum(speed_mps, RELATIVE_SPEED * body)
    ball = (balls[..., 2] < ball_height_m) & (_horizontal_speed(balls, fps) < still)
    heel = (heels[..., 2] < heel_height_m) & (_horizontal_speed(heels, fps) < still)
    return _drop_blips(ball | heel)
