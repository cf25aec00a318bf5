"""Every Story panel draws without error for an empty, a parsed-only and a generated scene, and
while a job runs: drawn into a recording layout (Blender draws panels only with a window) that
checks each property, operator, operator setting and icon against Blender's RNA."""
from __future__ import annotations

import pytest

import blender_proc
from layout_recorder import RECORDER as LAYOUT
from test_extension_install import INSTALL

STORY = "A man wearing a helmet turns his head."

RECORDER = LAYOUT + '''
import sys
package = sys.modules[MODULE]
PANELS = sorted((c for c in bpy.types.Panel.__subclasses__()
                 if c.__name__.startswith("STORY_PT") and c.is_registered),
                key=lambda c: c.__name__)


def draw(state):
    """Draw every Story panel its poll shows; returns what was drawn and which panels."""
    drawn.clear()
    shown = []
    for panel in PANELS:
        if hasattr(panel, "poll") and not panel.poll(bpy.context):
            continue
        shown.append(panel.__name__)
        for method in ("draw_header", "draw"):
            if hasattr(panel, method):
                getattr(panel, method)(Host(panel), bpy.context)
    return {"state": state, "drawn": list(drawn), "panels": shown}
'''


@pytest.fixture(scope="module")
def extension_zip(tmp_path_factory):
    return blender_proc.load_build_tool().build(tmp_path_factory.mktemp("dist"))


def test_every_panel_draws_for_empty_partial_complete_and_running_scenes(
        tmp_path, extension_zip):
    out = blender_proc.run(INSTALL + '''
install()
''' + RECORDER + '''
scene = bpy.context.scene
for obj in [o for o in bpy.data.objects if o.type == "CAMERA"]:   # the startup file's
    bpy.data.objects.remove(obj)
states = [draw("empty")]
bpy.ops.story.parse(text=STORY)
states.append(draw("parsed"))
scene.story_motion.render_after_generate = False
bpy.ops.story.generate()
states.append(draw("complete"))
common = package.operators.common
job = package.operators.generate.generate_job(scene)
common._running[:] = [job]
scene.story_motion.progress, scene.story_motion.progress_text = 0.4, job.status
states.append(draw("running"))
common._running.clear()
shots = package.panels.shots_panel.scene_shots(scene, bpy.data)[0]
emit({"problems": problems, "states": states, "shots": [s.name for s in shots]})
''', tmp_path, ZIP=str(extension_zip), STORY=STORY)

    assert out["problems"] == []
    for state in out["states"]:
        assert {"STORY_PT_main", "STORY_PT_shots"} <= set(state["panels"]), state["state"]
    empty, parsed, complete, running = (s["drawn"] for s in out["states"])
    stages = ["story.parse", "story.cast", "story.stage", "story.animate", "story.simulate",
              "story.shoot",
              "story.render"]
    for drawn in (empty, parsed, complete):
        assert "story.generate" in drawn and "story.generate_cancel" not in drawn
        assert all(s in drawn for s in stages)
        assert "render_after_generate" in drawn and "output_folder" in drawn
        assert "story.render.preset=PREVIEW" in drawn and "story.render.preset=FINAL" in drawn
        assert "story.open_output_folder" in drawn
    assert "No shots yet: shoot the story" in empty and "No shots yet: shoot the story" in parsed
    assert any(t.startswith("Cast: ") for t in parsed)
    assert out["shots"]
    assert "story.jump_to_shot" in complete and "story.lock_shot_camera" in complete
    assert not any(t.startswith("No shots yet") for t in complete)
    assert any(t.startswith("Generate finished") for t in complete)
    assert "story.generate_cancel" in running and "story.generate" not in running
    assert "progress 0.40 Parsing the story (1/5)" in running


def test_every_story_operator_is_in_the_story_menu_so_f3_search_finds_it(
        tmp_path, extension_zip):
    """F3 search lists the operators that sit in a menu (without Developer Extras): every
    operator that needs nothing chosen first is in 3D Viewport > Object > Story Motion."""
    out = blender_proc.run(INSTALL + '''
install()
''' + RECORDER + '''
menu = bpy.types.STORY_MT_story
menu.draw(Host(menu), bpy.context)
ops = sorted(c.bl_idname for c in bpy.types.Operator.__subclasses__()
             if c.__name__.startswith("STORY_OT") and c.is_registered)
emit({"problems": problems, "drawn": drawn, "ops": ops,
      "in_object_menu": any(getattr(f, "__name__", "") == "_draw_in_object_menu"
                            for f in bpy.types.VIEW3D_MT_object._dyn_ui_initialize())})
''', tmp_path, ZIP=str(extension_zip))
    assert out["problems"] == []
    chosen_first = {"story.rebuild_character", "story.jump_to_shot", "story.lock_shot_camera",
                    "story.beat_add", "story.beat_move", "story.beat_remove"}
    assert set(out["ops"]) - chosen_first <= set(out["drawn"])
    assert out["in_object_menu"]


def test_the_one_line_prompt_writes_the_story_text_and_leaves_a_long_story_alone(
        tmp_path, extension_zip):
    out = blender_proc.run(INSTALL + '''
install()
settings = bpy.context.scene.story_motion
settings.prompt = "A little girl kicks a red ball across the park."
out = {"text": settings.story_text.name, "body": settings.story_text.as_string(),
       "parse": sorted(bpy.ops.story.parse())}
settings.story_text.from_string("Anna waves.\\nBen waves back.")
settings.prompt = "Overwritten?"
out["long"] = settings.story_text.as_string()
out["long_prompt"] = settings.prompt
emit(out)
''', tmp_path, ZIP=str(extension_zip))
    assert out["text"] == "Story" and out["body"].startswith("A little girl kicks")
    assert out["parse"] == ["FINISHED"]
    assert out["long"] == "Anna waves.\nBen waves back." and out["long_prompt"] == ""
