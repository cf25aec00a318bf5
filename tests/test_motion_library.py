"""The motion library: DeepMimic clips converted to the canonical skeleton, the shipped file,
and a user's BVH folder joining it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from addon.motion import quat
from addon.motion.library import (DEFAULT_LIBRARY, MotionLibraryError, close_loop,
                                  labels_from_name, load_library, write_library)
from addon.motion.skeleton import INDEX

FIXTURES = Path(__file__).parent / "fixtures"
LABELS = ("walk", "run", "jump", "kick", "punch", "spin", "spinkick", "dance", "crawl", "roll",
          "cartwheel", "backflip", "getup_facedown", "getup_faceup", "loop")


def facing(positions: np.ndarray) -> np.ndarray:
    """Unit forward direction (T, 3) of canonical poses, from the hips line."""
    left = positions[:, INDEX["left_hip"]] - positions[:, INDEX["right_hip"]]
    forward = np.stack([left[:, 1], -left[:, 0], np.zeros(len(left))], axis=1)
    return forward / np.linalg.norm(forward, axis=1, keepdims=True)


def bend(positions, a, b, c):
    """Angle (T,) in degrees between the bones a->b and b->c."""
    u = positions[:, INDEX[b]] - positions[:, INDEX[a]]
    v = positions[:, INDEX[c]] - positions[:, INDEX[b]]
    cos = np.sum(u * v, 1) / np.linalg.norm(u, axis=1) / np.linalg.norm(v, axis=1)
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def speed(clip) -> float:
    return float(np.linalg.norm(clip.root[-1, :2] - clip.root[0, :2]) / clip.duration_s)


# --- DeepMimic conversion (needs the pybullet wheel, which carries the clips) ----------------

@pytest.fixture(scope="module")
def motions() -> Path:
    pybullet_data = pytest.importorskip("pybullet_data")
    return Path(pybullet_data.getDataPath()) / "data" / "motions"


@pytest.fixture(scope="module")
def converted(motions):
    from addon.motion import deepmimic
    return {name: deepmimic.load_clip(motions / f"humanoid3d_{name}.txt")
            for name in ("walk", "run", "kick", "punch")}


def test_walk_goes_forward_at_walking_speed_on_alternating_feet(converted):
    walk = converted["walk"]
    assert walk.fps == 30 and "loop" in walk.labels
    travel = walk.root[-1] - walk.root[0]
    assert travel[1] < -1.0 and abs(travel[0]) < 0.05          # forward is -Y
    assert speed(walk) == pytest.approx(0.98, abs=0.03)
    assert np.allclose(walk.root[0, :2], 0.0)
    left, right = walk.contacts[:, 0], walk.contacts[:, 1]
    assert (left & ~right).sum() > 10 and (right & ~left).sum() > 10
    assert 0.4 < left.mean() < 0.8 and 0.4 < right.mean() < 0.8


def test_the_body_starts_facing_minus_y_with_toes_forward_and_head_up(converted):
    for clip in converted.values():
        positions = clip.positions()
        assert np.allclose(facing(positions[:1]), [[0, -1, 0]], atol=1e-6)
        for side, planted in zip(("left", "right"), clip.contacts[0]):
            toes = positions[0, INDEX[f"{side}_foot"]] - positions[0, INDEX[f"{side}_ankle"]]
            assert not planted or toes[1] < -0.05, (clip.name, side)
    walk = converted["walk"].positions()
    assert np.all(walk[:, INDEX["head"], 2] > walk[:, INDEX["pelvis"], 2] + 0.4)


def test_knees_and_elbows_bend_forwards(converted):
    for name in ("walk", "run"):
        positions = converted[name].positions()
        forward = facing(positions)
        for side in ("left", "right"):
            bent = bend(positions, f"{side}_hip", f"{side}_knee", f"{side}_ankle") > 15
            knee = positions[:, INDEX[f"{side}_knee"]] - (
                positions[:, INDEX[f"{side}_hip"]] + positions[:, INDEX[f"{side}_ankle"]]) / 2
            assert bent.sum() > 5 and np.all(np.sum(knee * forward, 1)[bent] > 0)
            bent = bend(positions, f"{side}_shoulder", f"{side}_elbow", f"{side}_wrist") > 15
            elbow = positions[:, INDEX[f"{side}_elbow"]] - (
                positions[:, INDEX[f"{side}_shoulder"]] + positions[:, INDEX[f"{side}_wrist"]]) / 2
            # The forearm swings forwards, so the elbow falls behind the shoulder-wrist line.
            assert bent.sum() > 5 and np.all(np.sum(elbow * forward, 1)[bent] < 0)


def test_hinges_keep_deepmimics_angles_and_bone_lengths(motions, converted):
    from addon.motion import deepmimic
    frames, _ = deepmimic.read_frames(motions / "humanoid3d_run.txt")
    positions = converted["run"].positions()
    for side, knee, elbow in (("right", 20, 29), ("left", 34, 43)):
        assert np.allclose(bend(positions, f"{side}_hip", f"{side}_knee", f"{side}_ankle"),
                           np.degrees(np.abs(frames[:, knee])), atol=1e-4)
        assert np.allclose(bend(positions, f"{side}_shoulder", f"{side}_elbow", f"{side}_wrist"),
                           np.degrees(np.abs(frames[:, elbow])), atol=1e-4)
        shin = positions[:, INDEX[f"{side}_ankle"]] - positions[:, INDEX[f"{side}_knee"]]
        assert np.allclose(np.linalg.norm(shin, axis=1), 0.409870)


def test_feet_stay_on_the_floor(converted):
    for clip in converted.values():
        feet = clip.positions()[:, [INDEX["left_foot"], INDEX["right_foot"]], 2]
        assert feet.min() > -0.03, clip.name
    walk_feet = converted["walk"].positions()[:, [INDEX["left_foot"], INDEX["right_foot"]], 2]
    assert 0.0 <= walk_feet.min() < 0.04


def test_the_kicking_foot_rises_forwards(converted):
    positions = converted["kick"].positions()
    feet = positions[:, [INDEX["left_foot"], INDEX["right_foot"]]]
    frame, foot = np.unravel_index(np.argmax(feet[..., 2]), feet.shape[:2])
    assert feet[frame, foot, 2] > 1.0
    # In front of the pelvis, along the way the body faced when the kick began (-Y).
    assert positions[frame, 0, 1] - feet[frame, foot, 1] > 0.4


def test_the_punching_fist_moves_forward(converted):
    positions = converted["punch"].positions()
    reach = positions[:, 0, 1] - positions[:, INDEX["right_wrist"], 1]   # ahead of the pelvis
    assert reach[0] < 0.1 and reach.max() > 0.5


# --- the shipped library -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def library():
    return load_library()


def test_the_shipped_library_has_every_label_and_finite_clips(library):
    assert set(LABELS) <= set(library.labels())
    assert DEFAULT_LIBRARY.stat().st_size < 3_000_000
    assert "DeepMimic" in library.attribution and "MIT" in library.attribution
    for name in library.names():
        clip = library.clip(name)
        assert clip.fps == 30 and clip.frames > 20
        assert np.isfinite(clip.root).all() and np.isfinite(clip.rotations).all()
        assert np.allclose(np.linalg.norm(clip.rotations, axis=-1), 1.0, atol=1e-6)
        assert clip.contacts.shape == (clip.frames, 2)
        assert "DeepMimic" in clip.source
    assert len(library.by_label("dance")) == 2 and library.by_label("no such label") == []


def test_shipped_clips_stand_on_the_floor_and_move_at_their_speeds(library):
    for name in library.names():
        clip = library.clip(name)
        feet = clip.positions()[:, [INDEX["left_foot"], INDEX["right_foot"]], 2]
        assert -0.04 < feet.min() < 0.05, name         # crawl drags its toes 3.7 cm deep
        assert np.allclose(clip.root[0, :2], 0.0)
    assert speed(library.clip("walk")) == pytest.approx(0.98, abs=0.1)
    assert speed(library.clip("run")) == pytest.approx(3.5, abs=0.2)


def test_loops_end_on_their_first_pose(library):
    loops = library.by_label("loop")
    assert {c.name for c in loops} >= {"walk", "run", "jump", "spin"}
    assert not library.is_loop("kick") and not library.is_loop("getup_faceup")
    for clip in loops:
        dot = np.abs(np.sum(clip.rotations[0, 1:] * clip.rotations[-1, 1:], axis=-1))
        assert dot.min() > 1 - 1e-5, clip.name
        assert clip.root[-1, 2] == pytest.approx(clip.root[0, 2], abs=1e-5)


def test_the_shipped_library_is_what_the_tool_builds(motions, library, tmp_path):
    from tools.build_motion_library import build
    rebuilt = write_library(build(motions), tmp_path / "library.npz")
    again = load_library(rebuilt)
    assert again.names() == library.names()
    for name in library.names():
        assert np.allclose(again.clip(name).root, library.clip(name).root, atol=1e-5)
        assert np.allclose(again.clip(name).rotations, library.clip(name).rotations, atol=1e-5)


def test_loaded_clips_are_shared_read_only_and_libraries_independent(library):
    other = load_library()
    assert other is not library and other.clip("walk") is library.clip("walk")
    with pytest.raises(ValueError):
        library.clip("walk").root[0, 0] = 1.0
    other.add(close_loop(library.clip("walk").resampled(60)))
    assert library.clip("walk").fps == 30 and other.clip("walk").fps == 30


def test_missing_and_broken_library_files_give_one_line_errors(tmp_path):
    with pytest.raises(MotionLibraryError, match="does not exist") as error:
        load_library(tmp_path / "none.npz")
    assert "\n" not in str(error.value)
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(MotionLibraryError, match="not a motion library"):
        load_library(broken)
    with pytest.raises(MotionLibraryError, match="'moonwalk' is not in the library"):
        load_library().clip("moonwalk")


# --- a user's BVH folder ---------------------------------------------------------------------

def test_a_bvh_folder_joins_the_library_with_labels_from_json_or_names(tmp_path):
    shutil.copy(FIXTURES / "cmu_style.bvh", tmp_path / "walking_cmu.bvh")
    shutil.copy(FIXTURES / "mixamo_style.bvh", tmp_path / "greeting.bvh")
    library = load_library()
    count = len(library)
    added = library.add_bvh_folder(tmp_path)
    assert added == ["greeting", "walking_cmu"] and len(library) == count + 2
    assert library.clip("walking_cmu").labels[0] == "walk"
    assert library.clip("greeting").labels == ("greeting",)
    assert library.clip("walking_cmu").fps == 30
    assert "walking_cmu" not in load_library()              # other libraries are untouched

    (tmp_path / "labels.json").write_text(json.dumps({"greeting.bvh": ["wave", "greet"]}))
    library = load_library()
    library.add_bvh_folder(tmp_path)
    assert library.clip("greeting").labels[:2] == ("wave", "greet")
    assert library.by_label("wave")[0].name == "greeting"
    assert library.add_bvh_folder(tmp_path, labels={"walking_cmu.bvh": ["stroll"]})
    assert library.clip("walking_cmu").labels[0] == "stroll"


def test_bad_bvh_folders_give_one_line_errors(tmp_path):
    library = load_library()
    with pytest.raises(MotionLibraryError, match="does not exist"):
        library.add_bvh_folder(tmp_path / "missing")
    with pytest.raises(MotionLibraryError, match="holds no .bvh files"):
        library.add_bvh_folder(tmp_path)
    (tmp_path / "bad.bvh").write_text("HIERARCHY\nROOT Hips\n{\n  OFFSET 0 0\n")
    with pytest.raises(MotionLibraryError, match=r"bad.bvh: line \d+") as error:
        library.add_bvh_folder(tmp_path)
    assert "\n" not in str(error.value)
    (tmp_path / "bad.bvh").unlink()
    shutil.copy(FIXTURES / "cmu_style.bvh", tmp_path / "ok.bvh")
    (tmp_path / "labels.json").write_text("{not json")
    with pytest.raises(MotionLibraryError, match="labels.json"):
        library.add_bvh_folder(tmp_path)


def test_labels_come_from_action_words_in_file_names():
    assert labels_from_name("Walking_02") == ("walk",)
    assert labels_from_name("01_dancing-salsa") == ("dance",)
    assert labels_from_name("run_and_jump") == ("run", "jump")
    assert labels_from_name("salsa") == ("salsa",)


def test_close_loop_keeps_a_turning_cycles_turn():
    from addon.motion.clip import Clip
    frames = 31
    rotations = np.tile(quat.IDENTITY, (frames, 22, 1))
    rotations[:, 0] = quat.from_axis_angle([0, 0, 1.0], np.linspace(0, 0.5, frames))
    rotations[:, INDEX["left_knee"]] = quat.from_axis_angle([1.0, 0, 0],
                                                            np.linspace(0, 0.3, frames))
    root = np.column_stack([np.zeros(frames), -np.linspace(0, 1, frames),
                            np.linspace(0.9, 0.92, frames)])
    closed = close_loop(Clip("turn", 30, root, rotations))
    assert np.allclose(closed.rotations[-1, INDEX["left_knee"]], quat.IDENTITY, atol=1e-9)
    turn = quat.rotate(closed.rotations[-1, 0], np.array([1.0, 0, 0]))
    assert np.arctan2(turn[1], turn[0]) == pytest.approx(0.5)
    assert closed.root[-1, 2] == pytest.approx(0.9) and closed.root[-1, 1] == pytest.approx(-1)
