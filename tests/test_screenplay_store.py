"""The Screenplay stored in a .blend: round trip, tags, bad hand edits, and `inspect_scene`.

Runs Blender's `bpy` in a fresh process per test with the repository importable; needs no
story parser (the screenplays are built by hand).
"""
from __future__ import annotations

import json

import pytest

import blender_proc

# Shared by the snippets: a small valid screenplay.
SETUP = '''
import bpy
from addon.blender import screenplay_store as store
from addon.screenplay import Beat, CastMember, Prop, Screenplay

bpy.ops.wm.read_factory_settings(use_empty=True)
SP = Screenplay(
    title="Helmet",
    cast=[CastMember("man", "Man", accessories=["helmet"])],
    props=[Prop("ball", "ball", "ball")],
    beats=[Beat("b1", "man", "turn", duration_s=1.5),
           Beat("b2", "man", "kick", target="ball", after="b1", duration_s=1.0),
           Beat("b3", "ball", "roll", with_="b2", duration_s=2.0)],
)
'''


def run(code, tmp_path, **values):
    return blender_proc.run(SETUP + code, tmp_path, repo_on_path=True, **values)


def test_saved_screenplay_survives_saving_and_reopening_the_file(tmp_path):
    out = run('''
import os
text = store.save_screenplay(bpy.data, SP, story="A man turns.", warnings=["w1", "w2"],
                             parser="builtin")
tags = {k: text[k] for k in ("story_stage", "story_id")}
path = os.path.join(os.getcwd(), "scene.blend")
bpy.ops.wm.save_as_mainfile(filepath=path)
bpy.ops.wm.read_factory_settings(use_empty=True)
assert store.load_screenplay(bpy.data) is None
bpy.ops.wm.open_mainfile(filepath=path)
loaded = store.load_screenplay(bpy.data)
emit({"same": loaded == SP, "tags": tags, "story": bpy.data.texts["Story"].as_string(),
      "notes": store.parse_notes(bpy.data)})
''', tmp_path)
    assert out["same"]
    assert out["tags"] == {"story_stage": "parse", "story_id": "screenplay"}
    assert out["story"] == "A man turns."
    assert out["notes"] == {"parser": "builtin", "warnings": ["w1", "w2"]}


def test_saving_again_replaces_the_screenplay_and_its_warnings(tmp_path):
    out = run('''
store.save_screenplay(bpy.data, SP, warnings=["old"])
SP.title = "Second"
store.save_screenplay(bpy.data, SP)
emit({"texts": sorted(t.name for t in bpy.data.texts),
      "title": store.load_screenplay(bpy.data).title, "notes": store.parse_notes(bpy.data)})
''', tmp_path)
    assert out["texts"] == ["Screenplay.json"]      # no story given: no "Story" Text
    assert out["title"] == "Second"
    assert out["notes"]["warnings"] == []


def test_a_bad_hand_edit_raises_an_error_naming_the_text_and_the_field(tmp_path):
    out = run('''
from addon.screenplay import ScreenplayError
store.save_screenplay(bpy.data, SP)
text = bpy.data.texts["Screenplay.json"]
messages = []
for source in (text.as_string().replace('"actor": "man"', '"actor": "woman"', 1),
               "{ not json", ""):
    text.from_string(source)
    try:
        store.load_screenplay(bpy.data)
        messages.append(None)
    except ScreenplayError as exc:
        messages.append(str(exc))
emit(messages)
''', tmp_path)
    bad_actor, not_json, empty = out
    for message in out:
        assert message is not None and message.startswith('Text "Screenplay.json"')
        assert len(message.splitlines()) == 1
    assert "beats[0].actor" in bad_actor and "'woman'" in bad_actor
    assert "not JSON" in not_json and "not JSON" in empty


def test_inspect_scene_reports_frames_fps_and_the_beat_timeline(tmp_path):
    out = run('''
scene = bpy.data.scenes.new("Shot")
scene.render.fps, scene.render.fps_base = 30, 1.001
scene.frame_start, scene.frame_end = 1, 120
empty = store.inspect_scene(bpy.data, scene)
store.save_screenplay(bpy.data, SP, warnings=["kept"], parser="builtin")
full = store.inspect_scene(bpy.data, scene)
bpy.data.texts["Screenplay.json"].from_string("[]")
broken = store.inspect_scene(bpy.data, scene)
emit({"empty": empty, "full": full, "broken": broken})
''', tmp_path)
    json.dumps(out)
    full = out["full"]
    assert out["empty"]["screenplay"] is None
    assert full["fps"] == pytest.approx(30 / 1.001, abs=1e-4)   # fps_base is a float32
    assert (full["frame_start"], full["frame_end"], full["frames"]) == (1, 120, 120)
    sp = full["screenplay"]
    assert sp["title"] == "Helmet" and sp["language"] == "en"
    assert sp["cast"] == [{"id": "man", "name": "Man", "description": "",
                           "accessories": ["helmet"]}]
    assert sp["props"] == [{"id": "ball", "name": "ball", "category": "ball"}]
    times = {b["id"]: (b["start_s"], b["end_s"]) for b in sp["beats"]}
    assert times == {"b1": (0.0, 1.5), "b2": (1.5, 2.5), "b3": (1.5, 3.5)}
    assert sp["duration_s"] == 3.5
    assert sp["warnings"] == ["kept"] and sp["parser"] == "builtin"
    assert out["broken"]["screenplay"] is None
    assert "Screenplay.json" in out["broken"]["screenplay_error"]
