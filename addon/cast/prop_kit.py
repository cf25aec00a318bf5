"""What a prop category is: a builder function plus its material slots and physics hints.

The category modules (`prop_furniture`, `prop_tableware`, `prop_household`, `prop_outdoor`)
each hold one builder per category and a `CATEGORIES` tuple; `props.py` resolves the story's
words, calls a builder with a seeded random generator and turns the result into a `PropSpec`.

A builder makes the prop at its natural real-world size with seeded variation, origin at the
centre of its footprint, standing on z = 0, front towards -Y.  It returns named parts, each a
closed `shapes.Mesh` in one material slot, plus the heights others may sit or stand things on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .shapes import Mesh


@dataclass(frozen=True, eq=False)
class Part:
    """One closed piece of a prop, in one material slot."""
    name: str
    vertices: np.ndarray                   # (N, 3) float64, metres, read-only
    faces: tuple[tuple[int, ...], ...]     # outward-facing polygons (tris, quads, n-gons)
    slot: str                              # a key of PropSpec.materials
    smooth: tuple[bool, ...]               # smooth shading, one flag per face
    sharp_edges: tuple[tuple[int, int], ...] = ()   # vertex pairs where shading splits

    @classmethod
    def of(cls, name: str, slot: str, mesh: Mesh) -> Part:
        verts = np.array(mesh.verts, dtype=float)
        verts.flags.writeable = False
        return cls(name, verts, tuple(tuple(int(i) for i in f) for f in mesh.faces), slot,
                   tuple(bool(s) for s in mesh.smooth),
                   tuple((int(a), int(b)) for a, b in mesh.sharp))


@dataclass
class Built:
    """A builder's result at natural size."""
    parts: list[tuple[str, str, Mesh]]     # (part name, slot, mesh)
    support_top_m: float | None = None     # a surface other props can rest on
    seat_height_m: float | None = None     # where a person sits

    def add(self, name: str, slot: str, mesh: Mesh) -> Built:
        self.parts.append((name, slot, mesh))
        return self


@dataclass(frozen=True)
class Slot:
    preset: str                            # a key of materials.PRESETS
    palette: tuple[str, ...] = ()          # colours to pick from; () = the preset's own palette


@dataclass(frozen=True)
class Category:
    name: str
    family: str
    build: Callable[[np.random.Generator], Built]
    slots: dict[str, Slot]
    main_slot: str                         # takes the story's material (and colour)
    colour_slot: str | None = None         # takes the story's colour; None = main_slot
    physics_slot: str | None = None        # whose material the physics uses; None = main_slot
    fill: float = 1.0                      # share of the closed volume that is solid material
    restitution: float | None = None       # overrides the material's (balls)
    collision: str = "convex_hull"         # hint for the simulate stage: box, sphere, mesh...
    uniform: bool = False                  # keep proportions under tall/short/long words
    notes: str = ""

    def __post_init__(self):
        for role in ("main_slot", "colour_slot", "physics_slot"):
            slot = getattr(self, role)
            if slot is not None and slot not in self.slots:
                raise ValueError(f"category {self.name}: {role} {slot!r} is not one of its "
                                 f"slots {sorted(self.slots)}")


def slots(**kw: str | tuple[str, str]) -> dict[str, Slot]:
    """slots(body="wood", cushion=("fabric", "red grey")) -> {name: Slot}."""
    out = {}
    for name, value in kw.items():
        preset, palette = (value, "") if isinstance(value, str) else value
        out[name] = Slot(preset, tuple(palette.split()))
    return out


def around(rng: np.random.Generator, value: float, spread: float = 0.08) -> float:
    """`value` varied by up to ±`spread` (a fraction): the seed's small differences."""
    return float(value * (1 + rng.uniform(-spread, spread)))


def between(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))
