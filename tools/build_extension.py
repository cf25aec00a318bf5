"""Build the extension zip with Blender's own extension tool.

    python tools/build_extension.py [--output-dir dist]

Runs `blender_ext.py build` from the `bpy` package of this interpreter, with Blender's list of
valid tags, so the zip is laid out and checked exactly as `blender --command extension build`
would do it.  `bpy` is located, not imported.
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bpy_dir() -> Path:
    """The installed `bpy` package folder (found without importing bpy)."""
    spec = importlib.util.find_spec("bpy")
    if spec is None or spec.origin is None:
        raise SystemExit(f"bpy is not installed for {sys.executable}; run `make setup`")
    return Path(spec.origin).parent


def _versioned(relative: str) -> Path:
    """`relative` inside the bpy package's `<major>.<minor>/` data folder."""
    matches = sorted(bpy_dir().glob(f"[0-9]*.[0-9]*/{relative}"))
    if not matches:
        raise SystemExit(f"{relative} not found in {bpy_dir()}")
    return matches[-1]


def blender_ext() -> Path:
    """Blender's extension command line tool (build, validate, ...)."""
    return _versioned("scripts/addons_core/bl_pkg/cli/blender_ext.py")


def valid_tags() -> Path:
    """The tag list Blender applies when it builds or validates an extension."""
    return _versioned("scripts/modules/_bpy_internal/extensions/tags.py")


def manifest(source_dir: Path = ROOT) -> dict:
    with open(source_dir / "blender_manifest.toml", "rb") as fh:
        return tomllib.load(fh)


def run_blender_ext(*args: str) -> subprocess.CompletedProcess:
    """Run blender_ext.py with the tag list Blender uses; output is captured as text."""
    command = args[0]
    cmd = [sys.executable, str(blender_ext()), command, f"--valid-tags={valid_tags()}", *args[1:]]
    return subprocess.run(cmd, capture_output=True, text=True)


def build(output_dir: Path = ROOT / "dist", source_dir: Path = ROOT) -> Path:
    """Build `<id>-<version>.zip` into `output_dir` and return its path."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    data = manifest(source_dir)
    target = output_dir / f"{data['id']}-{data['version']}.zip"
    target.unlink(missing_ok=True)
    proc = run_blender_ext("build", "--source-dir", str(source_dir),
                           "--output-dir", str(output_dir))
    if proc.returncode != 0 or not target.exists():
        raise RuntimeError(f"blender_ext.py build failed (exit {proc.returncode}):\n"
                           f"{proc.stdout}{proc.stderr}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output-dir", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    try:
        path = build(args.output_dir)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
