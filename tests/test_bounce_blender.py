"""Bounces and stacks in Blender's rigid-body world (addon/blender/rigid_world.py).

One fresh Blender process builds the world, the floor and a few bodies with the data API,
steps the frames in order (Bullet advances only that way) and hands back the heights.
Tolerances come from the calibration's own measured spread: where an impact falls within a
substep moves a single bounce's COR by `restitution.spread` (one standard deviation,
0.06-0.08 for a 0.1 m sphere; single bounces stray up to four of those), so a bounce ratio
h[n+1]/h[n] = COR^2 scatters by sigma = 2*COR*spread, and the mean of n ratios by
sigma/sqrt(n): the tests allow three of that.
"""
from __future__ import annotations

import blender_proc
import numpy as np
import pytest

from addon.physics import restitution as rs
from addon.physics import world
from addon.physics.surfaces import pair

#: Rubber balls let go from these heights (m): the 1 m one is watched bounce by bounce, all
#: of them together pin the mean bounce down.
BALL_DROPS_M = [round(0.5 + 0.0625 * k, 4) for k in range(17)]

DROPS = '''
import bpy, bmesh
import numpy as np
from addon.blender import rigid_world
from addon.physics import world

bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
scene.render.fps = 24
rbw = rigid_world.ensure_world(scene, 1, 200)
rigid_world.ensure_world(scene, 300, 400)                  # moves the range both ways
moved = [rbw.point_cache.frame_start, rbw.point_cache.frame_end]
rigid_world.ensure_world(scene, 1, 200)                    # and is idempotent
col = bpy.data.collections.new("Test")
scene.collection.children.link(col)
floor = rigid_world.add_floor(bpy.data, scene, col, "concrete", (20.0, 20.0))

def body(name, make, loc, shape, material):
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new(); make(bm); bm.to_mesh(mesh); bm.free()
    obj = bpy.data.objects.new(name, mesh)
    col.objects.link(obj)
    obj.location = loc
    rigid_world.add_rigid_body(obj, scene, shape=shape, mass_kg=0.5)
    info = rigid_world.apply_surface(obj, material, floor_preset="concrete")
    return obj, info

balls = [body(f"ball{k}", lambda bm: bmesh.ops.create_uvsphere(
    bm, u_segments=24, v_segments=12, radius=0.05), (-4 + 0.5 * k, -3, h + 0.05), "SPHERE",
    "rubber") for k, h in enumerate(BALL_DROPS_M)]
ball, ball_info = balls[BALL_DROPS_M.index(1.0)]
cup, cup_info = body("cup", lambda bm: bmesh.ops.create_cone(
    bm, cap_ends=True, segments=16, radius1=0.04, radius2=0.04, depth=0.1),
    (3, 0, 0.2), "CONVEX_HULL", "glass")
boxes = []
for i in range(5):
    b, _ = body(f"box{i}", lambda bm: bmesh.ops.create_cube(bm, size=0.3),
                (0, 3, 0.15 + 0.3 * i + 0.001), "BOX", "cardboard")
    boxes.append(b)
table_mesh = bpy.data.meshes.new("table")
bm = bmesh.new(); bmesh.ops.create_cube(bm, size=0.5); bm.to_mesh(table_mesh); bm.free()
table = bpy.data.objects.new("table", table_mesh)
col.objects.link(table)
table.location = (6, 6, 0.25)
rigid_world.add_rigid_body(table, scene, body_type="PASSIVE", shape="BOX")
table_info = rigid_world.apply_surface(table, "wood", floor_preset="concrete")
objs = [ball, cup] + boxes + [b for b, _ in balls]
z, xy = [], []
for f in range(1, 125):                                     # 5 s at 24 fps, in order
    scene.frame_set(f)
    z.append([o.matrix_world.translation.z for o in objs])
    xy.append([list(o.matrix_world.translation.xy) for o in objs])
bm = bmesh.new(); bm.from_mesh(floor.data)
top = max((floor.matrix_world @ v.co).z for v in bm.verts); bm.free()
emit({"z": z, "xy": xy, "ball": ball_info, "cup": cup_info,
      "floor_top": top, "floor_tags": [floor.get("story_stage"), floor.get("story_id")],
      "floor_rb": [floor.rigid_body.type, floor.rigid_body.collision_shape,
                   floor.rigid_body.restitution, floor.rigid_body.friction],
      "floor_hidden": floor.hide_render,
      "world": [rbw.substeps_per_frame, rbw.solver_iterations,
                rbw.point_cache.frame_start, rbw.point_cache.frame_end,
                len(rbw.collection.objects)],
      "table": table_info, "moved": moved, "same_world": scene.rigidbody_world == rbw,
      "active": bpy.context.view_layer.objects.active is not None,
      "version": bpy.app.version_string})
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = blender_proc.run(DROPS, tmp_path_factory.mktemp("bounce"), repo_on_path=True,
                           BALL_DROPS_M=BALL_DROPS_M)
    out["z"] = np.array(out["z"])
    out["xy"] = np.array(out["xy"])
    return out


def test_world_floor_and_bodies_are_made_through_the_data_api(run):
    assert run["world"] == [world.SUBSTEPS_PER_FRAME, world.SOLVER_ITERATIONS, 1, 200,
                            8 + len(BALL_DROPS_M)]
    assert run["moved"] == [300, 400] and run["same_world"]
    assert run["floor_top"] == pytest.approx(0.0, abs=1e-6)
    assert run["floor_tags"] == ["simulate", "floor"] and run["floor_hidden"]
    assert run["floor_rb"][:3] == ["PASSIVE", "BOX", world.FLOOR_RESTITUTION]
    assert run["active"] is False, "no operator needed an active object"
    # a passive body is hit like the floor: restitution 1, its own grip
    assert run["table"]["restitution"] == world.FLOOR_RESTITUTION
    assert run["table"]["friction"] == pytest.approx(0.65)
    assert run["ball"]["friction"] * run["floor_rb"][3] == pytest.approx(
        pair("rubber", "concrete").friction)


def test_rubber_ball_bounce_heights_fall_geometrically_by_cor_squared(run):
    cor = pair("rubber", "concrete").cor
    assert run["ball"]["target_cor"] == pytest.approx(cor)
    bottom = run["z"][:, 0] - 0.05
    apexes = rs.apex_heights(bottom)[:4]
    assert len(apexes) == 4, f"expected 4 bounces in 5 s, got apexes {apexes}"
    heights = np.concatenate([[1.0], apexes])
    ratios = heights[1:] / heights[:-1]
    assert np.all(ratios < 1), f"a bounce gained height: {heights}"
    sigma = 2 * cor * rs.spread(run["ball"]["restitution"], "sphere", 0.1)
    assert 0.02 < sigma < 0.15, "the calibration's spread for small spheres changed"
    # every bounce keeps a real share of the last one, none keeps it all
    assert np.all((ratios > 0.25) & (ratios < 1)), heights
    # four bounces: their mean ratio scatters by sigma / 2; allow three of that
    assert ratios.mean() == pytest.approx(cor ** 2, abs=3 * sigma / 2), heights
    # geometric: the log-heights lie on a line whose slope is log(COR^2)
    slope = np.polyfit(np.arange(5), np.log(heights), 1)[0]
    assert np.exp(slope) == pytest.approx(cor ** 2, abs=3 * sigma / 2), heights


def test_many_rubber_balls_bounce_by_cor_squared_on_average(run):
    """51 bounces pin the mean ratio to sigma / sqrt(51): tight enough that an uncalibrated
    restitution (0.8 straight into Blender rebounds about 0.85, ratio 0.73) fails."""
    cor = pair("rubber", "concrete").cor
    ratios = []
    for k, h in enumerate(BALL_DROPS_M):
        apexes = rs.apex_heights(run["z"][:, 7 + k] - 0.05)[:3]
        assert len(apexes) == 3, f"ball from {h} m: apexes {apexes}"
        heights = np.concatenate([[h], apexes])
        ratios += list(heights[1:] / heights[:-1])
    sigma = 2 * cor * rs.spread(run["ball"]["restitution"], "sphere", 0.1)
    assert np.mean(ratios) == pytest.approx(cor ** 2, abs=3 * sigma / np.sqrt(len(ratios)))


def test_a_glass_cup_barely_bounces(run):
    bottom = run["z"][:, 1] - 0.05
    drop = 0.2 - 0.05
    assert rs.first_rebound_cor(drop, bottom) < 0.55
    assert bottom.max() < drop + 1e-6
    later = rs.apex_heights(bottom)
    assert np.all(later < 0.3 * drop), f"rebounds {later} of a {drop} m drop"
    assert bottom[-1] == pytest.approx(0.0, abs=0.01), "it comes to rest on the floor"


def test_a_stack_of_five_boxes_stays_standing_for_five_seconds(run):
    z, xy = run["z"][:, 2:7], run["xy"][:, 2:7]
    rest = 0.15 + 0.3 * np.arange(5)
    assert z[-1] == pytest.approx(rest, abs=0.01), z[-1]
    drift = np.linalg.norm(xy[-1] - xy[0], axis=1)
    assert np.all(drift < 0.01), f"boxes slid {drift} m"
    assert np.abs(np.diff(z[-24:], axis=0)).max() < 1e-3, "the stack still moves after 4 s"
