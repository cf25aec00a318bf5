"""The procedural prop library (addon/cast/props.py and friends), without Blender.

Every category builds closed, outward-facing parts at a real-world size; the story's words
change size, colour and material; seeds vary props but repeat exactly; unknown words go to the
nearest category or to a labelled placeholder; vessels are thin-walled for the fracture stage.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from addon.cast import colours, materials, prop_words
from addon.cast.props import CATALOG, PropSpec, plan_prop, resolve_category, spec_for
from addon.cast.shapes import cylinder, lathe, shell_profile, volume
from addon.physics import surfaces
from addon.screenplay import Prop
from addon.story import lexicon_en
from addon.story.vocabulary import PROP_CATEGORIES

#: Real-world sizes (x width, y depth, z height in metres, min..max) every seed must respect.
#: Long things lie along X (bat, racket); vehicles point their nose to -Y (length along Y).
REAL_SIZES = {
    "chair": ((0.38, 0.5), (0.38, 0.48), (0.78, 1.0)),
    "table": ((1.0, 1.7), (0.65, 0.95), (0.72, 0.78)),
    "bench": ((1.3, 1.9), (0.4, 0.55), (0.75, 0.9)),
    "sofa": ((1.7, 2.3), (0.8, 1.0), (0.78, 0.95)),
    "bed": ((1.3, 1.8), (1.9, 2.2), (0.9, 1.15)),
    "desk": ((1.0, 1.5), (0.55, 0.75), (0.72, 0.78)),
    "shelf": ((0.7, 0.95), (0.25, 0.36), (1.6, 2.0)),
    "glass": ((0.06, 0.085), (0.06, 0.085), (0.09, 0.125)),
    "cup": ((0.09, 0.13), (0.08, 0.1), (0.06, 0.085)),
    "mug": ((0.1, 0.13), (0.075, 0.09), (0.085, 0.11)),
    "bottle": ((0.06, 0.085), (0.06, 0.085), (0.26, 0.33)),
    "plate": ((0.24, 0.29), (0.24, 0.29), (0.015, 0.03)),
    "bowl": ((0.13, 0.18), (0.13, 0.18), (0.055, 0.08)),
    "vase": ((0.13, 0.19), (0.13, 0.19), (0.25, 0.35)),
    "box": ((0.34, 0.46), (0.27, 0.36), (0.24, 0.33)),
    "crate": ((0.48, 0.62), (0.32, 0.42), (0.27, 0.35)),
    "barrel": ((0.55, 0.65), (0.55, 0.65), (0.84, 0.92)),
    "bucket": ((0.27, 0.34), (0.27, 0.34), (0.3, 0.42)),
    "bag": ((0.3, 0.42), (0.1, 0.18), (0.3, 0.45)),
    "ball": ((0.215, 0.225), (0.215, 0.225), (0.215, 0.225)),
    "domino": ((0.07, 0.08), (0.021, 0.026), (0.14, 0.16)),     # a toy one, real proportions
    "basketball": ((0.235, 0.245), (0.235, 0.245), (0.235, 0.245)),
    "tennis_ball": ((0.064, 0.069), (0.064, 0.069), (0.064, 0.069)),
    "bat": ((0.8, 0.87), (0.055, 0.075), (0.055, 0.075)),
    "racket": ((0.66, 0.72), (0.25, 0.3), (0.02, 0.04)),
    "lamp": ((0.25, 0.36), (0.25, 0.36), (0.4, 0.52)),
    "book": ((0.13, 0.18), (0.2, 0.25), (0.018, 0.045)),
    "phone": ((0.065, 0.08), (0.14, 0.165), (0.006, 0.01)),
    "laptop": ((0.3, 0.36), (0.25, 0.35), (0.2, 0.27)),
    "umbrella": ((0.9, 1.15), (0.9, 1.15), (0.8, 1.0)),
    "pillow": ((0.48, 0.64), (0.32, 0.44), (0.1, 0.16)),
    "tree": ((1.5, 3.5), (1.5, 3.5), (3.5, 6.0)),
    "bush": ((0.7, 1.6), (0.7, 1.6), (0.55, 1.1)),
    "rock": ((0.25, 0.6), (0.2, 0.5), (0.1, 0.35)),
    "flower": ((0.05, 0.2), (0.04, 0.2), (0.3, 0.48)),
    "trash_can": ((0.45, 0.62), (0.45, 0.62), (0.84, 1.0)),
    "traffic_cone": ((0.35, 0.4), (0.35, 0.4), (0.67, 0.75)),
    "sign": ((0.4, 0.7), (0.1, 0.2), (2.1, 2.55)),
    "fence": ((1.8, 2.5), (0.08, 0.16), (0.9, 1.3)),
    "street_lamp": ((0.9, 1.6), (0.25, 0.35), (4.4, 5.6)),
    "wall": ((2.7, 3.3), (0.14, 0.23), (2.4, 2.8)),
    "door": ((0.9, 1.1), (0.1, 0.2), (2.05, 2.2)),
    "window": ((0.95, 1.35), (0.1, 0.2), (1.05, 1.45)),
    "stairs": ((0.85, 1.25), (1.3, 1.55), (0.8, 0.92)),
    "car": ((1.7, 1.9), (4.0, 4.7), (1.35, 1.55)),
    "bicycle": ((0.5, 0.65), (1.6, 1.9), (0.85, 1.1)),
}

#: Plausible masses (kg) from volume x density x fill, for things whose weight matters.
REAL_MASSES = {
    "glass": (0.1, 0.4), "cup": (0.1, 0.3), "mug": (0.2, 0.45), "bottle": (0.25, 0.7),
    "plate": (0.35, 0.9), "ball": (0.41, 0.45), "basketball": (0.57, 0.65),
    "tennis_ball": (0.05, 0.062), "chair": (3.0, 12.0), "table": (15.0, 60.0),
    "box": (0.2, 1.0), "book": (0.2, 1.2), "phone": (0.12, 0.25), "laptop": (1.0, 3.0),
    "car": (1000.0, 2000.0), "bicycle": (8.0, 20.0), "bat": (0.6, 1.1),
    "traffic_cone": (1.0, 4.0), "pillow": (0.2, 1.5),
}

SEEDS = (0, 1, 7)
BREAKABLE = ("glass", "cup", "mug", "bottle", "plate", "bowl", "vase")


@pytest.fixture(autouse=True)
def no_embeddings(monkeypatch):
    """Resolution must not depend on whether sentence-transformers happens to be installed."""
    monkeypatch.setattr(prop_words, "nearest_by_embedding", lambda *a, **k: None)


def edges_pair_up(faces) -> bool:
    """Closed and consistently oriented: every directed edge has exactly one reverse twin."""
    count = Counter((f[i], f[(i + 1) % len(f)]) for f in faces for i in range(len(f)))
    return all(n == 1 and count.get((b, a)) == 1 for (a, b), n in count.items())


def test_the_library_covers_exactly_the_vocabulary_categories():
    assert set(CATALOG) == set(PROP_CATEGORIES)
    assert len(PROP_CATEGORIES) == 46
    assert set(REAL_SIZES) == set(PROP_CATEGORIES)


@pytest.mark.parametrize("category", PROP_CATEGORIES)
def test_every_category_builds_closed_outward_parts_at_real_world_size(category):
    for seed in SEEDS:
        spec = spec_for(category, id=f"{category}_1", seed=seed)
        assert spec.category == category and not spec.placeholder and not spec.warnings
        verts = np.concatenate([p.vertices for p in spec.parts])
        lo, hi = verts.min(axis=0), verts.max(axis=0)
        assert lo[2] == pytest.approx(0.0, abs=1e-9), "the prop must stand on z = 0"
        assert np.allclose(hi - lo, spec.dimensions_m, atol=1e-4)
        assert np.allclose(spec.bounds_m, (lo, hi), atol=1e-4)
        # Origin at the footprint centre: within the footprint, near its middle.
        assert lo[0] < 0 < hi[0] and lo[1] < 0 < hi[1]
        for axis, (low, high) in enumerate(REAL_SIZES[category]):
            assert low <= spec.dimensions_m[axis] <= high, (
                f"{category} seed {seed}: {'xyz'[axis]} = {spec.dimensions_m[axis]:.3f} m, "
                f"expected {low}..{high}")
        for part in spec.parts:
            n = len(part.vertices)
            assert part.vertices.shape == (n, 3) and np.isfinite(part.vertices).all()
            assert all(len(f) >= 3 and len(set(f)) == len(f) for f in part.faces)
            assert all(0 <= i < n for f in part.faces for i in f), f"{part.name}: bad index"
            assert len(part.smooth) == len(part.faces)
            assert edges_pair_up(part.faces), f"{category}.{part.name} is not closed"
            assert volume(part.vertices, part.faces) > 0, f"{category}.{part.name} faces inwards"
            face_edges = {frozenset((f[i], f[(i + 1) % len(f)])) for f in part.faces
                          for i in range(len(f))}
            assert all(frozenset(e) in face_edges for e in part.sharp_edges)
            assert part.slot in spec.materials


def test_the_whole_library_stays_light():
    specs = [spec_for(c, id=c) for c in PROP_CATEGORIES]
    counts = {s.category: s.vertex_count for s in specs}
    assert max(counts.values()) < 2500, counts
    assert sum(counts.values()) < 20000


def test_well_known_things_have_their_real_sizes():
    chair = spec_for("chair", id="c", seed=3)
    assert 0.43 <= chair.seat_height_m <= 0.48 and chair.support_top_m == chair.seat_height_m
    table = spec_for("table", id="t", seed=3)
    assert table.support_top_m == pytest.approx(table.dimensions_m[2], abs=1e-3)
    assert 0.73 <= table.support_top_m <= 0.77
    for seat in ("bench", "sofa", "bed"):
        assert 0.4 <= spec_for(seat, id=seat).seat_height_m <= 0.6
    for surface in ("desk", "shelf", "box", "crate", "stairs", "barrel"):
        assert spec_for(surface, id=surface).support_top_m > 0
    assert spec_for("glass", id="g").support_top_m is None
    assert spec_for("glass", id="g").seat_height_m is None


@pytest.mark.parametrize("category", [c for c in BREAKABLE if c != "plate"])
def test_vessels_are_hollow_with_walls_a_few_millimetres_thick(category):
    spec = spec_for(category, id=category)
    body = max(spec.parts, key=lambda p: len(p.vertices))
    v = body.vertices
    w, d, h = spec.dimensions_m
    solid = math.pi * (min(w, d) / 2) ** 2 * h
    assert volume(v, body.faces) < 0.3 * solid, "a vessel, not a solid block"
    # The rim: the outer and inner circles at the top of the wall, a few millimetres apart.
    axis = v[:, :2].mean(axis=0) if category not in ("cup", "mug") else np.zeros(2)
    top = v[v[:, 2] > v[:, 2].max() - 0.0025]
    radii = np.linalg.norm(top[:, :2] - axis, axis=1)
    wall = radii.max() - radii.min()
    assert 0.0015 <= wall <= 0.0065, f"{category}: rim wall {wall * 1000:.1f} mm"


def test_a_plate_is_a_few_millimetres_thick():
    spec = spec_for("plate", id="p")
    w, _, h = spec.dimensions_m
    thickness = spec.physics.volume_m3 / (math.pi * (w / 2) ** 2)
    assert 0.003 <= thickness <= 0.006 and h > 3 * thickness, "a dished plate, not a disc"


def test_a_tumbler_has_a_thin_wall_and_a_thicker_base():
    spec = spec_for("glass", id="g")
    v = spec.parts[0].vertices
    r = np.linalg.norm(v[:, :2], axis=1)
    on_axis = np.sort(v[r < 1e-9][:, 2])
    assert on_axis[0] == pytest.approx(0.0) and 0.004 <= on_axis[1] <= 0.008   # inner floor
    assert spec.physics.breakable and spec.physics.material == "glass"
    assert spec.physics.collision == "mesh"


def test_an_offset_wall_never_folds_through_a_thick_base():
    outer = [(0, 0), (0.031, 0), (0.0315, 0.003), (0.036, 0.11)]
    profile = shell_profile(outer, 0.0025, bottom=0.006)
    inner = profile[len(outer):]
    assert min(z for _, z in inner) == pytest.approx(0.006)
    solid = lathe(profile, 24)
    assert edges_pair_up(solid.faces) and solid.volume() > 0


def test_lathed_corners_are_marked_sharp_and_smooth_curves_are_not():
    can = cylinder(0.1, 0.2, 16)
    assert len(can.sharp) == 32                     # the two rims of the caps
    pot = lathe([(0, 0), (0.1, 0.0), (0.12, 0.05), (0.13, 0.1), (0, 0.1)], 16)
    heights = {round(pot.verts[i][2], 3) for edge in pot.sharp for i in edge}
    assert heights == {0.0, 0.1}, "the gentle bend at 5 cm stays smooth"


def test_size_words_scale_the_prop():
    base = spec_for("chair", id="c", seed=5)
    small = spec_for("chair", id="c", seed=5, description="a small chair")
    big = spec_for("chair", id="c", seed=5, description="a big chair")
    assert np.allclose(np.array(small.dimensions_m) / base.dimensions_m, 0.75, atol=1e-3)
    assert np.allclose(np.array(big.dimensions_m) / base.dimensions_m, 1.3, atol=1e-3)
    assert small.seat_height_m == pytest.approx(base.seat_height_m * 0.75, abs=1e-3)
    tall = spec_for("vase", id="v", description="a tall vase")
    plain = spec_for("vase", id="v")
    assert tall.dimensions_m[2] == pytest.approx(plain.dimensions_m[2] * 1.3, rel=1e-3)
    assert tall.dimensions_m[0] == pytest.approx(plain.dimensions_m[0], rel=1e-3)
    long = spec_for("table", id="t", description="a long table")
    assert long.dimensions_m[0] == pytest.approx(spec_for("table", id="t").dimensions_m[0] * 1.4,
                                                 rel=1e-3)
    assert small.physics.mass_kg == pytest.approx(base.physics.mass_kg * 0.75 ** 3, rel=1e-3)


def test_a_stated_size_sets_the_largest_dimension():
    spec = spec_for("car", id="car", size_m=3.0, description="a big car")
    assert max(spec.dimensions_m) == pytest.approx(3.0, abs=1e-4)
    ball = spec_for("ball", id="b", description="a tall ball")
    assert len(set(round(d, 5) for d in ball.dimensions_m)) == 1, "balls stay round"
    assert spec_for("rock", id="r", label="boulder").dimensions_m[0] > 0.8


def test_a_colour_word_colours_the_main_part():
    red = spec_for("chair", id="c", colour="red")
    r, g, b = red.materials["body"][1]
    assert r > 3 * g and r > 3 * b and red.colour == "red"
    blue = spec_for("car", id="car", colour="blue").materials["body"][1]
    dark = spec_for("car", id="car", colour="blue", description="a dark blue car")
    dark = dark.materials["body"][1]
    assert blue[2] > max(blue[:2]) and sum(dark) < 0.6 * sum(blue)
    lamp = spec_for("lamp", id="l", colour="green")
    r, g, b = lamp.materials["shade"][1]
    assert g > max(r, b), "the lamp's colour is its shade's"
    assert spec_for("chair", id="c", description="a yellow chair").colour == "yellow"


def test_a_material_word_changes_the_look_and_the_physics():
    wooden = spec_for("chair", id="c", material="wood")
    metal = spec_for("chair", id="c", material="metal")
    assert wooden.materials["body"][0] == "wood" and metal.materials["body"][0] == "metal"
    assert metal.physics.density_kgm3 > 10 * wooden.physics.density_kgm3
    assert metal.physics.mass_kg > 10 * wooden.physics.mass_kg
    glass_ball = spec_for("ball", id="b", material="glass")
    assert glass_ball.physics.breakable and glass_ball.physics.material == "glass"
    plastic_cup = spec_for("cup", id="c", material="plastic")
    assert not plastic_cup.physics.breakable
    described = spec_for("table", id="t", description="an old oak table made of marble")
    assert described.materials["body"][0] == "stone"
    car = spec_for("car", id="car", material="metal", colour="silver")
    assert car.materials["body"][0] == "paint", "a car's metal is painted"
    odd = spec_for("chair", id="c", material="unobtainium")
    assert odd.materials["body"][0] == "wood" and "unobtainium" in odd.warnings[0]


def test_plan_prop_reads_the_screenplay_prop():
    prop = Prop("chair_1", "chair", "chair", material="wood", colour="red",
                description="a small red wooden chair")
    spec = plan_prop(prop, seed=2)
    assert (spec.id, spec.category, spec.label) == ("chair_1", "chair", "chair")
    assert spec.materials["body"][0] == "wood" and spec.colour == "red"
    plain = plan_prop(Prop("chair_1", "chair", "chair"), seed=2)
    assert spec.dimensions_m[2] == pytest.approx(plain.dimensions_m[2] * 0.75, rel=1e-3)
    sized = plan_prop(Prop("t", "table", "table", size_m=2.4), seed=0)
    assert max(sized.dimensions_m) == pytest.approx(2.4)


def test_the_same_seed_gives_the_same_prop_and_another_seed_a_different_one():
    def fingerprint(spec: PropSpec):
        return ([p.vertices.tobytes() for p in spec.parts], spec.materials, spec.dimensions_m,
                spec.physics)

    for category in ("chair", "tree", "glass", "car"):
        a = spec_for(category, id="x", seed=11)
        assert fingerprint(a) == fingerprint(spec_for(category, id="x", seed=11))
        others = [spec_for(category, id="x", seed=s) for s in (12, 13)]
        assert all(o.dimensions_m != a.dimensions_m for o in others)
    # Two chairs in one scene differ too: the id feeds the seed.
    one, two = spec_for("chair", id="chair_1"), spec_for("chair", id="chair_2")
    assert one.dimensions_m != two.dimensions_m
    colours_seen = {spec_for("sofa", id="s", seed=s).materials["body"][1] for s in range(6)}
    assert len(colours_seen) == 6


def test_a_story_colour_stays_that_colour_under_every_seed():
    target = colours.colour_rgb("red")
    for seed in range(10):
        rgb = spec_for("bucket", id="b", seed=seed, colour="red").materials["body"][1]
        assert np.allclose(rgb, target, rtol=0.2, atol=0.01)


@pytest.mark.parametrize("word, expected", [
    ("chair", ("chair", "exact")), ("traffic cone", ("traffic_cone", "exact")),
    ("Street-Lamp", ("street_lamp", "exact")), ("stool", ("chair", "lexicon")),
    ("couch", ("sofa", "lexicon")), ("boxes", ("box", "lexicon")),
    ("shelves", ("shelf", "lexicon")), ("wine bottle", ("bottle", "lexicon")),
    ("tennis ball", ("tennis_ball", "exact")), ("soccer ball", ("ball", "lexicon")),
    ("cupboard", ("shelf", "lexicon")),
    ("motorbike", ("bicycle", "lexicon")), ("handbag", ("bag", "lexicon")),
    ("玻璃杯", ("glass", "lexicon")), ("一把红色的椅子", ("chair", "lexicon")),
    ("guitar", (None, None)), ("glasses", (None, None)), ("helmet", (None, None)),
    ("", (None, None)),
])
def test_words_resolve_to_the_nearest_category(word, expected):
    assert resolve_category(word) == expected


def test_the_embedding_matcher_is_the_last_resort(monkeypatch):
    calls = []

    def fake(text, categories=PROP_CATEGORIES, threshold=0.6):
        calls.append(text)
        return ("bicycle", 0.8) if text == "unicycle" else None

    monkeypatch.setattr(prop_words, "nearest_by_embedding", fake)
    assert resolve_category("stool") == ("chair", "lexicon") and calls == []
    spec = spec_for("unicycle", id="u1")
    assert (spec.category, spec.resolved_by) == ("bicycle", "embedding")
    assert "unicycle" in spec.warnings[0] and "bicycle" in spec.warnings[0]


def test_the_real_embedding_matcher_stays_off_without_its_packages(monkeypatch):
    from addon.story import embed

    monkeypatch.undo()                               # the real nearest_by_embedding
    monkeypatch.setattr(embed, "available", lambda: False)
    assert prop_words.nearest_by_embedding("unicycle") is None


def test_unknown_things_become_labelled_placeholders_of_plausible_size():
    guitar = plan_prop(Prop("guitar_1", "guitar", "guitar", colour="red"), seed=0)
    assert guitar.placeholder and guitar.category == "placeholder" and guitar.label == "guitar"
    assert guitar.dimensions_m == (0.38, 0.1, 1.0)
    assert "guitar" in guitar.warnings[-1] and "placeholder" in guitar.warnings[-1]
    assert guitar.materials["body"][1] == colours.colour_rgb("red")
    assert edges_pair_up(guitar.parts[0].faces) and guitar.physics.mass_kg > 0
    thing = spec_for("wossname", id="w", size_m=1.2)
    assert thing.placeholder and max(thing.dimensions_m) == pytest.approx(1.2)
    small = spec_for("wossname", id="w", description="a small wossname")
    assert small.dimensions_m == pytest.approx((0.225, 0.225, 0.225))
    helmet = plan_prop(Prop("h", "helmet", "helmet"), seed=0)   # an accessory, not a glass
    assert helmet.placeholder and helmet.dimensions_m == (0.22, 0.28, 0.2)
    assert spec_for("glasses", id="g").placeholder


def test_a_category_word_the_llm_made_up_falls_back_to_the_name():
    spec = plan_prop(Prop("s1", "stool", "seating"), seed=0)
    assert spec.category == "chair" and spec.resolved_by == "lexicon"


@pytest.mark.parametrize("category", PROP_CATEGORIES)
def test_every_prop_records_its_physics(category):
    spec = spec_for(category, id=category)
    p = spec.physics
    assert p.material in materials.PRESETS and p.density_kgm3 > 0
    assert 0 < p.friction <= 1.0 and 0 <= p.restitution <= 1.0
    assert p.mass_kg > 0 and p.volume_m3 > 0 and 0 < p.fill <= 1
    assert p.mass_kg == pytest.approx(p.volume_m3 * p.density_kgm3 * p.fill, rel=1e-3)
    assert p.breakable == (surfaces.surface(p.material).break_speed_mps is not None)
    assert p.friction == surfaces.surface(p.material).grip
    if category in BREAKABLE + ("window",):
        assert p.breakable
    if category in ("chair", "ball", "car", "book", "box", "bucket"):
        assert not p.breakable
    assert p.collision in ("box", "sphere", "convex_hull", "mesh")
    if category in REAL_MASSES:
        low, high = REAL_MASSES[category]
        assert low <= p.mass_kg <= high, f"{category}: {p.mass_kg:.3f} kg"
    for preset, rgb in spec.materials.values():
        assert preset in materials.PRESETS and len(rgb) == 3
        assert all(0 <= c <= 1 for c in rgb)


def test_balls_bounce_and_glass_does_not():
    ball = spec_for("basketball", id="b").physics
    glass = spec_for("glass", id="g").physics
    assert ball.restitution > 0.7 > 0.4 > glass.restitution
    assert ball.collision == "sphere"


# -- colours and material presets ---------------------------------------------------------

def test_every_parser_colour_word_has_a_linear_colour():
    for word in set(lexicon_en.COLOURS.values()) - {""}:
        rgb = colours.colour_rgb(word)
        assert rgb is not None and all(0 < c < 0.9 for c in rgb), word


def test_colour_words_convert_from_srgb_to_linear():
    assert colours.colour_rgb("#808080") == pytest.approx((0.21586,) * 3, abs=1e-4)
    assert colours.colour_rgb("gray") == colours.colour_rgb("grey")
    r, g, b = colours.colour_rgb("red")
    assert r > 0.4 and g < 0.05 and b < 0.05
    assert sum(colours.colour_rgb("dark blue")) < sum(colours.colour_rgb("blue"))
    assert sum(colours.colour_rgb("light-blue")) > sum(colours.colour_rgb("blue"))
    for extra in ("khaki", "olive", "tan", "cream", "Navy Blue"):
        assert colours.colour_rgb(extra) is not None
    assert colours.colour_rgb("plaid") is None and colours.colour_rgb("") is None
    assert colours.colour_rgb("dark plaid") is None
    assert colours.srgb_hex(colours.colour_rgb("#8b5a2b")) == "8B5A2B"


def test_material_presets_hold_render_settings_and_have_surface_physics():
    p = materials.PRESETS
    assert p["glass"].transmission == 1 and p["glass"].ior == 1.5
    assert p["water"].transmission == 1 and p["water"].ior == pytest.approx(1.333)
    assert p["metal"].metallic == 1 and p["ceramic"].coat > 0
    assert not surfaces.missing_presets()          # every look has its physics
    assert p["fabric"].sheen > 0 and p["skin"].subsurface > 0 and p["light"].emission_strength > 0
    for name in ("glass", "metal", "wood", "ceramic", "porcelain", "rubber", "fabric", "plastic",
                 "leather", "stone", "concrete", "cardboard", "paper", "foliage", "bark", "paint",
                 "asphalt", "grass", "sand", "water"):
        assert name in p
    for preset in p.values():
        assert preset.density_kgm3 > 0 and 0 < preset.roughness <= 1 and len(preset.base_color) == 3


def test_every_story_material_word_has_a_preset():
    for word, value in lexicon_en.MATERIALS.items():
        assert materials.preset_for(word) is not None, word
        assert materials.preset_for(value) is not None, value
    assert materials.preset_for("wooden") == "wood" and materials.preset_for("china") == "porcelain"
    assert materials.preset_for("concrete") == "concrete"
    assert materials.preset_for("kryptonite") is None and materials.preset_for("") is None


def test_a_domino_has_a_real_dominos_proportions_and_size_words_scale_it():
    spec = spec_for("domino", id="domino", seed=2)
    w, d, h = spec.dimensions_m
    assert w / h == pytest.approx(24 / 48, rel=0.03) and d / h == pytest.approx(7.5 / 48, rel=0.05)
    assert spec.physics.collision == "box" and not spec.physics.breakable
    assert 0.05 < spec.physics.mass_kg < 0.4                 # a wooden toy domino
    small = spec_for("domino", id="domino", seed=2, description="small dominoes")
    giant = spec_for("domino", id="domino", seed=2, description="giant dominoes")
    assert small.dimensions_m[2] < h < giant.dimensions_m[2]
    assert resolve_category("dominoes")[0] == resolve_category("多米诺骨牌")[0] == "domino"
