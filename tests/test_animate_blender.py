"""Motion written into Blender: actions and NLA strips evaluate to the retargeted pose."""
from __future__ import annotations


import blender_proc

SCRIPT = '''
import bpy
import numpy as np
from addon.blender.animate_build import place_strips, rig_rest, write_action
from addon.blender.cast_stage import run_cast
from addon.motion import quat
from addon.motion.clip import Clip
from addon.motion.retarget import Retargeter, rig_positions
from addon.motion.skeleton import INDEX, REST_PELVIS_HEIGHT
from addon.screenplay import Body, CastMember, Screenplay

bpy.ops.wm.read_homefile(use_empty=True)
scene, layer = bpy.context.scene, bpy.context.view_layer
run_cast(bpy.data, scene, layer, Screenplay(cast=[CastMember("kid", "kid",
         body=Body("male", 9, 1.35))]), seed=1)
rig = next(o for o in bpy.data.objects if o.type == "ARMATURE")
for control in ("hand_ik.L", "hand_ik.R", "foot_ik.L", "foot_ik.R"):
    rig.pose.bones[control]["ik"] = 0.0
frames = 20
t = np.linspace(0, 1, frames)
rotations = np.tile(quat.IDENTITY, (frames, 22, 1))
rotations[:, INDEX["left_shoulder"]] = quat.from_axis_angle([0, 1, 0], 1.4 * (1 - t))
rotations[:, INDEX["right_hip"]] = quat.from_axis_angle([1, 0, 0], -0.8 * t)
rotations[:, INDEX["spine2"]] = quat.from_axis_angle([0, 0, 1], 0.5 * t)
root = np.column_stack([0.3 * t, -1.0 * t, np.full(frames, REST_PELVIS_HEIGHT)])
clip = Clip("test", 24, root, rotations)
rest = rig_rest(rig)
target = Retargeter.for_rig(rest, clip.offsets)
local, location = target.pose(clip)
expected = rig_positions(rest, local, location, rest.index("root"))
first = write_action(bpy.data, rig, "kid b1", "b1", local[:10], location[:10], "root")
second = write_action(bpy.data, rig, "kid b2", "b2", local[10:], location[10:], "root")
track = place_strips(rig, [("b1", 1, first), ("b2", 11, second)])
errors = []
for frame in (1, 5, 10, 11, 15, 20):
    scene.frame_set(frame)
    got = np.array([tuple(b.head) for b in rig.pose.bones if b.name in rest.names])
    names = [b.name for b in rig.pose.bones if b.name in rest.names]
    want = expected[frame - 1, [rest.index(n) for n in names]]
    errors.append(float(np.abs(got - want).max()))
scene.frame_set(40)
held = float(np.abs(np.array(rig.pose.bones["root"].head) - expected[-1, rest.index("root")]).max())
emit({"errors": errors, "strips": [s.name for s in track.strips], "held": held,
      "tags": sorted({a.get("story_stage") for a in bpy.data.actions})})
'''


def test_actions_on_nla_strips_reproduce_the_retargeted_pose(tmp_path):
    out = blender_proc.run(SCRIPT, tmp_path, repo_on_path=True)
    assert max(out["errors"]) < 1e-3            # Blender evaluates what the maths predicted
    assert out["strips"] == ["b1", "b2"]
    assert out["held"] < 1e-3                    # after the last beat the last pose holds
    assert out["tags"] == ["animate"]
