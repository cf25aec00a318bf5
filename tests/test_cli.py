"""The story-motion command as a user runs it: JSON on stdout, one-line errors, exit codes."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXE = shutil.which("story-motion", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(EXE is None, reason="story-motion is not installed in this "
                                                    "environment (run the README set-up)")


def run(*args, cwd=None):
    p = subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                       timeout=300)
    return p.returncode, p.stdout, p.stderr


def test_parse_prints_the_screenplay_json(tmp_path):
    story = tmp_path / "s.txt"
    story.write_text("A man wearing a helmet turns his head.", encoding="utf-8")
    code, out, err = run("parse", story)
    assert code == 0, err
    sp = json.loads(out)
    assert sp["version"] == 1 and sp["cast"][0]["accessories"] == ["helmet"]


def test_parse_writes_a_file_and_reports_warnings_on_stderr(tmp_path):
    story = tmp_path / "s.txt"
    story.write_text("Tom glorps.", encoding="utf-8")
    code, out, err = run("parse", story, "-o", tmp_path / "sp.json")
    assert code == 0
    summary = json.loads(out)
    assert summary["beats"] == 1 and "glorps" in summary["warnings"][0]
    assert "warning: unknown action word 'glorps'" in err
    assert json.loads((tmp_path / "sp.json").read_text())["beats"][0]["action"] == "idle"


@pytest.mark.parametrize("args, code, message", [
    (["parse", "/no/such/story.txt"], 1, "story file not found: /no/such/story.txt"),
    (["parse", "story.txt", "--bogus"], 2, "unrecognized arguments: --bogus"),
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    (["parse", "latin1.txt"], 1, "latin1.txt is not UTF-8 text"),
    (["parse", "empty.txt"], 1, "the story is empty"),
    (["build", "bad.json", "-o", "x.blend"], 1, "bad.json: invalid screenplay:"),
    (["build", "story.txt", "-o", "x.png"], 1, "output must be a .blend file"),
    (["build", "story.txt", "-o", "x.blend", "--stages", "render"], 1, "unknown stage 'render'"),
    (["build", "story.txt", "-o", "x.blend", "--seed", "99999999999"], 2, "outside 0 to"),
    (["inspect", "missing.blend"], 1, "blend file not found"),
    (["inspect", "story.txt"], 1, "cannot open story.txt"),
])
def test_failures_exit_non_zero_with_one_line(tmp_path, args, code, message):
    (tmp_path / "story.txt").write_text("Anna waves.", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Zoë waves at Renée.".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"beats": [{"id": "b1"}]}', encoding="utf-8")
    got, out, err = run(*args, cwd=tmp_path)
    assert got == code
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("story-motion: error: ") and message in lines[0]


def test_build_then_inspect_round_trips_the_screenplay(tmp_path):
    blend = tmp_path / "scene.blend"
    code, out, err = run("build", ROOT / "sample_scenes" / "hug.txt", "-o", blend, "--seed", 7)
    assert code == 0, err
    built = json.loads(out)
    assert blend.is_file() and built["stages"] == ["parse", "cast", "animate", "simulate", "shoot"]
    assert sorted(built["cast"]["characters"]) == ["anna", "ben"]
    code, out, err = run("inspect", blend)
    assert code == 0, err
    info = json.loads(out)
    assert info["seed"] == 7 and info["fps"] == 24
    assert sorted(info["rigs"]) == ["anna", "ben"] and info["set"] == "room"
    assert all(r["deform_bones"] == 104 for r in info["rigs"].values())
    sp = info["screenplay"]
    assert [c["id"] for c in sp["cast"]] == ["anna", "ben"]
    assert [b["action"] for b in sp["beats"]] == ["wave", "walk", "hug"]
    # The animate stage sets the frame range to the staged story's length.
    assert info["frame_end"] == 1 + built["animate"]["frames"]


def test_build_can_stop_after_parsing(tmp_path):
    blend = tmp_path / "parsed.blend"
    code, out, err = run("build", ROOT / "sample_scenes" / "hug.txt", "-o", blend,
                         "--stages", "parse")
    assert code == 0, err
    assert json.loads(out)["stages"] == ["parse"] and "cast" not in json.loads(out)
    code, out, err = run("inspect", blend)
    assert json.loads(out)["rigs"] == {}


def test_build_accepts_a_screenplay_json(tmp_path):
    code, out, _ = run("parse", ROOT / "sample_scenes" / "kick_ball.txt", "-o", tmp_path / "k.json")
    code, out, err = run("build", tmp_path / "k.json", "-o", tmp_path / "k.blend")
    assert code == 0, err
    assert json.loads(out)["screenplay"]["props"][0]["category"] == "ball"
