"""The rigid-body world's settings: the one place the simulate stage reads its constants from.

Bullet (Blender's rigid bodies) advances in fixed substeps.  Everything below was measured with
the `bpy` module (5.0.1 and 4.5 LTS, background mode) and the bounce calibration in
`addon/data/restitution_calibration.json` holds only for these values: change them and rerun
`tools/calibrate_restitution.py`.

Why these numbers:
- 240 Hz (10 substeps at 24 fps).  Bullet's bounce is not scale-free in the step: a contact found
  a little before touching (Bullet's contact threshold grows with a body's size) takes the speed
  off the approach instead of reflecting it, so more substeps *lower* and scatter the bounce of
  spheres (measured, r = 0.1 m: effective e 0.74 +- 0.10 at 10 substeps, 0.65 +- 0.17 at 20,
  0.24 +- 0.27 at 50 for Blender restitution 0.7), while boxes only gain a small kick from
  penetration recovery (e + 0.10 +- 0.05, the same at 5-20 substeps).  240 Hz keeps a 4.4 m/s
  impact to 1.8 cm of travel per substep, so a 0.2 m floor cannot be tunnelled and thin shards
  stay on top.
- 20 solver iterations: solver iterations changed no bounce (10 and 50 gave identical apexes),
  but they are what keeps stacks and constraint chains (ragdolls) from sagging; the cost is small
  (250 frames of 100 boxes bake in about 0.85 s at 10 substeps).
- Split impulse off: it only acts on penetrations deeper than Bullet's 4 cm threshold and changed
  no measured bounce; Blender documents it as slightly less stable.
"""
from __future__ import annotations

#: The frame rate the calibration was made at; the scene runs at this rate.
FPS = 24
#: Simulation rate; substeps per frame follow from the scene's frame rate.
SUBSTEP_RATE_HZ = 240
#: Bullet substeps per frame at FPS (Blender's `substeps_per_frame`).
SUBSTEPS_PER_FRAME = SUBSTEP_RATE_HZ // FPS
#: Bullet's constraint solver iterations per substep (Blender's `solver_iterations`).
SOLVER_ITERATIONS = 20
USE_SPLIT_IMPULSE = False
#: Gravity along -Z; Blender's default, stated so analytic arcs and the simulation agree.
GRAVITY_MPS2 = 9.81

#: Thickness of the passive floor box, its top face at z = 0 (the set's ground slab is as thick):
#: thin fast shards tunnel through planes, not through 0.2 m of box.
FLOOR_THICKNESS_M = 0.2
#: The floor's Blender restitution.  Bullet multiplies the two bodies' values, so the floor
#: stays at 1 and each prop carries the whole product for the floor it lands on (restitution.py).
FLOOR_RESTITUTION = 1.0
#: Collision margin for MESH shapes: Blender's 0.04 m default makes a visible float.
MESH_MARGIN_M = 0.001

#: Sanity checks after a bake.  Nothing in a story moves faster than a hard kick or throw
#: (a kicked football leaves at up to ~35 m/s, a pitched baseball ~45 m/s).
MAX_SPEED_MPS = 45.0
#: A body counts as at rest below this speed.
REST_SPEED_MPS = 0.05
#: How far a body at rest may sink into the floor or another body before the bake fails.
MAX_PENETRATION_M = 0.02
#: Substeps per frame to retry with when a bake fails its sanity checks (more stable contacts;
#: the bounce calibration only holds for the first).
RETRY_SUBSTEPS = (SUBSTEPS_PER_FRAME, 2 * SUBSTEPS_PER_FRAME, 4 * SUBSTEPS_PER_FRAME)

#: Sleeping bodies are off: a body woken late (a kinematic hand arriving) can start a step late,
#: and nothing in a shot is long enough for sleeping to save time.
USE_DEACTIVATION = False


def substeps_for(fps: float) -> int:
    """Substeps per frame that keep the simulation at SUBSTEP_RATE_HZ for a scene's frame rate."""
    if fps <= 0:
        raise ValueError(f"frame rate must be positive, got {fps}")
    return max(1, round(SUBSTEP_RATE_HZ / fps))
