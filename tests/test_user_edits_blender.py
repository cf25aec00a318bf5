"""The Screenplay edited as lists in the installed extension, and the user's work kept.

One Blender generates the hug story, then: undoes a list edit, applies edits (an invalid one
writes nothing), re-runs animate after a beat edit with hand-edited keys on a strip, a strip
moved by hand and the user's own keys on the rig, rebuilds a character keeping its animation,
and draws the panels.  Another saves the result (with a list edit not yet applied) and a
fresh Blender reopens it, animates again and rebuilds the whole cast keeping the motion.
"""
from __future__ import annotations

import pytest

import blender_proc
from conftest import ROOT
from layout_recorder import RECORDER
from test_extension_install import INSTALL

GENERATE = '''
install()
scene = bpy.context.scene
scene.story_motion.seed = 3
bpy.ops.story.parse(text=STORY)
bpy.ops.story.cast()
bpy.ops.story.animate()


def rig(cid):
    return next(o for o in bpy.data.objects
                if o.type == "ARMATURE" and o.get("story_id") == cid and
                o.get("story_stage") == "cast")


def strips(obj):
    return {t.name: [(s.name, s.action.name, s.frame_start) for s in t.strips]
            for t in obj.animation_data.nla_tracks}
'''

EDIT = GENERATE + '''
import sys
package = sys.modules[MODULE]
edit_ops = package.operators.screenplay_edit
from bl_ext.user_default.story_motion.addon.blender.keys import action_fcurves
out = {}


def call(op, **kwargs):
    """Run an operator as a user does: an undo step pushed, errors as exceptions."""
    try:
        return sorted(op('EXEC_DEFAULT', True, **kwargs))
    except RuntimeError as exc:
        return str(exc)


def beats():
    return [(b.story_id, b.action, b.timing, b.anchor) for b in bpy.context.scene.story_edit.beats]


# Undo: the list edit is undone.
bpy.ops.ed.undo_push(message="generated")
call(bpy.ops.story.screenplay_load)
loaded = beats()
bpy.context.scene.story_edit.beat_index = 1
moved = call(bpy.ops.story.beat_move, direction='UP')
after_move = beats()
bpy.ops.ed.undo()
out["undo"] = {"loaded": loaded, "moved": [moved, after_move], "undone": beats(),
               "dirty": bpy.context.scene.story_edit.dirty}
out["undo_flags"] = {c.bl_idname: sorted(c.bl_options) for m in (
    edit_ops, package.operators.rebuild) for c in m.classes}

# Loading again does not drop unapplied edits.
scene, edit = bpy.context.scene, bpy.context.scene.story_edit
edit.beats[0].action = "point"
out["reload_refused"] = call(bpy.ops.story.screenplay_load)
out["kept_edit"] = edit.beats[0].action

# An invalid edit writes nothing and says why in one line.
text = bpy.data.texts["Screenplay.json"].as_string()
edit.beats[0].target = "lamp"
out["invalid"] = call(bpy.ops.story.screenplay_apply)
out["unchanged"] = bpy.data.texts["Screenplay.json"].as_string() == text
edit.beats[0].target = "ben"

# The user's work on the motion: keys edited in a generated strip, keys on the rig itself.
anna = rig("anna")
first = anna.animation_data.nla_tracks["Story Motion"].strips[0].action
curve = next(fc for fc in action_fcurves(first)
             if fc.data_path == 'pose.bones["upperarm01.L"].rotation_quaternion'
             and fc.array_index == 1)
key = curve.keyframe_points[12]
key.co.y += 0.4
edited_frame, edited_value = key.co.x, key.co.y
mine = bpy.data.actions.new("My Head Turn")
anna.animation_data.action = mine
if hasattr(anna.animation_data, "action_slot"):
    anna.animation_data.action_slot = mine.slots.new(id_type="OBJECT", name=anna.name)
head = anna.pose.bones["head"]
head.rotation_mode = "XYZ"
head.rotation_euler = (0.0, 0.0, 0.6)
head.keyframe_insert("rotation_euler", frame=30)
last = anna.animation_data.nla_tracks["Story Motion"].strips[-1]       # the hug, moved later
last.frame_start_ui += 6
moved_to = last.frame_start
preview = package.panels.screenplay_panel.preview_lines(
    package.addon.blender.animate_stage.rerun_preview(bpy.data))

# Apply the beat edit (wave -> point): animate is stale; re-run it.
out["apply"] = [call(bpy.ops.story.screenplay_apply), scene.story_motion.last_status]
stale_before = dict(package.panels.screenplay_panel._stale(bpy.context))
out["rerun"] = [call(bpy.ops.story.animate), scene.story_motion.last_status]
scene.frame_set(int(edited_frame))
out["motion"] = {
    "stale_before": stale_before,
    "stale_after": dict(package.panels.screenplay_panel._stale(bpy.context)),
    "preview": preview,
    "strips": strips(anna),
    "b1": next(seg["action"] for seg in _json.loads(
        bpy.data.texts["StagePlan.json"].as_string())["actors"]["anna"]["segments"]
        if seg.get("beat") == "b1" and seg["kind"] == "action"),
    "edited": [edited_value, anna.pose.bones["upperarm01.L"].rotation_quaternion[1]],
    "kept": [[s.name, s.frame_start - (moved_to if "b3" in s.name else 1), s.extrapolation,
              len(action_fcurves(s.action))]
             for s in anna.animation_data.nla_tracks["Story Motion (edited)"].strips],
    "curves": len(action_fcurves(anna.animation_data.nla_tracks["Story Motion"].strips[0].action)),
    "active": anna.animation_data.action.name if anna.animation_data.action else None,
}
scene.frame_set(30)
out["motion"]["head"] = anna.pose.bones["head"].rotation_euler.z

# Rebuild Anna after a body and accessory edit: her animation and place are kept.
call(bpy.ops.story.screenplay_load)
edit = bpy.context.scene.story_edit
edit.cast[0].height_m = 1.5
edit.cast[0].accessories = {"helmet"}
call(bpy.ops.story.screenplay_apply)
anna = rig("anna")
before = {"strips": strips(anna), "location": list(anna.location),
          "ben": rig("ben").as_pointer()}
out["rebuild"] = [call(bpy.ops.story.rebuild_character, cast_id="anna"),
                  scene.story_motion.last_status]
anna = rig("anna")
out["rebuilt"] = {
    "before": before,
    "strips": strips(anna), "location": list(anna.location),
    "ben": rig("ben").as_pointer(),
    "active": anna.animation_data.action.name if anna.animation_data.action else None,
    "ik": [anna.pose.bones[c]["ik"] for c in ("hand_ik.L", "foot_ik.R")],
    "height": anna["story_height_m"],
    "helmet": [o.parent.name for o in bpy.data.objects if o.get("story_accessory") == "helmet"],
    "stale": dict(package.panels.screenplay_panel._stale(bpy.context)),
    "unknown": call(bpy.ops.story.rebuild_character, cast_id="zed"),
}

# The panels draw only properties, operators and icons that exist.
''' + RECORDER + '''
panels = package.panels.screenplay_panel
for panel in panels.classes:
    if issubclass(panel, bpy.types.Panel):
        for stage in ("cast", "animate"):
            bpy.context.scene.story_edit.preview_stage = stage
            panel.draw(Host(panel), bpy.context)
lists = bpy.context.scene.story_edit
for ui_list, items in ((panels.STORY_UL_cast, lists.cast), (panels.STORY_UL_props, lists.props),
                       (panels.STORY_UL_beats, lists.beats)):
    for item in items:
        ui_list.draw_item(None, bpy.context, Layout(), lists, item, 0, lists, "", 0)
out["draw"] = {"problems": problems, "drawn": drawn}
emit(out)
'''


@pytest.fixture(scope="module")
def extension_zip(tmp_path_factory):
    return blender_proc.load_build_tool().build(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="module")
def edited(tmp_path_factory, extension_zip):
    return blender_proc.run(INSTALL + EDIT, tmp_path_factory.mktemp("edits"),
                            ZIP=str(extension_zip),
                            STORY=(ROOT / "sample_scenes" / "hug.txt").read_text())


def test_a_list_edit_is_undone_and_every_operator_supports_undo(edited):
    """Blender's undo works headless once an undo step is pushed (`ed.undo_push`)."""
    undo = edited["undo"]
    assert undo["moved"][0] == ["FINISHED"] and undo["moved"][1] != undo["loaded"]
    assert undo["undone"] == undo["loaded"] and not undo["dirty"]
    assert set(edited["undo_flags"]) == {
        "story.screenplay_load", "story.screenplay_apply", "story.beat_move",
        "story.beat_add", "story.beat_remove", "story.rebuild_character"}
    for flags in edited["undo_flags"].values():
        assert flags == ["REGISTER", "UNDO"]


def test_unapplied_edits_are_not_dropped_and_invalid_ones_write_nothing(edited):
    assert "not yet applied" in edited["reload_refused"]
    assert edited["kept_edit"] == "point"
    assert "Edits not applied" in edited["invalid"] and "beats[0].target" in edited["invalid"]
    assert "Traceback" not in edited["invalid"]
    assert len(edited["invalid"].strip().splitlines()) == 1
    assert edited["unchanged"]


def test_rerunning_animate_after_a_beat_edit_keeps_the_users_keys(edited):
    apply, rerun, motion = edited["apply"], edited["rerun"], edited["motion"]
    assert apply[0] == ["FINISHED"] and "re-run animate" in apply[1]
    assert "animate" in motion["stale_before"] and "cast" not in motion["stale_before"]
    assert motion["stale_after"] == {}
    assert rerun[0] == ["FINISHED"] and "2 warnings" in rerun[1]
    replaces, keeps = motion["preview"]          # shown before the re-run
    assert replaces[0].startswith("3 actions: Anna b2, Ben b3")
    assert keeps[0] == "3 actions: Anna b1, Anna b3, My Head Turn"
    tracks = motion["strips"]
    assert list(tracks) == ["Story Motion", "Story Motion (edited)"]   # the user's above
    assert [s[0] for s in tracks["Story Motion"]] == ["b1", "b2", "b3"]
    # the edited key's curve alone; the moved strip whole, where the user put it; both play
    # only over their own frames
    assert motion["kept"] == [["Anna b1 (edited)", 0.0, "NOTHING", 1],
                              ["Anna b3 (edited)", 0.0, "NOTHING", motion["curves"]]]
    assert motion["b1"] == "point"                        # the edited beat was re-staged
    want, got = motion["edited"]
    assert got == pytest.approx(want, abs=1e-4)            # the edited key wins
    assert motion["active"] == "My Head Turn"              # the user's own layer is untouched
    assert motion["head"] == pytest.approx(0.6, abs=1e-4)


def test_rebuilding_a_character_keeps_its_animation(edited):
    ret, status = edited["rebuild"]
    rebuilt, before = edited["rebuilt"], edited["rebuilt"]["before"]
    assert ret == ["FINISHED"] and status.startswith("Rebuilt anna")
    assert rebuilt["strips"] == before["strips"]
    assert rebuilt["location"] == pytest.approx(before["location"])
    assert rebuilt["ben"] == before["ben"]                  # the others are not touched
    assert rebuilt["active"] == "My Head Turn"
    assert rebuilt["ik"] == [0.0, 0.0]                      # still FK, as animate left it
    assert rebuilt["height"] == pytest.approx(1.5, abs=1e-3)
    assert rebuilt["helmet"] == ["Anna"]
    assert "cast" not in rebuilt["stale"] and "animate" in rebuilt["stale"]
    assert "Could not rebuild 'zed': no cast member 'zed'" in rebuilt["unknown"]


def test_the_panels_draw_only_what_exists(edited):
    assert edited["draw"]["problems"] == []
    drawn = edited["draw"]["drawn"]
    for expected in ("story.screenplay_load", "story.screenplay_apply", "story.beat_move",
                     "story.rebuild_character", "STORY_UL_beats", "accessories", "action"):
        assert expected in drawn


def test_a_saved_file_reopens_with_its_screenplay_and_settings_and_animates_again(
        tmp_path, extension_zip):
    blend = tmp_path / "hug.blend"
    saved = blender_proc.run(INSTALL + GENERATE + '''
bpy.ops.story.screenplay_load()
bpy.context.scene.story_edit.beats[0].duration_s = 2.5       # an edit not yet applied
bpy.ops.wm.save_as_mainfile(filepath=BLEND)
emit({"screenplay": bpy.data.texts["Screenplay.json"].as_string(),
      "strips": strips(rig("anna"))})
''', tmp_path / "save", ZIP=str(extension_zip), BLEND=str(blend),
        STORY=(ROOT / "sample_scenes" / "hug.txt").read_text())
    reopened = blender_proc.run(INSTALL + '''
install()
bpy.ops.wm.open_mainfile(filepath=BLEND)
scene = bpy.context.scene
edit = scene.story_edit
before = {"screenplay": bpy.data.texts["Screenplay.json"].as_string(),
          "seed": scene.story_motion.seed,
          "story": scene.story_motion.story_text.name if scene.story_motion.story_text else None,
          "lists": [len(edit.cast), len(edit.beats)], "dirty": edit.dirty,
          "duration": edit.beats[0].duration_s}
ret = sorted(bpy.ops.story.animate())
status = scene.story_motion.last_status


def strip_counts():
    return sorted(len(o.animation_data.nla_tracks["Story Motion"].strips)
                  for o in bpy.data.objects if o.type == "ARMATURE")


animated = strip_counts()
recast = sorted(bpy.ops.story.cast())          # the whole cast rebuilt: the motion stays on
emit({**before, "ret": ret, "status": status, "strips": animated,
      "recast": [recast, strip_counts()]})
''', tmp_path / "open", ZIP=str(extension_zip), BLEND=str(blend))

    assert reopened["screenplay"] == saved["screenplay"]
    assert reopened["seed"] == 3 and reopened["story"] == "Story"
    assert reopened["lists"] == [2, 3]
    assert reopened["dirty"] and reopened["duration"] == pytest.approx(2.5)
    assert reopened["ret"] == ["FINISHED"] and reopened["status"].startswith("Animated 2")
    assert min(reopened["strips"]) >= 1
    assert reopened["recast"] == [["FINISHED"], reopened["strips"]]
