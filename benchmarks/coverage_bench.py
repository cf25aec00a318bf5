"""Camera coverage: how many shots each sample story gets, how long they hold, and the share
of shot frames whose subject is visible and in frame, with the seconds the shoot stage takes.

    .venv/bin/python benchmarks/coverage_bench.py [--json] [--simulate] [story ...]

For each sample screenplay (or the named ones): the cast and animate stages (and with
`--simulate` the physics, so breaks get their inserts), then the shoot stage, timed.  The
coverage figure is the stage's own check over every frame of every shot: ray casts from the
camera to the subject's head and chest in the evaluated scene, and the projected head and
torso inside the frame with headroom.  The goal: 100 %.
"""
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    simulate = "--simulate" in sys.argv
    if simulate:                      # as the CLI does: a bake repeats only on one core
        import os
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    from addon.cli import blender_quiet
    paths = sorted((ROOT / "sample_scenes").glob("*.screenplay.json"))
    if args:
        paths = [p for p in paths if p.name.removesuffix(".screenplay.json") in args]
    rows = []
    with blender_quiet():
        import bpy

        from addon.blender.animate_stage import run_animate
        from addon.blender.cast_stage import run_cast
        from addon.blender.shoot_stage import run_shoot
        from addon.blender.simulate_stage import run_simulate
        from addon.screenplay import from_json, timeline
        for path in paths:
            sp = from_json(path.read_text(encoding="utf-8"))
            bpy.ops.wm.read_homefile(use_empty=True)
            scene = bpy.context.scene
            scene.render.fps, scene.render.fps_base = 24, 1.0
            end_s = max((e for _, e in timeline(sp).values()), default=1.0)
            scene.frame_start, scene.frame_end = 1, 1 + max(1, int(end_s * 24 + 0.999))
            run_cast(bpy.data, scene, bpy.context.view_layer, sp, seed=1)
            run_animate(bpy.data, scene, sp, seed=1)
            if simulate:
                run_simulate(bpy.data, scene, sp, seed=1)
            start = time.perf_counter()
            report = run_shoot(bpy.data, scene, sp, seed=1)
            seconds = time.perf_counter() - start
            shots = report.shots
            rows.append({
                "story": path.name.removesuffix(".screenplay.json"),
                "frames": report.frames_checked, "shots": len(shots),
                "avg_shot_s": round(statistics.mean(s["seconds"] for s in shots), 2),
                "min_shot_s": round(min(s["seconds"] for s in shots), 2),
                "kinds": sorted({s["type"] for s in shots}),
                "coverage": report.coverage, "visible": report.visible_share,
                "in_frame": report.in_frame_share, "fixed": len(report.fixed),
                "warnings": report.warnings, "shoot_s": round(seconds, 2)})
    total = sum(r["frames"] for r in rows)
    result = {"stories": rows, "simulated": simulate,
              "coverage": round(sum(r["coverage"] * r["frames"] for r in rows) / total, 4)
              if total else None,
              "median_shoot_s": statistics.median(r["shoot_s"] for r in rows) if rows else None}
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
        return
    print(json.dumps({"coverage": result["coverage"],
                      "median_shoot_s": result["median_shoot_s"]}))
    print(f"\n{'story':18} {'frames':>6} {'shots':>5} {'avg s':>5} {'min s':>5} "
          f"{'cover':>6} {'visible':>7} {'framed':>6} {'fixed':>5} {'warn':>4} {'shoot s':>7}")
    for r in rows:
        print(f"{r['story']:18} {r['frames']:>6} {r['shots']:>5} {r['avg_shot_s']:>5} "
              f"{r['min_shot_s']:>5} {r['coverage']:>6.1%} {r['visible']:>7.1%} "
              f"{r['in_frame']:>6.1%} {r['fixed']:>5} {len(r['warnings']):>4} {r['shoot_s']:>7}")


if __name__ == "__main__":
    main()
