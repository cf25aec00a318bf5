"""Sports gear, games and household things: ball, basketball, tennis_ball, bat, racket, domino,
lamp, book, phone, laptop, umbrella, pillow.

Balls have their regulation sizes (football 0.22 m, basketball 0.24 m, tennis ball 0.067 m)
and, through fill factors, their regulation masses (0.43 kg, 0.62 kg, 0.058 kg).  Long things
(bat, racket) lie on the floor along X; flat things (book, phone) lie face up.
"""
from __future__ import annotations

import math

import numpy as np

from .prop_kit import Built, Category, around, between, slots
from .shapes import (align_z, cylinder, icosphere, lathe, merge, rod, shell_profile, slab,
                     sphere, superellipsoid, sweep, torus)

#: Directions of an icosahedron's 12 vertices: the centres of a football's black pentagons.
_ICO_DIRS = icosphere(1.0, 0).verts


def _cap(radius: float, half_angle: float, lift: float, depth: float, sides: int):
    """A curved polygonal patch lying on a sphere of `radius` around +Z (a football panel)."""
    a = np.linspace(0.0, half_angle, 4)
    outer = [((radius + lift) * math.sin(t), (radius + lift) * math.cos(t)) for t in a]
    inner = [((radius - depth) * math.sin(t), (radius - depth) * math.cos(t)) for t in a[::-1]]
    outer[0] = (0.0, outer[0][1])
    inner[-1] = (0.0, inner[-1][1])
    return lathe(outer + inner, sides, smooth=True)


def ball(r) -> Built:
    rad = around(r, 0.11, 0.015)
    body = sphere(rad, 32, 16).moved(0, 0, rad)
    patch = _cap(rad, 0.33, 0.0008, 0.004, 5)
    patches = merge(*(patch.transformed(align_z(d)).moved(0, 0, rad) for d in _ICO_DIRS))
    return Built([("ball", "body", body), ("patches", "patches", patches)])


def basketball(r) -> Built:
    rad = around(r, 0.12, 0.012)
    body = sphere(rad, 32, 16).moved(0, 0, rad)
    seam = torus(rad - 0.0008, 0.002, 48, 6)
    seams = merge(seam, seam.rotated("x", 90), seam.rotated("y", 90)).moved(0, 0, rad)
    return Built([("ball", "body", body), ("seams", "seams", seams)])


def tennis_ball(r) -> Built:
    rad = around(r, 0.0335, 0.015)
    return Built([("ball", "body", sphere(rad, 24, 12).moved(0, 0, rad))])


def bat(r) -> Built:
    length, barrel = between(r, 0.81, 0.86), between(r, 0.031, 0.034)
    handle = between(r, 0.0115, 0.013)
    profile = [(0, 0), (0.021, 0), (0.022, 0.006), (handle + 0.002, 0.016), (handle, 0.03),
               (handle, length * 0.4), (barrel * 0.75, length * 0.6), (barrel, length * 0.78),
               (barrel, length - 0.012), (barrel * 0.85, length - 0.002), (0, length)]
    body = lathe(profile, 16).moved(0, 0, -length / 2).rotated("y", 90)
    return Built([("bat", "body", body)])


def racket(r) -> Built:
    length = between(r, 0.67, 0.7)
    head_a, head_b = between(r, 0.165, 0.175), between(r, 0.125, 0.135)    # the hoop's half axes
    tube = 0.009
    head_x = length / 2 - head_a
    frame = torus(head_b, tube, 40, 6).scaled((head_a / head_b, 1.0, 1.0)).moved(head_x, 0, 0)
    # Strings: thin bars across the hoop's inside, clipped to the ellipse.
    strings = []
    ia, ib = head_a - tube, head_b - tube
    for y in np.linspace(-ib, ib, 18)[1:-1]:
        half = ia * math.sqrt(1 - (y / ib) ** 2)
        strings.append(slab((head_x - half, y - 0.0008, -0.0008),
                            (head_x + half, y + 0.0008, 0.0008)))
    for x in np.linspace(-ia, ia, 20)[1:-1]:
        half = ib * math.sqrt(1 - (x / ia) ** 2)
        strings.append(slab((head_x + x - 0.0008, -half, -0.0009),
                            (head_x + x + 0.0008, half, 0.0009)))
    grip_end = -length / 2
    shaft_x = grip_end + 0.24
    throat_y = 0.05
    throat_x = head_x - head_a * math.sqrt(1 - (throat_y / head_b) ** 2)   # where it meets the hoop
    throat = merge(*(rod((shaft_x, 0, 0), (throat_x, sy * throat_y, 0), tube, 6) for sy in (-1, 1)))
    grip = cylinder(0.0145, shaft_x - grip_end + 0.005, 8).rotated("y", 90).moved(grip_end, 0, 0)
    return Built([("frame", "frame", merge(frame, throat)), ("strings", "strings", merge(*strings)),
                  ("grip", "grip", grip)])


#: Pip positions on a half of a domino's face, in units of the half's half-width (x, z).
_PIPS = {0: (), 1: ((0, 0),), 2: ((-0.5, 0.5), (0.5, -0.5)), 3: ((-0.5, 0.5), (0, 0), (0.5, -0.5)),
         4: ((-0.5, 0.5), (0.5, 0.5), (-0.5, -0.5), (0.5, -0.5)),
         5: ((-0.5, 0.5), (0.5, 0.5), (0, 0), (-0.5, -0.5), (0.5, -0.5)),
         6: ((-0.5, 0.6), (0.5, 0.6), (-0.5, 0), (0.5, 0), (-0.5, -0.6), (0.5, -0.6))}


def domino(r) -> Built:
    """A toy domino standing on its short end, face to -Y: a real one's proportions
    (48 x 24 x 7.5 mm) at the 15 cm of the wooden toys set up in rows to topple, so a row
    reads on camera and falls slowly enough to watch; size words scale it."""
    h = between(r, 0.145, 0.155)
    w, d = h * 0.5, h * 0.156
    body = slab((-w / 2, -d / 2, 0), (w / 2, d / 2, h))
    lift, bar_t = 0.0006, h * 0.012
    bar = slab((-w * 0.4, -d / 2 - lift, h / 2 - bar_t / 2), (w * 0.4, -d / 2, h / 2 + bar_t / 2))
    pip_r, unit = w * 0.07, w * 0.28
    pips = []
    for centre_z in (h * 0.75, h * 0.25):
        for px, pz in _PIPS[int(r.integers(0, 7))]:
            disc = cylinder(pip_r, lift, 8).rotated("x", 90)      # its axis along -Y
            pips.append(disc.moved(px * unit * 1.6, -d / 2, centre_z + pz * unit * 1.6))
    return Built([("domino", "body", body), ("marks", "marks", merge(bar, *pips))])


def lamp(r) -> Built:
    h, shade_bottom = between(r, 0.42, 0.5), between(r, 0.14, 0.17)
    shade_top = shade_bottom * between(r, 0.6, 0.75)
    shade_h = h * 0.42
    base = lathe([(0, 0), (0.08, 0), (0.08, 0.012), (0.06, 0.028), (0, 0.028)], 32)
    stem = cylinder(0.009, h - shade_h * 0.4 - 0.028, 12, z0=0.028)
    shade_line = [(shade_bottom, h - shade_h), (shade_top, h)]
    shade = lathe(shell_profile(shade_line, 0.002), 32, closed=True)
    bulb = sphere(0.03, 12, 8).moved(0, 0, h - shade_h * 0.4)
    return Built([("base", "base", merge(base, stem)), ("shade", "shade", shade),
                  ("bulb", "bulb", bulb)])


def book(r) -> Built:
    w, d, t = between(r, 0.14, 0.17), between(r, 0.21, 0.24), between(r, 0.02, 0.04)
    board = 0.003
    covers = merge(slab((-w / 2, -d / 2, 0), (w / 2, d / 2, board)),
                   slab((-w / 2, -d / 2, t - board), (w / 2, d / 2, t)),
                   slab((-w / 2, -d / 2, board), (-w / 2 + board, d / 2, t - board)))
    pages = slab((-w / 2 + board, -d / 2 + 0.004, board), (w / 2 - 0.004, d / 2 - 0.004, t - board))
    return Built([("cover", "cover", covers), ("pages", "pages", pages)], support_top_m=t)


def phone(r) -> Built:
    w, d, t = between(r, 0.068, 0.078), between(r, 0.142, 0.162), between(r, 0.0075, 0.0085)
    body = superellipsoid((w, d, t), (0.15, 0.15, 0.5), 16, 8).moved(0, 0, t / 2)
    screen = slab((-w / 2 + 0.003, -d / 2 + 0.004, t - 0.0005),
                  (w / 2 - 0.003, d / 2 - 0.004, t + 0.0002))
    return Built([("body", "body", body), ("screen", "screen", screen)], support_top_m=t)


def laptop(r) -> Built:
    w, d, t = between(r, 0.31, 0.35), between(r, 0.21, 0.24), between(r, 0.014, 0.018)
    lid_t, tilt = 0.006, between(r, 12.0, 22.0)
    base = slab((-w / 2, -d / 2, 0), (w / 2, d / 2, t))
    keys = slab((-w / 2 + 0.02, -0.01, t - 0.0005), (w / 2 - 0.02, d / 2 - 0.02, t + 0.0008))
    pad = slab((-0.05, -d / 2 + 0.015, t - 0.0005), (0.05, -d / 2 + 0.085, t + 0.0003))
    hinge = (0.0, d / 2, t)
    lid = slab((-w / 2, d / 2 - lid_t, t), (w / 2, d / 2, t + d)).rotated("x", -tilt, hinge)
    screen = slab((-w / 2 + 0.012, d / 2 - lid_t - 0.0006, t + 0.012),
                  (w / 2 - 0.012, d / 2 - lid_t + 0.0005, t + d - 0.012)).rotated("x", -tilt, hinge)
    return Built([("base", "body", base), ("lid", "body", lid), ("keys", "keys", merge(keys, pad)),
                  ("screen", "screen", screen)])


def umbrella(r) -> Built:
    radius, top = between(r, 0.48, 0.55), between(r, 0.85, 0.92)
    sag = radius * between(r, 0.45, 0.55)
    a = np.linspace(0, math.pi / 2 * 0.95, 6)
    # A dome from the tip down to the rim, `radius` wide and `sag` deep.
    outer = [(radius * math.sin(x) / math.sin(a[-1]),
              top - sag * (1 - math.cos(x)) / (1 - math.cos(a[-1]))) for x in a]
    canopy = lathe(shell_profile(outer, 0.002), 8, smooth=False)
    shaft = cylinder(0.007, top + 0.06 - 0.12, 8, z0=0.12)
    crook = [(0.035 - 0.035 * math.cos(t), 0, 0.06 - 0.035 * math.sin(t))
             for t in np.linspace(0.3, math.pi, 8)]
    hook = sweep([(0, 0, 0.16), (0, 0, 0.06)] + crook, 0.011, 8)
    return Built([("canopy", "canopy", canopy), ("shaft", "shaft", shaft),
                  ("handle", "handle", hook)])


def pillow(r) -> Built:
    w, d, h = between(r, 0.5, 0.62), between(r, 0.34, 0.42), between(r, 0.11, 0.15)
    body = superellipsoid((w, d, h), (0.3, 0.3, 1.0), 20, 10).moved(0, 0, h / 2)
    return Built([("pillow", "body", body)])


CATEGORIES = (
    Category("ball", "sports", ball,
             slots(body=("rubber", "white"), patches=("rubber", "black")), "body",
             fill=0.07, restitution=0.78, collision="sphere", uniform=True),
    Category("basketball", "sports", basketball,
             slots(body=("rubber", "#c8641e #d0702a"), seams=("rubber", "black")), "body",
             fill=0.078, restitution=0.83, collision="sphere", uniform=True),
    Category("tennis_ball", "sports", tennis_ball, slots(body=("rubber", "#cfe03a #d8e84a")),
             "body", fill=0.33, restitution=0.75, collision="sphere", uniform=True),
    Category("bat", "sports", bat, slots(body=("wood", "pine birch #2b2b2b")), "body"),
    Category("racket", "sports", racket,
             slots(frame=("plastic", "black #1f4fb3 red white"), strings=("fabric", "#f0f0e6"),
                   grip=("leather", "black white")), "frame", fill=0.7),
    Category("domino", "games", domino,
             slots(body=("wood", "birch pine #f2ecd9 #c8402a #2a4a7a"), marks=("paint", "black")),
             "body", collision="box"),
    Category("lamp", "household", lamp,
             slots(base=("ceramic", "white #4f6d8a black"), shade=("fabric", "cream beige white"),
                   bulb="light"), "base", colour_slot="shade"),
    Category("book", "household", book,
             slots(cover=("paper", "#8a2a2a #2a4a7a #2e5e3a #1a1a1a #c8a23a"),
                   pages=("paper", "cream")),
             "cover", fill=0.7, collision="box"),
    Category("phone", "household", phone,
             slots(body=("metal", "#2b2b2e silver #e6cfa8"), screen="screen"), "body",
             fill=0.3, collision="box"),
    Category("laptop", "household", laptop,
             slots(body=("metal", "silver #3a3a3e"), keys=("plastic", "#1a1a1a"), screen="screen"),
             "body", fill=0.15),
    Category("umbrella", "household", umbrella,
             slots(canopy=("fabric", "black navy red #2e5e3a"), shaft=("metal", "chrome"),
                   handle=("wood", "walnut")), "canopy", fill=0.6),
    Category("pillow", "household", pillow, slots(body=("fabric", "white cream #9fb4c8 beige")),
             "body", fill=0.08),
)
