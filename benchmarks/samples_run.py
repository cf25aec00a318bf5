"""Every sample story through `story-motion run`: frames, MP4, storyboard and shot list.

    .venv/bin/python benchmarks/samples_run.py [--json] [--out DIR] [story ...]

Runs the real command (build: parse, cast, animate, simulate, shoot; then render) on each
sample story text at thumbnail settings (64×36, 1 sample, every 24th frame), so the figure is
what the pipeline does end to end, not render quality.  Checks each output folder: as many
PNG frames as the render reported, a non-empty video.mp4, the storyboard PNG and a shot list
with at least one shot.  Prints JSON and a table with the seconds each story took.
"""
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP = 24
SETTINGS = ["--resolution", "64x36", "--samples", "1", "--step", str(STEP)]


def _cli() -> str:
    cli = shutil.which("story-motion", path=str(Path(sys.executable).parent))
    if cli is None:
        sys.exit("story-motion is not installed in this environment (make setup)")
    return cli


def check(out: Path) -> dict:
    """What the run left in `out`, and whether it is everything `run` promises."""
    shots = json.loads((out / "shots.json").read_text()) if (out / "shots.json").exists() \
        else None
    frames = sorted((out / "frames").glob("*.png"))
    return {"frames": len(frames), "video": (out / "video.mp4").exists()
            and (out / "video.mp4").stat().st_size > 0,
            "storyboard": (out / "storyboard.png").exists(),
            "shots": len(shots) if isinstance(shots, list) else 0}


def main() -> None:
    args = sys.argv[1:]
    as_json = "--json" in args
    out_root = Path(args[args.index("--out") + 1]) if "--out" in args else ROOT / "out" / "samples"
    names = [a for a in args if not a.startswith("--") and a != str(out_root)]
    stories = sorted((ROOT / "sample_scenes").glob("*.txt"))
    if names:
        stories = [p for p in stories if p.stem in names]
    cli, rows = _cli(), []
    for story in stories:
        out = out_root / story.stem
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        done = subprocess.run([cli, "run", str(story), "-o", str(out), "--seed", "1",
                               *SETTINGS], capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        row = {"story": story.stem, "ok": done.returncode == 0, "seconds": round(seconds, 1)}
        if done.returncode == 0:
            result = json.loads(done.stdout[done.stdout.index("{"):])
            row.update(check(out), expected_frames=result["render"]["frames"]["count"])
            row["ok"] = row["video"] and row["storyboard"] and row["shots"] > 0 \
                and row["frames"] == row["expected_frames"] > 0
        else:
            row["error"] = done.stderr.strip().splitlines()[-1:] or ["no output"]
        rows.append(row)
        print(f"{story.stem}: {'ok' if row['ok'] else 'FAILED'} in {seconds:.0f} s",
              file=sys.stderr)
    summary = {"stories": len(rows), "ok": sum(r["ok"] for r in rows),
               "total_s": round(sum(r["seconds"] for r in rows), 1)}
    print(json.dumps({"summary": summary, "rows": rows}, indent=None if as_json else 1))
    if not as_json:
        print(f"\n{'story':18} {'ok':>4} {'frames':>6} {'shots':>5} {'video':>5} "
              f"{'board':>5} {'s':>6}")
        for r in rows:
            print(f"{r['story']:18} {'yes' if r['ok'] else 'NO':>4} {r.get('frames', 0):>6} "
                  f"{r.get('shots', 0):>5} {str(r.get('video', False)):>5} "
                  f"{str(r.get('storyboard', False)):>5} {r['seconds']:>6}")
        print(f"{summary['ok']} of {summary['stories']} stories complete, "
              f"{summary['total_s']} s in all")


if __name__ == "__main__":
    main()
