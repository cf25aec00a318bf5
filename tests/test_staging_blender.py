"""The Stage step (addon/blender/staging_build.py): the blocking drawn before animating, a
path per character and an arrow per action, replaced when staged again, and following what
the user moved (staging reads the set and the characters where they stand now)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import blender_proc

ROOT = Path(__file__).resolve().parent.parent

STAGE = '''
import bpy
from mathutils import Vector
from addon.blender.screenplay_store import load_screenplay
from addon.blender.staging_build import COLLECTION, run_staging

bpy.ops.wm.open_mainfile(filepath=blend)
scene = bpy.context.scene
sp = load_screenplay(bpy.data)


def drawn():
    coll = bpy.data.collections[COLLECTION]
    out = {}
    for obj in coll.objects:
        if obj.type == "CURVE":
            pts = [tuple(p.co)[:3] for s in obj.data.splines for p in s.points]
            out[obj.name] = {"kind": "path", "end": pts[-1], "render": not obj.hide_render}
        else:
            out[obj.name] = {"kind": obj.empty_display_type, "at": tuple(obj.location),
                             "render": not obj.hide_render}
    return out


first = run_staging(bpy.data, scene, sp, seed=1)
out = {"report": first.to_dict(), "first": drawn()}
ben = bpy.data.objects[next(o.name for o in bpy.data.objects if o.type == "ARMATURE"
                            and o.get("story_id") == "ben")]
ben.location.x += 2.0                      # the user moves Ben, then stages again
again = run_staging(bpy.data, scene, sp, seed=1)
out["again"] = drawn()
out["ben"] = tuple(ben.location)
out["blocking_collections"] = sum(c.name.startswith(COLLECTION) for c in bpy.data.collections)
out["animated"] = "StagePlan.json" in bpy.data.texts     # staging alone animates nothing
emit(out)
'''


def test_stage_draws_the_blocking_and_follows_what_the_user_moved(tmp_path):
    blend = tmp_path / "hug.blend"
    cli = shutil.which("story-motion", path=str(Path(sys.executable).parent))
    done = subprocess.run([cli, "build", ROOT / "sample_scenes" / "hug.txt", "-o", blend,
                           "--seed", "1", "--stages", "parse,cast"],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    out = blender_proc.run(STAGE, tmp_path, repo_on_path=True, blend=str(blend))

    anna = out["report"]["actors"]["anna"]
    assert anna["walks"] >= 1 and anna["path_m"] > 0.3 and anna["marks"] >= 2
    first = out["first"]
    assert first["anna path"]["kind"] == "path"
    marks = {name for name, d in first.items() if d["kind"] == "SINGLE_ARROW"}
    assert {"b1 wave", "b3 hug"} <= marks, marks
    assert not any(d["render"] for d in first.values())          # viewport only
    assert out["blocking_collections"] == 1 and set(out["again"]) == set(first)
    # Anna walks up to Ben: after he moved, her path ends about 2 m further along x
    moved = out["again"]["anna path"]["end"][0] - first["anna path"]["end"][0]
    assert 1.0 < moved < 3.0, moved
    assert not out["animated"]
