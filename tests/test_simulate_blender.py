"""The simulate stage in Blender (addon/blender/simulate_stage.py): props dropped, shattered,
baked to keys, re-run and undone.

Each test builds a small scene by hand (a floor, a prop let go at a height, an empty plan), so
it checks the physics stage apart from the motion that usually feeds it; the sample stories
run end to end in tests/test_simulate_stories.py.
"""
from __future__ import annotations

import pytest

import blender_proc

DROP = '''
import os
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})   # as the CLI does: see cli._one_core
import bpy, numpy as np
from addon.blender import set_build, simulate_stage
from addon.blender.props_build import build_prop
from addon.blender.animate_stage import EVENTS_TEXT, PLAN_TEXT
from addon.cast.props import spec_for
from addon.screenplay import Prop, Screenplay

def scene_with(category, height, seed=3):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.fps, scene.frame_start, scene.frame_end = 24, 1, 96
    ground = bpy.data.meshes.new("Ground")
    ground.from_pydata([(-5, -5, -0.2), (5, -5, -0.2), (5, 5, -0.2), (-5, 5, -0.2),
                        (-5, -5, 0), (5, -5, 0), (5, 5, 0), (-5, 5, 0)], [],
                       [(0, 3, 2, 1), (4, 5, 6, 7), (0, 1, 5, 4), (1, 2, 6, 5), (2, 3, 7, 6),
                        (3, 0, 4, 7)])
    obj = bpy.data.objects.new("Ground", ground)
    obj["story_stage"], obj["story_id"] = "cast", "ground"
    scene.collection.objects.link(obj)
    prop = build_prop(bpy.data, spec_for(category, id=category, seed=seed), scene.collection)
    prop.location = (0.3, -0.2, height)
    prop.rotation_euler = (0.0, 0.0, 0.4)
    for name, body in ((PLAN_TEXT, '{"actors": {}, "props": []}'), (EVENTS_TEXT, "[]")):
        bpy.data.texts.new(name).write(body)
    return scene, prop, Screenplay(props=[Prop(category, category, category)])

def track(scene, objects):
    """Per frame and object: x, y, z and 1 when hidden.  A hidden object is not evaluated
    (its keyed hide_viewport takes it out of the depsgraph), so its place reads as zeros."""
    out = []
    for f in range(scene.frame_start, scene.frame_end + 1):
        scene.frame_set(f)
        out.append([[0.0, 0.0, 0.0, 1.0] if o.hide_render else
                     [*o.matrix_world.translation, 0.0] for o in objects])
    return np.array(out)

def lowest(scene, objects):
    low = 1e9
    for f in range(scene.frame_start, scene.frame_end + 1):
        scene.frame_set(f)
        for o in objects:
            if not o.hide_render:
                m = np.array(o.matrix_world)
                v = np.array([v.co[:] for v in o.data.vertices])
                low = min(low, float((v @ m[2, :3] + m[2, 3]).min()))
    return low
'''


@pytest.fixture(scope="module")
def glass_drops(tmp_path_factory):
    return blender_proc.run(DROP + '''
out = {}
for height in (1.0, 0.15):
    scene, glass, sp = scene_with("glass", height)
    report = simulate_stage.run_simulate(bpy.data, scene, sp, seed=3)
    shards = [o for o in bpy.data.objects if o.get("story_stage") == "simulate"
              and o.get("story_id") == "glass" and o.type == "MESH"]
    pieces = shards or [glass]
    path = track(scene, pieces)
    glass_path = track(scene, [glass])
    out[str(height)] = {
        "report": report.to_dict(), "shards": len(shards),
        "end_speed": float(np.abs(path[-1, :, :3] - path[-2, :, :3]).max() * 24),
        "start": [round(float(v), 4) for v in glass_path[0, 0, :3]],
        "spread": float(np.ptp(path[-1, :, :2], axis=0).max()),
        "lowest": lowest(scene, pieces),
        "glass_hidden_at_end": bool(glass_path[-1, 0, 3]),
        "shards_hidden_at_start": bool(path[0, :, 3].all()) if shards else None,
        "rigid_bodies": sum(o.rigid_body is not None for o in bpy.data.objects),
        "world": scene.rigidbody_world is not None,
        "glass_action": glass.animation_data.action.name,
        "keyed_frames": len(glass.animation_data.action.layers[0].strips[0]
                            .channelbags[0].fcurves[0].keyframe_points),
        "max_height": float(glass_path[:, 0, 2].max()),
        "bounce": float(glass_path[12:, 0, 2].max()) if height < 0.5 else None,
    }
emit(out)
''', tmp_path_factory.mktemp("drops"), repo_on_path=True)


def test_a_glass_let_go_at_1_m_shatters_into_pieces_that_scatter_and_rest(glass_drops):
    high = glass_drops["1.0"]
    assert high["report"]["passes"] == 2
    prop = high["report"]["props"]["glass"]
    assert prop["pieces"] >= 8 and high["shards"] == prop["pieces"]
    assert prop["impact_speed_mps"] == pytest.approx(4.4, abs=0.5)
    assert high["spread"] > 0.1                  # scattered, not a heap
    assert high["end_speed"] < 0.05              # at rest by the end
    assert high["lowest"] > -0.02                # nothing sinks through the floor
    assert high["glass_hidden_at_end"] and high["shards_hidden_at_start"]
    assert high["start"] == [0.3, -0.2, 1.0]
    assert high["report"]["problems"] == []


def test_a_glass_let_go_at_15_cm_stays_whole(glass_drops):
    low = glass_drops["0.15"]
    assert low["report"]["passes"] == 1 and low["shards"] == 0
    assert low["report"]["props"]["glass"]["pieces"] == 1
    assert not low["glass_hidden_at_end"]
    assert low["end_speed"] < 0.05 and low["lowest"] > -0.02
    assert low["max_height"] <= 0.15 + 1e-6


def test_the_bake_leaves_keys_and_no_simulation(glass_drops):
    for drop in glass_drops.values():
        assert drop["rigid_bodies"] == 0 and not drop["world"]
        assert drop["glass_action"] == "glass physics"
        assert drop["keyed_frames"] == 96 or drop["shards"]      # every frame keyed


def test_the_same_scene_and_seed_bake_identically_and_a_rerun_replaces_only_its_own(tmp_path):
    out = blender_proc.run(DROP + '''
scene, glass, sp = scene_with("glass", 1.0)
user = bpy.data.objects.new("My empty", None)
scene.collection.objects.link(user)
runs = []
for _ in range(2):
    simulate_stage.run_simulate(bpy.data, scene, sp, seed=3)
    shards = sorted((o for o in bpy.data.objects if o.get("story_stage") == "simulate"
                     and o.type == "MESH"), key=lambda o: o.name)
    runs.append(track(scene, shards).tolist())
names = sorted(o.name for o in bpy.data.objects)
actions = sorted(a.name for a in bpy.data.actions)
simulate_stage.clear_simulation(bpy.data)
scene.frame_set(40)
emit({"same": runs[0] == runs[1], "names": names, "actions": actions,
      "after_clear": sorted(o.name for o in bpy.data.objects),
      "glass_back": [round(v, 6) for v in glass.matrix_world.translation],
      "glass_shown": not glass.hide_render,
      "glass_action": glass.animation_data.action.name if glass.animation_data
                      and glass.animation_data.action else None,
      "texts": sorted(t.name for t in bpy.data.texts)})
''', tmp_path, repo_on_path=True)
    assert out["same"], "the same scene and seed must bake bit-identically"
    assert not any(n.endswith(".001") for n in out["names"] + out["actions"])
    assert "My empty" in out["after_clear"]
    assert out["after_clear"] == ["Ground", "My empty", "glass"]
    assert out["glass_back"] == [0.3, -0.2, 1.0] and out["glass_shown"]
    assert out["glass_action"] is None
    assert "PhysicsReport.json" not in out["texts"]


def test_simulating_before_animating_is_a_clear_error(tmp_path):
    out = blender_proc.run('''
import bpy
from addon.blender import simulate_stage
from addon.screenplay import Screenplay
bpy.ops.wm.read_factory_settings(use_empty=True)
try:
    simulate_stage.run_simulate(bpy.data, bpy.context.scene, Screenplay())
except simulate_stage.SimulateError as exc:
    emit(str(exc))
''', tmp_path, repo_on_path=True)
    assert out == "no StagePlan.json in the file: run the animate stage first"


def test_a_bake_that_fails_its_checks_is_retried_with_more_substeps_then_reported(tmp_path):
    out = blender_proc.run(DROP + '''
from addon.blender import physics_world
from addon.physics.paths import Problem
seen = []
def check(self, recording):
    substeps = bpy.context.scene.rigidbody_world.substeps_per_frame
    seen.append(substeps)
    return [] if substeps >= limit else [Problem("glass", 5, "sinks 0.050 m into the floor")]
physics_world.PhysicsPass.check = check
out = {}
for limit in (20, 1000):
    seen.clear()
    scene, glass, sp = scene_with("glass", 0.15)
    report = simulate_stage.run_simulate(bpy.data, scene, sp, seed=3)
    out[str(limit)] = {"substeps": list(seen), "problems": report.problems,
                       "passes": report.passes}
emit(out)
''', tmp_path, repo_on_path=True)
    assert out["20"] == {"substeps": [10, 20], "problems": [], "passes": 2}
    assert out["1000"]["substeps"] == [10, 20, 40]
    assert out["1000"]["problems"] == ["glass at frame 5: sinks 0.050 m into the floor"]
