"""Retargeting between the canonical skeleton and a humanoid rig.

Rotations are transferred in world space: each mapped bone turns by the same world rotation as
its canonical joint turns away from the T-pose, after a fixed rest correction that lines the
bone up with the canonical rest direction.  Rigs whose rest pose is an A-pose (Anny), a T-pose
(Mixamo, SMPL) or arms-down all land the same.  Bones between mapped ones (twist and extra spine
bones) keep their rest pose relative to their parent.  The pelvis height is scaled by leg
length, so a child's steps are a child's size.

A rig is plain data (`RigRest`): bone names, parents, and rest heads and rotations in armature
space (Blender's `bone.head_local` and `bone.matrix_local`), so this module needs no Blender.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import quat
from .clip import Clip
from .skeleton import INDEX, PARENTS, REST_OFFSETS, forward_kinematics, pelvis_height


class RigError(ValueError):
    """The rig is not a humanoid this retargeter knows; the message names the missing bones."""


@dataclass(frozen=True)
class RigRest:
    names: tuple[str, ...]
    parents: tuple[int, ...]        # index of each bone's parent, -1 for none
    heads: np.ndarray               # (B, 3) rest head positions, armature space
    rotations: np.ndarray           # (B, 4) rest rotations (the bone's matrix_local), armature space

    def index(self, name: str) -> int:
        return self.names.index(name)


#: For each canonical joint, the bone it drives and the bone whose head it aims at (None: keep
#: the rest orientation, for the upright trunk and head, which stand alike in every rest pose).
@dataclass(frozen=True)
class Mapping:
    name: str
    bones: dict[str, tuple[str, str | None]]

    def missing(self, names) -> list[str]:
        present = set(names)
        wanted = [bone for pair in self.bones.values() for bone in pair if bone]
        return [bone for bone in dict.fromkeys(wanted) if bone not in present]


def _limbs(side: str, hip, knee, ankle, toe, collar, shoulder, elbow, wrist, finger):
    s = {"L": "left", "R": "right"}[side]
    return {f"{s}_hip": (hip, knee), f"{s}_knee": (knee, ankle), f"{s}_ankle": (ankle, toe),
            f"{s}_collar": (collar, shoulder), f"{s}_shoulder": (shoulder, elbow),
            f"{s}_elbow": (elbow, wrist), f"{s}_wrist": (wrist, finger)}


def _side(s: str) -> str:
    return {"L": "Left", "R": "Right"}[s]


def _mapping(name, trunk: dict, side) -> Mapping:
    bones = dict(trunk)
    for s in ("L", "R"):
        bones.update(_limbs(s, *side(s)))
    return Mapping(name, bones)


MAPPINGS = (
    _mapping("anny", {"pelvis": ("root", None), "spine1": ("spine05", None),
                      "spine2": ("spine03", None), "spine3": ("spine01", None),
                      "neck": ("neck01", None), "head": ("head", None)},
             lambda s: (f"upperleg01.{s}", f"lowerleg01.{s}", f"foot.{s}", f"toe3-1.{s}",
                        f"clavicle.{s}", f"upperarm01.{s}", f"lowerarm01.{s}", f"wrist.{s}",
                        f"finger3-1.{s}")),
    _mapping("rigify", {"pelvis": ("DEF-spine", None), "spine1": ("DEF-spine.001", None),
                        "spine2": ("DEF-spine.002", None), "spine3": ("DEF-spine.003", None),
                        "neck": ("DEF-spine.004", None), "head": ("DEF-spine.006", None)},
             lambda s: (f"DEF-thigh.{s}", f"DEF-shin.{s}", f"DEF-foot.{s}", f"DEF-toe.{s}",
                        f"DEF-shoulder.{s}", f"DEF-upper_arm.{s}", f"DEF-forearm.{s}",
                        f"DEF-hand.{s}", f"DEF-f_middle.01.{s}")),
    _mapping("mixamo", {"pelvis": ("mixamorig:Hips", None), "spine1": ("mixamorig:Spine", None),
                        "spine2": ("mixamorig:Spine1", None),
                        "spine3": ("mixamorig:Spine2", None),
                        "neck": ("mixamorig:Neck", None), "head": ("mixamorig:Head", None)},
             lambda s: (f"mixamorig:{_side(s)}UpLeg", f"mixamorig:{_side(s)}Leg",
                        f"mixamorig:{_side(s)}Foot", f"mixamorig:{_side(s)}ToeBase",
                        f"mixamorig:{_side(s)}Shoulder", f"mixamorig:{_side(s)}Arm",
                        f"mixamorig:{_side(s)}ForeArm", f"mixamorig:{_side(s)}Hand",
                        f"mixamorig:{_side(s)}HandMiddle1")),
    _mapping("smpl", {"pelvis": ("Pelvis", None), "spine1": ("Spine1", None),
                      "spine2": ("Spine2", None), "spine3": ("Spine3", None),
                      "neck": ("Neck", None), "head": ("Head", None)},
             lambda s: (f"{s}_Hip", f"{s}_Knee", f"{s}_Ankle", f"{s}_Foot", f"{s}_Collar",
                        f"{s}_Shoulder", f"{s}_Elbow", f"{s}_Wrist", f"{s}_Hand")),
)


def _renamespaced(mapping: Mapping, names) -> Mapping:
    """`mapping` with its "mixamorig:" namespace swapped for the one this rig uses: rigs from
    Mixamo, Meshy or Tripo come as "mixamorig:Hips", "mixamorig1:Hips", "mixamorig_Hips" or
    plain "Hips" depending on the exporter."""
    hips = mapping.bones["pelvis"][0]
    if ":" not in hips:
        return mapping
    prefix, bare = hips.split(":", 1)
    found = next((n[:-len(bare)] for n in names if n.endswith(bare)
                  and (n == bare or n.lower().startswith(prefix.lower()))), None)
    if found is None or found == prefix + ":":
        return mapping
    swap = lambda b: b and found + b.split(":", 1)[1]
    return Mapping(mapping.name, {j: (swap(a), swap(b)) for j, (a, b) in mapping.bones.items()})


def find_mapping(names) -> Mapping:
    """The first known mapping whose bones the rig has; RigError naming what is missing."""
    names = list(names)
    best = min((_renamespaced(m, names) for m in MAPPINGS), key=lambda m: len(m.missing(names)))
    missing = best.missing(names)
    if missing:
        raise RigError(f"not a humanoid rig this extension knows: closest is {best.name!r} "
                       f"but it lacks {', '.join(missing[:8])}"
                       + (f" and {len(missing) - 8} more" if len(missing) > 8 else ""))
    return best


#: The canonical joint each joint aims at (its main child); None: keep the rest orientation.
_AIMS = {"left_hip": "left_knee", "right_hip": "right_knee", "left_knee": "left_ankle",
         "right_knee": "right_ankle", "left_ankle": "left_foot", "right_ankle": "right_foot",
         "left_collar": "left_shoulder", "right_collar": "right_shoulder",
         "left_shoulder": "left_elbow", "right_shoulder": "right_elbow",
         "left_elbow": "left_wrist", "right_elbow": "right_wrist"}


@dataclass(frozen=True)
class Retargeter:
    """Precomputed rest corrections from the canonical skeleton to one rig."""
    rig: RigRest
    mapping: Mapping
    driver: np.ndarray          # (B,) canonical joint driving each mapped bone, -1 if none
    corrections: np.ndarray     # (B, 4) world rotation lining the bone up with the T-pose
    hip_scale: float            # rig pelvis height / canonical pelvis height

    @classmethod
    def for_rig(cls, rig: RigRest, offsets: np.ndarray, mapping: Mapping | None = None
                ) -> Retargeter:
        mapping = mapping or find_mapping(rig.names)
        rest, _ = forward_kinematics(np.zeros((1, 3)), np.tile(quat.IDENTITY, (1, 22, 1)),
                                     offsets)
        rest = rest[0]
        driver = np.full(len(rig.names), -1)
        corrections = np.tile(quat.IDENTITY, (len(rig.names), 1))
        for joint, (bone, aim_bone) in mapping.bones.items():
            b = rig.index(bone)
            driver[b] = INDEX[joint]
            if aim_bone is None:
                continue
            rig_direction = rig.heads[rig.index(aim_bone)] - rig.heads[b]
            aim = _AIMS.get(joint)
            if aim is not None:
                canonical = rest[INDEX[aim]] - rest[INDEX[joint]]
            else:                   # wrists: carry on along the forearm
                canonical = rest[INDEX[joint]] - rest[PARENTS[INDEX[joint]]]
            corrections[b] = quat.between(rig_direction, canonical)
        left_hip, left_ankle = mapping.bones["left_hip"][0], mapping.bones["left_ankle"][0]
        rig_leg = rig.heads[rig.index(left_hip), 2] - rig.heads[rig.index(left_ankle), 2]
        canonical_leg = rest[INDEX["left_hip"], 2] - rest[INDEX["left_ankle"], 2]
        return cls(rig, mapping, driver, corrections, float(rig_leg / canonical_leg))

    def world_rotations(self, clip: Clip) -> np.ndarray:
        """Armature-space rotations (T, B, 4) of every rig bone for `clip`."""
        _, canonical = forward_kinematics(clip.root, clip.rotations, clip.offsets)
        rig = self.rig
        out = np.zeros((clip.frames, len(rig.names), 4))
        for b, parent in enumerate(rig.parents):
            j = self.driver[b]
            if j >= 0:
                out[:, b] = quat.multiply(canonical[:, j],
                                          quat.multiply(self.corrections[b], rig.rotations[b]))
            elif parent >= 0:       # keeps its rest pose relative to its parent
                local = quat.multiply(quat.inverse(rig.rotations[parent]), rig.rotations[b])
                out[:, b] = quat.multiply(out[:, parent], local)
            else:
                out[:, b] = rig.rotations[b]
        return out

    def pose(self, clip: Clip) -> tuple[np.ndarray, np.ndarray]:
        """Blender pose-bone values for `clip`: local rotations (T, B, 4) as
        `rotation_quaternion`, and the root bone's `location` (T, 3) in its own rest frame.

        The root bone goes where the clip's pelvis is (in the rig's armature space), its
        travel scaled by the ratio of leg lengths, its height measured from the canonical
        pelvis's rest height.
        """
        rig = self.rig
        world = self.world_rotations(clip)
        local = np.zeros_like(world)
        for b, parent in enumerate(rig.parents):
            rest_local = rig.rotations[b] if parent < 0 else quat.multiply(
                quat.inverse(rig.rotations[parent]), rig.rotations[b])
            current = world[:, b] if parent < 0 else quat.multiply(
                quat.inverse(world[:, parent]), world[:, b])
            local[:, b] = quat.multiply(quat.inverse(rest_local), current)
        root_bone = rig.index(self.mapping.bones["pelvis"][0])
        rest_height = pelvis_height(clip.offsets)
        # The clip's pelvis is where the rig's root bone goes: across the floor at the clip's
        # place, at the rig's own pelvis height above it.
        target = clip.root * self.hip_scale
        target[:, 2] += rig.heads[root_bone, 2] - rest_height * self.hip_scale
        location = quat.rotate(quat.inverse(rig.rotations[root_bone]),
                               target - rig.heads[root_bone])
        return quat.unroll(local), location


#: Joints whose offset runs along a limb: their direction is the T-pose's, their length the rig's.
_LIMB_JOINTS = {f"{side}_{part}" for side in ("left", "right")
                for part in ("knee", "ankle", "foot", "shoulder", "elbow", "wrist")}


def rig_offsets(rig: RigRest, mapping: Mapping | None = None) -> np.ndarray:
    """Canonical rest offsets (22, 3) with the rig's own proportions, so motion made for them
    lands on the rig without stretching: limb segments take the T-pose directions at the rig's
    lengths, the upright trunk keeps the rig's own vectors."""
    mapping = mapping or find_mapping(rig.names)
    feet = {"left_foot": mapping.bones["left_ankle"][1],
            "right_foot": mapping.bones["right_ankle"][1]}
    head = {j: rig.heads[rig.index(feet.get(j) or mapping.bones[j][0])] for j in INDEX}
    offsets = np.zeros((len(INDEX), 3))
    for joint, j in INDEX.items():
        parent = PARENTS[j]
        if parent < 0:
            continue
        vector = head[joint] - head[next(k for k, i in INDEX.items() if i == parent)]
        if joint in _LIMB_JOINTS:
            direction = REST_OFFSETS[j] / np.linalg.norm(REST_OFFSETS[j])
            vector = direction * np.linalg.norm(vector)
        offsets[j] = vector
    return offsets


def rig_positions(rig: RigRest, local: np.ndarray, root_location: np.ndarray,
                  root_bone: int) -> np.ndarray:
    """Bone head positions (T, B, 3) in armature space for posed local rotations, the same
    way Blender evaluates a pose (for tests and metrics without Blender)."""
    return rig_pose(rig, local, root_location, root_bone)[0]


def rig_pose(rig: RigRest, local: np.ndarray, root_location: np.ndarray,
             root_bone: int) -> tuple[np.ndarray, np.ndarray]:
    """Bone heads (T, B, 3) and rotations (T, B, 4) in armature space for posed local
    rotations, evaluated as Blender does."""
    frames = len(local)
    heads = np.zeros((frames, len(rig.names), 3))
    world = np.zeros((frames, len(rig.names), 4))
    for b, parent in enumerate(rig.parents):
        if parent < 0:
            world[:, b] = quat.multiply(rig.rotations[b], local[:, b])
            heads[:, b] = rig.heads[b]
        else:
            rest_local = quat.multiply(quat.inverse(rig.rotations[parent]), rig.rotations[b])
            world[:, b] = quat.multiply(world[:, parent], quat.multiply(rest_local, local[:, b]))
            offset = quat.rotate(quat.inverse(rig.rotations[parent]),
                                 rig.heads[b] - rig.heads[parent])
            heads[:, b] = heads[:, parent] + quat.rotate(world[:, parent], offset)
        if b == root_bone:
            heads[:, b] = heads[:, b] + quat.rotate(rig.rotations[b], root_location)
    return heads, world

