"""Voronoi pre-fracture (addon/physics/fracture.py): the properties the simulate stage relies
on when it swaps a breakable prop for its shards at the impact frame.

Shards must add up to the prop (volume, so mass is conserved), be closed (convex hulls and
mass need a solid), stay inside their Voronoi cells (so their colliders do not start
overlapping), keep the outside materials, give cut faces the inside material, and come out
the same for the same seed.  The glass is the hard case: thin-walled and hollow, so a cut
across the wall is a ring whose cap has a hole.
"""
from __future__ import annotations

import numpy as np
import pytest

from addon.cast.props import spec_for
from addon.cast.shapes import box, ring, volume
from addon.physics.fracture import (cell_planes, fracture, is_closed, scatter_sites,
                                    winding_number)


def _prop(category):
    spec = spec_for(category, id=category, seed=4)
    verts, faces, material, base = [], [], [], 0
    for index, part in enumerate(spec.parts):
        verts.append(np.asarray(part.vertices))
        faces.extend(tuple(i + base for i in f) for f in part.faces)
        material.extend([index] * len(part.faces))
        base += len(part.vertices)
    return np.concatenate(verts), faces, np.asarray(material)


@pytest.fixture(scope="module")
def glass():
    return _prop("glass")


@pytest.fixture(scope="module")
def glass_shards(glass):
    verts, faces, material = glass
    return fracture(verts, faces, material, 30, seed=11)


def _areas(shard, mask):
    t = shard.vertices[shard.triangles[mask]]
    return np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]) * 0.5


@pytest.mark.parametrize("category,count", [("glass", 30), ("glass", 6), ("cup", 24),
                                            ("mug", 20), ("plate", 16), ("rock", 12)])
def test_shard_volumes_add_up_to_the_prop(category, count):
    verts, faces, material = _prop(category)
    shards = fracture(verts, faces, material, count, seed=5)
    total = sum(s.volume for s in shards)
    assert total == pytest.approx(volume(verts, faces), rel=1e-7)
    assert len(shards) >= count
    assert all(s.volume > 0 for s in shards)


def test_every_shard_is_closed_and_its_figures_match_its_mesh(glass_shards):
    for shard in glass_shards:
        assert is_closed(shard.triangles)
        assert volume(shard.vertices, shard.triangles) == pytest.approx(shard.volume, rel=1e-9)
        assert len(shard.material) == len(shard.smooth) == len(shard.triangles)


def test_shards_lie_inside_their_convex_cells(glass):
    verts, faces, material = glass
    sites = scatter_sites(verts, faces, 30, 11)
    shards = fracture(verts, faces, material, 30, seed=11)
    assert np.array_equal(np.unique([s.cell for s in shards]), np.arange(30))
    size = float(np.ptp(verts, axis=0).max())
    for shard in shards:
        assert np.array_equal(shard.site, sites[shard.cell])
        normals, offsets = cell_planes(sites, shard.cell)
        excess = shard.vertices @ normals.T - offsets
        assert excess.max() <= 1e-6 * size
        assert shard.centre_of_mass @ normals.T - offsets == pytest.approx(
            np.minimum(shard.centre_of_mass @ normals.T - offsets, 0.0))


def test_cut_faces_are_inside_material_and_lie_on_bisector_planes(glass, glass_shards):
    verts = glass[0]
    assert {int(s.inside_material) for s in glass_shards} == {1}
    size = float(np.ptp(verts, axis=0).max())
    for shard in glass_shards:
        assert shard.inside.any()                       # every shard was cut somewhere
        assert not shard.smooth[shard.inside].any()     # fracture faces are flat-shaded
        normals, offsets = cell_planes(np.array([s.site for s in _by_cell(glass_shards)]),
                                       shard.cell)
        tri = shard.vertices[shard.triangles[shard.inside]]          # (K, 3, 3)
        gap = np.abs(np.einsum("kcj,pj->kcp", tri, normals) - offsets)  # (K, 3, planes)
        # each cut triangle has all three corners on one and the same bisector plane
        assert np.all((gap.max(axis=1) <= 1e-6 * size).any(axis=1))


def _by_cell(shards):
    seen = {}
    for s in shards:
        seen.setdefault(s.cell, s)
    return [seen[k] for k in sorted(seen)]


def test_outside_faces_keep_the_source_material():
    """A box with a different material on each side: every outside triangle of every shard
    lies on the box side whose material it carries."""
    cube = box((0.4, 0.3, 0.2))
    verts = cube.verts
    material = np.arange(len(cube.faces))
    shards = fracture(verts, cube.faces, material, 14, seed=2)
    side_normals = []
    for f in cube.faces:
        p = verts[list(f)]
        n = np.cross(p[1] - p[0], p[2] - p[0])
        side_normals.append(n / np.linalg.norm(n))
    side_normals = np.array(side_normals)
    for shard in shards:
        outside = ~shard.inside
        assert outside.any() and shard.inside.any()
        normal = _areas(shard, outside)
        normal /= np.linalg.norm(normal, axis=1, keepdims=True)
        expected = side_normals[shard.material[outside]]
        assert np.allclose(np.einsum("ij,ij->i", normal, expected), 1.0, atol=1e-9)
        assert set(shard.material[shard.inside]) == {6}


def test_same_seed_same_shards_other_seed_other_shards(glass):
    verts, faces, material = glass
    a = fracture(verts, faces, material, 20, seed=3)
    b = fracture(verts, faces, material, 20, seed=3)
    c = fracture(verts, faces, material, 20, seed=4)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert np.array_equal(x.vertices, y.vertices)
        assert np.array_equal(x.triangles, y.triangles)
        assert np.array_equal(x.material, y.material)
    assert not np.array_equal(np.array([s.site for s in _by_cell(a)]),
                              np.array([s.site for s in _by_cell(c)]))
    assert len(a) != len(c) or any(x.vertices.shape != y.vertices.shape
                                   or not np.allclose(x.vertices, y.vertices)
                                   for x, y in zip(a, c))


def test_a_cut_across_the_wall_is_capped_as_a_ring(glass):
    """Two sites one above the other cut the glass with a horizontal plane through its wall:
    the cap must be an annulus (the hole left open), not a disc."""
    verts, faces, material = glass
    z = 0.06
    shards = fracture(verts, faces, material, sites=[(0.0, 0.035, z - 0.01),
                                                     (0.0, 0.035, z + 0.01)])
    assert len(shards) == 2
    lower = next(s for s in shards if s.cell == 0)
    cap = _areas(lower, lower.inside)
    assert np.allclose(cap[:, :2], 0.0, atol=1e-15) and np.all(cap[:, 2] >= -1e-15)
    corners = lower.vertices[np.unique(lower.triangles[lower.inside])]
    assert np.allclose(corners[:, 2], z)
    radius = np.hypot(corners[:, 0], corners[:, 1])
    mid = 0.5 * (radius.min() + radius.max())

    def polygon_area(points):
        points = points[np.argsort(np.arctan2(points[:, 1], points[:, 0]))]
        x, y = points[:, 0], points[:, 1]
        return 0.5 * (x @ np.roll(y, -1) - np.roll(x, -1) @ y)

    annulus = polygon_area(corners[radius > mid]) - polygon_area(corners[radius < mid])
    assert annulus < 0.5 * polygon_area(corners[radius > mid])        # a thin wall
    assert cap[:, 2].sum() == pytest.approx(annulus, rel=1e-6)
    assert np.abs(cap[:, 2]).sum() == pytest.approx(cap[:, 2].sum(), rel=1e-9)  # no overlaps


def test_loose_pieces_of_one_cell_become_separate_shards():
    """The middle cell of three sites along a ring's diameter holds two arcs."""
    hoop = ring(0.04, 0.05, 0.02, segments=24)
    sites = [(-0.045, 0.0, 0.01), (0.0, 0.0, 0.01), (0.045, 0.0, 0.01)]
    shards = fracture(hoop.verts, hoop.faces, None, sites=sites)
    assert sorted(s.cell for s in shards) == [0, 1, 1, 2]
    middle = [s for s in shards if s.cell == 1]
    assert {np.sign(s.centre_of_mass[1]) for s in middle} == {-1.0, 1.0}
    assert sum(s.volume for s in shards) == pytest.approx(hoop.volume(), rel=1e-9)


def test_mug_handle_stays_on_its_body_where_they_overlap():
    """The mug's handle is modelled reaching into the body wall: where a cell holds both, they
    are one shard, so their convex hulls do not start inside each other."""
    verts, faces, material = _prop("mug")
    shards = fracture(verts, faces, material, 6, seed=1)
    by_cell = {}
    for s in shards:
        by_cell.setdefault(s.cell, []).append(s)
    for cell, group in by_cell.items():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                inside = winding_number(b.vertices, b.triangles, a.vertices)
                assert not np.any(inside > 0.5), f"cell {cell}: two shards interpenetrate"


def test_impact_crowds_sites_around_it(glass):
    verts, faces, _ = glass
    impact = np.array([0.037, 0.0, 0.1])                 # on the rim
    near = lambda s: int((np.linalg.norm(s - impact, axis=1) < 0.03).sum())
    plain = sum(near(scatter_sites(verts, faces, 40, k)) for k in range(4))
    hit = sum(near(scatter_sites(verts, faces, 40, k, impact=impact)) for k in range(4))
    assert hit >= 3 * max(plain, 4)


def test_sites_lie_in_the_material(glass):
    verts, faces, _ = glass
    from addon.physics.mass import triangulate_fan
    sites = scatter_sites(verts, faces, 50, 0)
    assert sites.shape == (50, 3)
    assert np.all(winding_number(verts, triangulate_fan(faces), sites) > 0.5)


def test_open_mesh_is_refused():
    cube = box((1.0, 1.0, 1.0))
    with pytest.raises(ValueError, match="not closed"):
        fracture(cube.verts, cube.faces[:-1], None, 4)


def test_crumbs_ride_with_the_largest_piece_of_their_cell():
    """A loose speck of the cup (a sliver of the handle) would be a milligram body that
    destabilises the solver: it joins its cell's largest piece, volume and all."""
    verts, faces, material = _prop("cup")
    source = volume(verts, faces)
    loose = fracture(verts, faces, material, 37, seed=2, crumb_share=0.0)
    tidy = fracture(verts, faces, material, 37, seed=2)
    assert min(s.volume for s in loose) < 0.002 * source          # there was a crumb
    assert len(tidy) < len(loose)
    assert min(s.volume for s in tidy) >= 0.002 * source
    assert sum(s.volume for s in tidy) == pytest.approx(source, rel=1e-7)
    assert all(is_closed(s.triangles) for s in tidy)
    sites = np.array([s.site for s in _by_cell(tidy)])
    for shard in tidy:
        normals, offsets = cell_planes(sites, shard.cell)
        assert (shard.vertices @ normals.T - offsets).max() <= 1e-6 * 0.2
