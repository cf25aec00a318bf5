"""Surface physics (addon/physics/surfaces.py), world settings and the bounce calibration
(addon/physics/restitution.py, addon/data/restitution_calibration.json), without Blender."""
from __future__ import annotations

import json

import numpy as np
import pytest

from addon.cast.sets import GROUND_THICKNESS_M, RECIPES
from addon.physics import restitution as rs
from addon.physics import surfaces, world
from addon.physics.surfaces import SURFACES, impact_speed, pair, shatters


def test_every_material_preset_and_set_floor_has_surface_physics():
    assert surfaces.missing_presets() == []
    floors = {r.ground[0] for r in RECIPES.values()}
    assert floors <= set(SURFACES), floors - set(SURFACES)
    for s in SURFACES.values():
        assert 0 <= s.cor <= 1 and 0 < s.grip <= 1, s.name
        assert 0 <= s.floor_bounce <= 1 and 0 < s.floor_hardness <= 1, s.name


def test_breakable_presets_have_a_break_speed_and_glass_breaks_first():
    speed = {n: s.break_speed_mps for n, s in SURFACES.items()}
    assert speed["light"] < speed["glass"] < speed["porcelain"] < speed["ceramic"] < speed["screen"]
    assert speed["rubber"] is None and speed["metal"] is None and speed["wood"] is None


def test_the_seed_glass_shatters_from_1_m_and_survives_0_15_m():
    assert impact_speed(1.0) == pytest.approx(4.43, abs=0.01)
    assert shatters("glass", impact_speed(1.0), "concrete")
    assert shatters("glass", impact_speed(1.0), "ceramic")          # kitchen tiles
    assert shatters("glass", impact_speed(1.0), "wood")             # floorboards too
    assert not shatters("glass", impact_speed(0.15), "concrete")
    assert not shatters("glass", impact_speed(1.0), "fabric")       # carpet saves it
    assert not shatters("rubber", 50.0)


def test_pairs_combine_bounce_friction_and_breaking():
    ball = pair("rubber", "concrete")
    assert ball.cor == pytest.approx(0.8) and ball.friction == pytest.approx(0.85)
    assert pair("rubber", "grass").cor < pair("rubber", "wood").cor < ball.cor
    assert pair("rubber", "sand").cor < 0.2
    assert pair("rubber", "concrete", cor=0.85).cor == pytest.approx(0.85)   # a basketball
    assert 0.25 <= pair("wood", "wood").friction <= 0.5                        # tables' range
    assert pair("glass", "fabric").break_speed_mps > pair("glass", "concrete").break_speed_mps
    with pytest.raises(KeyError, match="known:"):
        pair("jelly")
    with pytest.raises(ValueError):
        pair("rubber", cor=1.5)


def test_world_settings_agree_with_the_sets_and_the_calibration():
    assert world.FLOOR_THICKNESS_M == GROUND_THICKNESS_M
    assert world.SUBSTEPS_PER_FRAME == world.substeps_for(world.FPS) == 10
    assert world.substeps_for(48) == 5
    table = rs.load()
    assert table.fps == world.FPS
    assert table.substeps_per_frame == world.SUBSTEPS_PER_FRAME
    assert table.solver_iterations == world.SOLVER_ITERATIONS


def test_calibration_table_records_its_blender_and_covers_every_shape():
    data = json.loads(rs.DEFAULT_PATH.read_text())
    assert data["blender_version"].split(".")[0] in ("4", "5")
    table = rs.load()
    assert set(table.shapes) == set(rs.SHAPES)
    assert table.restitution[0] == 0 and table.restitution[-1] == 1
    for cal in table.shapes.values():
        assert cal.mean.shape == cal.std.shape == (len(cal.sizes_m), len(table.restitution))
        assert np.all(cal.std >= 0)


@pytest.mark.parametrize("shape", rs.SHAPES)
@pytest.mark.parametrize("size", [0.04, 0.1, 0.22, 0.5, 0.8])
def test_mapping_is_monotonic_and_inverts_itself(shape, size):
    targets = np.linspace(0, 1, 41)
    values = [rs.blender_restitution(t, shape, size) for t in targets]
    assert all(0 <= v <= 1 for v in values)
    assert np.all(np.diff(values) >= -1e-12), "more bounce must never need less restitution"
    for e in (0.3, 0.5, 0.7):
        cor = rs.effective_cor(e, shape, size)
        assert rs.blender_restitution(cor, shape, size) == pytest.approx(e, abs=1e-6)


def test_mapping_hits_the_measured_table_at_calibrated_points():
    table = rs.load()
    for name, cal in table.shapes.items():
        for i, size in enumerate(cal.sizes_m):
            for j in (4, 10, 16):              # restitution 0.2, 0.5, 0.8
                e = table.restitution[j]
                if cal.mean[i, j] == np.maximum.accumulate(cal.mean[i])[j]:
                    assert rs.effective_cor(e, name, size) == pytest.approx(
                        cal.mean[i, j], abs=1e-6), (name, size, e)


def test_bullet_is_not_physical_so_the_mapping_is_not_the_identity():
    # boxes get a penetration kick: the same Blender value gives more bounce than it says
    assert rs.effective_cor(0.5, "box", 0.2) > 0.55
    assert rs.blender_restitution(0.8, "box", 0.2) < 0.75
    # a large sphere finds the floor early and loses bounce
    assert rs.effective_cor(0.8, "sphere", 0.5) < rs.effective_cor(0.8, "sphere", 0.1)


def test_shape_names_from_blender_and_props_are_understood():
    assert rs.shape_class("SPHERE") == "sphere" and rs.shape_class("convex_hull") == "hull"
    assert rs.shape_class("MESH") == "hull" and rs.shape_class("box") == "box"
    with pytest.raises(KeyError):
        rs.shape_class("blob")


def _bouncing(h0: float, cor: float, dt: float, seconds: float) -> np.ndarray:
    """Analytic height of a ball let go at h0 whose every bounce keeps `cor` of its speed."""
    g = 9.81
    heights = [h0 * cor ** (2 * n) for n in range(10)]
    ends = np.cumsum([np.sqrt(2 * h0 / g)] + [2 * np.sqrt(2 * h / g) for h in heights[1:]])
    z = []
    for t in np.arange(0, seconds, dt):
        k = int(np.searchsorted(ends, t))
        if k == 0:
            z.append(h0 - 0.5 * g * t ** 2)
        elif k < len(heights):
            apex_t = ends[k - 1] + np.sqrt(2 * heights[k] / g)
            z.append(max(heights[k] - 0.5 * g * (t - apex_t) ** 2, 0.0))
        else:
            z.append(0.0)
    return np.array(z)


def test_apexes_of_a_ballistic_bounce_are_found_between_frames():
    z = _bouncing(1.0, 0.8, 1 / 24, 3.0)
    apexes = rs.apex_heights(z)
    assert apexes[:3] == pytest.approx([0.8 ** 2, 0.8 ** 4, 0.8 ** 6], rel=1e-3)
    assert rs.rebound_cors(1.0, apexes[:3]) == pytest.approx([0.8] * 3, rel=1e-3)
    assert rs.first_rebound_cor(1.0, z) == pytest.approx(0.8, rel=1e-3)
    assert rs.first_rebound_cor(1.0, np.linspace(1, 0, 30)) == 0.0       # no rebound
