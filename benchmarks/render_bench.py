"""Rendering cost: seconds per frame for each preset, the pipeline's overhead over Cycles' own
render of the same .blend, and the speed-up of two local render workers.

    .venv/bin/python benchmarks/render_bench.py [--blend scene.blend] [--frames 12]
        [--final-samples N] [--json]

Without --blend the main sample story is built first (story-motion build, all stages).  Every
figure comes from a fresh process, as a user runs it:
- preview: `story-motion render --preset preview` over `--frames` contiguous frames from the
  middle of the story;
- baseline: the same .blend, the same settings and frames, rendered by Blender's own animation
  render (`bpy.ops.render.render(animation=True)`, as `blender -b scene.blend -a` does) in a
  process that does nothing else; overhead = (story-motion − baseline) / baseline, both timed
  from process start to exit (goal: under 10%);
- workers: the same frames with `--workers 2` (one Cycles thread each, the default) and with
  `--workers 2 --threads 2`; speed-up = one process / two workers;
- final: one frame with the final preset (`--final-samples` lowers its samples; say so).
The machine's other load changes every figure: the configurations run interleaved there and
back and each figure is the faster of its two runs; the load average is reported too.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXE = shutil.which("story-motion", path=str(Path(sys.executable).parent)) or "story-motion"

# Blender's own animation render of the same file with the same settings: no story-motion code
# runs in the timed loop (the settings are applied before, as a user's saved file would have).
BASELINE = r'''
import sys, bpy
blend, out, first, last, step, settings = sys.argv[-6:]
import json
sys.path.insert(0, {root!r})
from addon.render.presets import RenderSettings
from addon.blender.render_stage import apply_settings
bpy.ops.wm.open_mainfile(filepath=blend)
sc = bpy.context.scene
apply_settings(sc, RenderSettings(**json.loads(settings)))
sc.frame_start, sc.frame_end, sc.frame_step = int(first), int(last), int(step)
sc.render.filepath = out + "/"
bpy.ops.render.render(animation=True)
'''


def timed(argv: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    p = subprocess.run(argv, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"render_bench: {' '.join(argv[:3])} ... failed: "
                         f"{(p.stderr.strip().splitlines() or ['?'])[-1]}")
    return seconds, p.stdout


def report_of(stdout: str) -> dict:
    return json.loads(stdout[stdout.index("{"):stdout.rindex("}") + 1])


def main() -> None:
    args = sys.argv[1:]
    opt = lambda name, default: args[args.index(name) + 1] if name in args else default
    n_frames = int(opt("--frames", 12))
    final_samples = opt("--final-samples", None)
    tmp = Path(tempfile.mkdtemp(prefix="render_bench_"))
    try:
        blend = opt("--blend", None)
        if blend is None:
            blend = str(tmp / "scene.blend")
            timed([EXE, "build", str(ROOT / "sample_scenes" / "three_friends.txt"), "-o", blend,
                   "--seed", "1"])
        from addon.render import presets as P
        info = report_of(timed([EXE, "inspect", blend])[1])
        start, end = info["frame_start"], info["frame_end"]
        # n contiguous frames from the middle of the story (step 1: an animation render with
        # a frame step also walks the frames it skips, which would flatter story-motion)
        step = 1
        first = max(start, (start + end) // 2 - n_frames // 2)
        last = first + n_frames - 1
        frames = f"{first}-{last}"
        settings = P.resolve("preview", step=step, frames=frames)
        common = ["--preset", "preview", "--step", str(step), "--frames", frames, "--frames-only"]
        load0 = os.getloadavg()[0]

        base_argv = [sys.executable, "-c", BASELINE.format(root=str(ROOT)), blend, None,
                     str(first), str(last), str(step), json.dumps(settings.to_dict())]
        runs = {
            "ours": lambda d: [EXE, "render", blend, "-o", d, *common],
            "base": lambda d: base_argv[:4] + [d] + base_argv[5:],
            "workers_2": lambda d: [EXE, "render", blend, "-o", d, *common, "--workers", "2"],
            "workers_2_threads_2": lambda d: [EXE, "render", blend, "-o", d, *common,
                                              "--workers", "2", "--threads", "2"],
        }
        # interleaved there and back, so a change in the machine's other load hits every
        # configuration alike; each figure is the faster of its two runs
        order = list(runs) + list(runs)[::-1]
        seconds: dict[str, list[float]] = {k: [] for k in runs}
        reports: dict[str, dict] = {}
        for i, name in enumerate(order):
            folder = str(tmp / f"{name}_{i}")
            s, out = timed(runs[name](folder))
            seconds[name].append(s)
            if name == "base":
                assert len(list(Path(folder).glob("*.png"))) == n_frames
            else:
                reports[name] = report_of(out)
                assert reports[name]["rendered"] == n_frames, reports[name]["rendered"]
        best = {k: min(v) for k, v in seconds.items()}
        final_args = ["--preset", "final", "--frames", str(first + step * (n_frames // 2)),
                      "--frames-only"]
        if final_samples:
            final_args += ["--samples", final_samples]
        final_s, out = timed([EXE, "render", blend, "-o", str(tmp / "final"), *final_args])
        final = report_of(out)
        load1 = os.getloadavg()[0]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ours = reports["ours"]
    result = {
        "blend": blend, "frames": n_frames, "frame_step": step, "cores": os.cpu_count(),
        "load_average": [round(load0, 2), round(load1, 2)],
        "process_seconds": {k: [round(x, 2) for x in v] for k, v in seconds.items()},
        "preview": {"settings": P.PRESETS["preview"].description,
                    "seconds_per_frame": round(best["ours"] / n_frames, 2),
                    "cycles_seconds_per_frame": round(ours["render_seconds"] / n_frames, 2)},
        "baseline_seconds_per_frame": round(best["base"] / n_frames, 2),
        "overhead": round((best["ours"] - best["base"]) / best["base"], 4),
        "speed_up_2_workers": round(best["ours"] / best["workers_2"], 3),
        "speed_up_2_workers_2_threads": round(best["ours"] / best["workers_2_threads_2"], 3),
        "final": {"settings": P.PRESETS["final"].description
                  + (f" (samples lowered to {final_samples})" if final_samples else ""),
                  "seconds_per_frame": round(final["frames_seconds"], 2),
                  "process_seconds": round(final_s, 2)},
    }
    if "--json" in args:
        print(json.dumps(result, indent=2))
        return
    print(json.dumps({"overhead": result["overhead"],
                      "speed_up_2_workers": result["speed_up_2_workers"]}))
    print(f"\n{'render (' + str(n_frames) + ' preview frames)':40} {'s/frame':>8} {'runs, s':>16}")
    for name, label in (("ours", "story-motion render"), ("base", "Blender's own animation render"),
                        ("workers_2", "story-motion --workers 2 (1 thread each)"),
                        ("workers_2_threads_2", "story-motion --workers 2 --threads 2")):
        runs_s = ", ".join(f"{x:.1f}" for x in seconds[name])
        print(f"{label:40} {best[name] / n_frames:>8.2f} {runs_s:>16}")
    print(f"{'final preset, one frame':40} {result['final']['seconds_per_frame']:>8} "
          f"{'':>16}  {result['final']['settings']}")
    print(f"\noverhead {result['overhead']:.1%} over Blender's own render; 2 workers "
          f"{result['speed_up_2_workers']:.2f}x (2 threads each: "
          f"{result['speed_up_2_workers_2_threads']:.2f}x); load average {load0:.1f} -> "
          f"{load1:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
