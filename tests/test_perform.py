"""Performances: a stage plan's segments played as one continuous canonical clip."""
from __future__ import annotations

import numpy as np
import pytest

from addon.cast.props import plan_prop
from addon.cast.sets import character_marks, plan_set
from addon.motion.library import load_library
from addon.motion.perform import Performer
from addon.motion.skeleton import INDEX
from addon.screenplay import Beat, CastMember, Prop, Screenplay, Set, Spot
from addon.stage.plan import plan_stage


def perform(sp: Screenplay, fps: float = 24):
    plan = plan_set(sp, {p.id: plan_prop(p, 1) for p in sp.props}, 1)
    marks = character_marks(plan, [c.id for c in sp.cast], 1)
    stage = plan_stage(sp, plan, marks, {c.id: c.body.height_m for c in sp.cast}, fps)
    performer = Performer(load_library(), fps, seed=1)
    return stage, {a: performer.perform(t, stage.actors) for a, t in stage.actors.items()}


def test_pieces_cover_the_story_and_the_motion_is_continuous():
    sp = Screenplay(cast=[CastMember("tom", "Tom")], props=[Prop("ball", "ball", "ball")],
                    set=Set("outdoor", "park"),
                    beats=[Beat("b1", "tom", "walk", target="ball", duration_s=3.0),
                           Beat("b2", "tom", "kick", target="ball", after="b1", duration_s=1.5),
                           Beat("b3", "tom", "celebrate", after="b2", duration_s=2.0)])
    stage, performances = perform(sp)
    tom = performances["tom"]
    assert tom.clip.frames == stage.frames + 1
    assert tom.pieces[0].start_frame == 0 and tom.pieces[-1].end_frame == stage.frames + 1
    for a, b in zip(tom.pieces, tom.pieces[1:]):
        assert a.end_frame == b.start_frame
    assert [p.action for p in tom.pieces if p.beat] == ["walk", "kick", "celebrate"]
    positions = tom.clip.positions()
    assert np.isfinite(positions).all()
    # No pops at the joins: the trunk moves no faster there than a brisk walk.
    trunk = [INDEX[j] for j in ("pelvis", "spine3", "head")]
    for piece in tom.pieces[1:]:
        around = positions[piece.start_frame - 3:piece.start_frame + 4][:, trunk]
        assert np.linalg.norm(np.diff(around, axis=0), axis=2).max() < 2.5 / 24
    kick = next(p for p in tom.pieces if p.action == "kick")
    ball = stage.actors["tom"].segments
    assert np.linalg.norm(positions[kick.start_frame, 0, :2] -
                          np.array(next(s for s in ball if s.action == "kick").pose[:2])) < 0.3


def test_a_wave_while_walking_is_layered_over_the_walk():
    sp = Screenplay(cast=[CastMember("tom", "Tom"), CastMember("anna", "Anna")],
                    set=Set("indoor", "room", spots=[Spot("door", "door")]),
                    beats=[Beat("b1", "tom", "walk", target="door", duration_s=4.0),
                           Beat("b2", "tom", "wave", target="anna", with_="b1", duration_s=2.0)])
    stage, performances = perform(sp)
    assert [layer.action for layer in stage.actors["tom"].layers] == ["wave"]
    positions = performances["tom"].clip.positions()
    wave = slice(12, 36)
    assert positions[wave, INDEX["right_wrist"], 2].max() > positions[wave, INDEX["head"], 2].min() - 0.2
    travelled = np.linalg.norm(positions[36, 0, :2] - positions[0, 0, :2])
    assert travelled > 0.5                               # the legs keep walking meanwhile


def test_the_gaze_follows_the_looks_and_is_free_while_walking():
    sp = Screenplay(cast=[CastMember("tom", "Tom"), CastMember("anna", "Anna")],
                    set=Set("indoor", "room", spots=[Spot("door", "door")]),
                    beats=[Beat("b1", "tom", "walk", target="door", duration_s=4.0),
                           Beat("b2", "tom", "look_at", target="anna", after="b1",
                                duration_s=2.0)])
    stage, performances = perform(sp)
    tom = performances["tom"]
    gaze = tom.gaze
    assert gaze.weights.shape == (tom.clip.frames,)
    assert gaze.targets.shape == (tom.clip.frames, 3)
    walk, look = (next(p for p in tom.pieces if p.beat == b) for b in ("b1", "b2"))
    assert np.all(gaze.weights[walk.start_frame:walk.end_frame] == 0)
    looking = slice(look.end_frame - 10, look.end_frame)
    assert np.all(gaze.weights[looking] > 0.99)
    anna = stage.actors["anna"].start_pose
    assert np.linalg.norm(gaze.targets[looking, :2] - np.array(anna[:2]), axis=1).max() < 0.3


def test_a_hug_brings_both_actors_together():
    sp = Screenplay(cast=[CastMember("anna", "Anna"), CastMember("ben", "Ben")],
                    beats=[Beat("b1", "anna", "hug", target="ben", duration_s=2.5)])
    stage, performances = perform(sp)
    hug = next(s for s in stage.actors["anna"].segments if s.action == "hug")
    frame = (hug.start_frame + hug.end_frame) // 2
    anna = performances["anna"].clip.positions()[frame]
    ben = performances["ben"].clip.positions()[frame]
    assert np.linalg.norm(anna[INDEX["spine3"], :2] - ben[INDEX["spine3"], :2]) < 0.45
    assert performances["anna"].warnings == [] and performances["ben"].warnings == []


@pytest.mark.parametrize("fps", [24, 30])
def test_performing_is_deterministic(fps):
    sp = Screenplay(cast=[CastMember("tom", "Tom")],
                    beats=[Beat("b1", "tom", "wave", duration_s=1.0),
                           Beat("b2", "tom", "sit", after="b1", duration_s=2.0)])
    _, first = perform(sp, fps)
    _, second = perform(sp, fps)
    assert np.array_equal(first["tom"].clip.rotations, second["tom"].clip.rotations)


def test_a_kick_at_a_ball_is_recorded_and_meets_the_ball_in_the_joined_motion():
    """The kick at a ball is synthesised (a mocap kick misses it); its event gives the
    contact frame within the beat, the foot and where and how fast it meets the ball, and
    the joined performance (after the blends) has that foot there then."""
    sp = Screenplay(cast=[CastMember("tom", "Tom"), CastMember("ben", "Ben")],
                    props=[Prop("ball", "ball", "ball")], set=Set("outdoor", "park"),
                    beats=[Beat("b1", "tom", "run", target="ball", duration_s=3.0),
                           Beat("b2", "tom", "kick", target="ball", after="b1", duration_s=1.0),
                           Beat("b3", "ben", "kick", target="tom", after="b2", duration_s=1.0)])
    stage, performances = perform(sp)
    tom = performances["tom"]
    (event,) = [e for e in tom.events if e["beat"] == "b2"]
    segment = next(s for s in stage.actors["tom"].segments if s.beat == "b2")
    assert event["start_frame"] == segment.start_frame
    assert next(p for p in tom.pieces if p.beat == "b2").source == "synthesised"
    frame = event["start_frame"] + event["contacts"]["kick"]
    assert segment.start_frame < frame < segment.end_frame
    foot = tom.clip.positions()[:, INDEX[f"{event['foot']}_foot"]]
    assert np.linalg.norm(foot[frame] - event["strike_point"]) < 0.03
    assert np.linalg.norm(np.subtract(event["ball_point"], segment.target_point)) < 1e-6
    speed = np.linalg.norm(foot[frame + 1] - foot[frame - 1]) * 24 / 2
    assert speed == pytest.approx(np.linalg.norm(event["foot_velocity"]), rel=0.1)
    aim = np.subtract(segment.aim_point, segment.target_point)[:2]
    assert np.dot(event["foot_velocity"][:2], aim / np.linalg.norm(aim)) > 7.0
    # A kick at a person is still the library's.
    assert next(p for p in performances["ben"].pieces if p.beat == "b3").source == "mocap:kick"
