"""BVH in and out: round trips through the canonical skeleton, CMU- and Mixamo-style files
with other axes, units and rest poses, and readable errors."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from addon.motion import quat
from addon.motion.bvh import (MAPPINGS, BVHError, bvh_to_clip, clip_to_bvh, detect_mapping,
                              euler_from_quat, read_bvh)
from addon.motion.clip import Clip
from addon.motion.skeleton import INDEX, JOINTS

FIXTURES = Path(__file__).parent / "fixtures"
rng = np.random.default_rng(7)


def random_clip(frames: int = 12) -> Clip:
    rotations = quat.normalize(rng.normal(size=(frames, len(JOINTS), 4)))
    root = rng.normal(size=(frames, 3)) + [0, 0, 1.0]
    return Clip("random", 24, root, rotations)


@pytest.mark.parametrize("up, scale, order", [("y", 1.0, "ZXY"), ("z", 1.0, "XYZ"),
                                              ("y", 100.0, "ZYX")])
def test_a_clip_survives_a_round_trip_through_bvh(up, scale, order):
    clip = random_clip()
    text = clip_to_bvh(clip, up=up, scale=scale, order=order)
    back = bvh_to_clip(read_bvh(text), normalize=False)
    assert back.fps == 24 and back.frames == clip.frames
    assert np.abs(back.positions() - clip.positions()).max() < 1e-3        # within 1 mm
    assert np.allclose(back.offsets, clip.offsets, atol=1e-5)
    assert np.allclose(np.abs(np.sum(back.rotations * clip.rotations, -1)), 1.0, atol=1e-6)


def test_exported_bvh_is_y_up_and_faces_plus_z():
    motion = read_bvh(clip_to_bvh(random_clip(2)))
    assert motion.names[0] == "pelvis" and motion.channels[0][:3] == (
        "xposition", "yposition", "zposition")
    rest = motion.to_source().rest()
    head, pelvis = rest[motion.names.index("head")], rest[0]
    assert head[1] - pelvis[1] > 0.4                                       # up is +Y
    assert rest[motion.names.index("left_hip"), 0] > 0                      # left is +X
    toes = rest[motion.names.index("left_foot")] - rest[motion.names.index("left_ankle")]
    assert toes[2] > 0.05                                                  # facing +Z
    assert "left_wrist_end" in motion.end_sites


def test_euler_angles_rebuild_the_rotation_in_every_order():
    q = quat.normalize(rng.normal(size=(100, 4)))
    axes = {"X": [1.0, 0, 0], "Y": [0, 1.0, 0], "Z": [0, 0, 1.0]}
    for order in ("XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"):
        angles = euler_from_quat(q, order)
        rebuilt = np.tile(quat.IDENTITY, (100, 1))
        for axis, angle in zip(order, np.moveaxis(angles, -1, 0)):
            rebuilt = quat.multiply(rebuilt, quat.from_axis_angle(axes[axis], angle))
        assert np.allclose(np.abs(np.sum(rebuilt * q, -1)), 1.0)


def test_a_cmu_style_file_maps_onto_the_canonical_skeleton():
    motion = read_bvh(FIXTURES / "cmu_style.bvh")
    assert detect_mapping(motion.names) == "cmu" and motion.frames == 4
    clip = bvh_to_clip(motion)
    assert clip.fps == 120
    p = clip.positions()
    # Scaled from CMU's units to a human: pelvis about 0.9 m up, head above it.
    assert 0.8 < p[0, 0, 2] < 1.0 and p[0, INDEX["head"], 2] > p[0, 0, 2] + 0.3
    # Frame 0 (rest): facing -Y, arms out along +-X, feet on the floor.
    assert (p[0, INDEX["left_wrist"]] - p[0, INDEX["left_shoulder"]])[0] > 0.4
    assert np.all(np.abs(p[0, [INDEX["left_foot"], INDEX["right_foot"]], 2]) < 0.06)
    assert (p[0, INDEX["left_foot"]] - p[0, INDEX["left_ankle"]])[1] < -0.05
    # Frame 1: the left knee turns 60 degrees about X, the shin swinging back (+Y).  CMU's
    # rest leg slants 20 degrees outwards, off that axis, so the bend is arccos(sin^2 20 +
    # cos^2 20 cos 60) = 56 degrees: the file's own pose, not the T-pose's.
    thigh = p[1, INDEX["left_knee"]] - p[1, INDEX["left_hip"]]
    shin = p[1, INDEX["left_ankle"]] - p[1, INDEX["left_knee"]]
    cos = thigh @ shin / np.linalg.norm(thigh) / np.linalg.norm(shin)
    slant = np.arctan2(2.44811, 6.72613)
    expected = np.degrees(np.arccos(np.sin(slant) ** 2 + np.cos(slant) ** 2 * 0.5))
    assert np.degrees(np.arccos(cos)) == pytest.approx(expected, abs=0.5)
    assert shin[1] > 0.2
    # Frame 2: the right arm hangs down.
    arm = p[2, INDEX["right_wrist"]] - p[2, INDEX["right_shoulder"]]
    assert arm[2] < -0.4
    # Frame 3: turned 90 degrees to the left (now facing +X) and a step forward (-Y).
    assert (p[3, INDEX["left_wrist"]] - p[3, INDEX["left_shoulder"]])[1] > 0.4
    assert p[3, 0, 1] < -0.2
    # The rest offsets are the canonical T-pose: arms along +-X, legs down.
    assert clip.offsets[INDEX["left_elbow"], 0] > 0.2
    assert clip.offsets[INDEX["left_knee"], 2] < -0.3


def test_a_mixamo_style_a_pose_in_centimetres_becomes_a_t_pose_rest():
    motion = read_bvh(FIXTURES / "mixamo_style.bvh")
    assert motion.names[0] == "mixamorig:Hips" and detect_mapping(motion.names) == "mixamo"
    clip = bvh_to_clip(motion)
    assert "loop" not in clip.labels
    p = clip.positions()
    assert 0.9 < p[0, 0, 2] < 1.1                                           # centimetres
    arm = p[0, INDEX["left_wrist"]] - p[0, INDEX["left_shoulder"]]
    assert np.degrees(np.arctan2(-arm[2], arm[0])) == pytest.approx(45, abs=1)   # A-pose
    raised = p[1, INDEX["left_wrist"]] - p[1, INDEX["left_shoulder"]]
    assert abs(raised[2]) < 0.01 and raised[0] > 0.5                       # raised level
    thigh = p[2, INDEX["right_knee"]] - p[2, INDEX["right_hip"]]
    assert thigh[1] < -0.15                                                # swung forwards
    elbow = clip.offsets[INDEX["left_elbow"]]
    assert elbow[0] > 0.25 and abs(elbow[2]) < 0.02                        # T-pose offsets


def test_a_custom_mapping_and_rotation_orders():
    motion = read_bvh(FIXTURES / "mixamo_style.bvh")
    table = {canonical: "mixamorig:" + name for canonical, name in MAPPINGS["mixamo"].items()}
    by_dict = bvh_to_clip(motion, table)
    by_name = bvh_to_clip(motion, "mixamo")
    assert np.allclose(by_dict.positions(), by_name.positions())
    with pytest.raises(BVHError, match="unknown mapping 'maya'"):
        bvh_to_clip(motion, "maya")
    with pytest.raises(BVHError, match="no joint mapped to left_hip, left_knee"):
        bvh_to_clip(motion, {"pelvis": "mixamorig:Hips"})


def test_broken_files_name_the_file_and_line(tmp_path):
    with pytest.raises(BVHError, match="cannot read"):
        read_bvh(tmp_path / "missing.bvh")
    text = (FIXTURES / "cmu_style.bvh").read_text()
    cut = tmp_path / "cut.bvh"
    cut.write_text(text.rsplit("\n", 3)[0] + "\n")          # a frame short
    with pytest.raises(BVHError, match=r"cut.bvh: line \d+: expected 4 frames of 78 numbers"):
        read_bvh(cut)
    with pytest.raises(BVHError, match=r"line 5: joint 'Hips' has unknown channels"):
        read_bvh(text.replace("Zrotation Yrotation Xrotation", "Zrotation Yrotation Wrotation", 1))
    with pytest.raises(BVHError, match="expected 'HIERARCHY'"):
        read_bvh("MOTION\nFrames: 1\n")
    with pytest.raises(BVHError, match="cannot tell which skeleton"):
        detect_mapping(["root", "thigh", "shin"])
