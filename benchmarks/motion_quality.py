"""Transition quality: peak jerk over the joins between library clips.

    .venv/bin/python benchmarks/motion_quality.py [--json] [--blend 0.25]

FlowMDM judges transitions by the peak jerk (third difference of joint positions, L1 over
xyz, max over joints) in a window around each join; a join without a pop peaks no higher than
the motions it joins.  For each pair of clips from the shipped library (DeepMimic, 30 fps) we
join them three ways: a hard cut (the next clip placed to continue the previous one but not
blended), inertialization (transitions.concatenate, the default) and a crossfade, and report
the peak jerk from 2 frames before the join to 2 frames after the blend, next to the peak
jerk inside either source clip.  The ratio column (inertialized join / sources) should stay
at or below about 1.  The last columns run foot locking (footlock.foot_lock) over the joined
clip: its peak jerk at the join and the foot-skating ratio of the whole joined clip without
and with it.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addon.motion import metrics  # noqa: E402
from addon.motion.footlock import foot_lock  # noqa: E402
from addon.motion.library import load_library  # noqa: E402
from addon.motion.transitions import concatenate  # noqa: E402

PAIRS = (("walk", "run"), ("run", "walk"), ("walk", "punch"), ("punch", "walk"),
         ("walk", "kick"), ("kick", "punch"), ("run", "jump"), ("walk", "spin"),
         ("dance_a", "walk"), ("getup_faceup", "walk"))


def join_peak(clip, join: int, blend_frames: int) -> float:
    return metrics.peak_jerk(clip.positions(), (join - 2, join + blend_frames + 2))


def measure(library, first: str, second: str, blend_s: float) -> dict:
    a, b = library.clip(first), library.clip(second)
    blend_frames = int(round(blend_s * a.fps))
    sources = max(metrics.peak_jerk(a.positions()), metrics.peak_jerk(b.positions()))
    cut = concatenate([a, b], blend_s=1e-6)
    inertialized = concatenate([a, b], blend_s=blend_s)
    faded = concatenate([a, b], blend_s=blend_s, method="crossfade")
    row = {"from": first, "to": second, "source_peak_jerk": sources,
           "hard_cut": join_peak(cut, a.frames, blend_frames),
           "inertialize": join_peak(inertialized, a.frames, blend_frames),
           "crossfade": join_peak(faded, a.frames - blend_frames, blend_frames),
           "nan": metrics.nan_count(inertialized.positions())}
    locked = foot_lock(inertialized)
    row["locked"] = join_peak(locked, a.frames, blend_frames)
    row["foot_skating_ratio"] = metrics.foot_skating_ratio(inertialized.positions(), a.fps)
    row["foot_skating_ratio_locked"] = metrics.foot_skating_ratio(locked.positions(), a.fps)
    row["inertialize_over_source"] = row["inertialize"] / max(sources, 1e-12)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    parser.add_argument("--blend", type=float, default=0.25, help="blend length, seconds")
    args = parser.parse_args()
    library = load_library()
    rows = [measure(library, a, b, args.blend) for a, b in PAIRS
            if a in library and b in library]
    print(json.dumps({"blend_s": args.blend, "fps": library.fps, "joins": rows}, indent=2))
    if args.json:
        return
    print(f"\npeak jerk around each join (blend {args.blend} s, {library.fps:g} fps)",
          file=sys.stderr)
    print(f"{'join':22} {'sources':>8} {'cut':>7} {'inertial':>8} {'xfade':>7} {'ratio':>6} "
          f"{'locked':>7} {'skate':>6} {'locked':>7}", file=sys.stderr)
    for r in rows:
        print(f"{r['from'] + ' > ' + r['to']:22} {r['source_peak_jerk']:8.3f} "
              f"{r['hard_cut']:7.3f} {r['inertialize']:8.3f} {r['crossfade']:7.3f} "
              f"{r['inertialize_over_source']:6.2f} {r['locked']:7.3f} "
              f"{r['foot_skating_ratio']:6.3f} {r['foot_skating_ratio_locked']:7.3f}",
              file=sys.stderr)


if __name__ == "__main__":
    main()
