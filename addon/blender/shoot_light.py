"""Light and world for the shots, on top of what the cast stage's set already has.

The cast stage lights the set for its time of day (a sun outdoors, ceiling panels indoors, a
flat sky colour).  For the camera this adds, tagged `story_stage="shoot"` so a re-run
replaces it: outdoors a sky that grades from a warm horizon to a deeper zenith in the time of
day's colours; indoors a three-point rig (key, fill, rim area lights) on the action and a
window light at each window; a world bright enough never to render black; the AgX view
transform (Filmic where a Blender has no AgX) at neutral exposure.
"""
from __future__ import annotations

import logging
import math

import numpy as np
from mathutils import Vector

from .cleanup import REPLACED_WORLD_KEY
from .tags import tag

log = logging.getLogger(__name__)

STAGE = "shoot"
#: The dimmest world allowed: luminance × strength (a moonlit night still shows shapes).
MIN_WORLD = 0.02
#: Window light by time of day: colour and W/m² of window.
WINDOW = {"dawn": ((1.0, 0.75, 0.55), 60.0), "morning": ((0.85, 0.92, 1.0), 120.0),
          "noon": ((0.9, 0.95, 1.0), 150.0), "afternoon": ((0.95, 0.93, 0.9), 120.0),
          "dusk": ((1.0, 0.6, 0.4), 50.0), "night": ((0.45, 0.55, 1.0), 8.0)}


def _luminance(rgb) -> float:
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def set_view(scene) -> str:
    """AgX (Filmic on a Blender without it), no look, neutral exposure; returns the name."""
    vs = scene.view_settings
    for name in ("AgX", "Filmic"):
        try:
            vs.view_transform = name
            break
        except TypeError:
            continue
    try:
        vs.look = "None"
    except TypeError:
        pass
    vs.exposure, vs.gamma = 0.0, 1.0
    return vs.view_transform


def _background(world):
    if world is None or world.node_tree is None:
        return None
    return next((n for n in world.node_tree.nodes if n.bl_idname == "ShaderNodeBackground"),
                None)


def light_world(blend_data, scene, set_plan: dict, collection) -> list[str]:
    """Add the shot lighting to `scene` (lights linked into `collection`); returns notes."""
    notes = [f"view transform {set_view(scene)}"]
    lighting = set_plan.get("lighting", {})
    tod = lighting.get("time_of_day") or set_plan.get("time_of_day") or "afternoon"
    sky = tuple(lighting.get("sky_rgb", (0.4, 0.5, 0.8)))
    strength = float(lighting.get("sky_strength", 1.0))
    outdoor = set_plan.get("kind") == "outdoor"
    old = scene.world
    world = old.copy() if old is not None else blend_data.worlds.new("Story Sky")
    world.name = "Story Sky (shots)"
    if world.node_tree is None:
        world.use_nodes = True
    if old is not None:
        world[REPLACED_WORLD_KEY] = old.get(REPLACED_WORLD_KEY, old.name) \
            if old.get("story_stage") == STAGE else old.name
    tag(world, STAGE, "world")
    scene.world = world
    bg = _background(world)
    if bg is None:
        bg = world.node_tree.nodes.new("ShaderNodeBackground")
        out = world.node_tree.nodes.new("ShaderNodeOutputWorld")
        world.node_tree.links.new(bg.outputs[0], out.inputs[0])
    level = _luminance(sky) * strength
    if level < MIN_WORLD:
        strength = MIN_WORLD / max(_luminance(sky), 1e-3)
        if _luminance(sky) < 1e-3:
            sky = (0.02, 0.03, 0.06)
            strength = MIN_WORLD / _luminance(sky)
        notes.append(f"world brightened to {MIN_WORLD} so it never renders black")
    bg.inputs["Strength"].default_value = strength
    bg.inputs["Color"].default_value = (*sky, 1.0)
    sun = next((o for o in scene.objects if o.type == "LIGHT" and o.data.type == "SUN"), None)
    if outdoor:
        sun_rgb = tuple(sun.data.color) if sun is not None else (1.0, 0.95, 0.85)
        _sky_gradient(world, bg, sky, sun_rgb)
        notes.append(f"{tod} sky: horizon to zenith gradient")
        if sun is None:
            _add_light(blend_data, collection, "Shot Sun", "SUN", (0, 0, 20), (0, 0, 0), 3.0,
                       (1.0, 0.95, 0.85))
            notes.append("no sun in the set: added one")
        return notes
    notes += _three_point(blend_data, scene, set_plan, collection, tod)
    return notes


def _sky_gradient(world, bg, sky, sun_rgb):
    """Background colour from the view direction's height: a horizon lit by the sun's
    colour grading to a deeper zenith."""
    nodes, links = world.node_tree.nodes, world.node_tree.links
    coord = nodes.new("ShaderNodeTexCoord")
    split = nodes.new("ShaderNodeSeparateXYZ")
    ramp = nodes.new("ShaderNodeValToRGB")
    links.new(coord.outputs["Generated"], split.inputs[0])
    links.new(split.outputs["Z"], ramp.inputs["Fac"])
    sky = np.asarray(sky, float)
    horizon = np.clip(0.55 * sky + 0.45 * np.asarray(sun_rgb) * max(sky.max(), 0.2), 0, 1)
    zenith = np.clip(sky * 0.75, 0, 1)
    el = ramp.color_ramp.elements
    el[0].position, el[0].color = 0.0, (*horizon, 1.0)
    el[1].position, el[1].color = 0.6, (*zenith, 1.0)
    links.new(ramp.outputs["Color"], bg.inputs["Color"])


def _add_light(blend_data, collection, name, kind, position, aim, energy, colour, size=1.0):
    data = blend_data.lights.new(name, kind)
    data.energy, data.color = energy, colour
    if kind == "AREA":
        data.size = size
    tag(data, STAGE, "lights")
    obj = blend_data.objects.new(name, data)
    obj.location = position
    direction = Vector(aim) - Vector(position)
    if direction.length > 1e-6:
        obj.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()
    tag(obj, STAGE, "lights")
    collection.objects.link(obj)
    return obj


def _three_point(blend_data, scene, set_plan, collection, tod) -> list[str]:
    """Key, fill and rim area lights on the action, inside the room, lit from the audience
    side (−Y, where the cameras mostly stand), and a window light per window."""
    area = set_plan.get("area", {})
    cx, cy = float(area.get("cx", 0.0)), float(area.get("cy", 0.0))
    xmin, xmax = float(area.get("xmin", cx - 3)) + 0.3, float(area.get("xmax", cx + 3)) - 0.3
    ymin, ymax = float(area.get("ymin", cy - 3)) + 0.3, float(area.get("ymax", cy + 3)) - 0.3
    top = float(set_plan.get("wall_height_m", 2.6)) - 0.2
    clamp = lambda x, y, z: (min(max(x, xmin), xmax), min(max(y, ymin), ymax), min(z, top))
    warm = (1.0, 0.85, 0.7) if tod in ("dusk", "night") else (1.0, 0.95, 0.9)
    aim = (cx, cy, 1.2)
    names = {o.name for o in scene.objects if o.type == "LIGHT"}
    notes = []
    if not {"Key", "Fill", "Rim"} <= names:
        _add_light(blend_data, collection, "Shot Key", "AREA", clamp(cx - 2.0, cy - 2.6, 2.4),
                   aim, 250.0, warm, 1.2)
        _add_light(blend_data, collection, "Shot Fill", "AREA", clamp(cx + 2.4, cy - 2.0, 1.8),
                   aim, 90.0, (0.9, 0.95, 1.0), 2.0)
        _add_light(blend_data, collection, "Shot Rim", "AREA", clamp(cx + 0.5, cy + 2.4, 2.4),
                   (cx, cy, 1.5), 150.0, warm, 0.8)
        notes.append("three-point area lights: key, fill, rim")
    colour, per_m2 = WINDOW.get(tod, WINDOW["afternoon"])
    for d in set_plan.get("dressing", []):
        if d.get("category") != "window":
            continue
        pose = d.get("pose", {})
        x, y, rot = float(pose.get("x", 0)), float(pose.get("y", 0)), float(pose.get("rot_z", 0))
        inward = (math.sin(rot), -math.cos(rot))      # a window faces into the room
        dims = d.get("dimensions_m") or (1.0, 0.1, 1.2)
        w, h = float(dims[0]), float(dims[2])
        z = float(pose.get("z", 0.9)) + h / 2
        pos = (x + 0.15 * inward[0], y + 0.15 * inward[1], z)
        target = (x + 2 * inward[0], y + 2 * inward[1], z - 0.8)
        light = _add_light(blend_data, collection, f"Shot Window {d.get('id')}", "AREA", pos,
                           target, per_m2 * w * h, colour, 1.0)
        light.data.shape = "RECTANGLE"
        light.data.size, light.data.size_y = w, h
        notes.append(f"window light at {d.get('id')}")
    return notes
