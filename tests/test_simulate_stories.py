"""Sample stories built through `story-motion build` with the simulate stage: a punch knocks a
man down and he gets up, a ball is kicked, picked up, thrown and caught."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import blender_proc

ROOT = Path(__file__).resolve().parent.parent


def build(story: str, out: Path) -> dict:
    cli = shutil.which("story-motion", path=str(Path(sys.executable).parent))
    assert cli, "story-motion is not installed in this environment"
    done = subprocess.run([cli, "build", ROOT / "sample_scenes" / f"{story}.txt", "-o", out,
                           "--seed", "1"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


INSPECT = '''
import bpy, json, numpy as np
bpy.ops.wm.open_mainfile(filepath=blend)
scene = bpy.context.scene
out = {"rigid_bodies": sum(o.rigid_body is not None for o in bpy.data.objects),
       "world": scene.rigidbody_world is not None,
       "report": json.loads(bpy.data.texts["PhysicsReport.json"].as_string()),
       "tracks": {o["story_id"]: [[t.name, [[s.frame_start, s.frame_end, s.blend_out,
                                             s.extrapolation] for s in t.strips]]
                                  for t in o.animation_data.nla_tracks]
                  for o in bpy.data.objects if o.type == "ARMATURE"}}
def path(obj, frames):
    out = []
    for f in frames:
        scene.frame_set(f)
        out.append(list(obj.matrix_world.translation))
    return out
def pelvis(rig, frames):
    out = []
    for f in frames:
        scene.frame_set(f)
        out.append(list(rig.matrix_world @ rig.pose.bones["root"].head))
    return out
'''


@pytest.fixture(scope="module")
def punch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("punch")
    built = build("punch", tmp / "punch.blend")
    seen = blender_proc.run(INSPECT + '''
rig = next(o for o in bpy.data.objects if o.get("story_id") == "tall_man" and o.type == "ARMATURE")
out["pelvis"] = pelvis(rig, range(scene.frame_start, scene.frame_end + 1))
emit(out)
''', tmp, blend=str(tmp / "punch.blend"))
    return built, seen


def test_a_punch_knocks_the_man_back_about_a_step_and_he_rests_on_the_floor(punch):
    built, seen = punch
    (down,) = built["simulate"]["knockdowns"]
    assert down["actor"] == "tall_man" and down["by"] == "muscular_man"
    assert 0.2 < down["travel_m"] < 1.5                 # a step or so, not metres
    assert down["rest_lowest_m"] > -0.02                # lies on the floor, not in it
    assert seen["rigid_bodies"] == 0 and not seen["world"]
    pelvis = seen["pelvis"]
    first = down["frame"] - 1
    assert pelvis[first][2] > 0.8                       # standing when the blow lands
    assert min(p[2] for p in pelvis[first:down["until_frame"]]) < 0.4    # then down


def test_the_ragdoll_is_keyed_above_the_story_motion_and_fades_into_the_get_up(punch):
    built, seen = punch
    (down,) = built["simulate"]["knockdowns"]
    tracks = dict(seen["tracks"]["tall_man"])
    names = [name for name, _ in seen["tracks"]["tall_man"]]
    assert names.index("Story Physics") > names.index("Story Motion")   # evaluated on top
    ((start, end, blend_out, extrapolation),) = tracks["Story Physics"]
    assert start == down["frame"] and end == down["until_frame"]
    assert blend_out > 0 and extrapolation == "NOTHING"
    assert seen["pelvis"][-1][2] > 0.8                  # and he is up again at the end


@pytest.fixture(scope="module")
def friends(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("friends")
    built = build("three_friends", tmp / "friends.blend")
    seen = blender_proc.run(INSPECT + '''
ball = bpy.data.objects["ball"]
out["ball"] = path(ball, range(scene.frame_start, scene.frame_end + 1))
out["first"] = scene.frame_start
emit(out)
''', tmp, blend=str(tmp / "friends.blend"))
    return built, seen


def test_the_thrown_ball_flies_under_gravity_into_the_catching_hand(friends):
    import numpy as np
    built, seen = friends
    ball = built["simulate"]["props"]["ball"]
    assert ball["flights"] == 1 and ball["held"] == 2
    assert built["simulate"]["problems"] == []
    path = np.array(seen["ball"])
    speed = np.linalg.norm(np.diff(path, axis=0), axis=1) * 24
    assert speed.max() < 15                             # no jump anywhere along its path
    # the longest stretch falling freely: vertical acceleration is gravity's
    accel = np.diff(path[:, 2], n=2) * 24 ** 2
    free = np.abs(accel + 9.81) < 0.05
    runs, count = [], 0
    for flag in free:
        count = count + 1 if flag else 0
        runs.append(count)
    assert max(runs) >= 8                               # a third of a second of pure flight


def test_a_thrown_ball_knocks_the_stack_of_boxes_down(tmp_path):
    built = build("stack_ball", tmp_path / "stack.blend")
    props = built["simulate"]["props"]
    boxes = {k: v for k, v in props.items() if k.split("#")[0] == "box"}
    assert len(boxes) == 5 and props["ball"]["held"] == 1
    seen = blender_proc.run(INSPECT + '''
boxes = sorted((o for o in bpy.data.objects if o.get("story_id") == "box"),
               key=lambda o: o["story_member"])
out["heights"] = [[p[2] for p in path(o, (scene.frame_start, scene.frame_end))] for o in boxes]
emit(out)
''', tmp_path, blend=str(tmp_path / "stack.blend"))
    top_start, top_end = seen["heights"][-1]
    assert top_end < top_start - 0.2                    # the top box came down
    assert sum(v["max_speed_mps"] > 0.5 for v in boxes.values()) >= 2    # and took others


def test_pushed_dominoes_topple_one_after_another(tmp_path):
    built = build("dominoes", tmp_path / "dominoes.blend")
    assert built["simulate"]["problems"] == []
    seen = blender_proc.run(INSPECT + '''
rows = sorted((o for o in bpy.data.objects if o.get("story_id") == "domino"),
              key=lambda o: o["story_member"])
tipped, tilt = {}, []
for f in range(scene.frame_start, scene.frame_end + 1):
    scene.frame_set(f)
    for o in rows:
        if o.name not in tipped and o.matrix_world.to_3x3()[2][2] < np.cos(np.radians(20)):
            tipped[o.name] = f
out["tipped"] = [tipped.get(o.name) for o in rows]
out["tilt"] = [float(np.degrees(np.arccos(min(1.0, o.matrix_world.to_3x3()[2][2]))))
               for o in rows]
emit(out)
''', tmp_path, blend=str(tmp_path / "dominoes.blend"))
    tipped = seen["tipped"]
    assert len(tipped) == 10 and None not in tipped
    assert tipped == sorted(tipped)                    # in order, from the pushed end
    assert tipped[-1] > tipped[0]
    assert min(seen["tilt"]) > 60                      # every one is down at the end


def test_a_cup_carried_to_the_table_is_put_down_whole_and_stays(tmp_path):
    built = build("carry_cup", tmp_path / "carry.blend")
    cup = built["simulate"]["props"]["cup"]
    assert cup["held"] == 1 and cup["broken_at_frame"] is None
    assert built["simulate"]["problems"] == []
    seen = blender_proc.run(INSPECT + '''
cup = bpy.data.objects["cup"]
out["cup"] = path(cup, range(scene.frame_end - 12, scene.frame_end + 1))
table = bpy.data.objects["table"]
out["table"] = list(table.matrix_world.translation) + [table.get("story_support_top_m")]
emit(out)
''', tmp_path, blend=str(tmp_path / "carry.blend"))
    import numpy as np
    end = np.array(seen["cup"])
    assert np.linalg.norm(np.diff(end, axis=0), axis=1).max() * 24 < 0.3    # settling down
    assert np.linalg.norm(end[-1, :2] - np.array(seen["table"][:2])) < 0.8  # on the table
    assert 0.0 <= end[-1, 2] - seen["table"][3] < 0.06          # on its top, not in it


def test_a_hard_push_knocks_a_man_down_and_a_pushed_chair_tips_over(tmp_path):
    pushed = build("push_fall", tmp_path / "push.blend")["simulate"]
    (down,) = pushed["knockdowns"]
    assert down["by"] == "heavy_man" and down["until_frame"] is None    # he stays down
    assert 0.2 < down["travel_m"] < 1.5 and down["rest_lowest_m"] > -0.02
    build("chair_push", tmp_path / "chair.blend")
    seen = blender_proc.run(INSPECT + '''
chair = bpy.data.objects["chair"]
ups = []
for f in (scene.frame_start, scene.frame_end):
    scene.frame_set(f)
    ups.append(chair.matrix_world.to_3x3()[2][2])
out["ups"] = ups
emit(out)
''', tmp_path, blend=str(tmp_path / "chair.blend"))
    upright, after = seen["ups"]
    assert upright > 0.99 and after < 0.5              # on its side or back at the end
