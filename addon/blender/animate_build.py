"""Write retargeted motion into Blender: one action per beat, laid out as NLA strips.

Each character gets an NLA track "Story Motion" on its armature, one strip per beat, so an
animator can retime, mute or replace a beat by hand; `bake` joins them into a single action.
Root motion lives on the rig's root bone (`location` in its rest frame); the armature object
stays where the cast stage put it, so moving the object moves the whole performance.
Keys are written in bulk with `keyframe_points.foreach_set`.

A user's work on the motion survives a re-run: keys on the rig's own active action (keying a
pose in the Dope Sheet) play above the NLA and are never touched, and every generated action
remembers a fingerprint of each F-curve (`story_curves`) and where its strip was laid
(`story_strip`), so keys edited in a strip's action (Tweak Mode) and strips moved or scaled
are found on the next run; `keep_edited_motion` then keeps the edited curves (a retimed strip
whole) as the user's action on the track "Story Motion (edited)" above the new motion.
"""
from __future__ import annotations

import hashlib

import numpy as np

from ..motion import quat
from ..motion.retarget import RigRest
from . import keys

STAGE = "animate"
TRACK = "Story Motion"
EDITED_TRACK = "Story Motion (edited)"
#: Custom property of a generated action: {"data_path[index]": fingerprint} of its F-curves.
CURVES_KEY = "story_curves"
#: Custom property of a generated action: [first, last frame] of the strip it was laid on.
STRIP_KEY = "story_strip"


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
    action[CURVES_KEY] = {_curve_key(fc): _fingerprint(fc) for fc in keys.action_fcurves(action)}
    return action


def _curve_key(fcurve) -> str:
    return f"{fcurve.data_path}[{fcurve.array_index}]"


def _fingerprint(fcurve) -> str:
    """A hash of the curve's keys (frames, values, interpolation)."""
    points = fcurve.keyframe_points
    co = np.zeros(2 * len(points), dtype=np.float32)
    points.foreach_get("co", co)
    interpolation = np.zeros(len(points), dtype=np.int32)
    points.foreach_get("interpolation", interpolation)
    return hashlib.blake2b(co.tobytes() + interpolation.tobytes(), digest_size=8).hexdigest()


def edited_curves(action) -> list:
    """The F-curves of a generated action that were edited or added since it was written;
    empty for an action without fingerprints (not one `write_action` made)."""
    stored = action.get(CURVES_KEY)
    if stored is None:
        return []
    return [fc for fc in keys.action_fcurves(action)
            if stored.get(_curve_key(fc)) != _fingerprint(fc)]


def _generated(rig) -> list[tuple]:
    """(action, its strip or None) for the generated actions the rig plays: its "Story
    Motion" strips and a baked active action."""
    animation = rig.animation_data
    if animation is None:
        return []
    track = animation.nla_tracks.get(TRACK)
    out = [(s.action, s) for s in track.strips if s.action is not None] if track else []
    if animation.action is not None:
        out.append((animation.action, None))
    return [(a, s) for a, s in out if a.get("story_stage") == STAGE]


def _retimed(strip) -> bool:
    """Whether the user moved, scaled or repeated a generated strip."""
    placed = strip.action.get(STRIP_KEY) if strip is not None else None
    return placed is not None and (abs(strip.frame_start - placed[0]) > 1e-3
                                   or abs(strip.frame_end - placed[1]) > 1e-3)


def edited_actions(rig) -> list:
    """The generated actions on the rig whose keys the user edited or whose strip the user
    retimed."""
    return [a for a, strip in _generated(rig) if _retimed(strip) or edited_curves(a)]


def keep_edited_motion(rig) -> list[str]:
    """Keep the user's edits of the rig's generated actions before the stage replaces them.
    An edited action loses its untouched curves (a retimed strip keeps them all) and its
    stage tags, so it is the user's now, named "<name> (edited)", and plays on the track
    "Story Motion (edited)" above "Story Motion", timed as its strip was; returns the kept
    actions' names."""
    animation = rig.animation_data
    track = animation.nla_tracks.get(TRACK) if animation is not None else None
    names = []
    for action, old in _generated(rig):
        retimed, changed = _retimed(old), {_curve_key(fc) for fc in edited_curves(action)}
        if not retimed and not changed:
            continue
        if not retimed:
            for bag in (b for layer in action.layers for strip in layer.strips
                        for b in strip.channelbags):
                for fcurve in [fc for fc in bag.fcurves if _curve_key(fc) not in changed]:
                    bag.fcurves.remove(fcurve)
        for key in ("story_stage", "story_id", CURVES_KEY, STRIP_KEY):
            action.pop(key, None)
        if animation.action == action:
            animation.action = None
        action.name = f"{action.name} (edited)"
        start = old.frame_start if old is not None else action.frame_range[0]
        strip = _add_strip(animation, track, action, int(round(start)))
        if hasattr(strip, "action_slot") and action.slots:
            strip.action_slot = action.slots[0]
        if old is not None:
            strip.scale, strip.repeat = old.scale, old.repeat
            strip.frame_start_ui = old.frame_start
        strip.extrapolation = "NOTHING"         # the new motion plays outside the edit
        strip.blend_type = "REPLACE"
        names.append(action.name)
    return names


def _add_strip(animation, below, action, start: int):
    """A strip of `action` at `start` on the lowest "Story Motion (edited)" track with room
    for it (a new one above the others when none has)."""
    tracks = [t for t in animation.nla_tracks if t.name.startswith(EDITED_TRACK)]
    for track in tracks:
        try:
            return track.strips.new(action.name, start, action)
        except RuntimeError:            # an earlier kept edit already plays there
            continue
    track = animation.nla_tracks.new(prev=tracks[-1] if tracks else below)
    track.name = EDITED_TRACK
    return track.strips.new(action.name, start, action)


def place_strips(rig, pieces: list[tuple[str, float, object]]):
    """Lay `pieces` — (strip name, start frame, action) — on the rig's "Story Motion" NLA
    track, replacing its strips if it is there (the track keeps its place under the user's
    tracks); the rig's own active action is left alone."""
    animation = rig.animation_data or rig.animation_data_create()
    track = animation.nla_tracks.get(TRACK)
    if track is None:
        track = animation.nla_tracks.new()
        track.name = TRACK
    for strip in list(track.strips):
        track.strips.remove(strip)
    for i, (name, start, action) in enumerate(pieces):
        strip = track.strips.new(name, int(round(start)), action)
        if hasattr(strip, "action_slot") and action.slots:
            strip.action_slot = action.slots[0]
        # Before the first beat the rig holds its first pose; each beat holds until the next.
        strip.extrapolation = "HOLD" if i == 0 else "HOLD_FORWARD"
        strip.blend_type = "REPLACE"
        action[STRIP_KEY] = [strip.frame_start, strip.frame_end]
    return track


def key_transforms(blend_data, obj, name: str, story_id: str, frames: np.ndarray,
                   matrices: np.ndarray):
    """An action for `obj` keying its location and rotation (Euler XYZ) to the world matrices
    (T, 4, 4) at `frames`, made its active action."""
    action, channelbag = keys.new_action(blend_data, obj, name, STAGE, story_id)
    keys.key_matrices(channelbag, obj, frames, matrices)
    keys.assign(obj, action)
    return action
