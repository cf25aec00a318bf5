"""Motion metrics against cases worked out by hand."""
from __future__ import annotations

import numpy as np
import pytest

from addon.motion import metrics
from addon.motion.metrics import FOOT_JOINT_HEIGHT_M

PLANTED_Z = FOOT_JOINT_HEIGHT_M          # a foot joint on the floor


def body(frames: int, feet_z=PLANTED_Z) -> np.ndarray:
    """Positions (T, 22, 3): every joint at the origin 1 m up, both feet on the floor."""
    positions = np.zeros((frames, 22, 3))
    positions[..., 2] = 1.0
    positions[:, [10, 11], 2] = feet_z
    return positions


def sliding_left_foot(speed_mps: float, frames: int = 10, fps: float = 20.0,
                      height=PLANTED_Z) -> np.ndarray:
    positions = body(frames)
    positions[:, 10, 0] = speed_mps * np.arange(frames) / fps
    positions[:, 10, 2] = height
    return positions


def test_skating_counts_steps_of_a_planted_foot_faster_than_half_a_metre_per_second():
    # 10 frames at 20 fps: 9 steps, all at 1 m/s; the 5-step average with zeros beyond the
    # ends is 0.6 at the first and last step (3 of 5), still above 0.5: every step skates.
    assert metrics.foot_skating_ratio(sliding_left_foot(1.0), 20) == pytest.approx(1.0)
    # At 0.6 m/s the end steps average 0.36 (first, last) and 0.48 (second, second last):
    # only the 5 middle steps of 9 skate.
    assert metrics.foot_skating_ratio(sliding_left_foot(0.6), 20) == pytest.approx(5 / 9)
    assert metrics.foot_skating_ratio(sliding_left_foot(0.4), 20) == 0.0
    # A foot 20 cm up is swinging, not skating.
    assert metrics.foot_skating_ratio(sliding_left_foot(1.0, height=0.2), 20) == 0.0
    assert metrics.foot_skating_ratio(body(10), 20) == 0.0


def test_skating_needs_two_low_frames_and_resamples_to_20_fps():
    positions = sliding_left_foot(1.0, height=0.2)
    positions[4, 10, 2] = PLANTED_Z                 # touches down in one frame only
    assert metrics.foot_skating_ratio(positions, 20) == 0.0
    # The same slide sampled at 40 fps is measured at 20 fps: the same answer.
    at40 = sliding_left_foot(1.0, frames=19, fps=40.0)
    assert metrics.foot_skating_ratio(at40, 40) == pytest.approx(1.0)
    assert metrics.resample_positions(at40, 40, 20).shape == (10, 22, 3)


def test_skating_measures_height_above_the_sole():
    # The foot joint 6 cm up is a sole 3.5 cm up: in contact by the 5 cm rule.
    assert metrics.foot_skating_ratio(sliding_left_foot(1.0, height=0.06), 20) == 1.0
    assert metrics.foot_skating_ratio(sliding_left_foot(1.0, height=0.08), 20) == 0.0


def test_physics_error_is_floating_beyond_5_mm_plus_penetration_of_the_lowest_sole():
    positions = body(4)
    positions[:, 11, 2] = 0.5                       # the right foot is up in the air
    positions[:, 10, 2] = PLANTED_Z + np.array([0.010, -0.020, 0.003, 0.0])
    # floating 0.010 - 0.005, penetration 0.020, within tolerance, on the floor
    assert metrics.physics_error(positions) == pytest.approx((0.005 + 0.020) / 4)
    assert metrics.penetration(positions) == pytest.approx(0.020 / 4)
    assert metrics.max_penetration(positions) == pytest.approx(0.020)
    penetrate, floating = metrics.ground_errors(positions)
    assert np.allclose(penetrate, [0, 0.02, 0, 0]) and np.allclose(floating, [0.005, 0, 0, 0])
    assert metrics.physics_error(body(5)) == 0.0


def test_trajectory_error_compares_position_and_time():
    path_times, path_xy = np.array([0.0, 10.0]), np.array([[0.0, 0.0], [10.0, 0.0]])
    times = np.linspace(0.0, 10.0, 101)
    on_path = np.column_stack([times, np.zeros_like(times)])
    assert metrics.trajectory_error(on_path, times, path_times, path_xy) == pytest.approx(0.0)
    beside = on_path + [0.0, 0.1]
    assert metrics.trajectory_error(beside, times, path_times, path_xy) == pytest.approx(0.1)
    # On the right line but a second late at 1 m/s: 1 m off, except where the path ends
    # and waits (the last second).
    late = np.column_stack([np.clip(times - 1.0, 0.0, None), np.zeros_like(times)])
    expected = np.mean(np.minimum(times, 1.0))
    assert metrics.trajectory_error(late, times, path_times, path_xy) == pytest.approx(expected)


def test_jerk_is_the_third_difference_summed_over_xyz_and_maxed_over_joints():
    frames = np.arange(8, dtype=float)
    positions = np.zeros((8, 22, 3))
    positions[:, 5, 0] = frames ** 3                 # third difference: 6 everywhere
    positions[:, 6, 1] = -2 * frames ** 3            # 12 in absolute value: the max joint
    assert np.allclose(metrics.jerk(positions), 12.0)
    assert metrics.peak_jerk(positions) == pytest.approx(12.0)
    pop_only = np.zeros((8, 22, 3))
    pop_only[5, 7, 2] = 1.0
    # A one-frame pop at frame 5 enters the differences over frames 2..5, 3..6 and 4..7
    # with weights 1, 3, 3.
    assert np.allclose(metrics.jerk(pop_only), [0, 0, 1, 3, 3])
    # A window counts every difference that touches one of its frames.
    assert metrics.peak_jerk(pop_only, window=(5, 6)) == pytest.approx(3.0)
    assert metrics.peak_jerk(pop_only, window=(0, 3)) == pytest.approx(1.0)
    assert metrics.peak_jerk(pop_only, window=(0, 2)) == pytest.approx(0.0)
    assert metrics.peak_jerk(pop_only[:3]) == 0.0


def test_nan_count_and_report():
    values = np.ones((3, 22, 3))
    values[1, 2, 0] = np.nan
    values[2, 0, 1] = np.inf
    assert metrics.nan_count(values) == 2
    positions = sliding_left_foot(1.0)
    times = np.arange(10) / 20
    figures = metrics.motion_report(positions, 20, times, np.zeros((10, 2)))
    assert figures["foot_skating_ratio"] == pytest.approx(1.0)
    assert figures["physics_error_m"] == 0.0 and figures["nan"] == 0
    assert figures["trajectory_error_m"] == pytest.approx(0.0)
