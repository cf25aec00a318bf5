"""Props that come in numbers: the story's words give one prop with a count and an
arrangement (English and Chinese), a later plural refers back to it, and the set plans every
member of a row or stack where the physics can play it out."""
from __future__ import annotations

import math

import numpy as np
import pytest

from addon.cast import arrangement as ar
from addon.cast.placement import Pose
from addon.cast.props import plan_prop
from addon.cast.sets import plan_set
from addon.screenplay import CastMember, Placement, Prop, Screenplay, Set
from addon.story.parse import parse_story


def props_of(text: str) -> list[tuple[str, int, str]]:
    return [(p.category, p.count, p.arrangement) for p in parse_story(text).screenplay.props]


@pytest.mark.parametrize("text, expected", [
    ("Tom looks at ten dominoes.", ("domino", 10, "row")),
    ("Tom looks at a row of ten dominoes.", ("domino", 10, "row")),
    ("Tom looks at a line of 8 dominoes.", ("domino", 8, "row")),
    ("Tom looks at a row of dominoes.", ("domino", 10, "row")),
    ("Tom kicks a stack of five boxes.", ("box", 5, "stack")),
    ("Tom kicks a pile of boxes.", ("box", 3, "stack")),
    ("Tom kicks a tall tower of four crates.", ("crate", 4, "stack")),
    ("Tom pushes the first domino of a row of twelve dominoes.", ("domino", 12, "row")),
    ("Tom looks at three balls.", ("ball", 3, "")),
    ("Tom looks at the ball.", ("ball", 1, "")),
    ("Tom picks up the books.", ("book", 1, "")),       # a bare plural gives nothing to count
])
def test_english_counts_and_arrangements(text, expected):
    assert props_of(text) == [expected]


def test_things_stacked_on_the_table_stack_on_it():
    sp = parse_story("Five boxes are stacked on the table. Tom kicks the boxes.").screenplay
    box = next(p for p in sp.props if p.category == "box")
    assert (box.count, box.arrangement) == (5, "stack")
    assert box.placement == Placement("on", "table")
    sp = parse_story("There are three boxes stacked up on the desk. Tom waves.").screenplay
    box = next(p for p in sp.props if p.category == "box")
    assert (box.count, box.arrangement, box.placement) == (3, "stack", Placement("on", "desk"))


def test_things_standing_in_a_row_and_the_plural_refers_back():
    sp = parse_story("Ten dominoes stand in a row. Tom pushes the first domino. "
                     "The dominoes fall one after another.").screenplay
    (domino,) = sp.props
    assert (domino.count, domino.arrangement) == (10, "row")
    assert [(b.actor, b.action, b.target) for b in sp.beats] == [
        ("tom", "push", "domino"), ("domino", "fall", None)]


def test_they_after_a_throw_at_a_stack_means_the_stack():
    sp = parse_story("Anna throws a ball at a stack of five boxes. They fall.").screenplay
    assert [(b.actor, b.action) for b in sp.beats] == [("anna", "throw"), ("box", "fall")]
    assert sp.beats[0].params["destination"] == "box"


def test_a_second_counted_group_is_a_new_prop():
    sp = parse_story("Tom looks at five boxes. Then he looks at three other boxes.").screenplay
    assert [(p.id, p.count) for p in sp.props] == [("box", 5), ("box_2", 3)]
    assert [b.target for b in sp.beats] == ["box", "box_2"]


@pytest.mark.parametrize("text, expected", [
    ("三个箱子叠在一起。小明看着箱子。", ("box", 3, "stack")),
    ("一排十张多米诺骨牌。小明推了骨牌。", ("domino", 10, "row")),
    ("小明看着十张多米诺骨牌。", ("domino", 10, "row")),
    ("小明看着一排多米诺骨牌。", ("domino", 10, "row")),
    ("小明踢了一摞箱子。", ("box", 3, "stack")),
    ("小明踢了一摞五个箱子。", ("box", 5, "stack")),
    ("八张骨牌排成一排。小明推倒了第一张骨牌。", ("domino", 8, "row")),
    ("小明看着三个球。", ("ball", 3, "")),
])
def test_chinese_counts_and_arrangements(text, expected):
    assert props_of(text) == [expected]


def test_chinese_stack_on_the_table_and_the_boxes_fall():
    sp = parse_story("桌子上叠着五个箱子。小红把球扔向箱子，箱子倒了。").screenplay
    box = next(p for p in sp.props if p.category == "box")
    assert (box.count, box.arrangement, box.placement) == (5, "stack", Placement("on", "table"))
    assert [b.action for b in sp.beats if b.actor == box.id] == ["topple"]
    sp = parse_story("五个箱子叠在桌子上。小明笑了。").screenplay
    box = next(p for p in sp.props if p.category == "box")
    assert (box.count, box.placement) == (5, Placement("on", "table"))


def test_chinese_dominoes_fall_refers_back_to_the_row():
    sp = parse_story("一排十张多米诺骨牌立在地上。小明推了第一张多米诺骨牌。"
                     "多米诺骨牌一张接一张地倒下。").screenplay
    (domino,) = sp.props
    assert domino.count == 10
    assert [(b.action, b.target) for b in sp.beats] == [("push", "domino"), ("topple", None)]


# --- arrangements (plain data) ---------------------------------------------------------------

DOMINO = (0.075, 0.0234, 0.15)
BOX = (0.4, 0.3, 0.3)


def test_a_row_is_straight_along_the_facing_and_spaced_to_topple():
    shape = ar.arrange(DOMINO, 10, "row", np.random.default_rng(0))
    ys = [m.y for m in shape.members]
    steps = -np.diff(ys)
    assert np.allclose(steps, 0.65 * DOMINO[2]) and shape.pitch_m == pytest.approx(steps[0])
    assert all(m.x == 0 and m.z == 0 and m.rot_z == 0 for m in shape.members)
    assert ys[0] > ys[-1]                         # member 0 at the back, the row runs forwards
    assert shape.depth == pytest.approx(9 * steps[0] + DOMINO[1])
    assert shape.width == pytest.approx(DOMINO[0]) and shape.height == pytest.approx(DOMINO[2])
    # things that are not tall and thin stand just apart
    assert ar.row_pitch(0.3, 0.3) == pytest.approx(0.31)


def test_a_stack_rests_each_on_the_one_below_near_its_axis():
    for seed in range(5):
        shape = ar.arrange(BOX, 5, "stack", np.random.default_rng(seed))
        zs = [m.z for m in shape.members]
        assert zs[0] == 0 and np.allclose(np.diff(zs), BOX[2] + 0.001)
        assert all(abs(m.x) <= 0.01 + 1e-9 and abs(m.y) <= 0.01 + 1e-9 for m in shape.members)
        assert all(abs(m.rot_z) <= math.radians(2) + 1e-9 for m in shape.members)
        assert shape.height == pytest.approx(5 * BOX[2] + 4 * 0.001)
        assert BOX[0] <= shape.width <= BOX[0] + 0.05
    a = ar.arrange(BOX, 5, "stack", np.random.default_rng(1))
    b = ar.arrange(BOX, 5, "stack", np.random.default_rng(1))
    c = ar.arrange(BOX, 5, "stack", np.random.default_rng(2))
    assert a == b and a != c


def test_a_loose_group_stands_side_by_side_without_overlap():
    shape = ar.arrange(BOX, 5, "", np.random.default_rng(0))
    xy = [(m.x, m.y) for m in shape.members]
    for i, (x0, y0) in enumerate(xy):
        for x1, y1 in xy[i + 1:]:
            assert abs(x1 - x0) >= BOX[0] or abs(y1 - y0) >= BOX[1]
    assert all(abs(x) + BOX[0] / 2 <= shape.width / 2 + 1e-9 for x, _ in xy)


def test_bad_arrangements_are_refused():
    with pytest.raises(ValueError, match="unknown arrangement 'circle'"):
        ar.arrange(BOX, 3, "circle", np.random.default_rng(0))
    with pytest.raises(ValueError, match="at least one member"):
        ar.arrange(BOX, 0, "row", np.random.default_rng(0))


def test_member_world_turns_with_the_group():
    m = ar.member_world(Pose(1.0, 2.0, 0.5, math.pi / 2), Pose(0.0, -0.1, 0.2, 0.0))
    assert (m.x, m.y, m.z) == pytest.approx((1.1, 2.0, 0.7)) and m.rot_z == pytest.approx(
        math.pi / 2)


# --- the set plan --------------------------------------------------------------------------

def _plan(props, place="room"):
    sp = Screenplay(cast=[CastMember("tom", "Tom")], props=list(props),
                    set=Set("indoor" if place == "room" else "outdoor", place))
    return plan_set(sp, {p.id: plan_prop(p, 0) for p in sp.props}, seed=0)


def test_the_row_footprint_holds_every_member_and_nav_avoids_it():
    plan = _plan([Prop("domino", "domino", "domino", count=10, arrangement="row")])
    box, members = plan.prop_boxes["domino"], plan.members["domino"]
    assert len(members) == 10 and not plan.check()
    lx, ly = box.to_local([m.x for m in members], [m.y for m in members])
    assert np.all(np.abs(lx) < box.width / 2) and np.all(np.abs(ly) < box.depth / 2)
    assert box.depth > 9 * 0.09                    # the whole row, not one domino
    fwd = (math.sin(members[0].rot_z), -math.cos(members[0].rot_z))
    step = (members[1].x - members[0].x, members[1].y - members[0].y)
    assert step[0] * fwd[0] + step[1] * fwd[1] == pytest.approx(math.hypot(*step), rel=1e-6)
    for m in members[::3]:                         # nobody walks through the dominoes
        assert not plan.nav.is_free(m.x, m.y)


def test_a_stack_on_the_table_starts_on_the_table_top():
    plan = _plan([Prop("table", "table", "table"),
                  Prop("box", "box", "box", count=4, arrangement="stack",
                       placement=Placement("on", "table"))])
    table_top = plan.prop_boxes["table"].support_z
    members = plan.members["box"]
    assert members[0].z == pytest.approx(table_top)
    assert plan.supports["box"] == ("on", "table")
    h = plan_prop(Prop("box", "box", "box"), 0).dimensions_m[2]
    assert np.allclose(np.diff([m.z for m in members]), h + 0.001)
    assert plan.to_dict()["members"]["box"][0]["z"] == pytest.approx(table_top, abs=1e-4)


def test_a_ball_on_the_stack_rests_on_its_top_box():
    plan = _plan([Prop("box", "box", "box", count=3, arrangement="stack"),
                  Prop("ball", "ball", "ball", placement=Placement("on", "box"))])
    top_box = plan.members["box"][-1]
    box_spec = plan_prop(Prop("box", "box", "box"), 0)
    assert plan.supports["ball"] == ("on", "box")
    assert plan.props["ball"].z == pytest.approx(top_box.z + box_spec.support_top_m, abs=1e-4)
