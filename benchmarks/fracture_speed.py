"""Speed and exactness of the Voronoi pre-fracture (addon/physics/fracture.py) on the
breakable tableware of the prop library, at a few shard counts.

    .venv/bin/python benchmarks/fracture_speed.py [--json] [--repeats N]

Prints a JSON object and, without --json, a table: per prop and site count, the shards made,
the median wall and CPU seconds per fracture (sites scattered, cells cut and capped, islands
split), the relative volume error of the shards against the prop, whether every shard is
closed, and the smallest shard's share of the volume.  The target: a glass in 37 shards in at
most 0.3 s (the facts doc measured about 0.1 s for a bmesh bisect in Blender's C code; this is
numpy and Python, single-threaded).  CPU seconds are the figure to compare on a shared
machine: wall time there also counts waiting for a core (the load average is printed).
"""
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROPS = ("glass", "cup", "mug", "plate", "bowl", "vase", "bottle")
COUNTS = (8, 20, 37, 60)
TARGET_S = 0.3          # glass, 37 sites


def _arrays(category):
    import numpy as np
    from addon.cast.props import spec_for
    spec = spec_for(category, id=category, seed=4)
    verts, faces, material, base = [], [], [], 0
    for index, part in enumerate(spec.parts):
        verts.append(np.asarray(part.vertices))
        faces.extend(tuple(i + base for i in f) for f in part.faces)
        material.extend([index] * len(part.faces))
        base += len(part.vertices)
    return np.concatenate(verts), faces, np.asarray(material), spec.face_count


def main() -> None:
    from addon.cast.shapes import volume
    from addon.physics.fracture import fracture, is_closed
    from addon.story.vocabulary import PROP_CATEGORIES

    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
    rows = []
    for category in (c for c in PROPS if c in PROP_CATEGORIES):
        verts, faces, material, face_count = _arrays(category)
        source = volume(verts, faces)
        for count in COUNTS:
            times, cpu = [], []
            for repeat in range(repeats):
                start, start_cpu = time.perf_counter(), time.process_time()
                shards = fracture(verts, faces, material, count, seed=repeat)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            rows.append({"prop": category, "faces": face_count, "sites": count,
                         "shards": len(shards), "seconds": round(statistics.median(times), 4),
                         "cpu_seconds": round(statistics.median(cpu), 4),
                         "volume_error": abs(sum(s.volume for s in shards) - source) / source,
                         "closed": all(is_closed(s.triangles) for s in shards),
                         "smallest_share": min(s.volume for s in shards) / source})
    glass = next(r for r in rows if r["prop"] == "glass" and r["sites"] == 37)
    result = {"repeats": repeats, "target_s": TARGET_S, "glass_37_s": glass["seconds"],
              "glass_37_cpu_s": glass["cpu_seconds"],
              "meets_target": glass["cpu_seconds"] <= TARGET_S,
              "load_average": [round(v, 2) for v in os.getloadavg()],
              "worst_volume_error": max(r["volume_error"] for r in rows),
              "all_closed": all(r["closed"] for r in rows), "rows": rows}
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
        return
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}))
    print(f"\n{'prop':8s} {'faces':>5s} {'sites':>5s} {'shards':>6s} {'wall s':>7s} "
          f"{'cpu s':>6s} {'vol err':>9s} {'closed':>6s} {'smallest':>8s}")
    for r in rows:
        print(f"{r['prop']:8s} {r['faces']:5d} {r['sites']:5d} {r['shards']:6d} "
              f"{r['seconds']:7.3f} {r['cpu_seconds']:6.3f} {r['volume_error']:9.1e} "
              f"{r['closed']!s:>6s} {100 * r['smallest_share']:7.2f}%")
    print(f"\nglass, 37 sites: {glass['cpu_seconds']:.3f} s CPU, {glass['seconds']:.3f} s wall "
          f"(target <= {TARGET_S} s; load average {result['load_average'][0]})")


if __name__ == "__main__":
    main()
