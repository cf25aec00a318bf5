"""Sets: the place a story happens, as plain data that `addon/blender/set_build.py` writes.

`plan_set(screenplay, prop_specs, seed)` picks a recipe for the Screenplay's place (park,
street, room, kitchen, office, beach, an empty stage, ... every place in `screenplay.PLACES`),
and returns a `SetPlan`:

- a ground slab (top at z = 0) with a material preset, and walls for indoor sets (one per side,
  so the camera stage can hide the one it looks through; the camera is taken to look from −Y);
- the named spots the beats target (door, window, centre, corner, fountain, counter, ...), each
  with a standing position and facing, and the feature it needs (a door in a wall, a fountain);
- a pose for every story prop from the `placement` solver ("on the table", "in the corner"),
  props held by cast members left to the character code (`SetPlan.held`); a counted prop
  (ten dominoes, five boxes) is placed as one footprint around its whole row or stack and
  each member's pose is in `SetPlan.members` (see arrangement.py);
- set dressing from the prop library around the action (trees and a bench in a park, chairs
  at the kitchen table), never overlapping the story's props or blocking a spot;
- a navigation map (`NavGrid`): an occupancy grid of where a person can stand, obstacles
  inflated by a body radius, for the staging stage's path finding;
- lighting hints from the time of day.

`character_marks(plan, cast_ids, seed)` picks where each character stands at the start.
Everything is deterministic for a seed; nothing here imports Blender.
"""
from __future__ import annotations

import base64
import dataclasses
import logging
import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping

import numpy as np

from ..screenplay import PLACES, Screenplay
from . import placement as pl
from .arrangement import GroupShape, arrange, member_world
from .placement import Anchor, Area, Box, Item, Pose, derive_seed, facing_towards
from .props import PropSpec, spec_for

log = logging.getLogger(__name__)

GROUND_THICKNESS_M = 0.2
WALL_THICKNESS_M = 0.15
BODY_RADIUS_M = 0.25
#: Things whose base is below this height block the floor for a walking person.
HEAD_CLEARANCE_M = 1.9
#: Sides of a set, the camera looks from the "front" (−Y).
SIDES = ("back", "left", "right", "front")

#: Categories that hold things put "in" them.
CONTAINERS = frozenset({"box", "crate", "barrel", "bucket", "bag", "bowl", "cup", "mug", "glass",
                        "vase", "trash_can"})
#: Small things that, with no placement, stand on a story table or desk (or a counter).
TABLETOP = frozenset({"glass", "cup", "mug", "bottle", "plate", "bowl", "vase", "book", "phone",
                      "laptop"})
#: Story props that stand with their back to a wall indoors.
AGAINST_WALL = frozenset({"shelf", "sofa", "bed", "door", "window", "wall", "stairs"})
#: Seats and other things that turn towards what they are placed by.
FACE_TARGET = frozenset({"chair", "sofa", "bench", "bed"})
#: Things a person walks under: only the trunk or pole blocks the floor (its footprint, m).
NAV_STEM_M = {"tree": 0.5, "umbrella": 0.25, "street_lamp": 0.35}
#: Dressing the set leaves out when the story brings its own of that category.
SINGULAR = frozenset({"table", "desk", "sofa", "bed", "bench", "car", "bicycle"})


# --- recipes -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Dress:
    """A line of a set recipe: `count` (a range) things of `category` in a placement zone or
    relative to another recipe category (`relation` to `target`; `each`: one per instance of
    the target).  `prefer` gives preferred spots as (x, y, rot_z), metres from the action
    centre; the i-th thing tries them from the i-th on."""
    category: str
    count: tuple[int, int] = (1, 1)
    zone: str = "edge"
    facing: str = "centre"
    relation: str | None = None
    target: str | None = None
    each: bool = False
    size_m: float | None = None
    description: str = ""
    prefer: tuple[tuple[float, float, float], ...] = ()


@dataclass(frozen=True)
class Recipe:
    """How to build a kind of place.  `floor_m`: the floor inside the walls (indoor) or the
    whole ground (outdoor); `walls`: the sides that have walls; `clear_m`/`action_m`/`edge_m`:
    the action circle kept empty, the ring where story props go, the outer ring for dressing;
    `pieces`: set pieces always present (a kitchen counter); `indoor` None follows the
    Screenplay's set.kind (the stage)."""
    name: str
    indoor: bool | None
    floor_m: tuple[float, float]
    ground: tuple[str, str]
    walls: tuple[str, ...] = ()
    wall_finish: tuple[str, str] = ("plaster", "cream")
    wall_height_m: float = 2.6
    clear_m: float = 0.9
    action_m: float = 2.0
    edge_m: float | None = None
    cell_m: float = 0.1
    pieces: tuple[str, ...] = ()
    dressing: tuple[Dress, ...] = ()
    margin_m: float = 0.0             # outdoors: ground kept free around the floor's rim


ALL_WALLS = ("back", "left", "right", "front")


def _outdoor(name, size, ground, dressing, *, action=3.5, clear=1.5, edge=11.0, walls=(),
             pieces=()) -> Recipe:
    return Recipe(name, False, size, ground, walls=walls, clear_m=clear, action_m=action,
                  edge_m=edge, cell_m=0.2, dressing=dressing, pieces=pieces, margin_m=0.5)


def _indoor(name, size, ground, dressing, *, wall=("plaster", "cream"), pieces=(),
            action=2.0, clear=0.9) -> Recipe:
    return Recipe(name, True, size, ground, walls=ALL_WALLS, wall_finish=wall, clear_m=clear,
                  action_m=action, cell_m=0.1, dressing=dressing, pieces=pieces)


RECIPES: dict[str, Recipe] = {r.name: r for r in (
    _outdoor("park", (30.0, 30.0), ("grass", "grass"), (
        Dress("tree", (4, 6), "edge", "random"),
        Dress("bush", (4, 6), "edge", "random"),
        Dress("bench", (1, 1), "edge", "centre"),
        Dress("trash_can", (1, 1), relation="next_to", target="bench"),
        Dress("street_lamp", (2, 2), "edge", "centre"),
        Dress("flower", (6, 9), "edge", "random"),
    )),
    _outdoor("garden", (24.0, 24.0), ("grass", "#4f7f2c"), (
        Dress("flower", (10, 14), "edge", "random"),
        Dress("bush", (4, 6), "edge", "random"),
        Dress("tree", (2, 3), "edge", "random"),
        Dress("bench", (1, 1), "edge", "centre"),
        Dress("fence", (3, 4), "edge", "along"),
    ), action=3.0, edge=9.0),
    _outdoor("yard", (20.0, 20.0), ("grass", "#6b8a3a"), (
        Dress("fence", (4, 5), "edge", "along"),
        Dress("tree", (1, 2), "edge", "random"),
        Dress("bucket", (1, 1), "edge", "random"),
        Dress("box", (1, 2), "edge", "random"),
        Dress("bicycle", (1, 1), "edge", "along"),
        Dress("trash_can", (1, 1), "edge", "random"),
    ), action=3.0, edge=8.0),
    _outdoor("forest", (30.0, 30.0), ("grass", "#3f5f26"), (
        Dress("tree", (14, 18), "edge", "random"),
        Dress("bush", (6, 8), "edge", "random"),
        Dress("rock", (4, 6), "edge", "random"),
    ), action=3.0, edge=12.0),
    _outdoor("field", (40.0, 40.0), ("grass", "#6f9a3e"), (
        Dress("rock", (2, 3), "edge", "random"),
        Dress("fence", (2, 3), "edge", "along"),
        Dress("tree", (2, 2), "edge", "random"),
    ), action=4.0, edge=16.0),
    _outdoor("street", (30.0, 30.0), ("asphalt", "asphalt"), (
        Dress("street_lamp", (3, 3), "wall", "wall"),
        Dress("trash_can", (1, 1), "wall", "wall"),
        Dress("sign", (1, 1), "wall", "wall"),
        Dress("fence", (1, 2), "wall", "wall"),
        Dress("bicycle", (1, 1), "wall", "wall"),
        Dress("car", (1, 1), "edge", "along",
              prefer=((-5.5, 3.3, math.pi / 2), (5.5, 3.3, -math.pi / 2))),
        Dress("traffic_cone", (3, 4), "edge", "random"),
    ), walls=("back",), action=3.5, edge=9.0),
    _outdoor("beach", (30.0, 30.0), ("sand", "sand"), (
        Dress("rock", (4, 6), "edge", "random"),
        Dress("umbrella", (2, 2), "edge", "random", size_m=2.2, description="beach umbrella"),
        Dress("bag", (1, 1), relation="next_to", target="umbrella"),
        Dress("bucket", (1, 1), "edge", "random"),
    ), pieces=("water",), action=3.5, edge=9.0),
    Recipe("stage", None, (10.0, 8.0), ("wood", "#4a3324"), clear_m=0.9, action_m=2.5,
           cell_m=0.1),
    _indoor("room", (6.0, 5.0), ("wood", "oak"), (
        Dress("sofa", (1, 1), "wall", "wall"),
        Dress("pillow", (1, 2), relation="on", target="sofa"),
        Dress("table", (1, 1), relation="in_front_of", target="sofa", size_m=1.0,
              description="coffee table"),
        Dress("shelf", (1, 1), "wall", "wall"),
        Dress("book", (1, 2), relation="on", target="shelf"),
        Dress("lamp", (1, 1), relation="on", target="table"),
        Dress("chair", (1, 1), "corner", "centre"),
    )),
    _indoor("living_room", (7.0, 5.5), ("wood", "walnut"), (
        Dress("sofa", (1, 1), "wall", "wall"),
        Dress("pillow", (2, 2), relation="on", target="sofa"),
        Dress("table", (1, 1), relation="in_front_of", target="sofa", size_m=1.0,
              description="coffee table"),
        Dress("vase", (1, 1), relation="on", target="table"),
        Dress("shelf", (1, 2), "wall", "wall"),
        Dress("book", (1, 2), relation="on", target="shelf"),
        Dress("lamp", (1, 1), relation="on", target="table"),
        Dress("chair", (1, 1), "corner", "centre"),
    ), wall=("plaster", "#d9d4c7")),
    _indoor("bedroom", (5.5, 5.0), ("wood", "pine"), (
        Dress("bed", (1, 1), "wall", "wall"),
        Dress("pillow", (1, 2), relation="on", target="bed"),
        Dress("desk", (1, 1), "wall", "wall"),
        Dress("lamp", (1, 1), relation="on", target="desk"),
        Dress("chair", (1, 1), relation="in_front_of", target="desk", facing="target"),
        Dress("shelf", (1, 1), "wall", "wall"),
        Dress("book", (1, 1), relation="on", target="shelf"),
    ), wall=("plaster", "#b8c4c9")),
    _indoor("kitchen", (5.0, 4.5), ("ceramic", "#d8d2c4"), (
        Dress("table", (1, 1), "centre", "camera", prefer=((1.25, 1.24, 0.0),)),
        Dress("chair", (2, 4), relation="next_to", target="table", facing="target"),
        Dress("bowl", (1, 1), relation="on", target="table"),
        Dress("cup", (1, 2), relation="on", target="table"),
        Dress("shelf", (1, 2), "wall", "wall"),
        Dress("bottle", (1, 2), relation="on", target="counter"),
        Dress("plate", (1, 1), relation="on", target="counter"),
    ), pieces=("counter",), wall=("plaster", "white")),
    _indoor("office", (7.0, 6.0), ("fabric", "grey"), (
        Dress("desk", (2, 3), "wall", "wall"),
        Dress("chair", each=True, relation="in_front_of", target="desk", facing="target"),
        Dress("laptop", each=True, relation="on", target="desk"),
        Dress("lamp", (1, 1), relation="on", target="desk"),
        Dress("shelf", (1, 2), "wall", "wall"),
        Dress("book", (1, 2), relation="on", target="shelf"),
        Dress("bush", (1, 1), "corner", "random", size_m=0.8, description="potted plant"),
    ), wall=("plaster", "#e4e2dc")),
    _indoor("classroom", (8.0, 7.0), ("wood", "birch"), (
        Dress("desk", (6, 6), "wall", "wall", prefer=(
            (-2.0, 1.12, math.pi), (0.0, 1.12, math.pi), (2.0, 1.12, math.pi),
            (-2.0, 2.45, math.pi), (0.0, 2.45, math.pi), (2.0, 2.45, math.pi))),
        Dress("chair", each=True, relation="in_front_of", target="desk", facing="target"),
        Dress("book", (2, 3), relation="on", target="desk"),
        Dress("shelf", (1, 1), "wall", "wall"),
    ), wall=("plaster", "#e8e1c8"), clear=0.7),
    _indoor("gym", (12.0, 10.0), ("wood", "#c8a165"), (
        Dress("bench", (2, 2), "wall", "wall"),
        Dress("box", (2, 3), "wall", "wall", size_m=0.6),
        Dress("ball", (2, 3), "scatter", "random"),
        Dress("basketball", (2, 2), "scatter", "random"),
    ), wall=("plaster", "#dfe3e6"), action=3.0, clear=1.2),
    _indoor("bar", (7.0, 6.0), ("wood", "walnut"), (
        Dress("chair", (3, 3), relation="in_front_of", target="counter", facing="target"),
        Dress("bottle", (3, 4), relation="on", target="counter"),
        Dress("glass", (1, 2), relation="on", target="counter"),
        Dress("shelf", (1, 2), "wall", "wall"),
        Dress("table", (2, 2), "wall", "camera", size_m=0.8, description="round bar table"),
        Dress("chair", each=True, relation="next_to", target="table", facing="target"),
    ), pieces=("counter",), wall=("plaster", "#8a6f5a")),
    _indoor("restaurant", (8.0, 7.0), ("wood", "oak"), (
        Dress("table", (3, 3), "wall", "camera", prefer=(
            (-2.2, 1.75, 0.0), (0.0, 2.17, 0.0), (2.2, 1.75, 0.0))),
        Dress("chair", each=True, relation="next_to", target="table", facing="target"),
        Dress("chair", each=True, relation="next_to", target="table", facing="target"),
        Dress("plate", each=True, relation="on", target="table"),
        Dress("glass", each=True, relation="on", target="table"),
        Dress("shelf", (1, 1), "wall", "wall"),
        Dress("lamp", (1, 1), relation="on", target="table"),
    ), wall=("plaster", "#e6d8c3")),
)}

#: Places that have no recipe of their own (none today) and the recipe they borrow.
PLACE_RECIPES: dict[str, str] = {p: p for p in PLACES if p in RECIPES}


def recipe_for(place: str, kind: str = "indoor") -> tuple[Recipe, list[str]]:
    """The recipe of a place, or a room/park for an unknown one (with a warning)."""
    name = PLACE_RECIPES.get(place, place)
    if name in RECIPES:
        return RECIPES[name], []
    fallback = "park" if kind == "outdoor" else "room"
    return RECIPES[fallback], [f"set.place: no recipe for {place!r}; built a {fallback}"]


# --- set pieces the spots need ---------------------------------------------------------------

#: kind: (width, depth, height, support_top or None, shape, material, colour)
PIECES = {
    "counter": (2.4, 0.62, 0.92, 0.92, "box", "stone", "#d9d5cc"),
    "fireplace": (1.5, 0.45, 1.1, 1.1, "box", "stone", "#8a7f74"),
    "fountain": (2.2, 2.2, 0.55, 0.55, "cylinder", "stone", "#9b968c"),
    "facade": (6.0, 0.25, 3.2, None, "box", "plaster", "#d9d4c7"),
}


# --- the plan ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ground:
    """A slab whose top is at z = 0, `thickness_m` deep (a collider Bullet cannot tunnel)."""
    width_m: float
    depth_m: float
    material: str
    colour: str
    x: float = 0.0
    y: float = 0.0
    thickness_m: float = GROUND_THICKNESS_M

    @property
    def box(self) -> Box:
        return Box(self.x, self.y, -self.thickness_m, self.width_m, self.depth_m,
                   self.thickness_m)


@dataclass(frozen=True)
class Wall:
    side: str                      # back (+Y), left (−X), right (+X), front (−Y)
    box: Box
    material: str
    colour: str


@dataclass(frozen=True)
class SetPiece:
    """Part of the set that is not a library prop: a counter, a fountain, a facade, water."""
    id: str
    kind: str
    shape: str                     # "box" or "cylinder" (its footprint box's width is the diameter)
    box: Box
    material: str
    colour: str


@dataclass(frozen=True)
class Dressing:
    """A library prop that dresses the set: rebuild it with
    `spec_for(category, id=id, seed=seed, size_m=size_m, description=description)`."""
    id: str
    category: str
    pose: Pose
    seed: int
    dimensions_m: tuple[float, float, float]
    size_m: float | None = None
    description: str = ""
    rests_on: str | None = None    # id it stands on (a table), None for the floor
    support_top_m: float | None = None
    offset_m: tuple[float, float] = (0.0, 0.0)   # footprint centre from the origin, own axes

    @property
    def box(self) -> Box:
        x, y = _turn(self.offset_m, self.pose.rot_z)
        return Box(self.pose.x + x, self.pose.y + y, self.pose.z, *self.dimensions_m,
                   self.pose.rot_z, support_top_m=self.support_top_m)


@dataclass(frozen=True)
class SpotPlan:
    """A named place beats can target: where a person stands (x, y) facing `rot_z` (towards
    the feature: the door, the fountain; the camera for the centre), and the feature's point."""
    id: str
    name: str
    x: float
    y: float
    rot_z: float
    feature: tuple[float, float, float]

    def __post_init__(self):
        object.__setattr__(self, "rot_z", pl.wrap_angle(float(self.rot_z)))

    @property
    def pose(self) -> Pose:
        return Pose(self.x, self.y, 0.0, self.rot_z)


@dataclass(frozen=True)
class LightPlan:
    """A light: kind "SUN", "AREA" or "POINT"; located at `position`, aimed at `aim`
    (suns: only the direction counts); `energy` in W (W/m² for a sun)."""
    name: str
    kind: str
    position: tuple[float, float, float]
    aim: tuple[float, float, float] | None
    energy: float
    colour: tuple[float, float, float]
    size_m: float = 0.0
    angle_deg: float = 0.5         # a sun's angular diameter (soft shadows)


@dataclass(frozen=True)
class Lighting:
    time_of_day: str
    sky_rgb: tuple[float, float, float]
    sky_strength: float
    lights: tuple[LightPlan, ...]


@dataclass
class NavGrid:
    """Where a person can stand: `blocked[row, col]` over cells of `cell_m`, rows along +Y
    from (x0, y0), the grid's lower-left corner; obstacles are inflated by `body_radius_m`,
    so a free cell's centre is a legal place for a person's centre."""
    x0: float
    y0: float
    cell_m: float
    blocked: np.ndarray
    body_radius_m: float = BODY_RADIUS_M

    @property
    def shape(self) -> tuple[int, int]:
        return self.blocked.shape

    def cell(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, col) of the cell holding the point, or None outside the grid."""
        col = int(math.floor((x - self.x0) / self.cell_m))
        row = int(math.floor((y - self.y0) / self.cell_m))
        if 0 <= row < self.shape[0] and 0 <= col < self.shape[1]:
            return row, col
        return None

    def centre(self, row: int, col: int) -> tuple[float, float]:
        return self.x0 + (col + 0.5) * self.cell_m, self.y0 + (row + 0.5) * self.cell_m

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """World x and y of every cell centre, each shaped like `blocked`."""
        rows, cols = self.shape
        xs = self.x0 + (np.arange(cols) + 0.5) * self.cell_m
        ys = self.y0 + (np.arange(rows) + 0.5) * self.cell_m
        return np.meshgrid(xs, ys)

    def is_free(self, x: float, y: float) -> bool:
        c = self.cell(x, y)
        return c is not None and not self.blocked[c]

    def component(self, row: int, col: int) -> np.ndarray:
        """Free cells reachable from (row, col) by 4-neighbour steps (empty if it is blocked)."""
        free = ~self.blocked
        reach = np.zeros_like(free)
        if not free[row, col]:
            return reach
        reach[row, col] = True
        while True:
            grown = reach.copy()
            grown[1:] |= reach[:-1]
            grown[:-1] |= reach[1:]
            grown[:, 1:] |= reach[:, :-1]
            grown[:, :-1] |= reach[:, 1:]
            grown &= free
            if np.array_equal(grown, reach):
                return reach
            reach = grown

    def nearest(self, x: float, y: float, mask: np.ndarray | None = None
                ) -> tuple[float, float] | None:
        """Centre of the free cell (inside `mask` when given) nearest to the point."""
        ok = ~self.blocked if mask is None else (mask & ~self.blocked)
        if not ok.any():
            return None
        xs, ys = self.centres()
        d = np.where(ok, (xs - x) ** 2 + (ys - y) ** 2, np.inf)
        row, col = np.unravel_index(int(np.argmin(d)), d.shape)
        return self.centre(int(row), int(col))

    def walkable(self, x: float, y: float) -> np.ndarray:
        """The walkable region: the free cells connected to the free cell nearest (x, y)."""
        p = self.nearest(x, y)
        if p is None:
            return np.zeros_like(self.blocked)
        return self.component(*self.cell(*p))

    def to_dict(self) -> dict:
        """JSON form: `blocked` as base64 of numpy.packbits over the row-major cells."""
        rows, cols = self.shape
        return {"origin_m": [round(self.x0, 5), round(self.y0, 5)], "cell_m": self.cell_m,
                "rows": rows, "cols": cols, "body_radius_m": self.body_radius_m,
                "encoding": "packbits-base64, row-major, rows along +Y, 1 = blocked",
                "blocked": base64.b64encode(np.packbits(self.blocked.ravel())).decode("ascii")}

    @classmethod
    def from_dict(cls, d: Mapping) -> "NavGrid":
        rows, cols = int(d["rows"]), int(d["cols"])
        bits = np.unpackbits(np.frombuffer(base64.b64decode(d["blocked"]), dtype=np.uint8))
        blocked = bits[:rows * cols].astype(bool).reshape(rows, cols)
        x0, y0 = d["origin_m"]
        return cls(float(x0), float(y0), float(d["cell_m"]), blocked,
                   float(d.get("body_radius_m", BODY_RADIUS_M)))


def rasterize(boxes: Iterable[Box], ground: Box, area: Area, cell_m: float,
              body_radius_m: float = BODY_RADIUS_M) -> NavGrid:
    """The occupancy grid of `ground`: a cell is blocked when its centre is within
    `body_radius_m` of an obstacle's footprint (obstacles whose base is below head height)
    or of the floor's rim."""
    x0, y0, x1, y1 = ground.aabb()
    cols = max(1, int(math.ceil((x1 - x0) / cell_m - 1e-9)))
    rows = max(1, int(math.ceil((y1 - y0) / cell_m - 1e-9)))
    grid = NavGrid(x0, y0, cell_m, np.zeros((rows, cols), dtype=bool), body_radius_m)
    xs, ys = grid.centres()
    r = body_radius_m
    grid.blocked |= ((xs < area.xmin + r) | (xs > area.xmax - r)
                     | (ys < area.ymin + r) | (ys > area.ymax - r))
    for box in boxes:
        if box.z >= HEAD_CLEARANCE_M or box.top <= 0.02:
            continue
        bx0, by0, bx1, by1 = box.aabb()
        c0 = max(0, int((bx0 - r - x0) / cell_m))
        c1 = min(cols, int(math.ceil((bx1 + r - x0) / cell_m)) + 1)
        r0 = max(0, int((by0 - r - y0) / cell_m))
        r1 = min(rows, int(math.ceil((by1 + r - y0) / cell_m)) + 1)
        if c0 >= c1 or r0 >= r1:
            continue
        d = box.distance_xy(xs[r0:r1, c0:c1], ys[r0:r1, c0:c1])
        grid.blocked[r0:r1, c0:c1] |= d <= r
    return grid


@dataclass
class SetPlan:
    """Everything the set stage decided, in plain data (see the module docstring)."""
    place: str
    recipe: str
    kind: str                                   # "indoor" or "outdoor"
    time_of_day: str
    seed: int
    area: Area
    ground: Ground
    walls: list[Wall]
    wall_height_m: float
    pieces: list[SetPiece]
    dressing: list[Dressing]
    spots: dict[str, SpotPlan]
    props: dict[str, Pose]                      # story props that stand somewhere
    prop_boxes: dict[str, Box]
    held: dict[str, str]                        # story prop id -> cast id holding it
    supports: dict[str, tuple[str, str]]        # id -> (on/in/under, id it rests on)
    near_cast: dict[str, str]                   # story prop id -> cast member it is by
    nav: NavGrid
    lighting: Lighting
    prop_categories: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: a counted prop's members (story prop id -> origin pose of member 0, 1, ...); `props`
    #: and `prop_boxes` hold the whole group (its footprint centre, its extent)
    members: dict[str, tuple[Pose, ...]] = field(default_factory=dict)

    def boxes(self) -> dict[str, Box]:
        """Every bounding volume standing in the set, by id: walls ("wall_back"), set
        pieces, dressing and story props."""
        out = {f"wall_{w.side}": w.box for w in self.walls}
        out.update({p.id: p.box for p in self.pieces if p.kind != "water"})
        out.update({d.id: d.box for d in self.dressing})
        out.update(self.prop_boxes)
        return out

    def nav_boxes(self) -> list[Box]:
        """What blocks the floor: every box, trees and umbrellas by their trunk or pole."""
        cats = {d.id: d.category for d in self.dressing}
        cats.update(self.prop_categories)
        out = []
        for ident, box in self.boxes().items():
            stem = NAV_STEM_M.get(cats.get(ident, ""))
            if stem is not None and box.z < 0.05:
                box = dataclasses.replace(box, width=min(box.width, stem),
                                          depth=min(box.depth, stem))
            out.append(box)
        return out

    def check(self) -> list[str]:
        """`placement.check_layout` over everything standing in the set (walls and set
        pieces may reach past the floor): empty when nothing interpenetrates or floats."""
        boxes = self.boxes()
        structure = {f"wall_{w.side}" for w in self.walls} | {p.id for p in self.pieces}
        return [p for p in pl.check_layout(boxes, self.supports, area=self.area)
                if not (p.endswith("reaches outside the floor")
                        and p.split(" ", 1)[0] in structure)]

    def to_dict(self) -> dict:
        def light(lp: LightPlan) -> dict:
            return dataclasses.asdict(lp)
        return {
            "place": self.place, "recipe": self.recipe, "kind": self.kind,
            "time_of_day": self.time_of_day, "seed": self.seed, "area": self.area.to_dict(),
            "ground": dataclasses.asdict(self.ground),
            "walls": [{"side": w.side, "box": w.box.to_dict(), "material": w.material,
                       "colour": w.colour} for w in self.walls],
            "wall_height_m": self.wall_height_m,
            "pieces": [{"id": p.id, "kind": p.kind, "shape": p.shape, "box": p.box.to_dict(),
                        "material": p.material, "colour": p.colour} for p in self.pieces],
            "dressing": [{"id": d.id, "category": d.category, "pose": d.pose.to_dict(),
                          "seed": d.seed, "dimensions_m": list(d.dimensions_m),
                          "size_m": d.size_m, "description": d.description,
                          "rests_on": d.rests_on, "support_top_m": d.support_top_m,
                          "offset_m": list(d.offset_m)}
                         for d in self.dressing],
            "spots": {k: {"name": s.name, **s.pose.to_dict(), "feature": list(s.feature)}
                      for k, s in self.spots.items()},
            "props": {k: p.to_dict() for k, p in self.props.items()},
            "members": {k: [p.to_dict() for p in poses] for k, poses in self.members.items()},
            "held": dict(self.held),
            "supports": {k: list(v) for k, v in self.supports.items()},
            "near_cast": dict(self.near_cast),
            "nav": self.nav.to_dict(),
            "lighting": {"time_of_day": self.lighting.time_of_day,
                         "sky_rgb": list(self.lighting.sky_rgb),
                         "sky_strength": self.lighting.sky_strength,
                         "lights": [light(lp) for lp in self.lighting.lights]},
            "warnings": list(self.warnings),
        }


# --- walls and wall features ------------------------------------------------------------------

@dataclass(frozen=True)
class _Line:
    """The inner face of a wall: its middle (ox, oy), direction along it (tx, ty), the normal
    into the room (nx, ny), usable half length, and the rot_z of a thing backed against it."""
    name: str
    ox: float
    oy: float
    tx: float
    ty: float
    nx: float
    ny: float
    half: float
    rot: float

    def point(self, along: float, out: float) -> tuple[float, float]:
        return self.ox + self.tx * along + self.nx * out, self.oy + self.ty * along + self.ny * out


def _wall_lines(area: Area) -> dict[str, _Line]:
    cx, cy = (area.xmin + area.xmax) / 2, (area.ymin + area.ymax) / 2
    hw, hd = (area.xmax - area.xmin) / 2, (area.ymax - area.ymin) / 2
    lines = {
        "back": _Line("back", cx, area.ymax, 1, 0, 0, -1, hw, 0.0),
        "left": _Line("left", area.xmin, cy, 0, 1, 1, 0, hd, math.pi / 2),
        "right": _Line("right", area.xmax, cy, 0, 1, -1, 0, hd, -math.pi / 2),
        "front": _Line("front", cx, area.ymin, 1, 0, 0, 1, hw, math.pi),
    }
    return {k: v for k, v in lines.items() if k in area.walls}


def _walls(area: Area, recipe: Recipe, ground: Ground) -> list[Wall]:
    t, h = WALL_THICKNESS_M, recipe.wall_height_m
    w, d = area.xmax - area.xmin, area.ymax - area.ymin
    cx, cy = (area.xmin + area.xmax) / 2, (area.ymin + area.ymax) / 2
    long = w + 2 * t if recipe.indoor else ground.width_m
    boxes = {
        "back": Box(cx, area.ymax + t / 2, 0.0, long, t, h),
        "front": Box(cx, area.ymin - t / 2, 0.0, long, t, h),
        "left": Box(area.xmin - t / 2, cy, 0.0, t, d, h),
        "right": Box(area.xmax + t / 2, cy, 0.0, t, d, h),
    }
    if not recipe.indoor:       # a street's facade: taller, the ground's full width
        boxes["back"] = Box(ground.x, area.ymax + 0.15, 0.0, ground.width_m, 0.3, 6.0)
    mat, colour = recipe.wall_finish
    return [Wall(s, boxes[s], mat, colour) for s in SIDES if s in area.walls]


class _WallSlots:
    """Stretches along the walls taken by doors, windows and counters, so they do not meet."""

    def __init__(self, lines: dict[str, _Line]):
        self.lines = lines
        self.used: dict[str, list[tuple[float, float]]] = {k: [] for k in lines}

    def take(self, width: float, prefer: tuple[str, ...], rng: np.random.Generator
             ) -> tuple[_Line, float] | None:
        for side in [s for s in prefer if s in self.lines]:
            line = self.lines[side]
            lo, hi = -line.half + width / 2 + 0.3, line.half - width / 2 - 0.3
            if hi < lo:
                continue
            tries = [float(rng.uniform(lo, hi)) for _ in range(24)]
            tries += list(np.linspace(lo, hi, 9))
            for u in tries:
                if all(u + width / 2 + 0.25 <= a or u - width / 2 - 0.25 >= b
                       for a, b in self.used[side]):
                    self.used[side].append((u - width / 2, u + width / 2))
                    return line, u
        return None


# --- planning --------------------------------------------------------------------------------

class _Planner:
    def __init__(self, sp: Screenplay, prop_specs: Mapping[str, PropSpec], seed: int):
        self.sp, self.seed = sp, seed
        self.prop_specs = dict(prop_specs)
        self.warnings: list[str] = []
        self.recipe, w = recipe_for(sp.set.place, sp.set.kind)
        self.warnings += w
        r = self.recipe
        self.indoor = r.indoor if r.indoor is not None else sp.set.kind == "indoor"
        self.kind = "indoor" if self.indoor else "outdoor"
        fw, fd = r.floor_m
        if r.indoor:
            t = WALL_THICKNESS_M
            self.ground = Ground(fw + 2 * t, fd + 2 * t, *r.ground)
            self.area = Area(-fw / 2, -fd / 2, fw / 2, fd / 2, 0.0, 0.0, r.clear_m, r.action_m,
                             None, r.walls)
        else:
            self.ground = Ground(fw, fd, *r.ground)
            m = r.margin_m
            ymax = fd / 2 - m
            if "back" in r.walls:             # a street: the facade closes the back
                ymax = r.action_m + 2.5
            if "water" in r.pieces:           # a beach: the sea at the back
                ymax = r.action_m + 4.0
            self.area = Area(-fw / 2 + m, -fd / 2 + m, fw / 2 - m, ymax, 0.0, 0.0, r.clear_m,
                             r.action_m, r.edge_m, r.walls)
        self.walls = _walls(self.area, r, self.ground) if r.walls else []
        self.pieces: list[SetPiece] = []
        self.fixed: dict[str, Box] = {f"wall_{w.side}": w.box for w in self.walls}
        self.anchors: dict[str, Anchor] = {}
        self.spots: dict[str, SpotPlan] = {}
        self.keep_clear: dict[str, Box] = {}
        self.dressing: list[Dressing] = []
        self.used_ids = set(sp.ids())
        self.lines = _wall_lines(self.area)
        self.slots = _WallSlots(self.lines)
        self.facade: _Line | None = None
        self.groups: dict[str, GroupShape] = {}

    # -- ids, sizes ----------------------------------------------------------------------
    def new_id(self, stem: str) -> str:
        n = 1
        while f"{stem}_{n}" in self.used_ids:
            n += 1
        ident = f"{stem}_{n}"
        self.used_ids.add(ident)
        return ident

    def rng(self, *keys) -> np.random.Generator:
        return np.random.default_rng(derive_seed(self.seed, *keys))

    def dress_spec(self, category: str, ident: str, size_m=None, description="") -> PropSpec:
        return spec_for(category, id=ident, seed=derive_seed(self.seed, ident), size_m=size_m,
                        description=description)

    def add_fixed_dressing(self, spec: PropSpec, at: Pose, size_m=None, description=""):
        """A library prop whose footprint is centred at `at` (a door against its wall)."""
        w, d, h = spec.dimensions_m
        box = Box.at(at, w, d, h, support_top_m=spec.support_top_m)
        self.fixed[spec.id] = box
        off = _offset(spec)
        self.dressing.append(Dressing(spec.id, spec.category, _origin(box, off),
                                      derive_seed(self.seed, spec.id), (w, d, h), size_m,
                                      description, None, spec.support_top_m, off))

    def add_piece(self, kind: str, x: float, y: float, rot: float, *, scale: float = 1.0
                  ) -> SetPiece:
        w, d, h, top, shape, mat, colour = PIECES[kind]
        ident = self.new_id(f"set_{kind}")
        box = Box(x, y, 0.0, w * scale, d * (scale if shape == "cylinder" else 1.0), h,
                  rot, support_top_m=top)
        piece = SetPiece(ident, kind, shape, box, mat, colour)
        self.pieces.append(piece)
        self.fixed[ident] = box
        return piece

    # -- set pieces and spots ----------------------------------------------------------
    def wall_line(self, prefer: tuple[str, ...]) -> dict[str, _Line]:
        """Wall lines to hang a feature on; outdoors without walls, a facade piece behind
        the action (built once)."""
        if self.lines:
            return self.lines
        if self.facade is None:
            a = self.area
            y = a.cy + a.action_m + 1.5
            piece = self.add_piece("facade", a.cx, y + PIECES["facade"][1] / 2, 0.0)
            half = piece.box.width / 2
            self.facade = _Line("facade", a.cx, y, 1, 0, 0, -1, half, 0.0)
            self.slots = _WallSlots({"facade": self.facade})
        return {"facade": self.facade}

    def on_wall(self, width: float, prefer: tuple[str, ...], key: str):
        lines = self.wall_line(prefer)
        order = tuple(s for s in prefer if s in lines) + tuple(s for s in lines
                                                               if s not in prefer)
        return self.slots.take(width, order, self.rng("wall", key))

    def place_pieces(self):
        for kind in self.recipe.pieces:
            if kind == "water":
                a, g = self.area, self.ground
                y0, y1 = a.ymax + 0.3, g.y + g.depth_m / 2
                box = Box(g.x, (y0 + y1) / 2, 0.0, g.width_m, y1 - y0, 0.03)
                self.pieces.append(SetPiece("set_water", "water", "box", box, "water", ""))
            elif kind == "counter":
                self.counter_on_wall()

    def counter_on_wall(self) -> SetPiece | None:
        for p in self.pieces:
            if p.kind == "counter":
                return p
        w, d = PIECES["counter"][:2]
        slot = self.on_wall(w, ("back", "left", "right"), "counter")
        if slot is None:
            return None
        line, u = slot
        x, y = line.point(u, d / 2 + 0.005)
        return self.add_piece("counter", x, y, line.rot)

    def plan_spots(self):
        # features on walls first, then free-standing ones, then bare floor spots
        rank = {"door": 0, "window": 0, "gate": 0 if self.indoor else 1, "counter": 0,
                "fireplace": 0, "fountain": 1}
        order = sorted(self.sp.set.spots, key=lambda s: rank.get(s.name.lower(), 2))
        for spot in order:
            name = spot.name.lower()
            rng = self.rng("spot", spot.id)
            plan = self.spot(spot.id, name, rng)
            if plan is None:
                plan = self.free_spot(spot.id, spot.name, rng)
            sx, sy = plan.x, plan.y
            fx, fy, _ = plan.feature
            self.spots[spot.id] = plan
            support = next((p.id for p in self.pieces
                            if p.kind in ("counter", "fountain", "fireplace")
                            and p.box.distance_xy(fx, fy) < 0.3), None)
            self.anchors[spot.id] = Anchor(sx, sy, plan.rot_z, fx, fy, 0.4, support)
            dist = math.hypot(sx - fx, sy - fy)
            if dist > 0.05:        # the way from the feature to the standing point stays clear
                mx, my = (sx + fx) / 2, (sy + fy) / 2
                self.keep_clear[spot.id] = Box(mx, my, 0.0, 0.8, dist + 0.8, 2.0,
                                               facing_towards(fx - sx, fy - sy))
            else:
                self.keep_clear[spot.id] = Box(sx, sy, 0.0, 0.8, 0.8, 2.0, plan.rot_z)

    def wall_spot(self, ident: str, name: str, category: str, prefer: tuple[str, ...],
                  sill_m: float = 0.0) -> SpotPlan | None:
        """A door or window: the library prop backed against a wall, the spot 0.6 m in front
        of it facing it."""
        did = self.new_id(f"set_{category}")
        spec = self.dress_spec(category, did)
        w, d, h = spec.dimensions_m
        slot = self.on_wall(w, prefer, ident)
        if slot is None:
            return None
        line, u = slot
        x, y = line.point(u, d / 2 + 0.005)
        z = sill_m if h + sill_m < self.recipe.wall_height_m else 0.0
        self.add_fixed_dressing(spec, Pose(x, y, z, line.rot))
        fx, fy = line.point(u, 0.0)
        sx, sy = line.point(u, d + 0.6)
        return SpotPlan(ident, name, sx, sy, line.rot + math.pi, (fx, fy, z))

    def piece_spot(self, ident: str, name: str, kind: str) -> SpotPlan | None:
        if kind == "counter":
            piece = self.counter_on_wall()
        else:
            w, d = PIECES[kind][:2]
            slot = self.on_wall(w, ("left", "right", "back"), ident)
            if slot is None:
                return None
            line, u = slot
            x, y = line.point(u, d / 2 + 0.005)
            piece = self.add_piece(kind, x, y, line.rot)
        if piece is None:
            return None
        b = piece.box
        fx, fy = b.to_world(0.0, -b.depth / 2)
        sx, sy = b.to_world(0.0, -b.depth / 2 - 0.6)
        return SpotPlan(ident, name, sx, sy, b.rot_z + math.pi, (fx, fy, b.support_z or 0.0))

    def spot(self, ident: str, name: str, rng) -> SpotPlan | None:
        a = self.area
        if name in ("door", "gate") and (self.indoor or name == "door"):
            return self.wall_spot(ident, name, "door", ("back", "left", "right"))
        if name == "window":
            return self.wall_spot(ident, name, "window", ("left", "right", "back"), sill_m=0.9)
        if name == "gate":
            return self.gate_spot(ident, name, rng)
        if name in ("counter", "fireplace"):
            return self.piece_spot(ident, name, name)
        if name == "fountain":
            return self.fountain_spot(ident, name, rng)
        if name == "centre":
            return SpotPlan(ident, name, a.cx, a.cy, 0.0, (a.cx, a.cy, 0.0))
        if name == "corner":
            if self.indoor:
                sx_sign = -1.0 if rng.random() < 0.5 else 1.0
                cx = a.xmin if sx_sign < 0 else a.xmax
                px, py = cx - sx_sign * 0.7, a.ymax - 0.7
                return SpotPlan(ident, name, px, py, facing_towards(a.cx - px, a.cy - py),
                                (cx, a.ymax, 0.0))
            side = -1.0 if rng.random() < 0.5 else 1.0
            px, py = a.cx + side * a.action_m * 0.7, a.cy + a.action_m * 0.7
            return SpotPlan(ident, name, px, py, facing_towards(a.cx - px, a.cy - py),
                            (px, py, 0.0))
        if name == "edge":
            if self.recipe.name == "stage":
                y = a.ymin + 0.6
                return SpotPlan(ident, name, a.cx, y, 0.0, (a.cx, a.ymin, 0.0))
            y = min(a.ymax - 0.6, a.cy + a.action_m + 1.0)
            return SpotPlan(ident, name, a.cx, y, math.pi, (a.cx, y + 0.6, 0.0))
        return None

    def fountain_spot(self, ident: str, name: str, rng) -> SpotPlan | None:
        """A round basin behind the action (smaller when the set is cramped), the spot in
        front of it facing it."""
        a = self.area
        want_x = a.cx + float(rng.uniform(-1.0, 1.0))
        xs = np.arange(a.xmin, a.xmax, 0.25)
        ys = np.arange(a.ymin, a.ymax, 0.25)
        for scale in ((0.7, 0.5) if self.indoor else (1.0, 0.75, 0.5)):
            r = PIECES["fountain"][0] * scale / 2
            want_y = a.cy + a.clear_m + r + 0.8
            cands = sorted(((x, y) for x in xs for y in ys),
                           key=lambda p: (p[0] - want_x) ** 2 + 2 * (p[1] - want_y) ** 2)
            for x, y in cands[:400]:
                body = Box(float(x), float(y), 0.0, 2 * r, 2 * r, 1.0)
                room = Box(float(x), float(y) - r - 0.45, 0.0, 0.9, 0.9, 1.0)
                if not (a.contains(body) and a.contains(room)):
                    continue
                if a.clear_m > 0 and body.distance_xy(a.cx, a.cy) < a.clear_m:
                    continue
                if any(pl.overlaps(b, o, clearance=0.3) for b in (body, room)
                       for o in (*self.fixed.values(), *self.keep_clear.values())):
                    continue
                piece = self.add_piece("fountain", float(x), float(y), 0.0, scale=scale)
                return SpotPlan(ident, name, float(x), float(y) - r - 0.6, math.pi,
                                (float(x), float(y) - r, piece.box.support_z or 0.0))
        self.warnings.append(f"set.spots: no room for a fountain for {ident!r}; "
                             f"it is a bare spot")
        return None

    def gate_spot(self, ident: str, name: str, rng) -> SpotPlan | None:
        """Outdoors: two fence panels with a gap behind the action, the spot in the gap's
        front facing through it."""
        a = self.area
        gap = 1.4
        specs = [self.dress_spec("fence", self.new_id("set_fence")) for _ in range(2)]
        w0, w1 = specs[0].dimensions_m[0], specs[1].dimensions_m[0]
        d = max(specs[0].dimensions_m[1], specs[1].dimensions_m[1])
        shift = float(rng.uniform(-1.0, 1.0))
        for dy in (1.2, 2.2, 0.6, 3.2):
            for dx in (shift, shift - 2.5, shift + 2.5, shift - 5.0, shift + 5.0):
                gx, y = a.cx + dx, a.cy + a.action_m + dy
                boxes = [Box(gx - gap / 2 - w0 / 2 - 0.02, y, 0.0, w0, d, 1.0),
                         Box(gx + gap / 2 + w1 / 2 + 0.02, y, 0.0, w1, d, 1.0)]
                room = Box(gx, y - 0.45, 0.0, gap - 0.1, 0.9 + d, 1.0)
                if not all(a.contains(b) for b in (*boxes, room)):
                    continue
                if any(pl.overlaps(b, o, clearance=0.2) for b in (*boxes, room)
                       for o in (*self.fixed.values(), *self.keep_clear.values())):
                    continue
                for spec, box in zip(specs, boxes):
                    self.add_fixed_dressing(spec, box.pose)
                return SpotPlan(ident, name, gx, y - 0.7, math.pi, (gx, y, 0.0))
        self.warnings.append(f"set.spots: no room for a gate for {ident!r}; it is a bare spot")
        return None

    def free_spot(self, ident: str, name: str, rng) -> SpotPlan:
        """A spot the set has no recipe for: free floor in the action ring, away from others."""
        a = self.area
        for _ in range(200):
            r = float(rng.uniform(a.clear_m, max(a.action_m, a.clear_m + 0.5)))
            ang = float(rng.uniform(-math.pi * 0.25, math.pi * 1.25))
            x, y = a.cx + r * math.cos(ang), a.cy + r * math.sin(ang)
            if not (a.xmin + 0.5 < x < a.xmax - 0.5 and a.ymin + 0.5 < y < a.ymax - 0.5):
                continue
            if any(math.hypot(x - s.x, y - s.y) < 1.0 for s in self.spots.values()):
                continue
            if any(b.distance_xy(x, y) < 0.6 for b in self.fixed.values()):
                continue
            return SpotPlan(ident, name, x, y, facing_towards(a.cx - x, a.cy - y), (x, y, 0.0))
        return SpotPlan(ident, name, a.cx, a.cy, 0.0, (a.cx, a.cy, 0.0))

    # -- story props ------------------------------------------------------------------
    def spec(self, prop) -> PropSpec:
        spec = self.prop_specs.get(prop.id)
        if spec is None:
            from .props import plan_prop
            spec = plan_prop(prop, self.seed)
            self.prop_specs[prop.id] = spec
        return spec

    def group(self, prop) -> GroupShape:
        """The arrangement of a counted prop's members (seeded by the prop's id)."""
        shape = self.groups.get(prop.id)
        if shape is None:
            spec = self.spec(prop)
            shape = arrange(spec.dimensions_m, prop.count, prop.arrangement,
                            self.rng("group", prop.id), _offset(spec))
            self.groups[prop.id] = shape
        return shape

    def story_items(self) -> list[Item]:
        props = self.sp.props
        surfaces = [p.id for p in props if p.category in ("table", "desk")
                    and (p.placement is None or p.placement.relation != "held_by")]
        counter = next((p.id for p in self.pieces if p.kind == "counter"), None)
        items = []
        for p in props:
            spec = self.spec(p)
            w, d, h = spec.dimensions_m
            rel = p.placement.relation if p.placement else None
            target = p.placement.target if p.placement else None
            if rel is None and p.category in TABLETOP:
                support = next((s for s in surfaces if s != p.id), counter)
                if support is not None:
                    rel, target = "on", support
            zone = "centre"
            if self.indoor and p.category in AGAINST_WALL:
                zone = "wall"
            facing = "target" if p.category in FACE_TARGET and rel in (
                "next_to", "in_front_of", "near", "behind") else "centre"
            if zone == "wall":
                facing = "wall"
            if p.count > 1:                  # the whole row, stack or group is one footprint
                shape = self.group(p)
                w, d, h = shape.width, shape.depth, shape.height
                if p.arrangement == "row" and facing == "centre":
                    facing = "along"           # a row runs across the view from the action
                top = None                     # a ball can sit on a stack of boxes
                if p.arrangement == "stack" and spec.support_top_m is not None:
                    top = h - (spec.dimensions_m[2] - spec.support_top_m)
                items.append(Item(p.id, w, d, h, top, None, rel, target, zone, facing))
                continue
            items.append(Item(p.id, w, d, h, spec.support_top_m, _cavity(p.category, h), rel,
                              target, zone, facing,
                              z_m=0.9 if p.category == "window" and zone == "wall" else 0.0))
        return items

    # -- dressing ---------------------------------------------------------------------
    def dressing_items(self, story_layout: pl.Layout) -> tuple[list[Item], dict[str, tuple]]:
        story_cats: dict[str, list[str]] = {}
        for p in self.sp.props:
            if p.id in story_layout.boxes:
                story_cats.setdefault(p.category, []).append(p.id)
        placed: dict[str, list[str]] = {}
        for p in self.pieces:
            placed.setdefault(p.kind, []).append(p.id)
        items: list[Item] = []
        meta: dict[str, tuple] = {}
        a = self.area
        for n, line in enumerate(self.recipe.dressing):
            rng = self.rng("dress", n, line.category)
            if line.category in SINGULAR and line.category in story_cats:
                continue
            targets: list[str] = []
            if line.target:
                targets = placed.get(line.target) or []
                if not targets and line.relation != "on":
                    targets = story_cats.get(line.target, [])
                if not targets:
                    continue
            count = len(targets) if line.each else int(rng.integers(line.count[0],
                                                                    line.count[1] + 1))
            for i in range(count):
                ident = self.new_id(f"set_{line.category}")
                spec = self.dress_spec(line.category, ident, line.size_m, line.description)
                w, d, h = spec.dimensions_m
                target = None
                if targets:
                    target = targets[i] if line.each else targets[int(rng.integers(len(targets)))]
                prefer = tuple((a.cx + x, a.cy + y, rot)
                               for x, y, rot in line.prefer[i:] + line.prefer[:i])
                items.append(Item(ident, w, d, h, spec.support_top_m,
                                  _cavity(line.category, h), line.relation if target else None,
                                  target, line.zone, line.facing, prefer=prefer, optional=True))
                meta[ident] = (line.category, line.size_m, line.description, (w, d, h),
                               _offset(spec))
                placed.setdefault(line.category, []).append(ident)
        return items, meta

    # -- the whole set ---------------------------------------------------------------
    def plan(self) -> SetPlan:
        self.place_pieces()
        self.plan_spots()
        cast_ids = [c.id for c in self.sp.cast]
        story = pl.solve(self.area, self.story_items(), fixed=self.fixed, anchors=self.anchors,
                         keep_clear=self.keep_clear, cast_ids=cast_ids, seed=self.seed)
        self.warnings += [f"props.{w}" for w in story.warnings]
        fixed = dict(self.fixed)
        fixed.update(story.boxes)
        items, meta = self.dressing_items(story)
        dress = pl.solve(self.area, items, fixed=fixed, fixed_supports=story.supports,
                         anchors=self.anchors, keep_clear=self.keep_clear, cast_ids=cast_ids,
                         seed=self.seed)
        for ident, box in dress.boxes.items():
            cat, size_m, desc, dims, off = meta[ident]
            rest = dress.supports.get(ident)
            self.dressing.append(Dressing(ident, cat, _origin(box, off),
                                          derive_seed(self.seed, ident), dims, size_m, desc,
                                          rest[1] if rest else None, box.support_top_m, off))
        supports = dict(story.supports)
        supports.update(dress.supports)
        plan = SetPlan(
            place=self.sp.set.place, recipe=self.recipe.name, kind=self.kind,
            time_of_day=self.sp.set.time_of_day, seed=self.seed, area=self.area,
            ground=self.ground, walls=self.walls, wall_height_m=self.recipe.wall_height_m,
            pieces=self.pieces, dressing=self.dressing, spots=self.spots,
            props={k: b.pose if k in self.groups else _origin(b, _offset(self.prop_specs[k]))
                   for k, b in story.boxes.items()},
            members={k: tuple(member_world(story.boxes[k].pose, m) for m in g.members)
                     for k, g in self.groups.items() if k in story.boxes},
            prop_boxes=dict(story.boxes), held=dict(story.held),
            supports=supports, near_cast=dict(story.near_cast), nav=None,  # type: ignore[arg-type]
            lighting=None,  # type: ignore[arg-type]
            prop_categories={p.id: p.category for p in self.sp.props},
            warnings=self.warnings)
        self.finish_nav(plan)
        plan.lighting = _lighting(plan)
        return plan

    def finish_nav(self, plan: SetPlan):
        """Build the nav map; a spot that dressing cut off from the action gets its
        dressing cleared away, then every spot moves to walkable floor."""
        for _ in range(8):
            plan.nav = rasterize(plan.nav_boxes(), plan.ground.box, plan.area,
                                 self.recipe.cell_m)
            walk = plan.nav.walkable(plan.area.cx, plan.area.cy)
            stuck = None
            for s in plan.spots.values():
                p = plan.nav.nearest(s.x, s.y, walk)
                if p is None or math.hypot(p[0] - s.x, p[1] - s.y) > 0.5:
                    stuck = s
                    break
            if stuck is None or not _drop_nearest_dressing(plan, stuck.x, stuck.y):
                break
        walk = plan.nav.walkable(plan.area.cx, plan.area.cy)
        for sid, s in list(plan.spots.items()):
            p = plan.nav.nearest(s.x, s.y, walk)
            if p is not None and not (plan.nav.is_free(s.x, s.y)
                                      and walk[plan.nav.cell(s.x, s.y)]):
                plan.spots[sid] = dataclasses.replace(s, x=p[0], y=p[1])


def _drop_nearest_dressing(plan: SetPlan, x: float, y: float) -> bool:
    """Remove the floor dressing nearest to (x, y) and whatever rests on it."""
    floor = [d for d in plan.dressing if d.rests_on is None
             and d.category not in ("door", "window")]
    if not floor:
        return False
    near = min(floor, key=lambda d: d.box.distance_xy(x, y))
    gone = {near.id}
    changed = True
    while changed:
        changed = False
        for d in plan.dressing:
            if d.rests_on in gone and d.id not in gone:
                gone.add(d.id)
                changed = True
    plan.dressing = [d for d in plan.dressing if d.id not in gone]
    plan.supports = {k: v for k, v in plan.supports.items() if k not in gone}
    log.info("set: removed dressing %s that cut a spot off", ", ".join(sorted(gone)))
    return True


def _turn(v: tuple[float, float], rot_z: float) -> tuple[float, float]:
    c, s = math.cos(rot_z), math.sin(rot_z)
    return c * v[0] - s * v[1], s * v[0] + c * v[1]


def _offset(spec: PropSpec) -> tuple[float, float]:
    """Where a prop's footprint centre lies from its origin (a street lamp's arm makes it
    lopsided), from the spec's bounds."""
    bounds = getattr(spec, "bounds_m", None)
    if not bounds:
        return (0.0, 0.0)
    (x0, y0, _), (x1, y1, _) = bounds
    return (round((x0 + x1) / 2, 5), round((y0 + y1) / 2, 5))


def _origin(box: Box, offset: tuple[float, float]) -> Pose:
    """The object's origin pose for a footprint box placed by the solver."""
    x, y = _turn(offset, box.rot_z)
    return Pose(box.x - x, box.y - y, box.z, box.rot_z)


def _cavity(category: str, height: float) -> float | None:
    if category not in CONTAINERS:
        return None
    return min(0.04, max(0.005, 0.05 * height))


# --- lighting --------------------------------------------------------------------------------

#: time of day: sun elevation°, azimuth° (direction to the sun, from +X anticlockwise),
#: sun colour, sun strength W/m², sky colour, sky strength.
TIMES = {
    "dawn": (8.0, -150.0, (1.0, 0.62, 0.38), 2.5, (0.32, 0.30, 0.42), 0.5),
    "morning": (28.0, -130.0, (1.0, 0.9, 0.78), 3.5, (0.40, 0.55, 0.85), 0.9),
    "noon": (62.0, -110.0, (1.0, 0.97, 0.92), 4.5, (0.38, 0.56, 0.95), 1.1),
    "afternoon": (40.0, -60.0, (1.0, 0.92, 0.80), 4.0, (0.40, 0.56, 0.90), 1.0),
    "dusk": (6.0, -30.0, (1.0, 0.50, 0.25), 2.0, (0.45, 0.28, 0.30), 0.4),
    "night": (35.0, -120.0, (0.55, 0.65, 1.0), 0.12, (0.01, 0.015, 0.04), 0.15),
}


def _lighting(plan: SetPlan) -> Lighting:
    tod = plan.time_of_day if plan.time_of_day in TIMES else "afternoon"
    elev, azim, sun_rgb, sun_w, sky_rgb, sky_w = TIMES[tod]
    a = plan.area
    lights: list[LightPlan] = []
    if plan.kind == "outdoor":
        e, z = math.radians(elev), math.radians(azim)
        d = (math.cos(e) * math.cos(z), math.cos(e) * math.sin(z), math.sin(e))
        lights.append(LightPlan("Sun", "SUN", (a.cx + 20 * d[0], a.cy + 20 * d[1], 20 * d[2]),
                                (a.cx, a.cy, 0.0), sun_w, sun_rgb, angle_deg=1.0))
    else:
        night = tod in ("night", "dusk")
        colour = (1.0, 0.82, 0.62) if night else (1.0, 0.96, 0.9)
        sky_w = min(sky_w, 0.3)
        if plan.recipe == "stage":
            lights.append(LightPlan("Key", "AREA", (a.cx - 2.5, a.cy - 4.0, 4.5),
                                    (a.cx, a.cy, 1.0), 1500.0, colour, size_m=2.0))
            lights.append(LightPlan("Fill", "AREA", (a.cx + 3.5, a.cy - 2.5, 3.5),
                                    (a.cx, a.cy, 1.0), 500.0, colour, size_m=3.0))
            lights.append(LightPlan("Rim", "AREA", (a.cx, a.cy + 3.5, 4.0),
                                    (a.cx, a.cy, 1.2), 700.0, colour, size_m=1.5))
        else:
            w, dpt = a.xmax - a.xmin, a.ymax - a.ymin
            nx, ny = max(1, round(w / 3.5)), max(1, round(dpt / 3.5))
            each = 12.0 * w * dpt / (nx * ny)
            z = plan.wall_height_m - 0.15
            for i in range(nx):
                for j in range(ny):
                    x = a.xmin + (i + 0.5) * w / nx
                    y = a.ymin + (j + 0.5) * dpt / ny
                    lights.append(LightPlan(f"Ceiling {i * ny + j + 1}", "AREA", (x, y, z),
                                            (x, y, 0.0), each, colour,
                                            size_m=min(1.5, w / nx * 0.5)))
    if tod in ("night", "dusk"):
        for d in plan.dressing:
            if d.category in ("street_lamp", "lamp"):
                b, h = d.box, d.dimensions_m[2]
                head = h - 0.35 if d.category == "street_lamp" else h * 0.7
                lights.append(LightPlan(f"Lamp {d.id}", "POINT",
                                        (b.x, b.y, d.pose.z + head), None,
                                        150.0 if d.category == "street_lamp" else 60.0,
                                        (1.0, 0.78, 0.5), size_m=0.1))
    return Lighting(tod, sky_rgb, sky_w, tuple(lights))


# --- public API --------------------------------------------------------------------------------

def plan_set(screenplay: Screenplay, prop_specs: Mapping[str, PropSpec], seed: int = 0
             ) -> SetPlan:
    """Plan the set of `screenplay`: recipe, walls, spots, story prop poses, dressing, nav
    map and lighting.  `prop_specs` maps story prop ids to their specs (`props.plan_prop`);
    a missing one is planned here.  Deterministic for a seed; problems are warnings in
    `SetPlan.warnings`, never exceptions."""
    return _Planner(screenplay, prop_specs, seed).plan()


def character_marks(plan: SetPlan, cast_ids: Iterable[str], seed: int = 0,
                    spacing_m: float = 0.8) -> dict[str, Pose]:
    """Where each character stands at the start: walkable floor near the action (beside the
    props the story puts them by), at least `spacing_m` apart, turned towards each other and
    the camera (−Y)."""
    ids = list(cast_ids)
    nav, a = plan.nav, plan.area
    walk = nav.walkable(a.cx, a.cy)
    xs, ys = nav.centres()
    ok = walk & ~nav.blocked
    rng = np.random.default_rng(derive_seed(seed, "marks", *ids))
    by_prop = {cid: pid for pid, cid in plan.near_cast.items()}
    n = len(ids)
    step = 1.2 if plan.kind == "indoor" else 1.5
    marks: dict[str, tuple[float, float]] = {}
    for i, cid in enumerate(ids):
        want = (a.cx + (i - (n - 1) / 2) * step + float(rng.normal(0, 0.08)),
                a.cy - 0.3 + float(rng.normal(0, 0.08)))
        pid = by_prop.get(cid)
        if pid in plan.prop_boxes:
            b = plan.prop_boxes[pid]
            dx, dy = a.cx - b.x, a.cy - b.y - 0.5
            norm = math.hypot(dx, dy) or 1.0
            reach = b.radius + nav.body_radius_m + 0.2
            want = (b.x + dx / norm * reach, b.y + dy / norm * reach)
        mask = ok.copy()
        for mx, my in marks.values():
            mask &= (xs - mx) ** 2 + (ys - my) ** 2 >= spacing_m ** 2
        p = nav.nearest(want[0], want[1], mask)
        if p is None:
            p = nav.nearest(want[0], want[1], ok) or want
            log.info("marks: no room for %s %.1f m from the others", cid, spacing_m)
        marks[cid] = p
    if not marks:
        return {}
    gx = sum(p[0] for p in marks.values()) / len(marks)
    gy = sum(p[1] for p in marks.values()) / len(marks)
    out = {}
    for cid, (x, y) in marks.items():
        dx, dy = gx - x, gy - y
        norm = math.hypot(dx, dy)
        fx, fy = (dx / norm, dy / norm) if norm > 0.2 else (0.0, 0.0)
        fx, fy = 0.5 * fx, 0.5 * fy - 0.5            # halfway to the camera
        if len(marks) == 1:
            fx, fy = 0.0, -1.0
        out[cid] = Pose(x, y, 0.0, facing_towards(fx, fy))
    return out
