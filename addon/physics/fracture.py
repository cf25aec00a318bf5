"""Voronoi pre-fracture of a closed mesh into shards, in numpy.

Blender's Cell Fracture add-on is not bundled, and Bullet cannot break a body at run time, so a
breakable prop is cut into shards before the simulation and swapped in at the impact frame.
How (the facts doc measured the pitfalls):

- Sites are scattered inside the material (rejection by winding number), so a thin-walled
  glass does not waste its sites in the air it holds; with an impact point they crowd around
  it, as real cracks radiate from the hit.
- A site's cell is the intersection of the half-spaces bounded by the bisector planes towards
  EVERY other site (only the nearest dozen gave oversized, overlapping shards).  The mesh is
  clipped by one plane at a time, the one cutting most away first; a plane that no longer
  cuts what is left is skipped, so most of the n² planes cost one matrix product.
- Each cut is capped: the boundary loops the cut leaves lie in the plane and are filled by
  ear clipping with holes bridged in (a horizontal cut through a glass wall is a ring).  Cap
  faces get their own material index ("inside"), so Blender can shade fractured surfaces
  apart from the polished outside.
- A cell may hold several loose pieces (a cut through a ring leaves two arcs); they become
  separate shards.  Pieces of separate shells of the source (a mug's body and its handle,
  which are modelled overlapping) stay one shard where they interpenetrate, so their convex
  hull colliders do not start inside each other.

Everything is deterministic in the seed, and exact in the volume: the shards' signed volumes
add up to the source's up to rounding, because every cut is shared by the two cells it
separates.  Shard vertices stay in the source's coordinates; `centre_of_mass` is where the
Blender side puts each shard's origin.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from collections.abc import Sequence

import numpy as np

from .mass import centre_and_volume

log = logging.getLogger(__name__)

#: Vertices closer than this share of the mesh size to a plane count as lying on it.
_PLANE_EPS = 1e-6
#: Positions closer than this share of the mesh size are welded into one vertex on input.
_WELD = 1e-9


@dataclass(eq=False)
class Shard:
    """One closed piece: triangles counter-clockwise from outside, in the source's space."""
    vertices: np.ndarray          # (N, 3) float64
    triangles: np.ndarray         # (M, 3) int64
    material: np.ndarray          # (M,) int: the source's index outside, `inside_material` on cuts
    smooth: np.ndarray            # (M,) bool: the source face's flag outside, flat on cuts
    inside_material: int          # the index given to cut faces
    centre_of_mass: np.ndarray    # (3,), of a uniform solid
    volume: float                 # m³ in source units
    cell: int                     # index of the site whose Voronoi cell holds the shard
    site: np.ndarray              # (3,) that site

    @property
    def inside(self) -> np.ndarray:
        """Which triangles are cut faces."""
        return self.material == self.inside_material


# --------------------------------------------------------------------------- public API

def fracture(vertices, faces: Sequence[Sequence[int]], material=None, count: int = 20,
             seed: int | np.random.Generator = 0, *, impact=None,
             impact_radius: float | None = None, sites=None, inside_material: int | None = None,
             smooth=None, crumb_share: float = 0.002) -> list[Shard]:
    """Cut the closed mesh (`vertices`, polygon `faces`) into Voronoi shards.

    `material` is a per-face material index (default all 0); cut faces get `inside_material`
    (default one more than the largest index).  `smooth` (per face) is carried to the
    shards' outside triangles; cut faces are flat.  `count` sites are scattered from `seed`
    (denser near `impact`, if given), unless `sites` are passed explicitly.  Returns the
    shards ordered by cell then by size; there are at least as many as there are sites
    (loose pieces of one cell become separate shards, except crumbs: a loose piece under
    `crumb_share` of the prop's volume rides with the largest piece of its cell, since a
    speck of a few milligrams only destabilises the solver).  Raises ValueError for a mesh that is
    not closed or encloses no volume.
    """
    verts, tris, tri_mat, tri_smooth = _prepare(vertices, faces, material, smooth)
    size = float(np.ptp(verts, axis=0).max())
    if inside_material is None:
        inside_material = int(tri_mat.max()) + 1 if len(tri_mat) else 1
    if sites is None:
        sites = scatter_sites(verts, tris, count, seed, impact=impact,
                              impact_radius=impact_radius)
    sites = np.asarray(sites, dtype=np.float64).reshape(-1, 3)
    shells = _shells(verts, tris)
    eps = _PLANE_EPS * size
    total = abs(sum(centre_and_volume(verts, tris[shell])[1] for shell in shells))
    shards: list[Shard] = []
    for cell in range(len(sites)):
        normals, offsets = cell_planes(sites, cell)
        pieces = []
        for shell_index, shell in enumerate(shells):
            piece = _Piece(verts, tris[shell], tri_mat[shell], tri_smooth[shell])
            piece = _clip_to_cell(piece, normals, offsets, eps, inside_material)
            if piece is not None:
                pieces.extend((shell_index, p) for p in _islands(piece))
        made = [_shard(group, inside_material, cell, sites[cell])
                for group in _merge_interpenetrating(pieces)]
        shards.extend(_absorb_crumbs(made, crumb_share * total))
    return shards


def scatter_sites(vertices, faces, count: int, seed: int | np.random.Generator = 0, *,
                  impact=None, impact_radius: float | None = None) -> np.ndarray:
    """`count` Voronoi sites inside the solid, uniformly or crowding around `impact`.

    Candidates come from random vertical rays: each ray's inside stretches (between pairs of
    crossings) give one uniform point, weighted by the ray's inside length so the candidates
    are uniform in volume; a thin glass wall gets sites in its material, not in the air it
    holds.  `count` of them are chosen with those weights, times
    exp(-distance / impact_radius) plus a floor when there is an impact (radius: a quarter of
    the mesh size by default).  The same seed gives the same sites.
    """
    if count < 1:
        raise ValueError(f"scatter_sites: count must be at least 1, got {count}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    verts = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    tris = faces if isinstance(faces, np.ndarray) and faces.ndim == 2 and faces.shape[1] == 3 \
        else _triangulate(verts, faces)[0]
    rays = max((32 if impact is not None else 8) * count, 256)   # a crowd needs a deep pool
    points, lengths = _ray_samples(verts, tris, rays, rng)
    if len(points) < count:
        points2, lengths2 = _ray_samples(verts, tris, 64 * count, rng)
        points, lengths = np.concatenate([points, points2]), np.concatenate([lengths, lengths2])
    if len(points) < count:
        raise ValueError(f"scatter_sites: found only {len(points)} points inside the mesh "
                         f"for {count} sites; is it closed, facing outwards, with volume?")
    weights = lengths.copy()
    if impact is not None:
        radius = impact_radius or 0.25 * float(np.ptp(verts, axis=0).max())
        dist = np.linalg.norm(points - np.asarray(impact, dtype=float), axis=1)
        weights *= np.exp(-dist / radius) + 0.05
    pick = rng.choice(len(points), size=count, replace=False, p=weights / weights.sum())
    return points[np.sort(pick)]


def _ray_samples(verts: np.ndarray, tris: np.ndarray, rays: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One uniform point inside the solid per vertical ray that enters it, and the ray's
    inside length.  Rays with an odd number of crossings (through an edge) are dropped."""
    lo, hi = verts.min(axis=0), verts.max(axis=0)
    xy = rng.uniform(lo[:2], hi[:2], size=(rays, 2))
    along = rng.uniform(size=rays)
    t = verts[tris]
    a = t[:, 0]
    e1, e2 = t[:, 1] - a, t[:, 2] - a
    den = e1[:, 0] * e2[:, 1] - e2[:, 0] * e1[:, 1]
    useful = den != 0.0                                 # vertical faces are never crossed
    a, e1, e2, den = a[useful], e1[useful], e2[useful], den[useful]
    px = xy[:, None, 0] - a[None, :, 0]
    py = xy[:, None, 1] - a[None, :, 1]
    u = (px * e2[:, 1] - e2[:, 0] * py) / den
    v = (e1[:, 0] * py - px * e1[:, 1]) / den
    hit = (u >= 0.0) & (v >= 0.0) & (u + v <= 1.0)
    z = np.where(hit, a[:, 2] + u * e1[:, 2] + v * e2[:, 2], np.inf)
    z.sort(axis=1)
    crossings = hit.sum(axis=1)
    keep = (crossings > 0) & (crossings % 2 == 0)
    points, lengths = [], []
    for r in np.flatnonzero(keep):
        zs = z[r, :crossings[r]]
        enter, leave = zs[0::2], zs[1::2]
        spans = leave - enter
        total = float(spans.sum())
        if total <= 0.0:
            continue
        s = along[r] * total
        k = min(int(np.searchsorted(np.cumsum(spans), s, side="right")), len(spans) - 1)
        height = enter[k] + s - (np.cumsum(spans)[k] - spans[k])
        points.append((xy[r, 0], xy[r, 1], height))
        lengths.append(total)
    return np.asarray(points, dtype=np.float64).reshape(-1, 3), np.asarray(lengths)


def cell_planes(sites: np.ndarray, cell: int) -> tuple[np.ndarray, np.ndarray]:
    """Bisector half-spaces of `cell` against every other site, nearest first.

    Returns unit normals (K, 3) and offsets (K,): the cell is where normals @ x <= offsets.
    """
    others = np.delete(np.arange(len(sites)), cell)
    delta = sites[others] - sites[cell]
    dist = np.linalg.norm(delta, axis=1)
    if np.any(dist == 0.0):
        raise ValueError(f"cell_planes: site {cell} coincides with another site")
    order = np.argsort(dist, kind="stable")
    normals = delta[order] / dist[order, None]
    offsets = np.einsum("ij,ij->i", normals, (sites[others[order]] + sites[cell]) * 0.5)
    return normals, offsets


def winding_number(vertices: np.ndarray, triangles: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Generalised winding number of each point (1 inside a closed outward mesh, 0 outside),
    from the triangles' solid angles (Van Oosterom & Strackee); robust to thin walls."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    tri = vertices[triangles]                                        # (T, 3, 3)
    out = np.empty(len(points))
    chunk = max(1, 400_000 // max(len(triangles), 1))
    for start in range(0, len(points), chunk):
        p = points[start:start + chunk]
        a = tri[None, :, 0] - p[:, None]
        b = tri[None, :, 1] - p[:, None]
        c = tri[None, :, 2] - p[:, None]
        la, lb, lc = (np.linalg.norm(v, axis=2) for v in (a, b, c))
        det = np.einsum("ptk,ptk->pt", a, np.cross(b, c))
        den = (la * lb * lc + np.einsum("ptk,ptk->pt", a, b) * lc
               + np.einsum("ptk,ptk->pt", b, c) * la + np.einsum("ptk,ptk->pt", c, a) * lb)
        out[start:start + chunk] = np.arctan2(det, den).sum(axis=1) / (2.0 * np.pi)
    return out


def is_closed(triangles: np.ndarray) -> bool:
    """Whether every edge is used exactly twice, once in each direction (closed, oriented)."""
    tris = np.asarray(triangles, dtype=np.int64)
    if len(tris) == 0:
        return False
    n = int(tris.max()) + 1
    edges = tris[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2)
    forward = edges[:, 0] * n + edges[:, 1]
    backward = edges[:, 1] * n + edges[:, 0]
    uniq, counts = np.unique(forward, return_counts=True)
    return bool(np.all(counts == 1) and np.array_equal(uniq, np.unique(backward)))


# --------------------------------------------------------------------------- input

def _prepare(vertices, faces, material, smooth):
    """Welded vertices and triangles with per-triangle material and smooth flags."""
    verts = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    if len(verts) == 0 or len(faces) == 0:
        raise ValueError("fracture: the mesh is empty")
    n_faces = len(faces)
    material = np.zeros(n_faces, np.int64) if material is None else np.asarray(material, np.int64)
    smooth = np.zeros(n_faces, bool) if smooth is None else np.asarray(smooth, bool)
    if len(material) != n_faces or len(smooth) != n_faces:
        raise ValueError(f"fracture: {n_faces} faces but {len(material)} material indices and "
                         f"{len(smooth)} smooth flags; give one per face")
    size = float(np.ptp(verts, axis=0).max())
    # Weld coincident positions: a seam of split vertices would look like an open edge.
    _, first, remap = np.unique(np.round(verts / (_WELD * size)).astype(np.int64), axis=0,
                                return_index=True, return_inverse=True)
    remap = remap.reshape(-1)
    tris, owner = _triangulate(verts, faces)
    tris = remap[tris]
    welded = verts[first]
    keep = (tris[:, 0] != tris[:, 1]) & (tris[:, 1] != tris[:, 2]) & (tris[:, 2] != tris[:, 0])
    tris, owner = tris[keep], owner[keep]
    if not is_closed(tris):
        raise ValueError("fracture: the mesh is not closed (some edge is not shared by exactly "
                         "two faces with opposite directions); only closed solids can be cut")
    return welded, tris, material[owner], smooth[owner]


def _triangulate(verts: np.ndarray, faces) -> tuple[np.ndarray, np.ndarray]:
    """Triangles of the polygon faces and the face each came from (ear clipping for n-gons
    that are not convex, a fan for the rest)."""
    tris, owner = [], []
    for index, face in enumerate(faces):
        face = [int(i) for i in face]
        if len(face) == 3:
            tris.append(face)
            owner.append(index)
            continue
        poly = verts[face]
        normal = _newell(poly)
        if _convex(poly, normal):
            tris.extend([face[0], face[k], face[k + 1]] for k in range(1, len(face) - 1))
            owner.extend([index] * (len(face) - 2))
            continue
        u, v = _plane_basis(normal)
        pts = [(float(p @ u), float(p @ v)) for p in poly]
        for a, b, c in _ear_clip(pts, list(range(len(face)))):
            tris.append([face[a], face[b], face[c]])
            owner.append(index)
    return np.asarray(tris, dtype=np.int64).reshape(-1, 3), np.asarray(owner, dtype=np.int64)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cross product of (N, 3) arrays (np.cross costs more than the sum here)."""
    return np.stack([a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1], a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2],
                     a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]], axis=1)


def _newell(poly: np.ndarray) -> np.ndarray:
    nxt = np.roll(poly, -1, axis=0)
    n = np.cross(poly, nxt).sum(axis=0)
    length = np.linalg.norm(n)
    return n / length if length > 0 else np.array([0.0, 0.0, 1.0])


def _convex(poly: np.ndarray, normal: np.ndarray) -> bool:
    turns = np.cross(np.roll(poly, -1, axis=0) - poly, np.roll(poly, -2, axis=0) - poly) @ normal
    return bool(np.all(turns >= -1e-12 * max(np.abs(turns).max(), 1e-300)))


def _plane_basis(normal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """u, v with u × v = normal, so loops counter-clockwise about normal have positive area."""
    helper = np.array([1.0, 0.0, 0.0]) if abs(normal[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    u = np.cross(helper, normal)
    u /= np.linalg.norm(u)
    return u, np.cross(normal, u)


def _shells(verts: np.ndarray, tris: np.ndarray) -> list[np.ndarray]:
    """Triangle indices of each connected shell (parts of a prop are separate shells)."""
    labels = _components(len(verts), tris)
    tri_label = labels[tris[:, 0]]
    return [np.flatnonzero(tri_label == lab) for lab in np.unique(tri_label)]


def _components(n_verts: int, tris: np.ndarray) -> np.ndarray:
    """Connected-component label of every vertex (the smallest vertex index in it)."""
    labels = np.arange(n_verts)
    flat = tris.reshape(-1)
    while True:
        low = labels[tris].min(axis=1)
        new = labels.copy()
        np.minimum.at(new, flat, np.repeat(low, 3))
        new = new[new]                                  # pointer jumping: log-depth rounds
        if np.array_equal(new, labels):
            return labels
        labels = new


# --------------------------------------------------------------------------- clipping

@dataclass
class _Piece:
    verts: np.ndarray
    tris: np.ndarray
    mat: np.ndarray
    smooth: np.ndarray

    def compact(self) -> _Piece:
        used = np.zeros(len(self.verts), dtype=bool)
        used[self.tris] = True
        if used.all():
            return self
        renumber = np.cumsum(used) - 1
        return _Piece(self.verts[used], renumber[self.tris], self.mat, self.smooth)


def _clip_to_cell(piece: _Piece, normals, offsets, eps, inside_material) -> _Piece | None:
    """The part of `piece` inside every half-space, capped; None when nothing is left."""
    piece = piece.compact()
    active = np.arange(len(normals))
    while len(active):
        dist = piece.verts @ normals[active].T - offsets[active]          # (V, K)
        if np.any(dist.min(axis=0) >= -eps):            # wholly outside one plane: empty
            return None
        cutting = dist.max(axis=0) > eps
        active = active[cutting]
        if not len(active):
            break
        # Cut first by the plane that removes the most: the piece, and with it every later
        # cut and cap, shrinks fastest.
        pick = int(np.argmax((dist[:, cutting] > eps).sum(axis=0)))
        piece = _clip(piece, normals[active[pick]], offsets[active[pick]], eps, inside_material)
        if piece is None:
            return None
        active = np.delete(active, pick)
    return piece


def _clip(piece: _Piece, normal, offset, eps, inside_material) -> _Piece | None:
    """Keep the part of a closed piece where normal·x <= offset and cap the cut."""
    verts = piece.verts.copy()
    d = verts @ normal - offset
    on = np.abs(d) <= eps
    verts[on] -= d[on, None] * normal                    # snap onto the plane exactly
    d[on] = 0.0
    tris = piece.tris
    dt = d[tris]
    n_out = (dt > 0).sum(axis=1)
    n_in = (dt < 0).sum(axis=1)
    keep = n_out == 0
    flat = keep & (n_in == 0)                           # lies in the plane: keep if facing out
    if flat.any():
        t = verts[tris[flat]]
        facing = _cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]) @ normal
        keep[np.flatnonzero(flat)[facing < 0]] = False
    cut = (n_out > 0) & (n_in > 0)
    out_tris = [tris[keep]]
    out_mat = [piece.mat[keep]]
    out_smooth = [piece.smooth[keep]]
    if cut.any():
        new_verts, tri_parts = _split(verts, d, tris, cut, n_out)
        verts = np.concatenate([verts, new_verts]) if len(new_verts) else verts
        for rows, new_tris in tri_parts:
            good = ((new_tris[:, 0] != new_tris[:, 1]) & (new_tris[:, 1] != new_tris[:, 2])
                    & (new_tris[:, 2] != new_tris[:, 0]))
            out_tris.append(new_tris[good])
            out_mat.append(piece.mat[rows][good])
            out_smooth.append(piece.smooth[rows][good])
    tris = np.concatenate(out_tris)
    if not len(tris):
        return None
    if cut.any():
        tris = _weld_on_plane(verts, tris, d, eps)
        good = (tris[:, 0] != tris[:, 1]) & (tris[:, 1] != tris[:, 2]) & (tris[:, 2] != tris[:, 0])
        if not good.all():
            tris = tris[good]
            out_mat = [np.concatenate(out_mat)[good]]
            out_smooth = [np.concatenate(out_smooth)[good]]
        out_tris = [tris]
    cap = _cap(verts, tris, normal, eps)
    if len(cap):
        out_tris.append(cap)
        out_mat.append(np.full(len(cap), inside_material, np.int64))
        out_smooth.append(np.zeros(len(cap), bool))
        tris = np.concatenate([tris, cap])
    return _Piece(verts, tris, np.concatenate(out_mat), np.concatenate(out_smooth)).compact()


def _weld_on_plane(verts: np.ndarray, tris: np.ndarray, d: np.ndarray, eps: float) -> np.ndarray:
    """`tris` with cut-plane vertices closer than `eps` merged into one.

    Caps hold flat triangles (the fans `_drop_straight` leaves along straight runs of
    corners); a later plane crossing such a triangle meets two of its edges at the same
    point.  Left as two vertices, they pinch the surface and the next cap's loops
    cross themselves.  Merged, the degenerate triangle drops out and the surface stays closed.
    """
    candidates = np.concatenate([np.flatnonzero(d == 0.0), np.arange(len(d), len(verts))])
    if len(candidates) < 2:
        return tris
    # Such twins differ by rounding only, so a grid of eps finds them (a pair straddling a
    # grid line would need to be eps apart, which no cut produces).
    cells = np.round(verts[candidates] / eps).astype(np.int64)
    order = np.lexsort(cells.T)
    cells = cells[order]
    same = np.all(cells[1:] == cells[:-1], axis=1)
    if not same.any():
        return tris
    group = np.concatenate([[0], np.cumsum(~same)])        # run number in sorted order
    leader = order[np.flatnonzero(np.concatenate([[True], ~same]))]
    inverse = np.empty(len(candidates), dtype=np.int64)
    inverse[order] = group
    first = leader
    remap = np.arange(len(verts))
    remap[candidates] = candidates[first][inverse.reshape(-1)]
    return remap[tris]


def _split(verts, d, tris, cut, n_out):
    """New vertices on the cut edges and the kept triangles of each straddling triangle."""
    n = len(verts)
    rows_one = np.flatnonzero(cut & (n_out == 1))
    rows_two = np.flatnonzero(cut & (n_out == 2))
    # Roll each triangle so the odd vertex (the one outside, or the one inside) comes first.
    one = _roll_first(tris[rows_one], d[tris[rows_one]] > 0)
    two = _roll_first(tris[rows_two], ~(d[tris[rows_two]] > 0))
    # Edges (inside end, outside end) that the plane crosses.
    pairs = np.concatenate([np.stack([one[:, 1], one[:, 0]], 1), np.stack([one[:, 2], one[:, 0]], 1),
                            np.stack([two[:, 0], two[:, 1]], 1), np.stack([two[:, 0], two[:, 2]], 1)])
    inner, outer = pairs[:, 0], pairs[:, 1]
    needs = d[inner] != 0.0                              # an inner end on the plane is the point
    keys = np.minimum(inner, outer) * n + np.maximum(inner, outer)
    _, first, inverse = np.unique(keys[needs], return_index=True, return_inverse=True)
    a, b = inner[needs][first], outer[needs][first]
    t = d[a] / (d[a] - d[b])
    new_verts = verts[a] + t[:, None] * (verts[b] - verts[a])
    point = inner.copy()
    point[needs] = n + inverse.reshape(-1)
    k1, k2 = len(one), len(one) * 2
    p_ab1, p_ca1 = point[:k1], point[k1:k2]
    p_ab2, p_ca2 = point[k2:k2 + len(two)], point[k2 + len(two):]
    parts = [
        (rows_one, np.stack([p_ab1, one[:, 1], one[:, 2]], 1)),
        (rows_one, np.stack([p_ab1, one[:, 2], p_ca1], 1)),
        (rows_two, np.stack([two[:, 0], p_ab2, p_ca2], 1)),
    ]
    return new_verts, parts


def _roll_first(tris: np.ndarray, flag: np.ndarray) -> np.ndarray:
    """Each triangle rotated (orientation kept) so its first flagged corner comes first."""
    k = np.argmax(flag, axis=1)
    idx = (k[:, None] + np.arange(3)) % 3
    return np.take_along_axis(tris, idx, axis=1)


def _cap(verts: np.ndarray, tris: np.ndarray, normal: np.ndarray, eps: float) -> np.ndarray:
    """Triangles filling the open loops a cut left (all in the cut plane), facing `normal`."""
    n = len(verts)
    edges = tris[:, [0, 1, 1, 2, 2, 0]].reshape(-1, 2)
    forward = edges[:, 0] * n + edges[:, 1]
    backward = edges[:, 1] * n + edges[:, 0]
    if n <= 2048:                                       # a bit matrix beats sorting here
        seen = np.zeros(n * n, dtype=bool)
        seen[forward] = True
        open_edges = edges[~seen[backward]]
    else:
        open_edges = edges[~np.isin(backward, forward)]
    if not len(open_edges):
        return np.zeros((0, 3), np.int64)
    # The cap runs against the open edges: b -> a for each open edge a -> b.
    loops = _loops(open_edges[:, 1], open_edges[:, 0])
    u, v = _plane_basis(normal)
    uv = verts @ np.stack([u, v], axis=1)
    return np.asarray(_fill(uv, loops, eps), dtype=np.int64).reshape(-1, 3)


def _loops(starts: np.ndarray, ends: np.ndarray) -> list[list[int]]:
    """Closed vertex loops from directed edges start -> end."""
    nxt: dict[int, list[int]] = {}
    for a, b in zip(starts.tolist(), ends.tolist()):
        nxt.setdefault(a, []).append(b)
    loops = []
    while nxt:
        start = next(iter(nxt))
        loop, here = [start], start
        while True:
            outs = nxt.get(here)
            if not outs:
                break                                   # an open chain: not a loop (bad input)
            there = outs.pop()
            if not outs:
                del nxt[here]
            if there == start:
                break
            loop.append(there)
            here = there
        if len(loop) >= 3:
            loops.append(loop)
    return loops


# --------------------------------------------------------------------------- cap filling

def _fill(uv: np.ndarray, loops: list[list[int]], eps: float) -> list[tuple[int, int, int]]:
    """Triangulate loops in 2D: counter-clockwise loops are outlines, clockwise ones holes
    (even-odd nesting), each hole bridged into its outline before ear clipping."""
    out: list[tuple[int, int, int]] = []
    loops = [_drop_straight(uv, loop, eps, out) for loop in loops]
    loops = [loop for loop in loops if len(loop) >= 3]
    areas = [_area(uv[loop]) for loop in loops]
    span = float(np.ptp(uv, axis=0).max()) if len(uv) else 0.0
    flat = 1e-12 * span * span
    for loop, area in zip(loops, areas):                # slivers: a fan keeps the mesh closed
        if abs(area) <= flat:
            out.extend((loop[0], loop[k], loop[k + 1]) for k in range(1, len(loop) - 1))
    outers = [i for i, a in enumerate(areas) if a > flat]
    holes = [i for i, a in enumerate(areas) if a < -flat]
    owned: dict[int, list[int]] = {i: [] for i in outers}
    for h in holes:
        probe = uv[loops[h][0]]
        around = [o for o in outers if _point_in(probe, uv[loops[o]])]
        if around:
            owned[min(around, key=lambda o: areas[o])].append(h)
    for h in holes:
        if not any(h in owned[o] for o in outers):      # rounding made a loop turn the wrong
            loop = loops[h]                             # way: a fan still closes the surface
            log.debug("fracture: cap loop of %d corners has no outline; filled as a fan", len(loop))
            out.extend((loop[0], loop[k], loop[k + 1]) for k in range(1, len(loop) - 1))
    for o in outers:
        ring = list(loops[o])
        if not owned[o] and _convex_2d(uv[ring]):
            out.extend((ring[0], ring[k], ring[k + 1]) for k in range(1, len(ring) - 1))
            continue
        for h in sorted(owned[o], key=lambda h: -uv[loops[h], 0].max()):
            ring = _bridge(uv, ring, loops[h])
        pts = [(float(uv[i, 0]), float(uv[i, 1])) for i in ring]
        out.extend((ring[a], ring[b], ring[c]) for a, b, c in _ear_clip(pts, list(range(len(ring)))))
    return out


def _convex_2d(pts: np.ndarray) -> bool:
    nxt = np.concatenate((pts[1:], pts[:1]))
    e1 = nxt - pts
    e2 = np.concatenate((nxt[1:], nxt[:1])) - pts
    return bool(np.all(e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0] >= 0.0))


def _drop_straight(uv: np.ndarray, loop: list[int], eps: float,
                   out: list[tuple[int, int, int]]) -> list[int]:
    """`loop` without corners that lie on the straight line between their neighbours (within
    eps); each dropped corner v between p and n leaves a flat triangle (p, v, n) in `out`, so
    the cap still meets the side faces edge for edge.

    Cutting across an earlier cap meets every triangle of it on one straight line; without
    this the next cap carries all those points, its triangles multiply, and the next cut
    across it meets even more.  Dropped, a cap stays about as simple as its real outline.
    """
    pts = uv[loop]
    prev = np.concatenate((pts[-1:], pts[:-1]))
    nxt = np.concatenate((pts[1:], pts[:1]))
    chord = nxt - prev
    length = np.hypot(chord[:, 0], chord[:, 1])
    off = np.abs(chord[:, 0] * (pts[:, 1] - prev[:, 1]) - chord[:, 1] * (pts[:, 0] - prev[:, 0]))
    straight = off <= eps * np.maximum(length, 1e-300)
    if not straight.any() or straight.all():
        return loop
    # Walk from a kept corner; a run of straight corners becomes a fan from the corner before.
    start = int(np.flatnonzero(~straight)[0])
    n = len(loop)
    kept: list[int] = []
    anchor = loop[start]
    run: list[int] = []
    for k in range(start, start + n + 1):
        v = loop[k % n]
        if k < start + n and straight[k % n]:
            run.append(v)
            continue
        if run:
            chain = run + [v]
            out.extend((anchor, chain[i], chain[i + 1]) for i in range(len(chain) - 1))
            run = []
        if k < start + n:
            kept.append(v)
            anchor = v
    return kept


def _area(pts: np.ndarray) -> float:
    x, y = pts[:, 0], pts[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) + x[-1] * y[0] - np.dot(x[1:], y[:-1]) - x[0] * y[-1])


def _point_in(p: np.ndarray, poly: np.ndarray) -> bool:
    x, y = poly[:, 0], poly[:, 1]
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    crosses = (y > p[1]) != (y2 > p[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = x + (p[1] - y) * (x2 - x) / (y2 - y)
    return bool(np.count_nonzero(crosses & (xs > p[0])) % 2)


def _bridge(uv: np.ndarray, ring: list[int], hole: list[int]) -> list[int]:
    """`ring` with `hole` spliced in through a cut from the hole's rightmost vertex to a ring
    vertex it can see (Eberly, "Triangulation by Ear Clipping", section 5)."""
    m_pos = max(range(len(hole)), key=lambda k: (uv[hole[k], 0], -uv[hole[k], 1]))
    mx, my = uv[hole[m_pos]]
    best, best_x = None, np.inf
    pts = uv[ring]
    for k in range(len(ring)):                          # nearest crossing of the ray +x from M
        (ax, ay), (bx, by) = pts[k], pts[(k + 1) % len(ring)]
        if (ay > my) == (by > my) and not (ay == my or by == my):
            continue
        if ay == by:
            if ay != my:
                continue
            x = min(ax, bx) if min(ax, bx) >= mx else (max(ax, bx) if max(ax, bx) >= mx else -1)
            if x < mx:
                continue
            cand = k if ax == x else (k + 1) % len(ring)
        else:
            x = ax + (my - ay) * (bx - ax) / (by - ay)
            if x < mx:
                continue
            cand = k if ax > bx else (k + 1) % len(ring)
        if x < best_x:
            best_x, best = x, cand
    if best is None:                                    # cannot happen for a nested hole
        best = int(np.argmin(np.linalg.norm(pts - (mx, my), axis=1)))
    else:
        # A reflex ring vertex inside triangle (M, I, P) blocks the view: take the one at the
        # smallest angle to the ray instead.
        px, py = pts[best]
        ix = best_x
        tri = ((mx, my), (ix, my), (px, py))
        chosen, chosen_key = best, None
        for k in range(len(ring)):
            qx, qy = pts[k]
            if k == best or not _in_triangle(tri, (qx, qy)):
                continue
            if not _reflex(pts[k - 1], pts[k], pts[(k + 1) % len(ring)]):
                continue
            key = (abs(qy - my) / max(qx - mx, 1e-300), qx - mx)
            if chosen_key is None or key < chosen_key:
                chosen, chosen_key = k, key
        best = chosen
    return ring[:best + 1] + hole[m_pos:] + hole[:m_pos + 1] + ring[best:]


def _in_triangle(tri, p) -> bool:
    (ax, ay), (bx, by), (cx, cy) = tri
    px, py = p
    d1 = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
    d2 = (cx - bx) * (py - by) - (cy - by) * (px - bx)
    d3 = (ax - cx) * (py - cy) - (ay - cy) * (px - cx)
    neg = d1 < 0 or d2 < 0 or d3 < 0
    pos = d1 > 0 or d2 > 0 or d3 > 0
    return not (neg and pos)


def _reflex(a, b, c) -> bool:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) <= 0


def _ear_clip(pts: list[tuple[float, float]], ids: list[int]) -> list[tuple[int, int, int]]:
    """Triangles of a counter-clockwise simple polygon (bridged holes allowed: repeated
    positions), as triples of `ids`.  Only reflex corners can lie inside an ear, so only they
    are tested.  Falls back to the most convex corner when rounding leaves no clean ear, so it
    always ends; the triangles' signed areas still sum to the polygon's."""
    n = len(ids)
    if n < 3:
        return []
    prev = [(i - 1) % n for i in range(n)]
    nxt = [(i + 1) % n for i in range(n)]

    def turn(i: int) -> float:
        (ax, ay), (bx, by), (cx, cy) = pts[prev[i]], pts[i], pts[nxt[i]]
        return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)

    reflex = {i for i in range(n) if turn(i) <= 0.0}
    out = []
    remaining, i, stalled = n, 0, 0
    while remaining > 3:
        a, c = prev[i], nxt[i]
        ear = i not in reflex
        if ear:
            pa, pb, pc = pts[a], pts[i], pts[c]
            (ax, ay), (bx, by), (cx, cy) = pa, pb, pc
            for j in reflex:
                q = pts[j]
                if j == a or j == c or q == pa or q == pb or q == pc:
                    continue
                qx, qy = q
                if ((bx - ax) * (qy - ay) - (by - ay) * (qx - ax) >= 0.0
                        and (cx - bx) * (qy - by) - (cy - by) * (qx - bx) >= 0.0
                        and (ax - cx) * (qy - cy) - (ay - cy) * (qx - cx) >= 0.0):
                    ear = False
                    break
        if ear or stalled > remaining:
            if not ear:                                 # no clean ear: take the most convex
                i = _best_ear(pts, prev, nxt, i, remaining)
                a, c = prev[i], nxt[i]
            out.append((ids[a], ids[i], ids[c]))
            nxt[a], prev[c] = c, a
            reflex.discard(i)
            remaining -= 1
            stalled = 0
            for k in (a, c):
                if k in reflex and turn(k) > 0.0:
                    reflex.discard(k)
            i = c
        else:
            stalled += 1
            i = c
    out.append((ids[prev[i]], ids[i], ids[nxt[i]]))
    return out


def _best_ear(pts, prev, nxt, start, remaining) -> int:
    best, best_cross, i = start, -np.inf, start
    for _ in range(remaining):
        pa, pb, pc = pts[prev[i]], pts[i], pts[nxt[i]]
        cross = (pb[0] - pa[0]) * (pc[1] - pa[1]) - (pb[1] - pa[1]) * (pc[0] - pa[0])
        if cross > best_cross:
            best, best_cross = i, cross
        i = nxt[i]
    return best


# --------------------------------------------------------------------------- islands

def _islands(piece: _Piece) -> list[_Piece]:
    """The loose parts of a piece, each compacted."""
    labels = _components(len(piece.verts), piece.tris)
    tri_label = labels[piece.tris[:, 0]]
    found = np.unique(tri_label)
    if len(found) == 1:
        return [piece]
    return [_Piece(piece.verts, piece.tris[tri_label == lab], piece.mat[tri_label == lab],
                   piece.smooth[tri_label == lab]).compact() for lab in found]


def _merge_interpenetrating(pieces: list[tuple[int, _Piece]]) -> list[list[_Piece]]:
    """Group pieces of one cell: pieces from different shells that reach into each other
    (a vertex of one inside the other) form one shard, as the mug's handle and body do."""
    if len(pieces) <= 1:
        return [[p for _, p in pieces]]
    parent = list(range(len(pieces)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    boxes = [(p.verts.min(axis=0), p.verts.max(axis=0)) for _, p in pieces]
    for i in range(len(pieces)):
        for j in range(i + 1, len(pieces)):
            if pieces[i][0] == pieces[j][0] or root(i) == root(j):
                continue
            (lo_i, hi_i), (lo_j, hi_j) = boxes[i], boxes[j]
            if np.any(lo_i > hi_j) or np.any(lo_j > hi_i):
                continue
            if _reaches_into(pieces[i][1], pieces[j][1]) or _reaches_into(pieces[j][1], pieces[i][1]):
                parent[root(j)] = root(i)
    groups: dict[int, list[_Piece]] = {}
    for k, (_, p) in enumerate(pieces):
        groups.setdefault(root(k), []).append(p)
    return list(groups.values())


def _reaches_into(a: _Piece, b: _Piece) -> bool:
    lo, hi = b.verts.min(axis=0), b.verts.max(axis=0)
    probe = a.verts[np.all((a.verts > lo) & (a.verts < hi), axis=1)]
    if not len(probe):
        return False
    return bool(np.any(winding_number(b.verts, b.tris, probe) > 0.5))


def _absorb_crumbs(made: list[Shard], crumb: float) -> list[Shard]:
    """The shards of one cell, largest first, with pieces under `crumb` m³ joined to the
    largest (both lie in the cell, so the joined shard still does; each stays closed)."""
    made = sorted(made, key=lambda s: -s.volume)
    keep = [made[0]] + [s for s in made[1:] if s.volume >= crumb]
    crumbs = [s for s in made[1:] if s.volume < crumb]
    if not crumbs:
        return keep
    big = keep[0]
    verts, tris, base = [big.vertices], [big.triangles], len(big.vertices)
    for c in crumbs:
        verts.append(c.vertices)
        tris.append(c.triangles + base)
        base += len(c.vertices)
    verts_all, tris_all = np.concatenate(verts), np.concatenate(tris)
    centre, volume = centre_and_volume(verts_all, tris_all)
    keep[0] = Shard(vertices=verts_all, triangles=tris_all,
                    material=np.concatenate([big.material] + [c.material for c in crumbs]),
                    smooth=np.concatenate([big.smooth] + [c.smooth for c in crumbs]),
                    inside_material=big.inside_material, centre_of_mass=centre, volume=volume,
                    cell=big.cell, site=big.site)
    return keep


def _shard(group: list[_Piece], inside_material: int, cell: int, site: np.ndarray) -> Shard:
    verts, tris, base = [], [], 0
    for p in group:
        verts.append(p.verts)
        tris.append(p.tris + base)
        base += len(p.verts)
    verts_all, tris_all = np.concatenate(verts), np.concatenate(tris)
    centre, volume = centre_and_volume(verts_all, tris_all)
    return Shard(vertices=verts_all, triangles=tris_all,
                 material=np.concatenate([p.mat for p in group]),
                 smooth=np.concatenate([p.smooth for p in group]),
                 inside_material=inside_material, centre_of_mass=centre, volume=volume,
                 cell=cell, site=np.array(site, dtype=np.float64))
