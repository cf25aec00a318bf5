"""Bring a model file into Blender as a story prop (or a rigged character), fitted and tagged,
or leave nothing behind.

GLB/glTF, FBX and OBJ go through Blender's bundled importers, a .blend through
`bpy.data.libraries.load`.  Whatever the file brings lands in a temporary collection; its meshes
are merged into one object in world space (materials and vertex groups kept by name),
duplicate vertices welded, normals made consistent and outward, custom normals dropped for
smooth-by-angle shading, the mesh decimated to a face budget, and the result fitted by
`assets/normalise.py`: real-world size, standing on z = 0, origin at the base centre, front
towards -Y.  A prop then carries the same tags and physics as a procedural prop
(`props_build`), so the simulate stage treats both alike.  A humanoid armature (a rig
`motion/retarget.py` knows, under any exporter prefix) is kept: its bones are renamed to the
retargeter's names and the merged mesh stays skinned to it.

Any failure (an unreadable file, no mesh, a flat model) removes every datablock the attempt
made and restores the scene's frame settings, then raises one `AssetImportError` that says
which file and why; the caller falls back to the built-in prop.

Motions: `import_motion` samples an FBX's animated armature into a canonical clip
(`assets/armature_motion.py`) and leaves nothing behind; `add_motion_folder` adds a user's
folder of BVH and FBX motions to the motion library.
"""
from __future__ import annotations

import contextlib
import math
import os
from dataclasses import dataclass
from pathlib import Path

import bmesh
import bpy
import numpy as np
from mathutils import Matrix

from ..assets.armature_motion import armature_clip
from ..assets.cache import AssetCache, cache_key, default_folder
from ..assets.catalog import ensure_catalog
from ..assets.library_index import LibraryIndexError, index_folder
from ..assets.normalise import (CHARACTER_FACE_BUDGET, CHARACTER_HEIGHT_M, Fit, Target,
                                Watertight, asset_spec, check_watertight, face_budget, fit,
                                fit_character, physics_for, transform)
from ..assets.rigs import humanoid_renames
from ..cast.props import PropSpec
from ..motion.bvh import BVHError, bvh_to_clip, read_bvh
from ..motion.clip import Clip
from ..motion.library import MotionLibrary, MotionLibraryError, close_loop
from ..motion.retarget import RigError, find_mapping
from .props_build import record_prop
from .tags import tag

STAGE = "cast"
SUFFIXES = (".glb", ".gltf", ".fbx", ".obj", ".blend")
#: Faces meeting at a sharper angle than this keep a hard edge in the smooth shading.
SHARP_ANGLE_DEG = 30.0
#: bpy.data collections an import may add to, users first (removal order).
_KINDS = ("scenes", "objects", "collections", "meshes", "curves", "armatures", "cameras", "lights",
          "actions", "materials", "node_groups", "images", "textures", "worlds", "libraries")
_USED_ONLY = ("materials", "node_groups", "images", "textures")


class AssetImportError(RuntimeError):
    """A model file that could not be imported; nothing of it is left in the file."""


@dataclass
class ImportedModel:
    object: bpy.types.Object               # the merged mesh object
    armature: bpy.types.Object | None      # the humanoid rig it is skinned to, if any
    fit: Fit
    spec: PropSpec | None                  # props: what was recorded on the object
    watertight: Watertight | None          # props: the closed-surface check
    rig: str = ""                          # the retargeter's mapping name ("mixamo"...)
    faces_before: int = 0                  # faces the file had, before decimation
    warnings: tuple[str, ...] = ()


def import_model(path: str | Path, *, story_id: str, label: str, collection,
                 size_m: float | None = None, forward: str = "-Y",
                 budget: int | None = None, blend_object: str = "",
                 height_m: float = CHARACTER_HEIGHT_M) -> ImportedModel:
    """Import the model at `path` for the story's prop or cast member `story_id`.

    `label` is the story's word ("chair"): it decides the usual size, material and face
    budget; `size_m` a stated size (largest dimension), `forward` the model's front as its
    source declares it (Blender axes).  A humanoid rig is fitted `height_m` tall instead.
    `blend_object` names the object or collection of a .blend to take (default: its assets,
    else all its objects).  Raises AssetImportError, with nothing left behind, on any failure.
    """
    path = Path(path)
    data, scene = bpy.data, bpy.context.scene
    with _all_or_nothing(data, scene, path) as kept:
        objects = _read(path, blend_object, data, scene)
        meshes = [o for o in objects if o.type == "MESH" and len(o.data.polygons)]
        if not meshes:
            kinds = sorted({o.type.lower() for o in objects}) or ["nothing"]
            raise AssetImportError(f"it holds no mesh with faces (only {', '.join(kinds)})")
        worlds = [o.matrix_world.copy() for o in meshes]     # before the rig is moved
        rig, rig_warnings = _humanoid(objects)
        name = story_id if rig is None else f"{story_id} body"
        obj = _join(data, meshes, worlds, name, rig and rig[0])
        faces_before = len(obj.data.polygons)
        _clean_normals(obj.data)
        _decimate(data, obj, budget or (CHARACTER_FACE_BUDGET if rig else face_budget(label)))
        if rig is None:
            result = _fit_prop(obj, story_id, label, Target(label, size_m, forward))
        else:
            result = _fit_character(obj, *rig, height_m, forward)
        result.faces_before = faces_before
        result.warnings = rig_warnings + result.warnings
        for block in (obj, obj.data, *obj.data.materials, *_images(obj.data.materials)):
            if block is not None:
                tag(block, STAGE, story_id)
        obj["story_asset_file"] = str(path)
        for keep in filter(None, (obj, result.armature)):
            collection.objects.link(keep)
            kept.append(keep)
        if result.armature is not None:
            tag(result.armature, STAGE, story_id)
            tag(result.armature.data, STAGE, story_id)
    return result


def _fit_prop(obj, story_id: str, label: str, target: Target) -> ImportedModel:
    verts, faces = _geometry(obj.data)
    fitted = fit(verts, target)
    obj.data.transform(Matrix(fitted.matrix.tolist()))
    moved = transform(verts, fitted.matrix)
    check = check_watertight(moved, faces)
    hull = None if check.closed else _hull(moved)
    physics, check, warnings = physics_for(moved, faces, fitted.usual, hull)
    spec = asset_spec(story_id, label, fitted, physics)
    record_prop(obj, spec)
    obj["story_volume_m3"] = float(physics.volume_m3)
    obj["story_watertight"] = check.closed
    return ImportedModel(obj, None, fitted, spec, check,
                         warnings=fitted.warnings + warnings)


def _fit_character(obj, armature, mapping_name: str, height_m: float,
                   forward: str) -> ImportedModel:
    verts = _vertices(obj.data)
    fitted = fit_character(verts, height_m, forward)
    matrix = Matrix(fitted.matrix.tolist())
    obj.data.transform(matrix)
    armature.data.transform(matrix)
    obj["story_rig"] = armature["story_rig"] = mapping_name
    return ImportedModel(obj, armature, fitted, None, None, rig=mapping_name)


# --- reading the file -----------------------------------------------------------------------

def _read(path: Path, blend_object: str, data, scene, animated: bool = False) -> list:
    """Import the file into a temporary collection; returns the new objects."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise AssetImportError(f"unknown model format {path.suffix!r}; known: "
                               f"{', '.join(SUFFIXES)}")
    if not path.is_file():
        raise AssetImportError("the file does not exist")
    temp = data.collections.new(f"story import {path.stem}")
    scene.collection.children.link(temp)
    before = set(data.objects)
    if suffix == ".blend":
        _append_blend(path, blend_object, data, temp)
    else:
        _run_importer(path, suffix, temp, animated)
    bpy.context.view_layer.update()             # world matrices of what came in
    return [o for o in data.objects if o not in before]


def _run_importer(path: Path, suffix: str, temp, animated: bool) -> None:
    layer = bpy.context.view_layer
    previous = layer.active_layer_collection
    layer.active_layer_collection = layer.layer_collection.children[temp.name]
    try:
        if suffix in (".glb", ".gltf"):
            result = bpy.ops.import_scene.gltf(filepath=str(path), disable_bone_shape=True)
        elif suffix == ".fbx":
            result = bpy.ops.import_scene.fbx(filepath=str(path), use_anim=animated)
        else:
            result = bpy.ops.wm.obj_import(filepath=str(path))
    except RuntimeError as error:                 # the importer's own report
        raise AssetImportError(_first_line(error)) from None
    finally:
        layer.active_layer_collection = previous
    if "FINISHED" not in result:
        raise AssetImportError(f"Blender's importer gave up ({', '.join(result)})")


def _append_blend(path: Path, wanted: str, data, temp) -> None:
    try:
        with data.libraries.load(str(path), assets_only=True) as (source, _):
            assets = list(source.objects)
        with data.libraries.load(str(path)) as (source, target):
            if wanted and wanted in source.collections:
                target.collections = [wanted]
            elif wanted and wanted in source.objects:
                target.objects = [wanted]
            elif wanted:
                raise AssetImportError(f"it has no object or collection {wanted!r}; objects: "
                                       f"{', '.join(list(source.objects)[:12])}")
            else:
                target.objects = assets or list(source.objects)
    except OSError as error:
        raise AssetImportError(_first_line(error)) from None
    for obj in target.objects:
        if obj is not None:
            temp.objects.link(obj)
    for coll in target.collections:
        if coll is not None:
            temp.children.link(coll)


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text.removeprefix("Error: ")


def _humanoid(objects) -> tuple[tuple | None, tuple[str, ...]]:
    """(armature object, mapping name) for the first humanoid rig among `objects`, its bones
    renamed to the retargeter's names, at rest and unanimated, in world space; and warnings
    for armatures that are not one (their mesh becomes a static prop)."""
    warnings = []
    for arm in (o for o in objects if o.type == "ARMATURE"):
        names = [b.name for b in arm.data.bones]
        found = humanoid_renames(names)
        if found is None:
            try:
                find_mapping(names)
            except RigError as error:
                warnings.append(f"armature {arm.name!r} is dropped and its mesh kept at rest: "
                                f"{error}")
            continue
        mapping, renames = found
        for old, new in renames.items():
            arm.data.bones[old].name = new        # renames vertex groups and channels too
        arm.animation_data_clear()
        for bone in arm.pose.bones:
            bone.matrix_basis = Matrix.Identity(4)
        world = arm.matrix_world.copy()
        arm.parent = None
        arm.data.transform(world)
        arm.matrix_world = Matrix.Identity(4)
        return (arm, mapping.name), tuple(warnings)
    return None, tuple(warnings)


# --- one clean mesh ------------------------------------------------------------------------

def _join(data, objects, worlds, name: str, armature=None):
    """One new mesh object holding `objects` placed by `worlds` (their world matrices);
    materials and vertex groups are merged by identity and by name.  Skinned to `armature`
    when given."""
    bm = bmesh.new()
    materials: list = []
    groups: list[str] = []
    for obj, world in zip(objects, worlds):
        mesh = obj.data.copy()
        mesh.transform(world)
        if world.determinant() < 0:
            mesh.flip_normals()
        start_v, start_f = len(bm.verts), len(bm.faces)
        bm.from_mesh(mesh)
        data.meshes.remove(mesh)
        bm.verts.ensure_lookup_table()
        bm.faces.ensure_lookup_table()
        slots = [_index(materials, m) for m in obj.data.materials] or [_index(materials, None)]
        if slots != list(range(len(slots))):
            for face in bm.faces[start_f:]:
                face.material_index = slots[min(face.material_index, len(slots) - 1)]
        names = {g.index: _index(groups, g.name) for g in obj.vertex_groups}
        if names and any(k != v for k, v in names.items()):
            layer = bm.verts.layers.deform.verify()
            for vert in bm.verts[start_v:]:
                weights = dict(vert[layer])
                vert[layer].clear()
                for group, weight in weights.items():
                    if group in names:
                        vert[layer][names[group]] = weight
    mesh = data.meshes.new(name)
    bm.to_mesh(mesh)
    bm.free()
    for material in materials if any(materials) else ():
        mesh.materials.append(material)
    joined = data.objects.new(name, mesh)
    for group in groups:
        joined.vertex_groups.new(name=group)
    if armature is not None:
        joined.parent = armature
        joined.modifiers.new("Armature", "ARMATURE").object = armature
    objects[0].users_collection[0].objects.link(joined)    # the import's temporary collection
    return joined


def _index(items: list, item) -> int:
    if item not in items:
        items.append(item)
    return items.index(item)


def _clean_normals(mesh) -> None:
    """Weld split vertices, wind every face outwards, drop custom normals and shade smooth
    with hard edges where faces meet at more than SHARP_ANGLE_DEG."""
    verts = _vertices(mesh)
    size = float(np.ptp(verts, axis=0).max()) if len(verts) else 1.0
    bm = bmesh.new()
    bm.from_mesh(mesh)
    bmesh.ops.remove_doubles(bm, verts=bm.verts, dist=max(size, 1e-6) * 1e-6)
    bmesh.ops.recalc_face_normals(bm, faces=bm.faces)
    bm.to_mesh(mesh)
    bm.free()
    custom = mesh.attributes.get("custom_normal")
    if custom is not None:
        mesh.attributes.remove(custom)
    mesh.polygons.foreach_set("use_smooth", [True] * len(mesh.polygons))
    mesh.set_sharp_from_angle(angle=math.radians(SHARP_ANGLE_DEG))
    mesh.update()


def _decimate(data, obj, budget: int) -> None:
    """Collapse the mesh to at most about `budget` triangles (a Decimate modifier, applied)."""
    triangles = sum(len(p.vertices) - 2 for p in obj.data.polygons)
    if triangles <= budget:
        return
    others = [(m, m.show_viewport) for m in obj.modifiers]
    for modifier, _ in others:
        modifier.show_viewport = False
    decimate = obj.modifiers.new("story decimate", "DECIMATE")
    decimate.ratio = budget / triangles
    depsgraph = bpy.context.evaluated_depsgraph_get()
    depsgraph.update()
    mesh = data.meshes.new_from_object(obj.evaluated_get(depsgraph),
                                       preserve_all_data_layers=True, depsgraph=depsgraph)
    obj.modifiers.remove(decimate)
    for modifier, shown in others:
        modifier.show_viewport = shown
    old, obj.data = obj.data, mesh
    name = old.name
    data.meshes.remove(old)
    mesh.name = name


def _vertices(mesh) -> np.ndarray:
    verts = np.empty(len(mesh.vertices) * 3)
    mesh.vertices.foreach_get("co", verts)
    return verts.reshape(-1, 3)


def _geometry(mesh) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Vertices (N, 3) and polygons (vertex index tuples) of a mesh."""
    corners = np.empty(len(mesh.loops), dtype=np.int64)
    mesh.loops.foreach_get("vertex_index", corners)
    starts = np.empty(len(mesh.polygons), dtype=np.int64)
    mesh.polygons.foreach_get("loop_start", starts)
    totals = np.empty(len(mesh.polygons), dtype=np.int64)
    mesh.polygons.foreach_get("loop_total", totals)
    faces = [tuple(corners[s:s + t]) for s, t in zip(starts.tolist(), totals.tolist())]
    return _vertices(mesh), faces


def _hull(verts: np.ndarray) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """The convex hull (vertices, faces) of points, for weighing an open mesh."""
    bm = bmesh.new()
    for co in verts:
        bm.verts.new(co)
    result = bmesh.ops.convex_hull(bm, input=bm.verts)
    bmesh.ops.delete(bm, geom=[g for g in result["geom_interior"] + result["geom_unused"]
                               if isinstance(g, bmesh.types.BMVert)], context="VERTS")
    bm.verts.index_update()
    hull = (np.array([v.co[:] for v in bm.verts]),
            [tuple(v.index for v in f.verts) for f in bm.faces])
    bm.free()
    return hull


def _images(materials) -> list:
    """Images the materials' node trees use."""
    return [node.image for m in materials if m is not None and m.node_tree
            for node in m.node_tree.nodes if getattr(node, "image", None) is not None]


# --- all or nothing -------------------------------------------------------------------------

@contextlib.contextmanager
def _all_or_nothing(data, scene, path: Path):
    """Yield a list to append the objects to keep.  On success every other datablock the
    import made goes (its temporary collection, the source objects, unused materials); on
    failure all of them go and AssetImportError says which file failed and why.  Either way
    the scene keeps its frame range and rate, which importers may change."""
    before = {kind: set(getattr(data, kind)) for kind in _KINDS}
    render = scene.render
    frames = (scene.frame_start, scene.frame_end, scene.frame_current, render.fps,
              render.fps_base)
    kept: list = []
    try:
        yield kept
    except Exception as error:
        kept.clear()
        reason = str(error) if isinstance(error, AssetImportError) else _first_line(error)
        raise AssetImportError(f"could not import {path.name} ({path}): {reason}. Nothing "
                               f"of it was added to the scene.") from error
    finally:
        _remove_new(data, before, kept)
        scene.frame_start, scene.frame_end = frames[0], frames[1]
        scene.frame_current, render.fps, render.fps_base = frames[2:]


def _remove_new(data, before: dict, kept: list) -> None:
    """Remove what appeared since `before` except `kept` objects and what they use."""
    keep = set(kept)
    for obj in kept:
        keep.update(filter(None, (obj.data, *getattr(obj.data, "materials", ()))))
    doomed = [block for kind in _KINDS if kind not in _USED_ONLY
              for block in getattr(data, kind) if block not in before[kind]
              and block not in keep]
    data.batch_remove(doomed)
    for kind in _USED_ONLY:                      # then what nothing kept uses any more
        unused = [b for b in getattr(data, kind) if b not in before[kind] and b not in keep
                  and b.users - int(b.use_fake_user) == 0]
        data.batch_remove(unused)


# --- motions --------------------------------------------------------------------------------

def import_motion(path: str | Path, *, name: str = "", labels: tuple[str, ...] = ()) -> Clip:
    """The canonical clip of the animated armature in an FBX (or any format Blender imports
    with its animation), sampled at every frame of its action.  Nothing stays in the file
    and the scene keeps its frame settings; AssetImportError says why a file failed."""
    path = Path(path)
    data, scene = bpy.data, bpy.context.scene
    with _all_or_nothing(data, scene, path):
        objects = _read(path, "", data, scene, animated=True)
        rig = next((o for o in objects if o.type == "ARMATURE" and o.animation_data
                    and o.animation_data.action), None)
        if rig is None:
            raise AssetImportError("it holds no animated armature")
        first, last = (round(f) for f in rig.animation_data.action.frame_range)
        fps = scene.render.fps / scene.render.fps_base
        bones = list(rig.data.bones)
        parents = [bones.index(b.parent) if b.parent else -1 for b in bones]
        world = np.array(rig.matrix_world)
        rest = np.array([world @ np.array(b.matrix_local) for b in bones])
        # Step frames in a scene of its own, so the story's scene is not evaluated each frame.
        sampler = data.scenes.new("story motion sampling")
        temp = rig.users_collection[0]
        scene.collection.children.unlink(temp)
        sampler.collection.children.link(temp)
        posed = []
        for frame in range(first, last + 1):
            sampler.frame_set(frame)                  # builds the view layer's depsgraph
            posed_rig = rig.evaluated_get(sampler.view_layers[0].depsgraph)
            world = np.array(posed_rig.matrix_world)
            posed.append([world @ np.array(posed_rig.pose.bones[b.name].matrix) for b in bones])
        try:
            return armature_clip([b.name for b in bones], parents, rest, np.array(posed), fps,
                                 name=name or path.stem, labels=tuple(labels),
                                 source=str(path))
        except ValueError as error:
            raise AssetImportError(str(error)) from None


def add_motion_folder(library: MotionLibrary, folder: str | Path) -> list[str]:
    """Add every BVH and FBX motion of a user's folder (see `assets/library_index.py` for its
    label files) to `library`; returns the clip names.  A clip named like a library clip
    replaces it, as with `MotionLibrary.add_bvh_folder`."""
    try:
        index = index_folder(folder, "motion")
    except LibraryIndexError as error:
        raise MotionLibraryError(str(error)) from None
    if not index.entries:
        raise MotionLibraryError(f"motion folder {folder} holds no .bvh or .fbx files")
    added = []
    for entry in index.entries:
        if entry.path.suffix.lower() == ".bvh":
            try:
                clip = bvh_to_clip(read_bvh(entry.path), name=entry.name, labels=entry.actions)
            except BVHError as error:
                raise MotionLibraryError(str(error)) from None
        else:
            try:
                clip = import_motion(entry.path, name=entry.name, labels=entry.actions)
            except AssetImportError as error:
                raise MotionLibraryError(str(error)) from None
        library.add(close_loop(clip) if "loop" in clip.labels else clip)
        added.append(clip.name)
    return added


# --- the cache as an asset library ------------------------------------------------------------

def save_cached_asset(obj, blend_path: str | Path, provider: str, description: str = "") -> Path:
    """Write `obj` (and what it uses) to `blend_path` as an asset in the catalog
    "Story Motion/<provider>" of that folder, so the Asset Browser lists it once the folder is
    an asset library (`register_asset_library`).  The scene's object is not left marked."""
    blend_path = Path(blend_path)
    catalog = ensure_catalog(blend_path.parent, provider)
    obj.asset_mark()
    try:
        obj.asset_data.catalog_id = catalog
        obj.asset_data.description = description
        obj.asset_data.tags.new(provider, skip_if_exists=True)
        temp = blend_path.with_name(f".{blend_path.name}.{os.getpid()}")
        bpy.data.libraries.write(str(temp), {obj}, compress=True)
        os.replace(temp, blend_path)
    finally:
        obj.asset_clear()
    return blend_path


def load_cached_asset(blend_path: str | Path, *, story_id: str, collection,
                      label: str = "", target: Target | None = None):
    """Append the asset saved by `save_cached_asset`, tagged for `story_id`; with `target`
    (another story's size) it is fitted and its physics recorded again.  Returns the object."""
    data, scene = bpy.data, bpy.context.scene
    path = Path(blend_path)
    with _all_or_nothing(data, scene, path) as kept:
        objects = _read(path, "", data, scene)
        obj = next((o for o in objects if o.type == "MESH"), None)
        if obj is None:
            raise AssetImportError("the cached file holds no mesh")
        obj.asset_clear()
        if target is not None:
            _fit_prop(obj, story_id, label or target.label, target)
        for block in (obj, obj.data, *obj.data.materials, *_images(obj.data.materials)):
            if block is not None:
                tag(block, STAGE, story_id)
        collection.objects.link(obj)
        kept.append(obj)
        for other in objects:
            if other is not obj and other.type == "ARMATURE" and obj.parent == other:
                collection.objects.link(other)
                kept.append(other)
    return obj


def user_cache() -> AssetCache:
    """The extension's asset cache: "cache" in its user folder
    (`bpy.utils.extension_path_user`) when it runs as an installed extension, else the
    command line's folder ($STORY_MOTION_CACHE or ~/.cache/story-motion)."""
    extension = ".".join((__package__ or "").split(".")[:3])
    try:
        return AssetCache(Path(bpy.utils.extension_path_user(extension, create=True)) / "cache")
    except ValueError:                            # the bpy module or a plain add-on
        return AssetCache(default_folder())


def cached_prop(cache: AssetCache, provider: str, prompt: str, params: dict | None, *,
                story_id: str, label: str, collection, size_m: float | None = None,
                forward: str = "-Y"):
    """The prop for a generation request from the cache, or None when it has nothing for it.

    The fitted model is kept beside the download as `<key>.blend`, an asset in the catalog
    "Story Motion/<provider>" (the folder is made an asset library), so the next story loads
    it without importing, fitting or decimating again; it is fitted to this story's size."""
    blend = cache.folder / f"{cache_key(provider, prompt, params)}.blend"
    target = Target(label, size_m, "-Y")
    if blend.is_file():
        return load_cached_asset(blend, story_id=story_id, collection=collection,
                                 label=label, target=target)
    download = cache.get(provider, prompt, params)
    if download is None:
        return None
    model = import_model(download, story_id=story_id, label=label, collection=collection,
                         size_m=size_m, forward=forward)
    save_cached_asset(model.object, blend, provider, prompt)
    register_asset_library(cache.folder)
    return model.object


def register_asset_library(folder: str | Path, name: str = "Story Motion") -> None:
    """Make `folder` an asset library in the preferences (once), so its assets show in the
    Asset Browser."""
    libraries = bpy.context.preferences.filepaths.asset_libraries
    folder = str(Path(folder).resolve())
    if not any(Path(lib.path).resolve() == Path(folder) for lib in libraries):
        libraries.new(name=name, directory=folder)
