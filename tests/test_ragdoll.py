"""The ragdoll plan (addon/physics/ragdoll.py): segments, capsules, masses and joint limits of
an Anny body, checked without Blender."""
from __future__ import annotations

import numpy as np
import pytest

from addon.cast.body import plan_body
from addon.cast.body_kit import load_kit
from addon.physics.ragdoll import (MASS_PERCENT, JointLimits, RigBones, Skin, body_mass_kg,
                                   euler_xyz, plan_ragdoll, shifted_limits)
from addon.screenplay import Body


def _rot(axis: int, angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    r = np.eye(3)
    r[i, i], r[i, j], r[j, i], r[j, j] = c, -s, s, c
    return r


def _rig(body: Body, seed: int = 0):
    kit = load_kit()
    plan = plan_body(body, kit, seed)
    bones = RigBones(tuple(kit.bone_names), tuple(kit.bone_parents), plan.rest.heads,
                     plan.rest.tails)
    return bones, Skin(plan.rest.vertices, kit.faces, kit.weights, kit.weight_bones), plan


@pytest.fixture(scope="module")
def man():
    bones, skin, body = _rig(Body("male", 35, 1.78, "average"))
    return bones, skin, body, plan_ragdoll(bones, skin, female=body.phenotype.gender)


def test_the_body_is_cut_into_sixteen_segments_joined_in_a_tree(man):
    *_, plan = man
    assert plan.names() == ["pelvis", "abdomen", "chest", "head",
                            *[f"{p}.{s}" for s in "LR" for p in
                              ("upperarm", "forearm", "hand", "thigh", "shin", "foot")]]
    assert [(j.parent, j.child) for j in plan.joints] == [
        (s.parent, s.name) for s in plan.segments if s.parent is not None]
    bones = [b for s in plan.segments for b in s.bones]
    assert len(bones) == len(set(bones)) == 104          # every Anny bone rides on one segment
    assert {j.name for j in plan.joints if j.kind == "hinge"} == {
        "forearm.L", "forearm.R", "shin.L", "shin.R"}                  # elbows and knees
    assert plan.segment("hand.L").anchor == "wrist.L"
    assert "finger3-2.L" in plan.segment("hand.L").bones and "toe1-1.R" in plan.segment(
        "foot.R").bones and "eye.L" in plan.segment("head").bones


def test_masses_sum_to_the_body_mass_and_follow_de_leva(man):
    bones, skin, _, plan = man
    masses = {s.name: s.mass_kg for s in plan.segments}
    assert sum(masses.values()) == pytest.approx(plan.total_mass_kg, rel=1e-9)
    # A 1.78 m average man's skin encloses the mass of a 1.78 m average man.
    assert 62.0 < plan.total_mass_kg < 85.0
    assert plan.total_mass_kg == pytest.approx(body_mass_kg(skin.vertices, skin.faces))
    assert masses["thigh.L"] / plan.total_mass_kg == pytest.approx(0.1416, abs=0.002)
    assert masses["head"] / plan.total_mass_kg == pytest.approx(0.0694, abs=0.002)
    assert masses["thigh.L"] == masses["thigh.R"] and masses["hand.L"] == masses["hand.R"]
    given = plan_ragdoll(bones, skin, total_mass_kg=90.0, female=1.0)
    assert sum(s.mass_kg for s in given.segments) == pytest.approx(90.0)
    assert given.segment("thigh.L").mass_kg / 90 == pytest.approx(0.1478, abs=0.002)


def test_de_leva_tables_each_sum_to_the_whole_body():
    counts = {"upperarm": 2, "forearm": 2, "hand": 2, "thigh": 2, "shin": 2, "foot": 2}
    for column in (0, 1):
        total = sum(v[column] * counts.get(k, 1) for k, v in MASS_PERCENT.items())
        assert total == pytest.approx(100.0, abs=0.02)


def test_a_child_weighs_less_than_a_heavy_man():
    child = plan_ragdoll(*_rig(Body("female", 8, 1.28))[:2])
    heavy = plan_ragdoll(*_rig(Body("male", 50, 1.85, "heavy"))[:2])
    assert 18.0 < child.total_mass_kg < 40.0
    assert heavy.total_mass_kg > 85.0


def test_capsules_hug_the_skin_of_their_segment(man):
    bones, skin, _, plan = man
    for segment in plan.segments:
        owned = np.isin(skin.bones, [bones.index(b) for b in segment.bones])
        mine = np.where(owned, skin.weights, 0.0).sum(axis=1) >= 0.5
        distance = segment.capsule.signed_distance(skin.vertices[mine])
        # The skin lies on the capsule's surface give or take a few centimetres, and the
        # capsule holds most of it: a collider around the body, not inside or beside it.
        assert abs(np.median(distance)) < 0.035, segment.name
        assert np.mean(distance < 0.01) > 0.6, segment.name
        assert segment.capsule.signed_distance(segment.capsule.center[None])[0] < -0.03
        lo, hi = skin.vertices[mine].min(axis=0), skin.vertices[mine].max(axis=0)
        assert np.all((segment.capsule.center > lo) & (segment.capsule.center < hi))
    # The rest matrix puts the capsule's axis on local Z, as Blender's CAPSULE shape has it.
    for segment in plan.segments:
        np.testing.assert_allclose(segment.matrix[:3, 2], segment.capsule.axis, atol=1e-9)
        np.testing.assert_allclose(segment.matrix[:3, :3].T @ segment.matrix[:3, :3],
                                   np.eye(3), atol=1e-9)
        assert np.linalg.det(segment.matrix[:3, :3]) == pytest.approx(1.0)


def test_left_and_right_are_mirror_images(man):
    *_, plan = man
    mirror = np.diag([-1.0, 1.0, 1.0])
    for name in ("upperarm", "forearm", "hand", "thigh", "shin", "foot"):
        left, right = plan.segment(f"{name}.L").capsule, plan.segment(f"{name}.R").capsule
        np.testing.assert_allclose(mirror @ left.center, right.center, atol=1e-3)
        assert left.radius_m == pytest.approx(right.radius_m, abs=1e-3)
    for joint in plan.joints:
        if joint.name.endswith(".L"):
            other = next(j for j in plan.joints if j.name == joint.name[:-1] + "R")
            np.testing.assert_allclose(joint.limits.as_array(), other.limits.as_array(),
                                       atol=1e-3)


def _joint_motion(plan, name: str, axis: int, angle: float):
    """The child's long-axis direction at rest, and after turning it by `angle` about the
    joint frame's `axis` (0 X flexion, 1 Y twist, 2 Z abduction)."""
    joint = next(j for j in plan.joints if j.name == name)
    frame = joint.matrix[:3, :3]
    child = frame[:, 1] * np.sign(frame[:, 1] @ (plan.segment(name).capsule.center
                                                 - joint.matrix[:3, 3]))
    turned = frame @ _rot(axis, angle) @ frame.T @ child
    return child, turned


@pytest.mark.parametrize("name, axis, sign, towards", [
    ("thigh.L", 0, +1, "forward"), ("thigh.R", 0, +1, "forward"),     # hip flexion
    ("shin.L", 0, +1, "backward"), ("shin.R", 0, +1, "backward"),     # knee flexion
    ("upperarm.L", 0, +1, "forward"),                                 # shoulder flexion
    ("upperarm.L", 2, +1, "left"), ("upperarm.R", 2, +1, "right"),    # shoulder abduction
    ("thigh.L", 2, +1, "left"), ("thigh.R", 2, +1, "right"),          # hip abduction
    ("chest", 0, +1, "forward"), ("head", 0, +1, "forward"),          # bending forward
])
def test_positive_angles_are_the_anatomical_directions(man, name, axis, sign, towards):
    *_, plan = man
    direction = {"forward": (0, -1, 0), "backward": (0, 1, 0), "left": (1, 0, 0),
                 "right": (-1, 0, 0)}[towards]
    child, turned = _joint_motion(plan, name, axis, sign * 0.3)
    assert (turned - child) @ np.array(direction) > 0.1


def _range_deg(plan, name: str, axis: int) -> tuple[float, float]:
    joint = next(j for j in plan.joints if j.name == name)
    return tuple(np.degrees(joint.limits.as_array()[axis]))


def test_limits_are_human_ranges(man):
    *_, plan = man
    for joint in plan.joints:
        limits = joint.limits.as_array()
        assert np.all(limits[:, 0] <= 0.0) and np.all(limits[:, 1] >= 0.0), joint.name
        assert np.all(np.abs(limits[1]) <= np.radians(85)), joint.name   # Bullet's Y: +-90
    lo, hi = _range_deg(plan, "shin.L", 0)
    bent = _joint_motion(plan, "shin.L", 0, np.radians(hi))[1]
    thigh = plan.segment("thigh.L").capsule.axis
    # The knee folds to about 140 degrees and barely straightens past the line of the thigh.
    assert 125 < np.degrees(np.arccos(bent @ thigh)) < 155
    straight = _joint_motion(plan, "shin.L", 0, np.radians(lo))[1]
    assert np.degrees(np.arccos(np.clip(straight @ thigh, -1, 1))) < 15
    # The elbow at rest is bent (Anny's A-pose); its range still ends near straight and
    # about 150 degrees folded.
    upper = plan.segment("upperarm.L").capsule.axis
    lo, hi = _range_deg(plan, "forearm.L", 0)
    for limit, (a, b) in ((lo, (0, 15)), (hi, (130, 160))):
        forearm = _joint_motion(plan, "forearm.L", 0, np.radians(limit))[1]
        assert a <= np.degrees(np.arccos(np.clip(forearm @ upper, -1, 1))) <= b
    # Hip: flexion about 120 degrees from hanging straight down; knees do not twist much.
    lo, hi = _range_deg(plan, "thigh.L", 0)
    assert 100 < hi < 130 and -40 < lo < -15
    assert max(abs(v) for v in _range_deg(plan, "shin.L", 1)) <= 15
    # Shoulder: from the A-pose the arm rises over 110 degrees sideways but adducts only
    # to the side of the body.
    lo, hi = _range_deg(plan, "upperarm.L", 2)
    assert hi > 110 and -60 < lo < -25
    # Neck and spine.
    assert 30 <= _range_deg(plan, "head", 0)[1] <= 60
    assert 20 <= _range_deg(plan, "chest", 0)[1] <= 50


def test_euler_angles_are_bullets_xyz():
    angles = np.array([0.3, -0.7, 1.1])
    rotation = _rot(0, angles[0]) @ _rot(1, angles[1]) @ _rot(2, angles[2])
    np.testing.assert_allclose(euler_xyz(rotation), angles, atol=1e-12)


def test_limits_move_with_the_pose_the_simulation_starts_in():
    limits = JointLimits((-0.2, 2.4), (-0.2, 0.2), (-0.1, 0.1))
    knee_bent = shifted_limits(limits, _rot(0, 0.5))
    assert knee_bent.x == pytest.approx((-0.7, 1.9))      # the same arc, seen from 0.5 rad
    assert knee_bent.y == pytest.approx(limits.y) and knee_bent.z == pytest.approx(limits.z)
    # A start pose outside the limits is kept just inside them rather than snapped.
    outside = shifted_limits(limits, _rot(2, 0.4))
    assert outside.z[0] < 0 < outside.z[1]
    assert all(abs(v) <= np.radians(89) for v in shifted_limits(limits, _rot(1, -1.5)).y)


def test_a_rig_without_anny_bones_is_refused(man):
    bones, skin, *_ = man
    renamed = RigBones(tuple(n.replace("upperleg", "thigh") for n in bones.names),
                       bones.parents, bones.heads, bones.tails)
    with pytest.raises(ValueError, match="upperleg01.L"):
        plan_ragdoll(renamed, skin)


def test_overlapping_unjoined_segments_do_not_collide(man):
    bones, skin, _, plan = man
    joined = {frozenset((j.parent, j.child)) for j in plan.joints}
    assert not any(frozenset(p) in joined for p in plan.ignored_pairs)
    # Fat capsules make the thighs touch each other and the abdomen: those pairs are listed.
    fat = plan_ragdoll(bones, skin, radius_quantile=0.99, contact_margin_m=0.03)
    assert ("thigh.L", "thigh.R") in fat.ignored_pairs
