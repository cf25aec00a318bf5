"""`story-motion build` with services and the user's folders (addon/sourcing.py,
addon/blender/sourced_props.py): a prop and motions fetched from a local server that speaks
Meshy's protocol, cached so a second build asks nothing, and every way of not getting them
(online access off, no key, a failing service) ending in the built-in defaults with a note."""
from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from service_servers import KEY, MeshyServer, json_reply

from addon import sourcing
from addon.assets.cache import AssetCache
from addon.screenplay import from_json

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "sample_scenes" / "kick_ball.txt"
HUMAN_BVH = ROOT / "tests" / "fixtures" / "cmu_style.bvh"
CREATE = "/openapi/v2/text-to-3d"


def box_glb(size: tuple[float, float, float] = (0.3, 0.2, 0.25)) -> bytes:
    """A closed box as a glTF binary (positions and indices), standing on y = 0 (glTF is
    Y up): what a text-to-3D service might send for a small prop."""
    x, y, z = (s / 2 for s in size)
    corners = [(sx * x, (sy + 1) * y, sz * z) for sx in (-1, 1) for sy in (-1, 1)
               for sz in (-1, 1)]
    quads = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4),
             (1, 5, 7, 3)]
    tris = [i for a, b, c, d in quads for i in (a, b, c, a, c, d)]
    positions = struct.pack(f"<{3 * len(corners)}f", *(v for c in corners for v in c))
    indices = struct.pack(f"<{len(tris)}H", *tris)
    indices += b"\0" * (-len(indices) % 4)
    gltf = {"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}],
            "nodes": [{"mesh": 0, "name": "box"}],
            "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1}]}],
            "accessors": [
                {"bufferView": 0, "componentType": 5126, "count": len(corners), "type": "VEC3",
                 "min": [-x, 0, -z], "max": [x, 2 * y, z]},
                {"bufferView": 1, "componentType": 5123, "count": len(tris), "type": "SCALAR"}],
            "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(positions)},
                            {"buffer": 0, "byteOffset": len(positions),
                             "byteLength": len(tris) * 2}],
            "buffers": [{"byteLength": len(positions) + len(indices)}]}
    text = json.dumps(gltf, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)
    binary = positions + indices
    chunks = (struct.pack("<I4s", len(text), b"JSON") + text
              + struct.pack("<I4s", len(binary), b"BIN\0") + binary)
    return struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks


@pytest.fixture
def meshy():
    with MeshyServer() as server:
        server.steps = 0                       # every task is done at its first poll
        server.files["model.glb"] = box_glb()
        server.files["motion.bvh"] = HUMAN_BVH.read_bytes()
        yield server


def build(tmp_path, *args, env=None, name="scene"):
    cli = shutil.which("story-motion", path=str(Path(sys.executable).parent))
    environ = {k: v for k, v in __import__("os").environ.items()
               if not k.startswith(("MESHY", "STORY_MOTION_MESHY"))}
    done = subprocess.run([cli, "build", str(STORY), "-o", str(tmp_path / f"{name}.blend"),
                           "--stages", "parse,cast,animate", "--cache", str(tmp_path / "cache"),
                           *map(str, args)], capture_output=True, text=True, timeout=600,
                          env={**environ, **(env or {})})
    return done, (json.loads(done.stdout) if done.returncode == 0 else None)


def meshy_env(server) -> dict:
    return {"STORY_MOTION_MESHY_URL": server.api_url, "MESHY_API_KEY": KEY}


def test_a_service_supplies_the_prop_and_the_motions_and_a_second_build_uses_the_cache(
        tmp_path, meshy):
    done, out = build(tmp_path, "--online", "--provider", "props=meshy",
                      "--provider", "motion=meshy", env=meshy_env(meshy))
    assert done.returncode == 0, done.stderr[-3000:]
    assert out["sources"]["models"]["ball"]["from"] == "meshy"
    ball = out["cast"]["props"]["ball"]
    assert ball["category"] == "ball"
    sources = out["animate"]["characters"]["boy"]["sources"]
    assert "user:meshy_kick" in sources, sources        # the run follows its path
    posts = meshy.count("POST")
    assert posts >= 2 and meshy.count("POST", "/openapi/v1/text-to-motion") == 1
    assert KEY not in done.stderr
    # the same story again: everything from the cache, nothing asked
    done, out = build(tmp_path, "--online", "--provider", "props=meshy",
                      "--provider", "motion=meshy", env=meshy_env(meshy), name="again")
    assert done.returncode == 0, done.stderr[-3000:]
    assert meshy.count("POST") == posts
    assert out["sources"]["models"]["ball"]["from"] == "meshy"


def test_the_imported_prop_stands_where_the_built_in_one_stood(tmp_path, meshy):
    done, out = build(tmp_path, "--online", "--provider", "props=meshy", env=meshy_env(meshy))
    assert done.returncode == 0, done.stderr[-3000:]
    inspect = subprocess.run([shutil.which("story-motion", path=str(Path(sys.executable)
                                                                     .parent)),
                              "inspect", str(tmp_path / "scene.blend")],
                             capture_output=True, text=True, timeout=300)
    props = json.loads(inspect.stdout)["props"]
    assert "ball" in props, props


def test_offline_no_key_and_a_failing_service_fall_back_to_the_built_in_props(tmp_path, meshy):
    done, out = build(tmp_path, "--provider", "props=meshy", env=meshy_env(meshy))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "online access is off" in done.stderr and meshy.count("POST") == 0
    assert out["sources"]["models"] == {}
    done, out = build(tmp_path, "--online", "--provider", "props=meshy",
                      env={"STORY_MOTION_MESHY_URL": meshy.api_url}, name="nokey")
    assert done.returncode == 0 and "no Meshy API key" in done.stderr
    assert meshy.count("POST") == 0
    meshy.fault("POST", CREATE, json_reply({"message": "Internal error"}, 500))
    done, out = build(tmp_path, "--online", "--provider", "props=meshy", env=meshy_env(meshy),
                      name="failed")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "built-in prop is used" in done.stderr and "500" in done.stderr
    assert meshy.count("POST", CREATE) == 1            # a failed create is never sent twice
    assert out["sources"]["models"] == {}


def test_a_users_model_folder_supplies_the_prop_it_matches(tmp_path):
    folder = tmp_path / "my models"
    folder.mkdir()
    (folder / "football.glb").write_bytes(box_glb((0.22, 0.22, 0.22)))
    (folder / "labels.json").write_text(json.dumps({"football.glb": {"tags": ["ball"]}}))
    done, out = build(tmp_path, "--model-folder", folder)
    assert done.returncode == 0, done.stderr[-3000:]
    assert out["sources"]["models"]["ball"]["from"] == "folder"


def test_wrong_provider_choices_are_one_line_errors(tmp_path):
    done, _ = build(tmp_path, "--provider", "props=saymotion")
    assert done.returncode == 2 or done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].startswith("story-motion: error: ")
    assert "cannot provide props" in done.stderr
    with pytest.raises(sourcing.SourcingError, match="STEP=NAME"):
        sourcing.parse_choices(["meshy"])
    assert sourcing.parse_choices(["props=builtin", "motion=saymotion"]) == {
        "motion": "saymotion"}


def test_prompts_use_the_storys_words_and_the_cache_keys_on_them(tmp_path):
    sp = from_json((ROOT / "sample_scenes" / "kick_ball.screenplay.json").read_text())
    ball = sp.props[0]
    assert "ball" in sourcing.prop_prompt(ball)
    fetched = sourcing.fetch(sp, {"props": "meshy"}, AssetCache(tmp_path), online=False)
    assert fetched.models == {} and any("online access is off" in n for n in fetched.notes)
