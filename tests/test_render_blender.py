"""The render command on a small hand-made scene (two cameras cut by markers, a keyed falling
cube): frames, resumption, Ctrl-C, the MP4, the storyboard sheet and parallel workers."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import blender_proc

EXE = shutil.which("story-motion", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(EXE is None, reason="story-motion is not installed in this "
                                                    "environment (run the README set-up)")
TINY = ["--resolution", "64x36", "--samples", "1", "--step", "1"]

SCENE = '''
import bpy, bmesh
from math import radians
bpy.ops.wm.read_homefile(use_empty=True)
sc = bpy.context.scene
sc.frame_start, sc.frame_end = 1, 12
sc.render.fps, sc.render.fps_base = 24, 1.0
world = bpy.data.worlds.new("sky")
world.use_nodes = True
world.node_tree.nodes["Background"].inputs[0].default_value = (0.6, 0.7, 0.9, 1)
sc.world = world

def cube(name, x, rgb):
    me = bpy.data.meshes.new(name)
    bm = bmesh.new(); bmesh.ops.create_cube(bm, size=1.0); bm.to_mesh(me); bm.free()
    mat = bpy.data.materials.new(name); mat.use_nodes = True
    mat.node_tree.nodes["Principled BSDF"].inputs["Base Color"].default_value = (*rgb, 1)
    me.materials.append(mat)
    ob = bpy.data.objects.new(name, me); ob.location = (x, 0, 0)
    sc.collection.objects.link(ob)
    return ob

def camera(name, x):
    cam = bpy.data.objects.new(name, bpy.data.cameras.new(name))
    cam.location, cam.rotation_euler = (x, -4, 0), (radians(90), 0, 0)
    sc.collection.objects.link(cam)
    return cam

red, blue = cube("red", 0, (0.9, 0.05, 0.05)), cube("blue", 10, (0.05, 0.1, 0.9))
# the red cube falls through its camera's view on frames 1-6: keyed, as baked physics is
red.location.z = 1.2; red.keyframe_insert("location", frame=1)
red.location.z = -0.3; red.keyframe_insert("location", frame=6)
cam_red, cam_blue = camera("cam_red", 0), camera("cam_blue", 10)
sc.timeline_markers.new("Red falls", frame=1).camera = cam_red
sc.timeline_markers.new("Blue waits", frame=7).camera = cam_blue
sc.camera = cam_red
sun = bpy.data.objects.new("sun", bpy.data.lights.new("sun", "SUN"))
sun.rotation_euler = (0.5, 0.2, 0); sc.collection.objects.link(sun)
bpy.ops.wm.save_as_mainfile(filepath=out)
emit(out)
'''

# mean colour of every frame, and facts about the video and the sheet, read back by Blender
READ = '''
import bpy, numpy as np
def rgb(path):
    im = bpy.data.images.load(path)
    a = np.empty(len(im.pixels), np.float32); im.pixels.foreach_get(a)
    size = tuple(im.size); bpy.data.images.remove(im)
    return a.reshape(-1, 4)[:, :3], size
out = {"frames": {}, "size": {}}
for p in frames:
    px, size = rgb(p)
    out["frames"][p] = px.mean(axis=0).tolist()
    out["size"][p] = size
if video:
    clip = bpy.data.movieclips.load(video)
    out["video"] = {"frames": clip.frame_duration, "fps": clip.fps, "size": tuple(clip.size)}
if sheet:
    px, size = rgb(sheet)
    out["sheet"] = {"size": size, "std": float(px.std())}
emit(out)
'''


@pytest.fixture(scope="module")
def scene(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("scene")
    return Path(blender_proc.run(SCENE, tmp, out=str(tmp / "two_cameras.blend")))


def render(blend, out, *args, check=True):
    p = subprocess.run([EXE, "render", str(blend), "-o", str(out), *map(str, args)],
                       capture_output=True, text=True, timeout=300)
    if check:
        assert p.returncode == 0, p.stderr[-3000:]
        return json.loads(p.stdout[p.stdout.index("{"):p.stdout.rindex("}") + 1]), p.stderr
    return p


def read(tmp_path, frames=(), video=None, sheet=None) -> dict:
    return blender_proc.run(READ, tmp_path / "read", frames=[str(f) for f in frames],
                            video=str(video) if video else "",
                            sheet=str(sheet) if sheet else "")


def test_render_writes_frames_video_storyboard_and_shot_list(scene, tmp_path):
    out = tmp_path / "out"
    report, err = render(scene, out, *TINY)
    frames = sorted((out / "frames").glob("*.png"))
    assert [f.name for f in frames] == [f"{i:04d}.png" for i in range(1, 13)]
    assert report["rendered"] == 12 and report["skipped"] == 0
    assert err.count("story-motion: frame ") == 12 and "left" in err     # a line per frame
    got = read(tmp_path, frames, out / "video.mp4", out / "storyboard.png")
    assert {tuple(s) for s in got["size"].values()} == {(64, 36)}
    # markers cut from the red cube's camera to the blue one's at frame 7
    for f, (r, g, b) in got["frames"].items():
        if Path(f).name >= "0007.png":
            assert b > r + 0.1, f
    # frames 2-4 see the red cube falling through the picture: more red than the empty sky
    assert got["frames"][str(frames[2])][0] > got["frames"][str(frames[11])][0] + 0.05
    assert got["video"] == {"frames": 12, "fps": 24.0, "size": [64, 36]}
    assert report["video"]["duration_s"] == 0.5
    shots = json.loads((out / "shots.json").read_text())
    assert [(s["name"], s["camera"], s["frame_start"], s["frame_end"]) for s in shots] == \
        [("Red falls", "cam_red", 1, 6), ("Blue waits", "cam_blue", 7, 12)]
    sheet = report["storyboard"]
    assert tuple(got["sheet"]["size"]) == (sheet["width"], sheet["height"])
    assert sheet["shots"] == 2 and got["sheet"]["std"] > 0.05         # pictures and text


def test_a_frame_rendered_on_its_own_matches_the_same_frame_in_sequence(scene, tmp_path):
    render(scene, tmp_path / "all", *TINY, "--frames-only")
    render(scene, tmp_path / "one", *TINY, "--frames", "4", "--frames-only")
    assert [p.name for p in (tmp_path / "one" / "frames").glob("*.png")] == ["0004.png"]
    got = read(tmp_path, [tmp_path / "all" / "frames" / "0004.png",
                          tmp_path / "one" / "frames" / "0004.png"])
    a, b = got["frames"].values()
    assert a == pytest.approx(b, abs=1e-6)


def test_rerun_skips_frames_on_disk_and_renders_missing_or_resized_ones(scene, tmp_path):
    out = tmp_path / "out"
    render(scene, out, *TINY, "--frames-only")
    (out / "frames" / "0005.png").unlink()
    before = (out / "frames" / "0003.png").stat().st_mtime_ns
    report, err = render(scene, out, *TINY, "--frames-only")
    assert (report["rendered"], report["skipped"]) == (1, 11)
    assert "11 of 12 frames already on disk; rendering 1" in err
    assert (out / "frames" / "0003.png").stat().st_mtime_ns == before
    report, _ = render(scene, out, "--resolution", "80x45", "--samples", "1", "--step", "1",
                       "--frames-only")
    assert report["rendered"] == 12                  # another resolution: rendered again


def test_ctrl_c_leaves_only_complete_frames_and_a_rerun_finishes(scene, tmp_path):
    out = tmp_path / "out"
    slow = ["--resolution", "320x180", "--samples", "64", "--step", "1", "--frames-only"]
    proc = subprocess.Popen([EXE, "render", str(scene), "-o", str(out), *slow],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out / "frames" / "0002.png").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr[-2000:]
    assert stdout == "" and stderr.strip().splitlines()[-1] == "story-motion: error: interrupted"
    names = sorted(p.name for p in (out / "frames").iterdir())
    assert 2 <= len(names) < 12 and all(n.endswith(".png") and n[0] != "." for n in names)
    got = read(tmp_path, [out / "frames" / n for n in names])
    assert {tuple(s) for s in got["size"].values()} == {(320, 180)}                  # every file whole
    report, _ = render(scene, out, *slow)
    assert report["skipped"] == len(names) and report["rendered"] == 12 - len(names)


def test_two_workers_render_the_same_frames_as_one(scene, tmp_path):
    one, _ = render(scene, tmp_path / "one", *TINY, "--frames-only")
    two, err = render(scene, tmp_path / "two", *TINY, "--workers", "2")
    assert two["workers"] == 2 and two["rendered"] == 12
    assert "rendering 12 frames in 2 workers" in err and err.count("story-motion: frame ") == 12
    names = [f"{i:04d}.png" for i in range(1, 13)]
    got = read(tmp_path, [tmp_path / d / "frames" / n for d in ("one", "two") for n in names])
    means = [c for rgb in got["frames"].values() for c in rgb]
    assert means[:36] == pytest.approx(means[36:], abs=1e-6)
    assert two["video"]["frames"] == 12 and (tmp_path / "two" / "storyboard.png").is_file()


def test_stepped_preview_video_keeps_the_story_duration(scene, tmp_path):
    out = tmp_path / "out"
    report, _ = render(scene, out, "--resolution", "64x36", "--samples", "1", "--step", "3")
    assert sorted(p.name for p in (out / "frames").glob("*.png")) == \
        ["0001.png", "0004.png", "0007.png", "0010.png"]
    got = read(tmp_path, video=out / "video.mp4")
    assert got["video"]["frames"] == 4 and got["video"]["fps"] == pytest.approx(8.0)
    assert report["video"]["duration_s"] == 0.5                       # 12 frames at 24 fps
    # each shot's still is the rendered frame nearest its middle
    assert [Path(s["still"]).name for s in report["shots"]] == ["0004.png", "0010.png"]


@pytest.mark.parametrize("args, message", [
    (["--resolution", "64"], "resolution '64' is not WIDTHxHEIGHT"),
    (["--frames", "40-50"], "no frames of 1-12 lie in 40-50"),
    (["--workers", "0"], "--workers 0 must be at least 1"),
    (["--preset", "draft"], "invalid choice: 'draft'"),
])
def test_render_errors_are_one_line(scene, tmp_path, args, message):
    p = render(scene, tmp_path / "out", *args, check=False)
    lines = p.stderr.strip().splitlines()
    assert p.returncode != 0 and p.stdout == ""
    assert len(lines) == 1 and lines[0].startswith("story-motion: error: ") and message in lines[0]


def test_a_scene_without_a_camera_is_refused(tmp_path):
    blend = Path(blender_proc.run('''
import bpy
bpy.ops.wm.read_homefile(use_empty=True)
bpy.ops.wm.save_as_mainfile(filepath=out)
emit(out)
''', tmp_path, out=str(tmp_path / "empty.blend")))
    p = render(blend, tmp_path / "out", *TINY, check=False)
    assert p.returncode == 1
    assert "has no camera; run the shoot stage" in p.stderr.strip().splitlines()[-1]


def test_run_turns_a_story_into_frames_video_storyboard_and_shot_list(tmp_path):
    from addon.cli import STAGES
    if "shoot" not in STAGES:
        pytest.skip("the shoot stage is not in this tree")
    out = tmp_path / "out"
    p = subprocess.run([EXE, "run", str(blender_proc.ROOT / "sample_scenes" / "hug.txt"), "-o",
                        str(out), "--seed", "3", "--resolution", "64x36", "--samples", "1",
                        "--step", "12"], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    result = json.loads(p.stdout)
    assert result["build"]["stages"] == list(STAGES) and (out / "scene.blend").is_file()
    shots = json.loads((out / "shots.json").read_text())
    assert len(shots) >= 2 and shots[0]["frame_start"] == 1
    assert all(a["frame_end"] + 1 == b["frame_start"] for a, b in zip(shots, shots[1:]))
    assert any("hug" in s["text"] for s in shots)                    # the story's own words
    frames = sorted((out / "frames").glob("*.png"))
    got = read(tmp_path, frames[:1], out / "video.mp4", out / "storyboard.png")
    assert got["video"]["frames"] == len(frames) == result["video"]["frames"]
    assert got["video"]["fps"] == pytest.approx(2.0)
    # the video lasts as long as the story: every 12th frame shown for 12 frames at 24 fps
    assert result["video"]["duration_s"] == pytest.approx(shots[-1]["frame_end"] / 24, abs=0.5)
    assert "story-motion: frame " in p.stderr
