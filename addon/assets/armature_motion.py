"""An animated armature (an FBX motion as Blender imports it) as a canonical clip.

Blender gives every bone's rest and posed matrix in world space; the motion module's world-space
matching (`motion/source.py`) needs a source skeleton with rest offsets and local rotations.
Each bone's world rotation away from rest is posed · rest⁻¹; its local rotation is its parent's
inverse times its own, and its rest offset the vector from its parent's head to its own, so
forward kinematics puts every head where Blender had it.  Joint names are matched to the
canonical skeleton with the BVH reader's built-in mappings (Mixamo, CMU, canonical), ignoring
exporter prefixes.  numpy only.
"""
from __future__ import annotations

import numpy as np

from ..motion import quat
from ..motion.bvh import MAPPINGS, detect_mapping, is_loop
from ..motion.clip import Clip
from ..motion.source import SMPL_LEG_M, SourceError, SourceMotion, to_canonical
from .rigs import plain_name


def _rotations(matrices: np.ndarray) -> np.ndarray:
    """Unit quaternions of 4 x 4 matrices that may carry a scale."""
    linear = matrices[..., :3, :3]
    return quat.from_matrix(linear / np.linalg.norm(linear, axis=-2, keepdims=True))


def armature_source(names, parents, rest: np.ndarray, posed: np.ndarray,
                    fps: float) -> SourceMotion:
    """The source skeleton and motion of bones with world-space `rest` (B, 4, 4) and `posed`
    (T, B, 4, 4) matrices, parents before children (`parents[i]` -1 for a root)."""
    rest, posed = np.asarray(rest, float), np.asarray(posed, float)
    moved = quat.multiply(_rotations(posed), quat.inverse(_rotations(rest))[None])
    local = moved.copy()
    offsets = np.zeros((len(names), 3))
    for j, parent in enumerate(parents):
        if parent >= 0:
            local[:, j] = quat.multiply(quat.inverse(moved[:, parent]), moved[:, j])
            offsets[j] = rest[j, :3, 3] - rest[parent, :3, 3]
    root = posed[:, int(np.flatnonzero(np.asarray(parents) < 0)[0]), :3, 3]
    return SourceMotion(list(names), list(parents), offsets, quat.normalize(local), root,
                        np.arange(len(posed)) / float(fps))


def armature_clip(names, parents, rest, posed, fps: float, *, name: str,
                  labels: tuple[str, ...] = (), source: str = "") -> Clip:
    """The canonical clip of an animated armature (see `armature_source`), in metres or
    centimetres as its legs' length says.  Raises SourceError naming what is missing."""
    motion = armature_source(names, parents, rest, posed, fps)
    table = MAPPINGS[detect_mapping(list(names))]
    by_plain = {plain_name(n): n for n in names}
    mapping = {joint: by_plain[plain_name(bone)] for joint, bone in table.items()
               if plain_name(bone) in by_plain}
    legs = [mapping.get(f"{side}_{part}") for side in ("left", "right")
            for part in ("hip", "knee", "ankle")]
    if None in legs:
        raise SourceError(f"{source or name}: the armature has no legs this extension knows "
                          f"(bones {', '.join(list(names)[:8])}...)")
    heads = motion.rest()
    leg = np.mean([np.linalg.norm(heads[motion.point_index(legs[i + 1])]
                                  - heads[motion.point_index(legs[i])])
                   + np.linalg.norm(heads[motion.point_index(legs[i + 2])]
                                    - heads[motion.point_index(legs[i + 1])]) for i in (0, 3)])
    scale = 1.0 if 0.5 <= leg <= 1.3 else 0.01 if 50 <= leg <= 130 else \
        SMPL_LEG_M / max(float(leg), 1e-9)          # the BVH reader's rule (bvh._unit_scale)
    clip = to_canonical(motion, mapping, name, scale=scale, labels=tuple(labels), source=source)
    if "loop" not in clip.labels and is_loop(clip):
        clip.labels = clip.labels + ("loop",)
    return clip
