"""Approach poses: where staging puts a person for each kind of action, and which way they
face (sit faces away from the seat, a handshake is face to face at arm's length, a kick
stands behind the ball in the direction it should go, ...)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from addon.cast.placement import forward
from addon.physics.paths import aimed_launch
from addon.stage import approach as ap
from addon.stage.beats import BALL_PER_FOOT, PASS_MAX_MPS

from stage_scenes import beat, marks_at, put, scene, segments_of, stage


def unit(dx, dy):
    n = math.hypot(dx, dy)
    return dx / n, dy / n


def faces(pose, point, min_cos=0.95) -> bool:
    fx, fy = forward(pose[2])
    ux, uy = unit(point[0] - pose[0], point[1] - pose[1])
    return fx * ux + fy * uy >= min_cos


def the(st, actor, action):
    (seg,) = segments_of(st, actor, action=action, kind="action")
    return seg


@pytest.mark.parametrize("rot", [0.0, math.pi / 2, 2.5])
def test_sit_stands_in_front_of_the_seat_facing_away_from_it(rot):
    sp, plan = scene(cast=("anna",), props=[("bench", "bench")],
                     beats=[beat("b1", "anna", "sit", "bench")])
    put(plan, {"bench": (0.0, 1.0, rot)})
    st = stage(sp, plan, marks_at(anna=(-1.0, -2.5)))
    sit = the(st, "anna", "sit")
    bench = plan.prop_boxes["bench"]
    seat = sit.target_point
    assert seat[2] == pytest.approx(bench.support_z, abs=1e-6)            # the seat's top
    assert bench.distance_xy(seat[0], seat[1]) == pytest.approx(0.0)    # on the bench
    assert sit.pose[2] == pytest.approx(bench.rot_z, abs=1e-6)          # the seat's front way
    assert faces(sit.pose, seat, min_cos=-2) and not faces(sit.pose, seat, min_cos=0.0)
    lx, ly = bench.to_local(sit.pose[0], sit.pose[1])
    assert ly == pytest.approx(-bench.depth / 2 - ap.SEAT_FRONT_M, abs=0.08)   # just in front
    assert abs(lx) < bench.width / 2
    assert sit.posture == "sit"
    walk = segments_of(st, "anna", kind="locomotion")
    assert walk and walk[-1].end_frame == sit.start_frame and walk[-1].beat is None


def test_two_people_sit_side_by_side_on_a_bench():
    sp, plan = scene(props=[("bench", "bench")],
                     beats=[beat("b1", "anna", "sit", "bench"),
                            beat("b2", "ben", "sit", "bench", after="b1")])
    put(plan, {"bench": (0.0, 1.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-1.5, -2.0), ben=(1.5, -2.0)))
    a, b = the(st, "anna", "sit"), the(st, "ben", "sit")
    assert math.dist(a.target_point[:2], b.target_point[:2]) >= 0.55
    assert math.dist(a.pose[:2], b.pose[:2]) >= 0.6


def test_handshake_is_face_to_face_at_arms_length():
    sp, plan = scene(beats=[beat("b1", "anna", "handshake", "ben")])
    st = stage(sp, plan, marks_at(anna=(-2.0, 0.0), ben=(2.0, 0.5)))
    a, b = the(st, "anna", "handshake"), the(st, "ben", "handshake")
    assert math.dist(a.pose[:2], b.pose[:2]) == pytest.approx(0.75, abs=0.08)
    assert faces(a.pose, b.pose) and faces(b.pose, a.pose)
    assert (a.role, b.role) == ("actor", "partner")
    assert a.partner == "ben" and b.partner == "anna"
    assert a.start_frame == b.start_frame and a.end_frame == b.end_frame


def test_hug_is_close():
    sp, plan = scene(beats=[beat("b1", "anna", "hug", "ben")])
    st = stage(sp, plan, marks_at(anna=(-2.0, 0.0), ben=(2.0, 0.5)))
    a, b = the(st, "anna", "hug"), the(st, "ben", "hug")
    assert math.dist(a.pose[:2], b.pose[:2]) == pytest.approx(0.35, abs=0.06)
    assert faces(a.pose, b.pose) and faces(b.pose, a.pose)


@pytest.mark.parametrize("action,expect", [("punch", 0.40 * 1.72 + 0.10),
                                           ("push", 0.30 * 1.72 + 0.10)])
def test_punch_and_push_at_arms_length(action, expect):
    sp, plan = scene(beats=[beat("b1", "anna", action, "ben")])
    st = stage(sp, plan, marks_at(anna=(-2.0, 0.0), ben=(2.0, 0.0)))
    hit = the(st, "anna", action)
    ben = st.pose_at("ben", hit.start_s)
    assert math.dist(hit.pose[:2], ben[:2]) == pytest.approx(expect, abs=0.1)
    assert faces(hit.pose, ben)
    assert hit.target == "ben"
    assert hit.target_point[2] == pytest.approx(ap.CHEST_H * 1.72)


def test_kick_stands_behind_the_ball_facing_where_it_should_go():
    sp, plan = scene(props=[("ball", "ball")],
                     beats=[beat("b1", "anna", "kick", "ball", params={"destination": "ben"})])
    put(plan, {"ball": (1.0, 0.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-1.5, -1.5), ben=(3.0, 2.5)))
    kick = the(st, "anna", "kick")
    ball = plan.prop_boxes["ball"]
    to_goal = unit(3.0 - ball.x, 2.5 - ball.y)
    behind = unit(ball.x - kick.pose[0], ball.y - kick.pose[1])
    assert behind[0] * to_goal[0] + behind[1] * to_goal[1] > math.cos(math.radians(22))
    foot_gap = math.dist(kick.pose[:2], (ball.x, ball.y)) - ball.width / 2 - 0.13
    assert foot_gap == pytest.approx(0.15, abs=0.08)          # the foot ~0.15 m behind it
    assert faces(kick.pose, (3.0, 2.5), min_cos=0.93)
    assert kick.target_point == pytest.approx((ball.x, ball.y, ball.height / 2), abs=1e-6)
    assert kick.aim_point[:2] == pytest.approx((3.0, 2.5), abs=0.01)


def test_a_ball_kicked_to_someone_who_then_catches_it_is_a_pass_timed_to_the_catch():
    sp, plan = scene(props=[("ball", "ball")],
                     beats=[beat("b1", "anna", "kick", "ball"),
                            beat("b2", "ben", "catch", "ball", after="b1")])
    put(plan, {"ball": (1.0, 0.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-1.5, -1.5), ben=(4.0, 3.0)))
    kick, catch = the(st, "anna", "kick"), the(st, "ben", "catch")
    assert kick.aim_point[:2] == pytest.approx((4.0, 3.0), abs=0.01)     # aimed at him
    assert not segments_of(st, "ben", kind="locomotion")                # he stays put
    assert faces(catch.pose, (1.0, 0.0), min_cos=0.9)                   # facing the kick
    hands = catch.target_point
    assert math.dist(hands[:2], (4.0, 3.0)) == pytest.approx(0.35, abs=0.01)
    assert hands[2] == pytest.approx(ap.HAND_CARRY_H * 1.72)
    # the ball leaves at a pass's speed for a 1.72 m kicker; the catch meets it on arrival
    ball = plan.prop_boxes["ball"]
    launch, seconds = aimed_launch((ball.x, ball.y, ball.height / 2), hands,
                                   PASS_MAX_MPS * 1.72 / 1.75)
    assert kick.params["foot_mps"] == pytest.approx(np.linalg.norm(launch) / BALL_PER_FOOT,
                                                    abs=1e-3)
    contact = kick.start_frame + round(0.5 * 24)
    grasp = catch.start_frame + round(catch.params["contact_time_s"] * 24)
    assert grasp - contact == round(seconds * 24)
    assert catch.start_frame < kick.end_frame           # he gets ready while she kicks


def test_a_kicked_ball_that_someone_picks_up_is_no_pass():
    sp, plan = scene(props=[("ball", "ball")],
                     beats=[beat("b1", "anna", "kick", "ball"),
                            beat("b2", "ben", "pick_up", "ball", after="b1")])
    put(plan, {"ball": (1.0, 0.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-1.5, -1.5), ben=(4.0, 3.0)))
    kick = the(st, "anna", "kick")
    assert "foot_mps" not in kick.params
    assert math.dist(kick.aim_point[:2], (1.0, 0.0)) == pytest.approx(ap.KICK_M, abs=0.01)


def test_a_kick_at_a_cup_goes_through_its_middle():
    sp, plan = scene(cast=("anna",), props=[("cup", "cup")],
                     beats=[beat("b1", "anna", "kick", "cup")])
    put(plan, {"cup": (1.0, 0.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-1.5, -1.5)))
    cup = plan.prop_boxes["cup"]
    assert the(st, "anna", "kick").target_point == pytest.approx(
        (cup.x, cup.y, cup.z + cup.height / 2), abs=1e-6)


def test_pick_up_stands_within_reach_of_a_cup_on_a_table():
    sp, plan = scene(cast=("anna",), props=[("table", "table"), ("cup", "cup", "on", "table")],
                     beats=[beat("b1", "anna", "pick_up", "cup")])
    put(plan, {"table": (1.5, 0.5, 0.3)})
    st = stage(sp, plan, marks_at(anna=(-2.0, -1.5)))
    pick = the(st, "anna", "pick_up")
    cup, table = plan.prop_boxes["cup"], plan.prop_boxes["table"]
    assert pick.target_point == pytest.approx((cup.x, cup.y, cup.top), abs=1e-6)  # its rim
    reach = math.dist(pick.pose[:2], (cup.x, cup.y))
    assert reach <= 0.42 * 1.72 + 1e-6
    assert float(table.distance_xy(pick.pose[0], pick.pose[1])) >= 0.09   # not in the table
    assert faces(pick.pose, (cup.x, cup.y), min_cos=0.9)
    assert pick.holding == ("cup",)


def test_pick_up_from_the_floor_is_close_by():
    sp, plan = scene(cast=("anna",), props=[("ball", "ball")],
                     beats=[beat("b1", "anna", "pick_up", "ball")])
    put(plan, {"ball": (0.5, 0.5, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-2.0, -1.5)))
    pick = the(st, "anna", "pick_up")
    assert math.dist(pick.pose[:2], (0.5, 0.5)) == pytest.approx(0.35, abs=0.08)


def test_look_wave_and_point_only_turn():
    sp, plan = scene(beats=[beat("b1", "anna", "look_at", "ben"),
                            beat("b2", "anna", "wave", "ben", after="b1"),
                            beat("b3", "anna", "point", "ben", after="b2")])
    st = stage(sp, plan, marks_at(anna=(0.0, 0.0, 0.0), ben=(0.0, 2.5)))   # ben behind her
    for action in ("look_at", "wave", "point"):
        seg = the(st, "anna", action)
        assert seg.pose[:2] == pytest.approx((0.0, 0.0))
        assert faces(seg.pose, (0.0, 2.5))
        assert seg.aim_point[2] == pytest.approx(ap.HEAD_H * 1.72)
    assert not segments_of(st, "anna", kind="locomotion")


def test_a_small_glance_moves_only_the_head():
    sp, plan = scene(beats=[beat("b1", "anna", "look_at", "ben")])
    st = stage(sp, plan, marks_at(anna=(0.0, 0.0, 0.0), ben=(0.6, -2.0)))   # 17° off
    assert the(st, "anna", "look_at").pose[2] == pytest.approx(0.0)


def test_talk_faces_the_listener():
    sp, plan = scene(beats=[beat("b1", "anna", "talk", "ben")])
    st = stage(sp, plan, marks_at(anna=(0.0, 0.0, 0.0), ben=(1.5, 0.3)))
    talk = the(st, "anna", "talk")
    assert faces(talk.pose, (1.5, 0.3), min_cos=0.99)
    assert talk.pose[:2] == pytest.approx((0.0, 0.0))


def test_walking_up_to_someone_ends_at_a_sensible_distance_facing_them():
    sp, plan = scene(beats=[beat("b1", "anna", "walk", "ben")])
    st = stage(sp, plan, marks_at(anna=(-3.0, -1.0), ben=(2.0, 1.0)))
    (walk,) = segments_of(st, "anna", kind="locomotion")
    assert math.dist(walk.pose[:2], (2.0, 1.0)) == pytest.approx(ap.MEET_PERSON_M, abs=0.1)
    assert faces(walk.pose, (2.0, 1.0))
    assert walk.beat == "b1" and walk.gait == "walk" and walk.target == "ben"


def test_walking_to_a_spot_ends_on_it_and_to_a_prop_beside_it():
    sp, plan = scene(cast=("anna",), props=[("box", "box")], spots=("centre",),
                     beats=[beat("b1", "anna", "walk", "centre"),
                            beat("b2", "anna", "walk", "box", after="b1")])
    put(plan, {"box": (2.0, 1.5, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-3.0, -2.0)))
    first, second = segments_of(st, "anna", kind="locomotion")
    spot = plan.spots["centre"]
    assert first.pose[:2] == pytest.approx((spot.x, spot.y), abs=0.06)
    assert first.pose[2] == pytest.approx(spot.rot_z, abs=1e-6)
    box = plan.prop_boxes["box"]
    gap = float(box.distance_xy(second.pose[0], second.pose[1]))
    assert gap == pytest.approx(ap.MEET_PROP_M, abs=0.1)
    assert faces(second.pose, (box.x, box.y), min_cos=0.85)


def test_walk_then_action_ends_where_the_action_needs_the_actor():
    """walk to the bench, sit on it: one walk, straight to the sitting place."""
    sp, plan = scene(cast=("anna",), props=[("bench", "bench")],
                     beats=[beat("b1", "anna", "walk", "bench"),
                            beat("b2", "anna", "sit", "bench", after="b1")])
    put(plan, {"bench": (0.0, 1.5, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-2.5, -2.0)))
    walks = segments_of(st, "anna", kind="locomotion")
    assert len(walks) == 1 and walks[0].beat == "b1"
    sit = the(st, "anna", "sit")
    assert walks[0].pose == pytest.approx(sit.pose, abs=1e-6)


def test_throw_faces_the_catcher_who_faces_the_ball():
    sp, plan = scene(props=[("ball", "ball", "held_by", "anna")],
                     beats=[beat("b1", "anna", "throw", "ball", params={"destination": "ben"}),
                            beat("b2", "ben", "catch", "ball", after="b1")])
    st = stage(sp, plan, marks_at(anna=(-2.0, 0.0, 0.0), ben=(2.0, 0.0, math.pi)))
    throw, catch = the(st, "anna", "throw"), the(st, "ben", "catch")
    assert faces(throw.pose, (2.0, 0.0))
    assert throw.aim_point[:2] == pytest.approx((2.0, 0.0), abs=0.01)
    assert throw.holding == () and catch.holding == ("ball",)
    assert faces(catch.pose, (-2.0, 0.0), min_cos=0.9)


def test_choose_stand_keeps_off_blocked_floor_and_other_people():
    need = ap.Need("go", None, centre=(0.0, 0.0), dist_m=0.5, min_m=0.3, max_m=1.0,
                   bearing=0.0)
    blocked_east = lambda xs, ys: np.asarray(xs) < 0.2      # noqa: E731
    x, y, f, ok = ap.choose_stand(need, blocked_east, occupied=[(-0.5, 0.0)])
    assert ok and x < 0.2 and math.hypot(x, y) == pytest.approx(0.5, abs=0.06)
    assert math.hypot(x + 0.5, y) >= 0.6
    assert faces((x, y, f), (0.0, 0.0), min_cos=0.99)
    nowhere = lambda xs, ys: np.zeros(np.shape(xs), dtype=bool)   # noqa: E731
    assert ap.choose_stand(need, nowhere)[3] is False


def test_taking_something_from_someones_hand_goes_to_them():
    sp, plan = scene(props=[("cup", "cup", "held_by", "ben")],
                     beats=[beat("b1", "anna", "pick_up", "cup")])
    st = stage(sp, plan, marks_at(anna=(-3.0, 0.0), ben=(2.0, 0.0, math.pi / 2)))
    pick = the(st, "anna", "pick_up")
    assert math.dist(pick.pose[:2], (2.0, 0.0)) < 1.2               # went over to ben
    assert math.dist(pick.pose[:2], (2.0, 0.0)) >= 0.6 - 1e-6
    assert pick.holding == ("cup",)
    assert st.actors["ben"].segments[-1].holding == ()


def test_carrying_what_is_not_in_hand_picks_it_up_first():
    sp, plan = scene(cast=("anna",), props=[("box", "box")],
                     beats=[beat("b1", "anna", "carry", "box")])
    put(plan, {"box": (1.5, 0.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-2.0, 0.0)))
    actions = [s.action for s in st.actors["anna"].segments if s.kind != "idle"]
    assert actions == ["walk", "pick_up", "carry"]
    assert the(st, "anna", "carry").holding == ("box",)
    assert segments_of(st, "anna", action="pick_up")[0].beat is None
