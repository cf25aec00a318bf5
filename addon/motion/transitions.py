"""Joining clips without pops: inertialization, with a crossfade as the fallback.

A story's motion is a sequence of clips (walk, sit down, pick up, walk on) and each starts in a
pose that is not quite where the previous one ended.  Inertialization (Bollo, GDC 2016/2018;
Holden, "Dead Blending" and his inertialization articles) switches to the next clip at once and
hides the jump: the difference between where the previous motion *would have been* and where
the next one starts (in pose and in velocity) is added to the next clip and decayed to zero
over `blend_s`.  The next clip plays from its first frame and unaltered after the blend, there
is no overlap to find, and nothing is blended with motion that is no longer playing.

Offsets are taken per joint on local rotations (as rotation vectors of the quaternion
difference) and on the root position, with their velocities, and decayed with Bollo's quintic:
the offset and its velocity match at the join and reach zero, with zero velocity and
acceleration, at `blend_s`.

`crossfade` (slerp over an overlap) is kept as the simple, predictable fallback: it needs
overlap and blurs both motions, but never overshoots.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import quat
from .clip import Clip

UP = np.array([0.0, 0.0, 1.0])


def quintic_decay(offset: np.ndarray, velocity: np.ndarray, times: np.ndarray,
                  blend_s: float) -> np.ndarray:
    """The offset (T, ...) at `times` (T,) seconds after the join, decaying from `offset` with
    initial `velocity` (per second) to zero by `blend_s` with zero velocity and acceleration
    (Bollo's inertialization polynomial, zero initial acceleration)."""
    x0, v0 = np.asarray(offset, dtype=float), np.asarray(velocity, dtype=float)
    # Keep the polynomial from overshooting through zero when the velocity already closes the
    # gap fast: with zero initial acceleration it stays on one side of zero exactly when
    # |v0| t1 <= 2.5 |x0| (it is x0 (1 - u)^3 (1 + (r + 3) u + (3 r + 6) u^2) with
    # u = t / t1, r = v0 t1 / x0, positive on [0, 1) iff r >= -2.5).  As Bollo does, such a
    # component gets a shorter blend; slowing its velocity instead would break the velocity
    # match at the join, and that step is a jerk spike (it made punch -> walk pop).
    closing = x0 * v0 < 0
    t1 = np.where(closing, np.minimum(float(blend_s), 2.5 * np.abs(x0)
                                      / np.maximum(np.abs(v0), 1e-12)), float(blend_s))
    t1 = np.maximum(t1, 1e-6)
    a = -(12 * x0 + 6 * v0 * t1) / (2 * t1 ** 5)
    b = (30 * x0 + 16 * v0 * t1) / (2 * t1 ** 4)
    c = -(20 * x0 + 12 * v0 * t1) / (2 * t1 ** 3)
    times = np.asarray(times, dtype=float).reshape((-1,) + (1,) * x0.ndim)
    t = np.minimum(times, t1)
    value = (((a * t + b) * t + c) * t * t + v0) * t + x0
    return np.where(times >= t1, 0.0, value)


def angular_velocity(rotations: np.ndarray, fps: float) -> np.ndarray:
    """Angular velocity (rad/s as a rotation vector, in the parent's frame) at the last frame
    of `rotations` (T, J, 4), from its last two frames (zero for a single frame)."""
    if len(rotations) < 2:
        return np.zeros(rotations.shape[1:-1] + (3,))
    step = quat.multiply(rotations[-1], quat.inverse(rotations[-2]))
    return quat.to_rotvec(step) * fps


def _first_velocity(values: np.ndarray, fps: float) -> np.ndarray:
    return (values[1] - values[0]) * fps if len(values) > 1 else np.zeros_like(values[0])


def _last_velocity(values: np.ndarray, fps: float) -> np.ndarray:
    return (values[-1] - values[-2]) * fps if len(values) > 1 else np.zeros_like(values[0])


def heading(clip_rotations: np.ndarray) -> np.ndarray:
    """Yaw (radians about +Z) of the pelvis per frame: where the body's forward (-Y) points."""
    forward = quat.rotate(clip_rotations[:, 0], np.array([0.0, -1.0, 0.0]))
    return np.arctan2(forward[:, 0], -forward[:, 1])


def aligned(previous: Clip, following: Clip) -> Clip:
    """`following` turned about +Z and moved so it starts where `previous` ends, facing the
    way it faces: its first pelvis position (horizontally) lands one frame's travel beyond the
    previous clip's last, and its first heading on the previous clip's last heading."""
    turn_angle = heading(previous.rotations[-1:])[0] - heading(following.rotations[:1])[0]
    turn = quat.from_axis_angle(UP, np.array(turn_angle))
    root = quat.rotate(turn, following.root - following.root[:1] * np.array([1.0, 1.0, 0.0]))
    start = previous.root[-1] + _last_velocity(previous.root, previous.fps) / previous.fps
    root[:, :2] += start[:2]
    rotations = following.rotations.copy()
    rotations[:, 0] = quat.multiply(turn, rotations[:, 0])
    return replace(following, root=root, rotations=rotations)


def inertialize(previous: Clip, following: Clip, blend_s: float = 0.25) -> Clip:
    """`following` with the jump from the end of `previous` hidden: its first frame continues
    `previous` (extrapolated one frame at the end's velocity) and the difference decays over
    `blend_s` seconds.  Both clips must share fps and offsets; append the result after
    `previous` (concatenate does)."""
    _check_compatible(previous, following)
    fps = following.fps
    times = np.arange(following.frames) / fps
    # Where the previous motion would be one frame on, and how fast it was moving.
    spin = angular_velocity(previous.rotations, fps)
    carried = quat.multiply(quat.from_rotvec(spin / fps), previous.rotations[-1])
    rotation_offset = quat.to_rotvec(quat.multiply(carried, quat.inverse(following.rotations[0])))
    rotation_velocity = spin - angular_velocity(following.rotations[:2], fps)
    root_velocity = _last_velocity(previous.root, fps)
    root_offset = previous.root[-1] + root_velocity / fps - following.root[0]
    root_velocity = root_velocity - _first_velocity(following.root, fps)

    decay = quintic_decay(rotation_offset, rotation_velocity, times, blend_s)
    rotations = quat.multiply(quat.from_rotvec(decay), following.rotations)
    root = following.root + quintic_decay(root_offset, root_velocity, times, blend_s)
    return replace(following, root=root, rotations=quat.unroll(rotations))


def crossfade_frames(previous: Clip, following: Clip, blend_s: float) -> int:
    """How many frames a crossfade of `blend_s` overlaps (at least 1, at most either clip)."""
    return max(1, min(int(round(blend_s * following.fps)), previous.frames, following.frames))


def crossfade(previous: Clip, following: Clip, blend_s: float = 0.25) -> Clip:
    """`previous` and `following` overlapped by `blend_s`: over the overlap the pose eases from
    one to the other (slerp, smoothstep weight) and so does the root.  Shorter than the two
    clips together by the overlap.  `following` should already start where the overlap
    starts (concatenate aligns it so)."""
    _check_compatible(previous, following)
    overlap = crossfade_frames(previous, following, blend_s)
    t = (np.arange(overlap) + 1) / (overlap + 1)
    weight = t * t * (3 - 2 * t)
    head, tail = previous.sliced(previous.frames - overlap, previous.frames), \
        following.sliced(0, overlap)
    rotations = quat.slerp(head.rotations, tail.rotations,
                           np.broadcast_to(weight[:, None], head.rotations.shape[:2]))
    root = head.root + weight[:, None] * (tail.root - head.root)
    blended = replace(head, root=root, rotations=rotations,
                      contacts=None if head.contacts is None or tail.contacts is None
                      else np.where((weight < 0.5)[:, None], head.contacts, tail.contacts))
    return _joined([previous.sliced(0, previous.frames - overlap), blended,
                    following.sliced(overlap, following.frames)], previous)


def concatenate(clips: list[Clip], blend_s: float = 0.25, *, method: str = "inertialize",
                align: bool = True, fps: float | None = None, name: str | None = None) -> Clip:
    """One clip that plays `clips` one after another with no pops at the joins.

    Each clip is resampled to `fps` (the first clip's by default) and, with `align`, turned
    and moved to start where the previous one ends (clips from a library each start at the
    origin; pass align=False for clips already placed in the world).  `method` is
    "inertialize" (default: the next clip starts at once and the jump decays over `blend_s`)
    or "crossfade" (the clips overlap by `blend_s`)."""
    if not clips:
        raise ValueError("concatenate needs at least one clip")
    if method not in ("inertialize", "crossfade"):
        raise ValueError(f"unknown transition method {method!r}; use 'inertialize' or "
                         "'crossfade'")
    fps = fps or clips[0].fps
    clips = [clip.resampled(fps) for clip in clips]
    result = clips[0]
    for following in clips[1:]:
        if method == "inertialize":
            following = aligned(result, following) if align else following
            result = _joined([result, inertialize(result, following, blend_s)], result)
        else:
            # The overlap starts `overlap` frames before the end: continue from there.
            overlap = crossfade_frames(result, following, blend_s)
            lead_in = result.sliced(0, max(result.frames - overlap, 1))
            following = aligned(lead_in, following) if align else following
            result = crossfade(result, following, blend_s)
    return replace(result, name=name or "+".join(clip.name for clip in clips),
                   rotations=quat.unroll(result.rotations))


def _check_compatible(previous: Clip, following: Clip) -> None:
    if previous.frames == 0 or following.frames == 0:
        raise ValueError(f"cannot join {previous.name!r} and {following.name!r}: a clip is "
                         "empty")
    if abs(previous.fps - following.fps) > 1e-6:
        raise ValueError(f"cannot join {previous.name!r} ({previous.fps} fps) and "
                         f"{following.name!r} ({following.fps} fps); resample one first")
    if not np.allclose(previous.offsets, following.offsets, atol=1e-6):
        raise ValueError(f"cannot join {previous.name!r} and {following.name!r}: their bodies "
                         "(offsets) differ; retarget one onto the other's offsets first")


def _joined(parts: list[Clip], like: Clip) -> Clip:
    """Frames of `parts` one after another, keeping `like`'s name, offsets and source."""
    parts = [part for part in parts if part.frames > 0]
    contacts = None
    if all(part.contacts is not None for part in parts):
        contacts = np.concatenate([part.contacts for part in parts], axis=0)
    labels = tuple(dict.fromkeys(label for part in parts for label in part.labels))
    return replace(like, root=np.concatenate([part.root for part in parts], axis=0),
                   rotations=np.concatenate([part.rotations for part in parts], axis=0),
                   contacts=contacts, labels=labels)
