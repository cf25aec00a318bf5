"""Where things stand: poses, bounding boxes and a solver for "on the table", "next to the door".

Plain data on numpy, no Blender.  Conventions (Blender's): metres, Z up, a thing's origin at the
centre of its footprint at its base, its front facing −Y at `rot_z = 0`; `rot_z` in radians,
counter-clockwise seen from above.

- `Box` is a bounding volume: a footprint rectangle turned about Z, from a base height up.  It
  may carry a usable top (`support_top_m`: where other things rest) and an inner floor
  (`cavity_m`: where things put *in* it rest).
- `solve()` takes the floor (`Area`), what is already there (`fixed` boxes: walls, set pieces,
  earlier passes), named spots (`Anchor`) and the things to place (`Item`: sizes and a
  relation to a target), and returns a `Layout`: a box per placed item, what each rests on,
  what is held by whom, and warnings.  A relation it cannot honour (missing target, a cycle,
  no room) is a warning and the item is placed freely: never an exception.
- `check_layout()` verifies a layout: no interpenetration, resting things on their support
  and inside its footprint, floor things inside the floor.  Tests and later stages use it.
"""
from __future__ import annotations

import dataclasses
import logging
import math
import zlib
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np

log = logging.getLogger(__name__)

#: Relations a Screenplay `Placement` may name (kept in step with screenplay.RELATIONS).
RELATIONS = ("on", "under", "next_to", "in", "in_front_of", "behind", "held_by", "at", "near")
#: How one thing rests on another; `Layout.supports` maps an id to (how, support id).
RESTS = ("on", "in", "under")
#: Zones a freely placed item may go to.
ZONES = ("centre", "wall", "corner", "edge", "scatter")
#: How a freely placed item turns ("target": towards what it is placed beside).
FACINGS = ("centre", "camera", "wall", "random", "along", "target")

_EPS = 1e-6


def forward(rot_z: float) -> tuple[float, float]:
    """The direction a thing's front faces (−Y turned by `rot_z`)."""
    return math.sin(rot_z), -math.cos(rot_z)


def facing_towards(dx: float, dy: float) -> float:
    """`rot_z` that turns a thing's front towards the direction (dx, dy)."""
    return math.atan2(dx, -dy)


def derive_seed(seed: int, *keys) -> int:
    """A stable seed for one random choice, from the run's seed and what it is for; below
    2**31, so it fits a Blender integer property."""
    return zlib.crc32(":".join(str(k) for k in (seed, *keys)).encode("utf-8")) & 0x7FFFFFFF


def wrap_angle(a: float) -> float:
    """The same turn in (−π, π]."""
    a = math.remainder(a, 2 * math.pi)
    return math.pi if a == -math.pi else a


@dataclass(frozen=True)
class Pose:
    """Where a thing's origin is and how it is turned about Z (radians, kept in (−π, π])."""
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0
    rot_z: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "rot_z", wrap_angle(float(self.rot_z)))

    def to_dict(self) -> dict:
        return {"x": round(self.x, 5), "y": round(self.y, 5), "z": round(self.z, 5),
                "rot_z": round(self.rot_z, 5)}

    @classmethod
    def from_dict(cls, d: Mapping) -> "Pose":
        return cls(float(d["x"]), float(d["y"]), float(d.get("z", 0.0)),
                   float(d.get("rot_z", 0.0)))


@dataclass(frozen=True)
class Box:
    """A bounding volume: footprint centre (x, y), base height z, size along its own axes
    (width x, depth y, height z), turned by rot_z.  `support_top_m` (above the base) is the
    surface other things rest on, `cavity_m` the inner floor of a container; None when it has
    none."""
    x: float
    y: float
    z: float
    width: float
    depth: float
    height: float
    rot_z: float = 0.0
    support_top_m: float | None = None
    cavity_m: float | None = None

    @classmethod
    def at(cls, pose: Pose, width: float, depth: float, height: float, **kw) -> "Box":
        return cls(pose.x, pose.y, pose.z, width, depth, height, pose.rot_z, **kw)

    @property
    def pose(self) -> Pose:
        return Pose(self.x, self.y, self.z, self.rot_z)

    @property
    def top(self) -> float:
        return self.z + self.height

    @property
    def support_z(self) -> float | None:
        return None if self.support_top_m is None else self.z + self.support_top_m

    @property
    def radius(self) -> float:
        """Half the footprint's diagonal: a circle around the centre that holds the footprint."""
        return 0.5 * math.hypot(self.width, self.depth)

    def axes(self) -> np.ndarray:
        """The footprint's local x and y axes in the world, as rows."""
        c, s = math.cos(self.rot_z), math.sin(self.rot_z)
        return np.array([[c, s], [-s, c]])

    def corners(self) -> np.ndarray:
        """The footprint's four corners (4×2), counter-clockwise."""
        hw, hd = self.width / 2, self.depth / 2
        local = np.array([[-hw, -hd], [hw, -hd], [hw, hd], [-hw, hd]])
        return local @ self.axes() + (self.x, self.y)

    def to_local(self, px, py) -> tuple[np.ndarray, np.ndarray]:
        """World points into the footprint's frame (arrays or scalars)."""
        dx, dy = np.asarray(px) - self.x, np.asarray(py) - self.y
        c, s = math.cos(self.rot_z), math.sin(self.rot_z)
        return dx * c + dy * s, -dx * s + dy * c

    def to_world(self, lx: float, ly: float) -> tuple[float, float]:
        c, s = math.cos(self.rot_z), math.sin(self.rot_z)
        return self.x + lx * c - ly * s, self.y + lx * s + ly * c

    def distance_xy(self, px, py):
        """Distance from world points to the footprint (0 inside)."""
        lx, ly = self.to_local(px, py)
        dx = np.maximum(np.abs(lx) - self.width / 2, 0.0)
        dy = np.maximum(np.abs(ly) - self.depth / 2, 0.0)
        return np.hypot(dx, dy)

    def within(self, other: "Box", tol: float = 1e-4, inset: float = 0.0) -> bool:
        """Whether this footprint lies inside `other`'s (shrunk by `inset` on every side)."""
        cs = self.corners()
        lx, ly = other.to_local(cs[:, 0], cs[:, 1])
        return bool(np.all(np.abs(lx) <= other.width / 2 - inset + tol)
                    and np.all(np.abs(ly) <= other.depth / 2 - inset + tol))

    def aabb(self) -> tuple[float, float, float, float]:
        cs = self.corners()
        return (float(cs[:, 0].min()), float(cs[:, 1].min()),
                float(cs[:, 0].max()), float(cs[:, 1].max()))

    def to_dict(self) -> dict:
        return {k: (None if v is None else round(float(v), 5))
                for k, v in dataclasses.asdict(self).items()}

    @classmethod
    def from_dict(cls, d: Mapping) -> "Box":
        return cls(**{f.name: d.get(f.name, f.default) for f in dataclasses.fields(cls)})


def footprint_penetration(a: Box, b: Box) -> float:
    """How deep two footprints interpenetrate (separating-axis test): positive when they
    overlap, otherwise minus the gap along the best separating axis."""
    ca, cb = a.corners(), b.corners()
    best = math.inf
    for axis in np.vstack([a.axes(), b.axes()]):
        pa, pb = ca @ axis, cb @ axis
        best = min(best, min(pa.max(), pb.max()) - max(pa.min(), pb.min()))
    return float(best)


def overlaps(a: Box, b: Box, *, clearance: float = 0.0, tol: float = 1e-4) -> bool:
    """Whether two bounding volumes interpenetrate (or come closer than `clearance` in plan)
    by more than `tol`; touching faces (a glass standing on a table) do not count."""
    if math.hypot(a.x - b.x, a.y - b.y) > a.radius + b.radius + clearance:
        return False
    if min(a.top, b.top) - max(a.z, b.z) <= tol:
        return False
    return footprint_penetration(a, b) > tol - clearance


@dataclass(frozen=True)
class Area:
    """The floor things may stand on, and the part of it kept for the action.

    Free placement keeps a circle of `clear_m` around the action centre empty and puts story
    props within `action_m` of it; `edge_m` bounds the "edge" zone (outdoors).  `walls` names
    the sides closed by walls ("back" +Y, "front" −Y, "left" −X, "right" +X).  The camera is
    taken to look from −Y, so tall free things keep out of the front wedge.
    """
    xmin: float
    ymin: float
    xmax: float
    ymax: float
    cx: float = 0.0
    cy: float = 0.0
    clear_m: float = 1.0
    action_m: float = 3.0
    edge_m: float | None = None
    walls: tuple[str, ...] = ()

    @property
    def indoor(self) -> bool:
        return bool(self.walls)

    def contains(self, box: Box, tol: float = 1e-4) -> bool:
        cs = box.corners()
        return bool(np.all(cs[:, 0] >= self.xmin - tol) and np.all(cs[:, 0] <= self.xmax + tol)
                    and np.all(cs[:, 1] >= self.ymin - tol)
                    and np.all(cs[:, 1] <= self.ymax + tol))

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["walls"] = list(self.walls)
        return d


@dataclass(frozen=True)
class Anchor:
    """A named spot as placement sees it: where a person stands (x, y, facing `rot_z`) and the
    feature the spot is at (ax, ay: the door in the wall, the corner itself).  Floor things
    keep `clear_m` away from the standing point unless they are placed at the spot."""
    x: float
    y: float
    rot_z: float = 0.0
    ax: float | None = None
    ay: float | None = None
    clear_m: float = 0.4
    support: str | None = None      # id of a fixed box "on the spot" means (a counter's top)

    @property
    def feature(self) -> tuple[float, float]:
        return (self.x if self.ax is None else self.ax, self.y if self.ay is None else self.ay)

    @property
    def front(self) -> tuple[float, float]:
        """Unit vector from the feature out towards the standing point (or the facing)."""
        fx, fy = self.feature
        dx, dy = self.x - fx, self.y - fy
        n = math.hypot(dx, dy)
        if n < 1e-6:
            return forward(self.rot_z)
        return dx / n, dy / n


@dataclass(frozen=True)
class Item:
    """Something to place: its size, what it offers others (a top, a cavity), where the story
    puts it (`relation` to `target`), and where it goes when free (`zone`, `facing`).
    `z_m` lifts a free wall item off the floor (a window's sill)."""
    id: str
    width: float
    depth: float
    height: float
    support_top_m: float | None = None
    cavity_m: float | None = None
    relation: str | None = None
    target: str | None = None
    zone: str = "centre"
    facing: str = "centre"
    z_m: float = 0.0
    prefer: tuple[tuple[float, float, float], ...] = ()   # (x, y, rot_z) tried first when free
    optional: bool = False          # set dressing: dropped (`Layout.dropped`) rather than forced


@dataclass
class Layout:
    """What `solve()` decided: a box per placed item; what each rests on
    (id → (how, support id), how in RESTS); props held by cast members (id → holder); props
    whose relation names a cast member (id → cast id: the character should stand by them);
    warnings in words."""
    boxes: dict[str, Box] = field(default_factory=dict)
    supports: dict[str, tuple[str, str]] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)
    near_cast: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def poses(self) -> dict[str, Pose]:
        return {k: b.pose for k, b in self.boxes.items()}


# --- checks ------------------------------------------------------------------------------

def support_chain(ident: str, supports: Mapping[str, tuple[str, str]]) -> list[str]:
    """The ids `ident` rests on, nearest first (a glass on a plate on a table: plate, table)."""
    chain, seen = [], {ident}
    while ident in supports:
        ident = supports[ident][1]
        if ident in seen:
            break
        seen.add(ident)
        chain.append(ident)
    return chain


def _exempt_pair(a: str, b: str, supports: Mapping[str, tuple[str, str]]) -> bool:
    """Things that rest on, in or under each other share a bounding volume by design."""
    return b in support_chain(a, supports) or a in support_chain(b, supports)


def check_layout(boxes: Mapping[str, Box], supports: Mapping[str, tuple[str, str]] = {}, *,
                 area: Area | None = None, tol: float = 2e-3,
                 ignore_pairs: Iterable[tuple[str, str]] = ()) -> list[str]:
    """Problems with a layout, in words; empty when it is sound.

    - no two bounding volumes interpenetrate by more than `tol`, except along a support chain
      (a glass on a table, a box under it, a ball in a bucket);
    - a thing "on" another stands at its support's top, inside its footprint; "in" lies inside
      the footprint above the base; "under" stands inside the footprint below the top;
    - with `area`, every floor thing lies inside the floor.
    """
    problems: list[str] = []
    ids = sorted(boxes)
    skip = {frozenset(p) for p in ignore_pairs}
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            if frozenset((a, b)) in skip or _exempt_pair(a, b, supports):
                continue
            if overlaps(boxes[a], boxes[b], tol=tol):
                problems.append(f"{a} and {b} interpenetrate "
                                f"({footprint_penetration(boxes[a], boxes[b]):.3f} m in plan)")
    for ident, (how, sup) in sorted(supports.items()):
        if ident not in boxes:
            continue
        if sup not in boxes:
            problems.append(f"{ident} rests {how} {sup}, which is not in the layout")
            continue
        box, base = boxes[ident], boxes[sup]
        if not box.within(base, tol=tol):
            problems.append(f"{ident} is {how} {sup} but its footprint reaches outside "
                            f"{sup}'s")
        if how == "on":
            top = base.support_z if base.support_z is not None else base.top
            if abs(box.z - top) > tol:
                problems.append(f"{ident} is on {sup} at z={box.z:.3f} m, but the top is at "
                                f"{top:.3f} m")
        elif how == "in" and not base.z - tol <= box.z <= base.top + tol:
            problems.append(f"{ident} is in {sup} at z={box.z:.3f} m, outside "
                            f"{base.z:.3f}–{base.top:.3f} m")
        elif how == "under":
            under = base.support_z if base.support_z is not None else base.top
            if box.top > under + tol:
                problems.append(f"{ident} is under {sup} but reaches {box.top:.3f} m, above "
                                f"its top at {under:.3f} m")
    if area is not None:
        for ident in ids:
            if ident not in supports and not area.contains(boxes[ident], tol):
                problems.append(f"{ident} reaches outside the floor")
    return problems


# --- the solver ----------------------------------------------------------------------------

class _Solver:
    def __init__(self, area: Area, fixed: Mapping[str, Box],
                 fixed_supports: Mapping[str, tuple[str, str]], anchors: Mapping[str, Anchor],
                 keep_clear: Mapping[str, Box], cast_ids: set[str], seed: int, gap_m: float):
        self.area, self.anchors, self.keep_clear = area, anchors, keep_clear
        self.cast_ids, self.seed, self.gap = cast_ids, seed, gap_m
        self.placed: dict[str, Box] = dict(fixed)
        self.fixed_ids = set(fixed)
        self.supports: dict[str, tuple[str, str]] = dict(fixed_supports)
        self.layout = Layout()

    # -- feasibility --------------------------------------------------------------------
    def fits(self, item: Item, box: Box, *, rest: tuple[str, str] | None = None,
             spot: str | None = None, free: bool = False, outside: bool = False) -> bool:
        """Whether `box` is a legal place for `item`: on its support or inside the floor,
        clear of the action centre when free, of other spots' standing room, and of
        everything placed except what it rests on."""
        area = self.area
        if rest is None:
            if not outside and not area.contains(box):
                return False
        else:
            how, sup = rest
            base = self.placed[sup]
            inset = 0.1 * min(base.width, base.depth) / 2 if how == "in" else 0.0
            if not box.within(base, inset=inset):
                return False
        if free and box.distance_xy(area.cx, area.cy) < area.clear_m:
            return False
        for sid, zone in self.keep_clear.items():
            if sid != spot and box.z < 1.8 and footprint_penetration(box, zone) > 1e-4:
                return False
        exempt = set(support_chain(rest[1], self.supports)) | {rest[1]} if rest else set()
        on_floor = rest is None
        for oid, other in self.placed.items():
            if oid in exempt:
                continue
            clearance = (self.gap if on_floor and other.z < 0.05 and oid not in self.fixed_ids
                         else 0.005)
            if overlaps(box, other, clearance=clearance):
                return False
        return True

    def first_fit(self, item: Item, poses: Iterable[tuple[float, float, float, float]],
                  **kw) -> Box | None:
        for x, y, z, rot in poses:
            box = _item_box(item, Pose(x, y, z, rot))
            if self.fits(item, box, **kw):
                return box
        return None

    def commit(self, item: Item, box: Box, rest: tuple[str, str] | None = None):
        self.placed[item.id] = box
        self.layout.boxes[item.id] = box
        if rest:
            self.supports[item.id] = rest
            self.layout.supports[item.id] = rest

    def rng(self, item: Item, purpose: str = "") -> np.random.Generator:
        return np.random.default_rng(derive_seed(self.seed, item.id, purpose))

    # -- relations ------------------------------------------------------------------------
    def place(self, item: Item) -> None:
        rel, target = item.relation, item.target
        if rel is None or target is None:
            self.place_free(item)
            return
        if item.optional and (target not in self.placed and target not in self.anchors):
            self.layout.dropped.append(item.id)
            return
        if target in self.cast_ids:
            if rel in ("held_by", "on", "in"):
                self.layout.held[item.id] = target
            else:       # next to a person: stands freely, the person comes to it
                self.layout.near_cast[item.id] = target
                self.place_free(item)
            return
        if rel == "held_by":
            self.warn(item, f"is held by {target!r}, which is not a cast member")
            self.place_free(item)
            return
        if target in self.anchors:
            box, rest = self.place_at_spot(item, rel, target)
        elif target in self.placed:
            box, rest = self.place_by_thing(item, rel, target)
        else:
            self.warn(item, f"is {rel.replace('_', ' ')} {target!r}, which is not in the set")
            self.place_free(item)
            return
        if box is None and item.optional:
            self.layout.dropped.append(item.id)
        elif box is None:
            self.warn(item, f"finds no room {rel.replace('_', ' ')} {target!r}")
            self.place_free(item)
        else:
            self.commit(item, box, rest)

    def place_by_thing(self, item: Item, rel: str, target: str):
        t = self.placed[target]
        rng = self.rng(item, rel)
        if rel == "in":
            if t.cavity_m is not None and item.width <= 0.9 * t.width and \
                    item.depth <= 0.9 * t.depth and item.height > 0:
                rest = ("in", target)
                box = self.first_fit(item, _on_top(item, t, t.z + t.cavity_m, rng), rest=rest)
                if box is not None:
                    return box, rest
            if t.support_top_m is not None:
                rel = "on"
            elif item.optional:
                return None, None
            else:
                self.warn(item, f"does not fit in {target!r}; placed next to it")
                rel = "next_to"
        if rel == "on":
            top = t.support_z if t.support_z is not None else t.top
            rest = ("on", target)
            box = self.first_fit(item, _on_top(item, t, top, rng), rest=rest)
            if box is not None:
                return box, rest
            if item.optional:
                return None, None
            self.warn(item, f"does not fit on {target!r}; placed next to it")
            rel = "next_to"
        if rel == "under":
            under = t.support_z if t.support_z is not None else None
            if under is not None and item.height <= under - t.z - 0.06:
                rest = ("under", target)
                box = self.first_fit(item, _on_top(item, t, t.z, rng), rest=rest)
                if box is not None:
                    return box, rest
            if item.optional:
                return None, None
            self.warn(item, f"does not fit under {target!r}; placed next to it")
            rel = "next_to"
        # beside it, on the same level (next to a bottle on the table is on the table too)
        rest = self.supports.get(target)
        if rest is not None and rest[0] == "under":
            rest = None
        level = t.z if rest is not None else 0.0
        rest = ("on", rest[1]) if rest is not None else None
        gaps = {"next_to": (0.05, 0.15, 0.3, 0.5), "near": (0.3, 0.6, 1.0, 1.5),
                "at": (0.05, 0.15, 0.3, 0.5), "in_front_of": (0.1, 0.3, 0.5, 0.8),
                "behind": (0.1, 0.3, 0.5, 0.8)}.get(rel, (0.05, 0.2, 0.5))
        sides = {"in_front_of": ("front",), "behind": ("back",)}.get(
            rel, ("right", "left", "front", "back"))
        if rel in ("near", "next_to", "at"):
            order = list(sides)
            rng.shuffle(order)
            sides = tuple(order)
        poses = _beside(item, t, level, sides, gaps, rng, rel)
        box = self.first_fit(item, poses, rest=rest)
        if box is None and rel in ("in_front_of", "behind"):
            box = self.first_fit(item, _beside(item, t, level, ("right", "left", "front",
                                                                "back"), gaps, rng, rel),
                                 rest=rest)
        return box, rest

    def place_at_spot(self, item: Item, rel: str, target: str):
        a = self.anchors[target]
        rng = self.rng(item, rel)
        if rel in ("on", "under", "in") and a.support and a.support in self.placed:
            return self.place_by_thing(item, rel, a.support)
        fx, fy = a.feature
        ux, uy = a.front                     # out of the wall, towards the room
        tx, ty = -uy, ux                     # along the wall
        spin = facing_towards(ux, uy)        # front turned away from the feature
        if self.area.indoor:                 # square to the walls
            spin = round(spin / (math.pi / 2)) * (math.pi / 2)
        if rel in ("at", "in", "on", "under"):
            # as close to the feature as fits: snug into a corner, against the wall by a door
            cands = []
            for r in np.arange(0.0, 3.0, 0.05):
                for ang in np.linspace(-math.pi, math.pi, 24, endpoint=False):
                    cands.append((r, fx + r * math.cos(ang), fy + r * math.sin(ang)))
            cands.sort(key=lambda c: c[0])
            poses = ((x, y, 0.0, spin) for _, x, y in cands)
            return self.first_fit(item, poses, spot=target), None
        if rel in ("in_front_of", "behind"):
            sign = 1.0 if rel == "in_front_of" else -1.0
            base_d = (math.hypot(a.x - fx, a.y - fy) if sign > 0 else 0.0)
            poses = []
            for d in (0.3, 0.5, 0.8, 1.2, 1.6):
                for s in (0.0, 0.3, -0.3, 0.6, -0.6):
                    dd = base_d + d + item.depth / 2
                    poses.append((fx + sign * ux * dd + tx * s, fy + sign * uy * dd + ty * s,
                                  0.0, spin))
            box = self.first_fit(item, poses)
            if box is not None:
                return box, None
            rel = "next_to"
        # next_to / near: beside the spot along the wall, then around it
        reach = (0.55, 0.8, 1.1, 1.5) if rel == "next_to" else (0.8, 1.2, 1.6, 2.2)
        poses = []
        sides = [1.0, -1.0]
        rng.shuffle(sides)
        for s in reach:
            half = max(item.width, item.depth) / 2
            for n in (0.0, 0.2, 0.4, 0.7):
                for side in sides:
                    off = s + half
                    out = n + item.depth / 2 + 0.02
                    poses.append((fx + tx * side * off + ux * out,
                                  fy + ty * side * off + uy * out, 0.0, spin))
        ring = []
        for r in (*reach, reach[-1] + 0.5, reach[-1] + 1.0):
            offset = float(rng.uniform(0, 2 * math.pi))
            for k in range(24):
                ang = offset + 2 * math.pi * k / 24
                ring.append((a.x + r * math.cos(ang), a.y + r * math.sin(ang), 0.0, spin))
        box = self.first_fit(item, poses + ring)
        return box, None

    # -- free placement ------------------------------------------------------------------
    def place_free(self, item: Item) -> None:
        rng = self.rng(item, "free")
        box = self.first_fit(item, ((x, y, item.z_m, r) for x, y, r in item.prefer), free=True)
        if box is None:
            box = self.first_fit(item, _free_poses(item, self.area, rng), free=True)
        if box is None and item.optional:
            self.layout.dropped.append(item.id)
            return
        if box is None:     # crowded: anywhere on the floor that fits
            box = self.first_fit(item, _anywhere(item, self.area, rng))
        if box is None:     # no room on the floor: off it, beyond the walls, touching nothing
            a, grow = self.area, max(item.width, item.depth) + 1.0
            wide = dataclasses.replace(a, xmin=a.xmin - grow, ymin=a.ymin - grow,
                                       xmax=a.xmax + grow, ymax=a.ymax + grow)
            box = self.first_fit(item, _anywhere(item, wide, rng), outside=True)
            self.warn(item, "finds no free floor; it stands off the set")
        if box is None:
            a = self.area
            box = _item_box(item, Pose(a.xmax + item.width, a.ymax + item.depth, item.z_m, 0.0))
        self.commit(item, box)

    def warn(self, item: Item, text: str):
        msg = f"{item.id}: {text}"
        log.info("placement: %s", msg)
        self.layout.warnings.append(msg)


def _item_box(item: Item, pose: Pose) -> Box:
    return Box.at(pose, item.width, item.depth, item.height,
                  support_top_m=item.support_top_m, cavity_m=item.cavity_m)


def _on_top(item: Item, t: Box, z: float, rng: np.random.Generator):
    """Poses on (or in, or under) `t` at height z: near the middle first, then a spread,
    turned like `t` or a quarter turn when that fits better."""
    for quarter in (0.0, math.pi / 2):
        w, d = (item.width, item.depth) if quarter == 0 else (item.depth, item.width)
        sx, sy = (t.width - w) / 2, (t.depth - d) / 2
        if sx < -1e-6 or sy < -1e-6:
            continue
        sx, sy = max(sx, 0.0), max(sy, 0.0)
        pts = [(0.0, 0.0)] if rng.random() < 0.5 else []
        pts += [(rng.uniform(-0.5, 0.5) * sx, rng.uniform(-0.5, 0.5) * sy) for _ in range(12)]
        grid = [(gx * sx, gy * sy) for gx in np.linspace(-1, 1, 7) for gy in np.linspace(-1, 1, 5)]
        pts += sorted(grid, key=lambda p: p[0] ** 2 + p[1] ** 2)
        for lx, ly in pts:
            x, y = t.to_world(lx, ly)
            yield x, y, z, t.rot_z + quarter


def _beside(item: Item, t: Box, z: float, sides: Sequence[str], gaps: Sequence[float],
            rng: np.random.Generator, rel: str):
    """Poses beside `t` on its sides (its own frame: front is −Y), nearest gap first,
    sliding along the side; turned like `t` (facing it when in front)."""
    slide = (0.0, 0.25, -0.25, 0.5, -0.5, 0.8, -0.8)
    for gap in gaps:
        for side in sides:
            for s in slide:
                if side in ("right", "left"):
                    sign = 1.0 if side == "right" else -1.0
                    lx = sign * (t.width / 2 + gap + item.width / 2)
                    ly = s * max(t.depth / 2, 0.2)
                    rot = t.rot_z
                else:
                    sign = -1.0 if side == "front" else 1.0
                    lx = s * max(t.width / 2, 0.2)
                    ly = sign * (t.depth / 2 + gap + item.depth / 2)
                    rot = t.rot_z + (math.pi if side == "front" and rel == "in_front_of"
                                     else 0.0)
                x, y = t.to_world(lx, ly)
                if item.facing == "target":
                    rot = facing_towards(t.x - x, t.y - y)
                yield x, y, z, rot


def _facing(item: Item, area: Area, x: float, y: float, rng: np.random.Generator) -> float:
    rot = _facing_raw(item, area, x, y, rng)
    if area.indoor and item.facing != "random":      # square to the walls indoors
        rot = round(rot / (math.pi / 2)) * (math.pi / 2)
    return rot


def _facing_raw(item: Item, area: Area, x: float, y: float, rng: np.random.Generator) -> float:
    jitter = float(rng.normal(0.0, 0.15))
    if item.facing == "camera":
        return jitter * 0.5
    if item.facing == "random":
        return float(rng.uniform(-math.pi, math.pi))
    towards = facing_towards(area.cx - x, area.cy - y)
    if item.facing == "along":
        return towards + math.pi / 2 + jitter * 0.3
    if abs(x - area.cx) < 1e-6 and abs(y - area.cy) < 1e-6:
        return jitter
    return towards + jitter


def _wall_poses(item: Item, area: Area, rng: np.random.Generator, corner: bool = False):
    """Backs against the walls (never the front one, which the camera looks through), facing
    into the room; in a corner when asked."""
    sides = [s for s in ("back", "left", "right") if s in area.walls] or ["back"]
    out = []
    for _ in range(60 if not corner else 8):
        side = sides[int(rng.integers(len(sides)))]
        out.append((side, float(rng.uniform(0.0, 1.0))))
    if corner:
        out = [(s, e) for s in sides for e in (0.0, 1.0)]
        order = rng.permutation(len(out))
        out = [out[i] for i in order]
    for side, u in out:
        if side == "back":
            rot = 0.0
            half_along, half_out = item.width / 2, item.depth / 2
            lo, hi = area.xmin + half_along, area.xmax - half_along
            if area.edge_m is not None:     # a long facade: stay by the action
                lo, hi = max(lo, area.cx - area.edge_m), min(hi, area.cx + area.edge_m)
            x, y = lo + u * (hi - lo), area.ymax - half_out - 0.02
        elif side == "left":
            rot = math.pi / 2
            half_along, half_out = item.width / 2, item.depth / 2
            lo, hi = area.ymin + half_along, area.ymax - half_along
            x, y = area.xmin + half_out + 0.02, lo + u * (hi - lo)
        else:
            rot = -math.pi / 2
            half_along, half_out = item.width / 2, item.depth / 2
            lo, hi = area.ymin + half_along, area.ymax - half_along
            x, y = area.xmax - half_out - 0.02, lo + u * (hi - lo)
        yield x, y, item.z_m, rot


def _ring_angle(rng: np.random.Generator, avoid_front: bool) -> float:
    """An angle around the action centre; tall things keep out of the camera's wedge (−Y)."""
    if not avoid_front:
        return float(rng.uniform(-math.pi, math.pi))
    # −90° ± 50° is the front wedge: sample the remaining 260°
    ang = float(rng.uniform(-math.pi / 2 + math.radians(50), 3 * math.pi / 2 - math.radians(50)))
    return ang


def _free_poses(item: Item, area: Area, rng: np.random.Generator):
    if item.zone in ("wall", "corner") and area.indoor:
        yield from _wall_poses(item, area, rng, corner=item.zone == "corner")
        if item.zone == "corner":
            yield from _wall_poses(item, area, rng)
        return
    half = max(item.width, item.depth) / 2
    extent = max(area.xmax - area.cx, area.cx - area.xmin, area.ymax - area.cy,
                 area.cy - area.ymin)
    if item.zone == "centre":
        lo, hi = area.clear_m + half, max(area.action_m, area.clear_m + half + 0.5)
    elif item.zone == "edge" or (item.zone in ("wall", "corner") and not area.indoor):
        lo = area.action_m + half
        hi = max(area.edge_m or extent, lo + 0.5)
    else:                                   # scatter
        lo, hi = area.clear_m + half, max(area.edge_m or extent, area.clear_m + half + 0.5)
    avoid_front = item.height > 0.6 and item.zone != "scatter" or item.height > 1.2
    for ring in range(6):                  # widen when crowded
        r_hi = hi + ring * 0.75
        cands = []
        for _ in range(60):
            r = float(np.sqrt(rng.uniform(lo ** 2, r_hi ** 2)))
            ang = _ring_angle(rng, avoid_front)
            x, y = area.cx + r * math.cos(ang), area.cy + r * math.sin(ang)
            cands.append((r, x, y))
        if item.zone == "centre":         # nearer the action first, behind it rather than before
            cands.sort(key=lambda c: c[0] + (0.6 if c[2] < area.cy - 0.5 else 0.0))
        for _, x, y in cands:
            yield x, y, item.z_m, _facing(item, area, x, y, rng)


def _anywhere(item: Item, area: Area, rng: np.random.Generator):
    x0, x1 = area.xmin + item.width / 2, area.xmax - item.width / 2
    y0, y1 = area.ymin + item.depth / 2, area.ymax - item.depth / 2
    if x1 < x0 or y1 < y0:          # too long one way: try it turned, then its middle
        x0, x1 = y0, y1 = (0.0, -1.0)
        if (area.xmax - area.xmin < item.depth or area.ymax - area.ymin < item.width):
            yield (area.xmin + area.xmax) / 2, (area.ymin + area.ymax) / 2, item.z_m, 0.0
            return
    for k in range(400):
        rot = 0.0 if k % 2 == 0 else math.pi / 2
        if rot and (area.xmax - area.xmin < item.depth or area.ymax - area.ymin < item.width):
            continue
        if rot:       # turned a quarter: its depth lies along x
            yield (float(rng.uniform(area.xmin + item.depth / 2, area.xmax - item.depth / 2)),
                   float(rng.uniform(area.ymin + item.width / 2, area.ymax - item.width / 2)),
                   item.z_m, rot)
        elif x1 >= x0 and y1 >= y0:
            yield float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1)), item.z_m, 0.0


def placement_order(items: Sequence[Item], known: Iterable[str] = ()) -> tuple[list[Item],
                                                                             list[str]]:
    """Items ordered so that each comes after the item it is placed relative to, and
    warnings for relations that form a cycle (those items lose their relation).  `known` are
    ids already placed (fixed boxes, spots, cast)."""
    by_id = {it.id: it for it in items}
    known = set(known)
    warnings: list[str] = []
    deps = {it.id: (it.target if it.target in by_id and it.relation and it.target != it.id
                    and it.target not in known else None) for it in items}
    order: list[Item] = []
    state: dict[str, int] = {}           # 1 visiting, 2 done
    broken: set[str] = set()

    def visit(ident: str, path: list[str]):
        if state.get(ident) == 2:
            return
        if state.get(ident) == 1:
            cycle = path[path.index(ident):] + [ident]
            cut = path[-1]                   # the one that pointed back: it loses its relation
            warnings.append(f"{cut}: placements form a cycle ({' → '.join(cycle)}); "
                            f"placed freely")
            broken.add(cut)
            return
        state[ident] = 1
        dep = deps[ident]
        if dep is not None:
            visit(dep, path + [ident])
        state[ident] = 2
        order.append(by_id[ident])

    for it in items:
        visit(it.id, [])
    order = [dataclasses.replace(it, relation=None, target=None) if it.id in broken else it
             for it in order]
    return order, warnings


def solve(area: Area, items: Sequence[Item], *, fixed: Mapping[str, Box] = {},
          fixed_supports: Mapping[str, tuple[str, str]] = {},
          anchors: Mapping[str, Anchor] = {}, keep_clear: Mapping[str, Box] = {},
          cast_ids: Iterable[str] = (), seed: int = 0, gap_m: float = 0.05) -> Layout:
    """Place `items` on `area` around the `fixed` boxes; deterministic for a seed.

    Relations (`Item.relation` to `Item.target`, a placed or fixed id, an anchor or a cast
    id): "on" rests on the target's top inside its footprint; "in" rests inside a container
    (one with `cavity_m`), else on it; "under" stands below a top that is high enough;
    "next_to", "near", "in_front_of", "behind" and "at" stand beside it on the same level;
    at a spot, "at"/"in" is as close to the spot's feature as fits (snug in the corner);
    "held_by" a cast member leaves the item unplaced, in `Layout.held`.  Items are placed
    after their targets; a cycle, a missing target or no room is a warning and the item is
    placed freely by its `zone`.  Floor items keep `gap_m` from each other and stay out of
    the `keep_clear` zones (a spot's standing room, keyed by spot id) except the spot they
    are placed at.  An `optional` item (set dressing) that finds no place as asked is dropped
    and listed in `Layout.dropped` instead.
    """
    cast = set(cast_ids)
    solver = _Solver(area, fixed, fixed_supports, anchors, keep_clear, cast, seed, gap_m)
    ordered, warnings = placement_order(items, known=set(fixed) | set(anchors) | cast)
    solver.layout.warnings.extend(warnings)
    for item in ordered:
        if item.id in solver.placed:
            solver.warn(item, "is placed twice; the second one is ignored")
            continue
        solver.place(item)
    return solver.layout
