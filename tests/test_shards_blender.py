"""Shards written into Blender (addon/blender/shards_build.py), in a fresh Blender process.

The glass is built as the cast stage builds it, moved and turned, read back from its mesh,
fractured and written as shards.  Checked: one object per shard named after the glass, every
origin at its shard's centre of mass (in world space, through the glass's transform), the
glass's material outside and a rougher, darker "Inside" material on cut faces (made once,
shared), simulate-stage tags with the glass's story id, and the prop's mass shared out.
"""
from __future__ import annotations

import pytest

import blender_proc

BUILD = '''
import bpy, math
import numpy as np
from addon.blender.props_build import build_prop
from addon.blender.shards_build import build_shards, mesh_arrays
from addon.cast.props import spec_for
from addon.physics.fracture import fracture
from addon.physics.mass import mass_properties

bpy.ops.wm.read_factory_settings(use_empty=True)
cast = bpy.data.collections.new("Story Props")
bpy.context.scene.collection.children.link(cast)
shards_col = bpy.data.collections.new("Story Shards")
bpy.context.scene.collection.children.link(shards_col)
glass = build_prop(bpy.data, spec_for("glass", id="glass", seed=4), cast)
glass.location = (1.0, -2.0, 0.75)
glass.rotation_euler = (0.3, -0.2, 1.1)
bpy.context.view_layer.update()

verts, faces, material, smooth = mesh_arrays(glass)
shards = fracture(verts, faces, material, 24, seed=8, smooth=smooth)
objects = build_shards(bpy.data, glass, shards, shards_col)
again = build_shards(bpy.data, glass, shards[:2], shards_col)     # a second run, same glass
bpy.context.view_layer.update()

world = np.array(glass.matrix_world)
report = {"count": len(shards), "objects": [], "source_slots": [m.name for m in glass.data.materials],
          "source_mass": glass["story_mass_kg"], "inside_materials": sorted(
              m.name for m in bpy.data.materials if m.get("story_inside_material"))}
base = glass.data.materials[0]
bsdf = lambda m: next(n for n in m.node_tree.nodes if n.bl_idname == "ShaderNodeBsdfPrincipled")
for shard, obj in zip(shards, objects):
    mesh = obj.data
    co = np.zeros(len(mesh.vertices) * 3); mesh.vertices.foreach_get("co", co)
    co = co.reshape(-1, 3)
    tris = np.array([tuple(p.vertices) for p in mesh.polygons])
    mw = np.array(obj.matrix_world)
    co_world = co @ mw[:3, :3].T + mw[:3, 3]
    props = mass_properties(co_world, tris)
    expected_world = shard.vertices @ world[:3, :3].T + world[:3, 3]
    idx = np.zeros(len(mesh.polygons), dtype=np.int64); mesh.polygons.foreach_get("material_index", idx)
    report["objects"].append({
        "name": obj.name, "in_collection": obj.name in shards_col.objects,
        "invalid": mesh.validate(), "faces": len(mesh.polygons), "tris": len(shard.triangles),
        "local_com": mass_properties(co, tris).centre_of_mass.tolist(),
        "origin_to_com": float(np.linalg.norm(props.centre_of_mass - mw[:3, 3])),
        "vertex_error": float(np.abs(co_world - expected_world).max()),
        "slots": [m.name for m in mesh.materials],
        "inside_faces_on_last_slot": bool(np.all((idx == len(mesh.materials) - 1) == shard.inside)),
        "outside_index": sorted(set(idx[~shard.inside].tolist())),
        "tags": [obj.get("story_stage"), obj.get("story_id"), mesh.get("story_stage"), mesh.get("story_id")],
        "mass": obj["story_mass_kg"], "volume": obj["story_volume_m3"], "shard_volume": shard.volume,
        "breakable": obj["story_breakable"], "friction": obj.get("story_friction"),
        "of": obj["story_shard_of"],
    })
inside = bpy.data.materials[report["inside_materials"][0]]
report["inside"] = {"roughness": bsdf(inside).inputs["Roughness"].default_value,
                    "base_roughness": bsdf(base).inputs["Roughness"].default_value,
                    "colour": list(bsdf(inside).inputs["Base Color"].default_value),
                    "base_colour": list(bsdf(base).inputs["Base Color"].default_value),
                    "tags": [inside.get("story_stage"), inside.get("story_id")],
                    "base_tags": [base.get("story_stage"), base.get("story_id")]}
report["again"] = [o.name for o in again]
emit(report)
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return blender_proc.run(BUILD, tmp_path_factory.mktemp("shards"), repo_on_path=True)


def test_one_object_per_shard_named_after_the_glass(built):
    names = [o["name"] for o in built["objects"]]
    assert len(names) == built["count"] >= 24
    assert names == [f"glass.shard.{k:02d}" for k in range(len(names))]
    assert all(o["in_collection"] and not o["invalid"] for o in built["objects"])
    assert all(o["faces"] == o["tris"] for o in built["objects"])
    # A second build never renames or replaces the first (the stage clears old shards first).
    assert len(set(built["again"]) | set(names)) == len(names) + 2


def test_origins_sit_at_centres_of_mass_through_the_glass_transform(built):
    for o in built["objects"]:
        assert max(abs(c) for c in o["local_com"]) < 1e-9
        assert o["origin_to_com"] < 1e-7
        assert o["vertex_error"] < 1e-6                 # float32 vertices in Blender


def test_outside_keeps_the_glass_material_and_cuts_get_the_inside_one(built):
    glass_slot = built["source_slots"][0]
    assert built["inside_materials"] == [f"{glass_slot} Inside"]   # one, shared by all
    for o in built["objects"]:
        assert o["slots"] == [glass_slot, f"{glass_slot} Inside"]
        assert o["inside_faces_on_last_slot"]
        assert o["outside_index"] in ([0], [])
    inside = built["inside"]
    assert inside["roughness"] >= 0.55 > inside["base_roughness"]
    assert all(a < b for a, b in zip(inside["colour"][:3], inside["base_colour"][:3]))
    assert inside["tags"] == ["simulate", "glass"]
    assert inside["base_tags"] == ["cast", "material"]  # the glass's own material untouched


def test_shards_are_tagged_and_share_out_the_mass(built):
    for o in built["objects"]:
        assert o["tags"] == ["simulate", "glass", "simulate", "glass"]
        assert o["of"] == "glass" and o["breakable"] is False
        assert o["friction"] is not None
        assert o["volume"] == pytest.approx(o["shard_volume"], rel=1e-9)   # no scale
    assert sum(o["mass"] for o in built["objects"]) == pytest.approx(built["source_mass"], rel=1e-9)
