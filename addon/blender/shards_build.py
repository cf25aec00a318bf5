"""Write Voronoi shards (addon/physics/fracture.py) into Blender as one object per shard.

The simulate stage swaps a breakable prop for its shards at the impact frame, so each shard
must start exactly where its piece of the prop is, and spin about its own centre of mass:
every shard's mesh is centred on its centre of mass and the object sits at the source's
matrix times that point.  Outside faces keep the source's material slots; cut faces get an
"inside" material, a copy of the source's first material made rougher and a little darker
(broken glass is frosted where it broke, ceramic shows its duller body), one per source
material and shared by all its shards ("<material> Inside").  Shards are tagged for the
simulate stage with the source's story id, and carry its physics keys so the rigid-body
builder treats them like props, with the prop's mass shared out by volume.  Visibility and
keyframes are the stage's business, not this module's.  Data API only, so it runs headless.
"""
from __future__ import annotations

import numpy as np

from ..physics.fracture import Shard
from .tags import ID_KEY, tag

STAGE = "simulate"
#: Custom property holding the name an inside material was made under (Blender may add ".001").
INSIDE_KEY = "story_inside_material"
#: Physics keys of a prop (props_build.record_prop) that its shards inherit unchanged.
INHERITED = ("story_category", "story_material", "story_density_kgm3", "story_friction",
             "story_restitution")
DARKEN = 0.8
INSIDE_ROUGHNESS = 0.55


def mesh_arrays(obj) -> tuple[np.ndarray, list[tuple[int, ...]], np.ndarray, np.ndarray]:
    """Vertices (object space), polygons, material index and smooth flag per polygon of a
    mesh object: the input `fracture` takes."""
    mesh = obj.data
    verts = np.zeros(len(mesh.vertices) * 3)
    mesh.vertices.foreach_get("co", verts)
    loops = np.zeros(len(mesh.loops), dtype=np.int64)
    mesh.loops.foreach_get("vertex_index", loops)
    starts = np.zeros(len(mesh.polygons), dtype=np.int64)
    totals = np.zeros(len(mesh.polygons), dtype=np.int64)
    mesh.polygons.foreach_get("loop_start", starts)
    mesh.polygons.foreach_get("loop_total", totals)
    material = np.zeros(len(mesh.polygons), dtype=np.int64)
    mesh.polygons.foreach_get("material_index", material)
    smooth = np.zeros(len(mesh.polygons), dtype=bool)
    mesh.polygons.foreach_get("use_smooth", smooth)
    faces = [tuple(loops[s:s + t].tolist()) for s, t in zip(starts, totals)]
    return verts.reshape(-1, 3), faces, material, smooth


def build_shards(blend_data, source_obj, shards: list[Shard], collection) -> list:
    """One object per shard, named "<source>.shard.NN", linked into `collection`; returns them
    in the order of `shards`.  Remove earlier shards of the source first (they are tagged
    for the simulate stage): Blender would otherwise number the new ones on from the old."""
    story_id = str(source_obj.get(ID_KEY, source_obj.name))
    slots = list(source_obj.data.materials)
    inside = inside_material(blend_data, slots[0] if slots else None, story_id)
    matrix = source_obj.matrix_world.copy()
    scale = abs(float(matrix.to_3x3().determinant()))
    total_volume = sum(s.volume for s in shards)
    source_mass = source_obj.get("story_mass_kg")
    objects = []
    for number, shard in enumerate(shards):
        name = f"{source_obj.name}.shard.{number:02d}"
        mesh = blend_data.meshes.new(name)
        _fill(mesh, shard, slots, inside)
        tag(mesh, STAGE, story_id)
        obj = blend_data.objects.new(name, mesh)
        collection.objects.link(obj)
        obj.matrix_world = matrix @ _translation(shard.centre_of_mass)
        tag(obj, STAGE, story_id)
        for key in INHERITED:
            if key in source_obj:
                obj[key] = source_obj[key]
        obj["story_shard_of"] = source_obj.name
        obj["story_shard_cell"] = int(shard.cell)
        obj["story_volume_m3"] = float(shard.volume * scale)
        if source_mass is not None and total_volume > 0:
            obj["story_mass_kg"] = float(source_mass) * shard.volume / total_volume
        elif "story_density_kgm3" in source_obj:
            obj["story_mass_kg"] = float(source_obj["story_density_kgm3"]) * shard.volume * scale
        obj["story_breakable"] = False                  # shards do not shatter again
        obj["story_collision"] = "convex_hull"          # they lie inside convex cells
        objects.append(obj)
    return objects


def inside_material(blend_data, base, story_id: str):
    """The material for cut faces of shards of a prop whose first material is `base`: a
    rougher, darker copy, made once and shared ("<base> Inside")."""
    name = f"{base.name} Inside" if base is not None else "Story Shard Inside"
    found = next((m for m in blend_data.materials if m.get(INSIDE_KEY) == name), None)
    if found is not None:
        return found
    if base is not None:
        mat = base.copy()
        mat.name = name
    else:
        mat = blend_data.materials.new(name)
        if mat.node_tree is None:                       # Blender 4.x: no nodes until asked
            mat.use_nodes = True
    for key in ("story_stage", "story_id", "story_material"):
        if key in mat:
            del mat[key]                                # a copy must not pass for its base
    rgba = list(mat.diffuse_color)
    mat.diffuse_color = (*(c * DARKEN for c in rgba[:3]), rgba[3])
    mat.roughness = max(float(mat.roughness), INSIDE_ROUGHNESS)
    bsdf = _principled(mat)
    if bsdf is not None:
        colour = bsdf.inputs["Base Color"]
        if not colour.is_linked:
            r, g, b, a = colour.default_value
            colour.default_value = (r * DARKEN, g * DARKEN, b * DARKEN, a)
        rough = bsdf.inputs["Roughness"]
        if not rough.is_linked:
            rough.default_value = max(float(rough.default_value), INSIDE_ROUGHNESS)
    tag(mat, STAGE, story_id)
    mat[INSIDE_KEY] = name
    return mat


def _principled(mat):
    tree = mat.node_tree
    if tree is None:
        return None
    return next((n for n in tree.nodes if n.bl_idname == "ShaderNodeBsdfPrincipled"), None)


def _fill(mesh, shard: Shard, slots, inside) -> None:
    verts = shard.vertices - shard.centre_of_mass
    mesh.from_pydata(verts.tolist(), [], shard.triangles.tolist())
    for mat in slots:
        mesh.materials.append(mat)
    mesh.materials.append(inside)
    index = np.where(shard.inside, len(slots), np.minimum(shard.material, max(len(slots) - 1, 0)))
    mesh.polygons.foreach_set("material_index", index.astype(np.int32))
    mesh.polygons.foreach_set("use_smooth", shard.smooth.astype(bool))
    mesh.update()


def _translation(point):
    from mathutils import Matrix
    return Matrix.Translation(tuple(float(v) for v in point))
