"""The cast stage on whole screenplays: every sample builds, re-runs replace only their own
work, props stand where the story puts them."""
from __future__ import annotations


import pytest

import blender_proc
from conftest import ROOT

SAMPLES = sorted(str(p) for p in (ROOT / "sample_scenes").glob("*.screenplay.json"))


def test_every_sample_story_gets_its_cast_props_and_set(tmp_path):
    out = blender_proc.run('''
import bpy
from pathlib import Path
from addon.blender.cast_stage import inspect_cast, run_cast
from addon.screenplay import from_json

results = {}
for path in samples:
    bpy.ops.wm.read_homefile(use_empty=True)
    sp = from_json(Path(path).read_text())
    report = run_cast(bpy.data, bpy.context.scene, bpy.context.view_layer, sp, seed=1)
    found = inspect_cast(bpy.data)
    results[Path(path).name] = {
        "cast": sorted(m.id for m in sp.cast), "props": sorted(p.id for p in sp.props),
        "place": sp.set.place, "rigs": sorted(found["rigs"]), "built_props": sorted(found["props"]),
        "set": found["set"], "navmap": "NavMap.json" in bpy.data.texts,
        "held": {o["story_id"]: o["story_held_by"] for o in bpy.data.objects
                 if "story_held_by" in o},
        "spots": sorted(o["story_id"] for o in bpy.data.objects if o.name.startswith("Spot ")),
        "screenplay_spots": sorted(s.id for s in sp.set.spots),
        "heights": {c: found["rigs"][c]["height_m"] for c in found["rigs"]},
        "stated": {m.id: m.body.height_m for m in sp.cast},
    }
emit(results)
''', tmp_path, repo_on_path=True, samples=SAMPLES)
    assert len(out) == len(SAMPLES) >= 13
    for name, r in out.items():
        assert r["rigs"] == r["cast"], name
        assert r["built_props"] == r["props"], name
        assert r["set"] == r["place"] and r["navmap"], name
        assert set(r["screenplay_spots"]) <= set(r["spots"]), name
        for cid, height in r["heights"].items():
            assert abs(height - r["stated"][cid]) < 0.02, (name, cid)
    assert out["glass_drop.screenplay.json"]["held"] == {"glass": "narrator"}


def test_rerunning_the_stage_replaces_only_its_own_objects(tmp_path):
    out = blender_proc.run('''
import bpy
from pathlib import Path
from addon.blender.cast_stage import run_cast
from addon.screenplay import from_json

bpy.ops.wm.read_homefile(use_empty=True)
scene, layer = bpy.context.scene, bpy.context.view_layer
mine = bpy.data.objects.new("My Cube", bpy.data.meshes.new("My Cube"))
scene.collection.objects.link(mine)
mine.location = (3.0, 2.0, 1.0)
my_material = bpy.data.materials.new("My Paint")
sp = from_json(Path(sample).read_text())
run_cast(bpy.data, scene, layer, sp, seed=4)
first = sorted(o.name for o in bpy.data.objects)
first_data = {k: len(getattr(bpy.data, k)) for k in ("meshes", "materials", "armatures",
                                                       "collections", "texts", "lights")}
report = run_cast(bpy.data, scene, layer, sp, seed=4)
second = sorted(o.name for o in bpy.data.objects)
second_data = {k: len(getattr(bpy.data, k)) for k in first_data}
emit({"first": first, "second": second, "first_data": first_data,
      "second_data": second_data, "removed": report.removed,
      "mine": list(bpy.data.objects["My Cube"].location),
      "my_material": "My Paint" in bpy.data.materials,
      "tagged": sum(1 for o in bpy.data.objects if o.get("story_stage") == "cast")})
''', tmp_path, repo_on_path=True,
        sample=str(ROOT / "sample_scenes" / "three_friends.screenplay.json"))
    assert out["first"] == out["second"]                 # same names: nothing left behind
    assert out["first_data"] == out["second_data"]
    assert out["removed"]["objects"] == out["tagged"]
    assert out["mine"] == [3.0, 2.0, 1.0] and out["my_material"]
    assert "My Cube" in out["second"]
    assert not any(name.endswith(".001") for name in out["second"])


def test_a_glass_on_the_table_rests_on_its_top(tmp_path):
    out = blender_proc.run('''
import bpy
import numpy as np
from mathutils import Vector
from addon.blender.cast_stage import run_cast
from addon.screenplay import CastMember, Placement, Prop, Screenplay, Set

bpy.ops.wm.read_homefile(use_empty=True)
sp = Screenplay(cast=[CastMember("man", "man")],
                props=[Prop("table", "table", "table"),
                       Prop("glass", "glass", "glass", material="glass",
                            placement=Placement("on", "table")),
                       Prop("chair", "chair", "chair", placement=Placement("next_to", "table"))],
                set=Set("indoor", "kitchen"))
run_cast(bpy.data, bpy.context.scene, bpy.context.view_layer, sp, seed=3)
bpy.context.view_layer.update()

def bounds(name):
    obj = bpy.data.objects[name]
    points = np.array([obj.matrix_world @ Vector(c) for c in obj.bound_box])
    return points.min(axis=0).tolist(), points.max(axis=0).tolist()

emit({n: bounds(n) for n in ("table", "glass", "chair")}
     | {"top": bpy.data.objects["table"]["story_support_top_m"]})
''', tmp_path, repo_on_path=True)
    (g_low, g_high), (t_low, t_high) = out["glass"], out["table"]
    assert g_low[2] == pytest.approx(out["top"], abs=0.003)        # on the top, not in it
    assert t_low[0] <= g_low[0] and g_high[0] <= t_high[0]
    assert t_low[1] <= g_low[1] and g_high[1] <= t_high[1]
    (c_low, c_high) = out["chair"]
    centre = lambda lo, hi: [(a + b) / 2 for a, b in zip(lo, hi)]  # noqa: E731
    gap = max(abs(a - b) for a, b in zip(centre(c_low, c_high)[:2], centre(t_low, t_high)[:2]))
    assert gap < 1.5                                               # next to the table
    assert c_low[2] == pytest.approx(0.0, abs=0.003)               # on the floor


def test_counted_props_build_one_tagged_object_per_member_in_their_arrangement(tmp_path):
    out = blender_proc.run('''
import bpy
from pathlib import Path
from addon.blender.cast_stage import group_members, inspect_cast, run_cast
from addon.screenplay import from_json

results = {}
for name in ("dominoes", "stack_ball"):
    bpy.ops.wm.read_homefile(use_empty=True)
    sp = from_json((Path(root) / "sample_scenes" / f"{name}.screenplay.json").read_text())
    report = run_cast(bpy.data, bpy.context.scene, bpy.context.view_layer, sp, seed=3)
    bpy.context.view_layer.update()
    group = next(p for p in sp.props if p.count > 1)
    members = group_members(bpy.data, group.id)
    results[name] = {
        "count": group.count, "id": group.id,
        "names": [o.name for o in members],
        "story_ids": [o["story_id"] for o in members],
        "member": [o["story_member"] for o in members],
        "mass": [o["story_mass_kg"] for o in members],
        "location": [list(o.location) for o in members],
        "rot_z": [o.rotation_euler.z for o in members],
        "zmin": [min((o.matrix_world @ v.co).z for v in o.data.vertices) for o in members],
        "zmax": [max((o.matrix_world @ v.co).z for v in o.data.vertices) for o in members],
        "dims": list(members[0]["story_dimensions_m"]),
        "inspect": inspect_cast(bpy.data)["props"][group.id],
        "report": report.props[group.id],
    }
emit(results)
''', tmp_path, repo_on_path=True, root=str(ROOT))
    for name, r in out.items():
        n, ident = r["count"], r["id"]
        assert r["names"] == [f"{ident} {i}" for i in range(1, n + 1)], name
        assert r["story_ids"] == [ident] * n and r["member"] == list(range(n))
        assert all(m > 0 for m in r["mass"])
        assert r["inspect"]["objects"] == r["names"] and r["inspect"]["count"] == n
        assert r["report"]["objects"] == r["names"]
    row = out["dominoes"]
    w, d, h = row["dims"]
    assert 0.1 <= h <= 0.2                                  # a toy domino, not a 5 cm one
    xy = [(x, y) for x, y, _ in row["location"]]
    steps = [((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 for (x0, y0), (x1, y1) in zip(xy, xy[1:])]
    assert all(0.6 * h <= s <= 0.7 * h for s in steps), steps
    # straight, along the dominoes' facing: member 0 pushed forwards hits member 1
    import math
    rot = row["rot_z"][0]
    fwd = (math.sin(rot), -math.cos(rot))
    for (x0, y0), (x1, y1) in zip(xy, xy[1:]):
        assert ((x1 - x0) * fwd[0] + (y1 - y0) * fwd[1]) == pytest.approx(steps[0], abs=1e-4)
    assert all(z == pytest.approx(0.0, abs=1e-4) for z in row["zmin"])
    stack = out["stack_ball"]
    assert stack["zmin"][0] == pytest.approx(0.0, abs=1e-4)   # the bottom box on the floor
    for below_top, above_base in zip(stack["zmax"], stack["zmin"][1:]):
        assert above_base - below_top == pytest.approx(0.001, abs=2e-4)
    x0, y0, _ = stack["location"][0]
    assert all(abs(x - x0) <= 0.0201 and abs(y - y0) <= 0.0201 for x, y, _ in stack["location"])
