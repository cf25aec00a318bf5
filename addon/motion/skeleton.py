"""The canonical skeleton: the 22 body joints of SMPL in HumanML3D's order.

It is the interchange format between motion sources (mocap clips, procedural actions,
text-to-motion models) and rigs: a neural backend emits these joints, so it plugs in without a
new retargeter.  Blender's conventions: metres, Z up, the body facing -Y at rest, its left side
towards +X.  The rest pose is SMPL's T-pose, and every joint's rest frame is aligned with the
world axes, so a local rotation of identity means "as at rest".
"""
from __future__ import annotations

import numpy as np

from . import quat

JOINTS = (
    "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2",
    "left_ankle", "right_ankle", "spine3", "left_foot", "right_foot", "neck", "left_collar",
    "right_collar", "head", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
)
PARENTS = (-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19)
INDEX = {name: i for i, name in enumerate(JOINTS)}
FEET = (INDEX["left_foot"], INDEX["right_foot"])
ANKLES = (INDEX["left_ankle"], INDEX["right_ankle"])

#: Rest offsets from each joint's parent for a 1.75 m adult in a T-pose, metres (SMPL's mean
#: body, in Blender's axes).  Clips carry their own offsets; these are the default proportions.
REST_OFFSETS = np.array([
    (0.0, 0.0, 0.0),          # pelvis (its height above the floor is in the clip's root)
    (0.069, 0.010, -0.091),   # left_hip
    (-0.068, 0.005, -0.087),  # right_hip
    (-0.003, 0.025, 0.108),   # spine1
    (0.034, -0.008, -0.375),  # left_knee
    (-0.038, -0.005, -0.382), # right_knee
    (0.005, 0.002, 0.135),    # spine2
    (-0.014, 0.037, -0.398),  # left_ankle
    (0.018, 0.035, -0.399),   # right_ankle
    (0.001, 0.003, 0.053),    # spine3
    (0.041, -0.122, -0.044),  # left_foot
    (-0.038, -0.124, -0.046), # right_foot
    (-0.013, 0.034, 0.213),   # neck
    (0.072, 0.019, 0.119),    # left_collar
    (-0.083, 0.023, 0.119),   # right_collar
    (0.010, -0.051, 0.088),   # head
    (0.123, 0.010, 0.045),    # left_shoulder
    (-0.114, 0.012, 0.048),   # right_shoulder
    (0.256, 0.013, -0.009),   # left_elbow
    (-0.261, 0.004, -0.014),  # right_elbow
    (0.266, -0.009, 0.007),   # left_wrist
    (-0.269, -0.006, 0.006),  # right_wrist
])


def forward_kinematics(root: np.ndarray, rotations: np.ndarray, offsets: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """World positions (T, J, 3) and world rotations (T, J, 4) of every joint, from the root
    translation (T, 3), local rotations (T, J, 4) and rest offsets (J, 3)."""
    frames = len(root)
    positions = np.zeros((frames, len(JOINTS), 3))
    world = np.zeros((frames, len(JOINTS), 4))
    for j, parent in enumerate(PARENTS):
        if parent < 0:
            world[:, j] = rotations[:, j]
            positions[:, j] = root
        else:
            world[:, j] = quat.multiply(world[:, parent], rotations[:, j])
            positions[:, j] = positions[:, parent] + quat.rotate(
                world[:, parent], np.broadcast_to(offsets[j], (frames, 3)))
    return positions, world


def rest_positions(offsets: np.ndarray = REST_OFFSETS,
                   pelvis_height_m: float | None = None) -> np.ndarray:
    """Joint positions (J, 3) at rest, the pelvis `pelvis_height_m` above the floor (by
    default standing on it)."""
    identity = np.tile(quat.IDENTITY, (1, len(JOINTS), 1))
    height = pelvis_height(offsets) if pelvis_height_m is None else pelvis_height_m
    root = np.array([[0.0, 0.0, height]])
    return forward_kinematics(root, identity, offsets)[0][0]


def leg_length(offsets: np.ndarray) -> float:
    """Hip to ankle, straight down, as the offsets give it."""
    return float(-(offsets[INDEX["left_knee"], 2] + offsets[INDEX["left_ankle"], 2]))


#: Height of the foot joint (the ball of the foot) above the sole.
FOOT_JOINT_HEIGHT_M = 0.025


def pelvis_height(offsets: np.ndarray) -> float:
    """How high the pelvis stands above the floor at rest, for a body with these offsets:
    down the leg to the ball of the foot, which sits FOOT_JOINT_HEIGHT_M above the sole."""
    chain = (INDEX["left_hip"], INDEX["left_knee"], INDEX["left_ankle"], INDEX["left_foot"])
    return float(-sum(offsets[j, 2] for j in chain) + FOOT_JOINT_HEIGHT_M)


#: Height of the pelvis above the floor at rest for REST_OFFSETS.
REST_PELVIS_HEIGHT = pelvis_height(REST_OFFSETS)
