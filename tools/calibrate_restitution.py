"""Measure how Blender's restitution turns into a real bounce, and write the calibration table.

    .venv/bin/python tools/calibrate_restitution.py [--out PATH]

Runs in the `bpy` module (Blender 5.0 or 4.5).  One scene at our world settings
(addon/physics/world.py) with the floor box of addon/blender/rigid_world.py: spheres, boxes
(dropped flat) and squat cylinders (diameter = size, height 0.3 x size) as convex hulls,
largest dimension 0.05, 0.1, 0.22 and 0.5 m,
each at Blender restitution 0, 0.05, ..., 1 (floor at 1), let go from 96 heights between 0.11
and 2.15 m (impacts evenly spread over 1.5-6.5 m/s), no damping.  The first rebound's COR is
sqrt(apex height / drop height), the apex refined from the frame samples (restitution.py).
Mean and spread over the heights go into addon/data/restitution_calibration.json with the
Blender version.  Bullet is deterministic: the same Blender gives the same table.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Largest dimensions: a tennis ball, a cup, a football, a crate.
SIZES_M = (0.05, 0.1, 0.22, 0.5)
RESTITUTION = tuple(round(0.05 * i, 2) for i in range(21))
#: Impact speeds spread evenly over 1.5-6.5 m/s (a knocked-over cup to a 2 m fall); 96 of them
#: because a single drop's COR scatters by ~0.06 with where the impact falls in a substep.
IMPACT_SPEEDS_MPS = tuple(np.linspace(1.5, 6.5, 96))
DROP_HEIGHTS_M = tuple(round(float(v * v / (2 * 9.81)), 4) for v in IMPACT_SPEEDS_MPS)
KINDS = ("sphere", "box", "hull")
#: The hull body: a squat 16-sided cylinder, like a bowl or a tin, as a convex hull (a tall one
#: rocks and tips on landing, which measures the tipping, not the bounce).
HULL_RADIUS, HULL_HEIGHT = 0.5, 0.3
SPACING_M = 2.0
#: Long enough for a 2 m drop and the highest first rebound at 24 fps.
FRAMES = 60


@dataclass(frozen=True)
class Drop:
    """A body let go at rest with its bottom `height_m` above the floor.  Either `restitution`
    (a raw Blender value) or `material` (surfaces + calibration via apply_surface) sets it."""
    kind: str                        # sphere, box or hull (an upright cylinder)
    size_m: float                    # largest dimension
    height_m: float
    restitution: float | None = None
    material: str | None = None
    cor: float | None = None         # the material's COR override (balls)


def body_mesh(bpy, bmesh, kind: str, size: float):
    """A mesh centred on its origin whose largest dimension is `size`."""
    mesh = bpy.data.meshes.new(f"{kind} {size}")
    bm = bmesh.new()
    if kind == "sphere":
        bmesh.ops.create_uvsphere(bm, u_segments=24, v_segments=12, radius=size / 2)
    elif kind == "box":
        bmesh.ops.create_cube(bm, size=size)
    elif kind == "hull":
        bmesh.ops.create_cone(bm, cap_ends=True, segments=16, radius1=HULL_RADIUS * size,
                              radius2=HULL_RADIUS * size, depth=HULL_HEIGHT * size)
    else:
        raise ValueError(f"unknown drop body {kind!r}; known: {', '.join(KINDS)}")
    bm.to_mesh(mesh)
    bm.free()
    return mesh


def simulate(drops: list[Drop], *, frames: int = FRAMES, floor: str = "concrete",
             damping: bool = False) -> dict:
    """Build a fresh scene with every drop on one floor, step it frame by frame, and return
    the bottoms' heights (frames x bodies) with the seconds the stepping took.

    Without `damping` the bodies keep Blender damping 0, so the apexes show the bounce alone.
    """
    import bpy  # noqa: I001  (bpy first: it makes bmesh importable)
    import bmesh

    from addon.blender import rigid_world
    from addon.physics import world

    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.fps, scene.render.fps_base = world.FPS, 1.0
    rigid_world.ensure_world(scene, 1, frames)
    col = bpy.data.collections.new("Drops")
    scene.collection.children.link(col)
    side = int(np.ceil(np.sqrt(len(drops))))
    rigid_world.add_floor(bpy.data, scene, col, floor, SPACING_M * (side + 2))
    objects, applied, meshes = [], [], {}
    for n, d in enumerate(drops):
        key = (d.kind, d.size_m)
        if key not in meshes:
            meshes[key] = body_mesh(bpy, bmesh, d.kind, d.size_m)
        obj = bpy.data.objects.new(f"drop {n}", meshes[key])
        col.objects.link(obj)
        row, column = divmod(n, side)
        obj.location = (SPACING_M * (column - side / 2), SPACING_M * (row - side / 2),
                        d.height_m + d.size_m * (HULL_HEIGHT if d.kind == "hull" else 1) / 2)
        shape = {"sphere": "SPHERE", "box": "BOX", "hull": "CONVEX_HULL"}[d.kind]
        rigid_world.add_rigid_body(obj, scene, shape=shape, mass_kg=1.0)
        rb = obj.rigid_body
        if d.material is not None:
            applied.append(rigid_world.apply_surface(obj, d.material, floor_preset=floor,
                                                     cor=d.cor))
        else:
            rb.restitution = d.restitution
            rb.friction = 0.5
            applied.append(None)
        if not damping:
            rb.linear_damping = rb.angular_damping = 0.0
        objects.append(obj)
    half = np.array([d.size_m * (HULL_HEIGHT if d.kind == "hull" else 1) / 2 for d in drops])
    z = np.empty((frames, len(objects)))
    start = time.perf_counter()
    for f in range(1, frames + 1):             # in order: Bullet only advances frame by frame
        scene.frame_set(f)
        z[f - 1] = [o.matrix_world.translation.z for o in objects]
    seconds = time.perf_counter() - start
    return {"bottom_z": z - half, "seconds": seconds, "applied": applied,
            "simulated_s": (frames - 1) / world.FPS, "blender": bpy.app.version_string,
            "substeps": scene.rigidbody_world.substeps_per_frame,
            "iterations": scene.rigidbody_world.solver_iterations}


def calibrate() -> dict:
    """Sweep every shape, size and restitution over the drop heights; the table as a dict."""
    from addon.physics import restitution as rs
    from addon.physics import world

    drops = [Drop(k, s, h, restitution=e) for k in KINDS for s in SIZES_M
             for e in RESTITUTION for h in DROP_HEIGHTS_M]
    run = simulate(drops)
    cors = np.array([rs.first_rebound_cor(d.height_m, run["bottom_z"][:, i])
                     for i, d in enumerate(drops)])
    cors = cors.reshape(len(KINDS), len(SIZES_M), len(RESTITUTION), len(DROP_HEIGHTS_M))
    shapes = {k: {"sizes_m": list(SIZES_M),
                  "mean": np.round(cors[i].mean(axis=-1), 4).tolist(),
                  "std": np.round(cors[i].std(axis=-1), 4).tolist(),
                  "min": np.round(cors[i].min(axis=-1), 4).tolist(),
                  "max": np.round(cors[i].max(axis=-1), 4).tolist()}
              for i, k in enumerate(KINDS)}
    return {"blender_version": run["blender"], "fps": world.FPS,
            "substeps_per_frame": run["substeps"], "solver_iterations": run["iterations"],
            "floor_restitution": world.FLOOR_RESTITUTION,
            "floor_thickness_m": world.FLOOR_THICKNESS_M,
            "restitution": list(RESTITUTION), "drop_heights_m": list(DROP_HEIGHTS_M),
            "method": "first rebound COR sqrt(apex/drop) of bodies let go at rest onto the "
                      "floor box, no damping; mean/std/min/max over drop heights; sizes are "
                      "largest dimensions (sphere diameter, box edge, cylinder diameter with "
                      "height 0.3 x diameter, convex hull); regenerate with tools/calibrate_restitution.py",
            "seconds": round(run["seconds"], 2), "bodies": len(drops),
            "shapes": shapes}


def to_json(table: dict) -> str:
    """The table as JSON with every list of numbers on one line, so rows read as rows."""
    text = json.dumps(table, indent=1)
    return re.sub(r"\[\s*([-0-9.,\s]+?)\s*\]",
                  lambda m: "[" + ", ".join(m.group(1).split()).replace(",,", ",") + "]",
                  text) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path,
                        default=ROOT / "addon" / "data" / "restitution_calibration.json")
    args = parser.parse_args()
    table = calibrate()
    args.out.write_text(to_json(table), encoding="utf-8")
    print(f"{table['bodies']} drops in {table['seconds']} s with Blender "
          f"{table['blender_version']} -> {args.out}")
    for kind, s in table["shapes"].items():
        for size, mean, std in zip(s["sizes_m"], s["mean"], s["std"]):
            pts = ", ".join(f"{e:.1f}:{m:.2f}+-{sd:.2f}" for e, m, sd in
                            zip(RESTITUTION, mean, std) if round(e * 10, 3) % 2 == 0)
            print(f"{kind:6s} {size:5.2f} m  {pts}")


if __name__ == "__main__":
    main()
