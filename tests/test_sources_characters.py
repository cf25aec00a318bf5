"""Characters from a text-to-3D service (addon/sourcing.py, addon/blender/sourced_characters.py):
a local server speaking Meshy's protocol hands out a rigged humanoid (Mixamo bone names, a
skinned body of boxes in a T-pose, made here with bpy).  `story-motion build` generates and
rigs both cast members of the hug story, caches the rigged files, builds them in place of the
built-in bodies and animates, simulates and shoots them like the built-in ones; a second build
asks nothing; offline, or a model without a rig, keeps the built-in characters with a note."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import blender_proc
import pytest
from service_servers import KEY, MeshyServer, TripoServer

from addon import sourcing
from addon.assets.cache import AssetCache
from addon.screenplay import Body, CastMember, Garment, from_json

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "sample_scenes" / "hug.txt"
RIGGING = "/openapi/v1/rigging"
TEXT_TO_3D = "/openapi/v2/text-to-3d"
ALL_STAGES = "parse,cast,animate,simulate,shoot"

HUMANOID = '''
import bpy, bmesh
from pathlib import Path
from mathutils import Vector

out = Path(folder)
bpy.ops.wm.read_homefile(use_empty=True)
# (bone, parent, head, tail, half-thickness of its box) in metres: a T-pose facing -Y, its
# left side at +X, as Mixamo, Meshy and Tripo rig a humanoid.
BONES = [("Hips", None, (0, 0, .95), (0, 0, 1.05), .14),
         ("Spine", "Hips", (0, 0, 1.05), (0, 0, 1.17), .13),
         ("Spine1", "Spine", (0, 0, 1.17), (0, 0, 1.29), .14),
         ("Spine2", "Spine1", (0, 0, 1.29), (0, 0, 1.42), .15),
         ("Neck", "Spine2", (0, 0, 1.42), (0, 0, 1.52), .05),
         ("Head", "Neck", (0, 0, 1.52), (0, 0, 1.70), .09),
         ("HeadTop_End", "Head", (0, 0, 1.70), (0, 0, 1.74), 0)]
for side, s in (("Left", 1), ("Right", -1)):
    BONES += [(f"{side}Shoulder", "Spine2", (s * .03, 0, 1.38), (s * .17, 0, 1.40), .05),
              (f"{side}Arm", f"{side}Shoulder", (s * .17, 0, 1.40), (s * .45, 0, 1.40), .045),
              (f"{side}ForeArm", f"{side}Arm", (s * .45, 0, 1.40), (s * .70, 0, 1.40), .04),
              (f"{side}Hand", f"{side}ForeArm", (s * .70, 0, 1.40), (s * .78, 0, 1.40), .035),
              (f"{side}HandMiddle1", f"{side}Hand", (s * .78, 0, 1.40), (s * .86, 0, 1.40),
               .012),
              (f"{side}UpLeg", "Hips", (s * .1, 0, .93), (s * .1, 0, .52), .07),
              (f"{side}Leg", f"{side}UpLeg", (s * .1, 0, .52), (s * .1, 0, .09), .05),
              (f"{side}Foot", f"{side}Leg", (s * .1, 0, .09), (s * .1, -.12, .03), .04),
              (f"{side}ToeBase", f"{side}Foot", (s * .1, -.12, .03), (s * .1, -.2, .03), .03)]
data = bpy.data.armatures.new("Armature")
rig = bpy.data.objects.new("Armature", data)
bpy.context.scene.collection.objects.link(rig)
bpy.context.view_layer.objects.active = rig
bpy.ops.object.mode_set(mode="EDIT")
for name, parent, head, tail, _ in BONES:
    bone = data.edit_bones.new(f"mixamorig:{name}")
    bone.head, bone.tail = head, tail
    if parent:
        bone.parent = data.edit_bones[f"mixamorig:{parent}"]
bpy.ops.object.mode_set(mode="OBJECT")

limbs = [(n, Vector(h), Vector(t), r) for n, _, h, t, r in BONES if r]
bm = bmesh.new()
for _, head, tail, radius in limbs:              # a box around each bone
    axis = (tail - head).normalized()
    x = axis.cross(Vector((0, 0, 1)) if abs(axis.z) < .9 else Vector((1, 0, 0))).normalized()
    y = axis.cross(x)
    for v in bmesh.ops.create_cube(bm, size=1.0)["verts"]:
        c = v.co.copy()
        v.co = (head + tail) / 2 + axis * c.z * (tail - head).length + (x * c.x + y * c.y) \\
            * 2 * radius
bmesh.ops.subdivide_edges(bm, edges=bm.edges[:], cuts=1, use_grid_fill=True)
mesh = bpy.data.meshes.new("Body")
bm.to_mesh(mesh)
bm.free()
body = bpy.data.objects.new("Body", mesh)
bpy.context.scene.collection.objects.link(body)


def gap(p, limb):                                # how far outside the limb's box-ish hull
    _, a, b, radius = limb
    t = max(0.0, min(1.0, (p - a).dot(b - a) / (b - a).length_squared))
    return (p - a - (b - a) * t).length - radius


groups = {n: body.vertex_groups.new(name=f"mixamorig:{n}") for n, *_ in limbs}
for v in mesh.vertices:
    groups[min(limbs, key=lambda limb: gap(v.co, limb))[0]].add([v.index], 1.0, "REPLACE")
body.select_set(True)                            # the unrigged model: the mesh alone
bpy.ops.export_scene.gltf(filepath=str(out / "model.glb"), use_selection=True)
body.parent = rig
body.modifiers.new("Armature", "ARMATURE").object = rig
bpy.ops.export_scene.gltf(filepath=str(out / "rig.glb"))
emit(len(mesh.vertices))
'''

LOOK = '''
import bpy, numpy as np
from addon.blender import body_physics_build
from addon.motion.retarget import find_mapping

bpy.ops.wm.open_mainfile(filepath=blend)
scene = bpy.context.scene
rigs = {o["story_id"]: o for o in bpy.data.objects
        if o.type == "ARMATURE" and o.get("story_stage") == "cast"}
frames = list(range(scene.frame_start, scene.frame_end + 1, 4))
out = {}
for cid, rig in rigs.items():
    mapping = find_mapping([b.name for b in rig.data.bones])
    skin = next(o for o in bpy.data.objects if o.get("story_id") == cid
                and "story_garments" in o)
    plan = body_physics_build.plan_for(rig, skin)
    strips = rig.animation_data.nla_tracks["Story Motion"].strips
    out[cid] = {"mapping": mapping.name, "bones": mapping.bones, "skin_parent": skin.parent.name,
                "height_m": rig.get("story_height_m"),
                "objects": sorted(o.name for o in rig.users_collection[0].objects),
                "segments": [[s.name, list(s.bones)] for s in plan.segments],
                "bone_names": [b.name for b in rig.data.bones],
                "beats": {s.action.get("story_beat"): [s.frame_start, s.frame_end]
                          for s in strips if s.action.get("story_beat")},
                "frames": frames, "joints": [], "lowest": []}
for frame in frames:
    scene.frame_set(frame)
    depsgraph = bpy.context.evaluated_depsgraph_get()
    for cid, rig in rigs.items():
        bones = out[cid]["bones"]
        world = rig.matrix_world
        out[cid]["joints"].append({j: list(world @ rig.pose.bones[bones[j][0]].head)
                                   for j in ("pelvis", "spine3", "left_wrist", "right_wrist",
                                             "left_ankle", "right_ankle")})
        skin = next(o for o in bpy.data.objects if o.get("story_id") == cid
                    and "story_garments" in o)
        mesh = skin.evaluated_get(depsgraph).to_mesh()
        co = np.array([tuple(skin.matrix_world @ v.co) for v in mesh.vertices])
        out[cid]["lowest"].append(float(co[:, 2].min()))
        skin.evaluated_get(depsgraph).to_mesh_clear()
emit(out)
'''


@pytest.fixture(scope="session")
def humanoid(tmp_path_factory) -> dict[str, bytes]:
    """A rigged humanoid GLB ("rig.glb", what the rigging task returns) and its unrigged
    mesh ("model.glb", what text-to-3D returns)."""
    folder = tmp_path_factory.mktemp("humanoid")
    blender_proc.run(HUMANOID, folder, folder=str(folder))
    return {name: (folder / name).read_bytes() for name in ("model.glb", "rig.glb")}


@pytest.fixture
def meshy(humanoid):
    with MeshyServer() as server:
        server.steps = 0                       # every task is done at its first poll
        server.files.update(humanoid)
        yield server


def build(tmp_path, *args, stages="parse,cast", env=None, name="scene"):
    cli = shutil.which("story-motion", path=str(Path(sys.executable).parent))
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("MESHY", "STORY_MOTION_MESHY"))}
    done = subprocess.run([cli, "build", str(STORY), "-o", str(tmp_path / f"{name}.blend"),
                           "--stages", stages, "--cache", str(tmp_path / "cache"),
                           "--provider", "character=meshy", *map(str, args)],
                          capture_output=True, text=True, timeout=600,
                          env={**environ, **(env or {})})
    return done, (json.loads(done.stdout) if done.returncode == 0 else None)


def meshy_env(server) -> dict:
    return {"STORY_MOTION_MESHY_URL": server.api_url, "MESHY_API_KEY": KEY}


def _distance(a, b) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


def test_both_cast_members_come_from_the_service_rigged_and_play_the_story(tmp_path, meshy):
    done, out = build(tmp_path, "--online", stages=ALL_STAGES, env=meshy_env(meshy))
    assert done.returncode == 0, done.stderr[-3000:]
    assert KEY not in done.stderr
    assert sorted(out["sources"]["characters"]) == ["anna", "ben"]
    assert all(c["from"] == "meshy" for c in out["sources"]["characters"].values())
    assert all(c["source"] == "meshy" and c["garments"] == []
               for c in out["cast"]["characters"].values())
    rigs = [r.json() for r in meshy.requests if r.method == "POST" and r.path == RIGGING]
    assert [r["height_meters"] for r in rigs] == [1.63, 1.76]       # asked once each
    previews = [r.json() for r in meshy.requests if r.method == "POST"
                and r.path == TEXT_TO_3D and r.json()["mode"] == "preview"]
    assert [p["pose_mode"] for p in previews] == ["t-pose", "t-pose"]
    assert "woman" in previews[0]["prompt"] and "man" in previews[1]["prompt"]
    assert out["simulate"]["problems"] == [] and out["shoot"]["shots"]
    look = blender_proc.run(LOOK, tmp_path / "look", repo_on_path=True,
                            blend=str(tmp_path / "scene.blend"))
    hug = next(b["id"] for b in out["screenplay"]["beats"] if b["action"] == "hug")
    for cid, name in (("anna", "Anna"), ("ben", "Ben")):
        rig = look[cid]
        assert rig["mapping"] == "mixamo" and "mixamorig:Hips" in rig["bone_names"]
        # the built-in body, clothes and hair are gone: the service's skin on its rig
        assert rig["objects"] == [name, f"{cid} body"] and rig["skin_parent"] == name
        # capsules for simulate are cut from the imported skin, on the imported bones
        assert len(rig["segments"]) == 16
        assert all(b in rig["bone_names"] for _, bones in rig["segments"] for b in bones)
        # standing on the floor, in the story's height, all along
        assert max(abs(z) for z in rig["lowest"]) < 0.06, rig["lowest"]
        ankles = [min(j["left_ankle"][2], j["right_ankle"][2]) for j in rig["joints"]]
        assert max(ankles) < 0.15, ankles
        assert hug in rig["beats"]
    # the hug brings Anna's hands round Ben's back: far from his chest before, close during
    anna, ben = look["anna"], look["ben"]
    start, end = anna["beats"][hug]
    during = [k for k, f in enumerate(anna["frames"]) if start + 0.4 * (end - start) <= f
              <= start + 0.7 * (end - start)]
    reach = [max(_distance(anna["joints"][k][w], ben["joints"][k]["spine3"])
                 for w in ("left_wrist", "right_wrist")) for k in range(len(anna["frames"]))]
    assert reach[0] > 1.0 and max(reach[k] for k in during) < 0.4, reach
    walked = _distance(anna["joints"][0]["pelvis"], anna["joints"][during[0]]["pelvis"])
    assert walked > 0.5


def test_a_second_build_takes_the_rigged_characters_from_the_cache(tmp_path, meshy):
    done, out = build(tmp_path, "--online", env=meshy_env(meshy))
    assert done.returncode == 0, done.stderr[-3000:]
    posts = meshy.count("POST")
    assert meshy.count("POST", RIGGING) == 2 and posts == 6      # preview, refine, rig each
    done, out = build(tmp_path, "--online", env=meshy_env(meshy), name="again")
    assert done.returncode == 0, done.stderr[-3000:]
    assert meshy.count("POST") == posts
    assert sorted(out["sources"]["characters"]) == ["anna", "ben"]
    assert any("ben: built from" in note for note in out["sources"]["notes"])


def test_offline_the_built_in_characters_are_used_with_a_note(tmp_path, meshy):
    done, out = build(tmp_path, env=meshy_env(meshy))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "online access is off" in done.stderr and "built-in characters" in done.stderr
    assert meshy.count("POST") == 0 and out["sources"]["characters"] == {}


def test_a_model_without_a_humanoid_rig_keeps_the_built_in_character(tmp_path, meshy,
                                                                      humanoid):
    meshy.files["rig.glb"] = humanoid["model.glb"]          # the rigging "forgot" the rig
    done, out = build(tmp_path, "--online", env=meshy_env(meshy))
    assert done.returncode == 0, done.stderr[-3000:]
    kept = [n for n in out["sources"]["notes"] if "no humanoid rig" in n]
    assert len(kept) == 2 and all("built-in character is used" in n for n in kept)


def test_tripo_rigs_each_member_with_mixamo_names_and_the_cache_keeps_it(tmp_path):
    screenplay = from_json(json.dumps({"version": 1, "cast": [
        {"id": "kid", "name": "Mia", "body": {"sex": "female", "age_years": 8,
                                              "height_m": 1.25}}]}))
    cache = AssetCache(tmp_path / "cache")
    with TripoServer() as tripo:
        tripo.steps = 0
        overrides = {"tripo": {"base_url": tripo.api_url, "api_key": KEY,
                               "poll_interval_s": 0.01, "poll_max_interval_s": 0.01}}
        fetched = sourcing.fetch(screenplay, {"character": "tripo"}, cache, online=True,
                                 overrides=overrides)
        kinds = [r.json()["type"] for r in tripo.requests if r.method == "POST"]
        assert kinds == ["text_to_model", "animate_prerigcheck", "animate_rig"]
        rig = [r.json() for r in tripo.requests if r.method == "POST"][-1]
        assert rig["spec"] == "mixamo"
        again = sourcing.fetch(screenplay, {"character": "tripo"}, cache, online=True,
                               overrides=overrides)
        assert len([r for r in tripo.requests if r.method == "POST"]) == 3
    source = fetched.characters["kid"]
    assert source.origin == "tripo" and source.params["rigged"] and source.path.is_file()
    assert again.characters["kid"].path == source.path
    assert sourcing.Fetched.from_dict(json.loads(json.dumps(fetched.to_dict()))) == fetched


def test_a_character_is_asked_for_in_the_storys_words():
    said = CastMember("tom", "Tom", "Tom, a tall young man in a blue jacket",
                      Body("male", 25, 1.9, "average"), [Garment("top", "jacket", "blue"),
                                                        Garment("bottom", "jeans", "black")],
                      ["hat"])
    prompt = sourcing.character_prompt(said)
    assert prompt.startswith("Tom, a tall young man in a blue jacket wearing black jeans "
                             "with hat")
    assert "T-pose" in prompt
    named = CastMember("gran", "Gran", "Gran", Body("female", 80, 1.6, "slim"))
    assert sourcing.character_prompt(named).startswith("an old slim woman ")
    child = CastMember("kid", "Kid", "", Body("unknown", 6, 1.1, "average"))
    assert sourcing.character_prompt(child).startswith("a child ")
