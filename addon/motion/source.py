"""Any source skeleton's motion, turned into the canonical skeleton by world-space matching.

Mocap formats disagree on almost everything: which axis is up, which way the body faces, the
units, the rest pose (arms down, A-pose, T-pose), how many spine bones there are and where the
joints sit.  Copying local rotations from one skeleton to another only works when all of that
agrees, so the conversion goes through world space instead:

1. Forward kinematics on the source gives every joint's world rotation and position.
2. One rotation (`frame_rotation`) turns the source's axes into Blender's so that the source's
   *rest* pose stands on +Z and faces -Y (its left side towards +X), like the canonical rest.
3. Each canonical joint takes the world rotation of the source joint it is mapped to, times a
   constant per-joint correction `S` that turns the canonical T-pose bone direction (SMPL's,
   from `skeleton.REST_OFFSETS`) onto the source's rest bone direction.  That is where a rest
   pose with hanging arms becomes a T-pose: S for a shoulder is "arm along +X -> arm along -Z".
4. The clip's offsets are the source's own bone vectors expressed in that T-pose, so forward
   kinematics of the clip puts every mapped joint exactly where the source put it; only the
   bone lengths are the source's (the retargeter handles proportions).

Canonical joints with no source joint (DeepMimic has one spine joint for SMPL's three) are
"virtual": they sit where SMPL's rest shape puts them between their nearest mapped ancestor and
descendant, and turn rigidly with the ancestor.  Every clip produced this way therefore shares
SMPL's rest bone directions, so local rotations are comparable across sources and blendable.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import quat
from .clip import Clip
from .contacts import foot_contacts
from .skeleton import INDEX, JOINTS, PARENTS, REST_OFFSETS, rest_positions

#: Canonical joints every source must provide: they fix the scale, the facing and the floor.
REQUIRED = ("pelvis", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
            "right_ankle")
#: Height of the canonical foot joint (ball of the foot) above the floor when the foot is flat.
FOOT_JOINT_HEIGHT_M = 0.025
#: SMPL's leg (hip-knee-ankle) length for the 1.75 m body of REST_OFFSETS, metres.
SMPL_LEG_M = float(np.mean([np.linalg.norm(REST_OFFSETS[INDEX[f"{s}_{part}"]])
                            for s in ("left", "right") for part in ("knee", "ankle")]) * 2)

_CHILDREN = {j: [c for c, p in enumerate(PARENTS) if p == j] for j in range(len(JOINTS))}
#: The child whose direction defines each joint's bone (None: the pelvis and the leaves).
BONE_CHILD = {j: (INDEX["neck"] if JOINTS[j] == "spine3" else
                  (kids[0] if len(kids) == 1 else None)) for j, kids in _CHILDREN.items()}


class SourceError(ValueError):
    """A source skeleton cannot be mapped onto the canonical one."""


@dataclass
class SourceMotion:
    """A source skeleton and its motion, in the source's own axes and units.

    `offsets` (J, 3) are each joint's rest offset from its parent (the root's is ignored),
    `rotations` (T, J, 4) local rotations with identity meaning the source's rest pose,
    `root` (T, 3) the root joint's position, `times` (T,) seconds.  `sites` are points fixed
    to a joint (BVH end sites, DeepMimic's wrists and soles): name -> (joint index, offset).
    """
    names: list[str]
    parents: list[int]
    offsets: np.ndarray
    rotations: np.ndarray
    root: np.ndarray
    times: np.ndarray
    sites: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict)

    @property
    def frames(self) -> int:
        return len(self.root)

    def world(self, rotations: np.ndarray | None = None, root: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
        """World positions (T, J + sites, 3) and rotations (T, J + sites, 4); sites follow the
        joints in `sites` order and carry their joint's rotation."""
        rotations = self.rotations if rotations is None else rotations
        root = self.root if root is None else root
        frames, count = len(root), len(self.names)
        positions = np.zeros((frames, count + len(self.sites), 3))
        world = np.zeros((frames, count + len(self.sites), 4))
        for j, parent in enumerate(self.parents):
            if parent < 0:
                world[:, j], positions[:, j] = rotations[:, j], root
            else:
                world[:, j] = quat.multiply(world[:, parent], rotations[:, j])
                positions[:, j] = positions[:, parent] + quat.rotate(
                    world[:, parent], np.broadcast_to(self.offsets[j], (frames, 3)))
        for s, (joint, offset) in enumerate(self.sites.values()):
            world[:, count + s] = world[:, joint]
            positions[:, count + s] = positions[:, joint] + quat.rotate(
                world[:, joint], np.broadcast_to(offset, (frames, 3)))
        return positions, world

    def rest(self) -> np.ndarray:
        """Rest positions (J + sites, 3) with the root at the origin."""
        identity = np.tile(quat.IDENTITY, (1, len(self.names), 1))
        return self.world(identity, np.zeros((1, 3)))[0][0]

    def point_index(self, name: str) -> int:
        if name in self.names:
            return self.names.index(name)
        if name in self.sites:
            return len(self.names) + list(self.sites).index(name)
        raise SourceError(f"'{name}' is neither a joint nor a site of the source skeleton")


def frame_rotation(rest: np.ndarray, left_hip: int, right_hip: int, head: int) -> np.ndarray:
    """The rotation (quaternion) from source axes to Blender axes that makes the source's rest
    pose stand up +Z and face -Y.  Up is the coordinate axis nearest to hips -> head and left
    the axis nearest to right hip -> left hip: rest poses are authored axis-aligned, and
    snapping keeps an exported-and-reimported clip exact."""
    def snap(v):
        axis = np.argmax(np.abs(v))
        out = np.zeros(3)
        out[axis] = np.sign(v[axis])
        return out
    hips = (rest[left_hip] + rest[right_hip]) / 2
    up = snap(rest[head] - hips)
    left = rest[left_hip] - rest[right_hip]
    left = snap(left - np.dot(left, up) * up)
    forward = np.cross(left, up)
    # Rows: the source directions that become Blender's +X (left), +Y (back), +Z (up).
    return quat.from_matrix(np.stack([left, -forward, up]))


def _rotate_frame(q: np.ndarray, rotations: np.ndarray) -> np.ndarray:
    """World rotations expressed in a frame turned by q: q * r * q^-1."""
    return quat.multiply(quat.multiply(q, rotations), quat.inverse(q))


def _ancestor(j: int, mapped: dict[int, int]) -> int:
    parent = PARENTS[j]
    while parent not in mapped:
        parent = PARENTS[parent]
    return parent


def _descendant(j: int, mapped: dict[int, int]) -> int | None:
    child = BONE_CHILD[j]
    while child is not None and child not in mapped:
        child = BONE_CHILD[child]
    return child


def canonical_rest(source_rest: np.ndarray, mapped: dict[int, int]) -> np.ndarray:
    """Rest positions (22, 3) of the canonical joints in the converted source rest pose.
    Mapped joints sit on their source point; a virtual joint sits where SMPL's rest shape puts
    it, fitted (rotation + scale) between its nearest mapped ancestor and descendant."""
    smpl = rest_positions()
    positions = np.zeros((len(JOINTS), 3))
    for j, point in mapped.items():
        positions[j] = source_rest[point]
    legs = [np.linalg.norm(positions[INDEX[f"{s}_knee"]] - positions[INDEX[f"{s}_hip"]])
            + np.linalg.norm(positions[INDEX[f"{s}_ankle"]] - positions[INDEX[f"{s}_knee"]])
            for s in ("left", "right")]
    scale = float(np.mean(legs)) / SMPL_LEG_M
    for j in range(len(JOINTS)):
        if j in mapped:
            continue
        a, d = _ancestor(j, mapped), _descendant(j, mapped)
        if d is None:
            positions[j] = positions[a] + scale * (smpl[j] - smpl[a])
            continue
        smpl_span, span = smpl[d] - smpl[a], positions[d] - positions[a]
        turn = quat.between(smpl_span, span)
        positions[j] = positions[a] + np.linalg.norm(span) / np.linalg.norm(smpl_span) * \
            quat.rotate(turn, smpl[j] - smpl[a])
    return positions


def rest_corrections(positions: np.ndarray) -> np.ndarray:
    """Per-joint constant rotations S (22, 4) taking each canonical T-pose bone direction onto
    the source's rest bone direction.  The pelvis keeps the body frame (identity); a leaf
    (head, feet, wrists) shares its parent's, so the source's rest pose of it carries over."""
    corrections = np.tile(quat.IDENTITY, (len(JOINTS), 1))
    for j in range(1, len(JOINTS)):
        child = BONE_CHILD[j]
        bone = None if child is None else positions[child] - positions[j]
        if bone is None or np.linalg.norm(bone) < 1e-6:     # a leaf, or joints that coincide
            corrections[j] = corrections[PARENTS[j]]
        else:
            corrections[j] = quat.between(REST_OFFSETS[child], bone)
    return corrections


def to_canonical(motion: SourceMotion, mapping: dict[str, str], name: str, *,
                 scale: float = 1.0, turn: np.ndarray | None = None, normalize: bool = True,
                 floor_z: float | None = None, labels: tuple[str, ...] = (),
                 source: str = "") -> Clip:
    """The source motion as a canonical Clip.

    `mapping` names the source joint or site for canonical joints (missing ones become
    virtual, see the module docstring); `scale` turns source units into metres; `turn`
    overrides the axes rotation `frame_rotation` finds.  With `normalize` the clip starts at
    x = y = 0 facing -Y, and stands on the floor: `floor_z` (metres, converted axes) when the
    source knows where its floor is, else see `normalized`.  Per-frame `times` must be
    uniform (see `resample_times`); the clip's fps comes from them.
    """
    unknown = sorted(set(mapping) - set(JOINTS))
    if unknown:
        raise SourceError(f"mapping names {unknown}, which are not canonical joints")
    missing = [j for j in REQUIRED if j not in mapping]
    if missing:
        raise SourceError(f"the source has no joint mapped to {', '.join(missing)}")
    mapped = {INDEX[c]: motion.point_index(s) for c, s in mapping.items()}
    rest = motion.rest() * scale
    if turn is None:
        head = mapped.get(INDEX["head"], mapped.get(INDEX["neck"], mapped.get(INDEX["spine3"])))
        if head is None:
            raise SourceError("the source has no head, neck or chest joint to tell up from")
        turn = frame_rotation(rest, mapped[INDEX["left_hip"]], mapped[INDEX["right_hip"]], head)
    rest = quat.rotate(turn, rest)
    positions, world = motion.world()
    positions = quat.rotate(turn, positions * scale)
    world = _rotate_frame(turn, world)

    joint_rest = canonical_rest(rest, mapped)
    corrections = rest_corrections(joint_rest)
    offsets = np.zeros((len(JOINTS), 3))
    for j in range(1, len(JOINTS)):
        offsets[j] = quat.rotate(quat.inverse(corrections[PARENTS[j]]),
                                 joint_rest[j] - joint_rest[PARENTS[j]])

    frames = motion.frames
    globals_ = np.zeros((frames, len(JOINTS), 4))
    for j in range(len(JOINTS)):
        driver = mapped[j] if j in mapped else mapped[_ancestor(j, mapped)]
        globals_[:, j] = quat.multiply(world[:, driver], corrections[j])
        child = BONE_CHILD[j]
        if j in mapped and j > 0 and child in mapped and np.linalg.norm(offsets[child]) > 1e-6:
            # Joints the mapping skips (CMU's Neck1, LowerBack) may bend the chain: aim the
            # bone at where the source really put its child.
            now = quat.rotate(globals_[:, j], np.broadcast_to(offsets[child], (frames, 3)))
            target = positions[:, mapped[child]] - positions[:, mapped[j]]
            aim = quat.between(now, np.where(np.linalg.norm(target, axis=-1, keepdims=True)
                                             > 1e-9, target, now))
            globals_[:, j] = quat.normalize(quat.multiply(aim, globals_[:, j]))
    local = globals_.copy()
    parents = np.array(PARENTS[1:])
    local[:, 1:] = quat.multiply(quat.inverse(globals_[:, parents]), globals_[:, 1:])
    root = positions[:, mapped[0]]

    clip = Clip(name, _frame_rate(motion.times),
                root, quat.unroll(quat.normalize(local)), offsets, labels=tuple(labels),
                source=source)
    if normalize:
        clip = normalized(clip, floor_z)
    clip.contacts = foot_contacts(clip.positions(), clip.fps)
    return clip


def _frame_rate(times: np.ndarray) -> float:
    """Frames per second from frame times, snapped to a whole number when within 0.1 % of one
    (BVH files round their frame time: 0.0083333 s is 120 fps)."""
    if len(times) < 2:
        return 30.0
    fps = 1.0 / float(np.median(np.diff(times)))
    return float(round(fps)) if abs(fps - round(fps)) < 1e-3 * fps else fps


def heading_turn(positions: np.ndarray) -> np.ndarray:
    """The turn about +Z (quaternion) that makes a pose (22, 3) face -Y: its hips line along +X."""
    left = positions[INDEX["left_hip"]] - positions[INDEX["right_hip"]]
    return quat.from_axis_angle([0.0, 0.0, 1.0], -np.arctan2(left[1], left[0]))


def normalized(clip: Clip, floor_z: float | None = None) -> Clip:
    """The clip turned to face -Y at its first frame, started at x = y = 0, and set on the
    floor: `floor_z` moves to z = 0; without it the canonical feet decide: the 5th percentile
    of the lower foot's height per frame goes to FOOT_JOINT_HEIGHT_M, which shrugs off a few
    frames of penetration and the airborne frames of a jump."""
    turn = heading_turn(clip.sliced(0, 1).positions()[0])
    root = quat.rotate(turn, clip.root)
    rotations = clip.rotations.copy()
    rotations[:, 0] = quat.multiply(turn, rotations[:, 0])
    shift = np.array([root[0, 0], root[0, 1], 0.0 if floor_z is None else floor_z])
    out = Clip(clip.name, clip.fps, root - shift, quat.unroll(rotations), clip.offsets,
               clip.labels, None, clip.source)
    if floor_z is None:
        feet = out.positions()[:, [INDEX["left_foot"], INDEX["right_foot"]], 2].min(axis=1)
        out.root[:, 2] -= np.percentile(feet, 5) - FOOT_JOINT_HEIGHT_M
    return out


def resample_times(times: np.ndarray, root: np.ndarray, rotations: np.ndarray, fps: float
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Root (T, 3) and local rotations (T, J, 4) sampled at possibly uneven `times`, resampled
    onto an even grid near `fps` that keeps the first and the last frame exactly (so a looping
    clip still closes); the clip's time stretches by at most half a frame.  Returns the new
    times, root and rotations."""
    duration = float(times[-1] - times[0])
    count = max(int(round(duration * fps)) + 1, 2) if duration > 0 else 1
    new_times = times[0] + np.linspace(0.0, duration, count) if count > 1 else times[:1].copy()
    upper = np.clip(np.searchsorted(times, new_times, side="right"), 1, len(times) - 1)
    lower = upper - 1
    span = np.maximum(times[upper] - times[lower], 1e-12)
    t = np.clip((new_times - times[lower]) / span, 0.0, 1.0)
    new_root = root[lower] * (1 - t)[:, None] + root[upper] * t[:, None]
    new_rotations = quat.slerp(rotations[lower], rotations[upper],
                               np.broadcast_to(t[:, None], (len(t), rotations.shape[1])))
    return new_times, new_root, new_rotations
