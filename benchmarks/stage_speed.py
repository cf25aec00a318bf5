"""Staging speed: seconds to plan the stage (timeline, approach poses, paths around the set and
the other actors) for every sample story, and for longer synthetic stories in the big park.

    .venv/bin/python benchmarks/stage_speed.py [--json] [--repeat N]

Pure Python and numpy, no Blender.  The set, props and marks are planned first (their time is
reported apart); `stage_s` is the median of N runs of `plan_stage` alone.
"""
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from addon.cast.props import plan_prop  # noqa: E402
from addon.cast.sets import character_marks, plan_set  # noqa: E402
from addon.screenplay import (Beat, CastMember, Prop, Screenplay, Set, Spot,  # noqa: E402
                              from_json)
from addon.stage.plan import plan_stage  # noqa: E402


def synthetic(n_actors: int, n_beats: int) -> Screenplay:
    """Actors criss-crossing a park between spots and props, with hugs and ball play."""
    cast = [CastMember(f"a{i}", f"A{i}") for i in range(n_actors)]
    props = [Prop("ball", "ball", "ball"), Prop("bench", "bench", "bench")]
    spots = [Spot(s, s) for s in ("fountain", "gate", "corner", "edge")]
    places = ["fountain", "gate", "corner", "edge", "bench", "ball"]
    beats, last = [], {}
    for k in range(n_beats):
        actor = f"a{k % n_actors}"
        kind = k % 5
        if kind == 4 and n_actors > 1:
            action, target = "hug", f"a{(k + 1) % n_actors}"
        elif kind == 3:
            action, target = "wave", f"a{(k + 2) % n_actors}" if n_actors > 2 else None
        else:
            action, target = ("walk", "run", "walk")[kind], places[(k * 7) % len(places)]
        beats.append(Beat(f"b{k}", actor, action, target, after=last.get(actor)))
        last[actor] = f"b{k}"
    return Screenplay(title=f"{n_actors} actors, {n_beats} beats", cast=cast, props=props,
                      set=Set(kind="outdoor", place="park", spots=spots), beats=beats)


def measure(name: str, sp: Screenplay, repeat: int) -> dict:
    t0 = time.perf_counter()
    specs = {p.id: plan_prop(p, 1) for p in sp.props}
    plan = plan_set(sp, specs, 1)
    marks = character_marks(plan, [c.id for c in sp.cast], 1)
    set_s = time.perf_counter() - t0
    heights = {c.id: c.body.height_m for c in sp.cast}
    times, st = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        st = plan_stage(sp, plan, marks, heights)
        times.append(time.perf_counter() - t0)
    moves = sum(s.kind == "locomotion" for a in st.actors.values() for s in a.segments)
    return {"story": name, "place": plan.recipe, "actors": len(sp.cast),
            "beats": len(sp.beats), "moves": moves, "story_s": round(st.end_s, 2),
            "warnings": len(st.warnings), "set_s": round(set_s, 4),
            "stage_s": round(statistics.median(times), 4)}


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 5
    rows = []
    for path in sorted((ROOT / "sample_scenes").glob("*.screenplay.json")):
        sp = from_json(path.read_text(encoding="utf-8"))
        rows.append(measure(path.name.removesuffix(".screenplay.json"), sp, repeat))
    for actors, beats in ((2, 20), (4, 40), (6, 80)):
        rows.append(measure(f"synthetic_{actors}x{beats}", synthetic(actors, beats),
                            max(1, repeat // 2)))
    result = {"repeat": repeat, "stories": rows,
              "samples_total_stage_s": round(sum(r["stage_s"] for r in rows
                                                 if not r["story"].startswith("synthetic")),
                                             4)}
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
        return
    print(json.dumps({k: v for k, v in result.items() if k != "stories"}))
    print(f"\n{'story':22} {'place':6} {'actors':>6} {'beats':>5} {'moves':>5} "
          f"{'story s':>7} {'warn':>4} {'set s':>6} {'stage s':>7}")
    for r in rows:
        print(f"{r['story']:22} {r['place']:6} {r['actors']:>6} {r['beats']:>5} "
              f"{r['moves']:>5} {r['story_s']:>7.1f} {r['warnings']:>4} {r['set_s']:>6.3f} "
              f"{r['stage_s']:>7.3f}")


if __name__ == "__main__":
    main()
