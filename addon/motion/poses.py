"""Key poses of the canonical skeleton and the IK that fits them to the world.

Procedural actions are built from a few key poses (addon/motion/actions*.py); this module
holds what those poses are made of: a relaxed standing pose (not the T-pose the skeleton rests
in), joint rotations named by anatomy, and IK on top of `ik.two_bone` that puts a wrist on a
point, an ankle on the floor and the head's gaze on a target.

Conventions are the skeleton's (addon/motion/skeleton.py): metres, Z up, the body facing -Y,
its left towards +X, every joint frame aligned with the world at rest.  In that frame a
rotation about +X bends the spine or the head forward (and swings a leg back), one about +Z
turns to the body's own left, one about +Y leans to its left.  Everything here works on arrays
with a leading frame axis (T, 22, 4), so one call poses a whole clip.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from . import quat
from .ik import two_bone
from .skeleton import (INDEX, JOINTS, PARENTS, REST_OFFSETS, forward_kinematics, leg_length,
                       pelvis_height)

X, Y, Z = np.eye(3)
FORWARD = np.array([0.0, -1.0, 0.0])
UP = Z
SIDES = ("left", "right")
#: +1 for the left side (+X), -1 for the right.
SIDE_SIGN = {"left": 1.0, "right": -1.0}

#: Shoulders lowered from the T-pose to hang relaxed (collar + shoulder, degrees).
ARM_HANG_DEG = 78.0
#: Elbows slightly bent when the arms hang.
ELBOW_REST_BEND_DEG = 14.0
#: Feet turned out a little, as people stand.
TOE_OUT_DEG = 6.0
#: How far below the straight-legged height the pelvis sits so the knees are soft (metres for
#: a 1.75 m body): a locked knee reads as stiff and leaves IK no bend plane.
SOFT_KNEE_DROP_M = 0.004
#: Eyes relative to the head joint, for a 1.75 m body (forward and up).
EYE_OFFSET = np.array([0.0, -0.09, 0.075])


def body_scale(offsets: np.ndarray) -> float:
    """How much bigger this body is than the 1.75 m default, from its leg length."""
    return leg_length(offsets) / leg_length(REST_OFFSETS)


def body_offsets(height_m: float) -> np.ndarray:
    """Rest offsets for a body of `height_m`, the default proportions scaled uniformly."""
    return REST_OFFSETS * (height_m / 1.75)


def ankle_height(offsets: np.ndarray) -> float:
    """Height of the ankle joint above the floor when the foot stands flat."""
    chain = [INDEX["left_hip"], INDEX["left_knee"], INDEX["left_ankle"]]
    return pelvis_height(offsets) + float(sum(offsets[j, 2] for j in chain))


def axis_angle(axis, degrees) -> np.ndarray:
    """A rotation about `axis` in the joint's world-aligned rest frame, in degrees; `degrees`
    may be an array (one rotation per frame)."""
    return quat.from_axis_angle(np.broadcast_to(np.asarray(axis, float),
                                                np.shape(degrees) + (3,)),
                                np.radians(degrees))


def yaw(radians) -> np.ndarray:
    """Rotation about the vertical, positive turning to the body's left."""
    radians = np.asarray(radians, float)
    return quat.from_axis_angle(np.broadcast_to(UP, radians.shape + (3,)), radians)


def rotate_z(points: np.ndarray, radians) -> np.ndarray:
    """Points (..., 3) or (..., 2) turned about the vertical axis through the origin; an
    array of angles turns each point (or each frame) by its own."""
    points = np.asarray(points, dtype=float)
    radians = np.asarray(radians, dtype=float)
    c, s = np.cos(radians), np.sin(radians)
    x, y = points[..., 0], points[..., 1]
    shape = np.broadcast(x, c).shape + points.shape[-1:]
    out = np.array(np.broadcast_to(points, shape), dtype=float)
    out[..., 0] = c * x - s * y
    out[..., 1] = s * x + c * y
    return out


@dataclass(frozen=True, eq=False)
class Pose:
    """One key pose in the actor's own space: the pelvis position (3,) and local rotations
    (22, 4).  The actor's space has its origin on the floor under the pelvis at rest, facing
    -Y; actions place it in the world at the end."""
    root: np.ndarray
    rotations: np.ndarray

    def with_rotation(self, joint: str, axis, degrees: float) -> Pose:
        """The pose with `joint` set to a rotation about `axis` in its rest frame (replacing
        what it had)."""
        rotations = self.rotations.copy()
        rotations[INDEX[joint]] = axis_angle(axis, degrees)
        return replace(self, rotations=rotations)

    def turned(self, joint: str, axis, degrees: float) -> Pose:
        """The pose with `joint` turned further about `axis` of its parent's frame (so the
        turn adds to what the joint already does)."""
        rotations = self.rotations.copy()
        j = INDEX[joint]
        rotations[j] = quat.multiply(axis_angle(axis, degrees), rotations[j])
        return replace(self, rotations=rotations)

    def moved(self, delta) -> Pose:
        """The pose with the pelvis moved by `delta` (3,), metres."""
        return replace(self, root=self.root + np.asarray(delta, float))

    def bent(self, forward_deg: float = 0.0, side_deg: float = 0.0,
             twist_deg: float = 0.0) -> Pose:
        """Spine bent forward (+), to the body's left side (+) and twisted to its left (+),
        shared over the three spine joints as a real spine shares it."""
        pose = self
        for joint, share in (("spine1", 0.4), ("spine2", 0.35), ("spine3", 0.25)):
            turn = quat.multiply(axis_angle(Z, twist_deg * share),
                                 quat.multiply(axis_angle(Y, side_deg * share),
                                               axis_angle(X, forward_deg * share)))
            rotations = pose.rotations.copy()
            rotations[INDEX[joint]] = quat.multiply(turn, rotations[INDEX[joint]])
            pose = replace(pose, rotations=rotations)
        return pose

    def with_legs(self, hip_deg: float, knee_deg: float, foot_deg: float = 0.0) -> Pose:
        """Both legs posed by anatomy (for moments the feet are off the floor): thighs
        raised forward by `hip_deg`, knees bent by `knee_deg`, the feet level with the pelvis
        tipped by `foot_deg` (positive points the toes)."""
        pose = self
        for side in SIDES:
            pose = pose.with_rotation(f"{side}_hip", X, -hip_deg)
            pose = pose.with_rotation(f"{side}_knee", X, knee_deg)
            pose = pose.with_rotation(f"{side}_ankle", X, hip_deg - knee_deg + foot_deg)
        return pose

    def hinged(self, forward_deg: float) -> Pose:
        """The pelvis tipped forward by `forward_deg` (the fold is at the hips, where most of
        a forward bend happens); the legs follow by IK."""
        return self.turned("pelvis", X, forward_deg)

    def head_turned(self, yaw_deg: float = 0.0, pitch_deg: float = 0.0,
                    roll_deg: float = 0.0) -> Pose:
        """Head turned to the body's left (+yaw), down (+pitch) and tilted to its left
        (+roll), shared between the neck and the head."""
        pose = self
        for joint, share in (("neck", 0.4), ("head", 0.6)):
            turn = quat.multiply(axis_angle(Z, yaw_deg * share),
                                 quat.multiply(axis_angle(X, pitch_deg * share),
                                               axis_angle(Y, roll_deg * share)))
            rotations = pose.rotations.copy()
            rotations[INDEX[joint]] = quat.multiply(turn, rotations[INDEX[joint]])
            pose = replace(pose, rotations=rotations)
        return pose

    def with_arm(self, side: str, raise_deg: float, forward_deg: float = 0.0,
                 elbow_deg: float = ELBOW_REST_BEND_DEG, twist_deg: float = 0.0) -> Pose:
        """An arm posed by anatomy: `raise_deg` lifts it from straight down (0; relaxed is
        `90 - ARM_HANG_DEG`) through horizontal (90) to overhead (180), in a plane swung
        `forward_deg` from the body's side (0) to straight ahead (90); `elbow_deg` bends the
        forearm, `twist_deg` rolls the arm about itself."""
        s = SIDE_SIGN[side]
        collar_drop = 4.0
        r, f = np.radians(raise_deg), np.radians(forward_deg)
        direction = np.array([s * np.sin(r) * np.cos(f), -np.sin(r) * np.sin(f), -np.cos(r)])
        collar = axis_angle(Y, s * collar_drop)
        in_collar = quat.rotate(quat.inverse(collar), direction)
        shoulder = quat.multiply(quat.between(np.array([s, 0.0, 0.0]), in_collar),
                                 axis_angle(X * s, twist_deg))
        rotations = self.rotations.copy()
        rotations[INDEX[f"{side}_collar"]] = collar
        rotations[INDEX[f"{side}_shoulder"]] = shoulder
        rotations[INDEX[f"{side}_elbow"]] = axis_angle(Z, -s * elbow_deg)
        return replace(self, rotations=rotations)


@lru_cache(maxsize=32)
def _stance_cached(offsets_key: bytes) -> np.ndarray:
    return _stance_ankles(np.frombuffer(offsets_key).reshape(len(JOINTS), 3))


def _stance_ankles(offsets: np.ndarray) -> np.ndarray:
    """Ankle positions (2, 3) of the rest skeleton standing on the floor (left, right)."""
    identity = np.tile(quat.IDENTITY, (1, len(JOINTS), 1))
    positions, _ = forward_kinematics(np.array([[0.0, 0.0, pelvis_height(offsets)]]),
                                      identity, offsets)
    return positions[0, [INDEX["left_ankle"], INDEX["right_ankle"]]]


def stance(offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where a relaxed standing body puts its feet in its own space: ankle positions (2, 3)
    for (left, right) and each foot's yaw (2,), radians (turned out a little)."""
    key = np.ascontiguousarray(offsets, dtype=float).tobytes()
    return _stance_cached(key).copy(), np.radians([TOE_OUT_DEG, -TOE_OUT_DEG])


def foot_rotation(yaw_radians, pitch_deg=0.0) -> np.ndarray:
    """World rotation of a foot standing flat and turned by `yaw_radians` (positive toe-out
    for the left foot), optionally pitched toes-down by `pitch_deg` (heel raised)."""
    flat = yaw(yaw_radians)
    if np.all(np.asarray(pitch_deg) == 0.0):
        return flat
    return quat.multiply(flat, axis_angle(X, pitch_deg))


@lru_cache(maxsize=32)
def _neutral_cached(offsets_key: bytes) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.frombuffer(offsets_key).reshape(len(JOINTS), 3)
    scale = body_scale(offsets)
    root = np.array([0.0, 0.0, pelvis_height(offsets) - SOFT_KNEE_DROP_M * scale])
    pose = Pose(root, np.tile(quat.IDENTITY, (len(JOINTS), 1)))
    hang = 90.0 - ARM_HANG_DEG
    pose = pose.with_arm("left", hang, forward_deg=20.0).with_arm("right", hang, forward_deg=20.0)
    pose = pose.bent(forward_deg=2.0).head_turned(pitch_deg=-2.0)
    ankles, yaws = stance(offsets)
    rotations = pose.rotations[None].copy()
    for i, side in enumerate(SIDES):
        rotations = place_ankle(rotations, root[None], offsets, side, ankles[None, i],
                                foot_rotation(yaws[i:i + 1]))
    return root, rotations[0]


def neutral_pose(offsets: np.ndarray = REST_OFFSETS) -> Pose:
    """Standing relaxed: arms hanging at the sides with the elbows a little bent, knees soft,
    feet flat on the floor turned out a little.  The pelvis is at the actor's origin (x, y)."""
    root, rotations = _neutral_cached(np.ascontiguousarray(offsets, dtype=float).tobytes())
    return Pose(root.copy(), rotations.copy())


# --- IK on whole clips --------------------------------------------------------------------

def _blend(old: np.ndarray, new: np.ndarray, weight) -> np.ndarray:
    """Local rotations blended from `old` (weight 0) to `new` (weight 1) per frame."""
    if weight is None:
        return new
    weight = np.asarray(weight, float)
    return quat.slerp(old, new, weight)


def place_wrist(rotations: np.ndarray, root: np.ndarray, offsets: np.ndarray, side: str,
                target: np.ndarray, pole: np.ndarray, weight=None, fk=None) -> np.ndarray:
    """Local rotations (T, 22, 4) with the `side` arm turned so the wrist reaches `target`
    (T, 3), the elbow bending towards `pole` (T, 3).  `weight` (T,) fades the reach in and out
    (0 keeps the arm as posed); the hand keeps its angle to the forearm."""
    positions, world = fk if fk is not None else forward_kinematics(root, rotations, offsets)
    sh, el, wr = (INDEX[f"{side}_{j}"] for j in ("shoulder", "elbow", "wrist"))
    first, second = two_bone(positions[:, sh], positions[:, el], positions[:, wr], target, pole)
    shoulder_world = quat.multiply(first, world[:, sh])
    elbow_world = quat.multiply(second, quat.multiply(first, world[:, el]))
    out = rotations.copy()
    out[:, sh] = _blend(rotations[:, sh], quat.multiply(quat.inverse(world[:, PARENTS[sh]]),
                                                        shoulder_world), weight)
    out[:, el] = _blend(rotations[:, el], quat.multiply(quat.inverse(shoulder_world),
                                                        elbow_world), weight)
    return out


def place_ankle(rotations: np.ndarray, root: np.ndarray, offsets: np.ndarray, side: str,
                target: np.ndarray, foot_world: np.ndarray, pole: np.ndarray | None = None,
                weight=None, fk=None) -> np.ndarray:
    """Local rotations with the `side` leg turned so the ankle sits at `target` (T, 3) and the
    foot has the world rotation `foot_world` (T, 4) (flat on the floor: a pure yaw).  The knee
    bends towards `pole`, by default straight ahead of the foot."""
    positions, world = fk if fk is not None else forward_kinematics(root, rotations, offsets)
    hip, knee, ankle = (INDEX[f"{side}_{j}"] for j in ("hip", "knee", "ankle"))
    if pole is None:
        toes = quat.rotate(foot_world, np.broadcast_to(FORWARD, target.shape))
        pole = (positions[:, hip] + target) / 2 + 0.5 * toes
    first, second = two_bone(positions[:, hip], positions[:, knee], positions[:, ankle],
                             target, pole)
    hip_world = quat.multiply(first, world[:, hip])
    knee_world = quat.multiply(second, quat.multiply(first, world[:, knee]))
    out = rotations.copy()
    out[:, hip] = _blend(rotations[:, hip], quat.multiply(quat.inverse(world[:, PARENTS[hip]]),
                                                          hip_world), weight)
    out[:, knee] = _blend(rotations[:, knee], quat.multiply(quat.inverse(hip_world),
                                                            knee_world), weight)
    out[:, ankle] = _blend(rotations[:, ankle], quat.multiply(quat.inverse(knee_world),
                                                              foot_world), weight)
    return out


def gaze_rotation(direction: np.ndarray, ahead: np.ndarray | None = None) -> np.ndarray:
    """World rotation (T, 4) of a head looking along `direction` (T, 3) with no roll: turn
    about the vertical to face it, then pitch up or down (at most 60 degrees up and 75
    down, as far as a neck goes).  `ahead` (T, 3), where the chest faces, steadies the
    heading of a target straight above or below and keeps the turn within 115 degrees of
    it."""
    direction = np.array(direction, dtype=float)
    if ahead is not None:
        flat = ahead[:, :2] / np.maximum(np.linalg.norm(ahead[:, :2], axis=-1, keepdims=True),
                                         1e-9)
        length = np.linalg.norm(direction, axis=-1, keepdims=True)
        steep = np.clip(1.0 - np.linalg.norm(direction[:, :2], axis=-1, keepdims=True)
                        / (0.5 * np.maximum(length, 1e-9)), 0.0, 1.0)
        direction[:, :2] += 0.2 * length * steep * flat
    horizontal = np.linalg.norm(direction[:, :2], axis=-1)
    heading = np.arctan2(direction[:, 0], -direction[:, 1])
    if ahead is not None:
        # No further round than a person turns their head over the shoulder.
        facing = np.arctan2(ahead[:, 0], -ahead[:, 1])
        turn = (heading - facing + np.pi) % (2 * np.pi) - np.pi
        # A target behind is looked at over one shoulder for the whole clip, not flipping
        # from one to the other as it crosses the middle.
        behind = np.abs(turn) > np.radians(90)
        if behind.any():
            side = 1.0 if np.sum(turn[behind]) >= 0 else -1.0
            turn = np.where(behind & (np.sign(turn) != side), turn + side * 2 * np.pi, turn)
        heading = facing + np.clip(turn, -np.radians(115), np.radians(115))
    pitch = np.clip(np.arctan2(-direction[:, 2], horizontal), -np.radians(60),
                    np.radians(75))                             # down is positive
    return quat.multiply(yaw(heading), quat.from_axis_angle(
        np.broadcast_to(X, direction.shape), pitch))


def aim_head(rotations: np.ndarray, root: np.ndarray, offsets: np.ndarray, target: np.ndarray,
             weight=None, neck_share: float = 0.4, chest_share: float = 0.0,
             fk=None) -> np.ndarray:
    """Local rotations with the head (and eyes) aimed at `target` (T, 3).  The neck takes
    `neck_share` of the turn and the upper spine `chest_share`, as people turn with the body
    for far targets; the head takes the rest, so the gaze lands on the target exactly."""
    positions, world = fk if fk is not None else forward_kinematics(root, rotations, offsets)
    neck, head = INDEX["neck"], INDEX["head"]
    spine3, spine2 = INDEX["spine3"], INDEX["spine2"]
    eye_offset = EYE_OFFSET * body_scale(offsets)
    eyes = positions[:, head] + quat.rotate(world[:, head], eye_offset)
    # Where the chest faces, from its left-right axis (which stays level in a deep bend,
    # when the chest's own forward points at the floor).
    left = quat.rotate(world[:, spine3], np.broadcast_to(X, eyes.shape))
    ahead = np.stack([left[:, 1], -left[:, 0], np.zeros(len(left))], axis=-1)
    out = rotations.copy()
    for _ in range(2):       # the eyes move with the head: a second pass settles them
        goal = gaze_rotation(target - eyes, ahead)
        chest_world = world[:, spine3]
        if chest_share > 0.0:
            chest_world = quat.slerp(world[:, spine3], quat.multiply(
                goal, quat.multiply(quat.inverse(world[:, head]), world[:, spine3])),
                chest_share)
            out[:, spine3] = quat.multiply(quat.inverse(world[:, spine2]), chest_world)
        # The neck as it would turn carried by the chest, then a share of the rest.
        carried = quat.multiply(chest_world, rotations[:, neck])
        neck_world = quat.slerp(carried, quat.multiply(
            goal, quat.multiply(quat.inverse(world[:, head]), world[:, neck])), neck_share)
        out[:, neck] = quat.multiply(quat.inverse(chest_world), neck_world)
        out[:, head] = quat.multiply(quat.inverse(neck_world), goal)
        neck_position = positions[:, PARENTS[neck]] + quat.rotate(chest_world, offsets[neck])
        head_position = neck_position + quat.rotate(neck_world, offsets[head])
        eyes = head_position + quat.rotate(goal, eye_offset)
    for j in (spine3, neck, head):
        out[:, j] = _blend(rotations[:, j], out[:, j], weight)
    return out


def head_forward(world_rotations: np.ndarray) -> np.ndarray:
    """Where the head faces (T, 3), from world rotations (T, 22, 4)."""
    head = world_rotations[:, INDEX["head"]]
    return quat.rotate(head, np.broadcast_to(FORWARD, head.shape[:-1] + (3,)))


def orient_hand(rotations: np.ndarray, root: np.ndarray, offsets: np.ndarray, side: str,
                palm: np.ndarray, weight=None, bend_deg: float = 0.0, fk=None) -> np.ndarray:
    """Local rotations with the `side` hand continuing its forearm (bent back by `bend_deg`
    towards the back of the hand) and its palm turned towards `palm` (T, 3), a direction.

    The canonical skeleton has no forearm twist joint, so the wrist takes the whole roll;
    rigs with twist bones share it out when retargeted."""
    positions, world = fk if fk is not None else forward_kinematics(root, rotations, offsets)
    el, wr = INDEX[f"{side}_elbow"], INDEX[f"{side}_wrist"]
    s = SIDE_SIGN[side]
    along = positions[:, wr] - positions[:, el]
    along /= np.linalg.norm(along, axis=-1, keepdims=True)
    normal = palm - np.sum(palm * along, axis=-1, keepdims=True) * along
    length = np.linalg.norm(normal, axis=-1, keepdims=True)
    fallback = quat.rotate(world[:, wr], np.broadcast_to(-Z, along.shape))
    normal = np.where(length > 1e-6, normal / np.maximum(length, 1e-9), fallback)
    third = np.cross(along, normal)
    # At rest the hand points along s*X with the palm down (-Z).
    rest = np.array([[s, 0.0, 0.0], [0.0, 0.0, -1.0], np.cross([s, 0.0, 0.0], [0.0, 0.0, -1.0])])
    goal = quat.from_matrix(np.stack([along, normal, third], axis=-1) @ rest)
    if bend_deg:
        goal = quat.multiply(goal, axis_angle(Y, s * np.asarray(bend_deg, float)))
    out = rotations.copy()
    out[:, wr] = _blend(rotations[:, wr], quat.multiply(quat.inverse(world[:, el]), goal),
                        weight)
    return out


def arm_length(offsets: np.ndarray, side: str = "right") -> float:
    """Shoulder to wrist with the arm straight."""
    return float(np.linalg.norm(offsets[INDEX[f"{side}_elbow"]]) +
                 np.linalg.norm(offsets[INDEX[f"{side}_wrist"]]))


def hang_arms(root: np.ndarray, rotations: np.ndarray, offsets: np.ndarray,
              hanging: np.ndarray, fraction: float = 0.8) -> np.ndarray:
    """Rotations (N, 22, 4) with the upper arms turned back towards the world direction they
    have in the `hanging` pose (22, 4) by `fraction`: when the body bends, arms hang with
    gravity instead of staying glued to the chest."""
    _, world = forward_kinematics(root, rotations, offsets)
    _, rest_world = forward_kinematics(np.zeros((1, 3)), hanging[None], offsets)
    out = rotations.copy()
    for side in SIDES:
        sh = INDEX[f"{side}_shoulder"]
        goal = quat.slerp(world[:, sh], np.broadcast_to(rest_world[0, sh], world[:, sh].shape),
                          fraction)
        out[:, sh] = quat.multiply(quat.inverse(world[:, PARENTS[sh]]), goal)
    return out
