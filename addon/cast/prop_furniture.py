"""Furniture and building parts: chair, table, bench, sofa, bed, desk, shelf, wall, door,
window, stairs.

Sizes follow common real furniture (seat 0.45 m, table and desk tops 0.75 m, door leaf
0.9 x 2.1 m, stair rise 0.17-0.18 m with a 0.28 m going).  Front towards -Y: a chair's back,
a bed's headboard and a shelf's back panel are at +Y; stairs climb towards +Y.
"""
from __future__ import annotations

import numpy as np

from .prop_kit import Built, Category, around, between, slots
from .shapes import cylinder, extrude, merge, slab, sphere, superellipsoid


def _legs(half_x: float, half_y: float, size: float, height: float, z0: float = 0.0):
    """Four square legs with their outer faces on the rectangle ±half_x, ±half_y."""
    return merge(*(slab((x0, y0, z0), (x0 + size, y0 + size, height))
                   for x0 in (-half_x, half_x - size) for y0 in (-half_y, half_y - size)))


def _soft(lo, hi, roundness=(0.2, 0.2, 0.2)):
    """A softly rounded block between corners lo and hi (upholstery, mattresses)."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    return superellipsoid(hi - lo, roundness, 16, 8).moved(*(lo + hi) / 2)


def chair(r) -> Built:
    seat_h, w, d = between(r, 0.43, 0.48), between(r, 0.40, 0.48), between(r, 0.40, 0.46)
    leg, t = between(r, 0.03, 0.04), 0.035
    back_top = seat_h + between(r, 0.38, 0.48)
    hw, hd = w / 2, d / 2
    yb = hd - leg                                    # front face of the back posts
    front = merge(slab((-hw, -hd, 0), (-hw + leg, -hd + leg, seat_h - t)),
                  slab((hw - leg, -hd, 0), (hw, -hd + leg, seat_h - t)))
    back_posts = merge(slab((-hw, yb, 0), (-hw + leg, hd, back_top)),
                       slab((hw - leg, yb, 0), (hw, hd, back_top)))
    rail_h = around(r, 0.12, 0.15)
    top_rail = slab((-hw + leg, yb + 0.005, back_top - rail_h),
                    (hw - leg, hd - 0.005, back_top - 0.01))
    low_rail = slab((-hw + leg, yb + 0.008, seat_h + 0.12), (hw - leg, hd - 0.008, seat_h + 0.16))
    back = merge(top_rail, low_rail)
    stretchers = merge(slab((-hw + leg, -hd + 0.005, 0.15), (hw - leg, -hd + leg - 0.005, 0.17)),
                       slab((-hw + 0.005, -hd + leg, 0.12), (-hw + leg - 0.005, yb, 0.14)),
                       slab((hw - leg + 0.005, -hd + leg, 0.12), (hw - 0.005, yb, 0.14)))
    seat = slab((-hw, -hd, seat_h - t), (hw, yb, seat_h))
    return Built([("legs", "body", merge(front, back_posts, stretchers)),
                  ("seat", "body", seat), ("back", "body", back)],
                 support_top_m=seat_h, seat_height_m=seat_h)


def table(r) -> Built:
    top_h, w, d = between(r, 0.73, 0.77), between(r, 1.1, 1.6), between(r, 0.7, 0.9)
    leg, t = between(r, 0.05, 0.07), between(r, 0.03, 0.045)
    inset = 0.04
    legs = _legs(w / 2 - inset, d / 2 - inset, leg, top_h - t)
    ax, ay = w / 2 - inset - leg, d / 2 - inset - leg        # the apron runs between the legs
    z0, z1 = top_h - t - 0.09, top_h - t
    apron = merge(*(slab((sx * ax - 0.01, -ay, z0), (sx * ax + 0.01, ay, z1)) for sx in (-1, 1)),
                  *(slab((-ax, sy * ay - 0.01, z0), (ax, sy * ay + 0.01, z1)) for sy in (-1, 1)))
    top = slab((-w / 2, -d / 2, top_h - t), (w / 2, d / 2, top_h))
    return Built([("legs", "body", legs), ("apron", "body", apron), ("top", "body", top)],
                 support_top_m=top_h)


def bench(r) -> Built:
    length, seat_h, d = between(r, 1.4, 1.8), between(r, 0.43, 0.47), between(r, 0.40, 0.46)
    back_top = between(r, 0.78, 0.85)
    hl, hd = length / 2, d / 2
    n, gap, t = 4, 0.012, 0.03
    slat = (d - (n - 1) * gap) / n
    seat = merge(*(slab((-hl, -hd + i * (slat + gap), seat_h - t),
                        (hl, -hd + i * (slat + gap) + slat, seat_h)) for i in range(n)))
    back = merge(*(slab((-hl, hd - 0.03, z), (hl, hd, z + 0.09))
                   for z in (seat_h + 0.12, back_top - 0.09)))
    frames = []
    for sx in (-1, 1):
        x0, x1 = sx * (hl - 0.18) - 0.025, sx * (hl - 0.18) + 0.025
        frames += [slab((x0, -hd + 0.03, 0), (x1, -hd + 0.08, seat_h - t)),        # front leg
                   slab((x0, hd, 0), (x1, hd + 0.05, back_top)),                     # back leg
                   slab((x0, -hd + 0.03, seat_h - t - 0.05), (x1, hd, seat_h - t)),  # seat rail
                   slab((x0, -hd + 0.05, 0.12), (x1, hd, 0.16))]                     # foot rail
    return Built([("seat", "seat", seat), ("back", "seat", back),
                  ("frame", "frame", merge(*frames))],
                 support_top_m=seat_h, seat_height_m=seat_h)


def sofa(r) -> Built:
    w, d, seat_h = between(r, 1.8, 2.2), between(r, 0.85, 0.95), between(r, 0.43, 0.47)
    arm_w, arm_h = between(r, 0.16, 0.22), between(r, 0.58, 0.65)
    back_top, foot, back_d = between(r, 0.82, 0.9), 0.1, 0.2
    hw, hd = w / 2, d / 2
    inner = hw - arm_w
    base = _soft((-inner, -hd + 0.02, foot), (inner, hd - back_d, seat_h - 0.15))
    n = 3 if w > 1.95 else 2
    cw = 2 * inner / n
    cushions = merge(*(_soft((-inner + i * cw + 0.005, -hd, seat_h - 0.16),
                             (-inner + (i + 1) * cw - 0.005, hd - back_d, seat_h),
                             (0.25, 0.25, 0.4)) for i in range(n)))
    back = _soft((-inner, hd - back_d, foot), (inner, hd, back_top))
    arms = merge(_soft((-hw, -hd, foot), (-hw + arm_w, hd, arm_h)),
                 _soft((hw - arm_w, -hd, foot), (hw, hd, arm_h)))
    leg = cylinder(0.025, foot, 8, radius_top=0.03)
    legs = merge(*(leg.moved(sx * (hw - 0.08), sy * (hd - 0.08))
                   for sx in (-1, 1) for sy in (-1, 1)))
    return Built([("base", "body", base), ("cushions", "body", cushions), ("back", "body", back),
                  ("arms", "body", arms), ("legs", "legs", legs)],
                 support_top_m=seat_h, seat_height_m=seat_h)


def bed(r) -> Built:
    w, length = between(r, 1.35, 1.6), between(r, 1.95, 2.05)
    frame_top, mattress_top = between(r, 0.30, 0.36), between(r, 0.52, 0.58)
    head_h = between(r, 0.95, 1.1)
    hw, hl = w / 2, length / 2
    frame = merge(slab((-hw - 0.03, -hl - 0.03, 0.1), (hw + 0.03, hl, frame_top)),
                  _legs(hw + 0.03, hl, 0.06, 0.1))
    head = slab((-hw - 0.05, hl, 0), (hw + 0.05, hl + 0.06, head_h))     # headboard at +Y
    mattress = _soft((-hw, -hl, frame_top), (hw, hl, mattress_top), (0.15, 0.15, 0.3))
    duvet = _soft((-hw - 0.02, -hl - 0.02, mattress_top - 0.08),
                  (hw + 0.02, hl - 0.55, mattress_top + 0.04), (0.2, 0.15, 0.5))
    pillow = _soft((-hw + 0.1, hl - 0.5, mattress_top - 0.02),
                   (hw - 0.1, hl - 0.08, mattress_top + 0.12), (0.3, 0.3, 1.0))
    return Built([("frame", "frame", merge(frame, head)), ("mattress", "mattress", mattress),
                  ("duvet", "bedding", duvet), ("pillow", "mattress", pillow)],
                 support_top_m=mattress_top, seat_height_m=mattress_top - 0.04)


def desk(r) -> Built:
    top_h, w, d = between(r, 0.73, 0.77), between(r, 1.1, 1.4), between(r, 0.6, 0.7)
    t, ped_w = 0.03, between(r, 0.38, 0.44)
    hw, hd, under = w / 2, d / 2, top_h - t
    top = slab((-hw, -hd, under), (hw, hd, top_h))
    ped_x = hw - 0.02 - ped_w                                 # the drawer pedestal's left side
    side = slab((-hw + 0.02, -hd + 0.03, 0), (-hw + 0.05, hd - 0.02, under))
    pedestal = slab((ped_x, -hd + 0.03, 0), (hw - 0.02, hd - 0.02, under))
    modesty = slab((-hw + 0.05, hd - 0.04, under - 0.35), (ped_x, hd - 0.02, under))
    x0, x1 = ped_x + 0.01, hw - 0.03
    xm = (x0 + x1) / 2
    levels = np.linspace(0.05, under - 0.01, 4)
    fronts, handles = [], []
    for z0, z1 in zip(levels[:-1], levels[1:]):
        fronts.append(slab((x0, -hd + 0.01, z0 + 0.005), (x1, -hd + 0.03, z1 - 0.005)))
        zc = (z0 + z1) / 2 + (z1 - z0) * 0.25
        handles.append(slab((xm - 0.05, -hd - 0.005, zc - 0.006),
                            (xm + 0.05, -hd + 0.01, zc + 0.006)))
    return Built([("top", "body", top), ("sides", "body", merge(side, pedestal, modesty)),
                  ("drawers", "body", merge(*fronts)), ("handles", "handles", merge(*handles))],
                 support_top_m=top_h)


def shelf(r) -> Built:
    w, d, h = between(r, 0.75, 0.9), between(r, 0.28, 0.34), between(r, 1.7, 1.95)
    t = 0.02
    hw, hd = w / 2, d / 2
    n = 4 if h < 1.85 else 5
    carcass = merge(slab((-hw, -hd, 0), (-hw + t, hd, h)), slab((hw - t, -hd, 0), (hw, hd, h)),
                    slab((-hw + t, -hd, h - t), (hw - t, hd, h)),
                    slab((-hw + t, -hd + 0.02, 0), (hw - t, hd, 0.07)),           # plinth
                    slab((-hw + t, hd - 0.008, 0.07), (hw - t, hd, h - t)))       # back panel
    levels = np.linspace(0.07, h - t, n + 1)[1:-1]
    boards = merge(*(slab((-hw + t, -hd + 0.01, z - t), (hw - t, hd - 0.008, z)) for z in levels))
    return Built([("carcass", "body", carcass), ("shelves", "body", boards)], support_top_m=h)


def wall(r) -> Built:
    length, t, h = between(r, 2.8, 3.2), between(r, 0.15, 0.2), between(r, 2.5, 2.7)
    hl = length / 2
    skirting = slab((-hl, -t / 2 - 0.012, 0), (hl, -t / 2 + 0.002, 0.08))
    return Built([("wall", "body", slab((-hl, -t / 2, 0), (hl, t / 2, h))),
                  ("skirting", "trim", skirting)])


def door(r) -> Built:
    w, h, t = between(r, 0.8, 0.92), between(r, 2.03, 2.1), 0.04
    jamb, depth = 0.07, 0.12
    hw, hd = w / 2, depth / 2
    frame = merge(slab((-hw - jamb, -hd, 0), (-hw, hd, h + jamb)),
                  slab((hw, -hd, 0), (hw + jamb, hd, h + jamb)),
                  slab((-hw, -hd, h), (hw, hd, h + jamb)))
    leaf = slab((-hw + 0.003, -t / 2, 0.01), (hw - 0.003, t / 2, h - 0.003))
    panels = merge(*(slab((-hw + 0.12, -t / 2 - 0.008, z0), (hw - 0.12, -t / 2 + 0.001, z1))
                     for z0, z1 in ((0.15, 0.85 * h / 2), (h / 2 + 0.1, h - 0.15))))
    knob_x, knob_z = hw - 0.07, between(r, 0.95, 1.05)
    knob = merge(cylinder(0.008, 0.05, 8).rotated("x", 90).moved(knob_x, -t / 2 + 0.001, knob_z),
                 sphere(0.027, 12, 6).moved(knob_x, -t / 2 - 0.06, knob_z))
    return Built([("frame", "frame", frame), ("leaf", "body", merge(leaf, panels)),
                  ("knob", "knob", knob)])


def window(r) -> Built:
    w, h = between(r, 0.9, 1.2), between(r, 1.1, 1.4)
    f, depth = 0.06, 0.1
    hw, hd, mid = w / 2, depth / 2, h * 0.55
    frame = merge(slab((-hw, -hd, 0), (-hw + f, hd, h)), slab((hw - f, -hd, 0), (hw, hd, h)),
                  slab((-hw + f, -hd, h - f), (hw - f, hd, h)),
                  slab((-hw + f, -hd, 0), (hw - f, hd, f)),
                  slab((-0.02, -0.03, f), (0.02, 0.03, h - f)),                   # mullion
                  slab((-hw + f, -0.03, mid - 0.02), (-0.02, 0.03, mid + 0.02)),   # transoms
                  slab((0.02, -0.03, mid - 0.02), (hw - f, 0.03, mid + 0.02)))
    sill = slab((-hw - 0.04, -hd - 0.06, 0), (hw + 0.04, -hd, 0.03))
    pane = slab((-hw + f - 0.005, -0.003, f - 0.005), (hw - f + 0.005, 0.003, h - f + 0.005))
    return Built([("frame", "frame", merge(frame, sill)), ("pane", "pane", pane)])


def stairs(r) -> Built:
    n, rise, going, w = 5, between(r, 0.165, 0.18), between(r, 0.27, 0.3), between(r, 0.9, 1.2)
    y0 = -n * going / 2
    outline = [(y0 + n * going, 0.0), (y0 + n * going, n * rise)]
    for i in range(n - 1, -1, -1):
        outline += [(y0 + i * going, (i + 1) * rise), (y0 + i * going, i * rise)]
    outline = outline[:-1] + [(y0, 0.0)]
    return Built([("steps", "body", extrude(outline, w, "yz"))], support_top_m=n * rise)


CATEGORIES = (
    Category("chair", "furniture", chair, slots(body="wood"), "body"),
    Category("table", "furniture", table, slots(body="wood"), "body"),
    Category("bench", "furniture", bench,
             slots(seat="wood", frame=("metal", "charcoal #2e3b2e black")), "seat"),
    Category("sofa", "furniture", sofa,
             slots(body=("fabric", "grey #5b6f8a beige #6b3a2a #3d5c45 navy"),
                   legs=("wood", "walnut")), "body", fill=0.18),
    Category("bed", "furniture", bed,
             slots(frame="wood", mattress=("fabric", "white"),
                   bedding=("fabric", "white #9fb4c8 beige grey")),
             "frame", colour_slot="bedding", fill=0.12),
    Category("desk", "furniture", desk, slots(body="wood", handles="metal"), "body", fill=0.3),
    Category("shelf", "furniture", shelf, slots(body="wood"), "body"),
    Category("wall", "structure", wall, slots(body="plaster", trim=("wood", "white")), "body",
             collision="box"),
    Category("door", "structure", door,
             slots(body="wood", frame=("wood", "white cream"), knob=("metal", "chrome gold")),
             "body"),
    Category("window", "structure", window, slots(frame=("wood", "white cream"), pane="glass"),
             "frame", physics_slot="pane", fill=0.4, notes="the glass pane is what breaks"),
    Category("stairs", "structure", stairs, slots(body="concrete"), "body", collision="mesh"),
)
