"""Nature, street furniture and vehicles: tree, bush, rock, flower, trash_can, traffic_cone,
sign, fence, street_lamp, car, bicycle.

Vehicles point their nose towards -Y (the engine's "forward"), so a car is about 1.8 m wide
(X), 4.3 m long (Y) and 1.45 m tall; wheels touch z = 0.  Canopies, bushes and rocks are
bumpy icospheres whose bumps come from the seed.
"""
from __future__ import annotations

import math

import numpy as np

from .prop_kit import Built, Category, between, slots
from .shapes import (Mesh, arc_points, blob, cylinder, extrude, lathe, merge, rod, slab, sphere,
                     superellipsoid, torus)


def tree(r) -> Built:
    h = between(r, 4.2, 6.0)
    trunk_r = h * between(r, 0.028, 0.034)
    crown_base = h * between(r, 0.38, 0.45)
    trunk = lathe([(0, 0), (trunk_r * 1.4, 0), (trunk_r, 0.35), (trunk_r * 0.75, crown_base),
                   (trunk_r * 0.45, h * 0.75), (0, h * 0.8)], 12)
    crown_r = (h - crown_base) / 2
    centre_z = crown_base + crown_r
    blobs = [blob(crown_r * 0.75, r, 0.18).moved(0, 0, centre_z)]
    for _ in range(int(r.integers(3, 6))):
        a = r.uniform(0, 2 * math.pi)
        off = crown_r * r.uniform(0.35, 0.5)
        size = crown_r * r.uniform(0.45, 0.6)
        blobs.append(blob(size, r, 0.2, 1).moved(off * math.cos(a), off * math.sin(a),
                                                 centre_z + r.uniform(-0.3, 0.25) * crown_r))
    return Built([("trunk", "trunk", trunk), ("canopy", "canopy", merge(*blobs))])


def bush(r) -> Built:
    size = between(r, 0.8, 1.1)
    parts = [blob(size * 0.45, r, 0.15).scaled((1, 1, 0.85)).moved(0, 0, size * 0.4)]
    for _ in range(int(r.integers(3, 5))):
        a = r.uniform(0, 2 * math.pi)
        rad = size * r.uniform(0.25, 0.33)
        parts.append(blob(rad, r, 0.2, 1).moved(size * 0.3 * math.cos(a), size * 0.3 * math.sin(a),
                                                rad * r.uniform(0.9, 1.2)))
    return Built([("bush", "leaves", merge(*parts))])


def rock(r) -> Built:
    size = between(r, 0.32, 0.45)
    stone = blob(size / 2, r, 0.22).scaled((1.0, r.uniform(0.7, 0.9), r.uniform(0.5, 0.7)))
    v = stone.verts.copy()
    floor = v[:, 2].min() * 0.7                     # a flat underside to rest on
    v[:, 2] = np.maximum(v[:, 2], floor)
    return Built([("rock", "body", Mesh(v, stone.faces, stone.smooth))])


def flower(r) -> Built:
    h = between(r, 0.32, 0.45)
    stem = rod((0, 0, 0), (0.01, 0.0, h), 0.0025, 6)
    leaves = merge(*(superellipsoid((0.07, 0.022, 0.003), (1, 1, 1), 8, 4)
                     .rotated("y", -sx * 30).moved(sx * 0.035, 0, h * f)
                     for sx, f in ((-1, 0.35), (1, 0.55))))
    centre = sphere(0.011, 10, 6).scaled((1, 1, 0.6)).moved(0.01, 0, h)
    n = int(r.integers(5, 8))
    petal = superellipsoid((0.03, 0.016, 0.004), (1, 1, 1), 10, 4).rotated("y", -15)
    petals = merge(*(petal.moved(0.022, 0, 0).rotated("z", 360 * k / n).moved(0.01, 0, h - 0.001)
                     for k in range(n)))
    return Built([("stem", "stem", merge(stem, leaves)), ("petals", "petals", petals),
                  ("centre", "centre", centre)])


def trash_can(r) -> Built:
    h, rad = between(r, 0.85, 0.98), between(r, 0.24, 0.28)
    body = cylinder(rad * 0.9, h - 0.06, 24, radius_top=rad)
    lid = lathe([(0, h - 0.07), (rad + 0.012, h - 0.07), (rad + 0.012, h - 0.04),
                 (rad * 0.8, h - 0.01), (0.04, h), (0, h)], 24)

    def radius_at(z):
        return float(np.interp(z, [0, h - 0.06], [rad * 0.9, rad]))

    hoops = merge(*(torus(radius_at(z), 0.008, 24, 6).moved(0, 0, z) for z in (0.12, h * 0.55)))
    return Built([("body", "body", merge(body, hoops)), ("lid", "body", lid)])


def traffic_cone(r) -> Built:
    h, base_w, r0 = between(r, 0.68, 0.74), between(r, 0.36, 0.39), between(r, 0.14, 0.155)
    r1, base_t = 0.027, 0.03
    base = slab((-base_w / 2, -base_w / 2, 0), (base_w / 2, base_w / 2, base_t))
    cone = cylinder(r0, h - base_t, 24, radius_top=r1, z0=base_t)

    def band(z0, z1):
        """A reflective collar hugging the cone between heights z0 and z1."""
        def radius_at(z):
            return r0 + (r1 - r0) * (z - base_t) / (h - base_t)
        return lathe([(radius_at(z0) - 0.002, z0), (radius_at(z0) + 0.0015, z0),
                      (radius_at(z1) + 0.0015, z1), (radius_at(z1) - 0.002, z1)], 24, closed=True)

    bands = merge(band(h * 0.42, h * 0.56), band(h * 0.66, h * 0.74))
    return Built([("base", "base", base), ("cone", "body", cone), ("bands", "bands", bands)])


def sign(r) -> Built:
    h, pole_r = between(r, 2.2, 2.5), 0.03
    shape = int(r.integers(0, 3))                     # round, octagon, rectangle
    size = between(r, 0.55, 0.65)
    pole = cylinder(pole_r, h - 0.02, 12)
    foot = cylinder(0.08, 0.02, 12)
    y = -pole_r - 0.008                               # the plate hangs in front of the pole
    cz = h - size / 2 - 0.05
    if shape == 2:
        half = np.array([size / 2, 0.004, size * 0.35])
        plate = slab(np.array([0, y, cz]) - half, np.array([0, y, cz]) + half)
    else:
        sides = 32 if shape == 0 else 8
        plate = cylinder(size / 2, 0.008, sides).rotated("x", 90).moved(0, y + 0.004, cz)
        if sides == 8:
            plate = plate.rotated("y", 22.5, (0, y, cz))     # flat top, like a stop sign
    return Built([("pole", "pole", merge(pole, foot)), ("plate", "face", plate)])


def fence(r) -> Built:
    length, h = between(r, 1.9, 2.4), between(r, 0.9, 1.2)
    post, hl = 0.08, length / 2
    posts = merge(*(slab((x - post / 2, -post / 2, 0), (x + post / 2, post / 2, h + 0.05))
                    for x in (-hl + post / 2, 0, hl - post / 2)))
    rail_y = -post / 2                                # rails on the front of the posts
    rails = merge(*(slab((-hl, rail_y - 0.025, z - 0.035), (hl, rail_y, z + 0.035))
                    for z in (h * 0.25, h * 0.75)))
    pw, gap = 0.08, between(r, 0.035, 0.05)
    count = int((length - 0.02) // (pw + gap))
    x0 = -(count * (pw + gap) - gap) / 2 + pw / 2
    picket = extrude([(-pw / 2, 0.03), (pw / 2, 0.03), (pw / 2, h - 0.05), (0, h),
                      (-pw / 2, h - 0.05)], 0.02, "xz")
    pickets = merge(*(picket.moved(x0 + i * (pw + gap), rail_y - 0.035, 0) for i in range(count)))
    return Built([("posts", "body", posts), ("rails", "body", rails), ("pickets", "body", pickets)])


def street_lamp(r) -> Built:
    h, arm = between(r, 4.5, 5.5), between(r, 0.8, 1.0)
    pole = lathe([(0, 0), (0.15, 0), (0.15, 0.05), (0.1, 0.4), (0.075, 0.45), (0.05, h - 0.05),
                  (0.045, h), (0, h)], 16)
    arm_rod = rod((0, 0, h - 0.25), (arm, 0, h - 0.1), 0.035, 10)
    head = superellipsoid((0.45, 0.22, 0.12), (0.4, 0.4, 0.6), 16, 8).moved(arm + 0.1, 0, h - 0.1)
    light = slab((arm - 0.08, -0.07, h - 0.17), (arm + 0.28, 0.07, h - 0.15))
    return Built([("pole", "body", merge(pole, arm_rod, head)), ("light", "light", light)])


def car(r) -> Built:
    length, width, height = between(r, 4.1, 4.6), between(r, 1.75, 1.85), between(r, 1.4, 1.5)
    wheel_r, wheel_w = between(r, 0.30, 0.33), 0.21
    base = length / 2 - between(r, 0.8, 0.9)                      # wheel centres at ±base (Y)
    belt = height * 0.6                                          # the window line
    y0, y1, hw = -length / 2, length / 2, width / 2              # nose at y0 (-Y)
    # Side profile (y, z): the sill with two wheel arches, then the tail, boot, bonnet, nose.
    outline = [(y0 + 0.15, 0.2)]
    for yc in (-base, base):
        arch = arc_points(yc, wheel_r, wheel_r + 0.04, 180, 0, 9)
        outline += [(arch[0][0], 0.2)] + arch + [(arch[-1][0], 0.2)]
    outline += [(y1 - 0.1, 0.2), (y1, 0.35), (y1 + 0.01, belt - 0.05), (y1 - 0.1, belt + 0.02),
                (y1 - 0.75, belt + 0.03), (y0 + 1.2, belt), (y0 + 0.1, belt - 0.12),
                (y0, belt - 0.25), (y0 + 0.02, 0.3)]
    body = extrude(outline, width, "yz")
    cab_w = width * 0.86
    roof_front, roof_back = y0 + between(r, 1.85, 2.0), y1 - between(r, 1.05, 1.2)
    cabin = extrude([(y0 + 1.25, belt - 0.01), (roof_front, height - 0.04),
                     (roof_back, height - 0.04), (y1 - 0.55, belt + 0.02)], cab_w, "yz")
    roof = slab((-cab_w / 2 - 0.01, roof_front - 0.03, height - 0.05),
                (cab_w / 2 + 0.01, roof_back + 0.03, height))
    tyre = cylinder(wheel_r, wheel_w, 20).moved(0, 0, -wheel_w / 2).rotated("y", 90)
    hub = cylinder(wheel_r * 0.6, wheel_w + 0.01, 12).moved(0, 0, -wheel_w / 2 - 0.005)
    hub = hub.rotated("y", 90)
    spots = [(sx * (hw - wheel_w / 2 - 0.02), sy * base, wheel_r)
             for sx in (-1, 1) for sy in (-1, 1)]
    tyres = merge(*(tyre.moved(*p) for p in spots))
    hubs = merge(*(hub.moved(*p) for p in spots))
    heads = merge(*(slab((sx * (hw - 0.12) - 0.12, y0 - 0.005, belt - 0.24),
                         (sx * (hw - 0.12) + 0.12, y0 + 0.1, belt - 0.15)) for sx in (-1, 1)))
    tails = merge(*(slab((sx * (hw - 0.1) - 0.1, y1 - 0.05, belt - 0.2),
                         (sx * (hw - 0.1) + 0.1, y1 + 0.015, belt - 0.1)) for sx in (-1, 1)))
    return Built([("body", "body", merge(body, roof)), ("windows", "windows", cabin),
                  ("tyres", "tyres", tyres), ("hubs", "hubs", hubs),
                  ("headlights", "headlights", heads), ("taillights", "taillights", tails)])


def bicycle(r) -> Built:
    wheel, tyre_r = between(r, 0.33, 0.35), 0.018
    wb = between(r, 1.0, 1.08) / 2                               # half the wheelbase
    hub_z = wheel + tyre_r
    rear, front = np.array([0, wb, hub_z]), np.array([0, -wb, hub_z])
    bb = np.array([0, wb - 0.43, hub_z - 0.06])                  # bottom bracket
    seat_top = np.array([0, bb[1] + 0.14, hub_z + between(r, 0.45, 0.52)])
    head_top = np.array([0, -wb + 0.2, seat_top[2] - 0.02])
    head_low = np.array([0, -wb + 0.16, seat_top[2] - 0.17])
    tube = 0.016
    frame = [rod(bb, seat_top, tube), rod(seat_top, head_top, tube), rod(bb, head_low, tube * 1.2),
             rod(head_low, head_top, tube * 1.1)]
    for sx in (-1, 1):
        off = np.array([sx * 0.04, 0, 0])
        frame += [rod(bb + off, rear + off, tube * 0.6),                  # chain stays
                  rod(seat_top + off * 0.5, rear + off, tube * 0.6),      # seat stays
                  rod(head_low + off * 1.2, front + off * 1.2, tube * 0.7)]   # fork
    tyre = torus(wheel, tyre_r, 32, 6).rotated("y", 90)
    tyres = merge(tyre.moved(*rear), tyre.moved(*front))
    metal = []
    spoke = wheel - tyre_r
    for centre in (rear, front):
        metal.append(rod(centre - [0.05, 0, 0], centre + [0.05, 0, 0], 0.015, 8))
        for a in np.linspace(0, 2 * math.pi, 12, endpoint=False):
            rim = centre + np.array([0, spoke * math.cos(a), spoke * math.sin(a)])
            metal.append(rod(centre, rim, 0.0015, 4))
    stem_top = head_top + np.array([0, -0.02, 0.1])
    bar = np.array([0.29, 0, 0])
    metal += [rod(head_top, stem_top, 0.012), rod(stem_top - bar, stem_top + bar, 0.011),
              rod(seat_top, seat_top + [0, 0.02, 0.08], 0.012)]
    for sx in (-1, 1):
        pedal = bb + np.array([sx * 0.09, sx * 0.1, -sx * 0.12])
        metal += [rod(bb, pedal, 0.008), rod(pedal, pedal + [sx * 0.1, 0, 0], 0.012)]
    saddle = superellipsoid((0.15, 0.27, 0.06), (0.5, 0.6, 0.6), 12, 6)
    saddle = saddle.moved(*(seat_top + [0, 0, 0.1]))
    grips = merge(*(rod(stem_top + sx * bar, stem_top + sx * bar * 0.6, 0.016) for sx in (-1, 1)))
    return Built([("frame", "frame", merge(*frame)), ("tyres", "tyres", tyres),
                  ("metal", "metal", merge(*metal)), ("saddle", "saddle", merge(saddle, grips))])


CATEGORIES = (
    Category("tree", "nature", tree, slots(trunk="bark", canopy="foliage"), "canopy",
             physics_slot="trunk", fill=0.08),
    Category("bush", "nature", bush, slots(leaves="foliage"), "leaves", fill=0.1),
    Category("rock", "nature", rock, slots(body="stone"), "body"),
    Category("flower", "nature", flower,
             slots(petals=("foliage", "red pink yellow white violet orange"),
                   stem=("foliage", "#3f7a2a"), centre=("foliage", "#e8b81e")), "petals"),
    Category("trash_can", "street", trash_can,
             slots(body=("metal", "#2e5e3a charcoal grey")), "body", fill=0.03),
    Category("traffic_cone", "street", traffic_cone,
             slots(body=("plastic", "#f25c05"), bands=("plastic", "#f0f0f0"),
                   base=("rubber", "black")), "body", fill=0.12, restitution=0.3),
    Category("sign", "street", sign,
             slots(face=("paint", "red blue #f2c61f white"), pole=("metal", "steel")), "face",
             fill=0.4),
    Category("fence", "street", fence, slots(body=("wood", "white #e8e4da oak")), "body"),
    Category("street_lamp", "street", street_lamp,
             slots(body=("metal", "#2e3236 charcoal #3a4a3a"), light="light"), "body", fill=0.3),
    Category("car", "vehicle", car,
             slots(body="paint", windows=("glass", "#3a4a52"), tyres=("rubber", "#1f1f1f"),
                   hubs=("metal", "chrome"), headlights="light", taillights=("plastic", "red")),
             "body", fill=0.03),
    Category("bicycle", "vehicle", bicycle,
             slots(frame="paint", tyres=("rubber", "#1f1f1f"), metal=("metal", "chrome"),
                   saddle=("leather", "black")), "frame", fill=0.2),
)
