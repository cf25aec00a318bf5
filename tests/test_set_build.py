"""A SetPlan written into Blender: ground slab, walls, spots, dressing, lights, the nav map,
and `cleanup.remove_stage` taking away exactly that.  Runs Blender's `bpy` in a fresh process
per test (tests/blender_proc.py)."""
from __future__ import annotations

import blender_proc

SETUP = '''
import time
import bpy
from mathutils import Vector
from addon.blender import set_build
from addon.blender.cleanup import remove_stage
from addon.cast.sets import plan_set
from addon.screenplay import CastMember, Placement, Prop, Screenplay, Set, Spot

bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene

def story(place, kind, spots, props=(), time_of_day=""):
    return Screenplay(cast=[CastMember("man", "Man")], props=list(props),
                      set=Set(kind=kind, place=place, time_of_day=time_of_day,
                              spots=[Spot(s, s) for s in spots]))

def z_range(obj):
    bpy.context.view_layer.update()
    zs = [(obj.matrix_world @ Vector(c)).z for c in obj.bound_box]
    return min(zs), max(zs)
'''


def run(code, tmp_path, **values):
    return blender_proc.run(SETUP + code, tmp_path, repo_on_path=True, **values)


def test_a_park_and_a_room_are_built_tagged_and_removed_leaving_the_users_cube(tmp_path):
    out = run('''
# the user's own things
mesh = bpy.data.meshes.new("Cube")
mesh.from_pydata([(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1)], [],
                 [(0, 2, 1), (0, 1, 3), (0, 3, 2), (1, 2, 3)])
mesh.materials.append(bpy.data.materials.new("UserMat"))
cube = bpy.data.objects.new("Cube", mesh)
scene.collection.objects.link(cube)
scene.world = bpy.data.worlds.new("UserWorld")
before = {k: sorted(b.name for b in getattr(bpy.data, k))
          for k in ("objects", "meshes", "materials", "collections", "texts", "lights",
                    "worlds", "curves")}

res = {}
sp = story("park", "outdoor", ["centre", "fountain", "bench_spot"],
           [Prop("bench", "bench", "bench"),
            Prop("ball", "ball", "ball", placement=Placement("next_to", "bench"))], "dusk")
t = time.perf_counter()
plan = plan_set(sp, {}, seed=3)
res["plan_s"] = time.perf_counter() - t
t = time.perf_counter()
root = set_build.build_set(bpy.data, plan, scene)
res["build_s"] = time.perf_counter() - t
res["root"] = root.name
res["children"] = sorted(c.name for c in root.children)
ground = bpy.data.objects["Ground"]
res["ground_z"] = z_range(ground)
res["spots"] = sorted(o.name for o in bpy.data.objects if o.type == "EMPTY")
res["spot_ids"] = sorted(o["story_id"] for o in bpy.data.objects if o.type == "EMPTY")
res["spot_xy"] = {o["story_id"]: [round(o.location.x, 4), round(o.location.y, 4)]
                  for o in bpy.data.objects if o.type == "EMPTY"}
res["plan_spot_xy"] = {k: [round(s.x, 4), round(s.y, 4)] for k, s in plan.spots.items()}
made = [o for o in bpy.data.objects if o.name != "Cube"]
res["untagged"] = [o.name for o in made
                   if o.get("story_stage") != "cast" or not o.get("story_id")]
res["untagged_data"] = [o.data.name for o in made if o.data is not None
                        and o.data.get("story_stage") != "cast"]
in_set = {o.name for o in root.all_objects}
res["outside_set"] = [o.name for o in made if o.name not in in_set]
res["lights"] = sorted(o.data.type for o in made if o.type == "LIGHT")
res["world"] = scene.world.name
res["dressing"] = len(plan.dressing)
res["dressing_objects"] = len(bpy.data.collections["Set Dressing"].objects)
d0 = plan.dressing[0]
obj = next(o for o in made if o.get("story_id") == d0.id and o.parent is None)
res["dressing_pose"] = [list(obj.location), obj.rotation_euler.z,
                        [d0.pose.x, d0.pose.y, d0.pose.z], d0.pose.rot_z]
nav = set_build.load_nav(bpy.data)
res["nav_same"] = bool((nav.blocked == plan.nav.blocked).all()) and nav.cell_m == plan.nav.cell_m
res["texts"] = sorted(t.name for t in bpy.data.texts)

res["removed"] = remove_stage(bpy.data, "cast")
after = {k: sorted(b.name for b in getattr(bpy.data, k)) for k in before}
res["same_as_before"] = after == before
res["after"] = after
res["scene_world"] = scene.world.name if scene.world else None

# a room, built after the park went
sp = story("room", "indoor", ["door", "window", "corner"],
           [Prop("table", "table", "table"),
            Prop("glass", "glass", "glass", placement=Placement("on", "table"))])
plan = plan_set(sp, {}, seed=1)
root = set_build.build_set(bpy.data, plan, scene)
walls = {o.name: z_range(o) for o in bpy.data.objects if o.name.startswith("Wall ")}
res["walls"] = {k: [round(a, 4), round(b, 4)] for k, (a, b) in walls.items()}
res["room_ground_z"] = z_range(bpy.data.objects["Ground"])
res["room_spots"] = sorted(o["story_id"] for o in bpy.data.objects if o.type == "EMPTY")
res["room_lights"] = sorted(o.data.type for o in bpy.data.objects if o.type == "LIGHT")
res["room_dressing"] = sorted(o["story_category"] for o in
                              bpy.data.collections["Set Dressing"].objects
                              if "story_category" in o)
remove_stage(bpy.data, "cast")
res["room_removed_clean"] = {k: sorted(b.name for b in getattr(bpy.data, k))
                             for k in before} == before
emit(res)
''', tmp_path)
    assert out["root"] == "Story Set"
    assert out["children"] == ["Set Dressing", "Set Lights", "Set Spots", "Set Structure"]
    assert out["ground_z"][0] < -0.15 and abs(out["ground_z"][1]) < 1e-5   # slab, top at 0
    assert out["spots"] == ["Spot bench_spot", "Spot centre", "Spot fountain"]
    assert out["spot_xy"] == out["plan_spot_xy"]
    assert out["untagged"] == [] and out["untagged_data"] == []
    assert out["outside_set"] == []
    assert "SUN" in out["lights"]
    assert out["world"] == "Story Sky"
    assert out["dressing_objects"] >= out["dressing"] > 5
    loc, rot, want, want_rot = out["dressing_pose"]
    assert all(abs(a - b) < 1e-5 for a, b in zip(loc, want))
    assert abs(rot - want_rot) < 1e-5
    assert out["nav_same"]
    assert out["texts"] == ["NavMap.json", "SetPlan.json"]
    assert out["removed"]["objects"] > 10 and out["removed"]["collections"] == 5
    assert out["same_as_before"], out["after"]
    assert out["scene_world"] == "UserWorld"
    assert set(out["walls"]) == {"Wall back", "Wall front", "Wall left", "Wall right"}
    assert all(abs(lo) < 1e-5 and abs(hi - 2.6) < 1e-5 for lo, hi in out["walls"].values())
    assert abs(out["room_ground_z"][1]) < 1e-5
    assert out["room_spots"] == ["corner", "door", "window"]
    assert "AREA" in out["room_lights"]
    assert {"door", "window", "sofa"} <= set(out["room_dressing"])
    assert out["room_removed_clean"]
    print(f"plan_set park {out['plan_s'] * 1000:.0f} ms, build {out['build_s'] * 1000:.0f} ms")


def test_a_cycles_render_of_a_built_set_is_lit(tmp_path):
    out = run('''
import os
res = {}
for place, kind, tod in (("park", "outdoor", "noon"), ("kitchen", "indoor", "night")):
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    plan = plan_set(story(place, kind, ["centre"], time_of_day=tod), {}, seed=0)
    set_build.build_set(bpy.data, plan, scene)
    cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
    scene.collection.objects.link(cam)
    cam.location = (0.0, -2.0 if kind == "indoor" else -7.0, 1.6)
    cam.rotation_euler = (1.45, 0.0, 0.0)
    scene.camera = cam
    scene.render.engine = "CYCLES"
    scene.cycles.samples = 4
    scene.cycles.use_denoising = False
    scene.render.resolution_x, scene.render.resolution_y = 40, 30
    scene.render.filepath = os.path.join(os.getcwd(), place + ".png")
    bpy.ops.render.render(write_still=True)
    img = bpy.data.images.load(scene.render.filepath)
    px = list(img.pixels)
    lum = [0.2126 * px[i] + 0.7152 * px[i + 1] + 0.0722 * px[i + 2]
           for i in range(0, len(px), 4)]
    res[place] = sum(lum) / len(lum)
emit(res)
''', tmp_path)
    print("mean luminance", out)
    assert out["park"] > 0.15, out
    assert out["kitchen"] > 0.05, out
