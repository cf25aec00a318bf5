"""Paths on the set's navigation map, and the space-time bookkeeping that keeps actors apart.

The cast stage leaves a `NavGrid` (addon/cast/sets.py): cells where a person's centre may be,
obstacles already inflated by a body radius.  Here:

- `Floor` wraps it for one staging run: the grid with some props "opened" (the prop an actor
  walks up to, props that have moved away), a comfort grid that keeps paths off obstacles so
  their corners can be rounded, and the reachable region of a point;
- `find_path` runs A* (8-connected, no corner cutting) on a grid, pulls the string (line of
  sight shortcuts) and rounds every corner with a curve that is checked to stay on free cells;
- `GAITS` and `choose_pace` say how fast a walk or a run goes and when a deadline needs a
  faster gait (walk at most 1.3 m/s, run 3.5 m/s); `time_path` turns a path into (t, x, y)
  samples at the frame rate with a trapezoid speed profile (people accelerate and stop),
  and `facing_along` the heading per sample;
- `Reservations` keeps every actor's pelvis position per frame, so a later mover can check a
  candidate trajectory against everyone already planned and wait or detour.

Everything is deterministic and pure numpy/heapq; nothing imports Blender.
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np

from ..cast.placement import Box, facing_towards, wrap_angle
from ..cast.sets import HEAD_CLEARANCE_M, NAV_STEM_M, NavGrid

#: How far a prop someone walks up to is kept (its own footprint plus this), metres.
TOUCH_M = 0.1
#: Extra clearance the comfort grid keeps from obstacles, so corners can be rounded.
COMFORT_M = 0.2
#: The largest corner cut when rounding a path, metres along each leg.
ROUND_M = 0.6
#: Pelvis to pelvis distance two people keep when they are not interacting.
PERSONAL_M = 0.6

_SQRT2 = math.sqrt(2.0)
_STEPS = ((0, 1, 1.0), (1, 0, 1.0), (0, -1, 1.0), (-1, 0, 1.0),
          (1, 1, _SQRT2), (1, -1, _SQRT2), (-1, 1, _SQRT2), (-1, -1, _SQRT2))


# --- grids ---------------------------------------------------------------------------------

def dilate(blocked: np.ndarray, cells: int) -> np.ndarray:
    """`blocked` grown by `cells` in every direction (8-neighbourhood per step)."""
    out = blocked.copy()
    for _ in range(max(0, cells)):
        grown = out.copy()
        grown[1:] |= out[:-1]
        grown[:-1] |= out[1:]
        grown[:, 1:] |= grown[:, :-1].copy()
        grown[:, :-1] |= grown[:, 1:].copy()
        out = grown
    return out


def flood(free: np.ndarray, row: int, col: int) -> np.ndarray:
    """Free cells 8-connected to (row, col) without cutting corners (empty when blocked).

    A breadth-first search over flat indices; the region is what A* can reach, so a goal
    outside it is known to be unreachable before any search."""
    rows, cols = free.shape
    reach = np.zeros(free.shape, dtype=bool)
    if not free[row, col]:
        return reach
    flat_free = free.ravel()
    seen = reach.ravel()
    start = row * cols + col
    seen[start] = True
    stack = [start]
    while stack:
        n = stack.pop()
        r, c = divmod(n, cols)
        for dr, dc, _ in _STEPS:
            rr, cc = r + dr, c + dc
            if not (0 <= rr < rows and 0 <= cc < cols):
                continue
            m = rr * cols + cc
            if seen[m] or not flat_free[m]:
                continue
            if dr and dc and not (flat_free[r * cols + cc] and flat_free[rr * cols + c]):
                continue
            seen[m] = True
            stack.append(m)
    return reach


@dataclass
class Grid:
    """A blocked mask over a NavGrid's geometry, with the comfort grid and reach regions
    derived from it on demand."""
    nav: NavGrid
    blocked: np.ndarray

    def __post_init__(self):
        self._comfort: np.ndarray | None = None
        self._regions: list[np.ndarray] = []

    @property
    def cell_m(self) -> float:
        return self.nav.cell_m

    def cell(self, x: float, y: float) -> tuple[int, int] | None:
        return self.nav.cell(x, y)

    def centre(self, row: int, col: int) -> tuple[float, float]:
        return self.nav.centre(row, col)

    def free_at(self, xs, ys) -> np.ndarray:
        """Whether each point lies on a free cell (points off the grid are not free)."""
        xs, ys = np.atleast_1d(np.asarray(xs, float)), np.atleast_1d(np.asarray(ys, float))
        cols = np.floor((xs - self.nav.x0) / self.cell_m).astype(int)
        rows = np.floor((ys - self.nav.y0) / self.cell_m).astype(int)
        r, c = self.blocked.shape
        inside = (rows >= 0) & (rows < r) & (cols >= 0) & (cols < c)
        out = np.zeros(xs.shape, dtype=bool)
        out[inside] = ~self.blocked[rows[inside], cols[inside]]
        return out

    def comfort(self) -> np.ndarray:
        if self._comfort is None:
            self._comfort = dilate(self.blocked, int(math.ceil(COMFORT_M / self.cell_m)))
        return self._comfort

    def region(self, x: float, y: float) -> np.ndarray:
        """The free cells reachable from the free cell nearest (x, y)."""
        p = self.nearest(x, y)
        if p is None:
            return np.zeros_like(self.blocked)
        row, col = self.cell(*p)
        for reg in self._regions:
            if reg[row, col]:
                return reg
        reg = flood(~self.blocked, row, col)
        self._regions.append(reg)
        return reg

    def nearest(self, x: float, y: float, mask: np.ndarray | None = None
                ) -> tuple[float, float] | None:
        ok = ~self.blocked if mask is None else (mask & ~self.blocked)
        if not ok.any():
            return None
        xs, ys = self.nav.centres()
        d = np.where(ok, (xs - x) ** 2 + (ys - y) ** 2, np.inf)
        row, col = np.unravel_index(int(np.argmin(d)), d.shape)
        return self.centre(int(row), int(col))


class Floor:
    """The set's walkable floor for one staging run.

    `grid(open_ids, gone_ids)` is the nav map with the listed props opened: their inflated
    zone is freed (where no other obstacle reaches) and only their footprint plus `TOUCH_M`
    stays blocked, so a person can stand close enough to sit on a bench or kick a ball; a
    prop that has been carried or kicked away (`gone_ids`) no longer blocks where it stood."""

    def __init__(self, nav: NavGrid, boxes: Mapping[str, Box], area=None):
        self.nav = nav
        self.boxes = dict(boxes)
        self.area = area
        self._grids: dict[frozenset, Grid] = {}
        self._xs, self._ys = nav.centres()

    @classmethod
    def from_set(cls, set_plan) -> "Floor":
        """From a SetPlan: its nav grid and every box that blocks the floor, by id (trees and
        umbrellas by their trunk or pole, as the cast stage rasterised them)."""
        cats = {d.id: d.category for d in set_plan.dressing}
        cats.update(set_plan.prop_categories)
        boxes = {}
        for ident, box in set_plan.boxes().items():
            stem = NAV_STEM_M.get(cats.get(ident, ""))
            if stem is not None and box.z < 0.05:
                box = Box(box.x, box.y, box.z, min(box.width, stem), min(box.depth, stem),
                          box.height, box.rot_z, box.support_top_m, box.cavity_m)
            boxes[ident] = box
        return cls(set_plan.nav, boxes, set_plan.area)

    def grid(self, open_ids: Iterable[str] = (), gone_ids: Iterable[str] = ()) -> Grid:
        """The floor with `open_ids` opened (their footprint plus `TOUCH_M` stays blocked)
        and `gone_ids` removed altogether (props carried or kicked away)."""
        gone = frozenset(i for i in gone_ids if i in self.boxes)
        opened = frozenset(i for i in open_ids if i in self.boxes) - gone
        key = (opened, gone)
        g = self._grids.get(key)
        if g is None:
            g = Grid(self.nav, self._opened(opened, gone))
            self._grids[key] = g
        return g

    def _opened(self, opened: frozenset, gone: frozenset) -> np.ndarray:
        blocked = self.nav.blocked.copy()
        ids = opened | gone
        if not ids:
            return blocked
        r = self.nav.body_radius_m
        xs, ys = self._xs, self._ys
        zone = np.zeros_like(blocked)
        touch = np.zeros_like(blocked)
        for ident in sorted(ids):
            d = self.boxes[ident].distance_xy(xs, ys)
            zone |= d <= r + 1e-9
            if ident in opened:
                touch |= d <= TOUCH_M
        cand = zone & blocked
        if self.area is not None:        # the floor's rim stays blocked
            a = self.area
            cand &= ~((xs < a.xmin + r) | (xs > a.xmax - r) | (ys < a.ymin + r)
                      | (ys > a.ymax - r))
        rr, cc = np.nonzero(cand)
        if len(rr):
            px, py = xs[rr, cc], ys[rr, cc]
            covered = np.zeros(len(rr), dtype=bool)
            for ident, box in self.boxes.items():
                if ident in ids or box.z >= HEAD_CLEARANCE_M or box.top <= 0.02:
                    continue
                if np.min(np.hypot(px - box.x, py - box.y)) > box.radius + r:
                    continue
                covered |= box.distance_xy(px, py) <= r
            blocked[rr[~covered], cc[~covered]] = False
        blocked |= touch
        return blocked


# --- paths ---------------------------------------------------------------------------------

def astar(blocked: np.ndarray, start: tuple[int, int], goal: tuple[int, int]
          ) -> list[tuple[int, int]] | None:
    """Cells from start to goal (inclusive) on free cells, 8-connected without cutting
    corners; None when there is no way.  Octile heuristic; ties broken by the heuristic, then
    the cell index, so the result is deterministic."""
    rows, cols = blocked.shape
    free = (~blocked).ravel().tolist()
    s, g = start[0] * cols + start[1], goal[0] * cols + goal[1]
    if not (free[s] and free[g]):
        return None
    gr, gc = goal
    k = _SQRT2 - 2.0

    def h(n: int) -> float:
        r, c = divmod(n, cols)
        dr, dc = abs(r - gr), abs(c - gc)
        return dr + dc + k * min(dr, dc)

    cost = {s: 0.0}
    came: dict[int, int] = {}
    heap = [(h(s), h(s), s)]
    closed = set()
    while heap:
        _, _, n = heapq.heappop(heap)
        if n == g:
            out = [n]
            while n in came:
                n = came[n]
                out.append(n)
            return [divmod(m, cols) for m in reversed(out)]
        if n in closed:
            continue
        closed.add(n)
        r, c = divmod(n, cols)
        base = cost[n]
        for dr, dc, step in _STEPS:
            rr, cc = r + dr, c + dc
            if not (0 <= rr < rows and 0 <= cc < cols):
                continue
            m = rr * cols + cc
            if not free[m] or m in closed:
                continue
            if dr and dc and not (free[r * cols + cc] and free[rr * cols + c]):
                continue
            new = base + step
            if new < cost.get(m, math.inf):
                cost[m] = new
                came[m] = n
                hm = h(m)
                heapq.heappush(heap, (new + hm, hm, m))
    return None


def line_of_sight(grid_free, nav: NavGrid, p, q) -> bool:
    """Whether the straight segment p→q stays on free cells (sampled every third of a
    cell); `grid_free` is the boolean free mask."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    n = max(2, int(math.ceil(np.hypot(*(q - p)) / (nav.cell_m / 3.0))) + 1)
    t = np.linspace(0.0, 1.0, n)
    pts = p + (q - p) * t[:, None]
    cols = np.floor((pts[:, 0] - nav.x0) / nav.cell_m).astype(int)
    rows = np.floor((pts[:, 1] - nav.y0) / nav.cell_m).astype(int)
    r, c = grid_free.shape
    if (rows < 0).any() or (rows >= r).any() or (cols < 0).any() or (cols >= c).any():
        return False
    return bool(grid_free[rows, cols].all())


def string_pull(points: np.ndarray, visible) -> np.ndarray:
    """The fewest vertices of `points` such that consecutive ones see each other: walk along
    the path and keep a vertex only where the straight line from the last kept one breaks."""
    if len(points) <= 2:
        return points
    out = [points[0]]
    anchor = 0
    i = 1
    while i < len(points) - 1:
        if not visible(points[anchor], points[i + 1]):
            out.append(points[i])
            anchor = i
        i += 1
    out.append(points[-1])
    return np.array(out)


def round_corners(vertices: np.ndarray, visible, cut_m: float = ROUND_M,
                  samples: int = 10) -> np.ndarray:
    """Replace each corner with a quadratic Bézier from `d` before it to `d` after it
    (control point the corner); `d` shrinks until the curve stays on free cells, down to
    keeping the corner.  Neighbouring curves never overlap (each takes under half a leg)."""
    if len(vertices) <= 2:
        return vertices
    out = [vertices[0]]
    for i in range(1, len(vertices) - 1):
        v, prev, nxt = vertices[i], vertices[i - 1], vertices[i + 1]
        la, lb = np.hypot(*(prev - v)), np.hypot(*(nxt - v))
        if la < 1e-6 or lb < 1e-6:
            out.append(v)
            continue
        a, b = (prev - v) / la, (nxt - v) / lb
        d = min(cut_m, 0.45 * la, 0.45 * lb)
        curve = None
        while d > 0.02:
            t = np.linspace(0.0, 1.0, samples)[:, None]
            p0, p2 = v + a * d, v + b * d
            pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * v + t ** 2 * p2
            if visible(out[-1], pts[0]) and all(visible(pts[k], pts[k + 1])
                                                for k in range(len(pts) - 1)):
                curve = pts
                break
            d *= 0.5
        if curve is None:
            out.append(v)
        else:
            out.extend(curve)
    out.append(vertices[-1])
    pts = np.array(out)
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = np.hypot(*np.diff(pts, axis=0).T) > 1e-9
    return pts[keep]


def resample(points: np.ndarray, step_m: float) -> np.ndarray:
    """Points along the polyline every `step_m` of arc length (ends kept)."""
    if len(points) < 2:
        return points.copy()
    seg = np.hypot(*np.diff(points, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    if s[-1] < 1e-9:
        return points[:1].copy()
    n = max(2, int(math.ceil(s[-1] / step_m)) + 1)
    u = np.linspace(0.0, s[-1], n)
    return np.stack([np.interp(u, s, points[:, 0]), np.interp(u, s, points[:, 1])], axis=1)


def path_length(points: np.ndarray) -> float:
    if len(points) < 2:
        return 0.0
    return float(np.hypot(*np.diff(points, axis=0).T).sum())


def turn_angles(points: np.ndarray) -> np.ndarray:
    """Heading change at each interior vertex of a polyline, radians (for tests and checks)."""
    d = np.diff(points, axis=0)
    d = d[np.hypot(*d.T) > 1e-9]
    if len(d) < 2:
        return np.zeros(0)
    h = np.arctan2(d[:, 1], d[:, 0])
    return np.abs((np.diff(h) + np.pi) % (2 * np.pi) - np.pi)


@dataclass
class PathResult:
    points: np.ndarray          # (N, 2) the smoothed path from start to goal
    length_m: float
    start_snapped_m: float      # how far the start had to move to reach free floor
    goal_snapped_m: float


def find_path(grid: Grid, start: tuple[float, float], goal: tuple[float, float],
              extra_blocked: np.ndarray | None = None) -> PathResult | None:
    """A smooth path on free cells from `start` to `goal`, or None when the goal cannot be
    reached.  A* runs first on the comfort grid (off the obstacles, so the corners can be
    rounded), then on the plain grid through narrow gaps; a start or goal on a blocked cell
    leaves or reaches the free floor by the nearest free cell."""
    blocked = grid.blocked if extra_blocked is None else grid.blocked | extra_blocked
    free = ~blocked
    nav = grid.nav
    s_xy = np.asarray(start, float)
    g_xy = np.asarray(goal, float)
    s_cell, s_snap = _free_cell(grid, free, s_xy)
    g_cell, g_snap = _free_cell(grid, free, g_xy)
    if s_cell is None or g_cell is None:
        return None

    def visible(p, q):
        return line_of_sight(free, nav, p, q)

    if s_snap < 1e-9 and g_snap < 1e-9 and visible(s_xy, g_xy):
        pts = np.stack([s_xy, g_xy])
        return PathResult(pts, path_length(pts), 0.0, 0.0)
    comfort = grid.comfort() if extra_blocked is None else dilate(
        blocked, int(math.ceil(COMFORT_M / nav.cell_m)))
    comfort = comfort.copy()
    for cell in (s_cell, g_cell):     # let the search leave and reach the ends
        cx, cy = grid.centre(*cell)
        xs, ys = nav.centres()
        near = (xs - cx) ** 2 + (ys - cy) ** 2 <= (COMFORT_M + nav.cell_m * 1.5) ** 2
        comfort[near & free] = False
    cells = astar(comfort, s_cell, g_cell)
    search_free = ~comfort
    if cells is None:
        cells = astar(blocked, s_cell, g_cell)
        search_free = free
        if cells is None:
            return None
    centres = np.array([grid.centre(r, c) for r, c in cells])
    pts = centres.copy()
    pts[0] = s_xy if s_snap < 1e-9 else centres[0]
    pts[-1] = g_xy if g_snap < 1e-9 else centres[-1]

    def visible_search(p, q):
        return line_of_sight(search_free, nav, p, q)

    verts = string_pull(pts, visible_search)
    smooth = round_corners(verts, visible)
    if s_snap > 1e-9:
        smooth = np.vstack([s_xy, smooth])
    if g_snap > 1e-9:
        smooth = np.vstack([smooth, g_xy])
    return PathResult(smooth, path_length(smooth), s_snap, g_snap)


def _free_cell(grid: Grid, free: np.ndarray, xy: np.ndarray):
    c = grid.cell(float(xy[0]), float(xy[1]))
    if c is not None and free[c]:
        return c, 0.0
    p = grid.nearest(float(xy[0]), float(xy[1]), free)
    if p is None:
        return None, math.inf
    return grid.cell(*p), float(np.hypot(p[0] - xy[0], p[1] - xy[1]))


# --- timing --------------------------------------------------------------------------------

def travel_time(length_m: float, speed_mps: float, accel_mps2: float) -> float:
    """Seconds to cover `length_m` starting and ending at rest, cruising at `speed_mps`
    (trapezoid speed profile; a triangle when the way is too short to reach cruise)."""
    if length_m <= 0:
        return 0.0
    if length_m >= speed_mps ** 2 / accel_mps2:
        return length_m / speed_mps + speed_mps / accel_mps2
    return 2.0 * math.sqrt(length_m / accel_mps2)


def speed_for(length_m: float, seconds: float, accel_mps2: float) -> float | None:
    """Cruise speed that covers `length_m` in exactly `seconds` (None if even a triangle
    profile at this acceleration cannot)."""
    if length_m <= 0:
        return 0.0
    disc = (accel_mps2 * seconds) ** 2 - 4.0 * accel_mps2 * length_m
    if disc < 0:
        return None
    return (accel_mps2 * seconds - math.sqrt(disc)) / 2.0


def time_path(points: np.ndarray, speed_mps: float, accel_mps2: float, frames: int,
              fps: float) -> np.ndarray:
    """Positions (frames + 1, 2) at every frame of a move that takes `frames` frames along
    `points`: a trapezoid profile scaled to end exactly on the last frame."""
    n = frames + 1
    if len(points) < 2 or frames <= 0:
        return np.repeat(points[-1:], n, axis=0) if len(points) else np.zeros((n, 2))
    seg = np.hypot(*np.diff(points, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    length = s[-1]
    t = np.arange(n) / fps
    total = frames / fps
    u = _trapezoid_arc(t, length, speed_mps, accel_mps2, total)
    return np.stack([np.interp(u, s, points[:, 0]), np.interp(u, s, points[:, 1])], axis=1)


def _trapezoid_arc(t: np.ndarray, length: float, v: float, a: float, total: float
                   ) -> np.ndarray:
    """Arc length reached at times t for a rest-to-rest move of `length` in `total` s."""
    if length <= 0 or total <= 0:
        return np.zeros_like(t)
    natural = travel_time(length, v, a)
    tt = t * (natural / total)          # stretch the natural profile over `total`
    if length >= v * v / a:
        ta = v / a
        cruise_end = natural - ta
        s = np.where(tt < ta, 0.5 * a * tt ** 2,
                     np.where(tt < cruise_end, 0.5 * a * ta ** 2 + v * (tt - ta),
                              length - 0.5 * a * np.maximum(natural - tt, 0.0) ** 2))
    else:
        half = natural / 2
        s = np.where(tt < half, 0.5 * a * tt ** 2,
                     length - 0.5 * a * np.maximum(natural - tt, 0.0) ** 2)
    return np.clip(s, 0.0, length)


@dataclass(frozen=True)
class Gait:
    natural_mps: float
    min_mps: float
    max_mps: float
    accel_mps2: float


GAITS = {"walk": Gait(1.2, 0.5, 1.3, 1.2), "run": Gait(3.0, 2.0, 3.5, 3.0),
         "jog": Gait(2.2, 1.6, 2.8, 2.5), "sneak": Gait(0.6, 0.3, 0.8, 0.8),
         "crawl": Gait(0.4, 0.2, 0.6, 0.6)}
#: What a gait turns into when it has to be faster than it can be.
FASTER = {"walk": "run", "jog": "run", "sneak": "run"}


def choose_pace(length_m: float, gait: str, speed_word: str | None, want_s: float | None,
                fill: bool = True) -> tuple[str, float, float, float, bool]:
    """(gait, cruise speed, acceleration, seconds, late) for covering `length_m`.

    Without a wanted time the gait's natural speed ("slow" and "fast" shade it).  With one:
    slower to fill it when `fill` (a walk the story gave a duration; never below the gait's
    slowest), or faster to make it: up to the gait's fastest (walk 1.3 m/s), then running
    (up to 3.5 m/s); `late` when even that takes longer."""
    g = GAITS[gait]
    natural = g.natural_mps
    if speed_word == "slow":
        natural = max(g.min_mps, natural * 0.7)
    elif speed_word == "fast":
        natural = g.max_mps
    t0 = travel_time(length_m, natural, g.accel_mps2)
    if want_s is None:
        return gait, natural, g.accel_mps2, t0, False
    if t0 <= want_s and not fill:
        return gait, natural, g.accel_mps2, t0, False
    if t0 <= want_s:
        v = speed_for(length_m, want_s, g.accel_mps2) or natural
        v = min(natural, max(v, g.min_mps))
        return gait, v, g.accel_mps2, travel_time(length_m, v, g.accel_mps2), False
    tries = [gait] + ([FASTER[gait]] if gait in FASTER else [])
    for name in tries:
        gg = GAITS[name]
        v = speed_for(length_m, want_s, gg.accel_mps2)
        if v is not None and v <= gg.max_mps:
            v = max(v, gg.min_mps, natural if name == gait else gg.min_mps)
            return name, v, gg.accel_mps2, travel_time(length_m, v, gg.accel_mps2), False
    gg = GAITS[tries[-1]]
    return (tries[-1], gg.max_mps, gg.accel_mps2,
            travel_time(length_m, gg.max_mps, gg.accel_mps2), True)


def facing_along(xy: np.ndarray, start_facing: float, end_facing: float, fps: float
                 ) -> np.ndarray:
    """rot_z per sample: along the direction of travel, turning out of `start_facing` over
    the first moments and into `end_facing` over the last (longer for a bigger turn)."""
    n = len(xy)
    if n == 0:
        return np.zeros(0)
    d = np.diff(xy, axis=0)
    moving = np.hypot(*d.T) > 1e-6 if len(d) else np.zeros(0, dtype=bool)
    if not moving.any():
        return _blend_angles(start_facing, end_facing, n)
    step_heading = np.array([facing_towards(dx, dy) for dx, dy in d])
    # samples standing still (setting off, stopping) keep the nearest moving heading
    idx = np.where(moving, np.arange(len(d)), -1)
    idx = np.maximum.accumulate(idx)
    idx[idx < 0] = int(np.argmax(moving))
    heading = np.unwrap(step_heading[idx])
    heading = np.concatenate([heading, heading[-1:]])
    d_in = _diff(start_facing, heading[0])
    d_out = _diff(end_facing, heading[-1])
    k_in = min(n, max(2, int(round((0.25 + 0.35 * abs(d_in) / math.pi) * fps))))
    k_out = min(n, max(2, int(round((0.3 + 0.4 * abs(d_out) / math.pi) * fps))))
    out = heading.copy()
    out[:k_in] += (1.0 - np.linspace(0.0, 1.0, k_in)) * d_in
    out[n - k_out:] += np.linspace(0.0, 1.0, k_out) * d_out
    return np.array([wrap_angle(float(a)) for a in out])


def _diff(a: float, b: float) -> float:
    """a − b as the shortest signed turn."""
    return wrap_angle(a - b)


def _blend_angles(a: float, b: float, n: int) -> np.ndarray:
    w = np.linspace(0.0, 1.0, n)
    return np.array([wrap_angle(a + _diff(b, a) * x) for x in w])


# --- space-time reservations ------------------------------------------------------------------

class Reservations:
    """Every actor's pelvis (x, y) per frame from frame 0 to the end of what is planned; after
    that an actor is taken to stay where it last was.  Movers are checked against it."""

    def __init__(self):
        self.tracks: dict[str, np.ndarray] = {}

    def start(self, actor: str, x: float, y: float):
        self.tracks[actor] = np.array([[x, y]], dtype=float)

    def horizon(self, actor: str) -> int:
        return len(self.tracks[actor]) - 1

    def commit(self, actor: str, start_frame: int, xy: np.ndarray):
        """Positions from `start_frame` on (earlier frames hold the last known position)."""
        track = self.tracks[actor]
        have = len(track)
        if start_frame > have:
            track = np.vstack([track, np.repeat(track[-1:], start_frame - have, axis=0)])
        track = np.vstack([track[:start_frame], np.asarray(xy, float)])
        self.tracks[actor] = track

    def at(self, actor: str, frames: np.ndarray) -> np.ndarray:
        track = self.tracks[actor]
        f = np.clip(np.asarray(frames, int), 0, len(track) - 1)
        return track[f]

    def position(self, actor: str, frame: int) -> tuple[float, float]:
        x, y = self.at(actor, np.array([frame]))[0]
        return float(x), float(y)

    def conflicts(self, actor: str, start_frame: int, xy: np.ndarray,
                  gaps: Mapping[str, float] | None = None, gap_m: float = PERSONAL_M
                  ) -> list[tuple[int, str, float, float]]:
        """(frame, other actor, other x, other y) wherever the candidate positions `xy` from
        `start_frame` come closer than `gap_m` to someone (`gaps` overrides it per person:
        the one being walked up to for a hug), or closer than they started, for two people
        who begin nearer than that (parting after a hug)."""
        gaps = gaps or {}
        frames = start_frame + np.arange(len(xy))
        out = []
        for other in sorted(self.tracks):
            if other == actor:
                continue
            q = self.at(other, frames)
            d = np.hypot(*(np.asarray(xy) - q).T)
            if not len(d):
                continue
            limit = min(gaps.get(other, gap_m), d[0] - 0.01)
            bad = np.nonzero(d < limit)[0]
            for k in bad:
                out.append((int(frames[k]), other, float(q[k, 0]), float(q[k, 1])))
        return out


def discs(nav: NavGrid, points: Iterable[tuple[float, float]], radius_m: float) -> np.ndarray:
    """Cells whose centre is within `radius_m` of any of the points."""
    xs, ys = nav.centres()
    out = np.zeros(nav.shape, dtype=bool)
    for x, y in points:
        out |= (xs - x) ** 2 + (ys - y) ** 2 <= radius_m ** 2
    return out
