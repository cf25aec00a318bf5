"""Fit an imported model to the story: real-world size, on the ground, facing -Y, with the
mass and collision figures the physics stage reads.

Models from providers and users' folders come in any unit, any placement and any facing.  The
procedural prop library (`addon/cast/props.py`) already knows what a category's thing
measures and weighs, so a model is fitted to the prop the library would have built for the
same word: scaled uniformly so its defining dimension matches (the height of things whose
height is standard, a chair's or a table's; the longest side otherwise; a stated size sets the
largest dimension, as in the library), turned so its declared front faces -Y, standing on z = 0
with the origin at the centre of its footprint.  It weighs what the library's prop of its size
weighs, in the category's material; its volume is the closed one (`physics/mass.py`), or its
convex hull's when the mesh is not watertight.  numpy only; vertices in Blender's axes (Z up).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from ..cast.props import CATALOG, PropPhysics, PropSpec, spec_for
from ..physics.mass import mass_properties, triangulate_fan
from ..screenplay import Body


class AssetError(ValueError):
    """A model that cannot be fitted (no geometry, flat, an unknown axis); says which and why."""


#: Categories whose height is the standard measure (seat, table-top, door and stem heights);
#: every other category is fitted by its longest side.
BY_HEIGHT = frozenset("""chair table bench sofa desk shelf wall door window stairs glass cup mug
    bottle vase bucket barrel lamp tree bush flower trash_can traffic_cone sign fence
    street_lamp domino""".split())

#: Faces a model keeps after decimation, by prop family: enough for a close-up of the thing,
#: little enough that a scene of twenty props stays interactive.
FACE_BUDGETS: dict[str, int] = {"tableware": 8000, "sports": 6000, "games": 2000,
                                "household": 10000, "container": 10000, "furniture": 20000,
                                "structure": 10000, "nature": 30000, "street": 15000,
                                "vehicle": 40000}
DEFAULT_FACE_BUDGET = 20000
#: A rigged character keeps more: faces and hands deform.
CHARACTER_FACE_BUDGET = 60000
#: Height a character model is fitted to when the story states none: the Screenplay's default.
CHARACTER_HEIGHT_M = Body().height_m

#: A fitted model whose other dimensions are this many times off the usual prop's was most
#: likely imported with the wrong up or forward axis.
PROPORTION_WARNING = 3.0

#: Turn about +Z (degrees, counter-clockwise seen from above) that brings each front to -Y.
_TURNS = {"-y": 0.0, "+x": -90.0, "-x": 90.0, "+y": -180.0}


@dataclass(frozen=True)
class Target:
    """What the model must become."""
    label: str                       # the story's word or category: "chair", "wine bottle"
    size_m: float | None = None      # a stated size: the largest dimension, metres
    forward: str = "-Y"              # the model's front in Blender axes, as its source declares


@dataclass(frozen=True, eq=False)
class Fit:
    """The transform that fits a model, and what it was fitted to."""
    matrix: np.ndarray               # (4, 4) model coordinates -> fitted coordinates
    scale: float
    turn_deg: float                  # about +Z
    measured: str                    # "height", "longest side" or "largest dimension"
    dimensions_m: tuple[float, float, float]
    usual: PropSpec                  # the library's prop for the same word (size, physics)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Watertight:
    """How far a mesh is from a closed, consistently wound surface (counts of edges)."""
    open_edges: int                  # used by one face: a hole's rim
    non_manifold_edges: int          # used by three faces or more
    flipped_edges: int               # two faces run the edge the same way: winding disagrees

    @property
    def closed(self) -> bool:
        return self.open_edges == self.non_manifold_edges == self.flipped_edges == 0


@lru_cache(maxsize=256)
def usual_prop(label: str) -> PropSpec:
    """The prop the library builds for `label` with seed 0: the usual size and physics (a
    placeholder of plausible size for words it cannot build)."""
    return spec_for(label, id="usual", seed=0)


def face_budget(label: str) -> int:
    """How many faces a model for `label` keeps after decimation."""
    spec = usual_prop(label)
    family = CATALOG[spec.category].family if spec.category in CATALOG else ""
    return FACE_BUDGETS.get(family, DEFAULT_FACE_BUDGET)


def turn_to_front(forward: str) -> float:
    """Degrees about +Z that turn a model whose front is `forward` ("+X", "-y"...) to -Y."""
    text = forward.strip().lower()
    turn = _TURNS.get(text if text[:1] in "+-" else f"+{text}")
    if turn is None:
        raise AssetError(f"forward axis {forward!r} is not one of +X, -X, +Y, -Y (Blender axes, "
                         f"Z up)")
    return turn


def fit(vertices, target: Target) -> Fit:
    """The transform that fits `vertices` (N, 3) to `target`."""
    usual = usual_prop(target.label)
    if target.size_m:
        measure, want = "largest dimension", float(target.size_m)
    elif usual.category in BY_HEIGHT:
        measure, want = "height", usual.dimensions_m[2]
    else:
        measure, want = "longest side", max(usual.dimensions_m)
    return _fit(vertices, target.forward, measure, want, usual, target.label)


def fit_character(vertices, height_m: float = CHARACTER_HEIGHT_M, forward: str = "-Y") -> Fit:
    """The transform that stands a character model `height_m` tall (a T-pose's arm span may be
    its largest dimension, so the height is measured), facing -Y, feet on z = 0."""
    return _fit(vertices, forward, "height", float(height_m), usual_prop("person"), "")


def _fit(vertices, forward: str, measure: str, want: float, usual: PropSpec, label: str) -> Fit:
    verts = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    if len(verts) == 0 or not np.isfinite(verts).all():
        raise AssetError("the model has no vertices, or NaN / infinite coordinates")
    turn = turn_to_front(forward)
    c, s = math.cos(math.radians(turn)), math.sin(math.radians(turn))
    rotation = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    turned = verts @ rotation.T
    lo, hi = turned.min(axis=0), turned.max(axis=0)
    dims = hi - lo
    have = dims[2] if measure == "height" else dims.max()
    if not have > 1e-9:
        raise AssetError(f"the model is flat: its {measure} is {have:.3g} (dimensions "
                         f"{dims[0]:.3g} x {dims[1]:.3g} x {dims[2]:.3g})")
    scale = float(want / have)
    base = np.array([(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, lo[2]])
    matrix = np.eye(4)
    matrix[:3, :3] = rotation * scale
    matrix[:3, 3] = -base * scale
    fitted = tuple(round(float(d), 5) for d in dims * scale)
    warnings = _proportion_warnings(label, fitted, usual) if label else ()
    return Fit(matrix, scale, turn, measure, fitted, usual, warnings)


def _proportion_warnings(label: str, dims, usual: PropSpec) -> tuple[str, ...]:
    ratios = [d / u for d, u in zip(dims, usual.dimensions_m) if d > 0 and u > 0]
    worst = max(max(r, 1 / r) for r in ratios) if ratios else 1.0
    if usual.placeholder or worst < PROPORTION_WARNING:
        return ()
    shown = " x ".join(f"{d:.2f}" for d in dims)
    usual_shown = " x ".join(f"{d:.2f}" for d in usual.dimensions_m)
    message = (f"{label!r}: the fitted model measures {shown} m where a usual "
               f"{usual.category} measures {usual_shown} m; if it lies on its side or back, "
               f"declare its forward axis or re-export it with Z (Blender) or Y (glTF) up")
    return (message,)


def transform(vertices, matrix) -> np.ndarray:
    """`vertices` (N, 3) moved by the 4 x 4 `matrix`."""
    verts = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    return verts @ matrix[:3, :3].T + matrix[:3, 3]


def weld(vertices, faces, tolerance_m: float = 1e-5) -> tuple[np.ndarray, np.ndarray]:
    """Vertices merged where they coincide within `tolerance_m`, and the triangles on them
    with the degenerate ones dropped.  Imported meshes split vertices along UV seams and
    hard edges; the surface is closed only once they are one again."""
    verts = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    tris = triangulate_fan(faces)
    keys = np.round(verts / tolerance_m).astype(np.int64)
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    tris = inverse.reshape(-1)[tris]
    keep = (tris[:, 0] != tris[:, 1]) & (tris[:, 1] != tris[:, 2]) & (tris[:, 2] != tris[:, 0])
    return verts[first], tris[keep]


def check_watertight(vertices, faces) -> Watertight:
    """Open, non-manifold and inconsistently wound edges of the welded mesh."""
    _, tris = weld(vertices, faces)
    directed = np.concatenate([tris[:, [0, 1]], tris[:, [1, 2]], tris[:, [2, 0]]])
    undirected = np.sort(directed, axis=1)
    _, uses = np.unique(undirected, axis=0, return_counts=True)
    _, same_way = np.unique(directed, axis=0, return_counts=True)
    return Watertight(open_edges=int((uses == 1).sum()),
                      non_manifold_edges=int((uses > 2).sum()),
                      flipped_edges=int((same_way > 1).sum()))


def physics_for(vertices, faces, usual: PropSpec, hull=None
                ) -> tuple[PropPhysics, Watertight, tuple[str, ...]]:
    """The usual prop's physics for this mesh.  The mass is the usual prop's scaled by the
    ratio of their bounding boxes: models come solid or hollow, with or without walls, so
    "weighs what the library's one of this size weighs" is the figure that holds for both.
    The volume is the closed one when the mesh is watertight, else that of `hull` (vertices,
    faces of its convex hull) when given, else its bounding box's; `fill` is set so that
    mass = volume * density * fill, as for a procedural prop.  Returns the physics, the
    watertight check and warnings."""
    verts = np.asarray(vertices, dtype=np.float64).reshape(-1, 3)
    check = check_watertight(verts, faces)
    box = float(np.prod(verts.max(axis=0) - verts.min(axis=0)))
    warnings: list[str] = []
    if check.closed:
        volume = _volume(*weld(verts, faces))
    else:
        how = (f"{check.open_edges} open, {check.non_manifold_edges} non-manifold and "
               f"{check.flipped_edges} inconsistently wound edges")
        volume = _volume(hull[0], triangulate_fan(hull[1])) if hull is not None else box
        warnings.append(f"the model is not watertight ({how}); its volume is its "
                        f"{'convex hull' if hull is not None else 'bounding box'}'s")
    base = usual.physics
    mass = base.mass_kg * box / max(float(np.prod(usual.dimensions_m)), 1e-12)
    physics = replace(base, mass_kg=round(mass, 6), volume_m3=round(volume, 9),
                      fill=round(mass / max(volume * base.density_kgm3, 1e-12), 6),
                      collision="convex_hull" if base.collision == "mesh" else base.collision)
    return physics, check, tuple(warnings)


def _volume(vertices, triangles: np.ndarray) -> float:
    """The enclosed volume of a closed mesh, whichever way round its faces are wound."""
    try:
        return mass_properties(vertices, triangles).volume_m3
    except ValueError:
        return mass_properties(vertices, triangles[:, ::-1]).volume_m3


def asset_spec(ident: str, label: str, fitted: Fit, physics: PropPhysics) -> PropSpec:
    """A geometry-free PropSpec for an imported model: what the props' writer records on the
    object (`story_category`, physics, dimensions, support and seat heights)."""
    usual = fitted.usual
    w, d, h = fitted.dimensions_m
    height_ratio = h / usual.dimensions_m[2] if usual.dimensions_m[2] > 0 else 1.0

    def height(z):
        return None if z is None else round(z * height_ratio, 4)

    return PropSpec(id=ident, category=usual.category if not usual.placeholder else "asset",
                    label=label, dimensions_m=fitted.dimensions_m,
                    bounds_m=((-w / 2, -d / 2, 0.0), (w / 2, d / 2, h)), parts=(),
                    materials={}, physics=physics,
                    support_top_m=height(usual.support_top_m),
                    seat_height_m=height(usual.seat_height_m),
                    warnings=fitted.warnings, resolved_by="asset",
                    notes={"scale": fitted.scale, "turn_deg": fitted.turn_deg,
                           "measured": fitted.measured})
