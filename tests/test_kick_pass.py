"""The headline story built through `story-motion build`: a little girl kicks a ball to her
father, who catches it; with a glass in place of the ball the kick shatters it and there is
nothing left to catch."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import blender_proc

STORY = "A little girl kicks a {} across the park and her father catches it."

INSPECT = '''
import bpy, json, numpy as np
from mathutils import Vector
bpy.ops.wm.open_mainfile(filepath=blend)
scene = bpy.context.scene
events = json.loads(bpy.data.texts["MotionEvents.json"].as_string())
rig = next(o for o in bpy.data.objects if o.type == "ARMATURE" and o.get("story_id") == "father")
pieces = [o for o in bpy.data.objects if o.type == "MESH" and o.get("story_id") == prop
          and (o.get("story_stage") == "simulate" or "story_category" in o)]
out = {"first": scene.frame_start, "events": events, "palms": [], "pieces": {}, "shown": {},
       "father": []}
for o in pieces:
    out["pieces"][o.name], out["shown"][o.name] = [], []
for f in range(scene.frame_start, scene.frame_end + 1):
    scene.frame_set(f)
    palms = []
    for side in "LR":
        m = rig.matrix_world @ rig.pose.bones[f"wrist.{side}"].matrix
        palms.append(list(m.translation + m.col[1].xyz * palm_m * rig.scale[0]))
    out["palms"].append(palms)
    out["father"].append(list(rig.matrix_world @ rig.pose.bones["root"].head))
    for o in pieces:
        middle = sum((Vector(c) for c in o.bound_box), Vector()) / 8
        out["pieces"][o.name].append(list(o.matrix_world @ middle))
        out["shown"][o.name].append(not o.hide_render)
emit(out)
'''


def _build_and_read(tmp: Path, thing: str, prop: str) -> tuple[dict, dict, str]:
    from addon.motion.actions_object import PALM_M
    story = tmp / f"{prop}.txt"
    story.write_text(STORY.format(thing), encoding="utf-8")
    cli = shutil.which("story-motion", path=str(Path(sys.executable).parent))
    assert cli, "story-motion is not installed in this environment"
    done = subprocess.run([cli, "build", story, "-o", tmp / f"{prop}.blend", "--seed", "1"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = blender_proc.run(f"prop = {prop!r}\npalm_m = {PALM_M!r}\n" + INSPECT, tmp,
                            blend=str(tmp / f"{prop}.blend"))
    return json.loads(done.stdout), seen, done.stderr


def _event(seen: dict, contact: str) -> dict:
    return next(e for e in seen["events"] if contact in e.get("contacts", {}))


@pytest.fixture(scope="module")
def ball(tmp_path_factory):
    return _build_and_read(tmp_path_factory.mktemp("kick_pass"), "red ball", "ball")


@pytest.fixture(scope="module")
def glass(tmp_path_factory):
    return _build_and_read(tmp_path_factory.mktemp("kick_glass"), "glass", "glass")


def test_the_kicked_ball_flies_to_the_father_without_a_jump(ball):
    built, seen, log = ball
    report = built["simulate"]["props"]["ball"]
    assert report["flights"] == 1 and report["held"] == 1
    assert built["simulate"]["problems"] == []
    assert "would have to step" not in log              # he catches it where he stands
    path = np.array(seen["pieces"]["ball"])
    speed = np.linalg.norm(np.diff(path, axis=0), axis=1) * 24
    kick = _event(seen, "kick")
    contact = kick["start_frame"] + kick["contacts"]["kick"]        # story frame
    assert speed[:contact].max() < 0.05                 # at rest until the foot meets it
    launch = speed[contact]
    foot = np.linalg.norm(kick["foot_velocity"])
    assert 3.0 < launch < 12.0                          # a child's kick, not a teleport
    assert 1.0 < launch / foot < 1.4                    # what that foot gives a ball
    assert speed.max() <= 1.2 * launch                  # no jump anywhere along its path
    catch = _event(seen, "grasp")
    grasp = catch["start_frame"] + catch["contacts"]["grasp"]
    father = np.array(seen["father"][grasp])
    to_father = np.linalg.norm(path[contact:grasp + 1, :2] - father[:2], axis=1)
    assert np.all(np.diff(to_father) < 0)               # flying straight at him


def test_the_father_catches_the_ball_in_both_hands_and_holds_it(ball):
    """A two-handed catch: the ball's middle between his palms, each palm no further from it
    than the ball's radius and a hand's thickness."""
    _, seen, _ = ball
    path = np.array(seen["pieces"]["ball"])
    palms = np.array(seen["palms"])                     # (T, 2, 3): left, right
    catch = _event(seen, "grasp")
    grasp = catch["start_frame"] + catch["contacts"]["grasp"]
    between = np.linalg.norm(palms.mean(axis=1) - path, axis=1)
    each = np.linalg.norm(palms - path[:, None], axis=2).max(axis=1)
    assert between[grasp] < 0.05                        # in his hands as he catches it
    assert between[grasp:].max() < 0.05                 # and there after
    assert each[grasp:].max() < 0.11 + 0.08             # a ball's radius and a hand
    assert between[:grasp - 3].min() > 0.1              # not before it gets there


def test_a_kicked_glass_shatters_at_the_kick_and_is_never_in_the_fathers_hands(glass):
    built, seen, _ = glass
    report = built["simulate"]["props"]["glass"]
    kick = _event(seen, "kick")
    contact = seen["first"] + kick["start_frame"] + kick["contacts"]["kick"]
    assert report["pieces"] > 1 and report["held"] == 0 and report["flights"] == 0
    assert abs(report["broken_at_frame"] - contact) <= 1
    assert built["simulate"]["problems"] == []
    palms = np.array(seen["palms"])
    for name, positions in seen["pieces"].items():
        shown = np.array(seen["shown"][name])
        near = np.linalg.norm(palms - np.array(positions)[:, None], axis=2).min(axis=1)
        assert near[shown].min() > 0.3, name            # nothing of it reaches his hands
    intact = np.array(seen["shown"]["glass"])
    assert not intact[report["broken_at_frame"] - seen["first"] + 1:].any()
