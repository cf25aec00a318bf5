"""The shoot stage in Blender (addon/blender/shoot_stage.py): cameras, cuts, checks, re-runs.

The hug sample is built through the animate stage (no physics: the shoot stage reads what
the earlier stages left, and a hug is the two-person case the camera rules are about), then
shot in a fresh Blender: cameras and bound markers exist, the shot list is written, every
frame has its subject visible and in frame, the projection maths agrees with Blender's own,
and a re-run replaces the stage's cameras but keeps a camera the user added.
"""
from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import blender_proc
import pytest

ROOT = Path(__file__).resolve().parent.parent

SHOOT = '''
import bpy, json, numpy as np
from bpy_extras.object_utils import world_to_camera_view
from mathutils import Vector
from addon.blender import shoot_stage
from addon.blender.screenplay_store import load_screenplay
from addon.shoot.projection import Lens, project

bpy.ops.wm.open_mainfile(filepath=blend)
scene = bpy.context.scene
sp = load_screenplay(bpy.data)
first = shoot_stage.run_shoot(bpy.data, scene, sp, seed=1)

def cameras():
    return sorted(o.name for o in bpy.data.objects
                  if o.type == "CAMERA" and o.get("story_stage") == "shoot")

out = {"report": first.to_dict(), "cameras": cameras(),
       "markers": [[m.name, m.frame, m.camera.name if m.camera else None]
                   for m in sorted(scene.timeline_markers, key=lambda m: m.frame)],
       "shotlist": shoot_stage.shot_list(bpy.data),
       "scene_camera": scene.camera.name if scene.camera else None,
       "view": scene.view_settings.view_transform,
       "world": scene.world.name, "world_stage": scene.world.get("story_stage"),
       "lights": sorted(o.name for o in bpy.data.objects if o.type == "LIGHT"
                        and o.get("story_stage") == "shoot")}

# the focus and lens of the two-shot
two = next(o for o in bpy.data.objects if o.get("story_shot_kind") == "two_shot")
out["two_shot"] = {"lens": two.data.lens, "dof": two.data.dof.use_dof,
                   "focus": two.data.dof.focus_object.name if two.data.dof.focus_object
                   else None, "subtarget": two.data.dof.focus_subtarget}

# our projection against Blender's for one camera and a few points
cam = bpy.data.objects[out["cameras"][0]]
pts = np.array([[0.3, -0.2, 1.5], [-0.5, 0.4, 0.2], [1.0, 1.0, 1.0]])
ours, _ = project(pts, np.array(cam.matrix_world),
                  Lens(cam.data.lens, cam.data.sensor_width, scene.render.resolution_x,
                       scene.render.resolution_y))
theirs = [list(world_to_camera_view(scene, cam, Vector(p)))[:2] for p in pts]
out["projection_error"] = float(np.abs(np.array(ours) - np.array(theirs)).max())

# a user's camera, then the stage again
user = bpy.data.objects.new("My Camera", bpy.data.cameras.new("My Camera"))
scene.collection.objects.link(user)
scene.camera = user
scene.timeline_markers.new("my cut", frame=5)
second = shoot_stage.run_shoot(bpy.data, scene, sp, seed=1)
out["rerun"] = {"cameras": cameras(), "coverage": second.coverage,
                "user_camera": "My Camera" in bpy.data.objects,
                "markers": sorted(m.name for m in scene.timeline_markers),
                "worlds": sorted(w.name for w in bpy.data.worlds),
                "shot_texts": sum(t.name.startswith("ShotList") for t in bpy.data.texts)}
shoot_stage.clear_shoot(bpy.data, scene)
out["cleared"] = {"cameras": cameras(), "scene_camera": scene.camera.name if scene.camera
                  else None, "markers": sorted(m.name for m in scene.timeline_markers),
                  "world": scene.world.name if scene.world else None,
                  "walls_hidden": [o.name for o in bpy.data.objects
                                   if str(o.get("story_id", "")).startswith("wall_")
                                   and (o.hide_render or (o.animation_data and
                                                          o.animation_data.action))],
                  "collections": sorted(c.name for c in bpy.data.collections
                                        if c.get("story_stage") == "shoot")}
bpy.ops.wm.read_homefile(use_empty=True)
try:
    shoot_stage.run_shoot(bpy.data, bpy.context.scene, sp)
    out["unstaged"] = None
except shoot_stage.ShootError as exc:
    out["unstaged"] = str(exc)

# an outdoor night set whose World is black: a graded sky, never black, a sun added
from addon.blender import shoot_light
scene = bpy.context.scene
black = bpy.data.worlds.new("Black")
scene.world = black
coll = bpy.data.collections.new("lights")
scene.collection.children.link(coll)
notes = shoot_light.light_world(bpy.data, scene, {"kind": "outdoor", "lighting": {
    "time_of_day": "night", "sky_rgb": [0.0, 0.0, 0.0], "sky_strength": 0.1}}, coll)
bg = next(n for n in scene.world.node_tree.nodes if n.bl_idname == "ShaderNodeBackground")
ramp = next(n for n in scene.world.node_tree.nodes if n.bl_idname == "ShaderNodeValToRGB")
out["night"] = {"notes": notes, "strength": bg.inputs["Strength"].default_value,
                "ramp": [list(e.color)[:3] for e in ramp.color_ramp.elements],
                "ramp_linked": bg.inputs["Color"].is_linked,
                "suns": sum(o.type == "LIGHT" and o.data.type == "SUN" for o in coll.objects),
                "world": scene.world.name, "replaced": scene.world.get("story_replaced_world")}
emit(out)
'''


@pytest.fixture(scope="module")
def shot(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shoot")
    blend = tmp / "hug.blend"
    cli = shutil.which("story-motion", path=str(Path(sys.executable).parent))
    assert cli, "story-motion is not installed in this environment"
    done = subprocess.run([cli, "build", ROOT / "sample_scenes" / "hug.txt", "-o", blend,
                           "--seed", "1", "--stages", "parse,cast,animate"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return blender_proc.run(SHOOT, tmp, repo_on_path=True, blend=str(blend))


def test_every_shot_has_a_camera_and_a_bound_marker_named_after_its_beat(shot):
    names = [row["shot"] for row in shot["shotlist"]["shots"]]
    assert shot["markers"] == [[row["shot"], row["start_frame"], row["camera"]]
                               for row in shot["shotlist"]["shots"]]
    assert sorted(row["camera"] for row in shot["shotlist"]["shots"]) == shot["cameras"]
    assert names[0] == "establishing"
    assert any(n.startswith("b3 hug") for n in names)
    assert shot["scene_camera"] == shot["shotlist"]["shots"][0]["camera"]


def test_shot_list_covers_the_story_in_order(shot):
    rows = shot["shotlist"]["shots"]
    assert rows[0]["start_frame"] == 1
    for a, b in itertools.pairwise(rows):
        assert b["start_frame"] == a["end_frame"] + 1
        assert a["end_frame"] - a["start_frame"] + 1 >= 23          # no cut under ~1 s
    for row in rows:
        assert {"shot", "camera", "start_frame", "end_frame", "subject", "type"} <= set(row)


def test_subject_visible_and_in_frame_on_every_frame(shot):
    report = shot["report"]
    assert report["coverage"] == 1.0, report["warnings"]
    assert report["frames_checked"] == sum(r["end_frame"] - r["start_frame"] + 1
                                           for r in shot["shotlist"]["shots"])


def test_two_shot_focuses_on_a_head_bone(shot):
    two = shot["two_shot"]
    assert two["dof"] and two["focus"] in ("Anna", "Ben") and two["subtarget"]
    assert 24 <= two["lens"] <= 50


def test_projection_matches_blender(shot):
    assert shot["projection_error"] < 1e-5


def test_light_and_world(shot):
    assert shot["view"] in ("AgX", "Filmic")
    assert shot["world_stage"] == "shoot"
    assert {"Shot Key", "Shot Fill", "Shot Rim"} <= set(shot["lights"])   # indoor three-point


def test_rerun_replaces_its_own_cameras_and_keeps_the_users(shot):
    rerun = shot["rerun"]
    assert rerun["cameras"] == shot["cameras"]          # same names: the old ones are gone
    assert rerun["user_camera"] and "my cut" in rerun["markers"]
    assert len(rerun["markers"]) == len(shot["markers"]) + 1
    assert rerun["shot_texts"] == 1
    assert sum(w.startswith("Story Sky (shots)") for w in rerun["worlds"]) == 1
    assert rerun["coverage"] == shot["report"]["coverage"]
    cleared = shot["cleared"]
    assert cleared["cameras"] == [] and cleared["markers"] == ["my cut"]
    assert cleared["scene_camera"] == "My Camera"
    assert cleared["world"] == "Story Sky"
    assert cleared["walls_hidden"] == [] and cleared["collections"] == []


def test_outdoor_night_world_is_a_graded_sky_that_is_never_black(shot):
    night = shot["night"]
    assert night["ramp_linked"] and night["suns"] == 1
    lum = lambda c: 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    assert min(lum(c) for c in night["ramp"]) * night["strength"] >= 0.01
    assert night["replaced"] == "Black"


def test_nothing_staged_is_a_clear_error(shot):
    assert "run the animate stage first" in shot["unstaged"]


TIMES_OF_DAY = '''
import os, bpy
from addon.blender import set_build, shoot_light
from addon.cast.sets import plan_set
from addon.screenplay import CastMember, Screenplay, Set, Spot

res = {}
for tod in ("dawn", "noon", "dusk", "night"):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    sp = Screenplay(cast=[CastMember("man", "Man")], set=Set(kind="outdoor", place="park",
                    time_of_day=tod, spots=[Spot("centre", "centre")]))
    plan = plan_set(sp, {}, seed=0)
    set_build.build_set(bpy.data, plan, scene)
    coll = bpy.data.collections.new("Story Cameras")
    scene.collection.children.link(coll)
    shoot_light.light_world(bpy.data, scene, plan.to_dict(), coll)
    cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
    coll.objects.link(cam)
    cam.location, cam.rotation_euler = (0.0, -7.0, 1.6), (1.5, 0.0, 0.0)   # ground and sky
    scene.camera = cam
    scene.render.engine = "CYCLES"
    scene.cycles.samples, scene.cycles.use_denoising = 4, False
    scene.render.resolution_x, scene.render.resolution_y = 40, 30
    scene.render.filepath = os.path.join(os.getcwd(), tod + ".png")
    bpy.ops.render.render(write_still=True)
    px = list(bpy.data.images.load(scene.render.filepath).pixels)
    n = len(px) // 4
    res[tod] = [sum(px[i + c] for i in range(0, len(px), 4)) / n for c in range(3)]
emit(res)
'''


def test_time_of_day_sets_the_light_a_viewer_expects(tmp_path):
    """The story's time of day, rendered (AgX, display values): noon is the brightest, night
    the darkest but never black, dawn and dusk warmer than noon, night bluer than noon."""
    rgb = blender_proc.run(TIMES_OF_DAY, tmp_path, repo_on_path=True)
    lum = {t: 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] for t, c in rgb.items()}
    warmth = {t: c[0] / max(c[2], 1e-4) for t, c in rgb.items()}
    print("time of day: luminance", lum, "red/blue", warmth)
    assert lum["noon"] == max(lum.values())
    assert lum["night"] == min(lum.values()) and lum["night"] > 0.01
    assert warmth["dawn"] > warmth["noon"] and warmth["dusk"] > warmth["noon"]
    assert warmth["night"] < warmth["noon"]
