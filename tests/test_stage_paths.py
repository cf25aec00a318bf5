"""Paths on the nav map: A* around obstacles, string pulling and rounded corners that stay on
free cells, timing with a speed profile, opened props, and space-time reservations."""
from __future__ import annotations

import math

import numpy as np
import pytest

from addon.cast.sets import NavGrid
from addon.stage import navigation as nv

from stage_scenes import put, scene


def room(width=8.0, depth=6.0, cell=0.1, walls=()):
    """A NavGrid of width × depth metres centred on the origin, `walls` blocked rectangles
    (x0, y0, x1, y1) given in metres (already inflated)."""
    cols, rows = int(round(width / cell)), int(round(depth / cell))
    g = NavGrid(-width / 2, -depth / 2, cell, np.zeros((rows, cols), dtype=bool))
    xs, ys = g.centres()
    for x0, y0, x1, y1 in walls:
        g.blocked |= (xs >= x0) & (xs <= x1) & (ys >= y0) & (ys <= y1)
    return g


def on_free_cells(grid: nv.Grid, pts: np.ndarray) -> bool:
    dense = nv.resample(pts, grid.cell_m / 4)
    return bool(grid.free_at(dense[:, 0], dense[:, 1]).all())


def max_turn_per(pts: np.ndarray, step_m: float) -> float:
    """The sharpest heading change between consecutive steps of `step_m` along the path."""
    return float(np.degrees(nv.turn_angles(nv.resample(pts, step_m))).max(initial=0.0))


def test_astar_finds_the_way_through_the_gap_in_a_wall():
    nav = room(walls=[(-0.3, -3.0, 0.3, 1.5)])            # a wall with a gap at the top
    grid = nv.Grid(nav, nav.blocked)
    res = nv.find_path(grid, (-2.0, -2.0), (2.0, -2.0))
    assert res is not None
    assert on_free_cells(grid, res.points)
    assert res.points[:, 1].max() > 1.5                    # it went round the wall's end
    assert res.points[0] == pytest.approx((-2.0, -2.0))
    assert res.points[-1] == pytest.approx((2.0, -2.0))
    over_the_corners = 2 * math.hypot(1.7, 3.5)             # the taut string
    assert res.length_m < over_the_corners * 1.2            # string pulled, not a staircase


def test_paths_round_their_corners_and_stay_on_free_cells():
    nav = room(walls=[(-0.4, -3.0, 0.4, 1.2)])
    grid = nv.Grid(nav, nav.blocked)
    res = nv.find_path(grid, (-2.5, -2.0), (2.5, -2.0))
    assert on_free_cells(grid, res.points)
    # round the wall's end in curves: no kink sharper than 20° per 5 cm of path
    assert max_turn_per(res.points, 0.05) < 20.0
    assert nv.turn_angles(nv.resample(res.points, 0.05)).sum() > math.radians(100)


def test_a_straight_way_is_a_straight_line():
    nav = room()
    grid = nv.Grid(nav, nav.blocked)
    res = nv.find_path(grid, (-3.0, 0.0), (3.0, 1.0))
    assert len(res.points) == 2
    assert res.length_m == pytest.approx(math.hypot(6.0, 1.0))


def test_a_goal_walled_in_is_unreachable_and_a_start_in_a_wall_walks_out():
    nav = room(walls=[(1.0, -1.0, 3.0, -0.9), (1.0, 0.9, 3.0, 1.0), (1.0, -1.0, 1.1, 1.0),
                      (2.9, -1.0, 3.0, 1.0)])             # a closed box
    grid = nv.Grid(nav, nav.blocked)
    assert nv.find_path(grid, (-2.0, 0.0), (2.0, 0.0)) is None
    nav2 = room(walls=[(-0.5, -0.5, 0.5, 0.5)])
    grid2 = nv.Grid(nav2, nav2.blocked)
    res = nv.find_path(grid2, (0.0, 0.0), (3.0, 0.0))       # starts inside the obstacle
    assert res is not None and res.start_snapped_m > 0
    assert on_free_cells(grid2, res.points[1:])


def test_a_star_never_cuts_a_blocked_corner():
    blocked = np.zeros((5, 5), dtype=bool)
    blocked[2, 1] = blocked[1, 2] = True                    # diagonal squeeze
    cells = nv.astar(blocked, (1, 1), (2, 2))
    assert cells is not None and len(cells) > 2            # had to go around
    assert all(not blocked[c] for c in cells)


def test_timed_paths_start_and_stop_at_rest_and_never_exceed_cruise():
    pts = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 3.0]])
    v, a, fps = 1.2, 1.2, 24
    secs = nv.travel_time(nv.path_length(pts), v, a)
    frames = int(math.ceil(secs * fps))
    xy = nv.time_path(pts, v, a, frames, fps)
    assert xy.shape == (frames + 1, 2)
    assert xy[0] == pytest.approx(pts[0]) and xy[-1] == pytest.approx(pts[-1])
    speed = np.hypot(*np.diff(xy, axis=0).T) * fps
    assert speed.max() <= v * 1.02
    assert speed[0] < 0.2 and speed[-1] < 0.2
    s = np.cumsum(speed)
    assert np.all(np.diff(s) >= -1e-9)


def test_speed_for_inverts_travel_time():
    for length in (0.5, 3.0, 12.0):
        for secs in (4.0, 8.0, 15.0):
            v = nv.speed_for(length, secs, 1.2)
            if v is not None:
                assert nv.travel_time(length, v, 1.2) == pytest.approx(secs, rel=1e-6)
    assert nv.speed_for(20.0, 2.0, 1.2) is None


def test_pace_rules():
    assert nv.choose_pace(3.0, "walk", None, None)[:2] == ("walk", 1.2)
    assert nv.choose_pace(3.0, "walk", "slow", None)[1] < 1.2
    g, v, _, secs, late = nv.choose_pace(10.0, "walk", None, 5.0)
    assert g == "run" and v <= 3.5 and secs <= 5.0 + 1e-6 and not late
    g, v, _, secs, late = nv.choose_pace(30.0, "walk", None, 5.0)
    assert g == "run" and v == 3.5 and late and secs > 5.0
    g, v, _, secs, late = nv.choose_pace(2.0, "walk", None, 8.0, fill=False)
    assert v == 1.2 and secs < 8.0


def test_facing_follows_the_path_and_turns_into_the_end_facing():
    xy = np.column_stack([np.linspace(0, 3, 73), np.zeros(73)])     # along +X
    f = nv.facing_along(xy, 0.0, math.pi, 24)
    assert f[0] == pytest.approx(0.0, abs=1e-6)
    assert f[36] == pytest.approx(math.pi / 2, abs=1e-3)             # facing +X mid-way
    assert abs(abs(f[-1]) - math.pi) < 1e-6
    assert np.abs(np.diff(np.unwrap(f))).max() < math.radians(15)    # no snapping


def test_opening_a_prop_lets_a_person_come_close_but_not_into_it():
    sp, plan = scene(props=[("bench", "bench")])
    put(plan, {"bench": (0.0, 1.0, 0.0)})
    floor = nv.Floor.from_set(plan)
    closed, opened = floor.grid(), floor.grid(["bench"])
    front = (0.0, 1.0 - plan.prop_boxes["bench"].depth / 2 - 0.15)   # where a sitter stands
    assert not closed.free_at(*front)[0]
    assert opened.free_at(*front)[0]
    assert not opened.free_at(0.0, 1.0)[0]                           # the bench itself
    gone = floor.grid((), ["bench"])
    assert gone.free_at(0.0, 1.0)[0]                                 # carried away


def test_reservations_report_who_comes_too_close_and_when():
    res = nv.Reservations()
    res.start("ben", 0.0, 0.0)
    res.start("anna", -2.0, 0.0)
    walk = np.column_stack([np.linspace(-2, 2, 49), np.zeros(49)])
    hits = res.conflicts("anna", 0, walk)
    assert hits and {h[1] for h in hits} == {"ben"}
    assert res.conflicts("anna", 0, walk, gaps={"ben": 0.0}) == []
    near = np.column_stack([np.linspace(-2, -0.4, 49), np.zeros(49)])   # up to 0.4 m
    assert res.conflicts("anna", 0, near)
    assert res.conflicts("anna", 0, near, gaps={"ben": 0.3}) == []     # walking up to hug
    res.commit("ben", 10, np.column_stack([np.zeros(5), np.linspace(0, 2, 5)]))
    assert res.position("ben", 100) == pytest.approx((0.0, 2.0))
    assert res.position("ben", 5) == pytest.approx((0.0, 0.0))
    # two people who start closer than the gap may part, not come closer
    res.start("cleo", 0.3, 0.0)
    away = np.column_stack([np.linspace(0.3, 2.0, 10), np.zeros(10)])
    assert res.conflicts("cleo", 0, away) == []
    closer = np.column_stack([np.linspace(0.3, 0.1, 5), np.zeros(5)])
    assert {h[1] for h in res.conflicts("cleo", 0, closer)} == {"ben"}
