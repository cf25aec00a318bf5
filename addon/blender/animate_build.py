"""Write retargeted motion into Blender: one action per beat, laid out as NLA strips.

Each character gets an NLA track "Story Motion" on its armature, one strip per beat, so an
animator can retime, mute or replace a beat by hand; `bake` joins them into a single action.
Root motion lives on the rig's root bone (`location` in its rest frame); the armature object
stays where the cast stage put it, so moving the object moves the whole performance.
Keys are written in bulk with `keyframe_points.foreach_set`.
"""
from __future__ import annotations

import numpy as np

from ..motion import quat
from ..motion.retarget import RigRest
from . import keys

STAGE = "animate"
TRACK = "Story Motion"


def rig_rest(rig) -> RigRest:
    """The armature's rest pose as plain data, in its own (armature) space."""
    bones = list(rig.data.bones)
    index = {b.name: i for i, b in enumerate(bones)}
    matrices = np.array([np.array(b.matrix_local.to_3x3()) for b in bones])
    return RigRest(tuple(index), tuple(index[b.parent.name] if b.parent else -1 for b in bones),
                   np.array([tuple(b.head_local) for b in bones]),
                   quat.from_matrix(matrices))


def write_action(blend_data, rig, name: str, story_id: str, local: np.ndarray,
                 root_location: np.ndarray, root_bone: str, first_frame: float = 1.0,
                 bones: tuple[str, ...] | None = None):
    """An action keying `local` rotations (T, B, 4) on every bone (or just `bones`) and the
    root bone's `location` (T, 3), one key per frame from `first_frame`."""
    action, channelbag = keys.new_action(blend_data, rig, name, STAGE, story_id)
    frames = first_frame + np.arange(len(local), dtype=float)
    names = [b.name for b in rig.data.bones]
    wanted = set(bones) if bones is not None else set(names)
    for b, bone in enumerate(names):
        if bone not in wanted:
            continue
        rig.pose.bones[bone].rotation_mode = "QUATERNION"
        path = f'pose.bones["{bone}"].rotation_quaternion'
        for axis in range(4):
            keys.key_curve(channelbag, path, axis, bone, frames, local[:, b, axis])
    path = f'pose.bones["{root_bone}"].location'
    for axis in range(3):
        keys.key_curve(channelbag, path, axis, root_bone, frames, root_location[:, axis])
    return action


def place_strips(rig, pieces: list[tuple[str, float, object]]):
    """Lay `pieces` — (strip name, start frame, action) — on the rig's "Story Motion" NLA
    track, replacing the track if it is there; the rig's own active action is left alone."""
    animation = rig.animation_data or rig.animation_data_create()
    old = animation.nla_tracks.get(TRACK)
    if old is not None:
        animation.nla_tracks.remove(old)
    track = animation.nla_tracks.new()
    track.name = TRACK
    for i, (name, start, action) in enumerate(pieces):
        strip = track.strips.new(name, int(round(start)), action)
        if hasattr(strip, "action_slot") and action.slots:
            strip.action_slot = action.slots[0]
        # Before the first beat the rig holds its first pose; each beat holds until the next.
        strip.extrapolation = "HOLD" if i == 0 else "HOLD_FORWARD"
        strip.blend_type = "REPLACE"
    return track


def key_transforms(blend_data, obj, name: str, story_id: str, frames: np.ndarray,
                   matrices: np.ndarray):
    """An action for `obj` keying its location and rotation (Euler XYZ) to the world matrices
    (T, 4, 4) at `frames`, made its active action."""
    action, channelbag = keys.new_action(blend_data, obj, name, STAGE, story_id)
    keys.key_matrices(channelbag, obj, frames, matrices)
    keys.assign(obj, action)
    return action
