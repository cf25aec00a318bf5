"""Eyes that look at what the head looks at.

The canonical skeleton has no eyes, so their aim is made on the rig: after retargeting, each
eye bone turns, from where the posed head carries it, until its line of sight passes through
the gaze target.  The result is ordinary rotation keys on the eye bones, which an animator
edits like any other.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from . import quat
from .retarget import Mapping, RigRest, rig_pose

#: Eye bones by rig mapping name (left, right); rigs not listed have no eyes to aim.
EYE_BONES = {"anny": ("eye.L", "eye.R"),
             "mixamo": ("mixamorig:LeftEye", "mixamorig:RightEye")}
#: How far an eye turns in its socket before it stops (about the human limit), degrees.
EYE_LIMIT_DEG = 40.0
#: Which way the rigs face in their rest pose (armature space).
REST_FORWARD = np.array([0.0, -1.0, 0.0])


def eye_bones(rig: RigRest, mapping: Mapping) -> list[int]:
    """Indices of the rig's eye bones (none when the rig has none)."""
    names = EYE_BONES.get(mapping.name, ())
    hips = mapping.bones["pelvis"][0]             # the rig's own namespace ("mixamorig1:")
    if mapping.name == "mixamo" and not hips.startswith("mixamorig:"):
        names = tuple(hips.removesuffix("Hips") + n.split(":", 1)[1] for n in names)
    return [rig.index(name) for name in names if name in rig.names]


def sight_axis(rest_rotation: np.ndarray) -> np.ndarray:
    """An eye bone's line of sight in its own frame: along the bone when it points forward
    (Anny's eyes do), otherwise the rig's rest forward direction."""
    along = quat.rotate(rest_rotation, np.array([0.0, 1.0, 0.0]))
    if along @ REST_FORWARD > np.cos(np.radians(45.0)):
        return np.array([0.0, 1.0, 0.0])
    return quat.rotate(quat.inverse(rest_rotation), REST_FORWARD)


def aim_eyes(rig: RigRest, local: np.ndarray, root_location: np.ndarray, root_bone: int,
             eyes: Sequence[int], targets: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """`local` (T, B, 4 pose rotations) with the `eyes` bones turned towards `targets`
    (T, 3, armature space) as far as `weights` (T,) say, each within EYE_LIMIT_DEG."""
    if not len(eyes):
        return local
    heads, world = rig_pose(rig, local, root_location, root_bone)
    out = np.array(local)
    weights = np.clip(np.asarray(weights, float), 0.0, 1.0)
    for e in eyes:
        sight = quat.rotate(world[:, e], sight_axis(rig.rotations[e]))
        swing = quat.between(sight, targets - heads[:, e])
        angle = np.degrees(np.linalg.norm(quat.to_rotvec(swing), axis=-1))
        share = weights * np.minimum(1.0, EYE_LIMIT_DEG / np.maximum(angle, 1e-9))
        swing = quat.slerp(np.broadcast_to(quat.IDENTITY, swing.shape), swing, share)
        # world_e' = swing * world_e, and world_e = parent * rest * local: turn local by
        # the swing seen from the bone's own frame.
        turn = quat.multiply(quat.inverse(world[:, e]), quat.multiply(swing, world[:, e]))
        out[:, e] = quat.unroll(quat.multiply(local[:, e], turn))
    return out
