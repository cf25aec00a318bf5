"""The render job as Open Job Description: written by `story-motion openjd`, validated by
openjd-model, and run locally with `openjd run` (openjd-cli), as a farm worker would."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from test_render_blender import EXE, SCENE, read
import blender_proc

OPENJD = shutil.which("openjd", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(EXE is None or OPENJD is None,
                                reason="story-motion or openjd-cli is not installed here "
                                       "(pip install -e '.[test]')")


def test_openjd_job_runs_locally_and_renders_every_frame(tmp_path):
    blend = Path(blender_proc.run(SCENE, tmp_path / "scene", out=str(tmp_path / "s.blend")))
    bundle, output = tmp_path / "job", tmp_path / "farm out"          # a space in a path
    p = subprocess.run([EXE, "openjd", str(blend), "-o", str(bundle), "--render-output",
                        str(output), "--chunk-size", "5", "--resolution", "64x36",
                        "--samples", "1", "--step", "1"],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    written = json.loads(p.stdout)
    assert written["validated"] and written["tasks"] == 3 and written["frames"] == 12
    template = json.loads((bundle / "template.json").read_text())
    assert [t["range"] for t in template["steps"][0]["parameterSpace"]
            ["taskParameterDefinitions"]] == [["1-5", "6-10", "11-12"]]
    values = json.loads((bundle / "parameter_values.json").read_text())["parameterValues"]
    assert {v["name"]: v["value"] for v in values} == {"BlendFile": str(blend),
                                                       "OutputDir": str(output)}
    run = subprocess.run([OPENJD, "run", str(bundle / "template.json"),
                          "-p", f"BlendFile={blend}", "-p", f"OutputDir={output}",
                          "-p", f"StoryMotion={EXE}", "--output", "json"],
                         capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    frames = sorted((output / "frames").glob("*.png"))
    assert [f.name for f in frames] == [f"{i:04d}.png" for i in range(1, 13)]
    got = read(tmp_path, frames, output / "video.mp4", output / "storyboard.png")
    assert {tuple(s) for s in got["size"].values()} == {(64, 36)}
    assert got["video"]["frames"] == 12
    assert len(json.loads((output / "shots.json").read_text())) == 2


def test_openjd_refuses_a_missing_blend(tmp_path):
    p = subprocess.run([EXE, "openjd", str(tmp_path / "nope.blend"), "-o", str(tmp_path / "j")],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr.strip() == f"story-motion: error: blend file not found: {tmp_path / 'nope.blend'}"
