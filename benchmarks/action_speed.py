"""Speed of the synthesised actions (addon/motion/actions.py): skeleton frames made per second,
per action and overall, for several bodies, seeds and places.

    .venv/bin/python benchmarks/action_speed.py [--json] [--repeats N] [--fps F]

Prints a JSON object and, without --json, a table.  The target: at least 2,000 frames/s
overall (one core, numpy), i.e. a 3 s action at 30 fps in under 50 ms.
"""
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_FRAMES_PER_S = 2000.0

#: A context per action that gives it something to act on, in the actor's own frame
#: (x to its left, y behind it, z up); moved with the actor below.
TARGETS = {
    "sit": (0.0, 0.45, 0.45), "stand_up": (0.0, 0.42, 0.45), "look_at": (2.0, -1.5, 1.2),
    "point": (2.0, -3.0, 0.5), "pick_up": (-0.15, -0.45, 0.05), "put_down": (-0.2, -0.45, 0.75),
    "throw": (0.5, -6.0, 1.2), "catch": (0.0, -0.4, 1.2), "push": (0.0, -0.7, 1.0),
    "pull": (0.0, -0.7, 1.0),
}
PARTNER = {"handshake": 0.75, "hug": 0.8, "kiss": 0.7}
BODIES = (1.2, 1.62, 1.75, 1.9)


def _context(action, height, seed):
    import numpy as np
    from addon.motion.actions import ActionContext
    position, facing = (1.0 + seed, -2.0 + 0.5 * seed), 0.3 * seed
    turn = np.array([[np.cos(facing), -np.sin(facing)], [np.sin(facing), np.cos(facing)]])
    kwargs = {}
    if action in TARGETS:
        x, y, z = TARGETS[action]
        kwargs["target"] = (*(turn @ (x, y) + position), z)
    if action in PARTNER:
        kwargs["other_position"] = tuple(turn @ (0.0, -PARTNER[action]) + position)
        kwargs["other_height_m"] = 1.7
    return ActionContext(position=position, facing=facing, height_m=height, seed=seed,
                         **kwargs)


def main() -> None:
    from addon.motion.actions import ACTION_BUILDERS, synthesise

    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
    fps = float(sys.argv[sys.argv.index("--fps") + 1]) if "--fps" in sys.argv else 30.0
    for action in ACTION_BUILDERS:                      # warm caches (neutral poses)
        synthesise(action, _context(action, 1.75, 0), None, fps)
    rows, total_frames, total_s = [], 0, 0.0
    for action in ACTION_BUILDERS:
        frames, seconds, per_call = 0, 0.0, []
        for repeat in range(repeats):
            for height in BODIES:
                context = _context(action, height, repeat)
                start = time.perf_counter()
                result = synthesise(action, context, None, fps)
                elapsed = time.perf_counter() - start
                frames += result.clip.frames
                seconds += elapsed
                per_call.append(elapsed)
        rows.append({"action": action, "frames": frames, "seconds": round(seconds, 4),
                     "frames_per_s": round(frames / seconds, 1),
                     "median_call_ms": round(1000 * statistics.median(per_call), 2)})
        total_frames += frames
        total_s += seconds
    overall = total_frames / total_s
    result = {"fps": fps, "repeats": repeats, "bodies": list(BODIES),
              "overall_frames_per_s": round(overall, 1),
              "target_frames_per_s": TARGET_FRAMES_PER_S,
              "meets_target": overall >= TARGET_FRAMES_PER_S,
              "slowest": min(rows, key=lambda r: r["frames_per_s"])["action"],
              "actions": rows}
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
        return
    print(json.dumps({k: v for k, v in result.items() if k != "actions"}))
    print(f"\n{'action':14s} {'frames':>7s} {'frames/s':>9s} {'ms/call':>8s}")
    for row in sorted(rows, key=lambda r: r["frames_per_s"]):
        print(f"{row['action']:14s} {row['frames']:7d} {row['frames_per_s']:9.0f} "
              f"{row['median_call_ms']:8.2f}")
    print(f"\noverall {overall:.0f} frames/s (target >= {TARGET_FRAMES_PER_S:.0f})")


if __name__ == "__main__":
    main()
