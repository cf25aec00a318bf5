"""A character in the physics world: capsules that follow the animated body, then a ragdoll.

Three steps, for the simulate stage to call around its own frame loop:

1. `build_bodies` plans the ragdoll (addon/physics/ragdoll.py) from the rig and its skin and
   makes one capsule rigid body per segment, keyed on every frame (their own keys, not
   parenting, which Bullet does not repeat exactly) to follow the evaluated pose, kinematic
   while following: a walking body pushes a box, a kicking foot hits a ball.
2. `switch_to_ragdoll` hands the capsules to the simulation at a frame: `kinematic` keyed off
   there, with the velocity their keys had plus the push, and the joints enabled.  Knees and
   elbows are HINGE constraints; the rest are 6-DoF joints with angular limits and locked
   translation, built as GENERIC_SPRING of Bullet's newer SPRING2 kind with springs of no
   stiffness: they only damp, like a limp body's tissue.  The plain GENERIC kind jittered at
   its limits (measured: a head held at its neck's limit kept moving at 0.2 m/s for seconds).
3. After the caller has stepped the frames in order (`record_matrices` does it),
   `key_rig_from_bodies` keys the rig from where the capsules went, on an NLA track
   "Story Physics" above the animate stage's "Story Motion", so the skinned body falls as the
   ragdoll did and renders without a simulation.  The rig is never driven by the bodies
   live, so following and being followed cannot form a dependency cycle.

Blender builds a constraint's frames from where its bodies are when the simulation starts
(the world's first frame + 1, measured on 4.5 and 5.0), not at rest; the joint limits are
moved by the pose the character has then (`ragdoll.shifted_limits`).  Bullet reads a 6-DoF
joint's angles from object2 relative to object1 column by column, i.e. of the inverse
rotation; the child is therefore object1, so the angles it limits are the plan's.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np
from mathutils import Matrix

from ..motion import quat
from ..motion.retarget import Mapping, find_mapping
from ..physics.ragdoll import RagdollPlan, RigBones, Skin, plan_ragdoll, shifted_limits
from . import keys
from .rigid_world import add_rigid_body
from .tags import tag

log = logging.getLogger(__name__)

STAGE = "simulate"
TRACK = "Story Physics"
MOTION_TRACK = "Story Motion"
CONSTRAINTS_COLLECTION = "RigidBodyConstraints"
FRICTION = 0.8
#: A limp body loses its swing quickly (muscle and clothes); Blender's 0.1 lets limbs flail.
ANGULAR_DAMPING = 0.3
LINEAR_DAMPING = 0.05
#: Damping of the joints' stiffness-free springs (Blender's spring damping): a body at rest
#: settles in about two seconds instead of creeping on.
JOINT_DAMPING = 0.5
#: Per-joint solver iterations: a chain of 16 bodies stretches at the world's setting.
JOINT_ITERATIONS = 40
IK_CONTROLS = ("hand_ik.L", "hand_ik.R", "foot_ik.L", "foot_ik.R")
#: A hinge joint's frame with its columns turned (Y, Z, X): the plan's flexion axis X becomes
#: the Z about which Blender's HINGE turns.
_HINGE_AXES = np.array([[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0],
                        [0.0, 0.0, 0.0, 1.0]])
#: The Anny bone each canonical joint's bone stands in for when another humanoid rig (Mixamo,
#: Rigify, SMPL) is cut into segments: the ragdoll is planned on Anny's names.
_ANNY = {"pelvis": "root", "spine1": "spine04", "spine3": "spine02", "neck": "neck01",
         "head": "head",
         **{f"{side}_{joint}": f"{bone}.{s}" for side, s in (("left", "L"), ("right", "R"))
            for joint, bone in (("shoulder", "upperarm01"), ("elbow", "lowerarm01"),
                                ("wrist", "wrist"), ("hip", "upperleg01"),
                                ("knee", "lowerleg01"), ("ankle", "foot"))}}


@dataclass
class CharacterBodies:
    """One character's capsules and what the later steps need: the frames they follow and
    the world matrices they were keyed to (T, S, 4, 4), the rig's pose on those frames
    (armature space, T, B, 4, 4 over `pose_bones`) and its world matrix (T, 4, 4)."""
    story_id: str
    rig: object
    collection: object
    plan: RagdollPlan
    bodies: dict[str, object]
    frames: np.ndarray
    follow: np.ndarray
    pose_bones: tuple[str, ...]
    pose: np.ndarray
    rig_world: np.ndarray
    joints: list = field(default_factory=list)
    switch_frame: int | None = None

    def objects(self) -> list:
        """The capsule objects in the plan's segment order."""
        return [self.bodies[name] for name in self.plan.names()]

    def frame_index(self, frame: int) -> int:
        """Index of `frame` in the followed frames (clamped: keys hold outside them)."""
        return int(np.clip(frame - self.frames[0], 0, len(self.frames) - 1))


def rig_bones(rig) -> RigBones:
    """The armature's rest bones as plain data (armature space)."""
    bones = list(rig.data.bones)
    index = {b.name: i for i, b in enumerate(bones)}
    return RigBones(tuple(index), tuple(index[b.parent.name] if b.parent else -1 for b in bones),
                    np.array([tuple(b.head_local) for b in bones]),
                    np.array([tuple(b.tail_local) for b in bones]))


def body_skin(body, rig, names: tuple[str, ...]) -> Skin:
    """The skinned mesh at rest in the rig's armature space, with its vertex-group weights
    as (V, K) weights and bone indices into `names` (-1: unused)."""
    mesh = body.data
    co = np.empty(len(mesh.vertices) * 3)
    mesh.vertices.foreach_get("co", co)
    to_rig = np.array(rig.matrix_world.inverted() @ body.matrix_world)
    vertices = co.reshape(-1, 3) @ to_rig[:3, :3].T + to_rig[:3, 3]
    totals = np.empty(len(mesh.polygons), dtype=np.int32)
    mesh.polygons.foreach_get("loop_total", totals)
    corners = np.empty(len(mesh.loops), dtype=np.int32)
    mesh.loops.foreach_get("vertex_index", corners)
    if (totals == totals[0]).all():
        faces = corners.reshape(-1, totals[0])
    else:                                   # mixed polygons: fan-triangulate
        starts = np.concatenate([[0], np.cumsum(totals)[:-1]])
        faces = np.array([[corners[s], corners[s + k], corners[s + k + 1]]
                          for s, n in zip(starts, totals) for k in range(1, n - 1)])
    group_bone = {g.index: names.index(g.name) for g in body.vertex_groups if g.name in names}
    per_vertex = [[(group_bone[g.group], g.weight) for g in v.groups if g.group in group_bone]
                  for v in mesh.vertices]
    width = max(1, max(len(p) for p in per_vertex))
    weights = np.zeros((len(per_vertex), width))
    bones = np.full((len(per_vertex), width), -1, dtype=np.int64)
    for i, pairs in enumerate(per_vertex):
        for k, (b, w) in enumerate(pairs):
            bones[i, k], weights[i, k] = b, w
    return Skin(vertices, faces, weights, bones)


def plan_for(rig, body, total_mass_kg: float | None = None, female: float = 0.5
             ) -> RagdollPlan:
    """The ragdoll plan of a character's rig and skinned body mesh: the built-in (Anny) rig,
    or an imported humanoid rig the retargeter knows, planned under Anny's names."""
    bones = rig_bones(rig)
    skin = body_skin(body, rig, bones.names)
    mapping = find_mapping(bones.names)
    if mapping.name == "anny":
        return plan_ragdoll(bones, skin, total_mass_kg, female)
    anny = _as_anny(bones, mapping)
    plan = plan_ragdoll(anny, skin, total_mass_kg, female)
    real = dict(zip(anny.names, bones.names))          # the stand-ins are left out
    return replace(plan, segments=tuple(
        replace(s, bones=tuple(real[b] for b in s.bones if b in real), anchor=real[s.anchor])
        for s in plan.segments))


def _as_anny(bones: RigBones, mapping: Mapping) -> RigBones:
    """`bones` with the mapped ones under Anny's names, and per hand three stand-in finger
    bones (middle fingertip, index and little finger bases) from the hand and the bone its
    mapping aims it at, since the ragdoll's hand needs them and not every rig has fingers."""
    names = list(bones.names)
    for joint, anny in _ANNY.items():
        names[bones.index(mapping.bones[joint][0])] = anny
    heads, tails, parents = list(bones.heads), list(bones.tails), list(bones.parents)
    forward = np.array([0.0, -1.0, 0.0])             # rigs face -Y at rest
    for side, s in (("left", "L"), ("right", "R")):
        hand, aim = mapping.bones[f"{side}_wrist"]
        base = bones.head(aim)
        along = base - bones.head(hand)
        across = forward - (forward @ along) * along / (along @ along)
        across *= 0.4 * np.linalg.norm(along) / max(np.linalg.norm(across), 1e-9)
        for name, head in ((f"finger3-3.{s}", base), (f"finger2-1.{s}", base + across),
                           (f"finger5-1.{s}", base - across)):
            names.append(name)
            heads.append(head)
            tails.append(head + along)
            parents.append(bones.index(hand))
    return RigBones(tuple(names), tuple(parents), np.array(heads), np.array(tails))


def _capsule_mesh(blend_data, name: str, radius: float, half: float, segments: int = 12,
                  rings: int = 4):
    """A capsule along local Z centred on the origin; its bounds are what Blender sizes the
    CAPSULE shape from (radius = half the X/Y size), so `segments` is a multiple of 4."""
    angles = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    verts = [(0.0, 0.0, half + radius)]
    lat = np.linspace(0.0, np.pi / 2, rings + 1)[1:]
    levels = [(np.sin(a), half + radius * np.cos(a)) for a in lat]
    levels += [(np.sin(a), -half - radius * np.cos(a)) for a in lat[::-1]]
    for s, z in levels:
        verts += [(radius * s * np.cos(t), radius * s * np.sin(t), z) for t in angles]
    verts.append((0.0, 0.0, -half - radius))
    n, last = segments, len(verts) - 1
    faces = [(0, 1 + k, 1 + (k + 1) % n) for k in range(n)]
    for r in range(len(levels) - 1):
        a, b = 1 + r * n, 1 + (r + 1) * n
        faces += [(a + k, b + k, b + (k + 1) % n, a + (k + 1) % n) for k in range(n)]
    base = 1 + (len(levels) - 1) * n
    faces += [(base + (k + 1) % n, base + k, last) for k in range(n)]
    mesh = blend_data.meshes.new(name)
    mesh.from_pydata(verts, [], faces)
    return mesh


def follow_pose(scene, rig, plan: RagdollPlan, frames: np.ndarray):
    """Step `frames` and read the evaluated rig: the capsules' world matrices (T, S, 4, 4)
    (each segment rides on its anchor bone), every segment bone's armature-space matrix
    (T, B, 4, 4) and the rig's world matrix (T, 4, 4)."""
    return follow_poses(scene, [(rig, plan)], frames)[0]


def follow_poses(scene, characters: list[tuple], frames: np.ndarray) -> list[tuple]:
    """`follow_pose` for several (rig, plan) pairs, stepping the frames once for all."""
    setups, reads = [], []
    for rig, plan in characters:
        bone_names = tuple(b for s in plan.segments for b in s.bones)
        rest = {b.name: np.array(b.matrix_local) for b in rig.data.bones}
        offsets = np.array([np.linalg.inv(rest[s.anchor]) @ s.matrix for s in plan.segments])
        anchors = [bone_names.index(s.anchor) for s in plan.segments]
        setups.append((bone_names, offsets, anchors))
        reads.append((rig, [rig.pose.bones[b] for b in bone_names],
                      np.empty((len(frames), len(bone_names), 4, 4)),
                      np.empty((len(frames), 4, 4))))
    for t, frame in enumerate(frames):
        scene.frame_set(int(frame))
        for rig, pose_bones, pose, world in reads:
            world[t] = np.array(rig.matrix_world)
            pose[t] = [np.array(pb.matrix) for pb in pose_bones]
    return [(world[:, None] @ pose[:, anchors] @ offsets[None], bone_names, pose, world)
            for (bone_names, offsets, anchors), (_, _, pose, world) in zip(setups, reads)]


def build_bodies(blend_data, scene, rig, body, collection, story_id: str, frame_start: int,
                 frame_end: int, *, plan: RagdollPlan | None = None,
                 total_mass_kg: float | None = None, female: float = 0.5,
                 followed: tuple | None = None) -> CharacterBodies:
    """Capsule rigid bodies for the character `rig` (skinned `body`) in `collection`, keyed
    to follow its animation over frame_start..frame_end, kinematic throughout (until
    `switch_to_ragdoll`).  The scene needs a rigid-body world (rigid_world.ensure_world).
    `followed` is what `follow_poses` read for this plan, when the caller stepped the frames
    for several characters at once."""
    plan = plan or plan_for(rig, body, total_mass_kg, female)
    frames = np.arange(frame_start, frame_end + 1)
    if followed is None:
        current = scene.frame_current
        followed = follow_pose(scene, rig, plan, frames)
        scene.frame_set(current)
    follow, bone_names, pose, world = followed
    bodies = {}
    for s, segment in enumerate(plan.segments):
        name = f"{rig.name} collider {segment.name}"
        mesh = _capsule_mesh(blend_data, name, segment.capsule.radius_m,
                             segment.capsule.half_length_m)
        obj = blend_data.objects.new(name, mesh)
        collection.objects.link(obj)
        for datablock in (mesh, obj):
            tag(datablock, STAGE, story_id)
        obj["story_segment"] = segment.name
        obj.display_type, obj.hide_render = "WIRE", True
        rb = add_rigid_body(obj, scene, shape="CAPSULE", mass_kg=segment.mass_kg,
                            kinematic=True)
        rb.friction, rb.restitution = FRICTION, 0.0
        rb.angular_damping, rb.linear_damping = ANGULAR_DAMPING, LINEAR_DAMPING
        _key_follow(blend_data, obj, story_id, frames, follow[:, s])
        bodies[segment.name] = obj
    return CharacterBodies(story_id, rig, collection, plan, bodies, frames, follow, bone_names,
                           pose, world)


def _quaternions(rotations: np.ndarray) -> np.ndarray:
    """Quaternions (w, x, y, z) of rotation matrices (T, 3, 3), each on the side of the
    previous one, so linear keys between frames do not swing the long way round."""
    q = quat.from_matrix(rotations)
    for t in range(1, len(q)):
        if q[t] @ q[t - 1] < 0:
            q[t] = -q[t]
    return q


def _key_follow(blend_data, obj, story_id: str, frames: np.ndarray, matrices: np.ndarray):
    action, bag = keys.new_action(blend_data, obj, f"{obj.name} follow", STAGE, story_id)
    obj.rotation_mode = "QUATERNION"
    q = _quaternions(matrices[:, :3, :3])
    for axis in range(3):
        keys.key_curve(bag, "location", axis, "Object Transforms", frames,
                       matrices[:, axis, 3])
    for axis in range(4):
        keys.key_curve(bag, "rotation_quaternion", axis, "Object Transforms", frames,
                       q[:, axis])
    keys.key_curve(bag, "rigid_body.kinematic", 0, "Rigid Body", frames[:1], [1.0],
                   keys.CONSTANT)
    keys.assign(obj, action)


def _fcurve(obj, data_path: str, index: int = 0):
    return next(fc for fc in keys.action_fcurves(obj.animation_data.action)
                if fc.data_path == data_path and fc.array_index == index)


def switch_to_ragdoll(blend_data, scene, bodies: CharacterBodies, frame: int,
                      velocity_mps=(0.0, 0.0, 0.0), *, hit: str | None = None,
                      impulse_ns=(0.0, 0.0, 0.0)) -> list:
    """Make the character a ragdoll from `frame` on.

    The capsules follow the animation through `frame - 1`, reach `frame` with the push added
    (`velocity_mps`, world, on every segment, plus `impulse_ns` / mass on the `hit` segment:
    a punch) and are simulated from there: `kinematic` is keyed off at `frame + 1`, and
    Bullet starts a body from the velocity of its last two keys.  The joints are built now
    (the world and its first frame must be set) and enabled at `frame + 1`.  Returns the
    constraint empties.
    """
    rbw = scene.rigidbody_world
    if rbw is None:
        raise RuntimeError(f"scene {scene.name!r} has no rigid-body world: build it first")
    if bodies.switch_frame is not None:
        raise RuntimeError(f"{bodies.rig.name!r} already became a ragdoll at frame "
                           f"{bodies.switch_frame}")
    first = max(int(bodies.frames[0]), rbw.point_cache.frame_start + 1)
    if not first < frame <= bodies.frames[-1]:
        raise ValueError(f"switch frame {frame} for {bodies.rig.name!r} must lie in "
                         f"{first + 1}..{bodies.frames[-1]} (followed frames, after the "
                         f"simulation's first step)")
    plan = bodies.plan
    if hit is not None and hit not in plan.names():
        raise ValueError(f"hit segment {hit!r} unknown; known: {', '.join(plan.names())}")
    fps = scene.render.fps / scene.render.fps_base
    push = np.asarray(velocity_mps, dtype=float)
    key = frame - int(bodies.frames[0])
    for segment in plan.segments:
        obj = bodies.bodies[segment.name]
        dv = push + (np.asarray(impulse_ns, dtype=float) / segment.mass_kg
                     if segment.name == hit else 0.0)
        for axis in range(3):
            curve = _fcurve(obj, "location", axis)
            curve.keyframe_points[key].co.y += dv[axis] / fps
            curve.update()
        kinematic = _fcurve(obj, "rigid_body.kinematic")
        for f, value in ((frame, 1.0), (frame + 1, 0.0)):
            kinematic.keyframe_points.insert(f, value).interpolation = "CONSTANT"
    bodies.switch_frame = frame
    bodies.joints = _build_joints(blend_data, scene, bodies, frame + 1)
    return bodies.joints


def _constraints_collection(blend_data, scene):
    rbw = scene.rigidbody_world
    if rbw.constraints is None:
        col = blend_data.collections.get(CONSTRAINTS_COLLECTION) or blend_data.collections.new(
            CONSTRAINTS_COLLECTION)
        tag(col, STAGE, "world")
        rbw.constraints = col
    return rbw.constraints


def _empty(blend_data, bodies: CharacterBodies, name: str, matrix: np.ndarray):
    """An empty placed for a constraint, in the character's collection."""
    obj = blend_data.objects.new(name, None)
    bodies.collection.objects.link(obj)
    tag(obj, STAGE, bodies.story_id)
    obj.empty_display_size, obj.hide_render = 0.04, True
    obj.matrix_world = Matrix(matrix.tolist())
    return obj


def _build_joints(blend_data, scene, bodies: CharacterBodies, enable: int) -> list:
    rbw = scene.rigidbody_world
    constraints = _constraints_collection(blend_data, scene)
    # Bullet takes each joint's frames from the bodies' poses at the world's first frame + 1.
    r = bodies.frame_index(rbw.point_cache.frame_start + 1)
    index = {name: i for i, name in enumerate(bodies.plan.names())}
    made = []
    for joint in bodies.plan.joints:
        a, b = index[joint.parent], index[joint.child]
        rest_a, rest_b = bodies.plan.segments[a].matrix, bodies.plan.segments[b].matrix
        in_a = np.linalg.inv(rest_a) @ joint.matrix              # joint frame in A's frame
        now = np.linalg.inv(bodies.follow[r, a]) @ bodies.follow[r, b]
        moved = (now @ np.linalg.inv(np.linalg.inv(rest_a) @ rest_b))[:3, :3]
        start = in_a[:3, :3].T @ moved @ in_a[:3, :3]
        limits = shifted_limits(joint.limits, start).as_array()
        frame = bodies.follow[r, a] @ in_a
        if joint.kind == "hinge":          # Blender's hinge turns about the empty's Z
            frame = frame @ _HINGE_AXES
        obj = _empty(blend_data, bodies, f"{bodies.rig.name} joint {joint.name}", frame)
        constraints.objects.link(obj)       # Blender makes its constraint settings on link
        c = obj.rigid_body_constraint
        if joint.kind == "hinge":
            c.type = "HINGE"
        else:
            c.type, c.spring_type = "GENERIC_SPRING", "SPRING2"
            for axis in "xyz":
                setattr(c, f"use_spring_ang_{axis}", True)
                setattr(c, f"spring_stiffness_ang_{axis}", 0.0)
                setattr(c, f"spring_damping_ang_{axis}", JOINT_DAMPING)
        # Child first (see the module's docstring).
        c.object1, c.object2 = bodies.bodies[joint.child], bodies.bodies[joint.parent]
        c.disable_collisions = True
        c.use_override_solver_iterations, c.solver_iterations = True, JOINT_ITERATIONS
        if joint.kind == "hinge":
            c.use_limit_ang_z = True
            c.limit_ang_z_lower, c.limit_ang_z_upper = limits[0]
        else:
            for k, axis in enumerate("xyz"):
                setattr(c, f"use_limit_lin_{axis}", True)
                setattr(c, f"limit_lin_{axis}_lower", 0.0)
                setattr(c, f"limit_lin_{axis}_upper", 0.0)
                setattr(c, f"use_limit_ang_{axis}", True)
                setattr(c, f"limit_ang_{axis}_lower", limits[k, 0])
                setattr(c, f"limit_ang_{axis}_upper", limits[k, 1])
        _key_enabled(blend_data, obj, bodies.story_id, enable)
        made.append(obj)
    for first, second in bodies.plan.ignored_pairs:
        obj = _empty(blend_data, bodies, f"{bodies.rig.name} no contact {first} {second}",
                     bodies.follow[r, index[first]])
        constraints.objects.link(obj)
        c = obj.rigid_body_constraint
        c.type = "GENERIC"          # no limits: it only keeps the two from colliding
        c.object1, c.object2 = bodies.bodies[first], bodies.bodies[second]
        c.disable_collisions = True
        made.append(obj)
    return made


def _key_enabled(blend_data, obj, story_id: str, enable: int):
    action, bag = keys.new_action(blend_data, obj, f"{obj.name} enable", STAGE, story_id)
    keys.key_curve(bag, "rigid_body_constraint.enabled", 0, "Rigid Body Constraint",
                   [enable - 1, enable], [0.0, 1.0], keys.CONSTANT)
    keys.assign(obj, action)


def record_matrices(scene, objects, frame_start: int, frame_end: int) -> np.ndarray:
    """World matrices (T, N, 4, 4) of `objects` on frame_start..frame_end, stepping the
    frames in order (the only way Blender advances a simulation)."""
    out = np.empty((frame_end - frame_start + 1, len(objects), 4, 4))
    for t, frame in enumerate(range(frame_start, frame_end + 1)):
        scene.frame_set(frame)
        out[t] = [np.array(o.matrix_world) for o in objects]
    return out


def posed_bones(bodies: CharacterBodies, matrices: np.ndarray) -> np.ndarray:
    """Armature-space matrices (T, B, 4, 4) of `bodies.pose_bones` when each segment's bones
    move rigidly with its capsule, whose world matrices are `matrices` (T, S, 4, 4), from
    where they were on the switch frame."""
    n = bodies.frame_index(bodies.switch_frame)
    segment_of = {b: i for i, s in enumerate(bodies.plan.segments) for b in s.bones}
    owner = np.array([segment_of[b] for b in bodies.pose_bones])
    world = bodies.rig_world[n]
    # Each segment's motion since the switch, applied to its bones' pose there.
    moved = matrices @ np.linalg.inv(bodies.follow[n])[None]              # (T, S, 4, 4)
    return np.linalg.inv(world) @ moved[:, owner] @ (world @ bodies.pose[n])[None]


def key_rig_from_bodies(blend_data, bodies: CharacterBodies, matrices: np.ndarray, *,
                        blend_out: int = 0):
    """Key the rig to the ragdoll: `matrices` (T, S, 4, 4) are the capsules' world matrices
    recorded on the switch frame and the T - 1 frames after it.  One action on the track
    "Story Physics" above "Story Motion", holding its last pose, or, with `blend_out`
    frames, fading over them into the story's motion underneath (a get-up); the IK controls
    are keyed off so the keyed bones are what deforms the body.  Returns the action."""
    if bodies.switch_frame is None:
        raise RuntimeError(f"{bodies.rig.name!r} is not a ragdoll: call switch_to_ragdoll")
    frame_start = bodies.switch_frame
    rig = bodies.rig
    target = posed_bones(bodies, matrices)
    names = bodies.pose_bones
    rest = {b.name: np.array(b.matrix_local) for b in rig.data.bones}
    position = {name: i for i, name in enumerate(names)}
    basis = np.empty_like(target)
    for i, name in enumerate(names):
        bone = rig.data.bones[name]
        if bone.parent is None:
            basis[:, i] = np.linalg.inv(rest[name]) @ target[:, i]
        else:
            offset = np.linalg.inv(rest[bone.parent.name]) @ rest[name]
            basis[:, i] = (np.linalg.inv(offset) @ np.linalg.inv(target[:, position[
                bone.parent.name]]) @ target[:, i])
    frames = frame_start + np.arange(len(matrices), dtype=float)
    action, bag = keys.new_action(blend_data, rig, f"{rig.name} ragdoll", STAGE,
                                  bodies.story_id)
    for i, name in enumerate(names):
        rig.pose.bones[name].rotation_mode = "QUATERNION"
        q = _quaternions(basis[:, i, :3, :3])
        path = f'pose.bones["{name}"]'
        for axis in range(4):
            keys.key_curve(bag, f"{path}.rotation_quaternion", axis, name, frames, q[:, axis])
        for axis in range(3):
            keys.key_curve(bag, f"{path}.location", axis, name, frames, basis[:, i, axis, 3])
    for control in IK_CONTROLS:
        if control in rig.pose.bones and "ik" in rig.pose.bones[control]:
            keys.key_curve(bag, f'pose.bones["{control}"]["ik"]', 0, control, frames[:1],
                           [0.0], keys.CONSTANT)
    strip = _place_on_track(rig, action, int(frame_start)).strips[0]
    if blend_out > 0:
        strip.extrapolation = "NOTHING"
        strip.blend_out = min(float(blend_out), strip.frame_end - strip.frame_start)
    return action


def remove_physics_track(rig) -> None:
    """Take the "Story Physics" track off a rig (the simulate stage re-running)."""
    animation = rig.animation_data
    if animation is not None and animation.nla_tracks.get(TRACK) is not None:
        animation.nla_tracks.remove(animation.nla_tracks[TRACK])


def _place_on_track(rig, action, start: int):
    remove_physics_track(rig)
    animation = rig.animation_data or rig.animation_data_create()
    below = animation.nla_tracks.get(MOTION_TRACK)
    track = animation.nla_tracks.new(prev=below) if below is not None else \
        animation.nla_tracks.new()
    track.name = TRACK
    strip = track.strips.new(action.name, start, action)
    if hasattr(strip, "action_slot") and action.slots:
        strip.action_slot = action.slots[0]
    strip.blend_type = "REPLACE"
    strip.extrapolation = "HOLD_FORWARD"
    return track
