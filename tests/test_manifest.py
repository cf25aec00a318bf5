"""blender_manifest.toml passes Blender's own validator, and the built zip ships the right files.

Blender's extension tool (`blender_ext.py` from the bpy package, with Blender's list of valid
tags) is the judge; the Python checks below restate its main rules so a failure names the
field, and the negative tests prove the validator would catch a broken manifest.
"""
from __future__ import annotations

import re
import shutil
import tomllib
import zipfile

import pytest

import blender_proc

build_tool = blender_proc.load_build_tool()
ROOT = blender_proc.ROOT
MANIFEST = ROOT / "blender_manifest.toml"
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                    r"(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def _load_blender_tags() -> set[str]:
    namespace: dict = {}
    exec(build_tool.valid_tags().read_text(encoding="utf-8"), namespace)
    return namespace["addons"]


@pytest.fixture(scope="module")
def manifest() -> dict:
    with open(MANIFEST, "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def extension_zip(tmp_path_factory):
    return build_tool.build(tmp_path_factory.mktemp("dist"))


def _terse_problem(value: str) -> str | None:
    """Blender's rule for taglines and permission reasons."""
    if len(value) > 64:
        return f"{len(value)} characters, at most 64 allowed"
    if value != value.strip() or not value:
        return "empty or padded with spaces"
    if not (value[-1].isalnum() or value[-1] in ")]}"):
        return f"ends with {value[-1]!r}; must not end with punctuation"
    return None


def test_blender_validator_accepts_the_source_folder():
    proc = build_tool.run_blender_ext("validate", str(ROOT))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_blender_validator_accepts_the_built_zip(extension_zip):
    proc = build_tool.run_blender_ext("validate", str(extension_zip))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_identity_fields(manifest):
    assert manifest["schema_version"] == "1.0.0"
    assert manifest["id"] == "story_motion"
    assert manifest["id"].isidentifier() and not manifest["id"].startswith("_") \
        and not manifest["id"].endswith("_")
    assert SEMVER.match(manifest["version"]), manifest["version"]
    assert manifest["name"] == "Story Motion"
    assert manifest["type"] == "add-on"
    assert manifest["maintainer"].strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["blender_version_min"])
    assert tuple(map(int, manifest["blender_version_min"].split("."))) >= (4, 2, 0)


def test_tagline_is_short_without_trailing_punctuation(manifest):
    assert _terse_problem(manifest["tagline"]) is None, manifest["tagline"]


def test_license_is_a_list_of_spdx_ids(manifest):
    licenses = manifest["license"]
    assert isinstance(licenses, list) and licenses
    for value in licenses:
        assert re.fullmatch(r"SPDX:[A-Za-z0-9.+-]+", value), value
    assert "SPDX:GPL-3.0-or-later" in licenses


def test_tags_are_blender_tags(manifest):
    assert set(manifest["tags"]) <= _load_blender_tags()


def test_permissions_give_short_reasons(manifest):
    permissions = manifest["permissions"]
    assert set(permissions) == {"network", "files"}
    for key, reason in permissions.items():
        assert _terse_problem(reason) is None, f"permissions.{key}: {reason!r}"


BROKEN = {
    "long tagline": ("tagline", "x" * 65),
    "tagline ending in a full stop": ("tagline", "Turn a story into shots."),
    "id with a dash": ("id", "story-motion"),
    "id with a trailing underscore": ("id", "story_motion_"),
    "version not semantic": ("version", "0.1"),
    "permission reason ending in a full stop": ("network", "Talk to an LLM endpoint."),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_blender_validator_refuses_a_broken_manifest(case, tmp_path):
    key, value = BROKEN[case]
    text = MANIFEST.read_text(encoding="utf-8")
    broken, count = re.subn(rf'(?m)^{key} = ".*"$', f"{key} = \"{value}\"", text)
    assert count == 1, f"no single '{key} = ...' line in the manifest"
    (tmp_path / "blender_manifest.toml").write_text(broken, encoding="utf-8")
    shutil.copy(ROOT / "__init__.py", tmp_path / "__init__.py")

    proc = build_tool.run_blender_ext("validate", str(tmp_path))
    assert proc.returncode != 0, f"validator accepted {case}:\n{proc.stdout}{proc.stderr}"
    assert key in proc.stdout + proc.stderr


def test_zip_ships_the_extension_and_nothing_of_development(extension_zip):
    names = zipfile.ZipFile(extension_zip).namelist()
    for required in ("__init__.py", "blender_manifest.toml", "addon/__init__.py",
                     "addon/screenplay.py", "addon/blender/screenplay_store.py",
                     "operators/parse.py", "panels/preferences.py", "panels/story_panel.py"):
        assert required in names, f"{required} missing from {extension_zip.name}"
    excluded = ("tests/", "tools/", "benchmarks/", ".ci/", ".venv", ".git", "dist/", "out/",
                "__pycache__/")
    leaked = [n for n in names if n.startswith(excluded) or "/__pycache__/" in n
              or ".egg-info/" in n
              or n.endswith((".pyc", ".blend", ".blend1", ".zip"))
              or n in ("Makefile", "pyproject.toml")]
    assert leaked == [], f"development files in the zip: {leaked}"


def test_make_build_names_the_zip_after_id_and_version(extension_zip, manifest):
    assert extension_zip.name == f"{manifest['id']}-{manifest['version']}.zip"
    assert zipfile.ZipFile(extension_zip).testzip() is None


def test_pyproject_lists_every_package_that_ships():
    """A wheel only holds the packages pyproject.toml lists (an editable install finds any)."""
    with open(ROOT / "pyproject.toml", "rb") as fh:
        listed = set(tomllib.load(fh)["tool"]["setuptools"]["packages"])
    skip = {"tests", "tools", "benchmarks", "dist", "build", "out", "sample_scenes"}
    found = {"story_motion"}
    for init in ROOT.rglob("__init__.py"):
        parts = init.parent.relative_to(ROOT).parts
        if parts and (parts[0] in skip or any(p.startswith(".") or p == "__pycache__"
                                              for p in parts)):
            continue
        found.add(".".join(("story_motion", *parts)))
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
