"""The shipped body kit: it matches the live Anny model, and bodies measure as described."""
from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

from addon.cast.body import plan_body
from addon.cast.body_kit import PHENOTYPE_LABELS, Phenotype, load_kit
from addon.screenplay import Body
from conftest import ROOT


@pytest.fixture(scope="module")
def kit():
    return load_kit()


def test_kit_holds_a_whole_rigged_mesh(kit):
    assert len(kit.bone_names) == 104 and kit.bone_parents[0] == -1
    assert all(0 <= p < i for i, p in enumerate(kit.bone_parents) if i)
    assert kit.faces.shape[1] == 4 and kit.faces.max() < len(kit.weights)
    assert kit.face_uv.shape == kit.faces.shape and kit.face_uv.max() < len(kit.uv)
    assert np.allclose(kit.weights.sum(axis=1), 1.0, atol=1e-5)
    assert kit.weight_bones.max() < len(kit.bone_names)
    for part in ("head", "hand.L", "foot.R", "eye_front.L"):
        assert (kit.face_parts == kit.part_names.index(part)).any(), part


def test_rest_pose_bones_sit_inside_the_body(kit):
    rest = kit.rest(Phenotype())
    low, high = rest.vertices.min(axis=0), rest.vertices.max(axis=0)
    assert np.all(rest.heads >= low - 0.02) and np.all(rest.heads <= high + 0.02)
    head = kit.bone_names.index("head")
    assert rest.heads[head, 2] > rest.heads[kit.bone_names.index("root"), 2]
    # Each rest matrix is a rotation whose Y axis runs from head to tail.
    rotations = rest.matrices[:, :3, :3]
    assert np.allclose(rotations @ rotations.transpose(0, 2, 1), np.eye(3), atol=1e-9)
    direction = rest.tails - rest.heads
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    assert np.allclose(rotations[:, :, 1], direction, atol=1e-9)


@pytest.mark.parametrize("body", [
    Body("male", 72, 1.85, "heavy"), Body("female", 6, 1.16), Body("female", 35, 1.63,
                                                                     "muscular"),
    Body("male", 22, 1.88), Body("unknown", 30, 1.70), Body("female", 2, 0.85),
    Body("male", 30, 2.10, "slim"),
])
def test_bodies_measure_the_stated_height(kit, body):
    plan = plan_body(body, kit, seed=3)
    assert abs(plan.height_m - body.height_m) < 0.02
    assert abs(plan.rest.vertices[:, 2].min()) < 1e-9      # soles on the floor
    assert plan.rest.vertices[:, 2].max() == pytest.approx(plan.height_m)


def _waist_size(plan, kit) -> float:
    """Width times depth of the body at the height of the lowest spine bone."""
    z = plan.rest.heads[kit.bone_names.index("spine04"), 2]
    v = plan.rest.vertices
    band = v[np.abs(v[:, 2] - z) < 0.02]
    torso = band[np.abs(band[:, 0]) < 0.25 * plan.height_m]
    return float(np.ptp(torso[:, 0]) * np.ptp(torso[:, 1]))


def test_builds_and_ages_change_the_shape_not_just_the_size(kit):
    heavy = plan_body(Body("male", 35, 1.78, "heavy"), kit)
    slim = plan_body(Body("male", 35, 1.78, "slim"), kit)
    assert _waist_size(heavy, kit) > 1.3 * _waist_size(slim, kit)
    child = plan_body(Body("female", 6, 1.16), kit)
    woman = plan_body(Body("female", 30, 1.63), kit)
    # A child's head is a larger share of her height than a woman's.
    head = kit.bone_names.index("head")
    share = lambda p: (p.height_m - p.rest.heads[head, 2]) / p.height_m  # noqa: E731
    assert share(child) > share(woman) * 1.1
    muscular = plan_body(Body("female", 30, 1.63, "muscular"), kit)
    assert np.abs(muscular.rest.vertices - woman.rest.vertices).max() > 0.01


def test_the_seed_varies_a_body_reproducibly(kit):
    body = Body("male", 35, 1.76)
    a, b, c = (plan_body(body, kit, seed) for seed in (1, 1, 2))
    assert np.array_equal(a.rest.vertices, b.rest.vertices)
    assert np.abs(a.rest.vertices - c.rest.vertices).max() > 1e-3


def test_kit_agrees_with_the_live_anny_model(kit):
    """At least 20 random phenotypes: every vertex and joint within 1 mm of Anny itself."""
    pytest.importorskip("torch")
    pytest.importorskip("anny")
    import torch
    sys.path.insert(0, str(ROOT / "tools"))
    spec = importlib.util.spec_from_file_location("export_body_kit",
                                                  ROOT / "tools" / "export_body_kit.py")
    exporter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exporter)
    model = exporter.load_model()
    assert list(model.bone_labels) == kit.bone_names
    assert np.array_equal(model.faces.numpy(), kit.faces)
    rng = np.random.default_rng(2026)
    for _ in range(24):
        values = dict(zip(PHENOTYPE_LABELS, rng.uniform(0.0, 1.0, len(PHENOTYPE_LABELS))))
        values["age"] = rng.uniform(-1 / 3, 1.0)
        ours = kit.rest(Phenotype(**values))
        params = torch.tensor([[values[k] for k in model.phenotype_labels]], dtype=model.dtype)
        none = torch.zeros(1, 0, dtype=model.dtype)
        live = model.get_rest_model(
            model._get_phenotype_blendshape_coefficients(params, none, none))
        for key, array in (("rest_vertices", ours.vertices), ("rest_bone_heads", ours.heads),
                           ("rest_bone_tails", ours.tails)):
            error = np.linalg.norm(array - live[key][0].numpy(), axis=1).max()
            assert error < 1e-3, (key, values, error)
        assert np.abs(ours.matrices - live["rest_bone_poses"][0].numpy()).max() < 1e-6
