"""Model files brought into Blender (addon/blender/asset_import.py).

One Blender process exports small models with Blender's own exporters (a cube as GLB, a
stretched cylinder as FBX and OBJ, a Mixamo-style rig under another prefix, a camera alone, a
flat plane, a .blend holding an asset), imports each as a story prop or character, breaks a
few files on purpose, and reports what it found as JSON; the tests below check that summary.
"""
from __future__ import annotations

import pytest

import blender_proc

IMPORT_ALL = '''
import bpy
from pathlib import Path
from addon.blender.asset_import import (AssetImportError, import_model, load_cached_asset,
                                        register_asset_library, save_cached_asset)
from addon.assets.normalise import Target
from addon.motion.retarget import MAPPINGS, find_mapping

out = Path(folder)
reset = lambda: bpy.ops.wm.read_factory_settings(use_empty=True)


def add(op, **kw):
    op(**kw)
    return bpy.context.object


def textured(obj):
    """A material with a packed 4 x 4 image, so the file brings a material and an image."""
    image = bpy.data.images.new("checker", 4, 4)
    image.pixels = [0.5] * 64
    image.pack()
    material = bpy.data.materials.new("painted")
    if material.node_tree is None:                  # Blender 4.5; 5.0 always has one
        material.use_nodes = True
    node = material.node_tree.nodes.new("ShaderNodeTexImage")
    node.image = image
    bsdf = material.node_tree.nodes["Principled BSDF"]
    material.node_tree.links.new(node.outputs["Color"], bsdf.inputs["Base Color"])
    obj.data.materials.append(material)
    return obj


# --- the files ---
reset()
cube = textured(add(bpy.ops.mesh.primitive_cube_add, size=200.0, location=(500.0, 0.0, -300.0)))
bpy.ops.export_scene.gltf(filepath=str(out / "cube.glb"))
reset()
cyl = add(bpy.ops.mesh.primitive_cylinder_add, radius=0.5, depth=1.0, vertices=256)
cyl.scale, cyl.location = (1.0, 1.0, 3.0), (2.0, 1.0, 4.0)
bpy.ops.export_scene.fbx(filepath=str(out / "cylinder.fbx"))
bpy.ops.wm.obj_export(filepath=str(out / "cylinder.obj"))
reset()
add(bpy.ops.object.camera_add)
bpy.ops.export_scene.gltf(filepath=str(out / "camera.glb"), export_cameras=True)
reset()
textured(add(bpy.ops.mesh.primitive_plane_add, size=1.0))
bpy.ops.export_scene.gltf(filepath=str(out / "plane.glb"))
reset()
box = add(bpy.ops.mesh.primitive_cube_add, size=1.0)
box.scale = (0.5, 0.3, 0.2)
box.name = "crate asset"
box.asset_mark()
add(bpy.ops.object.light_add, type="POINT")
bpy.ops.wm.save_as_mainfile(filepath=str(out / "assets.blend"))
reset()
mixamo = next(m for m in MAPPINGS if m.name == "mixamo")
rig_data = bpy.data.armatures.new("rig")
rig = bpy.data.objects.new("rig", rig_data)
bpy.context.scene.collection.objects.link(rig)
bpy.context.view_layer.objects.active = rig
bpy.ops.object.mode_set(mode="EDIT")
for i, name in enumerate(dict.fromkeys(b for pair in mixamo.bones.values() for b in pair if b)):
    bone = rig_data.edit_bones.new(name.replace("mixamorig:", "mixamorig1:"))
    bone.head, bone.tail = (0.0, 0.0, 7.0 * i), (0.0, 0.0, 7.0 * i + 5.0)
bpy.ops.object.mode_set(mode="OBJECT")
body = add(bpy.ops.mesh.primitive_cube_add, size=1.0)
body.scale, body.location = (40.0, 20.0, 170.0), (0.0, 0.0, 85.0)
bpy.ops.object.transform_apply(scale=True, location=True)
body.vertex_groups.new(name="mixamorig1:Hips").add(list(range(8)), 1.0, "REPLACE")
body.parent = rig
body.modifiers.new("Armature", "ARMATURE").object = rig
rig.scale = (0.01, 0.01, 0.01)
bpy.ops.export_scene.fbx(filepath=str(out / "rig.fbx"))
reset()
bpy.ops.object.armature_add()
crane = bpy.context.object
arm_cube = add(bpy.ops.mesh.primitive_cube_add, size=0.5)
arm_cube.parent = crane
arm_cube.modifiers.new("Armature", "ARMATURE").object = crane
bpy.ops.export_scene.fbx(filepath=str(out / "crane.fbx"))
glb = (out / "cube.glb").read_bytes()
(out / "truncated.glb").write_bytes(glb[: len(glb) // 2])
(out / "corrupt.fbx").write_bytes(b"Kaydara FBX Binary  \\x00\\x1a\\x00" + b"\\xff" * 300)
(out / "corrupt.blend").write_bytes(b"BLENDER-v405" + b"\\x00" * 64)

# --- importing ---
reset()
col = bpy.data.collections.new("Story Props")
bpy.context.scene.collection.children.link(col)


def data_names():
    names = {}
    for attr in dir(bpy.data):
        value = getattr(bpy.data, attr, None)
        if isinstance(value, bpy.types.bpy_prop_collection) and attr != "window_managers":
            names[attr] = sorted(b.name for b in value)
    return names


def summary(result):
    obj = result.object
    verts = [obj.matrix_world @ v.co for v in obj.data.vertices]
    lo = [min(v[i] for v in verts) for i in range(3)]
    hi = [max(v[i] for v in verts) for i in range(3)]
    return {"name": obj.name, "lo": lo, "hi": hi, "location": list(obj.location),
            "faces": len(obj.data.polygons), "faces_before": result.faces_before,
            "closed": result.watertight.closed if result.watertight else None,
            "props": {k: (obj[k].to_list() if hasattr(obj[k], "to_list") else obj[k])
                      for k in obj.keys() if k.startswith("story_")},
            "mesh_tags": [obj.data.get("story_stage"), obj.data.get("story_id")],
            "in_collection": [c.name for c in obj.users_collection],
            "invalid": obj.data.validate(), "warnings": list(result.warnings),
            "custom_normals": obj.data.has_custom_normals,
            "materials": [[m.name, m.get("story_id")] for m in obj.data.materials if m],
            "images": sorted({n.image.get("story_id") for m in obj.data.materials if m
                              for n in m.node_tree.nodes if getattr(n, "image", None)})}


report = {"props": {}, "failures": {}}
for key, file, label, kw in (("cube", "cube.glb", "crate", {}),
                             ("fbx", "cylinder.fbx", "bottle", {"budget": 200}),
                             ("obj", "cylinder.obj", "lamp", {"size_m": 0.9, "forward": "+X"}),
                             ("blend", "assets.blend", "box", {})):
    report["props"][key] = summary(import_model(out / file, story_id=key, label=label,
                                                collection=col, **kw))
crane = import_model(out / "crane.fbx", story_id="crane", label="box", collection=col)
report["crane"] = [crane.armature, list(crane.warnings)]
bpy.data.meshes.remove(crane.object.data)
report["objects"] = sorted(o.name for o in bpy.data.objects)
report["meshes"] = len(bpy.data.meshes)
report["collections"] = sorted(c.name for c in bpy.data.collections)
report["images"] = len(bpy.data.images)
report["leftovers"] = sum(len(getattr(bpy.data, k)) for k in ("libraries", "actions",
                                                               "armatures", "cameras", "lights"))

hero = import_model(out / "rig.fbx", story_id="hero", label="man", collection=col, height_m=1.8)
rig = hero.armature
bpy.context.view_layer.update()
report["character"] = {
    "rig": hero.rig, "armature": rig.name if rig else None,
    "mapping": find_mapping([b.name for b in rig.data.bones]).name,
    "scale": list(rig.matrix_world.to_scale()), "height": hero.object.dimensions.z,
    "groups": [g.name for g in hero.object.vertex_groups],
    "parent": hero.object.parent.name if hero.object.parent else None,
    "modifiers": [(m.type, m.object.name) for m in hero.object.modifiers],
    "tags": [rig.get("story_stage"), rig.get("story_id"), rig.get("story_rig")],
    "actions": len(bpy.data.actions)}

for file in ("truncated.glb", "corrupt.fbx", "corrupt.blend", "camera.glb", "plane.glb",
             "missing.glb", "cube.stl"):
    before = data_names()
    try:
        import_model(out / file, story_id="x", label="chair", collection=col)
        report["failures"][file] = {"error": None}
    except AssetImportError as error:
        after = data_names()
        report["failures"][file] = {
            "error": str(error),
            "changed": {k: [before[k], after[k]] for k in before if before[k] != after[k]}}

# --- the cache as an asset library ---
cached = col.objects["cube"]
save_cached_asset(cached, out / "cache" / "abc.blend", "meshy", "a wooden crate")
report["cache_files"] = sorted(p.name for p in (out / "cache").iterdir())
report["scene_object_marked"] = cached.asset_data is not None
reset()
col = bpy.data.collections.new("Story Props")
bpy.context.scene.collection.children.link(col)
again = load_cached_asset(out / "cache" / "abc.blend", story_id="crate2", collection=col,
                          target=Target("crate", size_m=1.2))
with bpy.data.libraries.load(str(out / "cache" / "abc.blend"), assets_only=True) as (src, _):
    report["assets_in_cache"] = list(src.objects)
register_asset_library(out / "cache")
register_asset_library(out / "cache")
bpy.context.view_layer.update()
report["reloaded"] = {"tags": [again.get("story_stage"), again.get("story_id")],
                      "marked": again.asset_data is not None,
                      "largest": max(again.dimensions), "objects": len(bpy.data.objects),
                      "libraries": [lib.name for lib in
                                    bpy.context.preferences.filepaths.asset_libraries]}

# --- a generation request served from the cache ---
import os
from addon.assets.cache import AssetCache
from addon.blender.asset_import import cached_prop, user_cache
os.environ["STORY_MOTION_CACHE"] = str(out / "user cache")
report["user_cache"] = str(user_cache().folder)
cache = AssetCache(out / "cache2")
cache.put("tripo", "a wooden crate", {"v": 2}, glb, ".glb")
ask = dict(story_id="crate", label="crate", collection=col)
report["miss"] = cached_prop(cache, "tripo", "a wooden crate", {"v": 3}, **ask) is None
first = cached_prop(cache, "tripo", "a wooden crate", {"v": 2}, **ask)
report["first"] = [first.name, sorted(p.suffix for p in cache.folder.iterdir())]
reset()
col = bpy.data.collections.new("Story Props")
bpy.context.scene.collection.children.link(col)
next(p for p in cache.folder.iterdir() if p.suffix == ".glb").unlink()
second = cached_prop(cache, "tripo", "a wooden crate", {"v": 2}, story_id="box2", label="crate",
                     collection=col, size_m=2.0)
bpy.context.view_layer.update()
report["second"] = [second.get("story_id"), max(second.dimensions), second["story_mass_kg"]]
emit(report)
'''


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("assets")
    return blender_proc.run(IMPORT_ALL, tmp, repo_on_path=True, folder=str(tmp))


def test_each_format_becomes_one_fitted_object_on_the_ground(imported):
    props = imported["props"]
    assert imported["objects"] == ["blend", "cube", "fbx", "obj"]     # sources all gone
    assert imported["meshes"] == 4 and imported["collections"] == ["Story Props"]
    assert imported["images"] == 1 and props["cube"]["images"] == ["cube"]
    assert imported["leftovers"] == 0
    assert [m[1] for m in props["cube"]["materials"]] == ["cube"]
    assert props["fbx"]["materials"] == []
    for key, p in props.items():
        assert p["in_collection"] == ["Story Props"] and p["location"] == [0.0, 0.0, 0.0]
        assert p["lo"][2] == pytest.approx(0.0, abs=1e-5), key
        assert (p["lo"][0] + p["hi"][0]) / 2 == pytest.approx(0.0, abs=1e-5), key
        assert (p["lo"][1] + p["hi"][1]) / 2 == pytest.approx(0.0, abs=1e-5), key
        assert p["closed"] and not p["invalid"] and not p["custom_normals"], key
        assert p["props"]["story_stage"] == "cast" and p["props"]["story_id"] == key
        assert p["mesh_tags"] == ["cast", key]


def test_a_rig_that_is_not_a_humanoid_is_dropped_with_a_warning(imported):
    armature, warnings = imported["crane"]
    assert armature is None and "not a humanoid rig" in warnings[0]


def test_sizes_follow_the_category_or_the_stated_size(imported):
    from addon.assets.normalise import usual_prop
    props = imported["props"]
    crate = max(usual_prop("crate").dimensions_m)
    assert max(h - lo for h, lo in zip(props["cube"]["hi"], props["cube"]["lo"])) == \
        pytest.approx(crate, rel=1e-4)                              # 2 m cube -> crate size
    assert props["fbx"]["hi"][2] == pytest.approx(usual_prop("bottle").dimensions_m[2], rel=1e-4)
    assert props["obj"]["hi"][2] == pytest.approx(0.9, rel=1e-4)     # stated: largest side
    assert props["obj"]["props"]["story_category"] == "lamp"


def test_decimated_to_the_budget_with_physics_recorded(imported):
    fbx = imported["props"]["fbx"]
    assert fbx["faces_before"] > 200 >= fbx["faces"] > 50
    physics = fbx["props"]
    assert physics["story_material"] == "glass" and physics["story_breakable"] is True
    assert 0.05 < physics["story_mass_kg"] < 2.0
    assert physics["story_collision"] in ("convex_hull", "box", "sphere")
    assert physics["story_watertight"] is True and physics["story_volume_m3"] > 0
    assert physics["story_asset_file"].endswith("cylinder.fbx")


def test_a_blend_file_gives_its_asset_not_its_other_objects(imported):
    blend = imported["props"]["blend"]
    assert blend["props"]["story_category"] == "box"
    dims = [h - lo for h, lo in zip(blend["hi"], blend["lo"])]
    assert dims[0] / dims[2] == pytest.approx(2.5, rel=1e-3)


def test_a_humanoid_rig_is_kept_and_renamed_for_the_retargeter(imported):
    hero = imported["character"]
    assert hero["rig"] == "mixamo" and hero["mapping"] == "mixamo"
    assert hero["scale"] == pytest.approx([1.0, 1.0, 1.0])
    assert hero["height"] == pytest.approx(1.8, rel=1e-4)
    assert "mixamorig:Hips" in hero["groups"]
    assert hero["parent"] == hero["armature"]
    assert hero["modifiers"] == [["ARMATURE", hero["armature"]]]
    assert hero["tags"] == ["cast", "hero", "mixamo"] and hero["actions"] == 0


@pytest.mark.parametrize("file, words", [("truncated.glb", "Bad GLB"),
                                         ("corrupt.fbx", "Couldn't open"),
                                         ("corrupt.blend", "corrupt.blend"),
                                         ("camera.glb", "no mesh"),
                                         ("plane.glb", "flat"),
                                         ("missing.glb", "does not exist"),
                                         ("cube.stl", "unknown model format")])
def test_a_broken_file_leaves_nothing_and_says_why(imported, file, words):
    failure = imported["failures"][file]
    assert failure["error"] is not None and words in failure["error"]
    assert file in failure["error"] and "Nothing of it was added" in failure["error"]
    assert failure["changed"] == {}


def test_a_cached_model_is_an_asset_in_its_catalog_and_loads_again(imported):
    assert imported["cache_files"] == ["abc.blend", "blender_assets.cats.txt"]
    assert imported["scene_object_marked"] is False
    assert imported["assets_in_cache"] == ["cube"]
    again = imported["reloaded"]
    assert again["tags"] == ["cast", "crate2"] and again["marked"] is False
    assert again["largest"] == pytest.approx(1.2, rel=1e-4) and again["objects"] == 1
    assert again["libraries"].count("Story Motion") == 1


def test_a_cached_request_is_imported_once_then_loaded_fitted(imported):
    assert imported["user_cache"].endswith("user cache")     # not an installed extension
    assert imported["miss"] is True
    assert imported["first"][1] == [".blend", ".glb", ".json", ".txt"]
    story_id, largest, mass = imported["second"]              # the download is gone by now
    assert story_id == "box2" and largest == pytest.approx(2.0, rel=1e-4) and mass > 0


MOTIONS = '''
import json, shutil
import bpy
import numpy as np
from pathlib import Path
from addon.blender.asset_import import AssetImportError, add_motion_folder, import_motion
from addon.motion.bvh import bvh_to_clip, clip_to_bvh, read_bvh
from addon.motion.library import MotionLibrary, MotionLibraryError, load_library

out = Path(folder)
motions = out / "motions"
motions.mkdir()
walk = load_library().by_label("walk")[0]
(out / "walk.bvh").write_text(clip_to_bvh(walk))
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.import_anim.bvh(filepath=str(out / "walk.bvh"), update_scene_fps=True,
                        update_scene_duration=True)
bpy.ops.export_scene.fbx(filepath=str(motions / "walking_slow.fbx"), object_types={"ARMATURE"},
                         add_leaf_bones=False, bake_anim=True)
bpy.ops.wm.read_factory_settings(use_empty=True)
bpy.ops.mesh.primitive_cube_add()
bpy.ops.export_scene.fbx(filepath=str(out / "still.fbx"))
shutil.copy(mixamo_bvh, motions / "greeting.bvh")
(motions / "labels.json").write_text(json.dumps({"greeting.bvh": ["wave"]}))

bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
scene.render.fps, scene.frame_start, scene.frame_end, scene.frame_current = 24, 1, 100, 7


def data_names():
    return {attr: sorted(b.name for b in getattr(bpy.data, attr)) for attr in dir(bpy.data)
            if isinstance(getattr(bpy.data, attr, None), bpy.types.bpy_prop_collection)
            and attr != "window_managers"}


before = data_names()
clip = import_motion(motions / "walking_slow.fbx", labels=("walk",))
reference = bvh_to_clip(read_bvh(out / "walk.bvh"))
report = {"frames": [clip.frames, reference.frames], "fps": [clip.fps, reference.fps],
          "labels": list(clip.labels),
          "error_m": float(np.abs(clip.positions() - reference.positions()).max()),
          "data_unchanged": data_names() == before,
          "scene": [scene.render.fps, scene.frame_start, scene.frame_end, scene.frame_current]}
try:
    import_motion(out / "still.fbx")
except AssetImportError as error:
    report["still"] = str(error)
report["still_unchanged"] = data_names() == before
library = MotionLibrary()
report["added"] = add_motion_folder(library, motions)
report["labels_by_clip"] = {name: list(c.labels) for name, c in library.clips.items()}
(motions / "broken.fbx").write_bytes(b"Kaydara FBX Binary  \\x00\\x1a\\x00" + b"\\xff" * 300)
try:
    add_motion_folder(MotionLibrary(), motions)
except MotionLibraryError as error:
    report["broken"] = str(error)
emit(report)
'''


@pytest.fixture(scope="module")
def motions(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("motions")
    return blender_proc.run(MOTIONS, tmp, repo_on_path=True, folder=str(tmp),
                            mixamo_bvh=str(blender_proc.ROOT / "tests" / "fixtures" /
                                           "mixamo_style.bvh"))


def test_an_fbx_motion_becomes_the_same_clip_as_its_bvh(motions):
    assert motions["frames"][0] == motions["frames"][1]
    assert motions["fps"] == [30.0, 30.0]
    assert motions["labels"][0] == "walk"
    assert motions["error_m"] < 0.01                       # through Blender's FBX and back
    assert motions["data_unchanged"] and motions["scene"] == [24, 1, 100, 7]


def test_a_file_without_animation_is_refused_cleanly(motions):
    assert "no animated armature" in motions["still"] and motions["still_unchanged"]


def test_a_motion_folder_mixes_bvh_and_fbx_with_their_labels(motions):
    assert sorted(motions["added"]) == ["greeting", "walking_slow"]
    labels = motions["labels_by_clip"]
    assert labels["greeting"] == ["wave"] and labels["walking_slow"][0] == "walk"
    assert "broken.fbx" in motions["broken"]
