"""Retargeting canonical motion onto rigs: the Anny rig, other naming schemes, bad rigs."""
from __future__ import annotations

import numpy as np
import pytest

from addon.cast.body import plan_body
from addon.cast.body_kit import load_kit
from addon.motion import quat
from addon.motion.clip import Clip
from addon.motion.retarget import (MAPPINGS, Retargeter, RigError, RigRest, find_mapping,
                                   rig_positions)
from addon.motion.skeleton import INDEX, REST_OFFSETS, REST_PELVIS_HEIGHT
from addon.screenplay import Body


@pytest.fixture(scope="module")
def anny():
    kit = load_kit()
    body = plan_body(Body("female", 30, 1.65), kit)
    return RigRest(tuple(kit.bone_names), tuple(kit.bone_parents), body.rest.heads,
                   quat.from_matrix(body.rest.matrices[:, :3, :3]))


def clip_with(rotations_by_joint: dict, frames: int = 5, root=None) -> Clip:
    rotations = np.tile(quat.IDENTITY, (frames, 22, 1))
    for joint, q in rotations_by_joint.items():
        rotations[:, INDEX[joint]] = q
    if root is None:
        root = np.tile([0.0, 0.0, REST_PELVIS_HEIGHT], (frames, 1))
    return Clip("test", 30, root, rotations)


def direction(heads, rig, a, b):
    d = heads[:, rig.index(b)] - heads[:, rig.index(a)]
    return d / np.linalg.norm(d, axis=-1, keepdims=True)


def retarget(anny, clip):
    target = Retargeter.for_rig(anny, clip.offsets)
    local, location = target.pose(clip)
    return rig_positions(anny, local, location, anny.index("root"))


def test_the_t_pose_puts_the_a_pose_rig_in_a_t_pose(anny):
    heads = retarget(anny, clip_with({}))
    assert np.allclose(direction(heads, anny, "upperarm01.L", "lowerarm01.L")[0], [1, 0, 0],
                       atol=0.07)
    assert np.allclose(direction(heads, anny, "upperarm01.R", "lowerarm01.R")[0], [-1, 0, 0],
                       atol=0.07)
    assert direction(heads, anny, "upperleg01.L", "lowerleg01.L")[0, 2] < -0.98


def test_limbs_follow_the_canonical_joints(anny):
    down = quat.from_axis_angle([0, 1, 0], np.radians(80))         # left arm down to the side
    forward = quat.from_axis_angle([1, 0, 0], np.radians(-70))      # right thigh forward
    clip = clip_with({"left_shoulder": down, "right_hip": forward,
                      "right_knee": quat.from_axis_angle([1, 0, 0], np.radians(80))})
    canonical = clip.positions()
    heads = retarget(anny, clip)
    pairs = (("left_shoulder", "left_elbow", "upperarm01.L", "lowerarm01.L"),
             ("right_hip", "right_knee", "upperleg01.R", "lowerleg01.R"),
             ("right_knee", "right_ankle", "lowerleg01.R", "foot.R"))
    for j0, j1, b0, b1 in pairs:
        want = canonical[:, INDEX[j1]] - canonical[:, INDEX[j0]]
        want /= np.linalg.norm(want, axis=-1, keepdims=True)
        got = direction(heads, anny, b0, b1)
        assert np.degrees(np.arccos(np.clip(np.sum(want * got, -1), -1, 1))).max() < 3, j0


def test_root_motion_is_scaled_to_the_rigs_legs(anny):
    frames = 10
    root = np.column_stack([np.zeros(frames), np.linspace(0, -2, frames),
                            np.full(frames, REST_PELVIS_HEIGHT)])
    heads = retarget(anny, clip_with({}, frames, root))
    target = Retargeter.for_rig(anny, REST_OFFSETS)
    travelled = heads[-1, anny.index("root")] - heads[0, anny.index("root")]
    assert travelled[1] == pytest.approx(-2 * target.hip_scale, abs=1e-6)
    assert 0.85 < target.hip_scale < 1.1
    # The clip's pelvis, at the origin, puts the root bone over the origin at its rest height.
    assert np.allclose(heads[0, anny.index("root")], [0, 0, anny.heads[anny.index("root"), 2]],
                       atol=1e-6)


def test_round_trip_keeps_joint_positions(anny):
    """Canonical → rig → canonical: limb directions survive within a degree."""
    rng = np.random.default_rng(1)
    rotations = {j: quat.from_rotvec(rng.normal(scale=0.4, size=3))
                 for j in ("left_shoulder", "right_elbow", "left_hip", "spine2", "head")}
    clip = clip_with(rotations)
    heads = retarget(anny, clip)
    canonical = clip.positions()
    for j0, j1, b0, b1 in (("left_hip", "left_knee", "upperleg01.L", "lowerleg01.L"),
                           ("right_elbow", "right_wrist", "lowerarm01.R", "wrist.R"),
                           ("left_shoulder", "left_elbow", "upperarm01.L", "lowerarm01.L")):
        want = canonical[0, INDEX[j1]] - canonical[0, INDEX[j0]]
        got = direction(heads, anny, b0, b1)[0]
        assert np.dot(want / np.linalg.norm(want), got) > np.cos(np.radians(3)), j0


def test_other_rigs_are_recognised_and_a_non_humanoid_is_refused():
    for mapping in MAPPINGS:
        names = [bone for pair in mapping.bones.values() for bone in pair if bone]
        assert find_mapping(names + ["extra"]).name == mapping.name
    with pytest.raises(RigError, match="lacks"):
        find_mapping(["Bone", "Bone.001", "Tail"])


def test_mixamo_rigs_are_recognised_whatever_their_namespace():
    """Exporters (Mixamo, Meshy and Tripo rigging, glTF round trips) name the same bones
    "mixamorig:Hips", "mixamorig1:Hips", "mixamorig_Hips" or plain "Hips"; the eyes follow."""
    from addon.motion.eyes import eye_bones
    mixamo = next(m for m in MAPPINGS if m.name == "mixamo")
    bones = [b for pair in mixamo.bones.values() for b in pair if b]
    bones += ["mixamorig:LeftEye", "mixamorig:RightEye"]
    for prefix in ("mixamorig:", "mixamorig1:", "mixamorig_", ""):
        names = tuple(dict.fromkeys(prefix + b.split(":", 1)[1] for b in bones))
        found = find_mapping(names)
        assert found.name == "mixamo" and not found.missing(names)
        assert found.bones["pelvis"][0] == prefix + "Hips"
        rig = RigRest(names, tuple([-1] * len(names)), np.zeros((len(names), 3)),
                      np.tile([1.0, 0, 0, 0], (len(names), 1)))
        assert [names[i] for i in eye_bones(rig, found)] == [prefix + "LeftEye",
                                                              prefix + "RightEye"]
