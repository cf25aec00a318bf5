"""Tableware and containers: glass, cup, mug, bottle, plate, bowl, vase, box, crate, barrel,
bucket, bag.

Vessels are lathed thin-walled shells with their real wall thickness (a tumbler 2.5 mm with a
6 mm base, a mug 4 mm), so the fracture stage can cut them into believable shards and their
mass comes out right from volume times density.  Handles are swept tubes whose ends sink into
the wall without reaching the inside.
"""
from __future__ import annotations

import math

import numpy as np

from .prop_kit import Built, Category, around, between, slots
from .shapes import lathe, merge, ring, shell_profile, slab, superellipsoid, sweep, torus


def _vessel(outer, wall, base, segments=32):
    return lathe(shell_profile(outer, wall, base), segments)


def _handle(r_top: float, r_bottom: float, z_top: float, z_bottom: float, reach: float,
            radius: float, embed: float, steps: int = 12):
    """A C-shaped handle on the +X side from the wall at z_top round to the wall at z_bottom.

    Both ends run horizontally into the wall and stop `embed` inside its outer surface (less
    than the wall thickness, so nothing shows inside the vessel).
    """
    t = np.linspace(0.0, 1.0, steps)
    x = (1 - t) * r_top + t * r_bottom - embed + reach * np.sin(np.pi * t) ** 0.8
    z = (z_top + z_bottom) / 2 + (z_top - z_bottom) / 2 * np.cos(np.pi * t)
    return sweep(np.column_stack([x, np.zeros(steps), z]), radius, 8)


def glass(r) -> Built:
    h, r_top = between(r, 0.095, 0.12), between(r, 0.033, 0.038)
    r_foot = r_top * between(r, 0.82, 0.9)
    outer = [(0, 0), (r_foot, 0), (r_foot + 0.0005, 0.003), (r_top, h)]
    return Built([("glass", "glass", _vessel(outer, 0.0025, 0.006, 36))])


def cup(r) -> Built:
    h, r_top, r_foot = between(r, 0.065, 0.08), between(r, 0.042, 0.048), between(r, 0.024, 0.028)
    foot = 0.006
    t = np.linspace(0, 1, 7)
    r0 = r_foot + 0.004                              # the bowl flares out quickly from the foot
    curve = [(r0 + (r_top - r0) * (1 - (1 - s) ** 1.8), foot + (h - foot) * s) for s in t]
    outer = [(0, 0), (r_foot, 0), (r_foot + 0.001, foot)] + curve
    body = _vessel(outer, 0.003, 0.004)
    z_top, z_bottom = foot + (h - foot) * 0.82, foot + (h - foot) * 0.3

    def r_at(z):
        return float(np.interp(z, [p[1] for p in curve], [p[0] for p in curve]))

    handle = _handle(r_at(z_top), r_at(z_bottom), z_top, z_bottom, 0.022, 0.0035, 0.0015)
    return Built([("body", "body", body), ("handle", "body", handle)])


def mug(r) -> Built:
    h, rad, wall = between(r, 0.09, 0.105), between(r, 0.039, 0.043), 0.004
    body = _vessel([(0, 0), (rad - 0.002, 0), (rad, 0.003), (rad, h)], wall, 0.008)
    z_top, z_bottom = h * 0.82, h * 0.22
    handle = _handle(rad, rad, z_top, z_bottom, around(r, 0.03, 0.1), 0.0055, 0.002)
    return Built([("body", "body", body), ("handle", "body", handle)])


def bottle(r) -> Built:
    h, rad, neck = between(r, 0.27, 0.32), between(r, 0.034, 0.04), between(r, 0.012, 0.014)
    shoulder = h * between(r, 0.58, 0.66)
    top = h * 0.82
    arc = [(neck + (rad - neck) * math.cos(a) ** 0.7, shoulder + (top - shoulder) * math.sin(a))
           for a in np.linspace(0, math.pi / 2, 6)]
    lip = [(neck, h - 0.012), (neck + 0.002, h - 0.01), (neck + 0.002, h - 0.002), (neck, h)]
    outer = [(0, 0), (rad - 0.003, 0), (rad, 0.004)] + arc + lip
    return Built([("glass", "glass", _vessel(outer, 0.003, 0.006, 32))])


def plate(r) -> Built:
    rad, h = between(r, 0.125, 0.14), between(r, 0.018, 0.024)
    outer = [(0, 0), (rad * 0.38, 0), (rad * 0.4, 0.003), (rad * 0.62, 0.006),
             (rad * 0.9, h - 0.004), (rad, h)]
    return Built([("plate", "body", _vessel(outer, 0.0045, 0.0045, 48))])


def bowl(r) -> Built:
    rad, h, foot = between(r, 0.07, 0.085), between(r, 0.06, 0.075), 0.008
    r_foot = rad * 0.45
    arc = [(r_foot + (rad - r_foot) * math.sin(a), foot + (h - foot) * (1 - math.cos(a)))
           for a in np.linspace(0.15, math.pi / 2, 7)]
    outer = [(0, 0), (r_foot, 0), (r_foot, foot)] + arc
    return Built([("bowl", "body", _vessel(outer, 0.004, 0.005, 36))])


def vase(r) -> Built:
    h, belly = between(r, 0.26, 0.34), between(r, 0.07, 0.09)
    neck, lip = belly * between(r, 0.45, 0.55), belly * between(r, 0.6, 0.75)
    zs = np.array([0.0, 0.12, 0.35, 0.55, 0.75, 0.88, 1.0]) * h
    rs = [belly * 0.6, belly * 0.85, belly, belly * 0.85, neck, neck * 1.05, lip]
    outer = [(0, 0)] + list(zip(rs, zs))
    return Built([("vase", "body", _vessel(outer, 0.005, 0.008, 32))])


def box(r) -> Built:
    w, d, h = between(r, 0.35, 0.45), between(r, 0.28, 0.35), between(r, 0.25, 0.32)
    body = slab((-w / 2, -d / 2, 0), (w / 2, d / 2, h))
    tw, tt = 0.048, 0.0008
    tape = merge(slab((-tw / 2, -d / 2, h), (tw / 2, d / 2, h + tt)),
                 slab((-tw / 2, -d / 2 - tt, h - 0.06), (tw / 2, -d / 2, h + tt)),
                 slab((-tw / 2, d / 2, h - 0.06), (tw / 2, d / 2 + tt, h + tt)))
    return Built([("box", "body", body), ("tape", "tape", tape)], support_top_m=h)


def crate(r) -> Built:
    w, d, h = between(r, 0.5, 0.6), between(r, 0.34, 0.4), between(r, 0.28, 0.34)
    post, t, slat_h = 0.035, 0.012, 0.07
    posts = merge(*(slab((x0, y0, 0), (x0 + post, y0 + post, h))
                    for x0 in (-w / 2, w / 2 - post) for y0 in (-d / 2, d / 2 - post)))
    zs = np.linspace(0.02, h - slat_h, 3)
    slats = []
    for z in zs:
        slats += [slab((-w / 2 + post, -d / 2, z), (w / 2 - post, -d / 2 + t, z + slat_h)),
                  slab((-w / 2 + post, d / 2 - t, z), (w / 2 - post, d / 2, z + slat_h)),
                  slab((-w / 2, -d / 2 + post, z), (-w / 2 + t, d / 2 - post, z + slat_h)),
                  slab((w / 2 - t, -d / 2 + post, z), (w / 2, d / 2 - post, z + slat_h))]
    bottom = [slab((-w / 2 + post, y - 0.04, 0.005), (w / 2 - post, y + 0.04, 0.005 + t))
              for y in np.linspace(-d / 2 + 0.08, d / 2 - 0.08, 3)]
    return Built([("posts", "body", posts), ("slats", "body", merge(*slats, *bottom))],
                 support_top_m=h)


def barrel(r) -> Built:
    h, r_mid = between(r, 0.85, 0.9), between(r, 0.29, 0.31)
    r_end = r_mid * between(r, 0.84, 0.88)
    zs = np.linspace(0, h, 9)
    rs = r_end + (r_mid - r_end) * np.sin(np.pi * zs / h)
    staves = lathe([(0, 0)] + list(zip(rs, zs)) + [(0, h)], 24)
    hoops = merge(*(ring(float(np.interp(z, zs, rs)) - 0.003, float(np.interp(z, zs, rs)) + 0.004,
                         0.035, 24, z0=z - 0.0175) for z in (0.07 * h, 0.3 * h, 0.7 * h, 0.93 * h)))
    return Built([("staves", "body", staves), ("hoops", "hoops", hoops)], support_top_m=h)


def bucket(r) -> Built:
    h, r_top = between(r, 0.26, 0.3), between(r, 0.14, 0.16)
    r_foot = r_top * between(r, 0.78, 0.84)
    body = _vessel([(0, 0), (r_foot, 0), (r_top, h)], 0.0015, 0.002, 32)
    rim = torus(r_top - 0.0005, 0.004, 32, 6).moved(0, 0, h - 0.004)
    arc = [(r_top * math.cos(a), 0.0, h - 0.03 + r_top * 0.9 * math.sin(a))
           for a in np.linspace(0, math.pi, 17)]
    handle = sweep(arc, 0.003, 6)
    return Built([("bucket", "body", merge(body, rim)), ("handle", "handle", handle)])


def bag(r) -> Built:
    w, d, h = between(r, 0.32, 0.4), between(r, 0.12, 0.16), between(r, 0.25, 0.32)
    body = superellipsoid((w, d, h), (0.3, 0.5, 0.25), 16, 8).moved(0, 0, h / 2)
    handles = []
    for y in (-d / 4, d / 4):
        arc = [(0.08 * math.cos(a), y, h - 0.02 + 0.12 * math.sin(a))
               for a in np.linspace(0, math.pi, 13)]
        handles.append(sweep(arc, 0.007, 6))
    return Built([("bag", "body", body), ("handles", "body", merge(*handles))])


CATEGORIES = (
    Category("glass", "tableware", glass, slots(glass="glass"), "glass", collision="mesh"),
    Category("cup", "tableware", cup, slots(body=("porcelain", "#f3f1ea white #4f6d8a")), "body",
             collision="mesh"),
    Category("mug", "tableware", mug, slots(body="ceramic"), "body", collision="mesh"),
    Category("bottle", "tableware", bottle, slots(glass=("glass", "#b9d9bf clear #8a5a2b #3f7a4a")),
             "glass", collision="mesh"),
    Category("plate", "tableware", plate, slots(body=("porcelain", "white #f3f1ea")), "body",
             collision="mesh"),
    Category("bowl", "tableware", bowl, slots(body="ceramic"), "body", collision="mesh"),
    Category("vase", "tableware", vase, slots(body=("ceramic", "#4f6d8a white terracotta #7a9e7e")),
             "body", collision="mesh"),
    Category("box", "container", box, slots(body="cardboard", tape=("plastic", "#d9b98a")), "body",
             fill=0.015, collision="box"),
    Category("crate", "container", crate, slots(body=("wood", "pine birch oak")), "body",
             collision="box"),
    Category("barrel", "container", barrel,
             slots(body=("wood", "oak walnut"), hoops=("metal", "charcoal")), "body", fill=0.35),
    Category("bucket", "container", bucket,
             slots(body=("metal", "steel"), handle=("metal", "steel")), "body", fill=0.6,
             collision="mesh"),
    Category("bag", "container", bag, slots(body="leather"), "body", fill=0.12),
)
