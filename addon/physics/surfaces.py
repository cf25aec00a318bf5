"""How each material behaves in a collision: real bounce, grip, and the speed that shatters it.

One `Surface` per material preset in `addon/cast/materials.py` (the floors the sets use are
presets too: "wood" floorboards, "ceramic" kitchen tiles, "fabric" office carpet, "grass",
"asphalt", "sand", plus "concrete" and "stone").  A surface plays two parts:

- as the moving body: `cor` is its real coefficient of restitution (rebound speed / impact
  speed) when it hits a rigid, hard floor (concrete), and `break_speed_mps` the impact speed on
  such a floor above which it shatters (None: it does not);
- as what is hit: `floor_bounce` is the share of that rebound it returns (concrete 1, carpet
  0.5, sand 0.2) and `floor_hardness` scales the impact speed for breaking (a glass that
  shatters on tiles survives the same drop onto carpet).

`pair(body, surface)` combines them.  `grip` is a per-surface friction factor whose product is
the pair's friction coefficient; that is Bullet's own rule (it multiplies the two bodies'
friction), so prop-on-prop contacts come out right without knowing the pair.

Sources (real coefficients, rebound speed / impact speed, sqrt(rebound height / drop height)):
- balls, from the sports' rules: tennis ball dropped 254 cm onto concrete rebounds 135-147 cm
  (ITF Rules of Tennis, App. I: e = 0.73-0.76); basketball dropped 1.80 m onto the playing floor
  rebounds 1.20-1.40 m (FIBA Official Basketball Rules, equipment: e = 0.82-0.88 on wood);
  baseball against an ash board at 58 mph, e = 0.514-0.578 (MLB ball specification); a rubber
  "super ball" ~0.9, an ordinary rubber ball ~0.8 (textbook value, e.g. Cross, Am. J. Phys. 67,
  1999, "The bounce of a ball").
- solids: hardwood on hard surfaces 0.4-0.6, hollow glass and glazed ceramic ware 0.2-0.4
  (the rebound of cups and bottles is dominated by wobble and rocking), steel objects on
  concrete 0.4-0.6, paper, cloth and sand near 0 (engineering tables, e.g. the Engineering
  Toolbox "coefficients of restitution"; ranges, the middle used).
- friction: dry sliding coefficients from engineering tables (Engineering Toolbox "friction and
  friction coefficients"; Serway & Jewett, Table 5.1): rubber on concrete 0.6-0.85, wood on wood
  0.25-0.5, steel on steel 0.5-0.8 dry, glass on glass 0.4 (everyday, not clean), tyre on dry
  asphalt 0.7-0.9, skin 0.5-0.8.  Each grip is about the square root of the material on itself.
- breaking: no standard covers dropping tableware, so the thresholds are estimates that agree
  with everyday experience and the project's seed case: a drinking glass let go 1 m above a hard
  floor (4.4 m/s) shatters, let go at 0.15 m (1.7 m/s) it survives.  Toughened screen glass
  survives more (phones often survive waist-high drops); a light bulb's thin envelope less.
  Wooden furniture is not breakable: a chair or a table falls over whole.
Damping is Blender's (fraction of velocity lost per second): air drag matters only for light,
broad things (paper, leaves, cloth); angular damping stands in for rolling resistance, which
Bullet in Blender does not expose.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..cast.materials import PRESETS


@dataclass(frozen=True)
class Surface:
    name: str
    cor: float                        # real COR of this body bouncing on a hard floor
    grip: float                       # friction factor; a pair's friction is the product
    floor_bounce: float               # share of a body's rebound this returns as the floor
    floor_hardness: float             # scales impact speed for breaking when this is hit
    break_speed_mps: float | None = None   # impact speed on a hard floor that shatters it
    linear_damping: float = 0.01
    angular_damping: float = 0.1


@dataclass(frozen=True)
class Pair:
    """What a body and the surface it hits do together: real COR, friction coefficient, and
    the impact speed above which the body shatters on it (None: it does not)."""
    body: str
    surface: str
    cor: float
    friction: float
    break_speed_mps: float | None


def _s(name, cor, grip, floor_bounce, floor_hardness, break_speed=None, lin=0.01, ang=0.1):
    return Surface(name, cor, grip, floor_bounce, floor_hardness, break_speed, lin, ang)


SURFACES: dict[str, Surface] = {s.name: s for s in (
    #   name         cor   grip  floor: bounce hardness   break m/s
    _s("glass",      0.35, 0.65, 1.0,  1.0,  2.5),
    _s("metal",      0.5,  0.7,  1.0,  1.0),
    _s("wood",       0.45, 0.65, 0.9,  0.85),          # floorboards as a floor; furniture holds
    _s("ceramic",    0.3,  0.7,  1.0,  1.0,  3.2),     # glazed stoneware; tiles as a floor
    _s("porcelain",  0.3,  0.65, 1.0,  1.0,  2.8),     # thinner walls than stoneware
    _s("rubber",     0.8,  1.0,  0.8,  0.4, ang=0.05),
    _s("fabric",     0.1,  0.8,  0.5,  0.45, lin=0.1, ang=0.5),   # carpet as a floor
    _s("plastic",    0.55, 0.6,  0.85, 0.7),
    _s("leather",    0.3,  0.75, 0.6,  0.5),
    _s("stone",      0.3,  0.8,  1.0,  1.0),
    _s("concrete",   0.3,  0.85, 1.0,  1.0),
    _s("cardboard",  0.25, 0.7,  0.6,  0.5, lin=0.03),
    _s("paper",      0.1,  0.65, 0.7,  0.5, lin=0.5, ang=0.5),
    _s("foliage",    0.1,  0.7,  0.4,  0.35, lin=0.5, ang=0.5),
    _s("bark",       0.35, 0.85, 0.7,  0.8),
    _s("paint",      0.3,  0.65, 1.0,  1.0),           # painted sheet metal (cars, signs)
    _s("plaster",    0.2,  0.8,  0.9,  0.9),
    _s("asphalt",    0.3,  0.9,  0.95, 1.0),
    _s("grass",      0.1,  0.75, 0.6,  0.45),          # turf: a football keeps ~0.6-0.75 of it
    _s("sand",       0.05, 0.85, 0.2,  0.3),
    _s("water",      0.0,  0.1,  0.0,  0.2, lin=0.5, ang=0.5),
    _s("skin",       0.2,  0.9,  0.5,  0.5),
    _s("screen",     0.4,  0.6,  1.0,  1.0,  4.0),     # toughened cover glass
    _s("light",      0.35, 0.6,  1.0,  1.0,  2.0),     # a bulb's thin envelope
)}

#: The floor a drop test is measured on: rigid, hard, returns the whole rebound.
HARD_FLOOR = "concrete"


def surface(name: str) -> Surface:
    """The Surface of a material preset; unknown names fail with the known ones listed."""
    try:
        return SURFACES[name]
    except KeyError:
        raise KeyError(f"no surface physics for material {name!r}; known: "
                       f"{', '.join(sorted(SURFACES))}") from None


def pair(body: str, surface_name: str = HARD_FLOOR, *, cor: float | None = None) -> Pair:
    """A body of material `body` hitting `surface_name`.  `cor` overrides the body's own COR on
    a hard floor (balls carry theirs: a basketball is rubber but bounces 0.85).

    The floor returns its share of the body's rebound; friction is the product of grips; a
    softer surface raises the speed it takes to shatter the body.
    """
    b, s = surface(body), surface(surface_name)
    own = b.cor if cor is None else cor
    if not 0.0 <= own <= 1.0:
        raise ValueError(f"COR of {body!r} must lie in [0, 1], got {own}")
    breaks = None if b.break_speed_mps is None else b.break_speed_mps / s.floor_hardness
    return Pair(body, surface_name, own * s.floor_bounce, b.grip * s.grip, breaks)


def shatters(body: str, impact_speed_mps: float, surface_name: str = HARD_FLOOR) -> bool:
    """Whether a breakable body hitting `surface_name` at this speed breaks."""
    limit = pair(body, surface_name).break_speed_mps
    return limit is not None and impact_speed_mps > limit


def impact_speed(drop_height_m: float, gravity_mps2: float = 9.81) -> float:
    """Speed of a body let go `drop_height_m` above what it lands on (no drag)."""
    return (2.0 * gravity_mps2 * max(drop_height_m, 0.0)) ** 0.5


def missing_presets() -> list[str]:
    """Material presets without surface physics (empty when the tables agree)."""
    return sorted(set(PRESETS) - set(SURFACES))
