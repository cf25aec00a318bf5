"""The built extension zip installs into Blender, works, and leaves nothing behind.

Each test runs its own Blender (`bpy` in a fresh process, user folders in a temporary
directory) and installs the zip the way a user does, from the file.
"""
from __future__ import annotations

import pytest

import blender_proc
from layout_recorder import RECORDER

STORY = "A man wearing a helmet turns his head."

# Shared by the snippets: install the zip, and look at what is registered.
INSTALL = '''
import bpy  # first: it puts Blender's own modules (addon_utils, ...) on sys.path

import addon_utils

MODULE = "bl_ext.user_default.story_motion"


def install():
    bpy.ops.extensions.package_install_files(
        filepath=ZIP, repo="user_default", enable_on_install=True)
    # The operator has been seen to return FINISHED on failure: ask addon_utils.
    loaded_default, loaded_state = addon_utils.check(MODULE)
    assert loaded_state, f"{MODULE} is not enabled after installing {ZIP}"


def story_classes():
    """Registered STORY_* classes; bpy.types lists operators and panels but not property
    groups or preferences, so the registrable base classes are asked too."""
    names = {n for n in dir(bpy.types) if n.startswith("STORY_")}
    for base in (bpy.types.PropertyGroup, bpy.types.AddonPreferences, bpy.types.Operator,
                 bpy.types.Panel):
        names |= {c.__name__ for c in base.__subclasses__()
                  if c.__name__.startswith("STORY_") and c.is_registered}
    return sorted(names)


def registered():
    """What the add-on adds to Blender right now."""
    return {
        "classes": story_classes(),
        "scene_property": "story_motion" in bpy.types.Scene.bl_rna.properties,
        "operator": "parse" in dir(bpy.ops.story),
        "addon": MODULE in bpy.context.preferences.addons,
    }


def screenplay():
    import json
    text = bpy.data.texts.get("Screenplay.json")
    if text is None:
        return None
    return {"data": json.loads(text.as_string()), "stage": text.get("story_stage"),
            "parser": text.get("story_parser"), "warnings": text.get("story_warnings")}
'''

EXPECTED_CLASSES = ["STORY_AddonPreferences", "STORY_BeatItem", "STORY_CastItem",
                    "STORY_GarmentItem", "STORY_MT_story", "STORY_OT_animate", "STORY_OT_beat_add",
                    "STORY_OT_beat_move", "STORY_OT_beat_remove", "STORY_OT_cast",
                    "STORY_OT_clear_cache", "STORY_OT_fetch_sources",
                    "STORY_OT_generate", "STORY_OT_generate_cancel", "STORY_OT_jump_to_shot",
                    "STORY_OT_lock_shot_camera", "STORY_OT_open_output_folder",
                    "STORY_OT_open_story", "STORY_OT_parse", "STORY_OT_rebuild_character",
                    "STORY_OT_render", "STORY_OT_screenplay_apply", "STORY_OT_screenplay_load",
                    "STORY_OT_shoot", "STORY_OT_simulate", "STORY_OT_stage", "STORY_PT_main",
                    "STORY_PT_screenplay",
                    "STORY_PT_screenplay_beats", "STORY_PT_screenplay_cast",
                    "STORY_PT_screenplay_props", "STORY_PT_screenplay_rerun", "STORY_PT_shots",
                    "STORY_PropItem", "STORY_SceneSettings", "STORY_ScreenplayEdit",
                    "STORY_UL_beats", "STORY_UL_cast", "STORY_UL_props"]


def test_package_imports_without_bpy(tmp_path):
    """The CLI and the tests import the package outside Blender: only register() needs bpy."""
    out = blender_proc.run('''
import importlib, importlib.util, sys
spec = importlib.util.spec_from_file_location(
    "story_motion", _os.path.join(STORY_TEST_REPO, "__init__.py"),
    submodule_search_locations=[STORY_TEST_REPO])
package = importlib.util.module_from_spec(spec)
sys.modules["story_motion"] = package
spec.loader.exec_module(package)
for name in ("story_motion.addon.screenplay", "story_motion.addon.story.understand",
             "story_motion.addon.blender.screenplay_store"):
    importlib.import_module(name)
emit({"bpy": "bpy" in sys.modules, "register": callable(package.register)})
''', tmp_path, STORY_TEST_REPO=str(blender_proc.ROOT))
    assert out == {"bpy": False, "register": True}


@pytest.fixture(scope="module")
def extension_zip(tmp_path_factory):
    return blender_proc.load_build_tool().build(tmp_path_factory.mktemp("dist"))


def run(code, tmp_path, extension_zip, **values):
    return blender_proc.run(INSTALL + code, tmp_path, ZIP=str(extension_zip), **values)


def test_installed_zip_parses_a_story_then_uninstalls_without_leftovers(tmp_path, extension_zip):
    out = run('''
install()
before = registered()
ret = bpy.ops.story.parse(text=STORY)
sp = screenplay()
scene = bpy.context.scene
status = scene.story_motion.last_status
cast_ret = bpy.ops.story.cast()
cast_status = scene.story_motion.last_status
rigs = sorted(o.name for o in bpy.data.objects if o.type == "ARMATURE")
helmet = [o.parent_bone for o in bpy.data.objects if o.get("story_accessory") == "helmet"]
animate_ret = bpy.ops.story.animate()
strips = [len(o.animation_data.nla_tracks["Story Motion"].strips) for o in bpy.data.objects
          if o.type == "ARMATURE"]
simulate_ret = bpy.ops.story.simulate()
simulate_status = scene.story_motion.last_status
physics = "PhysicsReport.json" in bpy.data.texts
story = bpy.data.texts["Story"].as_string()
pointer = scene.story_motion.story_text.name if scene.story_motion.story_text else None

addon_utils.disable(MODULE, default_set=True)
disabled = registered()
repos = bpy.context.preferences.extensions.repos
index = next(i for i, r in enumerate(repos) if r.module == "user_default")
bpy.ops.extensions.package_uninstall(
    repo_directory=repos[index].directory, repo_index=index, pkg_id="story_motion")
import os
emit({"before": before, "ret": sorted(ret), "cast": [sorted(cast_ret), cast_status, rigs, helmet],
      "animate": [sorted(animate_ret), strips],
      "simulate": [sorted(simulate_ret), simulate_status, physics],
      "sp": sp, "story": story, "pointer": pointer,
      "status": status, "disabled": disabled, "after": registered(),
      "check": list(addon_utils.check(MODULE)),
      "installed": os.path.exists(os.path.join(repos[index].directory, "story_motion"))})
''', tmp_path, extension_zip, STORY=STORY)

    assert out["before"]["classes"] == EXPECTED_CLASSES
    assert out["before"]["scene_property"] and out["before"]["addon"]
    assert out["ret"] == ["FINISHED"]
    sp = out["sp"]
    assert sp is not None, "no Text 'Screenplay.json' after story.parse"
    assert sp["stage"] == "parse"
    assert len(sp["data"]["cast"]) >= 1
    assert "helmet" in str(sp["data"]).lower()
    assert out["story"] == STORY and out["pointer"] == "Story"
    assert out["status"].startswith("Parsed")
    cast_ret, cast_status, rigs, helmet = out["cast"]
    assert cast_ret == ["FINISHED"] and cast_status.startswith("Built 1 character")
    assert len(rigs) == 1 and helmet == ["head"]    # the packaged body kit works
    animate_ret, strips = out["animate"]
    assert animate_ret == ["FINISHED"] and strips[0] >= 1   # and the motion library
    simulate_ret, simulate_status, physics = out["simulate"]
    assert simulate_ret == ["FINISHED"] and physics, simulate_status
    assert simulate_status.startswith("Simulated")

    for state in (out["disabled"], out["after"]):
        assert state["classes"] == []
        assert not state["scene_property"]
        assert not state["addon"]
    assert out["check"] == [False, False]
    assert not out["installed"]


def test_register_unregister_register_cycle_restores_everything(tmp_path, extension_zip):
    out = run('''
import importlib, sys
install()
states = [registered()]
addon_utils.disable(MODULE, default_set=True)
states.append(registered())
addon_utils.enable(MODULE, default_set=True, handle_error=lambda exc: (_ for _ in ()).throw(exc))
states.append(registered())
first = bpy.ops.story.parse(text=STORY)

# The package's own functions, as "Reload Scripts" and developers call them.
mod = sys.modules[MODULE]
mod.unregister()
states.append(registered())
mod.register()
states.append(registered())

# Reloading the package re-imports the submodules on the next register().
addon_utils.disable(MODULE, default_set=True)
old_operator = sys.modules[MODULE + ".operators.parse"]
importlib.reload(mod)
addon_utils.enable(MODULE, default_set=True, handle_error=lambda exc: (_ for _ in ()).throw(exc))
states.append(registered())
reimported = sys.modules[MODULE + ".operators.parse"] is not old_operator
bpy.data.texts.remove(bpy.data.texts["Screenplay.json"])
second = bpy.ops.story.parse(text=STORY)
emit({"states": states, "first": sorted(first), "second": sorted(second),
      "reimported": reimported, "sp": screenplay() is not None})
''', tmp_path, extension_zip, STORY=STORY)

    on, off, on_again, unregistered, registered_again, reloaded = out["states"]
    for state in (on, on_again, registered_again, reloaded):
        assert state["classes"] == EXPECTED_CLASSES
        assert state["scene_property"] and state["operator"]
    for state in (off, unregistered):
        assert state["classes"] == [] and not state["scene_property"]
    assert out["first"] == out["second"] == ["FINISHED"]
    assert out["reimported"] and out["sp"]


def test_preferences_belong_to_the_extension_module(tmp_path, extension_zip):
    out = run('''
install()
prefs = bpy.context.preferences.addons[MODULE].preferences
props = type(prefs).bl_rna.properties
emit({"bl_idname": type(prefs).bl_idname, "class": type(prefs).__name__,
      "backend": prefs.parser_backend,
      "backends": [i.identifier for i in props["parser_backend"].enum_items],
      "key_subtype": props["llm_api_key"].subtype,
      "fields": [p for p in ("llm_url", "llm_model", "llm_api_key", "llm_timeout_s")
                 if p in props]})
''', tmp_path, extension_zip)

    assert out["bl_idname"] == "bl_ext.user_default.story_motion"
    assert out["class"] == "STORY_AddonPreferences"
    assert out["backend"] == "BUILTIN" and out["backends"] == ["BUILTIN", "LLM"]
    assert out["key_subtype"] == "PASSWORD"
    assert out["fields"] == ["llm_url", "llm_model", "llm_api_key", "llm_timeout_s"]


def test_parse_failures_report_one_line_and_cancel(tmp_path, extension_zip):
    out = run('''
install()


def parse(**kwargs):
    try:
        bpy.ops.story.parse(**kwargs)
    except RuntimeError as exc:
        return str(exc)
    return None

settings = bpy.context.scene.story_motion
no_story = parse()
no_story_status = settings.last_status
settings.story_text = bpy.data.texts.new("Notes")
settings.story_text.from_string("The sky is blue and quiet.")
unparsable = parse()
emit({"no_story": no_story, "no_story_status": no_story_status, "unparsable": unparsable,
      "status": settings.last_status, "sp": screenplay()})
''', tmp_path, extension_zip)

    for error in (out["no_story"], out["unparsable"]):
        assert error is not None, "story.parse should cancel with an error"
        assert "Traceback" not in error
        assert len(error.strip().splitlines()) == 1, error
    assert "No story" in out["no_story"] and out["no_story_status"].startswith("No story")
    assert "Could not parse the story" in out["unparsable"]
    assert out["status"].startswith("Could not parse the story")
    assert out["sp"] is None


def test_llm_backend_with_online_access_off_uses_the_builtin_parser(tmp_path, extension_zip):
    out = run('''
install()
prefs = bpy.context.preferences.addons[MODULE].preferences
prefs.parser_backend = 'LLM'
prefs.llm_url = "http://127.0.0.1:9/v1"
prefs.llm_model = "any"
ret = bpy.ops.story.parse(text=STORY)
emit({"online": bpy.app.online_access, "ret": sorted(ret), "sp": screenplay()})
''', tmp_path, extension_zip, STORY=STORY)

    assert out["online"] is False
    assert out["ret"] == ["FINISHED"]
    assert out["sp"]["parser"] == "builtin"
    assert "online access is off" in out["sp"]["warnings"]


def test_open_story_creates_the_story_text_and_shows_it_in_a_text_editor(
        tmp_path, extension_zip):
    out = run('''
install()
settings = bpy.context.scene.story_motion
first = bpy.ops.story.open_story()                 # no Text Editor anywhere
created = settings.story_text.name if settings.story_text else None
window = bpy.context.window_manager.windows[0]
area = window.screen.areas[0]
area.type = 'TEXT_EDITOR'
with bpy.context.temp_override(window=window, area=area):
    second = bpy.ops.story.open_story()
emit({"ret": sorted(first) + sorted(second), "created": created,
      "texts": [t.name for t in bpy.data.texts], "shown": area.spaces.active.text.name})
''', tmp_path, extension_zip)

    assert out["ret"] == ["FINISHED", "FINISHED"]
    assert out["created"] == "Story" and out["texts"] == ["Story"]
    assert out["shown"] == "Story"


def test_llm_backend_with_online_access_on_sends_the_story_to_the_endpoint(
        tmp_path, extension_zip):
    from fake_llm_server import FakeLLMServer, chat_reply

    key = "sk-test-PREFERENCES-KEY-42"
    answer = ('{"version": 1, "language": "en", "title": "From the LLM", '
              '"cast": [{"id": "rider", "name": "Rider", "accessories": ["helmet"]}], '
              '"beats": [{"id": "b1", "actor": "rider", "action": "turn"}]}')
    with FakeLLMServer() as server:
        server.reply(chat_reply(answer))
        out = run('''
install()
bpy.context.preferences.system.use_online_access = True
prefs = bpy.context.preferences.addons[MODULE].preferences
prefs.parser_backend = 'LLM'
prefs.llm_url, prefs.llm_model, prefs.llm_api_key = URL, "fake-model", KEY
ret = bpy.ops.story.parse(text=STORY)
import os
path = os.path.join(os.getcwd(), "scene.blend")
bpy.ops.wm.save_as_mainfile(filepath=path, compress=False)
with open(path, "rb") as fh:
    key_in_blend = KEY.encode() in fh.read()
emit({"online": bpy.app.online_access, "ret": sorted(ret), "sp": screenplay(),
      "key_in_blend": key_in_blend})
''', tmp_path, extension_zip, STORY=STORY, URL=server.url, KEY=key)
        requests = list(server.requests)

    assert out["online"] is True and out["ret"] == ["FINISHED"]
    assert out["sp"]["parser"] == "llm"
    assert out["sp"]["data"]["title"] == "From the LLM"
    assert len(requests) == 1
    assert requests[0].headers.get("authorization") == f"Bearer {key}"
    assert STORY in str(requests[0].json()["messages"])
    assert not out["key_in_blend"], "the API key must stay in the preferences, not the .blend"


def test_panel_and_preferences_draw_only_existing_properties_operators_and_icons(
        tmp_path, extension_zip):
    """Blender draws panels only with a window; this draws them into a recording layout that
    checks every property, operator and icon name they use against Blender's RNA."""
    out = run('''
install()
import sys
''' + RECORDER + '''
package = sys.modules[MODULE]
panel = package.panels.story_panel.STORY_PT_main
prefs = bpy.context.preferences.addons[MODULE].preferences
panel.draw(Host(panel), bpy.context)                         # no screenplay yet
bpy.ops.story.parse(text=STORY)
panel.draw(Host(panel), bpy.context)                         # with a screenplay
bpy.data.texts["Screenplay.json"].from_string("{}}")
panel.draw(Host(panel), bpy.context)                         # with a broken one
for backend in ('BUILTIN', 'LLM'):
    prefs.parser_backend = backend
    type(prefs).draw(Host(prefs), bpy.context)
prefs.props_provider, prefs.motion_provider = 'RODIN', 'SAYMOTION'
type(prefs).draw(Host(prefs), bpy.context)
emit({"problems": problems, "drawn": drawn})
''', tmp_path, extension_zip, STORY=STORY)

    assert out["problems"] == []
    drawn = out["drawn"]
    for expected in ("story_text", "language", "seed", "story.parse", "story.open_story",
                     "parser_backend", "llm_url", "llm_model", "llm_api_key", "llm_timeout_s",
                     "props_provider", "motion_provider", "rodin_key", "saymotion_secret",
                     "model_folder", "story.clear_cache"):
        assert expected in drawn
    assert "Stored screenplay is invalid" in drawn
    assert any(t.startswith("Cast: ") for t in drawn)
