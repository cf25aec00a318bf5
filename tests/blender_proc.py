"""Run a snippet of Python in a fresh interpreter with Blender's `bpy`, and get its result.

One Blender per process: extension installs, registration and open files do not leak between
tests.  The snippet calls `emit(obj)` with something JSON-able; `run()` returns that object.
Blender's user folders (config, scripts, extensions) point into a temporary folder, so the
user's own Blender set-up is never read or changed.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_PRELUDE = '''\
import json as _json, os as _os, sys as _sys
if _os.environ.get("STORY_TEST_REPO_ON_PATH"):
    _sys.path.insert(0, _os.environ["STORY_TEST_REPO"])

def emit(obj):
    with open(_os.environ["STORY_TEST_RESULT"], "w", encoding="utf-8") as _fh:
        _json.dump(obj, _fh)

'''


def load_build_tool():
    """tools/build_extension.py as a module (tools/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_extension",
                                                  ROOT / "tools" / "build_extension.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def blender_env(home: Path) -> dict[str, str]:
    """Environment whose Blender user folders all lie under `home`."""
    env = dict(os.environ)
    for var, sub in (("BLENDER_USER_RESOURCES", "resources"), ("BLENDER_USER_CONFIG", "config"),
                     ("BLENDER_USER_SCRIPTS", "scripts"), ("BLENDER_USER_DATAFILES", "datafiles"),
                     ("BLENDER_USER_EXTENSIONS", "extensions")):
        env[var] = str(home / sub)
    return env


def run(code: str, tmp_path: Path, *, repo_on_path: bool = False, timeout: float = 300,
        **values) -> object:
    """Run `code` in a new `sys.executable` process and return what it emitted.

    `values` become module globals of the snippet (JSON-able: paths as str).  With
    `repo_on_path` the repository root is importable (`import addon...`); without it, only
    what Blender installed is.  Fails the test with the process output when the snippet
    raises, exits non-zero or emits nothing.
    """
    tmp_path.mkdir(parents=True, exist_ok=True)
    script = tmp_path / "snippet.py"
    result = tmp_path / "result.json"
    result.unlink(missing_ok=True)
    assigns = "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items())
    script.write_text(_PRELUDE + assigns + textwrap.dedent(code), encoding="utf-8")
    env = blender_env(tmp_path / "blender_home")
    env.update(STORY_TEST_RESULT=str(result), STORY_TEST_REPO=str(ROOT))
    if repo_on_path:
        env["STORY_TEST_REPO_ON_PATH"] = "1"
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=timeout)
    output = f"--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n{proc.stderr[-6000:]}"
    if proc.returncode != 0:
        raise AssertionError(f"snippet exited with {proc.returncode}\n{output}")
    if not result.exists():
        raise AssertionError(f"snippet emitted no result\n{output}")
    return json.loads(result.read_text(encoding="utf-8"))
