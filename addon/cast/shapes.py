"""Small mesh builders for the prop library: boxes, lathed profiles, spheres, tori, rods.

Every builder returns a `Mesh`: a closed surface with outward-facing polygons (so its signed
volume is its volume), metres, Z up.  Shading: per-face smooth flags, plus sharp edges where a
lathed profile turns a corner (a glass's rim, a cylinder's caps), so smooth walls stay smooth
without bending the shading across the corner.  numpy only; `addon/blender/props_build.py`
writes the result into Blender.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np


@dataclass
class Mesh:
    verts: np.ndarray                   # (N, 3) float64
    faces: list[tuple[int, ...]]        # indices into verts, counter-clockwise seen from outside
    smooth: list[bool]                  # one flag per face
    sharp: list[tuple[int, int]] = field(default_factory=list)   # edges that split shading

    def _with(self, verts: np.ndarray) -> Mesh:
        return Mesh(verts, self.faces, self.smooth, self.sharp)

    def moved(self, x: float = 0.0, y: float = 0.0, z: float = 0.0) -> Mesh:
        return self._with(self.verts + np.array([x, y, z]))

    def scaled(self, s) -> Mesh:
        """Scaled about the origin by a number or an (x, y, z) triple."""
        s = np.broadcast_to(np.asarray(s, dtype=float), (3,))
        out = self._with(self.verts * s)
        return out.flipped() if np.prod(np.sign(s)) < 0 else out

    def rotated(self, axis: str, degrees: float, about=(0.0, 0.0, 0.0)) -> Mesh:
        """Rotated about the X, Y or Z axis through `about` (right-handed, degrees)."""
        about = np.asarray(about, dtype=float)
        rot = rotation(axis, degrees)
        return self._with((self.verts - about) @ rot.T + about)

    def transformed(self, matrix: np.ndarray) -> Mesh:
        return self._with(self.verts @ np.asarray(matrix, dtype=float).T)

    def flipped(self) -> Mesh:
        return Mesh(self.verts, [tuple(reversed(f)) for f in self.faces], self.smooth, self.sharp)

    def volume(self) -> float:
        return volume(self.verts, self.faces)

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.verts.min(axis=0), self.verts.max(axis=0)


def merge(*meshes: Mesh) -> Mesh:
    """One mesh holding all of `meshes` (their vertices are not welded)."""
    verts, faces, smooth, sharp, base = [], [], [], [], 0
    for m in meshes:
        verts.append(m.verts)
        faces.extend(tuple(i + base for i in f) for f in m.faces)
        smooth.extend(m.smooth)
        sharp.extend((a + base, b + base) for a, b in m.sharp)
        base += len(m.verts)
    return Mesh(np.concatenate(verts) if verts else np.zeros((0, 3)), faces, smooth, sharp)


def volume(verts: np.ndarray, faces: Sequence[Sequence[int]]) -> float:
    """Signed volume enclosed by `faces` (positive when they face outwards)."""
    tris = [(f[0], f[k], f[k + 1]) for f in faces for k in range(1, len(f) - 1)]
    if not tris:
        return 0.0
    t = np.asarray(verts, dtype=float)[np.asarray(tris)]
    return float(np.einsum("ij,ij->i", t[:, 0], np.cross(t[:, 1], t[:, 2])).sum() / 6.0)


def rotation(axis: str, degrees: float) -> np.ndarray:
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return {"x": np.array([[1, 0, 0], [0, c, -s], [0, s, c]]),
            "y": np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]),
            "z": np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])}[axis.lower()]


def _outward(mesh: Mesh) -> Mesh:
    """`mesh` with its faces turned outwards (positive volume)."""
    return mesh.flipped() if mesh.volume() < 0 else mesh


def slab(lo: Sequence[float], hi: Sequence[float]) -> Mesh:
    """An axis-aligned box between corners `lo` and `hi`."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    bits = np.array([[i & 1, (i >> 1) & 1, (i >> 2) & 1] for i in range(8)], dtype=float)
    verts = lo + bits * (hi - lo)
    faces = [(0, 2, 3, 1), (4, 5, 7, 6), (0, 1, 5, 4), (2, 6, 7, 3), (0, 4, 6, 2), (1, 3, 7, 5)]
    return Mesh(verts, faces, [False] * 6)


def box(size: Sequence[float], centre: Sequence[float] = (0.0, 0.0, 0.0)) -> Mesh:
    """An axis-aligned box of `size` (x, y, z) around `centre`."""
    half, c = np.asarray(size, dtype=float) / 2, np.asarray(centre, dtype=float)
    return slab(c - half, c + half)


def lathe(profile: Sequence[Sequence[float]], segments: int = 24, *, closed: bool = False,
          smooth: bool | Sequence[bool] = True, angle0_deg: float = 0.0,
          sharp_deg: float = 40.0) -> Mesh:
    """Spin a (radius, z) profile about the Z axis.

    An open profile should start and end on the axis (radius 0) to make a closed solid, e.g. a
    tumbler: bottom centre, outer foot, outer rim, inner rim, inner bottom, back to the axis.
    A `closed` profile is a loop (a torus's circle).  `smooth`: one flag for every face or one
    per profile segment.  Where the profile turns by more than `sharp_deg` its ring of edges is
    marked sharp, so a smooth wall does not smear its shading over the rim or the base.
    """
    pts = np.asarray(profile, dtype=float)
    n = len(pts)
    theta = math.radians(angle0_deg) + 2 * math.pi * np.arange(segments) / segments
    cos, sin = np.cos(theta), np.sin(theta)
    chunks, rings, count = [], [], 0
    for r, z in pts:
        if abs(r) < 1e-12:
            chunks.append(np.array([[0.0, 0.0, z]]))
            rings.append([count] * segments)
            count += 1
        else:
            chunks.append(np.column_stack([r * cos, r * sin, np.full(segments, z)]))
            rings.append(list(range(count, count + segments)))
            count += segments
    pairs = [(i, i + 1) for i in range(n - 1)] + ([(n - 1, 0)] if closed else [])
    if isinstance(smooth, bool):
        flags = [smooth] * len(pairs)
    else:
        flags = list(smooth)
        if len(flags) != len(pairs):
            raise ValueError(f"lathe: {len(flags)} smooth flags for {len(pairs)} segments")
    faces, face_smooth = [], []
    for (i, k), flag in zip(pairs, flags):
        for j in range(segments):
            j2 = (j + 1) % segments
            quad = (rings[i][j], rings[i][j2], rings[k][j2], rings[k][j])
            face = tuple(v for q, v in enumerate(quad) if v != quad[q - 1])
            if len(face) >= 3:
                faces.append(face)
                face_smooth.append(flag)
    sharp = []
    for i in (range(n) if closed else range(1, n - 1)):
        if rings[i][0] == rings[i][-1]:
            continue                                  # a pole has no ring of edges
        before, after = pts[i] - pts[i - 1], pts[(i + 1) % n] - pts[i]
        cos = np.dot(before, after) / (np.linalg.norm(before) * np.linalg.norm(after))
        if cos < math.cos(math.radians(sharp_deg)):
            sharp += [(rings[i][j], rings[i][(j + 1) % segments]) for j in range(segments)]
    return _outward(Mesh(np.concatenate(chunks), faces, face_smooth, sharp))


def cylinder(radius: float, height: float, segments: int = 16, *,
             radius_top: float | None = None, z0: float = 0.0) -> Mesh:
    """A solid cylinder (or frustum) standing on z0, axis Z."""
    rt = radius if radius_top is None else radius_top
    return lathe([(0, z0), (radius, z0), (rt, z0 + height), (0, z0 + height)], segments)


def ring(inner: float, outer: float, height: float, segments: int = 24, z0: float = 0.0) -> Mesh:
    """A flat ring / hollow tube standing on z0, axis Z (barrel hoops, wheel rims)."""
    return lathe([(inner, z0), (outer, z0), (outer, z0 + height), (inner, z0 + height)],
                 segments, closed=True)


def sphere(radius: float, segments: int = 16, rings: int = 8) -> Mesh:
    """A UV sphere centred on the origin."""
    phi = np.linspace(0.0, math.pi, rings + 1)
    profile = np.column_stack([radius * np.sin(phi), -radius * np.cos(phi)])
    profile[0, 0] = profile[-1, 0] = 0.0
    return lathe(profile, segments, smooth=True)


def torus(major: float, minor: float, segments: int = 24, ring_segments: int = 8) -> Mesh:
    """A torus around the Z axis, centred on the origin."""
    a = 2 * math.pi * np.arange(ring_segments) / ring_segments
    profile = np.column_stack([major + minor * np.cos(a), minor * np.sin(a)])
    return lathe(profile, segments, closed=True, smooth=True)


def align_z(direction: np.ndarray) -> np.ndarray:
    """Rotation matrix taking +Z onto the unit vector `direction`."""
    z = np.array([0.0, 0.0, 1.0])
    axis = np.cross(z, direction)
    s, c = np.linalg.norm(axis), float(np.dot(z, direction))
    if s < 1e-12:
        return np.eye(3) if c > 0 else np.diag([1.0, -1.0, -1.0])
    k = axis / s
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + s * kx + (1 - c) * kx @ kx


def rod(p0: Sequence[float], p1: Sequence[float], radius: float, segments: int = 8) -> Mesh:
    """A cylinder from point p0 to point p1 (frame tubes, legs at an angle, poles)."""
    p0, p1 = np.asarray(p0, dtype=float), np.asarray(p1, dtype=float)
    d = p1 - p0
    length = float(np.linalg.norm(d))
    return cylinder(radius, length, segments).transformed(align_z(d / length)).moved(*p0)


def icosphere(radius: float, subdivisions: int = 2) -> Mesh:
    """A geodesic sphere centred on the origin: 20 * 4**subdivisions triangles."""
    t = (1 + 5 ** 0.5) / 2
    verts = [(-1, t, 0), (1, t, 0), (-1, -t, 0), (1, -t, 0), (0, -1, t), (0, 1, t),
             (0, -1, -t), (0, 1, -t), (t, 0, -1), (t, 0, 1), (-t, 0, -1), (-t, 0, 1)]
    faces = [(0, 11, 5), (0, 5, 1), (0, 1, 7), (0, 7, 10), (0, 10, 11), (1, 5, 9), (5, 11, 4),
             (11, 10, 2), (10, 7, 6), (7, 1, 8), (3, 9, 4), (3, 4, 2), (3, 2, 6), (3, 6, 8),
             (3, 8, 9), (4, 9, 5), (2, 4, 11), (6, 2, 10), (8, 6, 7), (9, 8, 1)]
    verts = [np.array(v, dtype=float) / np.linalg.norm(v) for v in verts]
    for _ in range(subdivisions):
        cache: dict[tuple[int, int], int] = {}

        def mid(a: int, b: int) -> int:
            key = (a, b) if a < b else (b, a)
            if key not in cache:
                m = verts[a] + verts[b]
                verts.append(m / np.linalg.norm(m))
                cache[key] = len(verts) - 1
            return cache[key]

        new = []
        for a, b, c in faces:
            ab, bc, ca = mid(a, b), mid(b, c), mid(c, a)
            new += [(a, ab, ca), (b, bc, ab), (c, ca, bc), (ab, bc, ca)]
        faces = new
    return _outward(Mesh(np.array(verts) * radius, faces, [True] * len(faces)))


def blob(radius: float, rng: np.random.Generator, bumpiness: float = 0.15,
         subdivisions: int = 2) -> Mesh:
    """An icosphere with smooth random bumps: canopies, bushes, rocks.  Deterministic in `rng`."""
    base = icosphere(1.0, subdivisions)
    dirs = rng.normal(size=(4, 3))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    freq = rng.uniform(1.5, 3.0, size=4)
    phase = rng.uniform(0, 2 * math.pi, size=4)
    waves = np.sin(base.verts @ dirs.T * freq + phase).mean(axis=1)
    r = radius * (1 + bumpiness * waves / 0.75)
    return _outward(Mesh(base.verts * r[:, None], base.faces, base.smooth))


def superellipsoid(size: Sequence[float], roundness: Sequence[float] = (0.5, 0.5, 0.5),
                   segments: int = 16, rings: int = 8) -> Mesh:
    """A rounded box of `size` centred on the origin: pillows, cushions, bags, car bodies.

    `roundness` per axis: 1 is a sphere's curve, smaller is boxier (0.3 is a soft box).
    """
    unit = sphere(1.0, segments, rings)
    v = unit.verts
    shaped = np.sign(v) * np.abs(v) ** np.asarray(roundness, dtype=float)
    return _outward(Mesh(shaped * np.asarray(size, dtype=float) / 2, unit.faces, unit.smooth))


_AXES = {"xy": (0, 1, 2), "xz": (0, 2, 1), "yz": (1, 2, 0)}


def extrude(outline: Sequence[Sequence[float]], depth: float, plane: str = "xz",
            smooth_sides: bool = False) -> Mesh:
    """A prism: a polygon drawn in `plane` ("xz": points are (x, z)), `depth` thick, centred.

    The outline is a simple polygon in either winding; caps are n-gons (concave is fine).
    """
    u, v, w = _AXES[plane]
    pts = np.asarray(outline, dtype=float)
    n = len(pts)
    verts = np.zeros((2 * n, 3))
    for half, start in ((depth / 2, 0), (-depth / 2, n)):
        verts[start:start + n, u] = pts[:, 0]
        verts[start:start + n, v] = pts[:, 1]
        verts[start:start + n, w] = half
    faces = [tuple(range(n)), tuple(range(2 * n - 1, n - 1, -1))]
    faces += [((i + 1) % n, i, n + i, n + (i + 1) % n) for i in range(n)]
    return _outward(Mesh(verts, faces, [False, False] + [smooth_sides] * n))


def arc_points(cx: float, cy: float, radius: float, start_deg: float, end_deg: float,
               count: int) -> list[tuple[float, float]]:
    """`count` points on a circular arc, for outlines and profiles."""
    a = np.radians(np.linspace(start_deg, end_deg, count))
    return [(cx + radius * math.cos(t), cy + radius * math.sin(t)) for t in a]


def shell_profile(outer: Sequence[Sequence[float]], thickness: float,
                  bottom: float | None = None) -> list[tuple[float, float]]:
    """A thin-walled lathe profile from the outer surface of a vessel.

    `outer` runs from the bottom centre (radius 0) out and up to the rim, e.g. a tumbler's
    [(0, 0), (r_foot, 0), (r_rim, h)].  The inner surface is the outer one moved inwards by
    `thickness` (`bottom` for the first segment: a glass's thicker base), mitred at corners, so
    the result spun with `lathe` is a hollow vessel with walls of that thickness, open at the
    rim.  An outer line that starts off the axis gives a loop for `lathe(closed=True)`
    (a lamp shade).
    """
    pts = np.asarray(outer, dtype=float)
    n = len(pts)
    dirs = np.diff(pts, axis=0)
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    normals = np.column_stack([-dirs[:, 1], dirs[:, 0]])      # left of the walking direction
    widths = np.full(n - 1, float(thickness))
    if bottom is not None:
        widths[0] = bottom
    starts = pts[:-1] + normals * widths[:, None]            # a point on each offset line
    first, last = starts[0], pts[-1] + normals[-1] * widths[-1]
    active = list(range(n - 1))
    while True:
        inner = [first]
        for a, b in zip(active, active[1:]):
            inner.append(_meet(starts[a], dirs[a], starts[b], dirs[b]))
        inner.append(last)
        # A short outer segment next to a thick one can make its offset run backwards (the
        # inner wall would fold through the base): drop such segments and mitre past them.
        backwards = [k for k, seg in enumerate(active[1:-1], 1)
                     if np.dot(inner[k + 1] - inner[k], dirs[seg]) <= 0]
        if not backwards:
            break
        del active[backwards[0]]
    inner = [tuple(p) for p in inner]
    if abs(pts[0][0]) < 1e-12:
        inner[0] = (0.0, inner[0][1])
    return [tuple(p) for p in pts] + inner[::-1]


def _meet(a: np.ndarray, da: np.ndarray, b: np.ndarray, db: np.ndarray) -> np.ndarray:
    """Where the 2D lines a + t da and b + s db cross (b itself when they are parallel)."""
    det = da[0] * -db[1] - da[1] * -db[0]
    if abs(det) < 1e-9:
        return b.copy()
    t = ((b - a)[0] * -db[1] - (b - a)[1] * -db[0]) / det
    return a + t * da


def sweep(path: Sequence[Sequence[float]], radius: float, ring_segments: int = 8) -> Mesh:
    """A round tube of `radius` along a 3D polyline, capped at both ends (handles, hooks)."""
    p = np.asarray(path, dtype=float)
    tangents = np.gradient(p, axis=0)
    tangents /= np.linalg.norm(tangents, axis=1, keepdims=True)
    normal = np.cross(tangents[0], [0.0, 0.0, 1.0])
    if np.linalg.norm(normal) < 1e-6:
        normal = np.cross(tangents[0], [1.0, 0.0, 0.0])
    a = 2 * math.pi * np.arange(ring_segments) / ring_segments
    rings = []
    for point, t in zip(p, tangents):
        normal = normal - np.dot(normal, t) * t                 # parallel transport
        normal /= np.linalg.norm(normal)
        binormal = np.cross(t, normal)
        rings.append(point + radius * (np.outer(np.cos(a), normal) + np.outer(np.sin(a), binormal)))
    n, m = len(p), ring_segments
    verts = np.concatenate(rings + [p[:1], p[-1:]])
    faces = [(i * m + j, i * m + (j + 1) % m, (i + 1) * m + (j + 1) % m, (i + 1) * m + j)
             for i in range(n - 1) for j in range(m)]
    first, last = n * m, n * m + 1
    faces += [(first, (j + 1) % m, j) for j in range(m)]
    faces += [(last, (n - 1) * m + j, (n - 1) * m + (j + 1) % m) for j in range(m)]
    return _outward(Mesh(verts, faces, [True] * (n - 1) * m + [False] * 2 * m))
