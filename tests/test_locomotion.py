"""Locomotion along timed paths and foot locking, on a synthetic gait and the library's walk."""
from __future__ import annotations

import numpy as np
import pytest

from addon.motion import metrics, quat
from addon.motion.clip import Clip
from addon.motion.contacts import clean_contacts, contact_runs, foot_contacts
from addon.motion.footlock import foot_lock, lock_weights, solve_legs
from addon.motion.locomotion import (GAITS, follow_path, heading_of, locomote, prepare_cycle,
                                     timed_path)
from addon.motion.metrics import FOOT_JOINT_HEIGHT_M
from addon.motion.skeleton import FEET, INDEX, REST_OFFSETS, rest_positions

FPS = 30.0


def _smootherstep(x):
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6 * x - 15) + 10)


def synthetic_walk(speed_mps: float = 1.0, period_s: float = 1.0, fps: float = FPS,
                   stance: float = 0.62, cycles: int = 1) -> Clip:
    """A looping walk built by IK: flat feet planted for `stance` of each cycle and swung
    forward (12 cm high) in the rest, the pelvis bobbing and swaying, arms swinging; walks
    along -Y at `speed_mps`, the last frame repeating the first pose one stride on."""
    count = int(round(period_s * fps * cycles))
    phase = np.arange(count + 1) / (period_s * fps)
    stride = speed_mps * period_s
    root = np.column_stack([0.02 * np.sin(2 * np.pi * phase), -stride * phase,
                            0.85 + 0.012 * np.cos(4 * np.pi * phase)])
    rest = rest_positions(REST_OFFSETS, 0.0)
    goals = np.zeros((count + 1, 2, 3))
    contacts = np.zeros((count + 1, 2), dtype=bool)
    for side, (foot, shift) in enumerate(((INDEX["left_foot"], 0.0),
                                          (INDEX["right_foot"], 0.5))):
        own = phase + shift
        cycle, u = np.floor(own), own - np.floor(own)
        swing = (u - stance) / (1 - stance)
        # Up first, then forward, then down: the foot moves while it is well off the floor.
        progress = np.where(u < stance, 0.0, _smootherstep((swing - 0.1) / 0.8))
        # Mid-stance the ball of the foot is 10 cm ahead of the pelvis.
        ahead = -stride * (cycle + progress - shift + stance / 2) - 0.10
        height = np.where(u < stance, 0.0, 0.12 * np.sin(np.pi * np.clip(swing, 0, 1)))
        goals[:, side] = np.column_stack([np.full_like(u, rest[foot, 0]), ahead,
                                          FOOT_JOINT_HEIGHT_M + height])
        contacts[:, side] = u < stance
    rotations = np.tile(quat.IDENTITY, (count + 1, 22, 1))
    swing_arm = 0.35 * np.sin(2 * np.pi * phase)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        hang = quat.from_axis_angle([0, 1, 0], np.full(count + 1, sign * 1.4))
        forward = quat.from_axis_angle([1, 0, 0], sign * swing_arm)
        rotations[:, INDEX[f"{side}_shoulder"]] = quat.multiply(forward, hang)
    rotations = solve_legs(root, rotations, REST_OFFSETS, goals)
    return Clip("synthetic walk", fps, root, rotations, REST_OFFSETS.copy(), ("walk", "loop"),
                contacts, "test")


@pytest.fixture(scope="module")
def walk() -> Clip:
    return synthetic_walk()


@pytest.fixture(scope="module")
def library_walk() -> Clip:
    library = pytest.importorskip("addon.motion.library")
    return library.load_library().clip("walk")


def pelvis_forward(clip: Clip) -> np.ndarray:
    forward = quat.rotate(clip.rotations[:, 0], np.array([0.0, -1.0, 0.0]))[:, :2]
    return forward / np.linalg.norm(forward, axis=1, keepdims=True)


def report(clip: Clip, times, xy) -> dict:
    positions = clip.positions()
    frame_times = times[0] + np.arange(clip.frames) / clip.fps
    return {"trajectory": metrics.trajectory_error(positions[:, 0, :2], frame_times, times, xy),
            "physics": metrics.physics_error(positions),
            "skating": metrics.foot_skating_ratio(positions, clip.fps),
            "jerk": metrics.peak_jerk(positions), "nan": metrics.nan_count(positions)}


# --- the synthetic gait itself -----------------------------------------------------------

def test_synthetic_walk_plants_its_feet(walk):
    positions = walk.positions()
    feet = positions[:, list(FEET)]
    for side in range(2):
        planted = feet[walk.contacts[:, side], side]
        assert np.allclose(planted[:, 2], FOOT_JOINT_HEIGHT_M, atol=1e-6)
    assert metrics.foot_skating_ratio(positions, FPS) == 0.0
    assert metrics.physics_error(positions) < 1e-6


# --- following paths ---------------------------------------------------------------------

def test_straight_path_is_followed_in_place_and_time(walk):
    times, xy = np.array([0.0, 6.0]), np.array([[0.0, 0.0], [6.0, 0.0]])   # +X at 1 m/s
    clip = follow_path(times, xy, walk, FPS)
    figures = report(clip, times, xy)
    assert clip.frames == 181 and clip.fps == FPS
    assert figures["trajectory"] < 0.03
    assert figures["skating"] <= 0.05 and figures["physics"] < 0.005
    assert figures["nan"] == 0
    forward = pelvis_forward(clip)
    assert np.all(forward[:, 0] > 0.95)                       # faces +X, the way it goes


def test_curved_path_faces_the_direction_of_travel_and_turns_smoothly(walk):
    times = np.linspace(0.0, 10.0, 201)
    angle = times * 1.1 / 2.5                                 # a 5 m circle at 1.1 m/s
    xy = np.column_stack([2.5 * np.cos(angle), 2.5 * np.sin(angle)])
    clip = follow_path(times, xy, walk, FPS)
    figures = report(clip, times, xy)
    assert figures["trajectory"] < 0.05
    assert figures["skating"] <= 0.05 and figures["physics"] < 0.005
    tangent = np.column_stack([-np.sin(angle), np.cos(angle)])
    frame_tangent = np.column_stack([np.interp(np.arange(clip.frames) / FPS, times, tangent[:, i])
                                     for i in range(2)])
    facing = np.sum(pelvis_forward(clip) * frame_tangent, axis=1)
    assert facing.mean() > 0.97 and facing.min() > 0.85
    yaw = np.unwrap(heading_of(pelvis_forward(clip)))
    assert np.max(np.abs(np.diff(yaw))) * FPS < 2.0          # rad/s: no snapping round


def test_square_corners_are_rounded_not_snapped(walk):
    times, xy = timed_path(np.array([[0, 0], [4, 0], [4, 4]], float), 1.2)
    clip = follow_path(times, xy, walk, FPS)
    figures = report(clip, times, xy)
    assert figures["trajectory"] < 0.05 and figures["skating"] <= 0.05
    straight = follow_path(*timed_path(np.array([[0, 0], [8, 0]], float), 1.2), walk, FPS)
    assert figures["jerk"] < 2.0 * metrics.peak_jerk(straight.positions())


def test_stop_and_start_stand_still_in_between(walk):
    times, xy = timed_path(np.array([[0, 0], [0, -3], [0, -6]], float), 1.0,
                           pause_s=np.array([0.5, 2.0, 0.5]))
    clip = follow_path(times, xy, walk, FPS)
    figures = report(clip, times, xy)
    assert figures["trajectory"] < 0.05
    assert figures["skating"] <= 0.05 and figures["physics"] < 0.005
    # In the middle of the pause the body stands: pelvis and both feet still, on the floor.
    arrive = int(round(times[2] * FPS))
    still = slice(arrive + 20, arrive + 40)
    positions = clip.positions()[still]
    assert np.ptp(positions[:, 0, :2], axis=0).max() < 0.01
    assert np.ptp(positions[:, list(FEET), :2], axis=0).max() < 0.005
    assert np.allclose(positions[:, list(FEET), 2], FOOT_JOINT_HEIGHT_M, atol=0.005)
    straight = follow_path(*timed_path(np.array([[0, 0], [0, -6]], float), 1.0), walk, FPS)
    assert figures["jerk"] < 1.5 * metrics.peak_jerk(straight.positions())


def test_turning_round_during_a_halt_steps_the_feet_round(walk):
    times, xy = timed_path(np.array([[0, 0], [0, -3], [0, 0]], float), 1.0,
                           pause_s=np.array([0.0, 3.0, 0.0]))
    clip = follow_path(times, xy, walk, FPS)
    figures = report(clip, times, xy)
    assert figures["trajectory"] < 0.05 and figures["skating"] <= 0.05
    yaw = np.unwrap(heading_of(pelvis_forward(clip)))
    assert abs(abs(yaw[-1] - yaw[0]) - np.pi) < 0.05        # came back facing the other way
    assert np.max(np.abs(np.diff(yaw))) * FPS < 2.5         # turned over the halt, not at once
    # Near the end of the halt the feet stand either side of the body, not crossed.
    leave = int(round(times[3] * FPS)) - 3
    positions = clip.positions()[leave]
    left_axis = quat.rotate(clip.rotations[leave, 0], np.array([1.0, 0.0, 0.0]))[:2]
    sides = (positions[list(FEET), :2] - positions[0, :2]) @ left_axis
    assert sides[0] > 0.05 and sides[1] < -0.05


def test_stride_and_cadence_both_grow_with_speed(walk):
    def steps_per_second(speed):
        times, xy = timed_path(np.array([[0, 0], [0, -speed * 8]], float), speed)
        clip = follow_path(times, xy, walk, FPS)
        starts, _ = contact_runs(clip.contacts[:, 0])
        return (len(starts) - 1) / ((starts[-1] - starts[0]) / FPS)
    slow, fast = steps_per_second(0.7), steps_per_second(1.4)
    assert fast > slow * 1.2                                  # quicker cadence...
    assert fast < slow * 2.0 * 0.9                            # ...and longer strides


def test_timed_paths_pause_and_ease_in_and_out():
    points = np.array([[0, 0], [0, -4], [3, -4]], float)
    times, xy = timed_path(points, 1.2, pause_s=np.array([1.0, 2.0, 1.0]))
    assert np.allclose(times, [0, 1, 1 + 4 / 1.2, 3 + 4 / 1.2, 3 + 7 / 1.2, 4 + 7 / 1.2])
    assert np.allclose(xy[[1, 2, 3, 4]], points[[0, 1, 1, 2]])
    times, xy = timed_path(points, 1.2, pause_s=np.array([1.0, 2.0, 1.0]), accel_mps2=1.5)
    assert np.all(np.diff(times) > 0)
    speed = np.linalg.norm(np.diff(xy, axis=0), axis=1) / np.diff(times)
    assert speed.max() == pytest.approx(1.2) and speed[1] < 0.2     # starts from rest
    assert np.abs(np.diff(speed) / np.diff(times)[1:]).max() < 1.5 + 1e-6
    assert np.allclose(xy[-1], points[-1]) and times[-1] > 4 + 7 / 1.2


def test_follow_path_is_deterministic(walk):
    times, xy = timed_path(np.array([[0, 0], [3, 1], [1, 4]], float), 1.1)
    first, second = (follow_path(times, xy, walk, FPS) for _ in range(2))
    assert np.array_equal(first.root, second.root)
    assert np.array_equal(first.rotations, second.rotations)


def test_bad_paths_and_cycles_say_what_is_wrong(walk):
    with pytest.raises(ValueError, match="increase"):
        follow_path(np.array([0.0, 1.0, 1.0]), np.zeros((3, 2)), walk)
    with pytest.raises(ValueError, match="one time per point"):
        follow_path(np.array([0.0, 1.0]), np.zeros((3, 2)), walk)
    standing = Clip("stand", FPS, np.tile([0, 0, 0.9], (30, 1)),
                    np.tile(quat.IDENTITY, (30, 22, 1)), labels=("loop",))
    with pytest.raises(ValueError, match="does not travel"):
        prepare_cycle(standing)


def test_a_path_that_never_moves_stands(walk):
    clip = follow_path(np.array([0.0, 2.0]), np.array([[1.0, 2.0], [1.0, 2.0]]), walk, FPS)
    positions = clip.positions()
    assert np.ptp(positions[:, :, :2], axis=0).max() < 1e-6
    assert np.allclose(positions[:, 0, :2], [1.0, 2.0], atol=0.03)
    assert metrics.physics_error(positions) < 1e-6


# --- with the shipped library ------------------------------------------------------------

def test_library_walk_meets_the_benchmark_targets_on_a_wave(library_walk):
    y = np.linspace(0.0, 12.0, 2001)
    points = np.column_stack([2.0 * np.sin(y / 2.0), y])
    times, xy = timed_path(points, 1.2)
    clip = follow_path(times, xy, library_walk, FPS)
    figures = report(clip, times, xy)
    assert figures["trajectory"] < 0.10 and figures["physics"] < 0.015
    assert figures["skating"] <= 0.05 and figures["nan"] == 0


@pytest.mark.parametrize("gait", ["sneak", "jog", "run"])
def test_library_gaits(gait):
    library = pytest.importorskip("addon.motion.library").load_library()
    speed = GAITS[gait].speed_mps
    times, xy = timed_path(np.array([[0, 0], [speed * 4, 0]], float), speed)
    clip = locomote(times, xy, library, gait)
    figures = report(clip, times, xy)
    assert figures["trajectory"] < 0.10 and figures["skating"] <= 0.05
    assert figures["nan"] == 0 and metrics.penetration(clip.positions()) < 1e-6
    walk = locomote(*timed_path(np.array([[0, 0], [4.8, 0]], float), 1.2), library, "walk")
    if gait == "sneak":                                       # crouched: the pelvis is lower
        assert clip.root[:, 2].mean() < walk.root[:, 2].mean() - 0.08
    with pytest.raises(ValueError, match="unknown gait 'hop'; known: walk"):
        locomote(times, xy, library, "hop")


# --- foot locking --------------------------------------------------------------------------

def test_foot_lock_pins_sliding_feet(walk):
    # The same walk with its root moved 60 % faster: the planted feet slide at 0.6 m/s.
    sliding = Clip("slide", FPS, walk.root * np.array([1.0, 1.6, 1.0]), walk.rotations,
                   walk.offsets, walk.labels, walk.contacts)
    before = sliding.positions()
    assert metrics.foot_skating_ratio(before, FPS) > 0.3
    locked = foot_lock(sliding)
    after = locked.positions()
    assert metrics.foot_skating_ratio(after, FPS) <= 0.05
    for side, foot in enumerate(FEET):
        starts, stops = contact_runs(walk.contacts[:, side])
        for start, stop in zip(starts, stops):
            if stop - start < 3:
                continue
            # Pinned; at the very ends of a contact the leg may be a few mm short of reach.
            assert np.ptp(after[start + 1:stop - 1, foot, :2], axis=0).max() < 1e-3
            assert np.ptp(after[start:stop, foot, :2], axis=0).max() < 0.01
            assert np.allclose(after[start + 1:stop - 1, foot, 2], FOOT_JOINT_HEIGHT_M,
                               atol=1e-3)
    # The upper body is untouched: only the legs and the pelvis height change.
    assert np.allclose(after[:, INDEX["head"], :2], before[:, INDEX["head"], :2])


def test_foot_lock_lowers_a_floating_clip_onto_the_floor(walk):
    floating = Clip("float", FPS, walk.root + [0, 0, 0.05], walk.rotations, walk.offsets,
                    walk.labels, walk.contacts)
    assert metrics.physics_error(floating.positions()) > 0.04
    assert metrics.physics_error(foot_lock(floating).positions()) < 0.002


def test_foot_lock_crouches_with_feet_kept(walk):
    crouched = foot_lock(walk, pelvis_drop_m=0.1)
    assert np.allclose(crouched.root[:, 2], walk.root[:, 2] - 0.1, atol=0.01)
    feet_before, feet_after = walk.positions()[:, list(FEET)], crouched.positions()[:, list(FEET)]
    planted = crouched.contacts                              # (one-frame contacts dropped)
    assert np.abs(feet_after - feet_before)[planted].max() < 0.005
    assert np.abs(feet_after - feet_before)[..., :2].max() < 0.01
    # Knees bend forward (towards -Y, the way the body faces), never backwards.
    positions = crouched.positions()
    for hip, knee, ankle in ((1, 4, 7), (2, 5, 8)):
        middle = 0.5 * (positions[:, hip] + positions[:, ankle])
        assert np.all(positions[:, knee, 1] - middle[:, 1] < 0.0)


def test_lock_weights_ease_in_and_out():
    contact = np.zeros(20, dtype=bool)
    contact[8:12] = True
    weight, run = lock_weights(contact, blend_frames=3)
    assert np.all(weight[8:12] == 1.0) and np.all(run[8:12] == 0)
    assert weight[0] == 0.0 and weight[19] == 0.0
    assert 0 < weight[6] < weight[7] < 1 and 0 < weight[13] < weight[12] < 1
    assert np.all(run == 0)


def test_contacts_detected_and_cleaned(walk):
    detected = foot_contacts(walk.positions(), FPS)
    assert np.mean(detected == walk.contacts) > 0.9
    # Motion standing 6 cm above z = 0 has its floor found, not its feet all in the air.
    lifted = walk.positions() + np.array([0.0, 0.0, 0.06])
    assert not foot_contacts(lifted, FPS).any()
    assert np.mean(foot_contacts(lifted, FPS, floor_z=None) == detected) > 0.95
    noisy = np.array([[1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0]], bool).T
    assert clean_contacts(noisy, 3)[:, 0].astype(int).tolist() == \
        [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
