"""Node materials for the cast stage, from the presets in `addon/cast/materials.py`.

One material per preset and colour ("Story Glass F4F7F7"), shared by every prop that uses it:
a Principled BSDF with the preset's inputs, plus a cheap procedural texture for wood (Wave
bands) and rough materials such as stone and bark (Noise).  Written with the data API only,
so it works in `blender -b` without a window.

Blender 4.5 and 5.0 differ in two places that matter here: a new 4.5 material has no node
tree until `use_nodes` is set (5.0 always has one and deprecates `use_nodes`), and texture
nodes call their factor socket "Fac" in 4.5 and "Factor" in 5.0.  The Principled BSDF input
names ("Transmission Weight", "Coat Weight", "Subsurface Weight", "Sheen Weight") are the
same in both.
"""
from __future__ import annotations

from ..cast.colours import srgb_hex
from ..cast.materials import PRESETS, MaterialPreset
from .tags import tag

STAGE = "cast"
#: Custom property holding the name a material was made under (Blender may add ".001").
KEY = "story_material"


def material_name(preset_name: str, rgb) -> str:
    return f"Story {preset_name.title()} {srgb_hex(rgb)}"


def material(blend_data, preset_name: str, rgb=None):
    """The cast-stage material for `preset_name` in colour `rgb` (linear), made on first use."""
    try:
        preset = PRESETS[preset_name]
    except KeyError:
        raise KeyError(f"no material preset {preset_name!r}; known: "
                       f"{', '.join(sorted(PRESETS))}") from None
    rgb = tuple(preset.base_color if rgb is None else rgb)
    name = material_name(preset_name, rgb)
    found = blend_data.materials.get(name)
    if found is None or found.get(KEY) != name:      # a user's material may hold the name
        found = next((m for m in blend_data.materials if m.get(KEY) == name), None)
    if found is not None:
        return found
    mat = blend_data.materials.new(name)
    if mat.node_tree is None:                         # Blender 4.x: no nodes until asked
        mat.use_nodes = True
    _principled(mat, preset, rgb)
    mat.diffuse_color = (*rgb, 1.0)                   # the viewport's solid-mode colour
    mat.metallic = preset.metallic
    mat.roughness = preset.roughness
    tag(mat, STAGE, "material")
    mat[KEY] = name
    mat["story_preset"] = preset_name
    return mat


def _socket(sockets, *names):
    for n in names:
        if n in sockets:
            return sockets[n]
    raise KeyError(f"none of the sockets {names} exist; have: {[s.name for s in sockets]}")


def _principled(mat, preset: MaterialPreset, rgb) -> None:
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    nodes.clear()
    out = nodes.new("ShaderNodeOutputMaterial")
    out.location = (400, 0)
    bsdf = nodes.new("ShaderNodeBsdfPrincipled")
    bsdf.location = (0, 0)
    links.new(bsdf.outputs["BSDF"], out.inputs["Surface"])
    values = {
        ("Base Color",): (*rgb, 1.0),
        ("Metallic",): preset.metallic,
        ("Roughness",): preset.roughness,
        ("IOR",): preset.ior,
        ("Alpha",): preset.alpha,
        ("Transmission Weight", "Transmission"): preset.transmission,
        ("Subsurface Weight", "Subsurface"): preset.subsurface,
        ("Subsurface Scale",): preset.subsurface_scale_m,
        ("Coat Weight",): preset.coat,
        ("Coat Roughness",): preset.coat_roughness,
        ("Sheen Weight",): preset.sheen,
    }
    if preset.emission_strength:
        values[("Emission Color", "Emission")] = (*rgb, 1.0)
        values[("Emission Strength",)] = preset.emission_strength
    for names, value in values.items():
        _socket(bsdf.inputs, *names).default_value = value
    if preset.texture:
        _texture(nodes, links, preset.texture, rgb, _socket(bsdf.inputs, "Base Color"))


def _texture(nodes, links, kind: str, rgb, base_color) -> None:
    """Vary the base colour with object-space Wave bands (wood) or Noise (stone, bark...)."""
    coords = nodes.new("ShaderNodeTexCoord")
    coords.location = (-900, 0)
    if kind == "grain":
        tex = nodes.new("ShaderNodeTexWave")
        tex.wave_type = "BANDS"
        tex.bands_direction = "X"
        for name, value in (("Scale", 2.5), ("Distortion", 6.0), ("Detail", 3.0)):
            tex.inputs[name].default_value = value
        fac = _socket(tex.outputs, "Factor", "Fac")
        luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
        dark, light = (0.72 if luminance < 0.35 else 0.9), 1.0    # painted wood: faint grain
    else:
        tex = nodes.new("ShaderNodeTexNoise")
        for name, value in (("Scale", 6.0), ("Detail", 6.0), ("Roughness", 0.6)):
            tex.inputs[name].default_value = value
        fac = _socket(tex.outputs, "Factor", "Fac")
        dark, light = 0.8, 1.08
    tex.location = (-650, 0)
    links.new(coords.outputs["Object"], tex.inputs["Vector"])
    ramp = nodes.new("ShaderNodeValToRGB")
    ramp.location = (-350, 0)
    ramp.color_ramp.elements[0].color = (*(min(1.0, c * dark) for c in rgb), 1.0)
    ramp.color_ramp.elements[1].color = (*(min(1.0, c * light) for c in rgb), 1.0)
    links.new(fac, ramp.inputs[0])
    links.new(ramp.outputs["Color"], base_color)
