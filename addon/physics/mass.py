"""Mass properties of a closed mesh: volume, mass, centre of mass and inertia tensor.

The simulate stage needs them for every rigid body (Blender's own "calculate mass" only knows
the bounding box) and for the pre-fractured shards, whose origins must sit at their centres
of mass so Bullet spins them about the right point.  Computed exactly for a polyhedron by the
divergence theorem: each triangle contributes closed-form surface integrals of 1, x, y, z,
x², y², z², xy, yz, zx (D. Eberly, "Polyhedral Mass Properties (Revisited)", 2002), so the
result is exact up to rounding for any closed, outward-facing mesh, convex or not, hollow or
solid.  numpy only, vectorised over triangles.
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence

import numpy as np


@dataclass(frozen=True)
class MassProperties:
    volume_m3: float              # enclosed volume, > 0
    mass_kg: float                # volume_m3 * density
    centre_of_mass: np.ndarray    # (3,), in the mesh's own coordinates
    inertia: np.ndarray           # (3, 3) kg·m², about the centre of mass, mesh axes
    density_kgm3: float

    @property
    def principal_moments(self) -> np.ndarray:
        """The inertia tensor's eigenvalues, smallest first (what Bullet diagonalises to)."""
        return np.linalg.eigvalsh(self.inertia)


def triangulate_fan(faces: Sequence[Sequence[int]]) -> np.ndarray:
    """(M, 3) triangles from polygons by fanning from each polygon's first corner.

    Exact for the volume integrals even for non-convex planar polygons: the fan's signed
    areas add up to the polygon's, so the integrals over it do too.
    """
    if isinstance(faces, np.ndarray) and faces.ndim == 2:
        if faces.shape[1] == 3:
            return faces.astype(np.int64, copy=False)
        k = faces.shape[1]
        return np.concatenate([faces[:, [0, i, i + 1]] for i in range(1, k - 1)]).astype(np.int64)
    tris = [(f[0], f[k], f[k + 1]) for f in faces for k in range(1, len(f) - 1)]
    return np.asarray(tris, dtype=np.int64).reshape(-1, 3)


def mass_properties(vertices, faces, density_kgm3: float = 1.0) -> MassProperties:
    """Mass properties of the solid bounded by `faces` (closed, counter-clockwise from outside).

    `faces` may be triangles as an (M, 3) array or polygons as index sequences.  Raises
    ValueError for a mesh that encloses no positive volume (flat, or inside out), since a
    body without positive mass cannot be simulated.  An open mesh is not detected here: its
    figures are those of the surface closed by fans to the integration point.
    """
    verts = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    tris = triangulate_fan(faces)
    if len(tris) == 0:
        raise ValueError("mass_properties: the mesh has no faces")
    # Integrate about a point near the mesh: far-away coordinates would cancel catastrophically.
    ref = verts[np.unique(tris)].mean(axis=0)
    p0, p1, p2 = (verts[tris[:, k]] - ref for k in range(3))
    d = np.cross(p1 - p0, p2 - p0)
    f1, f2, f3, g0, g1, g2 = _subexpressions(p0, p1, p2)
    integral = np.array([
        (d[:, 0] * f1[:, 0]).sum() / 6.0,
        (d[:, 0] * f2[:, 0]).sum() / 24.0,
        (d[:, 1] * f2[:, 1]).sum() / 24.0,
        (d[:, 2] * f2[:, 2]).sum() / 24.0,
        (d[:, 0] * f3[:, 0]).sum() / 60.0,
        (d[:, 1] * f3[:, 1]).sum() / 60.0,
        (d[:, 2] * f3[:, 2]).sum() / 60.0,
        (d[:, 0] * (p0[:, 1] * g0[:, 0] + p1[:, 1] * g1[:, 0] + p2[:, 1] * g2[:, 0])).sum() / 120.0,
        (d[:, 1] * (p0[:, 2] * g0[:, 1] + p1[:, 2] * g1[:, 1] + p2[:, 2] * g2[:, 1])).sum() / 120.0,
        (d[:, 2] * (p0[:, 0] * g0[:, 2] + p1[:, 0] * g1[:, 2] + p2[:, 0] * g2[:, 2])).sum() / 120.0,
    ])
    volume = float(integral[0])
    scale = float(np.abs(verts[tris].max(axis=(0, 1)) - verts[tris].min(axis=(0, 1))).max())
    if not volume > 1e-12 * max(scale, 1e-12) ** 3:
        raise ValueError(f"mass_properties: the mesh encloses no positive volume "
                         f"({volume:.3g} m³); it must be closed with faces pointing outwards")
    c = integral[1:4] / volume                                   # relative to ref
    xx, yy, zz, xy, yz, zx = integral[4], integral[5], integral[6], *integral[7:10]
    inertia = np.array([
        [yy + zz - volume * (c[1] ** 2 + c[2] ** 2), -(xy - volume * c[0] * c[1]),
         -(zx - volume * c[2] * c[0])],
        [-(xy - volume * c[0] * c[1]), xx + zz - volume * (c[2] ** 2 + c[0] ** 2),
         -(yz - volume * c[1] * c[2])],
        [-(zx - volume * c[2] * c[0]), -(yz - volume * c[1] * c[2]),
         xx + yy - volume * (c[0] ** 2 + c[1] ** 2)],
    ]) * density_kgm3
    return MassProperties(volume_m3=volume, mass_kg=volume * density_kgm3,
                          centre_of_mass=c + ref, inertia=inertia,
                          density_kgm3=float(density_kgm3))


def centre_and_volume(vertices: np.ndarray, triangles: np.ndarray) -> tuple[np.ndarray, float]:
    """Centre of mass and signed volume only (the fracture's per-shard figures), about the
    mean vertex for precision; the centre is NaN-free only for a non-zero volume."""
    ref = vertices.mean(axis=0) if len(vertices) else np.zeros(3)
    t = vertices[triangles] - ref
    six_v = np.einsum("ij,ij->i", t[:, 0], np.cross(t[:, 1], t[:, 2]))
    volume = float(six_v.sum() / 6.0)
    if volume == 0.0:
        return ref.copy(), 0.0
    centre = (six_v[:, None] * t.sum(axis=1)).sum(axis=0) / (24.0 * volume) + ref
    return centre, volume


def _subexpressions(p0, p1, p2):
    """Eberly's per-axis subexpressions f1, f2, f3, g0, g1, g2, each (M, 3)."""
    w0, w1, w2 = p0, p1, p2
    temp0 = w0 + w1
    f1 = temp0 + w2
    temp1 = w0 * w0
    temp2 = temp1 + w1 * temp0
    f2 = temp2 + w2 * f1
    f3 = w0 * temp1 + w1 * temp2 + w2 * f2
    g0 = f2 + w0 * (f1 + w0)
    g1 = f2 + w1 * (f1 + w1)
    g2 = f2 + w2 * (f1 + w2)
    return f1, f2, f3, g0, g1, g2
