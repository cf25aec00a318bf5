"""Sets: every place builds, story props sit where the Screenplay says, dressing keeps out of
the way, spots exist and stay reachable, the nav map is sound, and all of it follows the seed.
Pure: the prop library's specs, no Blender."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from addon.cast.materials import PRESETS
from addon.cast.placement import Box, overlaps
from addon.cast.sets import (RECIPES, NavGrid, character_marks, plan_set, rasterize)
from addon.screenplay import (PLACES, CastMember, Placement, Prop, Screenplay, Set, Spot)
from addon.story.vocabulary import PROP_CATEGORIES

KNOWN_SPOTS = ("door", "window", "centre", "corner", "fountain", "counter", "gate", "fireplace",
               "edge")
OUTDOOR = {"park", "street", "beach", "garden", "forest", "yard", "field"}


def screenplay(place="room", props=(), spots=(), cast=("man", "woman"), time_of_day=""):
    kind = "outdoor" if place in OUTDOOR else "indoor"
    return Screenplay(cast=[CastMember(c, c.title()) for c in cast], props=list(props),
                      set=Set(kind=kind, place=place, time_of_day=time_of_day,
                              spots=[Spot(s, s) for s in spots]))


def prop(ident, category=None, relation=None, target=None, **kw):
    placement = Placement(relation, target) if relation else None
    return Prop(ident, ident, category or ident, placement=placement, **kw)


def walkable_at(plan, x, y):
    walk = plan.nav.walkable(plan.area.cx, plan.area.cy)
    cell = plan.nav.cell(x, y)
    return cell is not None and bool(walk[cell]) and not plan.nav.blocked[cell]


@pytest.mark.parametrize("place", PLACES)
def test_every_place_builds_a_sound_set(place):
    sp = screenplay(place, [prop("ball"), prop("box")], spots=("centre", "door"))
    plan = plan_set(sp, {}, seed=1)
    assert plan.check() == []
    assert plan.ground.box.top == pytest.approx(0.0)
    assert plan.ground.thickness_m >= 0.15
    assert plan.ground.material in PRESETS
    assert set(plan.spots) == {"centre", "door"}
    assert set(plan.props) == {"ball", "box"}
    if RECIPES[plan.recipe].indoor:
        assert sorted(w.side for w in plan.walls) == ["back", "front", "left", "right"]
        assert all(w.box.height == pytest.approx(2.6) for w in plan.walls)
        assert plan.kind == "indoor"
        assert any(lp.kind == "AREA" for lp in plan.lighting.lights)
    else:
        assert not plan.walls or plan.recipe == "street"
        assert any(lp.kind == ("SUN" if plan.kind == "outdoor" else "AREA")
                   for lp in plan.lighting.lights)
    json.dumps(plan.to_dict())          # serialisable


def test_places_dress_with_the_library_props_their_recipes_name():
    cats = {place: {d.category for d in plan_set(screenplay(place, cast=()), {}, 0).dressing}
            for place in ("park", "street", "kitchen", "office", "beach", "room")}
    assert {"tree", "bush", "bench", "street_lamp", "flower"} <= cats["park"]
    assert {"street_lamp", "car", "traffic_cone"} <= cats["street"]
    assert {"table", "chair", "shelf", "bowl"} <= cats["kitchen"]
    assert {"desk", "chair", "laptop", "shelf"} <= cats["office"]
    assert {"rock", "umbrella"} <= cats["beach"]
    assert {"sofa", "lamp", "shelf"} <= cats["room"]
    assert plan_set(screenplay("stage", cast=()), {}, 0).dressing == []


def test_glass_on_the_table_stands_on_the_table_top_inside_its_footprint():
    for seed in range(5):
        sp = screenplay("kitchen", [prop("table"), prop("glass", relation="on", target="table")])
        plan = plan_set(sp, {}, seed)
        table, glass = plan.prop_boxes["table"], plan.prop_boxes["glass"]
        assert glass.z == pytest.approx(table.support_z)
        assert glass.within(table)
        assert plan.supports["glass"] == ("on", "table")


def test_tabletop_things_without_a_placement_go_on_the_story_table():
    plan = plan_set(screenplay("room", [prop("cup"), prop("table")]), {}, 0)
    assert plan.supports["cup"] == ("on", "table")


def test_chair_next_to_the_door_is_by_the_door_and_leaves_the_doorway_free():
    for seed in range(5):
        sp = screenplay("room", [prop("chair", relation="next_to", target="door")],
                        spots=("door",))
        plan = plan_set(sp, {}, seed)
        door = plan.spots["door"]
        chair = plan.prop_boxes["chair"]
        fx, fy, _ = door.feature
        assert chair.distance_xy(fx, fy) < 1.2, seed
        assert walkable_at(plan, door.x, door.y)
        assert not any("chair" in w for w in plan.warnings)


def test_box_in_the_corner_is_snug_in_the_corner():
    sp = screenplay("room", [prop("box", relation="in", target="corner")], spots=("corner",))
    plan = plan_set(sp, {}, 3)
    fx, fy, _ = plan.spots["corner"].feature
    assert plan.prop_boxes["box"].distance_xy(fx, fy) < 0.15
    assert abs(abs(fx) - 3.0) < 1e-6 and abs(fy - 2.5) < 1e-6     # a corner of the 6×5 room


def test_known_spots_sit_where_they_belong():
    sp = screenplay("room", spots=("door", "window", "centre", "corner", "fireplace"))
    plan = plan_set(sp, {}, 0)
    a = plan.area
    centre = plan.spots["centre"]
    assert (centre.x, centre.y) == pytest.approx((a.cx, a.cy))
    for name in ("door", "window", "fireplace"):
        fx, fy, _ = plan.spots[name].feature
        on_wall = min(abs(fx - a.xmin), abs(fx - a.xmax), abs(fy - a.ymax), abs(fy - a.ymin))
        assert on_wall < 0.6, name
        s = plan.spots[name]
        fwd = (math.sin(s.rot_z), -math.cos(s.rot_z))       # a person there faces the feature
        assert fwd[0] * (fx - s.x) + fwd[1] * (fy - s.y) > 0, name
    cats = {d.category for d in plan.dressing}
    assert {"door", "window"} <= cats
    assert any(p.kind == "fireplace" for p in plan.pieces)


def test_held_props_are_left_to_the_characters():
    sp = screenplay("room", [prop("glass", relation="held_by", target="man")])
    plan = plan_set(sp, {}, 0)
    assert plan.held == {"glass": "man"}
    assert "glass" not in plan.props


def test_cycles_and_missing_targets_warn_and_still_place():
    sp = screenplay("room", [prop("box", relation="on", target="crate"),
                             prop("crate", relation="on", target="box"),
                             prop("ball", relation="next_to", target="nowhere")])
    plan = plan_set(sp, {}, 0)
    assert set(plan.props) == {"box", "crate", "ball"}
    assert any("cycle" in w for w in plan.warnings)
    assert any("nowhere" in w for w in plan.warnings)
    assert plan.check() == []


def test_same_seed_same_set_other_seed_another():
    sp = screenplay("park", [prop("bench"), prop("ball")], spots=("fountain",))
    a, b, c = (plan_set(sp, {}, s).to_dict() for s in (4, 4, 5))
    assert a == b
    assert a != c


def random_screenplay(rng: np.random.Generator) -> Screenplay:
    place = str(rng.choice(PLACES))
    spots = list(rng.choice(KNOWN_SPOTS + ("stage_left", "bus_stop"), size=int(rng.integers(0, 4)),
                            replace=False))
    cast = [f"c{i}" for i in range(int(rng.integers(1, 5)))]
    props = []
    for i in range(int(rng.integers(0, 8))):
        cat = str(rng.choice(PROP_CATEGORIES))
        rel = target = None
        if rng.random() < 0.6:
            choices = [p.id for p in props] + spots + cast
            if choices:
                rel = str(rng.choice(("on", "under", "next_to", "in", "in_front_of", "behind",
                                      "held_by", "at", "near")))
                target = str(rng.choice(choices))
        props.append(prop(f"p{i}_{cat}", cat, rel, target))
    return screenplay(place, props, spots=spots, cast=cast,
                      time_of_day=str(rng.choice(("", "dawn", "noon", "dusk", "night"))))


def test_random_stories_never_overlap_and_keep_spots_and_marks_on_walkable_floor():
    rng = np.random.default_rng(2024)
    for n in range(40):
        sp = random_screenplay(rng)
        seed = int(rng.integers(0, 1000))
        plan = plan_set(sp, {}, seed)
        where = f"story {n} ({sp.set.place}, seed {seed})"
        # only what the set has no room for may stand off it, and it says so
        off = {w.split(":")[0].split(".", 1)[1] for w in plan.warnings if "off the set" in w}
        assert [p for p in plan.check()
                if not (p.endswith("reaches outside the floor") and p.split()[0] in off)
                ] == [], where
        assert set(plan.spots) == {s.id for s in sp.set.spots}, where
        placed = set(plan.props) | set(plan.held)
        assert placed == {p.id for p in sp.props}, where
        walk = plan.nav.walkable(plan.area.cx, plan.area.cy)
        for s in plan.spots.values():
            assert walk[plan.nav.cell(s.x, s.y)], (where, s)
        # dressing blocks no spot: no dressing footprint within a body radius of one
        for d in plan.dressing:
            for s in plan.spots.values():
                assert d.box.distance_xy(s.x, s.y) > 0.2 or d.category in ("door", "window"), \
                    (where, d.id, s.id)
        marks = character_marks(plan, [c.id for c in sp.cast], seed)
        assert set(marks) == {c.id for c in sp.cast}
        pts = [(m.x, m.y) for m in marks.values()]
        for i, p in enumerate(pts):
            assert walk[plan.nav.cell(*p)], where
            for q in pts[i + 1:]:
                assert math.dist(p, q) >= 0.8 - 1e-6, where


def test_nav_map_blocks_obstacles_and_keeps_a_connected_walkable_floor():
    sp = screenplay("kitchen", [prop("table"), prop("chair", relation="next_to", target="table")],
                    spots=("door", "window", "corner"), cast=("a", "b", "c"))
    plan = plan_set(sp, {}, 7)
    nav = plan.nav
    assert nav.cell_m <= 0.25
    for box in plan.nav_boxes():
        if box.z < 1.0 and box.top > 0.05:
            cell = nav.cell(box.x, box.y)
            if cell is not None:
                assert nav.blocked[cell]
    walk = nav.walkable(plan.area.cx, plan.area.cy)
    assert walk.sum() * nav.cell_m ** 2 > 4.0                 # square metres of free floor
    xs, ys = nav.centres()
    for box in plan.boxes().values():                         # nobody stands inside a thing
        if box.z < 1.0 and box.top > 0.05:
            assert not (walk & (box.distance_xy(xs, ys) < nav.body_radius_m - 1e-6)).any()
    marks = character_marks(plan, ["a", "b", "c"], 7)
    for m in marks.values():
        assert walk[nav.cell(m.x, m.y)]


def test_nav_grid_round_trips_through_json():
    plan = plan_set(screenplay("office"), {}, 2)
    back = NavGrid.from_dict(json.loads(json.dumps(plan.nav.to_dict())))
    assert back.shape == plan.nav.shape
    assert (back.blocked == plan.nav.blocked).all()
    assert (back.x0, back.y0, back.cell_m) == (plan.nav.x0, plan.nav.y0, plan.nav.cell_m)


def test_rasterize_inflates_an_obstacle_by_the_body_radius():
    from addon.cast.placement import Area
    area = Area(-2, -2, 2, 2)
    grid = rasterize([Box(0, 0, 0, 1, 1, 1)], Box(0, 0, -0.2, 4, 4, 0.2), area, 0.1, 0.25)
    assert grid.is_free(0.03, 0.83) and not grid.is_free(0.03, 0.68)   # cell centres 0.85, 0.65
    assert not grid.is_free(0.0, 0.0)
    assert not grid.is_free(1.83, 0.03)                      # within a body radius of the rim
    assert grid.is_free(1.63, 0.03)


def test_character_marks_face_each_other_and_the_camera_near_the_action():
    plan = plan_set(screenplay("park"), {}, 0)
    marks = character_marks(plan, ["man", "woman"], 0)
    (a, b) = marks.values()
    assert math.dist((a.x, a.y), (b.x, b.y)) >= 0.8
    for m, other in ((a, b), (b, a)):
        fx, fy = math.sin(m.rot_z), -math.cos(m.rot_z)
        assert fy < 0                                        # towards the camera (−Y) ...
        assert fx * (other.x - m.x) > 0                      # ... and turned to the other
        assert math.hypot(m.x - plan.area.cx, m.y - plan.area.cy) < 3.0
    one = character_marks(plan, ["man"], 0)["man"]
    assert one.rot_z == pytest.approx(0.0)


def test_a_prop_by_a_person_brings_that_person_to_it():
    sp = screenplay("room", [prop("ball", relation="next_to", target="woman")])
    plan = plan_set(sp, {}, 1)
    assert plan.near_cast == {"ball": "woman"}
    marks = character_marks(plan, ["man", "woman"], 1)
    ball = plan.prop_boxes["ball"]
    assert ball.distance_xy(marks["woman"].x, marks["woman"].y) < 1.0


def test_time_of_day_sets_the_sun_and_sky():
    noon = plan_set(screenplay("park", time_of_day="noon"), {}, 0).lighting
    dusk = plan_set(screenplay("park", time_of_day="dusk"), {}, 0).lighting
    night = plan_set(screenplay("street", time_of_day="night"), {}, 0).lighting
    sun = {L.time_of_day: next(lp for lp in L.lights if lp.kind == "SUN")
           for L in (noon, dusk)}
    assert sun["noon"].position[2] > sun["dusk"].position[2]      # higher sun at noon
    assert sun["dusk"].colour[2] < sun["noon"].colour[2]           # warmer at dusk
    assert night.sky_strength < noon.sky_strength
    assert any(lp.kind == "POINT" for lp in night.lights)          # street lamps glow


def test_dressing_makes_way_for_the_story_props():
    sp = screenplay("kitchen", [prop("table"), prop("sofa"), prop("bed")])
    plan = plan_set(sp, {}, 0)
    cats = [d.category for d in plan.dressing]
    assert "table" not in cats            # the story's table is the kitchen table
    story = list(plan.prop_boxes.values())
    for d in plan.dressing:
        assert not any(overlaps(d.box, b) for b in story if d.rests_on is None)
