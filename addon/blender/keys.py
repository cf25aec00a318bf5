"""Keyframes written in bulk: slotted actions (Blender 4.4+ and 5.x) and whole curves at once.

The stages key many frames (a physics bake keys every body on every frame), so curves are
filled with `keyframe_points.foreach_set` rather than one `keyframe_insert` per key.
"""
from __future__ import annotations

import numpy as np

from .tags import tag

LINEAR, CONSTANT = 2, 0            # Blender's keyframe interpolation enum values


def new_action(blend_data, obj, name: str, stage: str, story_id: str):
    """A new action tagged for `stage`, with one slot for `obj`; returns (action, channelbag)."""
    action = blend_data.actions.new(name)
    tag(action, stage, story_id)
    slot = action.slots.new(id_type="OBJECT", name=obj.name)
    strip = action.layers.new("Layer").strips.new(type="KEYFRAME")
    return action, strip.channelbag(slot, ensure=True)


def assign(obj, action):
    """Make `action` (with its first slot) the object's active action; returns the action
    it replaced."""
    animation = obj.animation_data or obj.animation_data_create()
    old = animation.action
    animation.action = action
    if hasattr(animation, "action_slot") and action is not None and action.slots:
        animation.action_slot = action.slots[0]
    return old


def action_channelbag(action):
    """The channelbag of a slotted action's first slot (where `new_action` keys)."""
    strip = action.layers[0].strips[0]
    return strip.channelbag(action.slots[0], ensure=True)


def key_curve(channelbag, data_path: str, index: int, group: str, frames, values,
              interpolation: int = LINEAR):
    """One F-curve keyed at `frames` to `values`, replacing any keys it had."""
    try:
        fcurve = channelbag.fcurves.new(data_path, index=index, group_name=group)
    except TypeError:           # Blender 4.5: no channel groups through this call
        fcurve = channelbag.fcurves.new(data_path, index=index)
    frames = np.asarray(frames, dtype=float)
    fcurve.keyframe_points.add(len(frames))
    fcurve.keyframe_points.foreach_set(
        "co", np.column_stack([frames, np.asarray(values, dtype=float)]).ravel())
    fcurve.keyframe_points.foreach_set("interpolation", np.full(len(frames), interpolation))
    fcurve.update()
    return fcurve


def key_matrices(channelbag, obj, frames, matrices):
    """Key the object's location and Euler rotation to world matrices (T, 4, 4).  Each Euler
    is the one closest to the previous frame's, so a tumbling body does not spin back through
    ±180° between keys."""
    from mathutils import Matrix
    obj.rotation_mode = "XYZ"
    eulers, previous = [], None
    for m in matrices:
        rot = Matrix(np.asarray(m)[:3, :3].tolist())
        e = rot.to_euler("XYZ") if previous is None else rot.to_euler("XYZ", previous)
        eulers.append(tuple(e))
        previous = e
    eulers = np.array(eulers)
    locations = np.asarray(matrices)[:, :3, 3]
    for axis in range(3):
        key_curve(channelbag, "location", axis, "Object Transforms", frames, locations[:, axis])
    for axis in range(3):
        key_curve(channelbag, "rotation_euler", axis, "Object Transforms", frames,
                  eulers[:, axis])


def evaluate_matrix(action, frame: float) -> np.ndarray | None:
    """The object world matrix an action of location/rotation_euler keys gives at `frame`
    (None when it keys neither), without changing the scene's frame."""
    from mathutils import Euler, Matrix
    values = {"location": [0.0, 0.0, 0.0], "rotation_euler": [0.0, 0.0, 0.0]}
    found = False
    for fcurve in action_fcurves(action):
        if fcurve.data_path in values:
            values[fcurve.data_path][fcurve.array_index] = fcurve.evaluate(frame)
            found = True
    if not found:
        return None
    m = Euler(values["rotation_euler"], "XYZ").to_matrix().to_4x4()
    m.translation = values["location"]
    return np.array(Matrix(m))


def action_fcurves(action):
    """Every F-curve of a slotted (layered) or legacy action."""
    layers = getattr(action, "layers", None)
    if layers:
        return [fc for layer in layers for strip in layer.strips
                for bag in strip.channelbags for fc in bag.fcurves]
    return list(getattr(action, "fcurves", []))
