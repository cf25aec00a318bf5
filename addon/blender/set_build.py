"""Write a `SetPlan` (addon/cast/sets.py) into Blender with the data API only.

No operators, so it runs in `blender -b` and the `bpy` module alike.  What it makes, all tagged
`story_stage="cast"` with `story_id` = the wall ("wall_front": the camera stage hides it),
set piece, dressing prop or spot id, "ground", or "set" (collections, lights, the World):

- collection "Story Set" (story_id "set") with children "Set Structure" (the ground slab, the
  walls "Wall back/left/right/front", set pieces such as a counter or a fountain), "Set
  Dressing" (library props), "Set Lights" and "Set Spots" (one Empty per spot, "Spot door",
  turned the way a person standing there faces; custom property `spot_name`);
- the ground as a slab 0.2 m thick whose top is at z = 0 (a collider Bullet cannot tunnel);
- a World "Story Sky" with the time of day's sky colour, made the scene's world (the World it
  replaces is remembered and handed back by `cleanup.remove_stage`), a Sun outdoors, area
  lights under the ceiling indoors, and lamp lights at night;
- Text "NavMap.json" (story_id "navmap"): `NavGrid.to_dict()` — origin_m [x0, y0] (the
  grid's lower-left corner), cell_m, rows, cols, body_radius_m and `blocked`: base64 of
  numpy.packbits over the row-major cells (rows along +Y), 1 = blocked.  `load_nav()` reads
  it back as a `NavGrid`.
- Text "SetPlan.json" (story_id "setplan"): the rest of the plan (spots, story prop poses,
  held props, supports, lighting) for later stages and `inspect`.

Build into a scene without an earlier set: run `cleanup.remove_stage(bpy.data, "cast")` (or
your stage runner's equivalent) first.
"""
from __future__ import annotations

import json
import logging
import math

from mathutils import Vector

from ..cast.colours import colour_rgb
from ..cast.materials import PRESETS
from ..cast.placement import Box, Pose
from ..cast.props import spec_for
from ..cast.sets import NavGrid, SetPlan
from . import materials_build, props_build
from .cleanup import REPLACED_WORLD_KEY
from .tags import tag

log = logging.getLogger(__name__)

STAGE = "cast"
NAVMAP_TEXT = "NavMap.json"
SETPLAN_TEXT = "SetPlan.json"


def build_set(blend_data, plan: SetPlan, scene=None):
    """Create the set of `plan` in `blend_data` (bpy.data) and link it into `scene` (the
    first scene when None); returns the "Story Set" collection."""
    scene = scene or blend_data.scenes[0]
    root = _collection(blend_data, "Story Set", scene.collection)
    structure = _collection(blend_data, "Set Structure", root)
    dressing = _collection(blend_data, "Set Dressing", root)
    lights = _collection(blend_data, "Set Lights", root)
    spots = _collection(blend_data, "Set Spots", root)
    root["set_place"] = plan.place
    root["set_recipe"] = plan.recipe

    g = plan.ground
    _box_object(blend_data, "Ground", g.box, structure, "ground",
                _material(blend_data, g.material, g.colour))
    for wall in plan.walls:
        _box_object(blend_data, f"Wall {wall.side}", wall.box, structure, f"wall_{wall.side}",
                    _material(blend_data, wall.material, wall.colour))
    for piece in plan.pieces:
        mat = _material(blend_data, piece.material, piece.colour)
        if piece.shape == "cylinder":
            _cylinder_object(blend_data, _title(piece.kind), piece.box, structure, piece.id, mat)
        else:
            _box_object(blend_data, _title(piece.kind), piece.box, structure, piece.id, mat)

    for d in plan.dressing:
        spec = spec_for(d.category, id=d.id, seed=d.seed, size_m=d.size_m,
                        description=d.description)
        obj = props_build.build_prop(blend_data, spec, dressing)
        _pose(obj, d.pose)

    for sid, s in plan.spots.items():
        empty = blend_data.objects.new(f"Spot {sid}", None)
        empty.empty_display_type = "SINGLE_ARROW"
        empty.empty_display_size = 0.4
        # the arrow (+Z) laid down along the facing: front is −Y turned by rot_z
        empty.rotation_euler = (math.pi / 2, 0.0, s.rot_z + math.pi)
        empty.location = (s.x, s.y, 0.0)
        empty["spot_name"] = s.name
        empty["feature"] = list(s.feature)
        tag(empty, STAGE, sid)
        spots.objects.link(empty)

    _lighting(blend_data, plan, scene, lights)

    nav = blend_data.texts.new(NAVMAP_TEXT)
    nav.from_string(json.dumps(plan.nav.to_dict()))
    tag(nav, STAGE, "navmap")
    rest = plan.to_dict()
    rest.pop("nav")
    text = blend_data.texts.new(SETPLAN_TEXT)
    text.from_string(json.dumps(rest, indent=1))
    tag(text, STAGE, "setplan")
    return root


def load_nav(blend_data) -> NavGrid | None:
    """The nav map the cast stage stored, or None when there is none."""
    for text in blend_data.texts:
        if text.get("story_stage") == STAGE and text.get("story_id") == "navmap":
            return NavGrid.from_dict(json.loads(text.as_string()))
    return None


def pose_objects(blend_data, poses: dict[str, Pose], stage: str = STAGE) -> list[str]:
    """Move the tagged objects whose story_id is in `poses` (e.g. `SetPlan.props`) there;
    returns the ids it found."""
    found = []
    for obj in blend_data.objects:
        ident = obj.get("story_id")
        if obj.get("story_stage") == stage and ident in poses and obj.parent is None:
            _pose(obj, poses[ident])
            found.append(ident)
    return found


# --- helpers ---------------------------------------------------------------------------------

def _title(kind: str) -> str:
    return kind.replace("_", " ").capitalize()


def _collection(blend_data, name: str, parent):
    coll = blend_data.collections.new(name)
    tag(coll, STAGE, "set")
    parent.children.link(coll)
    return coll


def _pose(obj, pose: Pose):
    obj.location = (pose.x, pose.y, pose.z)
    obj.rotation_euler = (0.0, 0.0, pose.rot_z)


def _material(blend_data, preset: str, colour: str):
    if preset not in PRESETS:
        log.info("set: no material preset %r; using plaster", preset)
        preset = "plaster"
    rgb = colour_rgb(colour) or PRESETS[preset].base_color
    return materials_build.material(blend_data, preset, rgb)


def _mesh_object(blend_data, name: str, verts, faces, coll, ident: str, material):
    mesh = blend_data.meshes.new(name)
    mesh.from_pydata(verts, [], faces)
    mesh.update()
    if material is not None:
        mesh.materials.append(material)
    tag(mesh, STAGE, ident)
    obj = blend_data.objects.new(name, mesh)
    tag(obj, STAGE, ident)
    coll.objects.link(obj)
    return obj


def _box_object(blend_data, name: str, box: Box, coll, ident: str, material):
    """A box mesh with its origin at the centre of its footprint's base, placed like `box`."""
    hw, hd, h = box.width / 2, box.depth / 2, box.height
    verts = [(-hw, -hd, 0), (hw, -hd, 0), (hw, hd, 0), (-hw, hd, 0),
             (-hw, -hd, h), (hw, -hd, h), (hw, hd, h), (-hw, hd, h)]
    faces = [(0, 3, 2, 1), (4, 5, 6, 7), (0, 1, 5, 4), (1, 2, 6, 5), (2, 3, 7, 6), (3, 0, 4, 7)]
    obj = _mesh_object(blend_data, name, verts, faces, coll, ident, material)
    _pose(obj, box.pose)
    return obj


def _cylinder_object(blend_data, name: str, box: Box, coll, ident: str, material,
                     segments: int = 40):
    """An upright cylinder filling `box` (a fountain's basin), smooth-shaded sides."""
    rx, ry, h = box.width / 2, box.depth / 2, box.height
    verts = []
    for z in (0.0, h):
        for i in range(segments):
            a = 2 * math.pi * i / segments
            verts.append((rx * math.cos(a), ry * math.sin(a), z))
    n = segments
    faces = [tuple(range(n - 1, -1, -1)), tuple(range(n, 2 * n))]
    faces += [(i, (i + 1) % n, n + (i + 1) % n, n + i) for i in range(n)]
    obj = _mesh_object(blend_data, name, verts, faces, coll, ident, material)
    for poly in obj.data.polygons[2:]:
        poly.use_smooth = True
    _pose(obj, box.pose)
    return obj


def _lighting(blend_data, plan: SetPlan, scene, coll):
    L = plan.lighting
    world = blend_data.worlds.new("Story Sky")
    if world.node_tree is None:          # Blender 4.x; 5.x worlds always have nodes
        world.use_nodes = True
    bg = next((n for n in world.node_tree.nodes if n.bl_idname == "ShaderNodeBackground"),
              None)
    if bg is not None:
        bg.inputs["Color"].default_value = (*L.sky_rgb, 1.0)
        bg.inputs["Strength"].default_value = L.sky_strength
    world.color = L.sky_rgb
    if scene.world is not None and scene.world.get("story_stage") != STAGE:
        world[REPLACED_WORLD_KEY] = scene.world.name
    tag(world, STAGE, "set")
    scene.world = world

    for lp in L.lights:
        data = blend_data.lights.new(lp.name, lp.kind)
        data.color = lp.colour
        data.energy = lp.energy
        if lp.kind == "SUN":
            data.angle = math.radians(lp.angle_deg)
        elif lp.kind == "AREA":
            data.size = lp.size_m
        elif lp.kind == "POINT":
            data.shadow_soft_size = lp.size_m
        tag(data, STAGE, "set")
        obj = blend_data.objects.new(lp.name, data)
        obj.location = lp.position
        if lp.aim is not None:
            direction = Vector(lp.aim) - Vector(lp.position)
            if direction.length > 1e-6:
                obj.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()
        tag(obj, STAGE, "set")
        coll.objects.link(obj)
