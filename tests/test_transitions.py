"""Joining clips: inertialization and crossfades without pops."""
from __future__ import annotations

import numpy as np
import pytest

from addon.motion import metrics, quat
from addon.motion.clip import Clip
from addon.motion.transitions import (aligned, concatenate, crossfade, heading, inertialize,
                                      quintic_decay)

from test_locomotion import synthetic_walk

FPS = 30.0


@pytest.fixture(scope="module")
def walk() -> Clip:
    return synthetic_walk(cycles=2)


def join_jerk(clip: Clip, join: int, blend_s: float = 0.25) -> float:
    """Peak jerk from a few frames before a join to the end of its blend."""
    return metrics.peak_jerk(clip.positions(), (join - 2, join + int(blend_s * clip.fps) + 2))


def test_quintic_decay_starts_with_the_offset_and_its_velocity_and_ends_at_rest():
    times = np.arange(0, 12) / 30.0
    offset, velocity = np.array([0.3, -0.2]), np.array([1.0, 0.5])
    decay = quintic_decay(offset, velocity, times, 0.25)
    assert np.allclose(decay[0], offset)
    start = quintic_decay(offset, velocity, np.array([0.0, 1e-5]), 0.25)
    assert np.allclose((start[1] - start[0]) / 1e-5, velocity, atol=1e-3)
    assert np.all(decay[times >= 0.25] == 0.0)
    # It arrives with no speed or acceleration left: the offset vanishes like (t1 - t)^3.
    near = np.abs(quintic_decay(offset, velocity, np.array([0.24, 0.245]), 0.25))
    assert np.all(near[0] / near[1] > 7.5)
    # A velocity that closes the gap faster than the blend shortens the blend: no overshoot,
    # and the velocity still matches at the join.
    times = np.linspace(0, 0.25, 60)
    fast = quintic_decay(np.array([0.1]), np.array([-5.0]), times, 0.25)
    assert np.all(fast >= -1e-9)
    assert fast[-1] == 0.0 and np.all(fast[times >= 2.5 * 0.1 / 5.0] == 0.0)
    start = quintic_decay(np.array([0.1]), np.array([-5.0]), np.array([0.0, 1e-6]), 0.25)
    assert (start[1] - start[0]) / 1e-6 == pytest.approx([-5.0], rel=1e-3)


def test_inertialized_join_has_no_pop(walk):
    # Cut the walk at two unrelated phases: the poses at the join disagree.
    first, second = walk.sliced(0, 40), walk.sliced(52, 61)
    hard = concatenate([first, second], blend_s=1e-6)
    smooth = concatenate([first, second], blend_s=0.25)
    inside = max(metrics.peak_jerk(first.positions()), metrics.peak_jerk(walk.positions()))
    assert join_jerk(hard, first.frames) > 2.0 * inside       # the cut really pops
    assert join_jerk(smooth, first.frames) <= 1.5 * inside
    assert smooth.frames == first.frames + second.frames
    assert metrics.nan_count(smooth.positions()) == 0


def test_inertialization_leaves_the_next_clip_alone_after_the_blend(walk):
    first, second = walk.sliced(0, 20), walk.sliced(35, 60)
    second = aligned(first, second)
    result = inertialize(first, second, blend_s=0.2)
    after = int(np.ceil(0.2 * FPS)) + 1
    dots = np.abs(np.sum(result.rotations[after:] * second.rotations[after:], axis=-1))
    assert np.allclose(dots, 1.0)
    assert np.allclose(result.root[after:], second.root[after:])
    # Its first frame carries on from the previous clip's last: one frame's travel on.
    step = first.root[-1] - first.root[-2]
    assert np.allclose(result.root[0], first.root[-1] + step, atol=1e-9)


def test_aligned_clip_starts_where_and_how_the_previous_ended(walk):
    first = walk.sliced(0, 30)
    # The same walk turned 1 rad and moved elsewhere: aligning undoes both.
    turned = quat.from_axis_angle([0, 0, 1], 1.0)
    rotations = walk.rotations.copy()
    rotations[:, 0] = quat.multiply(turned, rotations[:, 0])
    second = Clip("turned", FPS, quat.rotate(turned, walk.root) + [5.0, -3.0, 0.0], rotations,
                  walk.offsets)
    placed = aligned(first, second)
    assert heading(placed.rotations[:1])[0] == pytest.approx(heading(first.rotations[-1:])[0])
    step = first.root[-1] - first.root[-2]
    assert np.allclose(placed.root[0, :2], (first.root[-1] + step)[:2])
    assert placed.root[0, 2] == pytest.approx(second.root[0, 2])


def test_crossfade_overlaps_and_does_not_pop(walk):
    first, second = walk.sliced(0, 40), walk.sliced(52, 61)
    faded = concatenate([first, second], blend_s=0.2, method="crossfade")
    overlap = int(round(0.2 * FPS))
    assert faded.frames == first.frames + second.frames - overlap
    inside = metrics.peak_jerk(walk.positions())
    assert join_jerk(faded, first.frames - overlap) <= 2.0 * inside
    direct = crossfade(first, aligned(first.sliced(0, first.frames - overlap), second), 0.2)
    assert np.allclose(direct.root, faded.root)
    # The root keeps its pace through the overlap: no extra stride squeezed in.
    pace = np.linalg.norm(np.diff(faded.root[:, :2], axis=0), axis=1)
    assert pace.max() < 1.5 * np.linalg.norm(np.diff(walk.root[:, :2], axis=0), axis=1).max()


def test_concatenate_many_keeps_contacts_labels_and_is_deterministic(walk):
    parts = [walk.sliced(0, 25), walk.sliced(10, 40), walk.sliced(33, 61)]
    once, again = concatenate(parts), concatenate(parts)
    assert np.array_equal(once.rotations, again.rotations)
    assert once.frames == sum(p.frames for p in parts)
    assert once.contacts is not None and once.contacts.shape == (once.frames, 2)
    assert "walk" in once.labels
    # The walk keeps going the way it went: no clip jumps back to the origin.
    travel = np.diff(once.root[:, 1])
    assert np.all(travel < 0.0)


def test_concatenate_resamples_and_rejects_what_cannot_be_joined(walk):
    at60 = walk.sliced(0, 30).resampled(60)
    joined = concatenate([walk.sliced(0, 30), at60])
    assert joined.fps == FPS and joined.frames == 30 + 30
    bigger = Clip("big", FPS, walk.root, walk.rotations, walk.offsets * 1.2)
    with pytest.raises(ValueError, match="offsets"):
        concatenate([walk, bigger])
    with pytest.raises(ValueError, match="'inertialize' or 'crossfade'"):
        concatenate([walk, walk], method="morph")
    with pytest.raises(ValueError, match="at least one"):
        concatenate([])
    with pytest.raises(ValueError, match="fps"):
        inertialize(walk, walk.resampled(60))


def test_library_transitions_stay_within_the_source_jerk():
    library = pytest.importorskip("addon.motion.library").load_library()
    pairs = [("walk", "run"), ("run", "walk"), ("walk", "punch"), ("punch", "kick"),
             ("punch", "walk")]
    for a, b in pairs:
        first, second = library.clip(a), library.clip(b)
        inside = max(metrics.peak_jerk(first.positions()), metrics.peak_jerk(second.positions()))
        joined = concatenate([first, second])
        assert join_jerk(joined, first.frames) <= 1.2 * inside, (a, b)
