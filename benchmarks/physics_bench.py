"""The simulate stage: bake time, the seed glass test, speed transfer, ragdolls, determinism.

    .venv/bin/python benchmarks/physics_bench.py [--json]

- every sample story: cast and animate (untimed), then the simulate stage timed, as seconds
  of baking per second of story; props broken, knockdowns (pelvis travel, rest depth);
- a stress scene: 100 boxes dropped in a heap, baked for 5 s;
- the seed glass: a glass let go 1 m and 0.15 m above a hard floor: pieces, impact speed,
  seconds until every piece rests (< 0.05 m/s);
- kick and throw transfer: the ball's top speed against the kicking foot's at contact, and
  the thrown ball's launch speed against the hand's at release;
- determinism: the 1 m glass baked three times, compared bit for bit.

Runs on one core, as `story-motion build` does for a bit-identical bake (cli._one_core).
"""
import hashlib
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FPS = 24


def _scene(bpy, frames: int):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.fps, scene.frame_start, scene.frame_end = FPS, 1, frames
    for name, body in (("StagePlan.json", '{"actors": {}, "props": []}'),
                       ("MotionEvents.json", "[]")):
        bpy.data.texts.new(name).write(body)
    return scene


def _path(scene, objects) -> list:
    out = []
    for f in range(scene.frame_start, scene.frame_end + 1):
        scene.frame_set(f)
        out.append([list(o.matrix_world.translation) if not o.hide_render else [0, 0, 0]
                    for o in objects])
    return out


def glass_drop(bpy, height: float) -> dict:
    import numpy as np
    from addon.blender import simulate_stage
    from addon.blender.props_build import build_prop
    from addon.cast.props import spec_for
    from addon.screenplay import Prop, Screenplay
    scene = _scene(bpy, 96)
    glass = build_prop(bpy.data, spec_for("glass", id="glass", seed=3), scene.collection)
    glass.location = (0.0, 0.0, height)
    report = simulate_stage.run_simulate(bpy.data, scene, Screenplay(
        props=[Prop("glass", "glass", "glass")]), seed=3)
    pieces = [o for o in bpy.data.objects if o.get("story_id") == "glass" and o.type == "MESH"
              and o.get("story_stage") == "simulate"] or [glass]
    path = np.array(_path(scene, pieces))
    speed = np.linalg.norm(np.diff(path, axis=0), axis=2).max(axis=1) * FPS
    moving = np.flatnonzero(speed > 0.05)
    prop = report.props["glass"]
    return {"height_m": height, "pieces": prop["pieces"],
            "impact_speed_mps": prop["impact_speed_mps"],
            "rest_after_s": round((moving[-1] + 2) / FPS, 2) if len(moving) else 0.0,
            "digest": hashlib.sha256(path.tobytes()).hexdigest()[:16]}


def stress(bpy) -> dict:
    from addon.blender import rigid_world
    from addon.physics import world
    scene = _scene(bpy, 5 * FPS)
    rigid_world.ensure_world(scene, 1, scene.frame_end)
    rigid_world.add_floor(bpy.data, scene, scene.collection, "concrete", 20.0)
    for i in range(100):
        bpy.ops.mesh.primitive_cube_add(size=0.3, location=(i % 5 * 0.32 - 0.64,
                                                            i // 5 % 5 * 0.32 - 0.64,
                                                            0.2 + i // 25 * 0.35))
        rigid_world.add_rigid_body(bpy.context.active_object, scene, shape="BOX", mass_kg=2.0)
    start = time.perf_counter()
    for f in range(1, scene.frame_end + 1):
        scene.frame_set(f)
    seconds = time.perf_counter() - start
    return {"bodies": 100, "substeps": world.substeps_for(FPS), "story_s": 5.0,
            "bake_s_per_story_s": round(seconds / 5.0, 3)}


def stories(bpy) -> list[dict]:
    import numpy as np
    from addon.blender.animate_stage import run_animate
    from addon.blender.cast_stage import run_cast
    from addon.blender.simulate_stage import run_simulate
    from addon.screenplay import from_json
    rows = []
    for path in sorted((ROOT / "sample_scenes").glob("*.screenplay.json")):
        sp = from_json(path.read_text(encoding="utf-8"))
        bpy.ops.wm.read_homefile(use_empty=True)
        scene = bpy.context.scene
        scene.render.fps, scene.render.fps_base = FPS, 1.0
        run_cast(bpy.data, scene, bpy.context.view_layer, sp, seed=1)
        animated = run_animate(bpy.data, scene, sp, seed=1)
        scene.frame_start, scene.frame_end = 1, animated.frames
        report = run_simulate(bpy.data, scene, sp, seed=1)
        story_s = animated.frames / FPS
        row = {"story": path.name.removesuffix(".screenplay.json"), "story_s": round(story_s, 1),
               "simulate_s": report.seconds, "s_per_story_s": round(report.seconds / story_s, 3),
               "passes": report.passes, "problems": len(report.problems),
               "broken": sum(1 for p in report.props.values() if p["broken_at_frame"]),
               "knockdowns": [{k: d[k] for k in ("actor", "travel_m", "rest_lowest_m")}
                              for d in report.knockdowns]}
        events = json.loads(bpy.data.texts["MotionEvents.json"].as_string())
        for event in (e for e in events if "kick" in e.get("contacts", {})):
            ball = report.props.get("ball")
            if ball is not None:
                row["kick"] = {"foot_mps": round(float(np.linalg.norm(event["foot_velocity"])),
                                                 2),
                               "ball_mps": ball["max_speed_mps"]}
        for event in (e for e in events if "release_frame" in e):
            ball = next((o for o in bpy.data.objects if o.get("story_category") in
                         ("ball", "basketball", "tennis_ball")), None)
            if ball is None:
                continue
            frame = scene.frame_start + event["start_frame"] + event["release_frame"]
            scene.frame_set(frame)
            a = np.array(ball.matrix_world.translation)
            scene.frame_set(frame + 1)
            launch = float(np.linalg.norm(np.array(ball.matrix_world.translation) - a) * FPS)
            row["throw"] = {"hand_mps": round(float(np.linalg.norm(event["velocity"])), 2),
                            "ball_mps": round(launch, 2)}
        rows.append(row)
    return rows


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from addon.cli import blender_quiet
    with blender_quiet():
        import bpy
        drops = [glass_drop(bpy, h) for h in (1.0, 0.15)]
        repeats = [glass_drop(bpy, 1.0)["digest"] for _ in range(2)]
        result = {"glass": drops, "deterministic": len({drops[0]["digest"], *repeats}) == 1,
                  "stress": stress(bpy), "stories": stories(bpy)}
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
        return
    print(json.dumps({"deterministic": result["deterministic"],
                      "stress_s_per_story_s": result["stress"]["bake_s_per_story_s"]}))
    print(f"\n{'glass drop':12} {'pieces':>6} {'impact m/s':>10} {'rest after s':>12}")
    for d in drops:
        print(f"{d['height_m']:>10} m {d['pieces']:>6} {d['impact_speed_mps'] or '-':>10} "
              f"{d['rest_after_s']:>12}")
    print(f"\n{'story':16} {'story s':>7} {'bake s':>7} {'s/s':>6} {'passes':>6} {'broken':>6} "
          f"{'problems':>8}  knockdowns / throw")
    for r in result["stories"]:
        extra = "; ".join(f"{k['actor']} {k['travel_m']} m, rests {k['rest_lowest_m']} m"
                          for k in r["knockdowns"])
        if "throw" in r:
            extra += f"throw: hand {r['throw']['hand_mps']} m/s, ball {r['throw']['ball_mps']} m/s "
        if "kick" in r:
            extra += f"kick: foot {r['kick']['foot_mps']} m/s, ball {r['kick']['ball_mps']} m/s"
        print(f"{r['story']:16} {r['story_s']:>7} {r['simulate_s']:>7} {r['s_per_story_s']:>6} "
              f"{r['passes']:>6} {r['broken']:>6} {r['problems']:>8}  {extra}")


if __name__ == "__main__":
    main()
