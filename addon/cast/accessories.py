"""Worn and carried things (helmet, hat, glasses, backpack, sword...) fitted to a body.

Each accessory is sized from the body it goes on (a helmet from the head's own extent, a
backpack from the back's width) and names the bone it rides on; the Blender side parents it
to that bone, so a helmet turns with the head and never drifts.  Coordinates are the rest
body's: metres, feet on z = 0, facing -Y.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import shapes
from .body_kit import BodyKit
from .body import BodyPlan
from .colours import colour_rgb


@dataclass(frozen=True)
class AccessorySpec:
    name: str                   # the story's word: "helmet"
    bone: str                   # the bone it is parented to
    mesh: shapes.Mesh           # in rest-body coordinates
    preset: str                 # material preset
    rgb: tuple[float, float, float]


@dataclass(frozen=True)
class _Head:
    centre: np.ndarray
    radii: np.ndarray           # half extents x, y, z of the skull
    eyes: tuple[np.ndarray, np.ndarray]   # left, right eye centres
    front_y: float              # the face's front (most -Y point)


def _head(plan: BodyPlan, kit: BodyKit) -> _Head:
    v = plan.rest.vertices
    head = kit.faces[kit.face_parts == kit.part_names.index("head")]
    points = v[np.unique(head)]
    eye_z = plan.rest.heads[kit.bone_names.index("eye.L"), 2]
    skull = points[points[:, 2] > eye_z - 0.02 * plan.height_m]
    low, high = skull.min(axis=0), skull.max(axis=0)
    centre = np.array([0.0, (low[1] + high[1]) / 2, eye_z])
    radii = np.array([(high[0] - low[0]) / 2, (high[1] - low[1]) / 2, high[2] - eye_z])
    eyes = tuple(plan.rest.heads[kit.bone_names.index(f"eye.{s}")] for s in ("L", "R"))
    return _Head(centre, radii, eyes, float(points[:, 1].min()))


def _at(plan: BodyPlan, kit: BodyKit, bone: str, end: str = "head") -> np.ndarray:
    return (plan.rest.heads if end == "head" else plan.rest.tails)[kit.bone_names.index(bone)]


def _dome(head: _Head, margin: float, low: float, thickness: float = 0.012) -> shapes.Mesh:
    """A shell over the skull, `margin` metres clear of it, from `low` (a fraction of the
    skull's height; negative reaches below the eyes) up to the top."""
    angles = np.linspace(np.arcsin(max(low, -0.99)), np.pi / 2, 10)
    size = head.radii + margin
    outer = [(np.cos(a) * size[0], np.sin(a) * size[2]) for a in angles]
    inner = [(np.cos(a) * (size[0] - thickness), np.sin(a) * (size[2] - thickness))
             for a in angles[::-1]]
    outer[-1], inner[0] = (0.0, outer[-1][1]), (0.0, inner[0][1])
    shell = shapes.lathe(outer + inner, 24, closed=True, smooth=True)
    return shell.scaled([1.0, size[1] / size[0], 1.0]).moved(*head.centre)


def _helmet(head: _Head) -> shapes.Mesh:
    return _dome(head, 0.025, 0.2)


def _hat(head: _Head) -> shapes.Mesh:
    crown = shapes.cylinder(1.0, 1.0, 20).scaled([head.radii[0] + 0.01, head.radii[1] + 0.01,
                                                   head.radii[2] * 0.9])
    brim = shapes.cylinder(1.0, 0.01, 24).scaled([head.radii[0] * 1.9, head.radii[1] * 1.8, 1])
    z = head.centre[2] + head.radii[2] * 0.35
    return shapes.merge(crown.moved(head.centre[0], head.centre[1], z),
                        brim.moved(head.centre[0], head.centre[1], z))


def _cap(head: _Head) -> shapes.Mesh:
    dome = _dome(head, 0.012, 0.3)
    visor = shapes.box([head.radii[0] * 1.3, head.radii[1] * 0.9, 0.008]).moved(
        head.centre[0], head.front_y - head.radii[1] * 0.3,
        head.centre[2] + head.radii[2] * 0.28)
    return shapes.merge(dome, visor)


def _crown(head: _Head) -> shapes.Mesh:
    ring = shapes.ring(1.0, 1.08, 1.0, 24).scaled([head.radii[0] * 0.85, head.radii[1] * 0.85,
                                                   0.07])
    return ring.moved(head.centre[0], head.centre[1], head.centre[2] + head.radii[2] * 0.62)


def _glasses(head: _Head, dark: bool) -> shapes.Mesh:
    parts = []
    left, right = head.eyes
    y = head.front_y + 0.012
    radius = 0.55 * abs(left[0] - right[0]) / 2
    for eye in head.eyes:
        rim = shapes.torus(radius, 0.0025, 20, 6).rotated("x", 90).moved(eye[0], y, eye[2])
        parts.append(rim)
        if dark:
            parts.append(shapes.cylinder(radius, 0.002, 20).rotated("x", 90).moved(
                eye[0], y + 0.001, eye[2]))
        side = np.sign(eye[0])
        ear = (side * (head.radii[0] + 0.003), head.centre[1] + head.radii[1] * 0.1, eye[2])
        parts.append(shapes.rod((eye[0] + side * radius, y, eye[2]), ear, 0.002, 6))
    parts.append(shapes.rod((left[0] - radius, y, left[2]), (right[0] + radius, y, right[2]),
                            0.002, 6))
    return shapes.merge(*parts)


def _mask(head: _Head) -> shapes.Mesh:
    face = shapes.sphere(1.0, 16, 8).scaled([head.radii[0] * 0.85, 0.03, head.radii[2] * 0.75])
    return face.moved(head.centre[0], head.front_y + 0.01, head.centre[2] - 0.01)


def _headphones(head: _Head) -> shapes.Mesh:
    band = shapes.torus(1.0, 0.012 / head.radii[0], 24, 6).rotated("x", 90).scaled(
        [head.radii[0] + 0.02, 1.0, head.radii[2] + 0.02])
    cups = [shapes.cylinder(0.035, 0.03, 16).rotated("y", 90).moved(
        s * (head.radii[0] + 0.005), head.centre[1], head.centre[2] - 0.01) for s in (-1, 0)]
    return shapes.merge(band.moved(*head.centre), *cups)


def _torso(plan: BodyPlan, kit: BodyKit, bone: str) -> tuple[np.ndarray, float, float]:
    """Centre, half width and back (max y) of the torso around `bone`'s head."""
    v = plan.rest.vertices
    z = _at(plan, kit, bone)[2]
    band = v[(np.abs(v[:, 2] - z) < 0.03) & (np.abs(v[:, 0]) < 0.11 * plan.height_m)]
    return band.mean(axis=0), float(np.ptp(band[:, 0]) / 2), float(band[:, 1].max())


def _backpack(plan: BodyPlan, kit: BodyKit) -> shapes.Mesh:
    centre, half_width, back = _torso(plan, kit, "spine02")
    h = plan.height_m
    size = np.array([half_width * 1.6, 0.09 * h, 0.25 * h])
    body = shapes.superellipsoid(size, (0.25, 0.25, 0.25))
    return body.moved(0.0, back + size[1] / 2 + 0.005, centre[2] - 0.03 * h)


def _bag(plan: BodyPlan, kit: BodyKit) -> shapes.Mesh:
    hip = _at(plan, kit, "upperleg01.R")
    _, half_width, _ = _torso(plan, kit, "spine04")
    h = plan.height_m
    return shapes.box([0.05 * h, 0.16 * h, 0.13 * h]).moved(
        -half_width - 0.03 * h, hip[1], hip[2] - 0.02 * h)


def right_hand_grip(plan: BodyPlan, kit: BodyKit) -> tuple[np.ndarray, np.ndarray]:
    """Where the right hand grips, and the direction the hand points."""
    wrist = _at(plan, kit, "wrist.R")
    knuckle = _at(plan, kit, "finger3-1.R")
    direction = (knuckle - wrist) / np.linalg.norm(knuckle - wrist)
    return wrist + (knuckle - wrist) * 0.9, direction


def _sword(plan: BodyPlan, kit: BodyKit) -> shapes.Mesh:
    grip, _ = right_hand_grip(plan, kit)
    down = np.array([0.0, -0.35, -1.0]) / np.linalg.norm([0.0, -0.35, -1.0])
    handle = shapes.rod(grip - down * 0.1, grip + down * 0.05, 0.014, 8)
    guard = shapes.box([0.02, 0.16, 0.02]).transformed(shapes.align_z(down)).moved(
        *(grip + down * 0.06))
    blade = shapes.box([0.006, 0.04, 0.75]).moved(0, 0, 0.375).transformed(
        shapes.align_z(down)).moved(*(grip + down * 0.07))
    return shapes.merge(handle, guard, blade)


def _umbrella(plan: BodyPlan, kit: BodyKit) -> shapes.Mesh:
    grip, _ = right_hand_grip(plan, kit)
    down = np.array([0.0, -0.25, -1.0]) / np.linalg.norm([0.0, -0.25, -1.0])
    shaft = shapes.rod(grip - down * 0.08, grip + down * 0.8, 0.008, 8)
    canopy = shapes.lathe([(0.0, 0.0), (0.045, 0.12), (0.03, 0.55), (0.0, 0.6)], 12,
                          smooth=True).transformed(shapes.align_z(down)).moved(
        *(grip + down * 0.2))
    return shapes.merge(shaft, canopy)


def _scarf(plan: BodyPlan, kit: BodyKit) -> shapes.Mesh:
    v = plan.rest.vertices
    neck = _at(plan, kit, "neck01")
    band = v[(np.abs(v[:, 2] - neck[2]) < 0.015) & (np.abs(v[:, 0]) < 0.1)]
    radius = max(float(np.ptp(band[:, 0]) / 2), 0.04)
    return shapes.torus(radius + 0.015, 0.025, 24, 8).scaled([1.0, 0.9, 1.0]).moved(
        0.0, float(band[:, 1].mean()), neck[2] - 0.01)


def _watch(plan: BodyPlan, kit: BodyKit) -> shapes.Mesh:
    wrist = _at(plan, kit, "wrist.L")
    elbow = _at(plan, kit, "lowerarm01.L")
    axis = (wrist - elbow) / np.linalg.norm(wrist - elbow)
    at = wrist - axis * 0.03
    return shapes.torus(0.032, 0.006, 20, 6).transformed(shapes.align_z(axis)).moved(*at)


#: Accessory word → (builder, bone, preset, default colour).
ACCESSORIES = {
    "helmet": (lambda p, k, h: _helmet(h), "head", "plastic", "white"),
    "hat": (lambda p, k, h: _hat(h), "head", "fabric", "black"),
    "cap": (lambda p, k, h: _cap(h), "head", "fabric", "red"),
    "crown": (lambda p, k, h: _crown(h), "head", "metal", "gold"),
    "glasses": (lambda p, k, h: _glasses(h, False), "head", "metal", "black"),
    "sunglasses": (lambda p, k, h: _glasses(h, True), "head", "plastic", "black"),
    "mask": (lambda p, k, h: _mask(h), "head", "plastic", "white"),
    "headphones": (lambda p, k, h: _headphones(h), "head", "plastic", "black"),
    "backpack": (lambda p, k, h: _backpack(p, k), "spine02", "fabric", "navy"),
    "bag": (lambda p, k, h: _bag(p, k), "spine05", "leather", "brown"),
    "sword": (lambda p, k, h: _sword(p, k), "wrist.R", "metal", "silver"),
    "umbrella": (lambda p, k, h: _umbrella(p, k), "wrist.R", "fabric", "black"),
    "scarf": (lambda p, k, h: _scarf(p, k), "neck01", "fabric", "red"),
    "watch": (lambda p, k, h: _watch(p, k), "lowerarm02.L", "metal", "silver"),
}


def plan_accessories(words: list[str], plan: BodyPlan, kit: BodyKit
                     ) -> tuple[list[AccessorySpec], list[str]]:
    """Specs for the accessories named in `words`, and a warning for each unknown one."""
    head = _head(plan, kit)
    specs, warnings = [], []
    for word in words:
        name, _, colour = word.partition(":")
        if name not in ACCESSORIES:
            warnings.append(f"accessory {name!r} is not in the library "
                            f"({', '.join(sorted(ACCESSORIES))}); left out")
            continue
        build, bone, preset, default = ACCESSORIES[name]
        rgb = colour_rgb(colour) or colour_rgb(default)
        specs.append(AccessorySpec(name, bone, build(plan, kit, head), preset, tuple(rgb)))
    return specs, warnings
