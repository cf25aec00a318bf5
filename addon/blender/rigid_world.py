"""The scene's rigid-body world, the floor collider, and per-material surface physics on bodies.

Everything goes through the data API where Blender has one: a body becomes a rigid body by
being linked into the world's collection (Blender creates its `rigid_body` settings at once, in
the bpy module of 5.0 and 4.5 alike), so no operator, active object or window is needed.  The
world itself has no data-API constructor; `bpy.ops.rigidbody.world_add` only needs the scene in
its context.

Settings come from `addon/physics/world.py`; friction and bounce from `addon/physics/surfaces.py`
through the bounce calibration in `addon/physics/restitution.py`.
"""
from __future__ import annotations

import logging

import bpy

from ..physics import restitution, world
from ..physics.surfaces import pair, surface
from .tags import tag

log = logging.getLogger(__name__)

STAGE = "simulate"
WORLD_COLLECTION = "RigidBodyWorld"
#: Blender collision shapes as the calibration's shape classes.
_SHAPE_KIND = {"SPHERE": "sphere", "BOX": "box"}


def ensure_world(scene, frame_start: int, frame_end: int):
    """The scene's rigid-body world, made if missing, set to our settings and cache range.

    Re-running replaces only the settings, never the bodies already in the world.
    """
    if frame_end < frame_start:
        raise ValueError(f"simulation range {frame_start}..{frame_end} ends before it starts")
    if scene.rigidbody_world is None:
        with bpy.context.temp_override(scene=scene):
            bpy.ops.rigidbody.world_add()
    rbw = scene.rigidbody_world
    if rbw is None:
        raise RuntimeError(f"could not add a rigid-body world to scene {scene.name!r}")
    if rbw.collection is None:
        col = bpy.data.collections.get(WORLD_COLLECTION) or bpy.data.collections.new(
            WORLD_COLLECTION)
        tag(col, STAGE, "world")
        rbw.collection = col
    rbw.enabled = True
    rbw.time_scale = 1.0
    fps = scene.render.fps / scene.render.fps_base
    rbw.substeps_per_frame = world.substeps_for(fps)
    rbw.solver_iterations = world.SOLVER_ITERATIONS
    rbw.use_split_impulse = world.USE_SPLIT_IMPULSE
    if round(fps) != world.FPS:
        log.warning("scene runs at %.3g fps; bounces were calibrated at %d fps", fps, world.FPS)
    scene.use_gravity = True
    scene.gravity = (0.0, 0.0, -world.GRAVITY_MPS2)
    cache = rbw.point_cache
    # The cache refuses an end before its start: widen first, then narrow.
    cache.frame_end = max(cache.frame_end, frame_end)
    cache.frame_start = frame_start
    cache.frame_end = frame_end
    return rbw


def add_rigid_body(obj, scene, *, body_type: str = "ACTIVE", shape: str = "CONVEX_HULL",
                   mass_kg: float | None = None, kinematic: bool = False):
    """Make `obj` a rigid body of `scene`'s world (which must exist: `ensure_world`).

    Linking into the world's collection is Blender's own data-API route; it works without an
    active object or a window, unlike `bpy.ops.rigidbody.object_add`.
    """
    rbw = scene.rigidbody_world
    if rbw is None or rbw.collection is None:
        raise RuntimeError(f"scene {scene.name!r} has no rigid-body world: call ensure_world")
    if obj.type != "MESH":
        raise TypeError(f"{obj.name!r} is a {obj.type}; rigid bodies need a mesh object")
    if obj.name not in rbw.collection.objects:
        rbw.collection.objects.link(obj)
    rb = obj.rigid_body
    if rb is None:                         # not expected; Blender creates it on link
        raise RuntimeError(f"Blender made no rigid body for {obj.name!r}")
    rb.type = body_type
    rb.collision_shape = shape
    rb.kinematic = kinematic
    rb.use_deactivation = world.USE_DEACTIVATION
    if shape == "MESH":
        rb.use_margin = True
        rb.collision_margin = world.MESH_MARGIN_M
    if mass_kg is not None:
        rb.mass = max(float(mass_kg), 1e-3)
    return rb


def add_floor(blend_data, scene, collection, material_name: str, size) -> object:
    """A passive box collider whose top face is at z = 0, `size` (x, y) metres (or a square),
    FLOOR_THICKNESS_M thick.  It is invisible in renders: the set draws the ground itself."""
    import bmesh  # here, not at the top: the bpy module provides it once imported

    sx, sy = (size, size) if isinstance(size, (int, float)) else size
    surface(material_name)                 # fail early on an unknown floor material
    t = world.FLOOR_THICKNESS_M
    mesh = blend_data.meshes.new("Floor collider")
    bm = bmesh.new()
    bmesh.ops.create_cube(bm, size=1.0)
    bmesh.ops.scale(bm, vec=(sx, sy, t), verts=bm.verts)
    bm.to_mesh(mesh)
    bm.free()
    obj = blend_data.objects.new("Floor collider", mesh)
    obj.location = (0.0, 0.0, -t / 2)      # mesh centred on the origin: Bullet's box is too
    collection.objects.link(obj)
    obj.hide_render = True
    obj.display_type = "WIRE"
    tag(mesh, STAGE, "floor")
    tag(obj, STAGE, "floor")
    obj["story_material"] = material_name
    add_rigid_body(obj, scene, body_type="PASSIVE", shape="BOX")
    rb = obj.rigid_body
    rb.friction = surface(material_name).grip
    rb.restitution = world.FLOOR_RESTITUTION
    return obj


def shape_kind(obj) -> str:
    """The calibration's shape class for a body: sphere, box, or hull for everything else."""
    return _SHAPE_KIND.get(obj.rigid_body.collision_shape, "hull")


def apply_surface(obj, preset_name: str, *, floor_preset: str, cor: float | None = None,
                  table=None) -> dict:
    """Set `obj`'s rigid-body friction, restitution and damping for `preset_name` landing on
    a floor of `floor_preset`.  `cor` overrides the preset's real COR on a hard floor (balls).

    Bullet multiplies the two bodies' values; the floor holds restitution 1 and its grip, so
    this body carries the calibrated restitution for the whole pair, and its own grip.  A
    PASSIVE body (a table, a wall) is something hit, like the floor: it gets restitution 1 and
    its grip, so what lands on it bounces as calibrated for the floor.
    Returns what was set and why (target COR, shape class, size) for logs and metrics.
    """
    rb = obj.rigid_body
    if rb is None:
        raise RuntimeError(f"{obj.name!r} is not a rigid body: call add_rigid_body first")
    s = surface(preset_name)
    p = pair(preset_name, floor_preset, cor=cor)
    kind = shape_kind(obj)
    size = max(obj.dimensions)
    if rb.type == "PASSIVE":
        rb.restitution = world.FLOOR_RESTITUTION
    else:
        wanted = restitution.blender_restitution(p.cor, kind, size, table=table)
        rb.restitution = wanted / world.FLOOR_RESTITUTION
    rb.friction = s.grip
    rb.linear_damping = s.linear_damping
    rb.angular_damping = s.angular_damping
    return {"material": preset_name, "floor": floor_preset, "target_cor": p.cor,
            "shape": kind, "size_m": size, "restitution": rb.restitution,
            "friction": rb.friction, "pair_friction": p.friction,
            "break_speed_mps": p.break_speed_mps}
