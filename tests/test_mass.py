"""Mass properties (addon/physics/mass.py) against trimesh's, which the add-on must not import.

The simulate stage sets each rigid body's mass and each shard's origin from these figures, so
they are checked on a box, a rotated and stretched sphere, the procedural glass (hollow,
non-convex, polygon faces) and a fracture shard (cut faces, ear-clipped caps).
"""
from __future__ import annotations

import numpy as np
import pytest
import trimesh

from addon.cast.props import spec_for
from addon.physics.fracture import fracture
from addon.physics.mass import mass_properties, triangulate_fan


def _glass():
    part = spec_for("glass", id="glass", seed=4).parts[0]
    return np.asarray(part.vertices), part.faces


def _trimesh_of(verts, faces, density):
    mesh = trimesh.Trimesh(verts, triangulate_fan(faces), process=False)
    mesh.density = density
    return mesh


def _meshes():
    box = trimesh.creation.box((0.3, 0.2, 0.5))
    box.apply_translation((1.0, -2.0, 0.25))
    ball = trimesh.creation.icosphere(subdivisions=3, radius=0.11)
    ball.apply_transform(np.diag([1.0, 1.6, 0.7, 1.0]))
    ball.apply_transform(trimesh.transformations.rotation_matrix(0.7, (1.0, 2.0, 0.5)))
    ball.apply_translation((0.4, 0.1, 2.0))
    verts, faces = _glass()
    shard = max(fracture(verts, faces, None, 12, seed=3), key=lambda s: s.volume)
    return {"box": (box.vertices, box.faces), "ellipsoid": (ball.vertices, ball.faces),
            "glass": (verts, faces), "shard": (shard.vertices, shard.triangles)}


@pytest.mark.parametrize("name", ["box", "ellipsoid", "glass", "shard"])
def test_mass_properties_match_trimesh(name):
    verts, faces = _meshes()[name]
    density = 2500.0
    ours = mass_properties(verts, faces, density)
    ref = _trimesh_of(np.asarray(verts), faces, density)
    assert ours.volume_m3 == pytest.approx(ref.volume, rel=1e-9)
    assert ours.mass_kg == pytest.approx(ref.mass, rel=1e-9)
    size = float(np.ptp(np.asarray(verts), axis=0).max())
    assert np.allclose(ours.centre_of_mass, ref.center_mass, rtol=0, atol=1e-9 * size)
    scale = np.abs(ref.moment_inertia).max()
    assert np.allclose(ours.inertia, ref.moment_inertia, rtol=0, atol=1e-8 * scale)


def test_box_has_the_textbook_inertia():
    w, d, h, mass = 0.3, 0.2, 0.5, 7.0
    box = trimesh.creation.box((w, d, h))
    props = mass_properties(box.vertices, box.faces, mass / (w * d * h))
    expected = mass / 12.0 * np.array([d * d + h * h, w * w + h * h, w * w + d * d])
    assert props.mass_kg == pytest.approx(mass)
    assert np.allclose(np.diag(props.inertia), expected, rtol=1e-12)
    assert np.allclose(props.inertia - np.diag(np.diag(props.inertia)), 0.0, atol=1e-12)
    assert np.allclose(props.principal_moments, np.sort(expected))


def test_far_from_origin_keeps_precision():
    """A prop placed kilometres away must weigh and spin the same as at the origin."""
    verts, faces = _glass()
    near = mass_properties(verts, faces, 2500.0)
    far = mass_properties(verts + (3000.0, -4000.0, 20.0), faces, 2500.0)
    assert far.mass_kg == pytest.approx(near.mass_kg, rel=1e-7)
    assert np.allclose(far.centre_of_mass - (3000.0, -4000.0, 20.0), near.centre_of_mass,
                       atol=1e-9)
    assert np.allclose(far.inertia, near.inertia, rtol=0, atol=1e-6 * np.abs(near.inertia).max())


def test_polygons_and_their_triangles_agree():
    verts, faces = _glass()
    assert any(len(f) > 3 for f in faces)
    a = mass_properties(verts, faces)
    b = mass_properties(verts, triangulate_fan(faces))
    assert a.volume_m3 == pytest.approx(b.volume_m3, rel=1e-12)
    assert np.allclose(a.inertia, b.inertia, rtol=1e-9, atol=0)


def test_inside_out_or_flat_mesh_is_refused():
    box = trimesh.creation.box((1.0, 1.0, 1.0))
    with pytest.raises(ValueError, match="pointing outwards"):
        mass_properties(box.vertices, box.faces[:, ::-1])
    flat = np.array([[0.0, 0, 0], [1, 0, 0], [0, 1, 0]])
    with pytest.raises(ValueError, match="no positive volume"):
        mass_properties(flat, [(0, 1, 2), (0, 2, 1)])
