"""Fitting imported models to the story (addon/assets/normalise.py): size, ground, origin,
facing, watertightness and mass."""
from __future__ import annotations

import numpy as np
import pytest

from addon.assets.normalise import (BY_HEIGHT, AssetError, Target, asset_spec,
                                    check_watertight, face_budget, fit, physics_for, transform,
                                    turn_to_front, usual_prop)
from addon.cast.shapes import box, cylinder
from addon.physics.mass import mass_properties


def _mesh(shape):
    return np.array(shape.verts, dtype=float), [tuple(f) for f in shape.faces]


def test_chair_is_fitted_by_height_and_stands_on_its_base_centre():
    verts, _ = _mesh(box((40.0, 50.0, 120.0), (300.0, -20.0, 75.0)))   # centimetres, off
    fitted = fit(verts, Target("chair"))
    moved = transform(verts, fitted.matrix)
    assert "chair" in BY_HEIGHT and fitted.measured == "height"
    assert moved[:, 2].max() == pytest.approx(usual_prop("chair").dimensions_m[2])
    assert moved[:, 2].min() == pytest.approx(0.0, abs=1e-12)
    assert np.allclose((moved.min(axis=0) + moved.max(axis=0))[:2] / 2, 0.0, atol=1e-12)


def test_other_categories_fit_their_longest_side_and_a_stated_size_the_largest():
    verts, _ = _mesh(box((4.0, 1.0, 0.5), (0, 0, 0)))
    assert fit(verts, Target("car")).dimensions_m[0] == pytest.approx(
        max(usual_prop("car").dimensions_m))
    stated = fit(verts, Target("chair", size_m=2.0))
    assert stated.measured == "largest dimension" and max(stated.dimensions_m) == 2.0


@pytest.mark.parametrize("forward, degrees", [("-Y", 0.0), ("+X", -90.0), ("-x", 90.0),
                                              ("+Y", -180.0)])
def test_a_declared_front_is_turned_to_minus_y(forward, degrees):
    assert turn_to_front(forward) == pytest.approx(degrees)
    nose = np.array([[0.0, 0, 0], [{"x": 1.0, "y": 0.0}[forward[-1].lower()],
                                   {"x": 0.0, "y": 1.0}[forward[-1].lower()], 0.0]])
    nose[1] *= -1 if forward.startswith("-") else 1
    nose = np.vstack([nose, [0, 0, 1.0]])
    moved = transform(nose, fit(nose, Target("box", forward=forward)).matrix)
    front = moved[1] - moved[0]
    assert front[1] < 0 and abs(front[0]) < 1e-9


def test_bad_input_raises_a_clear_error():
    with pytest.raises(AssetError, match="forward axis"):
        turn_to_front("+Z")
    with pytest.raises(AssetError, match="flat"):
        fit(np.zeros((4, 3)), Target("chair"))
    with pytest.raises(AssetError, match="no vertices"):
        fit(np.zeros((0, 3)), Target("chair"))


def test_proportions_far_off_the_usual_warn_about_axes():
    verts, _ = _mesh(box((0.5, 0.9, 0.05), (0, 0, 0)))          # a chair lying on its back
    assert "forward axis" in fit(verts, Target("chair")).warnings[0]
    assert fit(verts, Target("guitar")).warnings == ()            # nothing usual to compare


def test_watertight_check_welds_seams_and_finds_holes_and_flips():
    verts, faces = _mesh(cylinder(0.1, 0.3, 12))
    assert check_watertight(verts, faces).closed
    split = np.array([verts[i] for f in faces for i in f])       # every face on its own corners
    corners, n = [], 0
    for f in faces:
        corners.append(tuple(range(n, n + len(f))))
        n += len(f)
    assert check_watertight(split, corners).closed
    holed = check_watertight(verts, faces[1:])
    assert not holed.closed and holed.open_edges > 0
    flipped = check_watertight(verts, [faces[0][::-1], *faces[1:]])
    assert flipped.flipped_edges > 0 and flipped.open_edges == 0


def test_it_weighs_what_the_library_prop_of_its_size_weighs():
    verts, faces = _mesh(box((0.4, 0.3, 0.3), (0, 0, 0.15)))
    usual = usual_prop("crate")
    physics, check, warnings = physics_for(verts, faces, usual)
    assert check.closed and warnings == ()
    assert physics.volume_m3 == pytest.approx(0.036)
    assert physics.mass_kg == pytest.approx(
        usual.physics.mass_kg * 0.036 / np.prod(usual.dimensions_m), rel=1e-5)
    assert physics.mass_kg == pytest.approx(
        physics.volume_m3 * physics.density_kgm3 * physics.fill, rel=1e-4)
    inside_out = [f[::-1] for f in faces]
    assert physics_for(verts, inside_out, usual)[0].volume_m3 == pytest.approx(0.036)


def test_an_open_mesh_takes_the_volume_of_its_hull_or_bounding_box():
    verts, faces = _mesh(box((0.4, 0.3, 0.3), (0, 0, 0.15)))
    usual = usual_prop("crate")
    physics, check, warnings = physics_for(verts, faces[1:], usual, hull=(verts, faces))
    assert not check.closed and "convex hull" in warnings[0]
    assert physics.volume_m3 == pytest.approx(mass_properties(verts, faces).volume_m3)
    assert "bounding box" in physics_for(verts, faces[1:], usual)[2][0]


def test_asset_spec_scales_support_heights_and_budgets_follow_the_family():
    verts, faces = _mesh(box((1.2, 0.8, 1.0), (0, 0, 0.5)))
    fitted = fit(verts, Target("table", size_m=1.5))
    physics = physics_for(transform(verts, fitted.matrix), faces, fitted.usual)[0]
    spec = asset_spec("table", "table", fitted, physics)
    usual = usual_prop("table")
    assert spec.category == "table" and spec.parts == ()
    assert spec.support_top_m == pytest.approx(
        usual.support_top_m * fitted.dimensions_m[2] / usual.dimensions_m[2], abs=1e-4)
    assert asset_spec("g", "guitar", fit(verts, Target("guitar")), physics).category == "asset"
    assert face_budget("glass") < face_budget("chair") < face_budget("car")
    assert face_budget("guitar") == 20000


# --- rigged characters and armature motions (addon/assets/rigs.py, armature_motion.py) ---

def _mixamo_bones(prefix: str) -> list[str]:
    from addon.motion.retarget import MAPPINGS
    mixamo = next(m for m in MAPPINGS if m.name == "mixamo")
    names = dict.fromkeys(b for pair in mixamo.bones.values() for b in pair if b)
    return [n.replace("mixamorig:", prefix) for n in names] + [f"{prefix}LeftHandThumb1"]


@pytest.mark.parametrize("prefix", ["mixamorig:", "mixamorig1:", "mixamorig_", "", "Armature|"])
def test_mixamo_bones_under_any_prefix_are_renamed_for_the_retargeter(prefix):
    from addon.assets.rigs import humanoid_renames
    from addon.motion.retarget import find_mapping
    names = _mixamo_bones(prefix)
    mapping, renames = humanoid_renames(names)
    assert mapping.name == "mixamo" and (renames == {}) == (prefix == "mixamorig:")
    assert find_mapping([renames.get(n, n) for n in names]).name == "mixamo"
    assert humanoid_renames(["Bone", "Bone.001"]) is None


def test_an_armature_sampled_in_world_space_gives_back_its_clip():
    from addon.assets.armature_motion import armature_clip
    from addon.motion import quat
    from addon.motion.library import load_library
    from addon.motion.skeleton import JOINTS, PARENTS, forward_kinematics, rest_positions
    walk = load_library().by_label("walk")[0]
    positions, world = forward_kinematics(walk.root, walk.rotations, walk.offsets)
    turn = quat.from_axis_angle([1.0, 0.0, 0.0], np.pi / 2)       # a Y-up file, in cm
    rest = np.tile(np.eye(4), (len(JOINTS), 1, 1))
    rest[:, :3, :3] = quat.to_matrix(turn) * 100
    rest[:, :3, 3] = quat.rotate(turn, rest_positions(walk.offsets)) * 100
    posed = np.tile(np.eye(4), (*positions.shape[:2], 1, 1))
    posed[..., :3, :3] = quat.to_matrix(quat.multiply(turn, world)) * 100
    posed[..., :3, 3] = quat.rotate(turn, positions) * 100
    names = [f"mixamorig:{n}" if n == "pelvis" else n for n in JOINTS]
    clip = armature_clip(names, PARENTS, rest, posed, walk.fps, name="walk", labels=("walk",))
    assert clip.fps == walk.fps and clip.labels[0] == "walk"
    error = clip.positions() - positions
    error[..., 2] -= error[0, 0, 2]          # the floor is found again, a few mm off the library's
    assert np.abs(error).max() < 1e-6
