"""Staging: beats become gapless per-actor timelines (anchors, waiting for a partner,
serialising and layering), people keep apart, bad story data becomes warnings, and every
sample story stages."""
from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from addon.stage import navigation as nv
from addon.stage.plan import Segment, StagePlan, plan_stage

from stage_scenes import (SAMPLES, assert_covers, beat, closest_approach, free_grid,
                          marks_at, put, sample, scene, segments_of, stage)


def span_s(st, beat_id):
    b = st.beats[beat_id]
    return round(b.start_s, 4), round(b.end_s, 4)


# --- timeline ---------------------------------------------------------------------------------

def test_anchors_order_the_beats():
    sp, plan = scene(beats=[beat("b1", "anna", "wave", duration_s=2.0),
                            beat("b2", "ben", "nod", start_s=1.0, duration_s=1.0),
                            beat("b3", "anna", "nod", after="b1", duration_s=1.0),
                            beat("b4", "ben", "clap", with_="b3", duration_s=2.0)])
    st = stage(sp, plan, marks_at(anna=(-1.0, 0.0), ben=(1.0, 0.0)))
    assert span_s(st, "b1") == (0.0, 2.0)
    assert span_s(st, "b2") == (1.0, 2.0)
    assert span_s(st, "b3") == (2.0, 3.0)
    assert span_s(st, "b4") == (2.0, 4.0)
    assert st.frames == 4 * 24 and st.end_s == pytest.approx(4.0)
    assert st.warnings == []
    assert_covers(st)


def test_hug_partners_start_together_and_the_first_there_waits():
    sp, plan = scene(beats=[beat("b1", "ben", "walk", duration_s=6.5,
                                 params={"direction": "forward", "distance_m": 3.0}),
                            beat("b2", "anna", "hug", "ben")])
    st = stage(sp, plan, marks_at(anna=(-2.0, 0.0), ben=(1.0, 1.0, 0.0)))
    assert st.pose_at("ben", 6.5)[:2] == pytest.approx((1.0, -2.0), abs=0.1)
    a = segments_of(st, "anna", action="hug")[0]
    b = segments_of(st, "ben", action="hug")[0]
    assert a.start_frame == b.start_frame and a.end_frame == b.end_frame
    assert a.start_frame >= round(6.5 * 24)                  # ben is busy walking until then
    walk = segments_of(st, "anna", kind="locomotion")[-1]
    assert walk.end_frame < a.start_frame                     # anna got there first ...
    waits = [s for s in st.actors["anna"].segments
             if s.kind == "idle" and s.start_frame >= walk.end_frame
             and s.end_frame <= a.start_frame]
    assert waits and waits[-1].end_frame == a.start_frame     # ... and waited, idle
    assert math.dist(a.pose[:2], b.pose[:2]) == pytest.approx(0.35, abs=0.06)
    assert_covers(st)


def test_the_partner_waits_for_the_one_who_comes():
    sp, plan = scene(beats=[beat("b1", "anna", "handshake", "ben")])
    st = stage(sp, plan, marks_at(anna=(-3.0, 0.0), ben=(2.0, 0.0)))
    a = segments_of(st, "anna", action="handshake")[0]
    b = segments_of(st, "ben", action="handshake")[0]
    assert a.start_frame == b.start_frame > 0
    assert st.actors["ben"].segments[0].kind == "idle"
    assert st.actors["ben"].segments[0].end_frame == b.start_frame
    assert st.beats["b1"].start_frame == a.start_frame


def test_an_upper_body_beat_during_a_walk_is_a_layer():
    sp, plan = scene(props=[("box", "box")],
                     beats=[beat("b1", "anna", "walk", "box"),
                            beat("b2", "anna", "wave", "ben", with_="b1")])
    put(plan, {"box": (3.5, 0.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-3.0, -1.0), ben=(0.0, 2.0)))
    (layer,) = st.actors["anna"].layers
    assert layer.action == "wave" and layer.layer == "upper" and layer.beat == "b2"
    walk = segments_of(st, "anna", kind="locomotion")[0]
    assert layer.start_frame == walk.start_frame
    assert st.beats["b2"].layered
    assert not [w for w in st.warnings if "overlap" in w]
    assert_covers(st)


def test_a_walk_with_a_wave_takes_the_wave_along_as_a_layer():
    sp, plan = scene(props=[("box", "box")],
                     beats=[beat("b1", "anna", "wave", "ben"),
                            beat("b2", "anna", "walk", "box", with_="b1")])
    put(plan, {"box": (3.5, 0.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-3.0, -1.0), ben=(0.0, 2.0)))
    assert [s.action for s in st.actors["anna"].layers] == ["wave"]
    walk = segments_of(st, "anna", kind="locomotion")[0]
    assert walk.start_frame == 0 and walk.beat == "b2"
    assert st.warnings == []
    assert_covers(st)


def test_overlapping_beats_of_one_actor_play_one_after_the_other_with_a_warning():
    sp, plan = scene(beats=[beat("b1", "anna", "jump", duration_s=1.2),
                            beat("b2", "anna", "spin", start_s=0.5, duration_s=1.5)])
    st = stage(sp, plan, marks_at(anna=(0.0, 0.0), ben=(2.0, 0.0)))
    assert span_s(st, "b2")[0] == pytest.approx(1.2, abs=1 / 24)
    assert any("b2" in w and "overlaps b1" in w for w in st.warnings)
    assert_covers(st)


def test_a_seated_actor_stands_up_before_walking():
    sp, plan = scene(cast=("anna",), props=[("bench", "bench"), ("box", "box")],
                     beats=[beat("b1", "anna", "sit", "bench"),
                            beat("b2", "anna", "walk", "box", after="b1")])
    put(plan, {"bench": (0.0, 1.5, 0.0), "box": (3.0, -2.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-2.0, -2.0)))
    actions = [s.action for s in st.actors["anna"].segments if s.kind != "idle"]
    assert actions[-3:] == ["sit", "stand_up", "walk"]
    up = segments_of(st, "anna", action="stand_up")[0]
    assert up.beat is None and up.posture == "stand"
    assert_covers(st)


# --- timing that cannot be met ----------------------------------------------------------------

def test_a_walk_too_far_for_its_time_runs_and_then_stretches_with_a_warning():
    sp, plan = scene(cast=("anna",), props=[("near", "box"), ("far", "box")],
                     beats=[beat("b1", "anna", "walk", "near", duration_s=4.5),
                            beat("b2", "anna", "walk", "far", after="b1", duration_s=2.5)])
    put(plan, {"near": (2.5, -3.0, 0.0), "far": (-4.0, 3.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-4.0, -3.0)))
    first, second = segments_of(st, "anna", kind="locomotion")
    assert first.gait == "run"                       # ~6 m in 4.5 s: faster than walking
    assert first.speed_mps <= 3.5 + 1e-9
    assert span_s(st, "b1") == (0.0, 4.5)
    assert second.gait == "run" and second.speed_mps == pytest.approx(3.5)
    s, e = span_s(st, "b2")
    assert e - s > 2.5 + 0.5                         # stretched
    assert any(w.startswith("b2") and "even running" in w for w in st.warnings)
    assert not any(w.startswith("b1") for w in st.warnings)


def test_a_short_walk_with_a_long_time_walks_slowly_then_waits():
    sp, plan = scene(cast=("anna",), props=[("box", "box")],
                     beats=[beat("b1", "anna", "walk", "box", duration_s=9.0)])
    put(plan, {"box": (0.0, 0.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-2.0, 0.0)))
    (walk,) = segments_of(st, "anna", kind="locomotion")
    assert walk.speed_mps == pytest.approx(0.5)          # no slower than a slow walk
    assert span_s(st, "b1") == (0.0, 9.0)
    assert st.actors["anna"].segments[1].kind == "idle"
    assert st.actors["anna"].segments[1].beat == "b1"


# --- people keep apart ---------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["crossing", "head_on"])
def test_two_actors_crossing_never_come_closer_than_0_6_m(layout):
    if layout == "crossing":
        marks = marks_at(anna=(-3.5, 0.0), ben=(0.0, -3.0))
        goals = {"east": (4.0, 0.0, 0.0), "north": (0.0, 3.6, 0.0)}
        beats = [beat("b1", "anna", "walk", "east"), beat("b2", "ben", "walk", "north")]
    else:
        marks = marks_at(anna=(-3.5, 0.0), ben=(3.5, 0.05))
        goals = {"east": (4.5, 0.0, 0.0), "north": (-4.5, 0.0, 0.0)}
        beats = [beat("b1", "anna", "walk", "east"), beat("b2", "ben", "walk", "north")]
    sp, plan = scene(props=[("east", "box"), ("north", "box")], beats=beats)
    put(plan, goals)
    st = stage(sp, plan, marks)
    d, where = closest_approach(st)
    assert d >= nv.PERSONAL_M - 1e-6, where
    assert not [w for w in st.warnings if "cannot keep" in w]
    assert_covers(st)


def test_a_mover_goes_round_someone_standing_in_the_way():
    sp, plan = scene(props=[("east", "box")], beats=[beat("b1", "anna", "walk", "east")])
    put(plan, {"east": (4.0, 0.0, 0.0)})
    st = stage(sp, plan, marks_at(anna=(-3.5, 0.0), ben=(0.0, 0.0)))
    d, where = closest_approach(st)
    assert d >= nv.PERSONAL_M - 1e-6, where
    (walk,) = segments_of(st, "anna", kind="locomotion")
    assert np.abs(walk.path[:, 2]).max() > 0.5                 # stepped aside


# --- bad input: warnings, never exceptions ----------------------------------------------------

@pytest.mark.parametrize("inside_m,reachable", [(0.05, True), (1.0, False)])
def test_a_target_in_or_behind_a_wall_is_approached_as_near_as_the_floor_allows(inside_m,
                                                                               reachable):
    sp, plan = scene(cast=("anna",), props=[("box", "box")], place="room",
                     beats=[beat("b1", "anna", "walk", "box"),
                            beat("b2", "anna", "pick_up", "box", after="b1")])
    a = plan.area
    put(plan, {"box": (a.xmax + inside_m, 0.0, 0.0)})          # in or behind the right wall
    st = stage(sp, plan, marks_at(anna=(a.xmin + 1.0, 0.0)))
    warned = [w for w in st.warnings if "cannot be reached" in w]
    assert bool(warned) != reachable
    if not reachable:
        assert any(w.startswith("b1") for w in warned) and any(w.startswith("b2")
                                                               for w in warned)
    walk = segments_of(st, "anna", kind="locomotion")[0]
    assert walk.pose[0] > a.xmax - 0.6                          # as close as it gets
    grid = free_grid(plan, ["box"])
    assert grid.free_at(walk.path[:, 1], walk.path[:, 2]).all()
    assert segments_of(st, "anna", action="pick_up")
    assert_covers(st)


def test_a_spot_off_the_set_is_approached_as_near_as_the_floor_allows():
    sp, plan = scene(cast=("anna",), spots=("centre",), beats=[beat("b1", "anna", "walk",
                                                                     "centre")])
    plan.spots["centre"] = dataclasses.replace(plan.spots["centre"], x=40.0, y=0.0)
    st = stage(sp, plan, marks_at(anna=(0.0, 0.0)))
    assert any("cannot be reached" in w for w in st.warnings)
    walk = segments_of(st, "anna", kind="locomotion")[0]
    assert walk.pose[0] == pytest.approx(plan.area.xmax - plan.nav.body_radius_m, abs=0.2)


def test_zero_and_negative_durations_take_the_default_with_a_warning():
    sp, plan = scene(beats=[beat("b1", "anna", "wave", duration_s=0.0),
                            beat("b2", "ben", "jump", duration_s=-3.0),
                            beat("b3", "ben", "nod", after="b2", duration_s=float("nan"))])
    st = stage(sp, plan, marks_at(anna=(-1.0, 0.0), ben=(1.0, 0.0)))
    assert span_s(st, "b1") == (0.0, 2.0)
    assert span_s(st, "b2") == pytest.approx((0.0, 1.2), abs=1 / 24)
    assert span_s(st, "b3") == pytest.approx((1.2, 2.2), abs=1 / 24)
    assert sum("not a positive number" in w for w in st.warnings) == 3
    assert_covers(st)


def test_broken_references_are_warnings():
    sp, plan = scene(beats=[beat("b1", "ghost", "wave"),
                            beat("b2", "anna", "wave", "nobody"),
                            beat("b3", "anna", "nod", after="missing"),
                            beat("b4", "ben", "teleport"),
                            beat("b5", "ben", "wave", "ben"),
                            beat("b6", "anna", "throw", "ben", params={"destination": "moon"}),
                            beat("b7", "anna", "walk", start_s=-4.0)])
    st = stage(sp, plan, marks_at(anna=(-1.0, 0.0), ben=(1.0, 0.0)))
    text = "\n".join(st.warnings)
    for needle in ("'ghost' is not a cast member", "target 'nobody'",
                   "after 'missing' is not an earlier beat", "'teleport' is not a canonical",
                   "target 'ben' is not another", "destination 'moon'", "start -4"):
        assert needle in text
    assert "b1" not in st.beats and "b2" in st.beats
    assert_covers(st)


def test_missing_marks_heights_and_marks_in_walls_are_warnings():
    sp, plan = scene(beats=[beat("b1", "anna", "hug", "ben")])
    a = plan.area
    st = plan_stage(sp, plan, marks_at(anna=(a.xmax + 3.0, 0.0)), {})
    assert any("ben: no start mark" in w for w in st.warnings)
    assert any("anna: start mark" in w and "not on walkable floor" in w for w in st.warnings)
    assert st.actors["ben"].height_m == pytest.approx(1.72)
    assert_covers(st)


def test_programming_errors_raise_clearly():
    sp, plan = scene()
    with pytest.raises(ValueError, match="fps"):
        plan_stage(sp, plan, {}, {}, fps=0)
    with pytest.raises(TypeError, match="Screenplay"):
        plan_stage({"beats": []}, plan, {}, {})


# --- the plan as data -----------------------------------------------------------------------

def test_stage_plan_json_round_trip_and_determinism():
    sp, plan = scene(props=[("ball", "ball")],
                     beats=[beat("b1", "anna", "run", "ball"),
                            beat("b2", "anna", "kick", "ball", after="b1"),
                            beat("b3", "ball", "roll", after="b2"),
                            beat("b4", "ben", "wave", "anna", with_="b2")])
    put(plan, {"ball": (1.0, 1.0, 0.0)})
    marks = marks_at(anna=(-2.0, -1.0), ben=(2.0, -1.0))
    st = stage(sp, plan, marks)
    again = stage(sp, plan, marks)
    assert st.to_json() == again.to_json()
    back = StagePlan.from_json(st.to_json())
    assert back.to_dict() == json.loads(st.to_json())
    seg = segments_of(back, "anna", kind="locomotion")[0]
    assert isinstance(seg, Segment) and seg.path.shape[1] == 3
    (cue,) = back.props
    assert cue.prop == "ball" and cue.action == "roll"
    assert cue.start_frame == back.beats["b2"].end_frame
    assert cue.point[:2] == pytest.approx((1.0, 1.0), abs=1e-4)    # kicked from there
    assert math.dist(cue.rest_point[:2], (1.0, 1.0)) > 2.0            # ... to far away
    assert back.pose_at("anna", 0.0)[:2] == pytest.approx((-2.0, -1.0))
    with pytest.raises(ValueError, match="version"):
        StagePlan.from_dict({**st.to_dict(), "version": 99})


def test_fps_sets_the_frame_grid():
    sp, plan = scene(props=[("box", "box")], beats=[beat("b1", "anna", "walk", "box")])
    put(plan, {"box": (3.0, 0.0, 0.0)})
    st30 = stage(sp, plan, marks_at(anna=(-3.0, 0.0), ben=(0.0, 3.0)), fps=30)
    assert st30.fps == 30
    (walk,) = segments_of(st30, "anna", kind="locomotion")
    assert np.allclose(np.diff(walk.path[:, 0]), 1 / 30)
    assert_covers(st30)


# --- the sample stories ------------------------------------------------------------------------

@pytest.mark.parametrize("path", SAMPLES, ids=[p.name.split(".")[0] for p in SAMPLES])
def test_every_sample_story_stages(path):
    sp, plan, marks = sample(path)
    st = stage(sp, plan, marks)
    assert_covers(st)
    assert set(st.beats) == {b.id for b in sp.beats}
    assert st.frames >= max(b.end_frame for b in st.beats.values())
    assert set(st.actors) == {c.id for c in sp.cast}
    d, where = closest_approach(st)
    assert d >= nv.PERSONAL_M - 1e-6, where
    grid = free_grid(plan, [p.id for p in sp.props])
    for track in st.actors.values():
        for s in track.segments:
            if s.kind == "locomotion":
                assert grid.free_at(s.path[:, 1], s.path[:, 2]).all(), (track.id, s.beat)
                assert np.hypot(*np.diff(s.path[:, 1:], axis=0).T).max() * st.fps <= 3.5 + 1e-6
    assert StagePlan.from_json(st.to_json()).to_json() == st.to_json()


def test_the_hug_sample_meets_and_hugs():
    sp, plan, marks = sample(next(p for p in SAMPLES if p.name == "hug.screenplay.json"))
    st = stage(sp, plan, marks)
    a = segments_of(st, "anna", action="hug")[0]
    b = segments_of(st, "ben", action="hug")[0]
    assert a.start_frame == b.start_frame == st.beats["b3"].start_frame
    assert st.beats["b3"].start_frame == st.beats["b2"].end_frame
    assert math.dist(a.pose[:2], b.pose[:2]) == pytest.approx(0.35, abs=0.06)
    assert st.warnings == []


# --- the set as found -------------------------------------------------------------------------

def test_a_prop_moved_in_the_scene_moves_its_box_and_the_nav_map():
    from addon.cast.placement import Pose
    from addon.stage.as_found import set_as_found
    sp, plan = scene(props=[("table", "table")])
    planned = plan.props["table"]
    box = plan.prop_boxes["table"]
    same, moved = set_as_found(plan, {"table": Pose(planned.x + 5e-4, planned.y, planned.z,
                                                    planned.rot_z)})
    assert same is plan and moved == []             # a float's worth of drift is no move
    goal = Pose(planned.x + 2.0, planned.y - 1.5, planned.z, planned.rot_z + math.pi / 2)
    found, moved = set_as_found(plan, {"table": goal})
    assert moved == ["table"] and plan.props["table"] == planned      # the plan is not edited
    new = found.prop_boxes["table"]
    assert (new.x, new.y) == pytest.approx((box.x + 2.0, box.y - 1.5), abs=1e-6)
    assert (new.width, new.depth, new.height) == (box.width, box.depth, box.height)
    assert new.rot_z == pytest.approx(box.rot_z + math.pi / 2)
    assert found.nav.is_free(box.x, box.y) and not plan.nav.is_free(box.x, box.y)
    assert not found.nav.is_free(new.x, new.y)
    # Walking to the table goes to where it stands now.
    sp, _ = scene(props=[("table", "table")],
                  beats=[beat("b1", "anna", "walk", target="table", duration_s=6.0)])
    st = stage(sp, found, marks_at(anna=(-3.0, 2.0), ben=(3.0, 2.5)))
    end = segments_of(st, "anna", kind="locomotion")[-1].pose
    assert math.hypot(end[0] - new.x, end[1] - new.y) < 1.5
    assert math.hypot(end[0] - box.x, end[1] - box.y) > 1.0


def test_what_an_actor_holds_when_the_story_starts_is_in_the_plan():
    sp, plan = scene(props=[("glass", "glass", "held_by", "anna")],
                     beats=[beat("b1", "anna", "carry", "glass", params={"height_m": 1.5}),
                            beat("b2", "anna", "drop", "glass", after="b1")])
    st = stage(sp, plan, marks_at(anna=(-2.0, -1.0), ben=(2.0, -1.0)))
    assert st.actors["anna"].holding == ("glass",) and st.actors["ben"].holding == ()
    back = StagePlan.from_json(st.to_json())
    assert back.actors["anna"].holding == ("glass",)
    assert json.loads(st.to_json())["actors"]["anna"]["holding"] == ["glass"]
    # Plans written before the key existed read as holding nothing.
    old = st.to_dict()
    del old["actors"]["anna"]["holding"]
    assert StagePlan.from_dict(old).actors["anna"].holding == ()
