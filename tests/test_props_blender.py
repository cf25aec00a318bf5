"""Props and materials written into Blender (addon/blender/props_build.py, materials_build.py).

One fresh Blender process builds all 45 categories, a placeholder and the same glass twice,
and reports what it made as JSON; the tests below check that summary: bounding boxes match the
specs, origins sit on the floor, materials are Principled BSDF node trees (transmissive glass,
metallic metal) shared by name, and the physics and tags are recorded on every object.
"""
from __future__ import annotations

import pytest

import blender_proc
from addon.blender.materials_build import material_name
from addon.story.vocabulary import PROP_CATEGORIES

BUILD_ALL = '''
import time
import bpy
from addon.blender.props_build import build_prop
from addon.cast.props import spec_for
from addon.story.vocabulary import PROP_CATEGORIES

bpy.ops.wm.read_factory_settings(use_empty=True)
col = bpy.data.collections.new("Story Props")
bpy.context.scene.collection.children.link(col)
specs = [spec_for(c, id=c, seed=4) for c in PROP_CATEGORIES]
specs.append(spec_for("guitar", id="guitar", colour="red"))
start = time.perf_counter()
objects = [build_prop(bpy.data, s, col) for s in specs]
seconds = time.perf_counter() - start
twin = build_prop(bpy.data, spec_for("glass", id="glass", seed=4), col)   # the same glass again
bpy.context.view_layer.update()

def principled(mat):
    tree = mat.node_tree
    out = next(n for n in tree.nodes if n.bl_idname == "ShaderNodeOutputMaterial")
    link = out.inputs["Surface"].links[0]
    bsdf = link.from_node
    return {"type": bsdf.bl_idname,
            "transmission": bsdf.inputs["Transmission Weight"].default_value,
            "metallic": bsdf.inputs["Metallic"].default_value,
            "ior": bsdf.inputs["IOR"].default_value,
            "textured": bsdf.inputs["Base Color"].is_linked,
            "tags": [mat.get("story_stage"), mat.get("story_id")]}

report = {}
for spec, obj in zip(specs, objects):
    mesh = obj.data
    corners = [tuple(c) for c in obj.bound_box]
    lo = [min(c[i] for c in corners) for i in range(3)]
    hi = [max(c[i] for c in corners) for i in range(3)]
    sharp = mesh.attributes.get("sharp_edge")
    report[spec.id] = {
        "name": obj.name, "location": list(obj.location), "lo": lo, "hi": hi,
        "spec_lo": list(spec.bounds_m[0]), "spec_hi": list(spec.bounds_m[1]),
        "spec_faces": spec.face_count, "faces": len(mesh.polygons),
        "invalid": mesh.validate(), "in_collection": obj.name in col.objects,
        "slots": [m.name for m in mesh.materials],
        "spec_slots": [[p, list(c)] for p, c in spec.materials.values()],
        "materials": {m.name: principled(m) for m in mesh.materials},
        "used_slots": sorted({p.material_index for p in mesh.polygons}),
        "smooth_faces": sum(p.use_smooth for p in mesh.polygons),
        "sharp_edges": sum(d.value for d in sharp.data) if sharp else 0,
        "props": {k: (obj[k].to_list() if hasattr(obj[k], "to_list") else obj[k])
                  for k in obj.keys() if k.startswith("story_")},
        "mesh_tags": [mesh.get("story_stage"), mesh.get("story_id")],
        "children": [{"type": c.type, "body": getattr(c.data, "body", None),
                      "tags": [c.get("story_stage"), c.get("story_id")],
                      "in_collection": c.name in col.objects,
                      "z": c.matrix_world.translation.z} for c in obj.children],
    }
emit({"props": report, "seconds": seconds, "materials": len(bpy.data.materials),
      "twin": {"name": twin.name, "slots": [m.name for m in twin.data.materials]},
      "version": bpy.app.version_string})
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return blender_proc.run(BUILD_ALL, tmp_path_factory.mktemp("props"), repo_on_path=True)


def test_every_category_becomes_one_object_whose_box_matches_its_spec(built):
    props = built["props"]
    assert set(PROP_CATEGORIES) <= set(props)
    for ident, p in props.items():
        assert p["in_collection"] and p["name"] in (ident, "guitar (placeholder)")
        assert p["location"] == [0.0, 0.0, 0.0]
        for axis in range(3):
            assert p["lo"][axis] == pytest.approx(p["spec_lo"][axis], abs=0.002), ident
            assert p["hi"][axis] == pytest.approx(p["spec_hi"][axis], abs=0.002), ident
        assert p["lo"][2] == pytest.approx(0.0, abs=1e-4), f"{ident}: origin not at its base"
        assert p["faces"] == p["spec_faces"] and p["invalid"] is False


def test_materials_are_principled_node_trees_with_the_right_character(built):
    props = built["props"]
    for ident, p in props.items():
        assert len(p["slots"]) == len(p["spec_slots"]) and p["used_slots"]
        for name, m in p["materials"].items():
            assert m["type"] == "ShaderNodeBsdfPrincipled", f"{ident}: {name}"
            assert m["tags"] == ["cast", "material"]
            assert name.startswith("Story ")
    glass = next(iter(props["glass"]["materials"].values()))
    assert glass["transmission"] == 1.0 and glass["ior"] == pytest.approx(1.5)
    assert next(n for n in props["glass"]["materials"]).startswith("Story Glass ")
    metal = props["street_lamp"]["materials"]
    assert any(m["metallic"] == 1.0 for m in metal.values())
    assert any(m["textured"] for m in props["table"]["materials"].values()), "wood grain"
    chair = next(iter(props["chair"]["materials"].values()))
    assert chair["transmission"] == 0.0


def test_materials_with_the_same_preset_and_colour_are_shared(built):
    props = built["props"]
    assert built["twin"]["slots"] == props["glass"]["slots"]
    assert built["twin"]["name"] != props["glass"]["name"], "a second object, same material"
    names = {material_name(preset, rgb) for p in props.values() for preset, rgb in p["spec_slots"]}
    names.add(material_name("plastic", (0.02, 0.02, 0.02)))        # the placeholder's label
    assert built["materials"] == len(names), "one material per preset and 8-bit colour"
    assert names == {n for p in props.values() for n in p["slots"]} | {"Story Plastic 272727"}


def test_objects_carry_tags_and_physics_for_later_stages(built):
    for ident, p in built["props"].items():
        props = p["props"]
        assert props["story_stage"] == "cast" and props["story_id"] == ident
        assert p["mesh_tags"] == ["cast", ident]
        for key in ("story_category", "story_material", "story_density_kgm3", "story_friction",
                    "story_restitution", "story_breakable", "story_mass_kg",
                    "story_placeholder", "story_collision"):
            assert key in props, f"{ident}: no {key}"
        assert props["story_mass_kg"] > 0 and props["story_density_kgm3"] > 0
    glass = built["props"]["glass"]["props"]
    assert glass["story_breakable"] == 1 and glass["story_material"] == "glass"
    chair = built["props"]["chair"]["props"]
    assert chair["story_breakable"] == 0 and 0.43 <= chair["story_seat_height_m"] <= 0.48
    assert "story_seat_height_m" not in glass and "story_support_top_m" not in glass
    assert built["props"]["table"]["props"]["story_support_top_m"] > 0.7


def test_smooth_walls_split_shading_at_sharp_rims(built):
    glass = built["props"]["glass"]
    assert glass["smooth_faces"] > 0 and glass["sharp_edges"] >= 4 * 36
    assert built["props"]["box"]["smooth_faces"] == 0


def test_a_placeholder_shows_its_label_in_the_render(built):
    guitar = built["props"]["guitar"]
    assert guitar["name"] == "guitar (placeholder)"
    assert guitar["props"]["story_placeholder"] == 1
    assert guitar["props"]["story_category"] == "placeholder"
    (label,) = guitar["children"]
    assert label["type"] == "FONT" and label["body"] == "guitar"
    assert label["tags"] == ["cast", "guitar"] and label["in_collection"]
    assert label["z"] > guitar["hi"][2], "the label stands on top of the box"
    for ident, p in built["props"].items():
        assert p["props"]["story_placeholder"] == (ident == "guitar")

