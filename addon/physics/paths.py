"""Paths of bodies: impacts read from simulated ones, ballistic and rolling ones keyed where a
prop must meet a mark (a catching hand, the spot a later beat picks it up), and the sanity
checks after a bake.

Positions are a body's centre per frame, (T, 3) in metres, Z up.  Velocities come from finite
differences, so an impact shows as a jump in velocity that gravity alone cannot explain.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GRAVITY = np.array([0.0, 0.0, -9.81])
#: A change of velocity over one frame beyond gravity's, in m/s, that counts as a collision.
IMPACT_DV_MPS = 0.6


@dataclass(frozen=True)
class Impact:
    frame: int                 # index of the first position after the collision
    speed_mps: float           # approach speed along the collision's normal
    normal: tuple[float, float, float]
    change_mps: float = 0.0    # how much the collision changed the velocity

    def struck_speed(self, cor: float) -> float:
        """The closing speed of the collision: the approach speed, or for a body struck while
        at rest or slow (a kicked glass) the speed its velocity change implies, Δv / (1 + e)
        for a coefficient of restitution e (a body bouncing off a floor gives both alike)."""
        return max(self.speed_mps, self.change_mps / (1.0 + cor))


def velocities(positions: np.ndarray, fps: float) -> np.ndarray:
    """Velocity per frame (backward differences; the first frame copies the second)."""
    positions = np.asarray(positions, dtype=float)
    if len(positions) < 2:
        return np.zeros_like(positions)
    v = np.diff(positions, axis=0) * fps
    return np.vstack([v[:1], v])


def impacts(positions: np.ndarray, fps: float, min_speed_mps: float = 0.0,
            cor: float | None = None) -> list[Impact]:
    """Collisions along a path: frames where the velocity changes by more than gravity would
    change it, with the approach speed along the change (the normal of the contact).  The
    approach speed adds the half frame of gravity the difference quotient misses.  With `cor`
    the `min_speed_mps` filter uses `Impact.struck_speed(cor)`, so a kick counts too."""
    v = velocities(positions, fps)
    out = []
    for i in range(1, len(v)):
        dv = v[i] - v[i - 1] - GRAVITY / fps
        size = float(np.linalg.norm(dv))
        if size < IMPACT_DV_MPS:
            continue
        normal = dv / size
        before = v[i - 1] + GRAVITY / (2 * fps)
        speed = float(-before @ normal)
        closing = speed if cor is None else max(speed, size / (1.0 + cor))
        if closing >= min_speed_mps:
            out.append(Impact(i, speed, tuple(float(c) for c in normal), size))
    return out


def ballistic_arc(start: np.ndarray, end: np.ndarray, frames: int, fps: float) -> np.ndarray:
    """Positions at frames 0..frames of a free flight under gravity from `start` to `end`:
    what a thrown prop does between the thrower's hand and the catcher's."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    duration = frames / fps
    v0 = (end - start - 0.5 * GRAVITY * duration ** 2) / duration
    t = (np.arange(frames + 1) / fps)[:, None]
    return start + v0 * t + 0.5 * GRAVITY * t ** 2


def launch_velocity(start: np.ndarray, end: np.ndarray, frames: int, fps: float) -> np.ndarray:
    """The velocity a ballistic arc from `start` to `end` over `frames` leaves with."""
    duration = frames / fps
    return (np.asarray(end, float) - np.asarray(start, float) - 0.5 * GRAVITY * duration ** 2) \
        / duration


def aimed_launch(start: np.ndarray, end: np.ndarray, max_speed_mps: float = np.inf,
                 speed_factor: float = 1.15) -> tuple[np.ndarray, float]:
    """The launch velocity and flight time (s) of a pass from `start` to `end`: like a throw,
    `speed_factor` times the least speed that reaches, on the flatter of the two arcs at that
    speed, but no faster than `max_speed_mps` unless only the least speed reaches at all."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    g = -GRAVITY[2]
    delta = end - start
    horizontal, rise = float(np.linalg.norm(delta[:2])), float(delta[2])
    if horizontal < 1e-6:
        vz = np.sqrt(2 * g * max(rise, 0.05))
        return np.array([0.0, 0.0, vz]), float(vz / g)
    least = np.sqrt(g * (rise + np.hypot(rise, horizontal)))
    speed = max(least, min(least * speed_factor, max_speed_mps))
    root = max(speed ** 4 - g * (g * horizontal ** 2 + 2 * rise * speed ** 2), 0.0)
    angle = np.arctan2(speed ** 2 - np.sqrt(root), g * horizontal)
    heading = delta[:2] / horizontal
    velocity = np.array([*(heading * speed * np.cos(angle)), speed * np.sin(angle)])
    return velocity, float(horizontal / (speed * np.cos(angle)))


#: Deceleration of a ball rolling on a floor (rolling resistance ~0.05 g, as on short grass)
#: and of a thing sliding (friction ~0.4 g), m/s².
ROLLING_DECEL = 0.5
SLIDING_DECEL = 4.0


def rolling_path(start: np.ndarray, end: np.ndarray, frames: int, fps: float, *,
                 decel_mps2: float = ROLLING_DECEL) -> tuple[np.ndarray, float]:
    """Positions at frames 0..frames of a body set moving at `start` that slows evenly to rest
    at `end` (on the floor, Z kept from `start`), and the speed it left with.  It stops where
    the deceleration takes it; if that is later than `frames` allow, it decelerates harder so
    that it still arrives in time."""
    start, end = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    flat = end - start
    flat[2] = 0.0
    distance = float(np.linalg.norm(flat))
    duration = frames / fps
    if distance < 1e-9 or duration <= 0:
        return np.repeat(start[None], frames + 1, axis=0), 0.0
    speed = np.sqrt(2 * decel_mps2 * distance)
    stop = speed / decel_mps2
    if stop > duration:
        speed, stop = 2 * distance / duration, duration
    t = np.minimum(np.arange(frames + 1) / fps, stop)
    travelled = speed * t - 0.5 * (speed / stop) * t ** 2
    return start + np.outer(travelled / distance, flat), float(speed)


@dataclass(frozen=True)
class Problem:
    body: str
    frame: int
    what: str

    def __str__(self) -> str:
        return f"{self.body} at frame {self.frame}: {self.what}"


def check_path(body: str, positions: np.ndarray, fps: float, *, lowest_z: np.ndarray,
               floor_z: float = 0.0, speed_limit_mps: float = 30.0,
               sink_tolerance_m: float = 0.02) -> list[Problem]:
    """What is wrong with a baked path: NaN, a speed no story motion gives, or the body's
    lowest point below the floor by more than the tolerance.  `lowest_z` is the body's lowest
    point per frame."""
    positions = np.asarray(positions, dtype=float)
    bad = ~np.isfinite(positions).all(axis=1)
    if bad.any():
        return [Problem(body, int(np.argmax(bad)), "position is not a number")]
    out = []
    speed = np.linalg.norm(velocities(positions, fps), axis=1)
    if len(speed) and speed.max() > speed_limit_mps:
        i = int(np.argmax(speed))
        out.append(Problem(body, i, f"moves at {speed[i]:.1f} m/s (limit {speed_limit_mps:g})"))
    low = np.asarray(lowest_z, dtype=float)
    if len(low) and low.min() < floor_z - sink_tolerance_m:
        i = int(np.argmin(low))
        out.append(Problem(body, i, f"sinks {floor_z - low[i]:.3f} m into the floor"))
    return out


def penetration(points: np.ndarray, normals: np.ndarray, offsets: np.ndarray) -> float:
    """How deep the deepest of `points` lies inside the convex body bounded by the planes
    normals · x <= offsets (outward normals); 0 when none is inside."""
    points = np.asarray(points, dtype=float)
    if not len(points) or not len(normals):
        return 0.0
    inside = (np.asarray(offsets)[None] - points @ np.asarray(normals).T).min(axis=1)
    return float(max(inside.max(), 0.0))
