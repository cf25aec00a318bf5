"""DeepMimic motion files (the humanoid clips shipped in `pybullet_data/data/motions`) as
canonical clips.

A file is JSON `{"Loop": "wrap" | "none", "Frames": [[44 numbers], ...]}`; each frame holds
its duration, the root position and rotation, and the local rotations of chest, neck, hips,
knees (1-DOF), ankles, shoulders and elbows (1-DOF), see docs/motion-facts.md.  DeepMimic's
world is Y up, the character faces +X with its right side towards +Z, and its rest pose (all
rotations identity) stands with the arms hanging down.  The generic world-space matcher in
`source.py` takes care of all of that; this module only describes DeepMimic's skeleton.

Choices, so that they can be checked:
- Bone lengths are DeepMimic's own (from its humanoid URDF, scaled by 1/4 as pybullet loads
  it), so the feet land where the data puts them; the retargeter adapts proportions.
- The chest joint drives SMPL's three spine joints: it maps onto spine2, which sits where the
  chest joint is, and its rotation is then spread evenly over spine1..spine3.  spine3's world
  rotation stays exactly the chest's; the shoulders and neck move by a second-order amount
  (their pivots straddle the chest joint).  The head shares nothing: the neck turns it.
- Collars and wrists have no DeepMimic joint: they turn with the chest and the forearm.
- The canonical foot joint is a point 11 cm in front of the ankle, 2.5 cm above the sole;
  the head joint one 10 cm from the neck, tilted forwards as SMPL's is.
- The floor is DeepMimic's own (y = 0), except where the soles sink through it for most of
  the clip (punch: 3 cm): then the median over frames of the lowest sole corner (the foot
  box is 5 cm deep under the ankle) becomes the floor.  The lowest corner over the whole clip
  would be wrong: a tilted foot digs a corner in for a frame or two (run: 7 cm) and the clip
  would float everywhere else.  Clips start at x = y = 0 facing -Y.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import quat
from .clip import Clip
from .skeleton import INDEX
from .source import SourceMotion, resample_times, to_canonical

ATTRIBUTION = ("DeepMimic motion data, MIT licence, Copyright (c) 2018 Xue Bin Peng "
               "(https://github.com/xbpeng/DeepMimic)")

FRAME_WIDTH = 44
# DeepMimic joints: name, parent, offset from the parent (metres, DeepMimic axes), and where
# its rotation sits in a frame (first index; 4 numbers for a quaternion, 1 for a hinge angle).
_JOINTS = (
    ("root", -1, (0.0, 0.0, 0.0), 4, 4),
    ("chest", 0, (0.0, 0.236151, 0.0), 8, 4),
    ("neck", 1, (0.0, 0.223894, 0.0), 12, 4),
    ("right_hip", 0, (0.0, 0.0, 0.084887), 16, 4),
    ("right_knee", 3, (0.0, -0.421546, 0.0), 20, 1),
    ("right_ankle", 4, (0.0, -0.409870, 0.0), 21, 4),
    ("right_shoulder", 1, (-0.02405, 0.2435, 0.18311), 25, 4),
    ("right_elbow", 6, (0.0, -0.274788, 0.0), 29, 1),
    ("left_hip", 0, (0.0, 0.0, -0.084887), 30, 4),
    ("left_knee", 8, (0.0, -0.421546, 0.0), 34, 1),
    ("left_ankle", 9, (0.0, -0.409870, 0.0), 35, 4),
    ("left_shoulder", 1, (-0.02405, 0.2435, -0.18311), 39, 4),
    ("left_elbow", 11, (0.0, -0.274788, 0.0), 43, 1),
)
_NAMES = [j[0] for j in _JOINTS]
#: Knees and elbows turn about their local +Z (knees bend with negative angles).
HINGE_AXIS = np.array([0.0, 0.0, 1.0])
# The foot box (URDF: centre (0.045, -0.0225, 0), size 0.177 x 0.055 x 0.09 after scaling).
_SOLE_Y, _HEEL_X, _TOE_X, _HALF_WIDTH = -0.05, -0.0435, 0.1335, 0.045


def _sites() -> dict[str, tuple[int, np.ndarray]]:
    # SMPL's head joint sits 10 cm from the neck, 30 degrees forward of straight up; putting
    # DeepMimic's there too keeps the neck's local rotation free of a constant tilt.
    sites = {"head": (_NAMES.index("neck"), np.array([0.051, 0.088, 0.0]))}
    for side in ("left", "right"):
        sites[f"{side}_wrist"] = (_NAMES.index(f"{side}_elbow"), np.array([0.0, -0.258947, 0.0]))
        ankle = _NAMES.index(f"{side}_ankle")
        sites[f"{side}_ball"] = (ankle, np.array([0.11, _SOLE_Y + 0.025, 0.0]))
        for x in (_HEEL_X, _TOE_X):
            for z in (-_HALF_WIDTH, _HALF_WIDTH):
                sites[f"{side}_sole_{x:+.3f}_{z:+.3f}"] = (ankle, np.array([x, _SOLE_Y, z]))
    return sites


SITES = _sites()
SOLE_SITES = tuple(name for name in SITES if "_sole_" in name)
#: Canonical joint -> DeepMimic joint or site.  spine1, spine3 and the collars are virtual.
MAPPING = {
    "pelvis": "root", "spine2": "chest", "neck": "neck", "head": "head",
    **{f"{side}_{part}": f"{side}_{part}" for side in ("left", "right")
       for part in ("hip", "knee", "ankle", "shoulder", "elbow", "wrist")},
    "left_foot": "left_ball", "right_foot": "right_ball",
}


class DeepMimicError(ValueError):
    """A DeepMimic motion file that cannot be read."""


def read_frames(path: str | Path) -> tuple[np.ndarray, bool]:
    """The frames (T, 44) of a DeepMimic motion file and whether it loops ("wrap")."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
        frames = np.asarray(data["Frames"], dtype=float)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DeepMimicError(f"{path}: not a DeepMimic motion file ({error})") from None
    if frames.ndim != 2 or frames.shape[1] != FRAME_WIDTH or len(frames) < 2:
        raise DeepMimicError(f"{path}: expected at least 2 frames of {FRAME_WIDTH} numbers, "
                             f"got an array of shape {frames.shape}")
    if not np.isfinite(frames).all():
        raise DeepMimicError(f"{path}: frames hold NaN or infinite values")
    return frames, str(data.get("Loop", "none")).lower() == "wrap"


def source_motion(frames: np.ndarray, fps: float | None = None) -> SourceMotion:
    """DeepMimic frames (T, 44) as a SourceMotion, resampled onto an even grid at `fps`
    (default: the file's own rate; see source.resample_times, which may stretch time by half
    a frame to keep the last frame).  Durations may be uneven (roll); the last is ignored."""
    times = np.concatenate([[0.0], np.cumsum(frames[:-1, 0])])
    rotations = np.zeros((len(frames), len(_JOINTS), 4))
    for j, (_, _, _, start, width) in enumerate(_JOINTS):
        if width == 4:
            rotations[:, j] = quat.normalize(frames[:, start:start + 4])
        else:
            rotations[:, j] = quat.from_axis_angle(HINGE_AXIS, frames[:, start])
    if fps is None:
        fps = round(1.0 / float(np.median(frames[:-1, 0])))
    _, root, rotations = resample_times(times, frames[:, 1:4], rotations, fps)
    times = np.arange(len(root)) / fps             # the grid is even: call it exactly `fps`
    return SourceMotion(_NAMES, [j[1] for j in _JOINTS], np.array([j[2] for j in _JOINTS]),
                        rotations, root, times, dict(SITES))


def floor_height(motion: SourceMotion) -> float:
    """Where the floor is (DeepMimic's up axis, metres): y = 0, or lower when the lowest sole
    corner stays below it in most frames."""
    positions, _ = motion.world()
    soles = positions[:, [motion.point_index(s) for s in SOLE_SITES], 1]
    return min(0.0, float(np.median(soles.min(axis=1))))


def spread_spine(clip: Clip) -> Clip:
    """Share the total bend of spine1..spine3 evenly between them (spine3's world rotation
    is unchanged), as a real spine bends, instead of one hinge at the chest."""
    spine = [INDEX["spine1"], INDEX["spine2"], INDEX["spine3"]]
    total = quat.multiply(quat.multiply(clip.rotations[:, spine[0]], clip.rotations[:, spine[1]]),
                          clip.rotations[:, spine[2]])
    share = quat.from_rotvec(quat.to_rotvec(total) / 3.0)
    rotations = clip.rotations.copy()
    rotations[:, spine] = share[:, None]
    clip.rotations = quat.unroll(rotations)
    return clip


def convert(frames: np.ndarray, name: str, *, loop: bool = False, fps: float | None = None,
            labels: tuple[str, ...] = ()) -> Clip:
    """DeepMimic frames (T, 44) as a canonical clip on the floor, facing -Y at its start."""
    motion = source_motion(frames, fps)
    labels = tuple(labels) + (("loop",) if loop and "loop" not in labels else ())
    clip = to_canonical(motion, MAPPING, name, floor_z=floor_height(motion), labels=labels,
                        source=ATTRIBUTION)
    return spread_spine(clip)


def load_clip(path: str | Path, name: str | None = None, *, fps: float | None = None,
              labels: tuple[str, ...] = ()) -> Clip:
    """A DeepMimic motion file as a canonical clip (loops get the label "loop")."""
    path = Path(path)
    frames, loop = read_frames(path)
    return convert(frames, name or path.stem.removeprefix("humanoid3d_"), loop=loop, fps=fps,
                   labels=labels)
