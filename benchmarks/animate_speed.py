"""Story to animated scene: seconds to stage and animate every sample story, and the motion's
quality on the rigs as Blender evaluates them.

    .venv/bin/python benchmarks/animate_speed.py [--json]

For each sample screenplay: the cast stage, then the stage + animate stages (timed), then the
metrics of every character read back from the evaluated rigs at every frame.  The target:
a three-character, 30-second story animated in under 10 s.
"""
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from addon.cli import blender_quiet
    rows = []
    with blender_quiet():
        import bpy
        from addon.blender.animate_stage import rigs_by_id, run_animate, sample_positions
        from addon.blender.cast_stage import run_cast
        from addon.motion.metrics import motion_report
        from addon.screenplay import from_json
        for path in sorted((ROOT / "sample_scenes").glob("*.screenplay.json")):
            sp = from_json(path.read_text(encoding="utf-8"))
            bpy.ops.wm.read_homefile(use_empty=True)
            scene = bpy.context.scene
            scene.render.fps, scene.render.fps_base = 24, 1.0
            run_cast(bpy.data, scene, bpy.context.view_layer, sp, seed=1)
            start = time.perf_counter()
            report = run_animate(bpy.data, scene, sp, seed=1)
            seconds = time.perf_counter() - start
            frames = range(scene.frame_start, scene.frame_end + 1)
            figures = [motion_report(p, 24.0) for p in
                       sample_positions(scene, rigs_by_id(bpy.data), frames).values()]
            rows.append({
                "story": path.name.removesuffix(".screenplay.json"),
                "characters": len(sp.cast), "story_s": round(report.frames / 24, 1),
                "animate_s": round(seconds, 2),
                "frames_per_s": round(report.frames * len(sp.cast) / seconds),
                "skating": round(max(f["foot_skating_ratio"] for f in figures), 3),
                "physics_error_m": round(max(f["physics_error_m"] for f in figures), 4),
                "nan": sum(f["nan"] for f in figures)})
    result = {"stories": rows,
              "median_frames_per_s": statistics.median(r["frames_per_s"] for r in rows)}
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
        return
    print(json.dumps({"median_frames_per_s": result["median_frames_per_s"]}))
    print(f"\n{'story':16} {'chars':>5} {'story s':>7} {'animate s':>9} {'frames/s':>8} "
          f"{'skating':>7} {'phys m':>7} {'nan':>3}")
    for r in rows:
        print(f"{r['story']:16} {r['characters']:>5} {r['story_s']:>7} {r['animate_s']:>9} "
              f"{r['frames_per_s']:>8} {r['skating']:>7} {r['physics_error_m']:>7} "
              f"{r['nan']:>3}")


if __name__ == "__main__":
    main()
