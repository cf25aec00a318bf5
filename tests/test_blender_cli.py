"""blender_cli.py: the same command line inside Blender, through the installed extension."""
import json

import pytest

import blender_proc

SNIPPET = '''
import bpy
import addon_utils, io, os, runpy, sys, contextlib
bpy.ops.extensions.package_install_files(filepath=ZIP, repo="user_default",
                                         enable_on_install=True)
assert addon_utils.check("bl_ext.user_default.story_motion")[1]
script = os.path.join(bpy.utils.user_resource("EXTENSIONS"), "user_default", "story_motion",
                      "blender_cli.py")
sys.argv = ["blender", "-b", "--python-exit-code", "1", "--python", script, "--", *ARGS]
out = io.StringIO()
try:
    with contextlib.redirect_stdout(out):
        runpy.run_path(script, run_name="__main__")
    code = None
except SystemExit as exc:
    code = exc.code
import bl_ext.user_default.story_motion.addon.cli as cli_module
emit({"code": code, "stdout": out.getvalue(), "script": script,
      "engine": cli_module.__name__})
'''


@pytest.fixture(scope="module")
def extension_zip(tmp_path_factory):
    return blender_proc.load_build_tool().build(tmp_path_factory.mktemp("dist"))


def test_parse_runs_through_the_installed_extension(tmp_path, extension_zip):
    story = tmp_path / "story.txt"
    story.write_text("Anna waves at Ben. She walks up to him and hugs him.", encoding="utf-8")
    out = blender_proc.run(SNIPPET, tmp_path / "run", ZIP=str(extension_zip),
                           ARGS=["parse", str(story)])
    assert out["code"] == 0
    assert out["engine"] == "bl_ext.user_default.story_motion.addon.cli"
    sp = json.loads(out["stdout"])
    assert [b["action"] for b in sp["beats"]] == ["wave", "walk", "hug"]


def test_failure_exits_blender_with_the_command_code(tmp_path, extension_zip):
    out = blender_proc.run(SNIPPET, tmp_path / "run", ZIP=str(extension_zip),
                           ARGS=["parse", str(tmp_path / "missing.txt")])
    assert out["code"] == 1 and out["stdout"] == ""
