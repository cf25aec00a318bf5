"""The procedural prop library: a story's prop as a buildable, physical `PropSpec`.

`plan_prop(prop, seed)` reads a Screenplay `Prop` ("a small red wooden chair": category chair,
colour red, material wood, the size word "small") and returns the prop's geometry in parts,
its materials and its physics, at real-world size with seeded variation: the same seed and id
give the same prop, another seed a slightly different one.  `spec_for(...)` does the same for
set dressing that has no Screenplay entry.  A word that names nothing buildable becomes a
labelled placeholder box of plausible size, with a warning; it never raises.

Conventions: metres, Z up, origin at the centre of the footprint on the floor (z = 0 is where
the prop touches the ground), front towards -Y.  numpy only; `addon/blender/props_build.py`
writes a spec into Blender.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np

from ..physics import surfaces
from ..screenplay import Prop
from ..story.vocabulary import PROP_CATEGORIES
from . import prop_furniture, prop_household, prop_outdoor, prop_tableware
from .colours import KNOWN_WORDS as COLOUR_WORDS
from .colours import colour_rgb, vary
from .materials import MATERIAL_WORDS, PRESETS, preset_for
from .prop_kit import Category, Part
from .prop_words import (label_scale, placeholder_size, resolve_category, size_factors,
                         words_of)
from .shapes import box, volume

__all__ = ["CATALOG", "Part", "PropPhysics", "PropSpec", "plan_prop", "resolve_category",
           "spec_for"]

#: Every buildable category by name; the keys are exactly vocabulary.PROP_CATEGORIES.
CATALOG: dict[str, Category] = {c.name: c for module in (
    prop_furniture, prop_tableware, prop_household, prop_outdoor) for c in module.CATEGORIES}

PLACEHOLDER = "placeholder"
_PLACEHOLDER_COLOUR = "#b8b8b8"
_PLACEHOLDER_FILL = 0.3
#: Colour words that are also material words: in a description they are read as colours.
_COLOUR_FIRST = {"gold", "golden", "silver", "copper", "bronze", "chrome", "steel", "sand",
                 "stone", "concrete", "paper", "cardboard", "oak", "pine", "walnut"}


@dataclass(frozen=True)
class PropPhysics:
    material: str            # the preset whose physics apply (materials.PRESETS key)
    density_kgm3: float      # of the material itself
    friction: float
    restitution: float       # real coefficient of restitution on a hard floor (Bullet's is not)
    breakable: bool          # glass, ceramic, porcelain, thin wood: it has a break speed
    mass_kg: float           # volume_m3 * density_kgm3 * fill
    volume_m3: float         # closed volume of all parts
    fill: float              # share of that volume that is solid (a football is mostly air)
    collision: str           # shape hint for Bullet: box, sphere, convex_hull or mesh


@dataclass(frozen=True, eq=False)
class PropSpec:
    id: str
    category: str                                   # a PROP_CATEGORIES name, or "placeholder"
    label: str                                      # the story's word
    dimensions_m: tuple[float, float, float]        # x width, y depth, z height
    bounds_m: tuple[tuple[float, float, float], tuple[float, float, float]]  # (min, max) corners
    parts: tuple[Part, ...]
    materials: dict[str, tuple[str, tuple[float, float, float]]]  # slot -> (preset, linear rgb)
    physics: PropPhysics
    support_top_m: float | None = None              # a surface other props can rest on
    seat_height_m: float | None = None              # where a person sits (chair, bench, sofa, bed)
    placeholder: bool = False
    warnings: tuple[str, ...] = ()
    resolved_by: str = "exact"                      # exact, lexicon, embedding or placeholder
    seed: int = 0
    colour: str = ""                                # the colour word applied, if any
    notes: dict = field(default_factory=dict)

    @property
    def vertex_count(self) -> int:
        return sum(len(p.vertices) for p in self.parts)

    @property
    def face_count(self) -> int:
        return sum(len(p.faces) for p in self.parts)

    def summary(self) -> dict:
        """JSON-able facts about the prop, without its geometry."""
        return {"id": self.id, "category": self.category, "label": self.label,
                "dimensions_m": list(self.dimensions_m),
                "materials": {k: [p, list(c)] for k, (p, c) in self.materials.items()},
                "physics": dict(self.physics.__dict__), "support_top_m": self.support_top_m,
                "seat_height_m": self.seat_height_m, "placeholder": self.placeholder,
                "warnings": list(self.warnings), "resolved_by": self.resolved_by}


def plan_prop(prop: Prop, seed: int) -> PropSpec:
    """The PropSpec for a Screenplay prop: its category (or, failing that, its name) decides
    what is built; material, colour, size_m and the description's size words adjust it."""
    return spec_for(prop.category or prop.name, id=prop.id, seed=seed, size_m=prop.size_m,
                    material=prop.material, colour=prop.colour, description=prop.description,
                    label=prop.name)


def spec_for(category: str, *, id: str, seed: int = 0, size_m: float | None = None,
             material: str = "", colour: str = "", description: str = "",
             label: str = "") -> PropSpec:
    """A prop of `category` (a category name or any word for a thing), e.g. for set dressing.

    `label` is the story's word for it (default: the category); when `category` names nothing
    buildable the label is tried next, then a placeholder box is made.
    """
    label = label or str(category).replace("_", " ")
    cat, how = resolve_category(category)
    if cat is None and label:
        cat, how = resolve_category(label)
    warnings: list[str] = []
    if how == "embedding":
        warnings.append(f"prop {id!r}: {label!r} is not in the lexicon; built the nearest "
                        f"category by meaning, {cat!r}")
    story_preset, colour_word = _read_words(id, material, colour, description, warnings)
    geo_rng, colour_rng = _generators(seed, id)
    if cat is None:
        return _placeholder(id, label, seed, size_m, story_preset, colour_word,
                            f"{label} {description}", warnings)
    spec = CATALOG[cat]
    built = spec.build(geo_rng)
    lo = np.min([m.verts.min(axis=0) for _, _, m in built.parts], axis=0)
    hi = np.max([m.verts.max(axis=0) for _, _, m in built.parts], axis=0)
    scale = _scale(spec, hi - lo, size_m, f"{label} {description}", label)
    floor = lo[2] * scale[2]                       # lift the scaled prop onto z = 0
    parts = tuple(Part.of(name, slot, mesh.scaled(scale).moved(0, 0, -floor))
                  for name, slot, mesh in built.parts)
    materials = _materials(spec, story_preset, colour_word, colour_rng)
    lo, hi = lo * scale - [0, 0, floor], hi * scale - [0, 0, floor]

    def height(z):
        return None if z is None else round(float(z * scale[2] - floor), 4)

    return PropSpec(
        id=id, category=cat, label=label, dimensions_m=_triple(hi - lo),
        bounds_m=(_triple(lo), _triple(hi)), parts=parts, materials=materials,
        physics=_category_physics(spec, materials, parts),
        support_top_m=height(built.support_top_m), seat_height_m=height(built.seat_height_m),
        warnings=tuple(warnings), resolved_by=how or "exact", seed=seed, colour=colour_word,
        notes={"family": spec.family, "scale": _triple(scale)})


def _read_words(ident: str, material: str, colour: str, description: str,
                warnings: list[str]) -> tuple[str | None, str]:
    """The material preset and colour word the story asks for (warning about unknown ones)."""
    story_preset = preset_for(material) or _material_in(description)
    if material and not preset_for(material):
        warnings.append(f"prop {ident!r}: unknown material {material!r}; known: "
                        f"{', '.join(sorted(PRESETS))}")
    colour_word = _colour_word(colour, description)
    if colour and colour_rgb(colour) is None:
        warnings.append(f"prop {ident!r}: unknown colour {colour!r}; the default colours are used")
        colour_word = ""
    return story_preset, colour_word


def _scale(spec: Category, natural: np.ndarray, size_m: float | None, text: str,
           label: str) -> np.ndarray:
    """Per-axis scale: a stated size sets the largest dimension; else the size words."""
    if size_m:
        return np.full(3, size_m / natural.max())
    scale = np.array(size_factors(text, natural)) * label_scale(label)
    if spec.uniform:                               # a "tall ball" is just a bigger ball
        scale = np.full(3, float(np.prod(scale)) ** (1 / 3))
    return scale


def _triple(v) -> tuple[float, float, float]:
    return tuple(round(float(x), 5) for x in v)  # type: ignore[return-value]


def _generators(seed: int, ident: str):
    """Two independent generators (geometry, colour) from the seed and the prop's id."""
    seq = np.random.SeedSequence([int(seed) % 2 ** 32, zlib.crc32(str(ident).encode())])
    return tuple(np.random.default_rng(s) for s in seq.spawn(2))


def _material_in(description: str) -> str | None:
    for w in words_of(description):
        if w in MATERIAL_WORDS and w not in _COLOUR_FIRST:
            return MATERIAL_WORDS[w]
    return None


def _colour_word(colour: str, description: str) -> str:
    """The colour to apply: the screenplay's, else the description's first colour word; with
    a "dark"/"light" in front of it in the description ("dark blue") kept."""
    words = words_of(description)
    if not colour:
        colour = next((w for w in words if w in COLOUR_WORDS), "")
    for before, w in zip(words, words[1:]):
        if w == colour and before in ("dark", "light", "pale", "bright", "deep"):
            return f"{before} {colour}"
    return colour


def _materials(spec: Category, story_preset: str | None, colour_word: str, rng):
    out = {}
    for name, slot in spec.slots.items():
        preset = slot.preset
        if name == spec.main_slot and story_preset:
            # Paint is painted metal: "a metal car" keeps its glossy paint.
            if (story_preset, slot.preset) != ("metal", "paint"):
                preset = story_preset
        if colour_word and name == (spec.colour_slot or spec.main_slot):
            rgb = vary(colour_rgb(colour_word), rng, 0.5)
        else:
            # The category's own palette fits its own material; another material brings its own.
            own = slot.palette and preset == slot.preset
            palette = slot.palette if own else PRESETS[preset].palette
            rgb = vary(colour_rgb(palette[int(rng.integers(len(palette)))]), rng)
        out[name] = (preset, rgb)
    return out


def _category_physics(spec: Category, materials, parts) -> PropPhysics:
    slot = spec.physics_slot or spec.main_slot
    name = materials[slot][0]
    # A category's own bounce (a basketball's) holds for its own material only.
    own = spec.restitution is not None and name == spec.slots[slot].preset
    vol = sum(volume(p.vertices, p.faces) for p in parts)
    return _physics(name, vol, spec.fill, spec.collision, spec.restitution if own else None)


def _physics(preset_name: str, vol: float, fill: float, collision: str,
             restitution: float | None = None) -> PropPhysics:
    preset, surface = PRESETS[preset_name], surfaces.surface(preset_name)
    return PropPhysics(material=preset_name, density_kgm3=preset.density_kgm3,
                       friction=surface.grip,
                       restitution=surface.cor if restitution is None else restitution,
                       breakable=surface.break_speed_mps is not None,
                       mass_kg=round(vol * preset.density_kgm3 * fill, 6),
                       volume_m3=round(vol, 9), fill=fill, collision=collision)


def _placeholder(ident, label, seed, size_m, story_preset, colour_word, text, warnings):
    size = np.array(placeholder_size(label), dtype=float)
    if size_m:
        size *= size_m / size.max()
    else:
        size *= size_factors(text, size)
    preset_name = story_preset or "plastic"
    rgb = colour_rgb(colour_word) if colour_word else colour_rgb(_PLACEHOLDER_COLOUR)
    part = Part.of("placeholder", "body", box(size, (0, 0, size[2] / 2)))
    warnings = warnings + [f"prop {ident!r}: no library category matches {label!r}; built a "
                           f"{size[0]:.2f} x {size[1]:.2f} x {size[2]:.2f} m placeholder box"]
    physics = _physics(preset_name, float(np.prod(size)), _PLACEHOLDER_FILL, "box")
    lo, hi = [-size[0] / 2, -size[1] / 2, 0.0], [size[0] / 2, size[1] / 2, size[2]]
    return PropSpec(id=ident, category=PLACEHOLDER, label=label, dimensions_m=_triple(size),
                    bounds_m=(_triple(lo), _triple(hi)),
                    parts=(part,), materials={"body": (preset_name, rgb)}, physics=physics,
                    placeholder=True, warnings=tuple(warnings), resolved_by=PLACEHOLDER,
                    seed=seed, colour=colour_word)


if set(CATALOG) != set(PROP_CATEGORIES):  # a programming error, caught at import and in tests
    raise RuntimeError(f"prop library and vocabulary disagree: missing "
                       f"{sorted(set(PROP_CATEGORIES) - set(CATALOG))}, extra "
                       f"{sorted(set(CATALOG) - set(PROP_CATEGORIES))}")
