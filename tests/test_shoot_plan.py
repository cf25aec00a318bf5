"""The shot planner without Blender (addon/shoot): the edit, the camera rules and the maths.

Stage plans come from the sample screenplays and small hand-made scenes staged by the real
stager (tests/stage_scenes.py); the subjects' tracks are the plan's estimates.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from stage_scenes import ROOT, beat, marks_at, sample, scene, stage

from addon.shoot import cameras, projection
from addon.shoot.coverage import PropEvent, edit
from addon.shoot.plan import framing_ok, line_crossings, plan_shots, short_cuts
from addon.shoot.projection import Lens
from addon.shoot.shots import CameraKey
from addon.shoot.subjects import prop_tracks_from_plan, tracks_from_plan

SAMPLES = ROOT / "sample_scenes"


def staged(name: str):
    sp, plan, marks = sample(SAMPLES / f"{name}.screenplay.json")
    st = stage(sp, plan, marks)
    tracks = {**prop_tracks_from_plan(st), **tracks_from_plan(st)}
    return st, tracks


@pytest.fixture(scope="module")
def friends():
    st, tracks = staged("three_friends")
    return st, tracks, plan_shots(st, tracks, seed=1)


@pytest.fixture(scope="module")
def hug():
    st, tracks = staged("hug")
    return st, tracks, plan_shots(st, tracks, seed=1)


def kinds_by_beat(plan) -> dict[str, str]:
    return {s.beat: s.kind for s in plan.shots if s.beat}


# --- the edit ----------------------------------------------------------------------------------

def test_story_opens_on_an_establishing_shot_of_everyone(friends):
    st, _, plan = friends
    first = plan.shots[0]
    assert first.kind == "establishing" and first.start_frame == 0
    assert set(first.subjects) == set(st.actors)
    assert first.focal_mm <= 28


def test_shots_tile_the_story_without_gaps(friends):
    st, _, plan = friends
    assert plan.shots[0].start_frame == 0 and plan.shots[-1].end_frame == st.frames
    for a, b in zip(plan.shots, plan.shots[1:]):
        assert a.end_frame == b.start_frame


def test_no_cut_shorter_than_a_second(friends, hug):
    for _, _, plan in (friends, hug):
        assert short_cuts(plan, 1.0) == []
        assert min(s.frames for s in plan.shots) >= plan.fps - 1


def test_interactions_get_two_shots_and_reverse_over_the_shoulder(hug):
    _, _, plan = hug
    hugs = [s for s in plan.shots if s.beat == "b3"]
    assert [s.kind for s in hugs] == ["two_shot", "over_shoulder"]
    assert set(hugs[0].subjects) == {"anna", "ben"}
    assert hugs[1].subjects == tuple(reversed(hugs[0].subjects))


def test_locomotion_is_followed_by_a_moving_camera(friends):
    _, _, plan = friends
    walks = [s for s in plan.shots if s.action in ("walk", "run")]
    assert walks and all(s.kind in ("tracking", "panning", "wide") for s in walks)
    tracking = [s for s in walks if s.kind == "tracking"]
    assert tracking, "Tom's long walk to the ball is tracked"
    for s in tracking:
        assert len(s.keys) > 2
        moved = np.linalg.norm(np.subtract(s.keys[-1].position, s.keys[0].position))
        assert moved > 1.0


def test_small_actions_get_close_ups_and_actions_medium_or_full():
    sp, plan = scene(cast=("anna",), beats=[beat("b1", "anna", "wave", duration_s=4.0),
                                           beat("b2", "anna", "nod", after="b1",
                                                duration_s=2.0),
                                           beat("b3", "anna", "sit", after="b2")],
                     props=())
    st = stage(sp, plan, marks_at(anna=(0.0, 0.0)))
    shots = plan_shots(st, seed=0)
    kinds = kinds_by_beat(shots)
    assert kinds["b2"] == "close_up"
    assert kinds["b1"] == "medium"          # after the establishing shot
    close = next(s for s in shots.shots if s.kind == "close_up")
    assert close.focal_mm > 60 and close.fstop <= 2.8      # long lens, shallow focus


def test_a_prop_break_gets_an_insert(monkeypatch):
    st, tracks = staged("glass_drop")
    plan = plan_shots(st, tracks, seed=1)
    inserts = [s for s in plan.shots if s.kind == "insert"]
    assert inserts and inserts[0].subjects == ("glass",)
    # a break the simulation found later than the plan thought moves the insert with it
    late = int(st.frames) - 40
    shots, _ = edit(st, tracks, [PropEvent("glass", "break", late)])
    insert = next(s for s in shots if s.kind == "insert")
    assert insert.start_frame <= late < insert.end_frame


def test_simultaneous_beats_on_different_people_are_intercut():
    """Two people dancing at once, far apart: the edit cuts between them in pieces of about
    two seconds rather than showing only one for the whole time."""
    sp, plan = scene(beats=[beat("b1", "anna", "dance", duration_s=8.0),
                            beat("b2", "ben", "dance", with_="b1", duration_s=8.0)])
    st = stage(sp, plan, marks_at(anna=(-3.0, 0.0), ben=(3.0, 0.0)))
    shots = plan_shots(st, seed=0)
    a, b = st.beats["b1"], st.beats["b2"]
    during = [s for s in shots.shots if s.end_frame > max(a.start_frame, b.start_frame)
              and s.start_frame < min(a.end_frame, b.end_frame) and s.beat in ("b1", "b2")]
    order = [s.beat for s in during]
    assert set(order) == {"b1", "b2"}
    assert all(x != y for x, y in zip(order, order[1:])), order    # they alternate
    assert len(order) >= 3
    assert not short_cuts(shots)
    assert any("intercut" in n for n in shots.notes)


def test_action_that_moves_away_is_re_established(friends):
    _, _, plan = friends
    assert any(s.kind == "wide" and s.start_frame > 0 for s in plan.shots)


# --- camera rules ------------------------------------------------------------------------------

def test_180_degree_rule_holds_across_cuts(friends, hug):
    for _, tracks, plan in (friends, hug):
        assert plan.pairs, "the hug makes a pair"
        assert line_crossings(plan, tracks) == []


def test_180_degree_check_catches_a_crossing(hug):
    _, tracks, plan = hug
    shots = [s for s in plan.shots if "anna" in s.subjects or "ben" in s.subjects]
    b = shots[-1]
    f = b.start_frame
    pa = tracks["anna"].point("pelvis", f, f + 1)[0]
    pb = tracks["ben"].point("pelvis", f, f + 1)[0]
    # mirror the second camera across the line between them
    pos = np.array(b.keys[0].position)
    d = (pb - pa)[:2] / np.linalg.norm((pb - pa)[:2])
    rel = pos[:2] - pa[:2]
    mirrored = pa[:2] + 2 * (rel @ d) * d - rel
    saved = b.keys
    b.keys = [CameraKey(k.frame, (mirrored[0], mirrored[1], pos[2]), k.target) for k in saved]
    try:
        assert line_crossings(plan, tracks)
    finally:
        b.keys = saved


def test_every_subject_is_in_frame_with_headroom(friends, hug):
    for _, tracks, plan in (friends, hug):
        for shot in plan.shots:
            ok = framing_ok(shot, tracks, Lens())
            assert ok.all(), f"{shot.name}: out of frame on {np.flatnonzero(~ok)[:5]}"


def test_lens_and_depth_of_field_follow_the_shot_type(friends):
    _, _, plan = friends
    by_kind = {}
    for s in plan.shots:
        by_kind.setdefault(s.kind, s)
    if "medium" in by_kind and "establishing" in by_kind:
        assert by_kind["medium"].focal_mm > by_kind["establishing"].focal_mm
        assert by_kind["medium"].fstop < by_kind["establishing"].fstop


def test_other_actors_do_not_block_the_view():
    """Ben stands right in front of Anna on the audience side: the camera on Anna's nod goes
    round him rather than through him."""
    sp, plan = scene(cast=("anna", "ben"), beats=[beat("b1", "anna", "nod", duration_s=3.0)])
    st = stage(sp, plan, marks_at(anna=(0.0, 0.0, 0.0), ben=(0.0, -1.0, math.pi)))
    tracks = tracks_from_plan(st)
    shots = plan_shots(st, tracks, seed=0)
    close = next(s for s in shots.shots if s.kind == "close_up")
    cam = np.array(close.keys[0].position)
    head = tracks["anna"].point("head", close.start_frame, close.start_frame + 1)[0]
    ben = tracks["ben"].select(("head", "chest"), close.start_frame, close.start_frame + 1)
    assert projection.segment_sphere_distance(cam, head, ben).min() > 0.3


def test_walls_between_camera_and_subject_are_hidden_for_the_shot():
    st, tracks = staged("hug")
    wall = cameras.Box("wall_front", (-5.0, -2.7, 0.0), (5.0, -2.5, 2.6), wall=True)
    constraints = cameras.Constraints(boxes=(wall,), ceiling_m=2.6, indoor=True)
    plan = plan_shots(st, tracks, constraints=constraints, seed=1)
    crossings = 0
    for s in plan.shots:
        crossing = any(projection.segment_hits_box(k.position, p, wall.low, wall.high)
                       for k in s.keys for p in tracks[s.subjects[0]].select(
                           ("head",), k.frame, k.frame + 1))
        crossings += crossing
        assert not crossing or "wall_front" in s.hidden, s.name
        assert s.keys[0].position[2] < 2.6 - 0.05           # under the ceiling
    assert crossings, "some camera looks in through the front wall: the case under test"


# --- projection maths --------------------------------------------------------------------------

def test_projection_centre_corners_and_behind():
    lens = Lens(50.0, 36.0, 1920, 1080)
    m = projection.camera_matrix((0, -5, 1), (0, 0, 1))
    uv, depth = projection.project([(0, 0, 1)], m, lens)
    assert np.allclose(uv, [[0.5, 0.5]]) and np.isclose(depth[0], 5.0)
    tx, ty = lens.half_tangents()
    assert np.isclose(tx, 18 / 50) and np.isclose(ty, 18 / 50 * 1080 / 1920)
    # a point on the right edge, half way up the top half
    uv, _ = projection.project([(5 * tx, 0, 1 + 5 * ty / 2)], m, lens)
    assert np.allclose(uv, [[1.0, 0.75]])
    _, depth = projection.project([(0, -6, 1)], m, lens)
    assert depth[0] < 0
    assert not projection.in_frame(*projection.project([(0, -6, 1)], m, lens)).any()


def test_fit_distance_puts_the_points_just_inside_the_frame():
    lens = Lens(35.0)
    pts = projection.box_corners((-0.3, -0.3, 0.0), (0.3, 0.3, 1.8))
    target = np.array([0.0, 0.0, 0.9])
    d = projection.direction(-math.pi / 2, 0.1)
    margins = projection.Margins(0.05, 0.05, 0.05)
    dist = projection.fit_distance(pts, target, d, lens, margins)
    m = projection.camera_matrix(target + d * dist, target)
    uv, depth = projection.project(pts, m, lens)
    assert projection.in_frame(uv, depth, projection.Margins(0.049, 0.049, 0.049)).all()
    closer = projection.camera_matrix(target + d * dist * 0.9, target)
    assert not projection.in_frame(*projection.project(pts, closer, lens), margins).all()


def test_look_at_is_level_and_aims_down_minus_z():
    rot = projection.look_at((3, -4, 2), (0, 0, 1))
    assert np.allclose(rot.T @ rot, np.eye(3), atol=1e-9)
    forward = -rot[:, 2]
    assert np.allclose(forward, np.array([-3, 4, -1]) / np.linalg.norm([-3, 4, -1]))
    assert abs(rot[2, 0]) < 1e-9                       # the X axis stays horizontal


def test_segment_tests():
    assert projection.segment_hits_box((0, -2, 1), (0, 2, 1), (-1, -0.1, 0), (1, 0.1, 2))
    assert not projection.segment_hits_box((0, -2, 3), (0, 2, 3), (-1, -0.1, 0), (1, 0.1, 2))
    assert projection.segment_sphere_distance((0, 0, 0), (2, 0, 0), [(1, 1, 0)])[0] == 1.0


def test_sky_over_walls():
    """A 2.6 m room without a ceiling: a level 50 mm camera 4.5 m from the back wall sees
    its top edge at 1.5 + 4.5 · 0.2025 = 2.41 m (under the walls); a 24 mm one sees 3.4 m."""
    low, high = np.array([-3.0, -2.5]), np.array([3.0, 2.5])
    level = projection.camera_matrix((0, -2, 1.5), (0, 2.5, 1.5))
    assert not projection.sees_over_walls(level, Lens(50.0), low, high, 2.6)
    assert projection.sees_over_walls(level, Lens(24.0), low, high, 2.6)


def test_camera_side_of_a_line():
    assert cameras.side((0, 0), (1, 0), (0.5, 1)) == 1
    assert cameras.side((0, 0), (1, 0), (0.5, -1)) == -1


def test_planning_is_deterministic():
    st, tracks = staged("punch")
    a = plan_shots(st, tracks, seed=4).to_dict()
    b = plan_shots(st, tracks, seed=4).to_dict()
    assert a == b
