"""Cast stage speed: loading the body kit, building one character, and the whole stage on
every sample story (set, props, characters), in Blender's `bpy`.

    .venv/bin/python benchmarks/cast_speed.py [--json]

Prints a JSON object and, without --json, a summary table.  The target: a character in under
2 s once the kit is loaded.
"""
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BODIES = (("tall heavy old man", "male", 72, 1.85, "heavy", "jacket", "red", ["helmet"]),
          ("little girl", "female", 6, 1.16, "average", "dress", "yellow", ["backpack"]),
          ("muscular woman", "female", 30, 1.63, "muscular", "t-shirt", "", ["sunglasses"]),
          ("man", "male", 35, 1.76, "average", "", "", []))


def _seconds(start: float) -> float:
    return round(time.perf_counter() - start, 3)


def main() -> None:
    from addon.cli import blender_quiet
    with blender_quiet():
        import bpy
        from addon.blender import cast_stage
        from addon.blender.character_build import build_character
        from addon.cast import body_kit
        from addon.cast.accessories import plan_accessories
        from addon.cast.body import plan_body
        from addon.cast.outfit import plan_outfit
        from addon.screenplay import Body, CastMember, Garment, from_json

        start = time.perf_counter()
        kit = body_kit.BodyKit()
        kit_s = _seconds(start)
        characters = []
        bpy.ops.wm.read_homefile(use_empty=True)
        for seed in range(3):
            for name, sex, age, height, build, item, colour, worn in BODIES:
                outfit = [Garment("dress" if item == "dress" else "top", item, colour)] \
                    if item else []
                member = CastMember(f"c{seed}", name, body=Body(sex, age, height, build),
                                    outfit=outfit, accessories=worn)
                collection = bpy.data.collections.new(f"{name} {seed}")
                bpy.context.scene.collection.children.link(collection)
                start = time.perf_counter()
                body = plan_body(member.body, kit, seed)
                clothes = plan_outfit(member, kit, body.rest, seed)
                specs, _ = plan_accessories(member.accessories, body, kit)
                planned = time.perf_counter()
                build_character(bpy.data, collection, f"{name} {seed}", member.id, body,
                                clothes, specs, kit, bpy.context.view_layer)
                characters.append({"body": name, "seed": seed,
                                   "plan_s": round(planned - start, 3),
                                   "total_s": _seconds(start)})
        stories = []
        for path in sorted((ROOT / "sample_scenes").glob("*.screenplay.json")):
            sp = from_json(path.read_text(encoding="utf-8"))
            bpy.ops.wm.read_homefile(use_empty=True)
            start = time.perf_counter()
            cast_stage.run_cast(bpy.data, bpy.context.scene, bpy.context.view_layer, sp, seed=1)
            stories.append({"story": path.name.removesuffix(".screenplay.json"),
                            "characters": len(sp.cast), "props": len(sp.props),
                            "objects": len(bpy.data.objects), "seconds": _seconds(start)})
    totals = [c["total_s"] for c in characters]
    result = {"kit_load_s": kit_s, "character_median_s": statistics.median(totals),
              "character_max_s": max(totals), "characters": characters, "stories": stories}
    if "--json" in sys.argv:
        print(json.dumps(result, indent=2))
        return
    print(json.dumps({k: v for k, v in result.items() if not isinstance(v, list)}))
    print(f"\nkit load {kit_s:.2f} s; character build median {result['character_median_s']:.2f}"
          f" s, max {result['character_max_s']:.2f} s (target < 2 s)\n")
    print(f"{'story':18} {'chars':>5} {'props':>5} {'objects':>7} {'seconds':>7}")
    for s in stories:
        print(f"{s['story']:18} {s['characters']:>5} {s['props']:>5} {s['objects']:>7} "
              f"{s['seconds']:>7.2f}")


if __name__ == "__main__":
    main()
