"""One actor's whole performance: the stage plan's segments turned into one continuous clip.

Each segment becomes motion from the right source — walking and running along its timed path
(locomotion), a mocap clip from the library for kicks at people, punches, jumps and dances,
an action synthesised from key poses for everything else (a kick at a ball among them: its
foot has to meet the ball) — all in the actor's own proportions and in world coordinates.
The pieces are joined by inertialization so there are no pops, and the
frame range of every beat is kept so the Blender side can cut the motion into one action per
beat.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np

from . import quat
from .actions import ACTION_BUILDERS, synthesise
from .actions_base import ActionContext, Gaze
from .clip import Clip
from .footlock import foot_lock
from .locomotion import GAITS, follow_path, gait_cycle, prepare_cycle
from .poses import body_offsets
from .skeleton import INDEX, leg_length
from .transitions import concatenate

log = logging.getLogger(__name__)

#: Actions played from the mocap library, by the clip label that holds them; one that is
#: also synthesised (a kick) is synthesised when it is done to a thing (a ball), not a person.
MOCAP = {"kick": "kick", "punch": "punch", "jump": "jump", "dance": "dance", "spin": "spin",
         "cartwheel": "cartwheel", "backflip": "backflip", "roll": "roll", "crawl": "crawl"}
#: Mocap that keeps a foot on the ground, so planted feet are pinned (not for acrobatics,
#: where pinning the feet fights the flight).
GROUNDED = {"kick", "punch", "dance", "spin"}
BLEND_S = 0.35
#: The joints an upper-body layer (a wave while walking) takes over.
UPPER_BODY = ("neck", "head", "left_collar", "right_collar", "left_shoulder", "right_shoulder",
              "left_elbow", "right_elbow", "left_wrist", "right_wrist")


def _heading(pelvis: np.ndarray) -> float:
    """Which way a pelvis rotation faces, as rot_z (0 facing -Y)."""
    forward = quat.rotate(pelvis, np.array([0.0, -1.0, 0.0]))
    return float(np.arctan2(forward[0], -forward[1]))


@dataclass
class Piece:
    """The frames [start, end) of the performance that one segment fills."""
    name: str
    beat: str | None
    action: str
    start_frame: int
    end_frame: int
    source: str = ""        # "locomotion", "mocap:<clip>", "user:<clip>", "synthesised"


@dataclass
class Performance:
    actor: str
    clip: Clip                      # frame 0 of the clip is frame 0 of the story
    pieces: list[Piece]
    events: list[dict] = field(default_factory=list)    # releases, contacts, hand-offs
    warnings: list[str] = field(default_factory=list)
    gaze: Gaze | None = None        # what the eyes look at, frame by frame (the whole clip)


def proportioned(clip: Clip, offsets: np.ndarray) -> Clip:
    """`clip` on a body with `offsets`: rotations kept, root travel scaled by leg length."""
    scale = leg_length(offsets) / leg_length(clip.offsets)
    return replace(clip, root=np.array(clip.root) * scale, offsets=np.array(offsets),
                   rotations=np.array(clip.rotations))


def placed(clip: Clip, x: float, y: float, facing: float) -> Clip:
    """A library clip (starting at the origin facing -Y) moved to stand at (x, y) facing
    `facing` (radians about Z, 0 facing -Y)."""
    turn = quat.from_axis_angle([0.0, 0.0, 1.0], facing)
    root = np.array(clip.root)
    start = root[0, :2].copy()
    root[:, :2] -= start
    root = quat.rotate(np.broadcast_to(turn, (len(root), 4)), root)
    root[:, 0] += x
    root[:, 1] += y
    rotations = np.array(clip.rotations)
    rotations[:, 0] = quat.multiply(np.broadcast_to(turn, (len(root), 4)), rotations[:, 0])
    return replace(clip, root=root, rotations=rotations)


def breathing(last: Clip, frames: int, fps: float) -> Clip:
    """The last pose of `last` held for `frames`, breathing (a slow chest rise), so a seated
    or lying actor is never a statue."""
    t = np.arange(frames) / fps
    rotations = np.repeat(last.rotations[-1:], frames, axis=0)
    chest = quat.from_axis_angle([1.0, 0.0, 0.0], np.radians(1.2) * np.sin(2 * np.pi * t / 4.0))
    spine = INDEX["spine3"]
    rotations[:, spine] = quat.multiply(rotations[:, spine], chest)
    contacts = None if last.contacts is None else np.repeat(last.contacts[-1:], frames, 0)
    return replace(last, name="breathing", source="synthesised",
                   root=np.repeat(last.root[-1:], frames, axis=0),
                   rotations=rotations, contacts=contacts)


def anchored(clip: Clip) -> Clip:
    """`clip` ending where and facing the way it started: its net travel and turn are taken
    out gradually over the clip, so a kick or a punch stays on the spot the stage planned and
    the next segment starts where this one ends."""
    t = np.linspace(0.0, 1.0, clip.frames)[:, None]
    turn = _heading(clip.rotations[-1, 0]) - _heading(clip.rotations[0, 0])
    turn = (turn + np.pi) % (2 * np.pi) - np.pi
    undo = quat.from_axis_angle([0.0, 0.0, 1.0], -turn * t[:, 0])
    root = np.array(clip.root)
    centre = root[0].copy()
    local = root - centre
    local[:, :2] -= t * local[-1, :2]
    local = quat.rotate(undo, local)
    rotations = np.array(clip.rotations)
    rotations[:, 0] = quat.multiply(undo, rotations[:, 0])
    return replace(clip, root=local + centre, rotations=quat.unroll(rotations))


def _fit(clip: Clip, frames: int) -> Clip:
    """Exactly `frames` frames: trimmed, or the last pose held."""
    if clip.frames >= frames:
        return clip.sliced(0, frames)
    pad = frames - clip.frames
    contacts = None if clip.contacts is None else np.concatenate(
        [clip.contacts, np.repeat(clip.contacts[-1:], pad, axis=0)])
    return replace(clip, root=np.concatenate([clip.root, np.repeat(clip.root[-1:], pad, 0)]),
                   rotations=np.concatenate([clip.rotations,
                                             np.repeat(clip.rotations[-1:], pad, 0)]),
                   contacts=contacts)


class _GazeTrack:
    """The gaze of a whole performance, filled in segment by segment (and layer by layer,
    a layer's gaze faded in over what is below it)."""

    def __init__(self):
        self.parts: list[tuple[int, int, Gaze, np.ndarray | None]] = []

    def add(self, start: int, frames: int, gaze: Gaze | None, fade: np.ndarray | None = None):
        if gaze is not None:
            self.parts.append((start, frames, gaze, fade))

    def gaze(self, frames: int) -> Gaze | None:
        if not self.parts:
            return None
        targets, weights = np.zeros((frames, 3)), np.zeros(frames)
        for start, count, gaze, fade in self.parts:
            count = max(0, min(count, frames - start, len(gaze.weights)))
            span = slice(start, start + count)
            weight = gaze.weights[:count] * (1.0 if fade is None else fade[:count])
            # Over a gaze already there, the new one takes over as far as its weight says.
            mix = np.where(weights[span] > 0, weight, 1.0)[:, None]
            targets[span] = targets[span] * (1 - mix) + gaze.targets[:count] * mix
            weights[span] = weights[span] * (1 - weight) + weight
        return Gaze(targets, np.clip(weights, 0.0, 1.0))


class Performer:
    """Builds performances for the actors of one stage plan."""

    def __init__(self, library, fps: float, seed: int = 0, user_clips: tuple[str, ...] = ()):
        """`user_clips`: names of clips a user added to `library` (their BVH folders); a
        beat whose action one of them is labelled with plays that clip."""
        self.library = library
        self.fps = fps
        self.seed = seed
        self.user_clips = set(user_clips)
        self._cycles: dict[tuple, object] = {}

    def _cycle(self, gait: str, offsets: np.ndarray):
        key = (gait, round(float(leg_length(offsets)), 4))
        if key not in self._cycles:
            clip = gait_cycle(self.library, GAITS[gait])
            self._cycles[key] = prepare_cycle(proportioned(clip, offsets))
        return self._cycles[key]

    def perform(self, track, others: dict | None = None,
                offsets: np.ndarray | None = None) -> Performance:
        """The performance of `track` (stage.plan.ActorTrack); `others` maps the other
        actors' ids to their tracks, for two-person actions.  `offsets` are the actor's
        proportions (retarget.rig_offsets of its rig); default proportions scaled to its
        height otherwise."""
        offsets = body_offsets(track.height_m) if offsets is None else offsets
        clips, pieces, events, warnings = [], [], [], []
        look = _GazeTrack()
        for k, segment in enumerate(track.segments):
            last = k == len(track.segments) - 1
            frames = segment.end_frame - segment.start_frame + (1 if last else 0)
            if frames <= 0:
                continue
            if segment.kind == "idle" and segment.posture != "stand" and clips:
                clip, event, gaze = breathing(clips[-1], frames, self.fps), {}, None
            else:
                clip, event, gaze = self._segment(track, segment, offsets, others or {},
                                                  warnings)
            look.add(segment.start_frame, frames, gaze)
            clips.append(_fit(clip.resampled(self.fps), frames))
            pieces.append(Piece(segment.beat or f"{segment.action} (staged)", segment.beat,
                                segment.action, segment.start_frame,
                                segment.start_frame + frames, clip.source))
            if event:
                events.append({"actor": track.id, "beat": segment.beat,
                               "start_frame": segment.start_frame, **event})
        joined = concatenate(clips, BLEND_S, align=False, fps=self.fps, name=track.id)
        for layer in track.layers:
            joined = self._layered(joined, track, layer, offsets, others or {}, warnings, look)
        return Performance(track.id, joined, pieces, events, warnings, look.gaze(joined.frames))

    def _layered(self, base: Clip, track, layer, offsets, others, warnings,
                 look: _GazeTrack) -> Clip:
        """`base` with an upper-body action (a wave while walking) laid over its arms, neck
        and head for the layer's frames, faded in and out (its gaze with them)."""
        start, end = layer.start_frame, min(layer.end_frame, base.frames)
        if end - start < 2 or layer.action not in ACTION_BUILDERS:
            if layer.action not in ACTION_BUILDERS:
                warnings.append(f"{track.id}: no upper-body motion for {layer.action!r}")
            return base
        x, y = base.root[start, :2]
        facing = _heading(base.rotations[start, 0])
        context = replace(self._context(track, layer, offsets, others),
                          position=(float(x), float(y)), facing=facing)
        result = synthesise(layer.action, context, (end - start) / self.fps, self.fps)
        upper = result.clip
        frames = min(end - start, upper.frames)
        ramp = np.clip(np.minimum(np.arange(frames) + 1, frames - np.arange(frames))
                       / (BLEND_S * self.fps), 0.0, 1.0)
        look.add(start, frames, result.gaze, ramp)
        rotations = np.array(base.rotations)
        for joint in UPPER_BODY:
            j = INDEX[joint]
            rotations[start:start + frames, j] = quat.slerp(
                base.rotations[start:start + frames, j], upper.rotations[:frames, j],
                np.broadcast_to(ramp, (frames,)))
        return replace(base, rotations=quat.unroll(rotations))

    def _context(self, track, segment, offsets, others) -> ActionContext:
        x, y, facing = segment.start_pose
        other = others.get(segment.partner) if segment.partner else None
        other_position = other_height = None
        if other is not None:
            px, py, _ = next((s.pose for s in other.segments if s.beat == segment.beat),
                             other.start_pose)
            other_position, other_height = (px, py), other.height_m
        # A kick acts on the thing (target) and sends it to the aim; the rest act at the aim.
        target = segment.target_point if segment.action == "kick" else (
            segment.aim_point or segment.target_point)
        return ActionContext(position=(x, y), facing=facing, height_m=track.height_m,
                             target=target, aim=segment.aim_point,
                             other_position=other_position,
                             other_height_m=other_height, params=dict(segment.params),
                             seed=self.seed, rest_offsets=offsets)

    def _segment(self, track, segment, offsets, others, warnings
                 ) -> tuple[Clip, dict, Gaze | None]:
        duration = max(segment.duration_s, 1.0 / self.fps)
        if segment.kind == "locomotion" and segment.path is not None and len(segment.path) > 1:
            gait = segment.gait if segment.gait in GAITS else "walk"
            clip = follow_path(segment.path[:, 0], segment.path[:, 1:3],
                               self._cycle(gait, offsets), self.fps, gait=GAITS[gait],
                               initial_heading=float(segment.facing[0]))
            return replace(clip, source="locomotion"), {}, None
        action = segment.action if segment.kind == "action" else "idle"
        own = [c for c in self.library.by_label(action) if c.name in self.user_clips]
        if own:
            x, y, facing = segment.pose
            clip = anchored(placed(proportioned(own[0], offsets), x, y, facing))
            return replace(clip, source=f"user:{own[0].name}"), {}, None
        at_thing = action in ACTION_BUILDERS and segment.target_point is not None and \
            segment.target is not None and segment.target not in others
        if action in MOCAP and self.library.by_label(MOCAP[action]) and not at_thing:
            x, y, facing = segment.pose
            clip = proportioned(self.library.by_label(MOCAP[action])[0], offsets)
            clip = placed(clip, x, y, facing)
            clip = foot_lock(anchored(clip)) if action in GROUNDED else clip
            return replace(clip, source=f"mocap:{MOCAP[action]}"), {}, None
        if action not in ACTION_BUILDERS:
            warnings.append(f"{track.id}: no motion for {action!r} (beat {segment.beat}); "
                            f"idles instead")
            action = "idle"
        context = self._context(track, segment, offsets, others)
        try:
            result = synthesise(action, context, duration, self.fps)
        except (ValueError, KeyError) as exc:
            warnings.append(f"{track.id}: {action} could not be synthesised ({exc}); idles")
            result = synthesise("idle", replace(context, target=None), duration, self.fps)
        result = replace(result, clip=replace(result.clip, source="synthesised"))
        event = {}
        if result.release is not None:
            event = {"release_frame": int(result.release.frame),
                     "position": [float(v) for v in result.release.position],
                     "velocity": [float(v) for v in result.release.velocity]}
        if result.handoff_frame is not None:
            event["handoff_frame"] = int(result.handoff_frame)
        if result.contact_frames:
            event["contacts"] = {k: int(v) for k, v in result.contact_frames.items()}
            event["hand"] = result.hand
        if "kick" in result.extras:
            kick = result.extras["kick"]
            event["foot"] = kick["foot"]
            event.update({f"foot_{k}" if k in ("position", "velocity") else k:
                          [float(v) for v in kick[k]]
                          for k in ("position", "velocity", "ball_point", "strike_point")})
        if "grips" in result.extras:
            event["grasp_points"] = {side: [float(v) for v in point]
                                     for side, point in result.extras["grips"].items()}
        return result.clip, event, result.gaze
