"""Quaternion maths, the canonical skeleton and clips."""
from __future__ import annotations

import numpy as np
import pytest

from addon.motion import quat
from addon.motion.clip import Clip, still
from addon.motion.skeleton import (INDEX, JOINTS, PARENTS, REST_OFFSETS, REST_PELVIS_HEIGHT,
                                   forward_kinematics, rest_positions)

rng = np.random.default_rng(0)


def random_quats(*shape):
    return quat.normalize(rng.normal(size=(*shape, 4)))


def test_quaternion_products_rotations_and_matrices_agree():
    a, b = random_quats(50), random_quats(50)
    v = rng.normal(size=(50, 3))
    assert np.allclose(quat.rotate(quat.multiply(a, b), v), quat.rotate(a, quat.rotate(b, v)))
    assert np.allclose(quat.to_matrix(a) @ v[..., None], quat.rotate(a, v)[..., None])
    back = quat.from_matrix(quat.to_matrix(a))
    assert np.allclose(np.abs(np.sum(back * a, axis=-1)), 1.0)
    assert np.allclose(quat.rotate(quat.multiply(a, quat.inverse(a)), v), v)
    assert np.allclose(np.abs(np.sum(quat.from_rotvec(quat.to_rotvec(a)) * a, axis=-1)), 1.0)


def test_between_and_slerp():
    a, b = rng.normal(size=(20, 3)), rng.normal(size=(20, 3))
    turned = quat.rotate(quat.between(a, b), a)
    assert np.allclose(turned / np.linalg.norm(turned, axis=1, keepdims=True),
                       b / np.linalg.norm(b, axis=1, keepdims=True))
    opposite = quat.rotate(quat.between(np.array([[0, 0, 1.0]]), np.array([[0, 0, -1.0]])),
                           np.array([[0, 0, 1.0]]))
    assert np.allclose(opposite, [[0, 0, -1.0]])
    q0, q1 = random_quats(10), random_quats(10)
    assert np.allclose(np.abs(np.sum(quat.slerp(q0, q1, 0.0) * q0, -1)), 1)
    assert np.allclose(np.abs(np.sum(quat.slerp(q0, q1, 1.0) * q1, -1)), 1)
    unrolled = quat.unroll(np.array([[1.0, 0, 0, 0], [-1.0, 0, 0, 0], [-0.9, 0.1, 0, 0]]))
    assert (unrolled[:, 0] > 0).all()


def test_rest_skeleton_stands_on_the_floor_facing_minus_y():
    assert len(JOINTS) == len(PARENTS) == 22
    assert all(p < j for j, p in enumerate(PARENTS))
    rest = rest_positions()
    feet = rest[[INDEX["left_foot"], INDEX["right_foot"]]]
    assert np.all(np.abs(feet[:, 2]) < 0.06)                 # at the floor
    assert rest[INDEX["head"], 2] > 1.5 and rest[INDEX["pelvis"], 2] == REST_PELVIS_HEIGHT
    assert rest[INDEX["left_wrist"], 0] > 0.5 > -rest[INDEX["right_wrist"], 0] - 1   # T-pose
    assert np.all(feet[:, 1] < rest[INDEX["left_ankle"], 1])   # toes point forward (-Y)


def test_forward_kinematics_turns_children_with_their_parent():
    rotations = np.tile(quat.IDENTITY, (1, 22, 1))
    rotations[0, INDEX["left_shoulder"]] = quat.from_axis_angle([0, 1, 0], np.pi / 2)
    positions, _ = forward_kinematics(np.array([[0, 0, 1.0]]), rotations, REST_OFFSETS)
    shoulder = positions[0, INDEX["left_shoulder"]]
    wrist = positions[0, INDEX["left_wrist"]]
    assert wrist[2] < shoulder[2] - 0.4                         # the arm hangs down


def test_clips_resample_and_slice():
    frames = 31
    root = np.column_stack([np.linspace(0, 3, frames), np.zeros(frames), np.full(frames, 0.9)])
    rotations = np.tile(quat.IDENTITY, (frames, 22, 1))
    rotations[:, INDEX["head"]] = quat.from_axis_angle([0, 0, 1], np.linspace(0, 1, frames))
    clip = Clip("turn", 30, root, rotations)
    assert clip.duration_s == pytest.approx(1.0)
    at60 = clip.resampled(60)
    assert at60.frames == 61 and at60.root[-1, 0] == pytest.approx(3.0)
    assert np.allclose(at60.root[::2], clip.root)
    assert at60.positions().shape == (61, 22, 3)
    assert clip.sliced(5, 10).frames == 5
    with pytest.raises(ValueError):
        Clip("bad", 30, root, rotations[:-1])
    assert still(rotations[0], root[0], 4, 24).frames == 4


def test_two_bone_ik_reaches_a_target_and_bends_towards_the_pole():
    from addon.motion.ik import two_bone
    root, middle, end = np.array([0, 0, 1.0]), np.array([0, -0.02, 0.55]), np.array([0, 0, 0.1])
    target, pole = np.array([0.1, -0.2, 0.3]), np.array([0, -1.0, 0.6])
    first, second = two_bone(root, middle, end, target, pole)
    new_middle = root + quat.rotate(first, middle - root)
    new_end = new_middle + quat.rotate(quat.multiply(second, first), end - middle)
    assert np.allclose(new_end, target, atol=1e-6)
    assert np.linalg.norm(new_middle - root) == pytest.approx(np.linalg.norm(middle - root))
    assert new_middle[1] < -0.1                                 # the knee goes forward
    far = two_bone(root, middle, end, np.array([0, 0, -5.0]), pole)   # out of reach: straight
    assert np.all(np.isfinite(far[0])) and np.all(np.isfinite(far[1]))
