"""Material presets: how a surface looks in Cycles, and how dense it is.

Each `MaterialPreset` holds the Principled BSDF inputs that make the material read correctly
(glass is transmissive with IOR 1.5, metal is metallic, glazed ceramic has a clear coat, fabric
has sheen...) and its density.  How it bounces, grips and breaks lives with the rest of the
physics in `addon/physics/surfaces.py`, one entry per preset.  `addon/blender/materials_build.py`
turns a preset into a node material; nothing here imports Blender.

Densities are those of the material itself (glass 2500 kg/m³, oak 650 kg/m³), so a thin-walled
glass modelled at its real wall thickness weighs what a real one does, and its shards too.
Things modelled as solid that are mostly air (a sofa, a car, a football) get a fill factor in
the prop library instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .colours import colour_rgb


@dataclass(frozen=True)
class MaterialPreset:
    name: str
    palette: tuple[str, ...]          # colour words or "#rrggbb" (sRGB); the first is the default
    roughness: float
    metallic: float = 0.0
    transmission: float = 0.0         # Principled "Transmission Weight": 1 for glass and water
    ior: float = 1.5
    alpha: float = 1.0
    subsurface: float = 0.0           # "Subsurface Weight"
    subsurface_scale_m: float = 0.05  # "Subsurface Scale"
    coat: float = 0.0                 # "Coat Weight": glaze, varnish, car clear coat
    coat_roughness: float = 0.03
    sheen: float = 0.0                # "Sheen Weight": cloth
    emission_strength: float = 0.0    # emits its base colour (lamp bulbs)
    texture: str = ""                 # "grain" (wood), "noise" (stone...), "" for none
    # Mass for the simulate stage; how it bounces, grips and breaks is addon/physics/surfaces.py.
    density_kgm3: float = 1000.0
    base_color: tuple[float, float, float] = field(init=False)

    def __post_init__(self):
        rgb = colour_rgb(self.palette[0])
        if rgb is None:
            raise ValueError(f"preset {self.name!r}: unknown colour {self.palette[0]!r}")
        object.__setattr__(self, "base_color", rgb)


def _p(name, palette, roughness, **kw) -> MaterialPreset:
    return MaterialPreset(name, tuple(palette.split()), roughness, **kw)


PRESETS: dict[str, MaterialPreset] = {p.name: p for p in (
    _p("glass", "clear #dce9df #e6eef2", 0.02, transmission=1.0, ior=1.5,
       density_kgm3=2500),
    _p("metal", "steel #8c9196 chrome charcoal", 0.3, metallic=1.0,
       density_kgm3=7850),
    _p("wood", "oak walnut pine mahogany birch", 0.55, coat=0.15, coat_roughness=0.3,
       texture="grain", density_kgm3=650),
    _p("ceramic", "white cream terracotta #4f6d8a #7a9e7e", 0.25, coat=0.8,
       density_kgm3=2300),
    _p("porcelain", "#f3f1ea #eef0f2 ivory", 0.12, coat=1.0, subsurface=0.05,
       subsurface_scale_m=0.002, density_kgm3=2400),
    _p("rubber", "black #2b2b2b red", 0.75, density_kgm3=1100),
    _p("fabric", "#5b6f8a beige grey #8a3b3b #3d5c45", 0.9, sheen=0.5,
       density_kgm3=400),
    _p("plastic", "red blue yellow white black green", 0.35,
       density_kgm3=1000),
    _p("leather", "brown black #8b5a2b tan", 0.5, coat=0.2, coat_roughness=0.4,
       density_kgm3=860),
    _p("stone", "stone #7d7a72 #9b968c #6e6a64", 0.85, texture="noise",
       density_kgm3=2600),
    _p("concrete", "concrete #8f8c86 #b0ada6", 0.9, texture="noise",
       density_kgm3=2400),
    _p("cardboard", "cardboard #a87c4f #c49a6c", 0.9,
       density_kgm3=690),
    _p("paper", "paper white cream", 0.85, density_kgm3=800),
    _p("foliage", "leaf #4f8a34 #2f5e25 #6b9a3a", 0.6, subsurface=0.1,
       subsurface_scale_m=0.01, texture="noise", density_kgm3=600),
    _p("bark", "bark #5a4634 #3e3128", 0.9, texture="noise",
       density_kgm3=700),
    _p("paint", "red blue white black silver grey", 0.35, metallic=0.3, coat=1.0,
       density_kgm3=7850),
    _p("plaster", "white cream #d9d4c7 #b8c4c9", 0.85,
       density_kgm3=1800),
    _p("asphalt", "asphalt #2e2e30", 0.95, texture="noise",
       density_kgm3=2300),
    _p("grass", "grass #5a8a32", 0.8, texture="noise",
       density_kgm3=1300),
    _p("sand", "sand #cdb37f", 0.95, texture="noise",
       density_kgm3=1600),
    _p("water", "#dfeef2", 0.01, transmission=1.0, ior=1.333,
       density_kgm3=1000),
    _p("skin", "skin #8d5524 #f1c27d", 0.45, subsurface=1.0, subsurface_scale_m=0.01,
       density_kgm3=1010),
    _p("screen", "#0d0f12", 0.05, coat=1.0,
       density_kgm3=2500),
    _p("light", "#fff4dc", 0.3, emission_strength=5.0,
       density_kgm3=2500),
)}

#: Story material words (the parser's MATERIALS values and their everyday synonyms) -> preset.
MATERIAL_WORDS: dict[str, str] = {
    "glass": "glass", "crystal": "glass",
    "wood": "wood", "wooden": "wood", "timber": "wood", "oak": "wood", "pine": "wood",
    "walnut": "wood", "bamboo": "wood",
    "metal": "metal", "metallic": "metal", "steel": "metal", "iron": "metal", "tin": "metal",
    "aluminium": "metal", "aluminum": "metal", "copper": "metal", "brass": "metal",
    "golden": "metal", "silver": "metal", "chrome": "metal",
    "plastic": "plastic", "vinyl": "plastic",
    "ceramic": "ceramic", "clay": "ceramic", "terracotta": "ceramic", "earthenware": "ceramic",
    "porcelain": "porcelain", "china": "porcelain",
    "rubber": "rubber",
    "leather": "leather",
    "stone": "stone", "marble": "stone", "granite": "stone", "brick": "stone", "rock": "stone",
    "concrete": "concrete", "cement": "concrete",
    "cardboard": "cardboard", "paper": "paper",
    "fabric": "fabric", "cloth": "fabric", "cotton": "fabric", "wool": "fabric",
    "woolen": "fabric", "woollen": "fabric", "silk": "fabric", "linen": "fabric",
    "velvet": "fabric", "denim": "fabric", "canvas": "fabric", "felt": "fabric",
}


def preset_for(word: str | None) -> str | None:
    """The preset name for a story material word ("wooden" -> "wood"), or None if unknown."""
    if not word:
        return None
    word = str(word).strip().lower()
    if word in PRESETS:
        return word
    return MATERIAL_WORDS.get(word)
