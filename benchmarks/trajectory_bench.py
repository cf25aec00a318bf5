"""Story-to-Motion's trajectory-following benchmark, re-created for our locomotion.

    .venv/bin/python benchmarks/trajectory_bench.py [--json] [--speed 1.2] [--fps 30]

Story-to-Motion (Qing et al. 2023, table 2) walks a character along three paths for 20-22.5 s
and reports the trajectory error (mean distance between the pelvis and where the path is at
that time) and the physics error (foot floating + ground penetration).  Their paths are named
but not fully specified ("wave x(t) = 2 sin t, a square of side 5 m, a circle of diameter
5 m"); ours, all walked at a constant SPEED_MPS = 1.2 m/s along the path for DURATION_S = 20 s
(24 m), starting at t = 0 already at speed:

- wave: x = 2 sin(y / 2) m while y advances (amplitude 2 m, wavelength 4 pi = 12.6 m, tightest
  radius 2 m), from (0, 0) towards +y, parametrised by arc length so the speed along the path
  is constant.  "wave_tight" is the literal x = 2 sin(y) (wavelength 6.3 m, tightest radius
  0.5 m: 2.4 rad/s of turning at the crests), reported as a harder extra.
- square: side 5 m, corners (0,0) (5,0) (5,5) (0,5), anticlockwise from (0,0), sharp corners.
- circle: diameter 5 m centred on (0,0), anticlockwise from (2.5, 0).

The motion is the shipped library's "walk" clip (DeepMimic humanoid3d_walk, 0.98 m/s, 30 fps)
driven by locomotion.follow_path, foot locking on.  Figures (metrics.py): trajectory error,
target < 0.10 m (Story-to-Motion 0.151-0.249 m); physics error, target < 0.015 m
(Story-to-Motion 0.020-0.030 m); foot-skating ratio (GMD rule), target <= 0.05; peak jerk
(FlowMDM, at the clip's frame rate); frames synthesised per second, target >= 2,000 skeleton
frames/s per character (best of 5 runs, one core).  A row without foot locking shows what the
locking buys.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addon.motion import metrics  # noqa: E402
from addon.motion.library import load_library  # noqa: E402
from addon.motion.locomotion import follow_path, prepare_cycle  # noqa: E402

SPEED_MPS = 1.2
DURATION_S = 20.0
SAMPLE_S = 0.01          # path points every 10 ms (the path is exact; the sampling is fine)
TARGETS = {"trajectory_error_m": 0.10, "physics_error_m": 0.015, "foot_skating_ratio": 0.05,
           "frames_per_s": 2000}


def _by_arc_length(points: np.ndarray, speed_mps: float, duration_s: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Times and points for walking a densely sampled polyline at constant speed."""
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    times = np.arange(0.0, duration_s + 1e-9, SAMPLE_S)
    distance = times * speed_mps
    if distance[-1] > arc[-1]:
        raise ValueError("path too short for the duration")
    xy = np.column_stack([np.interp(distance, arc, points[:, 0]),
                          np.interp(distance, arc, points[:, 1])])
    return times, xy


def wave(speed_mps: float, duration_s: float, wavelength_scale: float = 2.0):
    y = np.linspace(0.0, speed_mps * duration_s * 1.1, 20001)
    return _by_arc_length(np.column_stack([2.0 * np.sin(y / wavelength_scale), y]), speed_mps,
                          duration_s)


def square(speed_mps: float, duration_s: float, side_m: float = 5.0):
    corners = np.array([(0, 0), (1, 0), (1, 1), (0, 1)], dtype=float) * side_m
    laps = int(np.ceil(speed_mps * duration_s / (4 * side_m))) + 1
    loop = np.concatenate([np.tile(corners, (laps, 1)), corners[:1]])
    dense = np.concatenate([np.linspace(a, b, 200, endpoint=False) for a, b in
                            zip(loop[:-1], loop[1:])] + [loop[-1:]])
    return _by_arc_length(dense, speed_mps, duration_s)


def circle(speed_mps: float, duration_s: float, diameter_m: float = 5.0):
    radius = diameter_m / 2
    times = np.arange(0.0, duration_s + 1e-9, SAMPLE_S)
    angle = times * speed_mps / radius
    return times, np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


PATHS = {
    "wave": lambda v, d: wave(v, d, 2.0),
    "square": square,
    "circle": circle,
    "wave_tight": lambda v, d: wave(v, d, 1.0),
}


def measure(name: str, cycle, speed_mps: float, duration_s: float, fps: float,
            lock_feet: bool = True, repeats: int = 5) -> dict:
    times, xy = PATHS[name](speed_mps, duration_s)
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        clip = follow_path(times, xy, cycle, fps, lock_feet=lock_feet)
        best = min(best, time.perf_counter() - start)
    positions = clip.positions()
    frame_times = times[0] + np.arange(clip.frames) / fps
    penetrate, floating = metrics.ground_errors(positions)
    return {
        "path": name, "foot_lock": lock_feet, "frames": clip.frames, "fps": fps,
        "trajectory_error_m": metrics.trajectory_error(positions[:, 0, :2], frame_times, times,
                                                       xy),
        "max_trajectory_error_m": float(np.max(np.linalg.norm(
            positions[:, 0, :2] - metrics.path_at(frame_times, times, xy), axis=1))),
        "physics_error_m": float(np.mean(penetrate + floating)),
        "penetration_m": float(np.mean(penetrate)),
        "floating_m": float(np.mean(floating)),
        "max_penetration_m": metrics.max_penetration(positions),
        "foot_skating_ratio": metrics.foot_skating_ratio(positions, fps),
        "peak_jerk": metrics.peak_jerk(positions),
        "nan": metrics.nan_count(positions),
        "seconds": best,
        "frames_per_s": clip.frames / best,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print only the JSON")
    parser.add_argument("--speed", type=float, default=SPEED_MPS, help="walking speed, m/s")
    parser.add_argument("--duration", type=float, default=DURATION_S, help="seconds per path")
    parser.add_argument("--fps", type=float, default=30.0, help="frames per second")
    args = parser.parse_args()

    library = load_library()
    walk = library.clip("walk")
    cycle = prepare_cycle(walk)
    source = walk.positions()
    rows = [measure(name, cycle, args.speed, args.duration, args.fps) for name in PATHS]
    rows += [measure(name, cycle, args.speed, args.duration, args.fps, lock_feet=False,
                     repeats=1) for name in ("wave", "square", "circle")]
    report = {
        "speed_mps": args.speed, "duration_s": args.duration, "fps": args.fps,
        "clip": {"name": walk.name, "frames": walk.frames, "fps": walk.fps,
                 "speed_mps": round(cycle.speed_mps, 3), "source": walk.source,
                 "foot_skating_ratio": metrics.foot_skating_ratio(source, walk.fps),
                 "physics_error_m": metrics.physics_error(source),
                 "peak_jerk": metrics.peak_jerk(source)},
        "targets": TARGETS, "runs": rows,
    }
    print(json.dumps(report, indent=2))
    if args.json:
        return
    print(f"\nwalking {args.speed} m/s for {args.duration} s at {args.fps:g} fps, library clip "
          f"{walk.name!r} ({cycle.speed_mps:.2f} m/s)", file=sys.stderr)
    header = (f"{'path':11} {'lock':>4} {'traj m':>7} {'max m':>6} {'phys m':>7} {'pen m':>6} "
              f"{'skate':>6} {'jerk':>6} {'frames/s':>9}")
    print(header, file=sys.stderr)
    for r in rows:
        print(f"{r['path']:11} {'on' if r['foot_lock'] else 'off':>4} "
              f"{r['trajectory_error_m']:7.3f} {r['max_trajectory_error_m']:6.3f} "
              f"{r['physics_error_m']:7.4f} {r['penetration_m']:6.4f} "
              f"{r['foot_skating_ratio']:6.3f} {r['peak_jerk']:6.3f} {r['frames_per_s']:9.0f}",
              file=sys.stderr)
    print(f"targets: trajectory < {TARGETS['trajectory_error_m']} m, physics < "
          f"{TARGETS['physics_error_m']} m, skating <= {TARGETS['foot_skating_ratio']}, "
          f">= {TARGETS['frames_per_s']} frames/s", file=sys.stderr)


if __name__ == "__main__":
    main()
