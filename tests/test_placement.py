"""The placement solver: bounding boxes, "on the table", "next to the door", "in the corner",
free placement, dependency order and the layout check.  Pure: no Blender, no prop library."""
from __future__ import annotations

import math

import numpy as np
import pytest

from addon.cast.placement import (Anchor, Area, Box, Item, Pose, check_layout, facing_towards,
                                  footprint_penetration, forward, overlaps, placement_order,
                                  solve)

ROOM = Area(-3.0, -2.5, 3.0, 2.5, clear_m=0.9, action_m=2.0,
            walls=("back", "left", "right", "front"))
TABLE = Item("table", 1.2, 0.8, 0.75, support_top_m=0.75)
GLASS = Item("glass", 0.08, 0.08, 0.12)


def test_forward_and_facing_agree_with_front_towards_minus_y():
    assert forward(0.0) == pytest.approx((0.0, -1.0))
    assert forward(math.pi / 2) == pytest.approx((1.0, 0.0))
    for dx, dy in ((1, 0), (0, 1), (-1, -1), (0.3, -2)):
        fx, fy = forward(facing_towards(dx, dy))
        n = math.hypot(dx, dy)
        assert (fx, fy) == pytest.approx((dx / n, dy / n))


def test_overlaps_counts_interpenetration_but_not_touching_or_stacking():
    a = Box(0, 0, 0, 1, 1, 1)
    assert overlaps(a, Box(0.9, 0, 0, 1, 1, 1))
    assert not overlaps(a, Box(1.0, 0, 0, 1, 1, 1))            # faces touch
    assert not overlaps(a, Box(0, 0, 1.0, 0.2, 0.2, 0.2))      # stands on top
    assert overlaps(a, Box(0, 0, 0.9, 0.2, 0.2, 0.2))          # sunk into the top
    assert overlaps(a, Box(1.02, 0, 0, 1, 1, 1), clearance=0.05)


def test_turned_boxes_use_the_separating_axis_not_their_bounding_squares():
    a = Box(0, 0, 0, 1, 1, 1)
    diamond = Box(1.2, 1.2, 0, 1, 1, 1, rot_z=math.pi / 4)   # its square AABB would overlap
    assert not overlaps(a, diamond)
    assert overlaps(a, Box(1.0, 0.0, 0, 1, 1, 1, rot_z=math.pi / 4))
    assert footprint_penetration(a, Box(3, 0, 0, 1, 1, 1)) == pytest.approx(-2.0)


def test_glass_on_the_table_stands_on_its_top_inside_its_footprint():
    items = [Item("glass", 0.08, 0.08, 0.12, relation="on", target="table"), TABLE]
    lay = solve(ROOM, items, seed=3)
    table, glass = lay.boxes["table"], lay.boxes["glass"]
    assert glass.z == pytest.approx(0.75)
    assert glass.within(table)
    assert lay.supports["glass"] == ("on", "table")
    assert lay.warnings == []
    assert check_layout(lay.boxes, lay.supports, area=ROOM) == []


def test_a_stack_rests_along_its_chain_and_neighbours_on_a_table_share_it():
    items = [TABLE,
             Item("plate", 0.26, 0.26, 0.03, support_top_m=0.03, relation="on", target="table"),
             Item("cake", 0.1, 0.1, 0.08, relation="on", target="plate"),
             Item("bottle", 0.08, 0.08, 0.3, relation="next_to", target="plate")]
    lay = solve(ROOM, items, seed=1)
    assert lay.boxes["cake"].z == pytest.approx(0.78)
    assert lay.supports["bottle"] == ("on", "table")
    assert lay.boxes["bottle"].z == pytest.approx(0.75)
    assert check_layout(lay.boxes, lay.supports, area=ROOM) == []


def test_chair_next_to_the_table_is_beside_it_facing_it():
    chair = Item("chair", 0.45, 0.5, 0.9, support_top_m=0.45, relation="next_to",
                 target="table", facing="target")
    lay = solve(ROOM, [TABLE, chair], seed=0)
    t, c = lay.boxes["table"], lay.boxes["chair"]
    assert t.distance_xy(c.x, c.y) < 0.6
    assert not overlaps(t, c)
    fx, fy = forward(c.rot_z)
    assert fx * (t.x - c.x) + fy * (t.y - c.y) > 0       # it faces the table
    assert "chair" not in lay.supports


def test_under_the_table_and_in_a_bucket():
    items = [TABLE, Item("box", 0.4, 0.4, 0.4, relation="under", target="table"),
             Item("bucket", 0.3, 0.3, 0.3, cavity_m=0.01),
             Item("ball", 0.2, 0.2, 0.2, relation="in", target="bucket")]
    lay = solve(ROOM, items, seed=2)
    assert lay.supports["box"] == ("under", "table")
    assert lay.boxes["box"].z == 0 and lay.boxes["box"].within(lay.boxes["table"])
    assert lay.supports["ball"] == ("in", "bucket")
    assert lay.boxes["ball"].z == pytest.approx(0.01)
    assert check_layout(lay.boxes, lay.supports, area=ROOM) == []


def test_what_cannot_go_under_or_on_goes_beside_with_a_warning():
    items = [TABLE, Item("sofa", 2.0, 0.9, 0.85, relation="under", target="table"),
             Item("car", 1.8, 4.0, 1.4, relation="on", target="table")]
    lay = solve(Area(-6, -6, 6, 6, action_m=4), items, seed=0)
    assert "sofa" not in lay.supports and "car" not in lay.supports
    assert any("sofa" in w and "under" in w for w in lay.warnings)
    assert any("car" in w and "on" in w for w in lay.warnings)
    assert check_layout(lay.boxes, lay.supports) == []


def test_held_props_are_left_to_the_character_and_people_are_not_places():
    items = [Item("glass", 0.08, 0.08, 0.12, relation="held_by", target="man"),
             Item("ball", 0.22, 0.22, 0.22, relation="next_to", target="man"),
             Item("hat", 0.3, 0.3, 0.15, relation="on", target="man")]
    lay = solve(ROOM, items, cast_ids=["man"])
    assert lay.held == {"glass": "man", "hat": "man"}
    assert "glass" not in lay.boxes and "ball" in lay.boxes
    assert lay.near_cast == {"ball": "man"}
    assert lay.warnings == []


def test_missing_targets_and_cycles_warn_and_place_freely():
    items = [Item("a", 0.3, 0.3, 0.3, relation="next_to", target="b"),
             Item("b", 0.3, 0.3, 0.3, relation="on", target="a"),
             Item("c", 0.3, 0.3, 0.3, relation="near", target="ghost"),
             Item("d", 0.3, 0.3, 0.3, relation="held_by", target="a")]
    lay = solve(ROOM, items, seed=5)
    assert set(lay.boxes) == {"a", "b", "c", "d"}
    assert any("cycle" in w for w in lay.warnings)
    assert any("ghost" in w for w in lay.warnings)
    assert any("d:" in w and "not a cast member" in w for w in lay.warnings)
    assert check_layout(lay.boxes, lay.supports, area=ROOM) == []


def test_placement_order_puts_supports_first():
    items = [Item("glass", 0.1, 0.1, 0.1, relation="on", target="plate"),
             Item("plate", 0.3, 0.3, 0.02, relation="on", target="table"),
             Item("table", 1, 1, 1)]
    order, warnings = placement_order(items)
    assert [i.id for i in order] == ["table", "plate", "glass"] and warnings == []


def test_in_the_corner_is_snug_in_the_corner_and_next_to_the_door_is_beside_it():
    corner = Anchor(2.3, 1.8, 0.0, ax=3.0, ay=2.5)
    door = Anchor(0.0, 1.8, math.pi, ax=0.0, ay=2.5)
    keep = {"door": Box(0.0, 2.1, 0, 0.8, 1.4, 2.0)}
    items = [Item("box", 0.5, 0.5, 0.5, relation="in", target="corner"),
             Item("chair", 0.45, 0.5, 0.9, relation="next_to", target="door")]
    lay = solve(ROOM, items, anchors={"corner": corner, "door": door}, keep_clear=keep)
    box, chair = lay.boxes["box"], lay.boxes["chair"]
    assert box.distance_xy(3.0, 2.5) < 0.1                 # touching both walls
    assert math.hypot(chair.x - 0.0, chair.y - 2.5) < 1.5   # by the door ...
    assert footprint_penetration(chair, keep["door"]) <= 0  # ... not in its way
    assert lay.warnings == []


def test_free_props_keep_the_action_centre_clear_and_never_overlap():
    rng = np.random.default_rng(0)
    for seed in range(15):
        items = [Item(f"p{i}", *rng.uniform(0.2, 1.0, 2), rng.uniform(0.1, 1.5))
                 for i in range(10)]
        lay = solve(ROOM, items, seed=seed)
        assert len(lay.boxes) == 10
        assert check_layout(lay.boxes, lay.supports, area=ROOM) == []
        assert all(b.distance_xy(0, 0) >= ROOM.clear_m - 1e-6 for b in lay.boxes.values()), seed


def test_same_seed_same_layout_other_seed_other_layout():
    items = [TABLE, Item("glass", 0.08, 0.08, 0.12, relation="on", target="table"),
             Item("box", 0.4, 0.4, 0.4), Item("ball", 0.22, 0.22, 0.22)]
    a, b, c = (solve(ROOM, items, seed=s).boxes for s in (7, 7, 8))
    assert a == b
    assert a != c


def test_fixed_boxes_are_obstacles_and_optional_items_are_dropped_when_crowded():
    tiny = Area(-1, -1, 1, 1, clear_m=0.0, action_m=1.0)
    fixed = {"crate": Box(0, 0, 0, 1.6, 1.6, 1.0)}
    lay = solve(tiny, [Item("sofa", 2.0, 0.9, 0.8, optional=True),
                       Item("cup", 0.1, 0.1, 0.1, relation="on", target="crate")], fixed=fixed)
    assert lay.dropped == ["sofa"]
    assert lay.boxes["cup"].z == pytest.approx(1.0)


def test_check_layout_reports_interpenetration_floating_and_leaving_the_floor():
    boxes = {"table": Box(0, 0, 0, 1, 1, 0.75, support_top_m=0.75),
             "chair": Box(0.6, 0, 0, 0.5, 0.5, 0.9),
             "glass": Box(0, 0, 0.9, 0.1, 0.1, 0.1),
             "lamp": Box(2.9, 0, 0, 0.4, 0.4, 1.5)}
    problems = check_layout(boxes, {"glass": ("on", "table")}, area=ROOM)
    text = "\n".join(problems)
    assert "chair and table interpenetrate" in text
    assert "glass is on table at z=0.900" in text
    assert "lamp reaches outside the floor" in text


def test_pose_and_box_round_trip_through_dicts():
    p = Pose(1.0, -2.0, 0.75, 0.5)
    assert Pose.from_dict(p.to_dict()) == p
    b = Box(1, 2, 0, 0.5, 0.4, 0.3, 0.25, support_top_m=0.3)
    assert Box.from_dict(b.to_dict()) == b
