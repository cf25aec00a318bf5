"""When things happen: beat durations and anchors, and each actor's gapless track of segments.

A Screenplay says when a beat starts in story terms (`start_s`, `after`, `with`), how long it
lasts, and nothing about the walking in between.  Staging turns that into frames:

- `fix_durations` replaces durations that cannot be right (zero, negative, not a number) by
  the action's default, with a warning;
- `story_times` is the timing the story asks for (as `screenplay.timeline`, but tolerant of
  bad anchors), used to tell a story's own overlaps (warned about) from delays staging adds
  (walking there first, waiting for a partner: expected, not warned about);
- `anchor_frame` resolves a beat's start against the beats already staged, with whether the
  time is binding (absolute, or tied to someone else's beat: arriving late is worth a
  warning) or merely "when the actor is free";
- `Track` is one actor's timeline: segments appended in time order with idle filling every
  gap, so the list always covers [0, end] exactly, plus upper-body layers (a wave while
  walking) that lie over it.

Times inside staging are integer frames, so boundaries line up exactly; seconds are derived.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from ..story.vocabulary import ACTIONS

#: Actions that use only the upper body (or the head) and can play over walking or idling.
LAYERABLE = frozenset({"wave", "point", "talk", "nod", "shake_head", "look_at", "clap",
                       "snap_fingers", "carry"})
#: Base activities a layer may lie over.
LAYER_BASES = frozenset({"walk", "run", "jog", "sneak", "idle", "stand", "sit", "carry"})
#: What a seated (or lying, or fallen) person can still do without getting up.
SEATED_OK = frozenset({"idle", "look_at", "wave", "point", "talk", "nod", "shake_head",
                       "clap", "snap_fingers", "drop", "throw", "catch", "carry", "celebrate",
                       "sit", "stand_up", "get_up", "lie_down"})
#: How a person gets back on their feet from each posture.
GET_UP = {"sit": "stand_up", "lie": "get_up", "down": "get_up"}
#: Posture after an action (others keep the posture they had).
POSTURE_AFTER = {"sit": "sit", "lie_down": "lie", "fall": "down", "stand_up": "stand",
                 "get_up": "stand", "stand": "stand", "jump": "stand"}


def to_frames(seconds: float, fps: float) -> int:
    """The nearest whole frame (at least one frame for a positive duration)."""
    return int(round(seconds * fps))


def fix_durations(beats) -> tuple[dict[str, float], list[str]]:
    """Seconds per beat id; a duration that is zero, negative or not a number becomes the
    action's default (2 s for an unknown action), with a warning."""
    out: dict[str, float] = {}
    warnings: list[str] = []
    for b in beats:
        d = b.duration_s
        ok = isinstance(d, (int, float)) and not isinstance(d, bool) and math.isfinite(d) \
            and d > 0
        if not ok:
            default = ACTIONS[b.action].default_duration_s if b.action in ACTIONS else 2.0
            warnings.append(f"{b.id} ({b.actor} {b.action}): duration {d!r} s is not a "
                            f"positive number; using the default {default:g} s")
            d = default
        out[b.id] = float(d)
    return out, warnings


def duration_stated(beat, seconds: float) -> bool:
    """Whether a beat's duration reads as the story's own rather than a default: parsers
    fill in the action's typical duration, and a beat without one gets the Screenplay's
    2 s; either is a guess that staging may replace by the time the walk really takes."""
    defaults = {2.0}
    if beat.action in ACTIONS:
        defaults.add(ACTIONS[beat.action].default_duration_s)
    return all(abs(seconds - d) > 1e-6 for d in defaults)


def story_times(beats, durations: dict[str, float]) -> dict[str, tuple[float, float]]:
    """(start, end) in seconds of every beat as the story states it; an anchor to a beat
    that does not exist (yet) counts as no anchor."""
    times: dict[str, tuple[float, float]] = {}
    for b in beats:
        if b.after is not None and b.after in times:
            start = times[b.after][1]
        elif b.with_ is not None and b.with_ in times:
            start = times[b.with_][0]
        elif b.start_s is not None and _number(b.start_s):
            start = max(0.0, float(b.start_s))
        else:
            start = 0.0
        times[b.id] = (start, start + durations[b.id])
    return times


def story_overlap(beat, beats, times: dict[str, tuple[float, float]]) -> str | None:
    """The id of an earlier beat of the same actor that the story's own timing overlaps."""
    s, e = times[beat.id]
    for other in beats:
        if other.id == beat.id:
            break
        if other.actor != beat.actor:
            continue
        os_, oe = times[other.id]
        if s < oe - 1e-6 and os_ < e - 1e-6:
            return other.id
    return None


@dataclass(frozen=True)
class Anchor:
    frame: int
    binding: bool          # late arrival is worth a warning
    warning: str | None = None


def anchor_frame(beat, spans: dict[str, tuple[int, int]], actors: dict[str, str],
                 fps: float) -> Anchor:
    """Where `beat` starts, from the staged frames (`spans`: beat id -> (start, end)) of the
    beats it is anchored to; `actors` maps beat ids to their actor, to tell a tie to someone
    else's beat (binding) from following one's own (not binding)."""
    for rel in ("after", "with_"):
        ref = getattr(beat, rel)
        if ref is None:
            continue
        if ref not in spans:
            return Anchor(0, False, f"{beat.id} ({beat.actor} {beat.action}): "
                                    f"{rel.rstrip('_')} {ref!r} is not an earlier beat; "
                                    f"it starts when {beat.actor} is free")
        start, end = spans[ref]
        frame = end if rel == "after" else start
        return Anchor(frame, actors.get(ref) != beat.actor)
    if beat.start_s is not None:
        if not _number(beat.start_s) or beat.start_s < 0:
            return Anchor(0, False, f"{beat.id} ({beat.actor} {beat.action}): start "
                                    f"{beat.start_s!r} s is not a time; it starts at 0 s")
        return Anchor(to_frames(float(beat.start_s), fps), True)
    return Anchor(0, False)


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


class Track:
    """One actor's timeline under construction: `segments` in time order without gaps from
    frame 0 to `busy` (the first frame the actor is free), and `layers` over them.

    `make_idle(start, end, pose, posture, holding)` builds an idle segment; appending a
    segment that starts after `busy` fills the gap with one.  Appending one that starts
    before `busy` is a programming error (staging always asks `busy` first)."""

    def __init__(self, actor: str, pose: tuple[float, float, float], height_m: float,
                 make_idle: Callable):
        self.actor = actor
        self.height_m = height_m
        self.start_pose = pose
        self.pose = pose
        self.posture = "stand"
        self.holding: list[str] = []
        self.seat: tuple | None = None           # (prop id, slot index) while seated
        self.near: str | None = None             # the prop last walked up to or used
        self.segments: list = []
        self.layers: list = []
        self.busy = 0
        self._make_idle = make_idle

    def add(self, seg):
        if seg.start_frame < self.busy:
            raise ValueError(f"{self.actor}: segment {seg.action!r} starts at frame "
                             f"{seg.start_frame}, before the track is free at {self.busy}")
        if seg.end_frame < seg.start_frame:
            raise ValueError(f"{self.actor}: segment {seg.action!r} ends before it starts")
        if seg.start_frame > self.busy:
            self.idle_until(seg.start_frame)
        if seg.end_frame == seg.start_frame:
            return
        self.segments.append(seg)
        self.busy = seg.end_frame
        self.pose = seg.pose
        self.posture = seg.posture

    def idle_until(self, frame: int, beat: str | None = None):
        """Stand (or sit) still until `frame`; merges with an idle segment just before."""
        if frame <= self.busy:
            return
        last = self.segments[-1] if self.segments else None
        if (last is not None and last.kind == "idle" and last.beat == beat and beat is None
                and last.pose == self.pose):
            self.segments[-1] = last.extended(frame)
        else:
            self.segments.append(self._make_idle(self.busy, frame, self.pose, self.posture,
                                                 tuple(self.holding), beat))
        self.busy = frame

    def layer(self, seg):
        self.layers.append(seg)

    def can_layer(self, start: int, end: int) -> bool:
        """Whether an upper-body action over [start, end) lies only on walking, idling,
        sitting or carrying (or on time not yet planned)."""
        for s in self.segments:
            if s.end_frame <= start or s.start_frame >= end:
                continue
            base = s.action if s.kind != "idle" else "idle"
            gait = getattr(s, "gait", None)
            if s.kind == "locomotion" and (gait or base) in LAYER_BASES:
                continue
            if base not in LAYER_BASES:
                return False
        return True

    def layerable_tail(self, frame: int) -> list:
        """The segments from `frame` on when all are upper-body actions done standing in one
        place (so a walk anchored at `frame` can take over and carry them as layers)."""
        tail = [s for s in self.segments if s.end_frame > frame]
        if not tail or tail[0].start_frame < frame:
            return []
        for s in tail:
            if s.kind == "idle":
                continue
            if s.kind != "action" or s.action not in LAYERABLE or s.layer != "full":
                return []
            if s.start_pose[:2] != s.pose[:2]:
                return []
        return [s for s in tail if s.kind != "idle"]

    def demote(self, frame: int):
        """Turn the layerable tail from `frame` on into layers; the track is free at
        `frame` again."""
        tail = self.layerable_tail(frame)
        if not tail:
            return
        keep = [s for s in self.segments if s.end_frame <= frame]
        for s in tail:
            self.layers.append(s.as_layer())
        self.segments = keep
        self.busy = frame
        if keep:
            self.pose = keep[-1].pose
            self.posture = keep[-1].posture
        else:
            self.pose = self.start_pose
            self.posture = "stand"

    def pose_at(self, frame: int) -> tuple[float, float, float]:
        """(x, y, rot_z) at a frame; the last pose beyond what is planned."""
        if frame >= self.busy or not self.segments:
            return self.pose
        for s in self.segments:
            if s.start_frame <= frame < s.end_frame:
                return s.pose_at(frame)
        return self.pose

    def finish(self, frame: int):
        self.idle_until(frame)
