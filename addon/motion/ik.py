"""Two-bone IK on arrays: place a limb's end (ankle, wrist) on a target, keeping the bend in
the plane the pole suggests.  Used to lock feet on the ground and hands on what they hold."""
from __future__ import annotations

import numpy as np

from . import quat


def two_bone(root: np.ndarray, middle: np.ndarray, end: np.ndarray, target: np.ndarray,
             pole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """World rotations (..., 4) to apply to the upper and lower bone so that `end` reaches
    `target` (or as near as the limb's length allows).

    All inputs are world positions (..., 3): the limb's `root` (hip, shoulder), `middle`
    (knee, elbow) and `end` (ankle, wrist) as they are now, and a `pole` point the middle
    joint should bend towards.  Apply the first rotation about `root` to the whole limb, then
    the second about the (moved) middle joint to the lower bone.
    """
    upper = np.linalg.norm(middle - root, axis=-1)
    lower = np.linalg.norm(end - middle, axis=-1)
    to_target = target - root
    reach = np.clip(np.linalg.norm(to_target, axis=-1), np.abs(upper - lower) + 1e-6,
                    upper + lower - 1e-6)
    direction = to_target / np.maximum(np.linalg.norm(to_target, axis=-1, keepdims=True), 1e-9)
    # Bend plane: from the root towards the target, bending towards the pole.
    side = pole - root
    side = side - np.sum(side * direction, axis=-1, keepdims=True) * direction
    fallback = middle - root
    fallback = fallback - np.sum(fallback * direction, axis=-1, keepdims=True) * direction
    side = np.where(np.linalg.norm(side, axis=-1, keepdims=True) > 1e-6, side, fallback)
    side /= np.maximum(np.linalg.norm(side, axis=-1, keepdims=True), 1e-9)
    # Law of cosines: the angle at the root between the target line and the upper bone.
    cos_root = (upper ** 2 + reach ** 2 - lower ** 2) / (2 * upper * reach)
    angle = np.arccos(np.clip(cos_root, -1.0, 1.0))[..., None]
    new_middle = root + upper[..., None] * (np.cos(angle) * direction + np.sin(angle) * side)
    new_end = root + reach[..., None] * direction
    first = quat.between(middle - root, new_middle - root)
    moved_end = new_middle + quat.rotate(first, end - middle)
    second = quat.between(moved_end - new_middle, new_end - new_middle)
    return first, second
