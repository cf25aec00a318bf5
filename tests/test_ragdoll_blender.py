"""A character in Blender's physics world (addon/blender/body_physics_build.py).

One man sways and steps forward for 20 frames, kicking a box on the way, then is pushed
backwards at 2 m/s (and hit in the chest) and falls as a ragdoll onto a thick passive floor.
The scene runs twice, in two processes; the tests read both runs' measurements.
"""
from __future__ import annotations

import numpy as np
import pytest

import blender_proc

START, SWITCH, END = 1, 20, 120
PUSH_MPS = (0.0, 2.0, 0.0)          # the man faces -Y: +Y is backwards
CHEST_IMPULSE_NS = (0.0, 8.0, 0.0)

SCENE = '''
import time
t0 = time.perf_counter()
import bpy
import numpy as np
from addon.blender import body_physics_build as bpb
from addon.blender.animate_build import place_strips, rig_rest, write_action
from addon.blender.character_build import build_character
from addon.blender.rigid_world import add_floor, add_rigid_body, ensure_world
from addon.cast.body import plan_body
from addon.cast.body_kit import load_kit
from addon.cast.outfit import plan_outfit
from addon.motion import quat
from addon.motion.clip import Clip
from addon.motion.retarget import Retargeter
from addon.motion.skeleton import INDEX, REST_PELVIS_HEIGHT
from addon.physics.ragdoll import RigBones, Skin, plan_ragdoll
from addon.screenplay import Body, CastMember

bpy.ops.wm.read_homefile(use_empty=True)
scene, layer = bpy.context.scene, bpy.context.view_layer
scene.render.fps = 24
member = CastMember("man", "man", body=Body("male", 35, 1.78))
kit = load_kit()
body_plan = plan_body(member.body, kit, 1)
cast = bpy.data.collections.new("Cast man")
scene.collection.children.link(cast)
character = build_character(bpy.data, cast, "man", "man", body_plan,
                            plan_outfit(member, kit, body_plan.rest, 1), [], kit, layer)
rig, body = character.armature, character.body
rig.location = (0.2, -0.2, 0.0)
for control in bpb.IK_CONTROLS:
    rig.pose.bones[control]["ik"] = 0.0

# Sway, swing the legs and arms, twist, and drift 0.3 m forward over the first 20 frames.
n = SWITCH - START + 1
t = np.linspace(0.0, 1.0, n)
wave = np.sin(2 * np.pi * t)
rot = np.tile(quat.IDENTITY, (n, 22, 1))
rot[:, INDEX["left_shoulder"]] = quat.from_axis_angle([0, 1, 0], 1.2 + 0.2 * wave)
rot[:, INDEX["right_shoulder"]] = quat.from_axis_angle([0, 1, 0], -1.2 + 0.2 * wave)
rot[:, INDEX["left_elbow"]] = quat.from_axis_angle([0, 0, 1], 0.4 * t)
rot[:, INDEX["left_hip"]] = quat.from_axis_angle([1, 0, 0], 0.25 * wave)
rot[:, INDEX["right_hip"]] = quat.from_axis_angle([1, 0, 0], -0.25 * wave)
rot[:, INDEX["right_knee"]] = quat.from_axis_angle([1, 0, 0], 0.3 * np.abs(wave))
rot[:, INDEX["spine2"]] = quat.from_axis_angle([0, 0, 1], 0.25 * wave)
rot[:, INDEX["neck"]] = quat.from_axis_angle([1, 0, 0], 0.2 * t)
root = np.column_stack([0.05 * wave, -0.3 * t, np.full(n, REST_PELVIS_HEIGHT)])
rest = rig_rest(rig)
local, location = Retargeter.for_rig(rest, Clip("sway", 24, root, rot).offsets).pose(
    Clip("sway", 24, root, rot))
place_strips(rig, [("b1", START, write_action(bpy.data, rig, "man sway", "b1", local,
                                              location, "root"))])

ensure_world(scene, START, END)
physics = bpy.data.collections.new("Story Physics")
scene.collection.children.link(physics)
add_floor(bpy.data, scene, physics, "concrete", 20.0)
box_mesh = bpy.data.meshes.new("box")
box_mesh.from_pydata([(x, y, z) for x in (-.08, .08) for y in (-.08, .08) for z in (-.08, .08)],
                     [], [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4),
                          (1, 5, 7, 3)])
box = bpy.data.objects.new("box", box_mesh)
physics.objects.link(box)
box.location = (0.41, -0.62, 0.08)                 # in front of the left foot
add_rigid_body(box, scene, shape="BOX", mass_kg=1.0)
box.rigid_body.friction = 0.5

t1 = time.perf_counter()
built = bpb.build_bodies(bpy.data, scene, rig, body, physics, "man", START, END, female=0.0)
joints = bpb.switch_to_ragdoll(bpy.data, scene, built, SWITCH, PUSH_MPS, hit="chest",
                               impulse_ns=CHEST_IMPULSE_NS)
t2 = time.perf_counter()
plan = built.plan
objs = built.objects()
rest_bones = {b.name: b for b in rig.data.bones}
anchors = [(rig.pose.bones[s.anchor], np.linalg.inv(s.matrix) @ np.array(
    [*rest_bones[s.anchor].head_local, 1.0])) for s in plan.segments]
rec, box_path, follow_err = [], [], 0.0
for frame in range(START, END + 1):
    scene.frame_set(frame)
    mats = np.array([np.array(o.matrix_world) for o in objs])
    rec.append(mats)
    box_path.append(list(box.matrix_world.translation))
    if frame < SWITCH:
        # The anchor bone's head sits where the plan puts it in its capsule's frame.
        for s, (pb, local) in enumerate(anchors):
            head = np.array(rig.matrix_world) @ np.array([*pb.head, 1.0])
            follow_err = max(follow_err, float(np.abs(np.linalg.inv(mats[s]) @ head - local).max()))
t3 = time.perf_counter()
rec = np.array(rec)
bpb.key_rig_from_bodies(bpy.data, built, rec[SWITCH - START:])
t4 = time.perf_counter()

# The rig, evaluated from its keys alone, carries each capsule where the simulation left it.
again, _, _, _ = bpb.follow_pose(scene, rig, plan, np.arange(SWITCH, END + 1))
rig_err = float(np.abs(again - rec[SWITCH - START:]).max())
scene.frame_set(END)
depsgraph = bpy.context.evaluated_depsgraph_get()
evaluated = body.evaluated_get(depsgraph)
mesh = evaluated.to_mesh()
co = np.empty(len(mesh.vertices) * 3)
mesh.vertices.foreach_get("co", co)
world = np.array(body.matrix_world)
skin_min_z = float((co.reshape(-1, 3) @ world[:3, :3].T + world[:3, 3])[:, 2].min())
evaluated.to_mesh_clear()

def lowest(mats):
    out = []
    for s, segment in enumerate(plan.segments):
        axis = mats[s, :3, 2] * segment.capsule.half_length_m
        out.append(min(mats[s, 2, 3] - abs(axis[2]), mats[s, 2, 3] + abs(axis[2]))
                   - segment.capsule.radius_m)
    return out

def _curve(obj, path):
    bag = obj.animation_data.action.layers[0].strips[0].channelbags[0]
    return next(fc for fc in bag.fcurves if fc.data_path == path)

fps = 24.0
key_push = {}
for segment, obj, follow in zip(plan.segments, objs, built.follow[SWITCH - START]):
    curves = {fc.array_index: fc for fc in obj.animation_data.action.layers[0].strips[0]
              .channelbags[0].fcurves if fc.data_path == "location"}
    keyed = np.array([curves[i].evaluate(SWITCH) for i in range(3)])
    key_push[segment.name] = ((keyed - follow[:3, 3]) * fps).tolist()
kit_plan = plan_ragdoll(RigBones(tuple(kit.bone_names), tuple(kit.bone_parents),
                                 body_plan.rest.heads, body_plan.rest.tails),
                        Skin(body_plan.rest.vertices, kit.faces, kit.weights, kit.weight_bones),
                        female=0.0)
animation = rig.animation_data
generic = [j.rigid_body_constraint for j in joints if j.rigid_body_constraint.use_limit_ang_x]
hinges = [j.rigid_body_constraint for j in joints if j.rigid_body_constraint.type == "HINGE"]
emit({
    "names": plan.names(), "rec": rec.tolist(),
    "plan_joints": [{"name": j.name, "kind": j.kind, "parent": plan.names().index(j.parent),
                     "child": plan.names().index(j.child), "matrix": j.matrix.tolist(),
                     "limits": j.limits.as_array().tolist()} for j in plan.joints],
    "rest": [s.matrix.tolist() for s in plan.segments],
    "lowest": [lowest(m) for m in rec], "box": box_path,
    "follow_err": follow_err, "rig_err": rig_err, "skin_min_z": skin_min_z,
    "key_push": key_push, "masses": {s.name: s.mass_kg for s in plan.segments},
    "plan_vs_kit": max(float(np.abs(a.matrix - b.matrix).max()) + abs(a.mass_kg - b.mass_kg)
                       for a, b in zip(plan.segments, kit_plan.segments)),
    "bodies": [{"tags": [o.get("story_stage"), o.get("story_id")],
                "shape": o.rigid_body.collision_shape, "friction": o.rigid_body.friction,
                "restitution": o.rigid_body.restitution, "mass": o.rigid_body.mass,
                "parent": o.parent.name if o.parent else None,
                "in_collection": o.name in physics.objects, "hide_render": o.hide_render}
               for o in objs],
    "joints": {"count": len(generic) + len(hinges), "hinges": len(hinges),
               "hinge_limited": all(c.use_limit_ang_z and c.limit_ang_z_lower < 0.0 <
                                    c.limit_ang_z_upper for c in hinges),
               "empties": len(joints),
               "types": sorted({j.rigid_body_constraint.type for j in joints}),
               "linear_locked": all(getattr(c, f"use_limit_lin_{a}") and
                                    getattr(c, f"limit_lin_{a}_lower") ==
                                    getattr(c, f"limit_lin_{a}_upper") == 0.0
                                    for c in generic for a in "xyz"),
               "y_within_90": all(abs(v) < np.radians(90) for c in generic
                                  for v in (c.limit_ang_y_lower, c.limit_ang_y_upper)),
               "enabled": [[_curve(j, "rigid_body_constraint.enabled").evaluate(f)
                            for f in (SWITCH, SWITCH + 1)] for j in joints
                           if j.animation_data is not None]},
    "kinematic": [[_curve(o, "rigid_body.kinematic").evaluate(f) for f in (START, SWITCH,
                                                                          SWITCH + 1)]
                  for o in objs],
    "tracks": [t.name for t in animation.nla_tracks],
    "physics_strip": [(s.frame_start, s.action.get("story_stage"))
                      for s in animation.nla_tracks["Story Physics"].strips],
    "seconds": {"character": t1 - t0, "build": t2 - t1, "simulate": t3 - t2, "key_rig": t4 - t3,
                "total": time.perf_counter() - t0},
    "version": bpy.app.version_string,
})
'''


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    values = {"START": START, "SWITCH": SWITCH, "END": END, "PUSH_MPS": PUSH_MPS,
              "CHEST_IMPULSE_NS": CHEST_IMPULSE_NS}
    return [blender_proc.run(SCENE, tmp_path_factory.mktemp(f"ragdoll{i}"), repo_on_path=True,
                             **values) for i in range(2)]


@pytest.fixture(scope="module")
def run(runs):
    return runs[0]


def test_capsules_are_tagged_kinematic_followers_of_the_rig(run):
    assert len(run["bodies"]) == 16
    for body in run["bodies"]:
        assert body["tags"] == ["simulate", "man"]
        assert body["shape"] == "CAPSULE" and body["restitution"] == 0.0
        assert body["friction"] == pytest.approx(0.8)
        assert body["parent"] is None                 # their own keys, not parenting
        assert body["in_collection"] and body["hide_render"]
    assert sum(b["mass"] for b in run["bodies"]) == pytest.approx(sum(run["masses"].values()),
                                                               rel=1e-5)
    # Read back from Blender's vertex groups, the plan is the one the body kit gives.
    assert run["plan_vs_kit"] < 1e-4


def test_colliders_follow_the_animated_bones_before_the_switch(run):
    assert run["follow_err"] < 1e-3
    rec = np.array(run["rec"])
    hand = run["names"].index("hand.L")
    travel = np.linalg.norm(rec[SWITCH - START - 1, hand, :3, 3] - rec[0, hand, :3, 3])
    assert travel > 0.2                                 # they did move with the body


def test_a_walking_foot_pushes_a_box(run):
    box = np.array(run["box"])
    moved = box[SWITCH - START] - box[0]
    assert moved[1] < -0.05                             # shoved ahead, along -Y
    assert np.isfinite(box).all() and box[:, 2].min() > 0.0


def test_the_push_and_the_punch_become_the_bodies_velocity(run):
    for name, push in run["key_push"].items():
        extra = np.array(CHEST_IMPULSE_NS) / run["masses"][name] if name == "chest" else 0
        np.testing.assert_allclose(push, np.array(PUSH_MPS) + extra, atol=1e-4)


def test_joints_are_hinges_and_limited_six_dof_joints(run):
    joints = run["joints"]
    assert joints["count"] == 15 and joints["types"] == ["GENERIC_SPRING", "HINGE"]
    assert joints["hinges"] == 4 and joints["hinge_limited"]        # knees and elbows
    assert joints["linear_locked"] and joints["y_within_90"]
    # Off while the body is animated, on from the frame the simulation takes it.
    assert all(e == [0.0, 1.0] for e in joints["enabled"])
    assert all(k == [1.0, 1.0, 0.0] for k in run["kinematic"])


def test_pushed_ragdoll_falls_and_rests_on_the_floor(run):
    rec = np.array(run["rec"])
    lowest = np.array(run["lowest"])
    pelvis = run["names"].index("pelvis")
    after = slice(SWITCH - START + 24, None)           # from a second after the push
    assert lowest[after].min() > -0.02                  # no capsule sinks 2 cm
    assert lowest[-1].min() > -0.01 and np.sort(lowest[-1])[:3].max() < 0.02   # lies on it
    assert rec[-1, pelvis, 2, 3] < 0.3                  # down, not standing
    speeds = np.linalg.norm(np.diff(rec[-6:, :, :3, 3], axis=0), axis=2) * 24
    assert speeds.max() < 0.05                          # and at rest
    start, end = rec[SWITCH - START, pelvis, :3, 3], rec[-1, pelvis, :3, 3]
    travel = np.linalg.norm((end - start)[:2])
    assert 0.3 < travel < 1.8                           # a step to a body length
    assert (end - start)[1] > 0.7 * travel              # backwards, along the push


def _flexion_deg(run, joint) -> np.ndarray:
    """A joint's flexion on every recorded frame: the child's turn about the joint's X axis
    from where the rest pose puts it, in the parent's frame."""
    rec, rest = np.array(run["rec"]), np.array(run["rest"])
    a, b = joint["parent"], joint["child"]
    frame = (np.linalg.inv(rest[a]) @ np.array(joint["matrix"]))[:3, :3]
    moved = (np.linalg.inv(rec[:, a]) @ rec[:, b] @ np.linalg.inv(
        np.linalg.inv(rest[a]) @ rest[b]))[:, :3, :3]
    local = frame.T @ moved @ frame
    return np.degrees(np.arctan2(local[:, 2, 1], local[:, 1, 1]))


def test_knees_and_elbows_bend_only_the_way_they_can(run):
    hinges = [j for j in run["plan_joints"] if j["kind"] == "hinge"]
    assert len(hinges) == 4
    for joint in hinges:
        lo, hi = np.degrees(joint["limits"][0])
        # From the first simulated frame (the animation may leave a joint past its limit);
        # Bullet's limits are soft, and a straight leg on the floor is pressed a few
        # degrees past straight by its thinner shin.  Bent the wrong way it would be ~90.
        flexion = _flexion_deg(run, joint)[SWITCH - START + 1:]
        assert lo - 15 < flexion.min() and flexion.max() < hi + 15, joint["name"]


def test_the_rig_keyed_from_the_bodies_follows_them(run):
    assert run["rig_err"] < 1e-3
    assert run["tracks"] == ["Story Motion", "Story Physics"]   # physics above the motion
    assert run["physics_strip"] == [[SWITCH, "simulate"]]
    assert run["skin_min_z"] > -0.03                    # the skin does not sink either


def test_two_runs_give_the_same_result(runs):
    first, second = (np.array(r["rec"]) for r in runs)
    assert np.abs(first - second).max() < 1e-5


def test_it_is_quick(run):
    assert run["seconds"]["simulate"] < 20.0, run["seconds"]
