"""The installed extension with a service chosen in the preferences: Fetch asks a local server
that speaks Meshy's protocol for the story's prop and motions, Build Cast builds the prop from
the download and Animate plays the motion; the key stays out of the .blend; with online access
off nothing is asked and the built-in prop is built; the preferences draw the service fields."""
from __future__ import annotations

import pytest
from service_servers import KEY, MeshyServer
from test_extension_install import INSTALL
from test_sources_build import HUMAN_BVH, box_glb
from test_sources_characters import humanoid  # noqa: F401  (a session fixture)

import blender_proc

STORY = "In the park, a boy kicks the ball."

SNIPPET = INSTALL + '''
install()
import os
bpy.context.preferences.system.use_online_access = ONLINE == "on"
prefs = bpy.context.preferences.addons[MODULE].preferences
prefs.props_provider, prefs.motion_provider = 'MESHY', 'MESHY'
prefs.meshy_url, prefs.meshy_key = URL, KEY
out = {"parse": sorted(bpy.ops.story.parse(text=STORY))}
out["fetch"] = sorted(bpy.ops.story.fetch_sources())
out["status"] = bpy.context.scene.story_motion.last_status
text = bpy.data.texts.get("StorySources.json")
out["sources"] = text.as_string() if text else None
out["cast"] = sorted(bpy.ops.story.cast())
ball = bpy.data.objects.get("ball")
out["ball_file"] = ball.get("story_asset_file") if ball else None
out["ball_category"] = ball.get("story_category") if ball else None
out["animate"] = sorted(bpy.ops.story.animate())
out["actions"] = sorted(str(a.get("story_source")) for a in bpy.data.actions)
path = os.path.join(os.getcwd(), "scene.blend")
bpy.ops.wm.save_as_mainfile(filepath=path, compress=False)
with open(path, "rb") as fh:
    out["key_in_blend"] = KEY.encode() in fh.read()
emit(out)
'''


@pytest.fixture(scope="module")
def extension_zip(tmp_path_factory):
    return blender_proc.load_build_tool().build(tmp_path_factory.mktemp("dist"))


@pytest.fixture
def meshy():
    with MeshyServer() as server:
        server.steps = 0
        server.files["model.glb"] = box_glb((0.22, 0.22, 0.22))
        server.files["motion.bvh"] = HUMAN_BVH.read_bytes()
        yield server


def test_fetch_then_cast_and_animate_use_the_services_models_and_motions(
        tmp_path, extension_zip, meshy):
    out = blender_proc.run(SNIPPET, tmp_path, ZIP=str(extension_zip), STORY=STORY,
                           URL=meshy.api_url, KEY=KEY, ONLINE="on")
    assert out["fetch"] == ["FINISHED"], out["status"]
    assert '"from": "meshy"' in out["sources"]
    assert out["cast"] == ["FINISHED"] and out["ball_file"], out
    assert out["ball_category"] == "ball"
    assert out["animate"] == ["FINISHED"]
    assert any("meshy_kick" in a for a in out["actions"]), out["actions"]
    assert meshy.count("POST", "/openapi/v2/text-to-3d") == 2      # preview, then refine
    assert not out["key_in_blend"], "the API key must stay in the preferences"


def test_with_online_access_off_nothing_is_asked_and_the_built_in_prop_is_built(
        tmp_path, extension_zip, meshy):
    out = blender_proc.run(SNIPPET, tmp_path, ZIP=str(extension_zip), STORY=STORY,
                           URL=meshy.api_url, KEY=KEY, ONLINE="off")
    assert out["fetch"] == ["FINISHED"]
    assert "online access is off" in out["sources"]
    assert out["cast"] == ["FINISHED"] and out["ball_file"] is None
    assert out["ball_category"] == "ball"
    assert meshy.count("POST") == 0 and meshy.count("GET") == 0


def test_a_character_provider_in_the_preferences_gives_the_cast_the_services_rigged_bodies(
        tmp_path, extension_zip, humanoid):  # noqa: F811
    with MeshyServer() as server:
        server.steps = 0
        server.files.update(humanoid)
        out = blender_proc.run(INSTALL + '''
install()
bpy.context.preferences.system.use_online_access = True
prefs = bpy.context.preferences.addons[MODULE].preferences
prefs.character_provider = 'MESHY'
prefs.meshy_url, prefs.meshy_key = URL, KEY
bpy.ops.story.parse(text="Anna waves at Ben.")
out = {"fetch": sorted(bpy.ops.story.fetch_sources()), "cast": sorted(bpy.ops.story.cast()),
       "animate": sorted(bpy.ops.story.animate())}
rigs = [o for o in bpy.data.objects if o.type == "ARMATURE" and o.get("story_stage") == "cast"]
out["rigs"] = sorted(o["story_id"] for o in rigs)
out["mixamo"] = all("mixamorig:Hips" in o.data.bones for o in rigs)
out["status"] = bpy.context.scene.story_motion.last_status
out["rebuild"] = sorted(bpy.ops.story.rebuild_character(cast_id="anna"))
anna = next(o for o in bpy.data.objects if o.type == "ARMATURE" and o.get("story_id") == "anna")
out["rebuilt_mixamo"] = "mixamorig:Hips" in anna.data.bones
out["rebuilt_animated"] = bool(anna.animation_data and anna.animation_data.nla_tracks)
emit(out)
''', tmp_path, ZIP=str(extension_zip), URL=server.api_url, KEY=KEY)
        rigged = server.count("POST", "/openapi/v1/rigging")
    assert out["fetch"] == out["cast"] == out["animate"] == ["FINISHED"], out["status"]
    assert out["rigs"] == ["anna", "ben"] and out["mixamo"]
    assert rigged == 2                                   # the rebuild asked nothing again
    assert out["rebuild"] == ["FINISHED"] and out["rebuilt_mixamo"] and out["rebuilt_animated"]
