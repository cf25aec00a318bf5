"""Write a prop library `PropSpec` (addon/cast/props.py) into Blender as one mesh object.

The parts are joined into one mesh with a material slot per part slot; the object's origin is
the spec's (centre of the footprint, on the floor).  The object carries the cast-stage tags
and the physics the simulate stage reads back: `story_category`, `story_material`,
`story_density_kgm3`, `story_friction`, `story_restitution`, `story_breakable`,
`story_mass_kg`, `story_collision`, `story_support_top_m` / `story_seat_height_m` where the
prop has them, and `story_placeholder`.  A placeholder box gets its label as a Text object
standing on top of it.  Data API only: no operators, so it runs in `blender -b`.
"""
from __future__ import annotations

import math

import numpy as np

from ..cast.props import PropSpec
from .materials_build import material
from .tags import tag

STAGE = "cast"


def build_prop(blend_data, spec: PropSpec, collection, name: str | None = None):
    """Create the object for `spec`, link it into `collection` and return it; `name` names
    one member of a counted prop ("domino 3"), the tags still carry the prop's id."""
    name = name or (spec.id if not spec.placeholder else _placeholder_name(spec))
    mesh = blend_data.meshes.new(name)
    _fill_mesh(blend_data, mesh, spec)
    tag(mesh, STAGE, spec.id)
    obj = blend_data.objects.new(name, mesh)
    collection.objects.link(obj)
    tag(obj, STAGE, spec.id)
    record_prop(obj, spec)
    if spec.placeholder:
        _label(blend_data, spec, obj, collection)
    return obj


def _placeholder_name(spec: PropSpec) -> str:
    if spec.label and spec.label != spec.id:
        return f"{spec.id} ({spec.label} placeholder)"
    return f"{spec.id} (placeholder)"


def _fill_mesh(blend_data, mesh, spec: PropSpec) -> None:
    slot_names = list(spec.materials)
    verts, faces, slot_of_face, smooth, sharp, base = [], [], [], [], [], 0
    for part in spec.parts:
        verts.append(part.vertices)
        faces.extend([i + base for i in f] for f in part.faces)
        slot_of_face.extend([slot_names.index(part.slot)] * len(part.faces))
        smooth.extend(part.smooth)
        sharp.extend((a + base, b + base) for a, b in part.sharp_edges)
        base += len(part.vertices)
    mesh.from_pydata(np.concatenate(verts).tolist(), [], faces)
    for slot in slot_names:
        preset, rgb = spec.materials[slot]
        mesh.materials.append(material(blend_data, preset, rgb))
    mesh.polygons.foreach_set("material_index", slot_of_face)
    mesh.polygons.foreach_set("use_smooth", smooth)
    if sharp:
        _mark_sharp(mesh, sharp)
    mesh.update()


def _mark_sharp(mesh, pairs) -> None:
    """Set Blender's "sharp_edge" attribute (4.1+ splits normals there) on the given edges."""
    ends = np.zeros(len(mesh.edges) * 2, dtype=np.int32)
    mesh.edges.foreach_get("vertices", ends)
    ends = np.sort(ends.reshape(-1, 2), axis=1)
    index = {(int(a), int(b)): i for i, (a, b) in enumerate(ends)}
    flags = np.zeros(len(mesh.edges), dtype=bool)
    for a, b in pairs:
        flags[index[(a, b) if a < b else (b, a)]] = True
    attr = mesh.attributes.get("sharp_edge") or mesh.attributes.new("sharp_edge", "BOOLEAN", "EDGE")
    attr.data.foreach_set("value", flags)


def record_prop(obj, spec: PropSpec) -> None:
    p = spec.physics
    obj["story_category"] = spec.category
    obj["story_label"] = spec.label
    obj["story_material"] = p.material
    obj["story_density_kgm3"] = float(p.density_kgm3)
    obj["story_friction"] = float(p.friction)
    obj["story_restitution"] = float(p.restitution)
    obj["story_breakable"] = bool(p.breakable)
    obj["story_mass_kg"] = float(p.mass_kg)
    obj["story_collision"] = p.collision
    obj["story_dimensions_m"] = [float(v) for v in spec.dimensions_m]
    obj["story_placeholder"] = bool(spec.placeholder)
    obj["story_seed"] = str(spec.seed)        # Blender ints stop at 2**31
    if spec.support_top_m is not None:
        obj["story_support_top_m"] = float(spec.support_top_m)
    if spec.seat_height_m is not None:
        obj["story_seat_height_m"] = float(spec.seat_height_m)


def _label(blend_data, spec: PropSpec, box_obj, collection):
    """A dark text of the label standing on the placeholder box, facing the front (-Y)."""
    w, d, h = spec.dimensions_m
    # Blender's default 3D font has no CJK glyphs: a Chinese label shows the prop's id instead.
    text = spec.label if spec.label and spec.label.isascii() else spec.id
    curve = blend_data.curves.new(f"{spec.id} label", "FONT")
    curve.body = text
    curve.align_x = "CENTER"
    curve.size = min(0.2, max(0.03, max(w, 0.3) / (0.6 * max(len(text), 1))))
    curve.extrude = curve.size * 0.05
    curve.materials.append(material(blend_data, "plastic", (0.02, 0.02, 0.02)))
    tag(curve, STAGE, spec.id)
    label = blend_data.objects.new(f"{box_obj.name} label", curve)
    label.location = (0.0, 0.0, h + 0.01)
    label.rotation_euler = (math.pi / 2, 0.0, 0.0)
    label.parent = box_obj
    collection.objects.link(label)
    tag(label, STAGE, spec.id)
    label["story_label_of"] = spec.id
    return label
