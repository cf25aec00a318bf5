"""The stage plan: where everyone goes and when, as plain data; and `plan_stage`, which makes it.

`plan_stage(screenplay, set_plan, marks, heights, fps)` plays the beats in story order on the
set the cast stage planned.  For each beat it resolves when it starts (its anchor, when the
actor is free, when a hug partner is free), where the actor has to be for it (`approach`),
walks or runs them there on the nav map around props, walls and the other actors
(`navigation`), and appends the result to the actor's track (`timeline`).  Bad story data
becomes warnings, never exceptions: a target inside a wall is approached as near as the floor
allows, a walk that cannot be made in time is run and then stretched, two beats of one actor at
once are layered (a wave while walking) or played one after the other.

The result, a `StagePlan`, is what the motion synthesiser and the Blender writer consume:

- `actors[id].segments`: a gapless list covering frame 0 to `frames`; each segment is
  "locomotion" (a timed path of (t, x, y) samples at the plan's fps with a facing per sample,
  a gait and cruise speed), "action" (a canonical action done at a pose, with its target and
  the target's world point) or "idle";
- `actors[id].layers`: upper-body actions that play over those segments;
- `props`: events props perform themselves (a ball rolls, a glass breaks), timed;
- `beats`: the staged time of every beat, for cameras and cuts.

Conventions: metres, Z up, rot_z as in `cast.placement` (a person faces −Y at 0), times in
seconds from the story's start with frame numbers at `fps` (frame 0 = 0 s).  Deterministic.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field, replace
from typing import Mapping

import numpy as np

from ..cast.placement import Pose, facing_towards, forward, wrap_angle
from ..story.vocabulary import ACTIONS
from . import approach as ap
from . import navigation as nv
from .timeline import (GET_UP, LAYERABLE, POSTURE_AFTER, SEATED_OK, Track, anchor_frame,
                       duration_stated, fix_durations, story_overlap, story_times,
                       to_frames)

log = logging.getLogger(__name__)

VERSION = 1
KINDS = ("locomotion", "action", "idle")
POSTURES = ("stand", "sit", "lie", "down")

Pose3 = tuple[float, float, float]


# --- the plan ----------------------------------------------------------------------------------

class _FrameSpan:
    """Seconds of anything with `start_frame`, `end_frame` and `fps`."""

    @property
    def start_s(self) -> float:
        return self.start_frame / self.fps

    @property
    def end_s(self) -> float:
        return self.end_frame / self.fps

    @property
    def duration_s(self) -> float:
        return (self.end_frame - self.start_frame) / self.fps


@dataclass
class Segment(_FrameSpan):
    """A stretch of one actor's time.

    kind "locomotion": `path` (N, 3) rows of (t seconds, x, y) for the pelvis at every frame
    from start to end inclusive, `facing` (N,) rot_z per row, `gait` ("walk", "run", "jog",
    "sneak", "crawl") and `speed_mps` (cruise speed); `action` is the beat's action ("walk",
    "run", "carry") or the gait for a walk staging inserted.
    kind "action": `action` (canonical name) done at `pose`; `start_pose` is where the actor
    was when it began (a turn towards the target happens inside the action).  `target` is the
    beat's target id, `target_point` its world point when the action starts (a cup's rim, a
    ball's centre, a seat's top, a person's chest), `aim_point` where the action is directed
    (a throw's or a kick's destination, what is looked at); `partner`/`role` ("actor" or
    "partner") for two-person actions (both get a segment of the same beat).
    kind "idle": standing (or sitting: `posture`) still at `pose`.
    `beat` is the beat id the segment came from, None for what staging inserted (a walk
    to the ball, standing up from a bench).  `layer` is "full" on the track and "upper" for
    layers.  `posture` is the posture at the segment's end; `holding` the props in hand then.
    """
    kind: str
    action: str
    start_frame: int
    end_frame: int
    fps: float = field(default=24.0, repr=False)
    beat: str | None = None
    start_pose: Pose3 = (0.0, 0.0, 0.0)
    pose: Pose3 = (0.0, 0.0, 0.0)
    gait: str | None = None
    speed_mps: float = 0.0
    path: np.ndarray | None = field(default=None, repr=False)
    facing: np.ndarray | None = field(default=None, repr=False)
    target: str | None = None
    target_point: tuple[float, float, float] | None = None
    aim_point: tuple[float, float, float] | None = None
    partner: str | None = None
    role: str | None = None
    layer: str = "full"
    posture: str = "stand"
    holding: tuple[str, ...] = ()
    params: dict = field(default_factory=dict)


    def extended(self, end_frame: int) -> "Segment":
        return replace(self, end_frame=end_frame)

    def as_layer(self) -> "Segment":
        return replace(self, layer="upper", pose=self.start_pose)

    def pose_at(self, frame: int) -> Pose3:
        if self.kind == "locomotion" and self.path is not None and len(self.path):
            k = int(np.clip(frame - self.start_frame, 0, len(self.path) - 1))
            return (float(self.path[k, 1]), float(self.path[k, 2]), float(self.facing[k]))
        return self.pose

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "action": self.action, "beat": self.beat,
             "start_frame": self.start_frame, "end_frame": self.end_frame,
             "start_s": round(self.start_s, 4), "end_s": round(self.end_s, 4),
             "start_pose": _r(self.start_pose), "pose": _r(self.pose),
             "layer": self.layer, "posture": self.posture, "holding": list(self.holding)}
        if self.kind == "locomotion":
            d.update(gait=self.gait, speed_mps=round(self.speed_mps, 4),
                     path=np.round(self.path, 4).tolist() if self.path is not None else [],
                     facing=np.round(self.facing, 4).tolist() if self.facing is not None
                     else [])
        for k in ("target", "partner", "role"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        for k in ("target_point", "aim_point"):
            if getattr(self, k) is not None:
                d[k] = _r(getattr(self, k))
        if self.params:
            d["params"] = dict(self.params)
        return d

    @classmethod
    def from_dict(cls, d: Mapping, fps: float) -> "Segment":
        path = d.get("path")
        facing = d.get("facing")
        return cls(kind=d["kind"], action=d["action"], start_frame=int(d["start_frame"]),
                   end_frame=int(d["end_frame"]), fps=fps, beat=d.get("beat"),
                   start_pose=tuple(d.get("start_pose", (0, 0, 0))),
                   pose=tuple(d.get("pose", (0, 0, 0))), gait=d.get("gait"),
                   speed_mps=float(d.get("speed_mps", 0.0)),
                   path=np.asarray(path, float).reshape(-1, 3) if path is not None else None,
                   facing=np.asarray(facing, float) if facing is not None else None,
                   target=d.get("target"),
                   target_point=_t(d.get("target_point")), aim_point=_t(d.get("aim_point")),
                   partner=d.get("partner"), role=d.get("role"), layer=d.get("layer", "full"),
                   posture=d.get("posture", "stand"), holding=tuple(d.get("holding", ())),
                   params=dict(d.get("params", {})))


@dataclass
class ActorTrack:
    id: str
    height_m: float
    start_pose: Pose3
    segments: list[Segment] = field(default_factory=list)
    layers: list[Segment] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"height_m": round(self.height_m, 4), "start_pose": _r(self.start_pose),
                "segments": [s.to_dict() for s in self.segments],
                "layers": [s.to_dict() for s in self.layers]}

    @classmethod
    def from_dict(cls, ident: str, d: Mapping, fps: float) -> "ActorTrack":
        return cls(ident, float(d["height_m"]), tuple(d["start_pose"]),
                   [Segment.from_dict(s, fps) for s in d.get("segments", [])],
                   [Segment.from_dict(s, fps) for s in d.get("layers", [])])


@dataclass
class PropCue(_FrameSpan):
    """Something a prop does by itself (fall, roll, bounce, break, topple, slide), timed.
    `point`: where it is estimated to be when the event starts (the hand that dropped it,
    where the ball was kicked); `rest_point`: where it is expected to come to rest.  Both
    are estimates: the physics stage decides."""
    beat: str
    prop: str
    action: str
    start_frame: int
    end_frame: int
    fps: float = field(default=24.0, repr=False)
    point: tuple[float, float, float] | None = None
    rest_point: tuple[float, float, float] | None = None
    params: dict = field(default_factory=dict)


    def to_dict(self) -> dict:
        return {"beat": self.beat, "prop": self.prop, "action": self.action,
                "start_frame": self.start_frame, "end_frame": self.end_frame,
                "start_s": round(self.start_s, 4), "end_s": round(self.end_s, 4),
                "point": _r(self.point) if self.point is not None else None,
                "rest_point": _r(self.rest_point) if self.rest_point is not None else None,
                "params": dict(self.params)}

    @classmethod
    def from_dict(cls, d: Mapping, fps: float) -> "PropCue":
        return cls(d["beat"], d["prop"], d["action"], int(d["start_frame"]),
                   int(d["end_frame"]), fps, _t(d.get("point")), _t(d.get("rest_point")),
                   dict(d.get("params", {})))


@dataclass
class BeatSpan(_FrameSpan):
    """When a beat was staged: from its first frame (after any walk staging put before it)
    to its end; `layered` when it plays over the actor's track as an upper-body layer."""
    beat: str
    actor: str
    action: str
    start_frame: int
    end_frame: int
    fps: float = field(default=24.0, repr=False)
    layered: bool = False


    def to_dict(self) -> dict:
        return {"actor": self.actor, "action": self.action, "start_frame": self.start_frame,
                "end_frame": self.end_frame, "start_s": round(self.start_s, 4),
                "end_s": round(self.end_s, 4), "layered": self.layered}


@dataclass
class StagePlan:
    fps: float
    frames: int                                 # the story's last frame (end, exclusive)
    actors: dict[str, ActorTrack] = field(default_factory=dict)
    props: list[PropCue] = field(default_factory=list)
    beats: dict[str, BeatSpan] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    version: int = VERSION

    @property
    def end_s(self) -> float:
        return self.frames / self.fps

    def pose_at(self, actor: str, t: float) -> Pose3:
        """(x, y, rot_z) of an actor's pelvis at `t` seconds."""
        track = self.actors[actor]
        f = to_frames(t, self.fps)
        for s in track.segments:
            if s.start_frame <= f < s.end_frame:
                return s.pose_at(f)
        return track.segments[-1].pose if track.segments else track.start_pose

    def trajectory(self, actor: str) -> np.ndarray:
        """(frames + 1, 3) rows of (x, y, rot_z) of an actor's pelvis at every frame: the
        paths of its locomotion, its pose elsewhere (for cameras, checks and metrics)."""
        track = self.actors[actor]
        out = np.empty((self.frames + 1, 3))
        out[:] = track.start_pose
        for s in track.segments:
            if s.kind == "locomotion" and s.path is not None and len(s.path):
                n = min(len(s.path), self.frames + 1 - s.start_frame)
                out[s.start_frame:s.start_frame + n, :2] = s.path[:n, 1:]
                out[s.start_frame:s.start_frame + n, 2] = s.facing[:n]
            else:
                out[s.start_frame:s.end_frame + 1] = s.pose
        return out

    def to_dict(self) -> dict:
        return {"version": self.version, "fps": self.fps, "frames": self.frames,
                "end_s": round(self.end_s, 4),
                "actors": {k: a.to_dict() for k, a in self.actors.items()},
                "props": [c.to_dict() for c in self.props],
                "beats": {k: b.to_dict() for k, b in self.beats.items()},
                "warnings": list(self.warnings)}

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_dict(cls, d: Mapping) -> "StagePlan":
        if d.get("version", VERSION) != VERSION:
            raise ValueError(f"StagePlan version {d.get('version')!r} is not supported; "
                             f"this Story Motion reads version {VERSION}")
        fps = float(d["fps"])
        return cls(fps=fps, frames=int(d["frames"]),
                   actors={k: ActorTrack.from_dict(k, a, fps) for k, a in d["actors"].items()},
                   props=[PropCue.from_dict(c, fps) for c in d.get("props", [])],
                   beats={k: BeatSpan(k, b["actor"], b["action"], int(b["start_frame"]),
                                      int(b["end_frame"]), fps, bool(b.get("layered")))
                          for k, b in d.get("beats", {}).items()},
                   warnings=list(d.get("warnings", [])), version=int(d.get("version", 1)))

    @classmethod
    def from_json(cls, text: str) -> "StagePlan":
        return cls.from_dict(json.loads(text))


def _r(v) -> list[float]:
    return [round(float(x), 5) for x in v]


def _t(v):
    return None if v is None else tuple(float(x) for x in v)


#: A move shorter than this is a turn on the spot.
STILL_M = 0.12
#: How long a mover may wait for someone to pass before it detours instead.
MAX_WAIT_S = 8.0


# --- staging -----------------------------------------------------------------------------------

def plan_stage(screenplay, set_plan, marks: Mapping[str, Pose], heights: Mapping[str, float],
               fps: float = 24) -> StagePlan:
    """Stage every beat of `screenplay` on `set_plan` (cast.sets.plan_set) with the actors
    starting at `marks` (cast.sets.character_marks) and standing `heights` tall (metres).
    Problems with the story are `StagePlan.warnings`; only a programming error (a bad fps,
    something that is not a Screenplay) raises."""
    if not (isinstance(fps, (int, float)) and math.isfinite(fps) and fps > 0):
        raise ValueError(f"plan_stage: fps must be a positive number, got {fps!r}")
    for attr in ("cast", "beats", "props", "set"):
        if not hasattr(screenplay, attr):
            raise TypeError(f"plan_stage: expected a Screenplay, got {type(screenplay).__name__}")
    return _Stager(screenplay, set_plan, marks, heights, float(fps)).run()


class _Stager:
    def __init__(self, sp, set_plan, marks, heights, fps: float):
        self.sp, self.set, self.fps = sp, set_plan, fps
        self.ids = sp.ids()
        self.beats = list(sp.beats)
        self.durations, self.warnings = fix_durations(self.beats)
        self.times = story_times(self.beats, self.durations)
        self.floor = nv.Floor.from_set(set_plan)
        self.categories = {d.id: d.category for d in set_plan.dressing}
        self.categories.update({p.id: p.category for p in sp.props})
        self.props = ap.Props(dict(set_plan.prop_boxes), {p.id: p.category for p in sp.props},
                              dict(set_plan.held))
        self.res = nv.Reservations()
        self.tracks: dict[str, Track] = {}
        self.spans: dict[str, tuple[int, int]] = {}
        self.layered: set[str] = set()
        self.beat_actor = {b.id: b.actor for b in self.beats}
        self.cues: list[PropCue] = []
        self.seated: dict[tuple[str, int], str] = {}
        self._start_tracks(marks, heights)

    # -- set up ----------------------------------------------------------------------------
    def _start_tracks(self, marks, heights):
        grid = self.floor.grid()
        main = grid.region(self.set.area.cx, self.set.area.cy)
        placed: list[tuple[float, float]] = []
        for member in self.sp.cast:
            h = heights.get(member.id) if heights else None
            if not (isinstance(h, (int, float)) and 0.4 < h < 2.6):
                h = member.body.height_m if 0.4 < member.body.height_m < 2.6 else 1.7
            mark = marks.get(member.id) if marks else None
            if mark is None:
                mask = main & ~nv.discs(grid.nav, placed, 0.8)
                p = grid.nearest(self.set.area.cx, self.set.area.cy - 0.3, mask) or \
                    grid.nearest(self.set.area.cx, self.set.area.cy, main) or (0.0, 0.0)
                mark = Pose(p[0], p[1], 0.0, 0.0)
                self.warn(f"{member.id}: no start mark; starts at ({p[0]:.2f}, {p[1]:.2f})")
            x, y = mark.x, mark.y
            cell = grid.cell(x, y)
            if cell is None or grid.blocked[cell] or not main[cell]:
                p = grid.nearest(x, y, main)
                if p is not None:
                    self.warn(f"{member.id}: start mark ({x:.2f}, {y:.2f}) is not on walkable "
                              f"floor; starts {math.hypot(p[0] - x, p[1] - y):.2f} m away "
                              f"at ({p[0]:.2f}, {p[1]:.2f})")
                    x, y = p
            if any(math.hypot(x - px, y - py) < nv.PERSONAL_M for px, py in placed):
                away = ~nv.discs(grid.nav, placed, 0.8)
                p = grid.nearest(x, y, main & away) or grid.nearest(x, y, away)
                if p is None:
                    self.warn(f"{member.id}: start mark ({x:.2f}, {y:.2f}) is within "
                              f"{nv.PERSONAL_M:.1f} m of another's and there is no room "
                              f"elsewhere")
                else:
                    self.warn(f"{member.id}: start mark ({x:.2f}, {y:.2f}) is within "
                              f"{nv.PERSONAL_M:.1f} m of another's; starts at "
                              f"({p[0]:.2f}, {p[1]:.2f})")
                    x, y = p
            pose = (float(x), float(y), float(wrap_angle(mark.rot_z)))
            self.tracks[member.id] = Track(member.id, pose, float(h), self._idle)
            self.res.start(member.id, x, y)
            placed.append((x, y))
        for pid, holder in self.set.held.items():
            if holder in self.tracks:
                self.tracks[holder].holding.append(pid)

    def _idle(self, start, end, pose, posture, holding, beat=None) -> Segment:
        return Segment("idle", "idle", start, end, self.fps, beat=beat, start_pose=pose,
                       pose=pose, posture=posture, holding=holding)

    def warn(self, text: str):
        log.info("stage: %s", text)
        self.warnings.append(text)

    # -- the run --------------------------------------------------------------------------
    def run(self) -> StagePlan:
        for beat in self.beats:
            self.stage_beat(beat)
        end = max([1] + [t.busy for t in self.tracks.values()]
                  + [e for _, e in self.spans.values()] + [c.end_frame for c in self.cues])
        plan = StagePlan(self.fps, end, warnings=self.warnings)
        for ident, track in self.tracks.items():
            track.finish(end)
            plan.actors[ident] = ActorTrack(ident, track.height_m, track.start_pose,
                                            track.segments, track.layers)
        plan.props = self.cues
        for b in self.beats:
            if b.id in self.spans:
                s, e = self.spans[b.id]
                plan.beats[b.id] = BeatSpan(b.id, b.actor, b.action, s, e, self.fps,
                                            b.id in self.layered)
        return plan

    def stage_beat(self, b):
        label = f"{b.id} ({b.actor} {b.action})"
        dur_f = max(1, to_frames(self.durations[b.id], self.fps))
        anchor = anchor_frame(b, self.spans, self.beat_actor, self.fps)
        if anchor.warning:
            self.warn(anchor.warning)
        kind = self.ids.get(b.actor)
        if kind == "prop":
            self.prop_event(b, anchor.frame, dur_f)
            return
        if b.actor not in self.tracks:
            self.warn(f"{label}: {b.actor!r} is not a cast member; the beat is skipped")
            return
        action = b.action
        if action not in ACTIONS:
            self.warn(f"{label}: {action!r} is not a canonical action; staged as idle")
            action = "idle"
        elif not ACTIONS[action].character:
            self.warn(f"{label}: only props {action}; staged as idle")
            action = "idle"
        target = b.target
        if target is not None and (target not in self.ids or target == b.actor):
            self.warn(f"{label}: target {target!r} is not another cast member, prop or spot; "
                      f"ignored")
            target = None
        if target is not None and self.ids[target] == "spot" and target not in self.set.spots:
            self.warn(f"{label}: the set has no spot {target!r}; ignored")
            target = None
        params = dict(b.params) if isinstance(b.params, dict) else {}
        dest = params.get("destination")
        if dest is not None and (dest not in self.ids or dest == b.actor):
            self.warn(f"{label}: destination {dest!r} is unknown; ignored")
            params.pop("destination")
        track = self.tracks[b.actor]
        start = anchor.frame
        held = target in track.holding
        if (action in LAYERABLE and start < track.busy and (action != "carry" or held)
                and track.can_layer(start, start + dur_f)):
            self.layer_beat(b, action, target, params, start, dur_f)
            return
        if start < track.busy:
            if (ACTIONS[action].locomotion or (action == "carry" and dest)) \
                    and track.layerable_tail(start):
                track.demote(start)
                self.layered.update(s.beat for s in track.layers if s.beat)
            else:
                other = story_overlap(b, self.beats, self.times)
                if other is not None:
                    self.warn(f"{label}: overlaps {other} of {b.actor} in the story's timing; "
                              f"played after it, from {track.busy / self.fps:.2f} s")
        info = (b, label, action, target, params, start, anchor.binding, dur_f)
        if ACTIONS[action].locomotion or (action == "carry" and params.get("destination")):
            self.locomotion_beat(*info)
        elif ACTIONS[action].two_actor and target is not None and self.ids[target] == "cast":
            self.meet_beat(*info)
        else:
            self.action_beat(*info)

    # -- targets -------------------------------------------------------------------------
    def target_info(self, tid: str | None, frame: int) -> ap.Target:
        if tid is None:
            return ap.NO_TARGET
        kind = self.ids.get(tid)
        if kind == "cast" and tid in self.tracks:
            t = self.tracks[tid]
            x, y = self.res.position(tid, frame)
            return ap.Target(tid, "person", x, y, 0.0, t.pose_at(frame)[2], t.height_m)
        if kind == "prop" and tid in self.props:
            s = self.props.state[tid]
            if s.held_by is not None and s.held_by in self.tracks:
                hx, hy, hz = self.hand_point(s.held_by, frame)
                return ap.Target(tid, "prop", hx, hy, hz, 0.0, box=None, category=s.category,
                                 held_by=s.held_by)
            return ap.Target(tid, "prop", *s.point, rot_z=s.box.rot_z if s.box else 0.0,
                             box=s.box, category=s.category)
        if kind == "spot" and tid in self.set.spots:
            sp = self.set.spots[tid]
            return ap.Target(tid, "spot", sp.x, sp.y, 0.0, sp.rot_z, feature=tuple(sp.feature))
        return ap.NO_TARGET

    def target_on_arrival(self, track: Track, tid: str | None, frame: int) -> ap.Target:
        """A target as it will be when the actor gets there: a person who is (already
        planned to be) on the move is met where they will be, not where they were."""
        tinfo = self.target_info(tid, frame)
        if tinfo.kind != "person":
            return tinfo
        for _ in range(2):
            d = math.hypot(tinfo.x - track.pose[0], tinfo.y - track.pose[1])
            eta = to_frames(d / nv.GAITS["walk"].natural_mps + 0.8, self.fps)
            tinfo = self.target_info(tid, frame + eta)
        return tinfo

    def hand_point(self, actor: str, frame: int) -> tuple[float, float, float]:
        t = self.tracks[actor]
        x, y, rot = t.pose_at(frame)
        fx, fy = forward(rot)
        return (x + 0.3 * fx, y + 0.3 * fy, ap.HAND_CARRY_H * t.height_m)

    def others(self, actor: str, frame: int, exempt=(), moving: bool = True,
               centre: tuple[float, float] | None = None) -> list[tuple[float, float]]:
        """Where the other actors are from `frame` on: where they will stand (still
        segments, their last pose) and, with `moving`, where their planned walks take them
        (every quarter second) — places a standing point had better avoid.  For someone in
        `exempt` (the person walked up to) only places away from `centre` (where they are
        met) count."""
        out = []
        step = max(1, to_frames(0.25, self.fps))
        for other, t in sorted(self.tracks.items()):
            if other == actor:
                continue
            pts = [self.res.position(other, frame), t.pose[:2]]
            pts += [s.pose[:2] for s in t.segments
                    if s.kind != "locomotion" and s.end_frame > frame]
            horizon = self.res.horizon(other)
            if moving and horizon > frame:
                pts += [tuple(p) for p in self.res.at(other, np.arange(frame, horizon + 1,
                                                                       step))]
            if other in exempt:
                c = centre if centre is not None else pts[0]
                pts = [p for p in pts if math.hypot(p[0] - c[0], p[1] - c[1]) > 0.3]
            out += pts
        return out

    def open_ids(self, track: Track, *extra) -> set[str]:
        """Props whose standing room the actor may enter: what it walks up to or leaves."""
        ids = {e for e in extra if e}
        if track.near:
            ids.add(track.near)
        return ids

    def grid(self, open_ids) -> nv.Grid:
        """The floor with `open_ids` opened and props that have moved away gone."""
        return self.floor.grid(open_ids, self.props.moved_ids())

    # -- standing points -------------------------------------------------------------------
    def resolve(self, track: Track, need: ap.Need, label: str, open_ids, exempt, frame: int
                ) -> Pose3:
        """Where to stand for a need: the best free point, or the nearest reachable one
        (with a warning) when the target cannot be reached."""
        x0, y0, f0 = track.pose
        if need.mode != "go":
            return (x0, y0, need.facing if need.facing is not None else f0)
        grid = self.grid(open_ids)
        region = grid.region(x0, y0)

        def free_at(xs, ys):
            ok = grid.free_at(xs, ys)
            cols = np.floor((np.asarray(xs) - grid.nav.x0) / grid.cell_m).astype(int)
            rows = np.floor((np.asarray(ys) - grid.nav.y0) / grid.cell_m).astype(int)
            r, c = region.shape
            inside = (rows >= 0) & (rows < r) & (cols >= 0) & (cols < c)
            ok &= inside
            ok[ok] = region[rows[ok], cols[ok]]
            return ok

        bare = ap.choose_stand(need, free_at, [])
        if bare[3]:                  # the floor allows it: now keep clear of the others
            anyone = self.others(track.actor, frame, exempt, centre=need.centre)
            standing = self.others(track.actor, frame, exempt, moving=False,
                                   centre=need.centre)
            tries = [(need, anyone), (need, standing)]
            if not need.strict:      # taken: stand beside whoever is there
                tries += [(replace(need, max_m=need.max_m + w), standing)
                          for w in (0.5, 1.0, 1.5)]
            for n, occupied in tries:
                x, y, f, found = ap.choose_stand(n, free_at, occupied)
                if found:
                    return (x, y, f)
            return bare[:3]
        cx, cy = need.centre
        if need.bearing is not None:
            cx += math.cos(need.bearing) * need.dist_m
            cy += math.sin(need.bearing) * need.dist_m
        p = grid.nearest(cx, cy, region)
        if p is None:
            return (x0, y0, f0)
        d = math.hypot(p[0] - need.centre[0], p[1] - need.centre[1])
        self.warn(f"{label}: the target at ({need.centre[0]:.2f}, {need.centre[1]:.2f}) "
                  f"cannot be reached; {track.actor} goes to the nearest reachable point, "
                  f"{d:.2f} m from it")
        return (p[0], p[1], ap.stand_facing(need, *p))

    # -- moving -------------------------------------------------------------------------
    def move(self, track: Track, goal: Pose3, label: str, *, beat=None, action=None,
             gait="walk", speed_word=None, depart_min: int, deadline: int | None = None,
             duration_f: int | None = None, open_ids=(), exempt=(), target=None,
             target_point=None, params=None) -> Segment | None:
        """Walk (or run) `track` to `goal` on the floor, around the others, and append the
        locomotion; None when the actor is already there.  `duration_f`: the story's own
        duration for the walk (filled by walking slower, or made by going faster);
        `deadline`: when the action after an inserted walk should start (departure as late
        as still makes it, faster if it must)."""
        self.stand_up(track, depart_min)
        depart_min = max(depart_min, track.busy)
        x0, y0, f0 = track.pose
        grid = self.grid(open_ids)
        path = nv.find_path(grid, (x0, y0), goal[:2])
        if path is None:
            region = grid.region(x0, y0)
            p = grid.nearest(goal[0], goal[1], region)
            if p is None:
                self.warn(f"{label}: {track.actor} cannot move from ({x0:.2f}, {y0:.2f})")
                return None
            self.warn(f"{label}: ({goal[0]:.2f}, {goal[1]:.2f}) cannot be reached from "
                      f"where {track.actor} is; goes to ({p[0]:.2f}, {p[1]:.2f}) instead")
            goal = (p[0], p[1], goal[2])
            path = nv.find_path(grid, (x0, y0), goal[:2])
            if path is None:
                return None
        if path.length_m < STILL_M:
            return None
        fill = duration_f is not None
        want_s = None
        if fill:
            want_s = duration_f / self.fps
        elif deadline is not None:
            want_s = max(1.0 / self.fps, (deadline - depart_min) / self.fps)
        gait_used, v, a, secs, late = nv.choose_pace(path.length_m, gait, speed_word,
                                                     want_s, fill)
        if late and fill:
            self.warn(f"{label}: {path.length_m:.1f} m cannot be covered in "
                      f"{duration_f / self.fps:.2f} s even running; the beat takes "
                      f"{secs:.2f} s")
        for attempt in range(2):
            frames = max(1, int(math.ceil(secs * self.fps - 1e-6)))
            depart = depart_min
            if deadline is not None and not fill:
                depart = max(depart_min, deadline - frames)
            depart, points, xy, frames = self.avoid(track.actor, depart, path.points,
                                                    goal[:2], grid, v, a, frames, exempt,
                                                    label)
            arrival = depart + frames
            if deadline is None or fill or arrival <= deadline + 1 or attempt:
                break
            # waiting or detouring made it late: go faster if the gait allows
            sooner = secs - (arrival - deadline) / self.fps
            g2, v2, a2, s2, _ = nv.choose_pace(nv.path_length(points), gait_used, speed_word,
                                            max(1.0 / self.fps, sooner), fill=False)
            if s2 >= secs - 1e-6:
                break
            gait_used, v, a, secs = g2, v2, a2, s2
        t = (depart + np.arange(frames + 1)) / self.fps
        facing = nv.facing_along(xy, f0, goal[2], self.fps)
        seg = Segment("locomotion", action or gait_used, depart, depart + frames, self.fps,
                      beat=beat, start_pose=(x0, y0, f0),
                      pose=(float(xy[-1, 0]), float(xy[-1, 1]), float(facing[-1])),
                      gait=gait_used, speed_mps=v, path=np.column_stack([t, xy]),
                      facing=facing, target=target, target_point=target_point,
                      holding=tuple(track.holding), params=dict(params or {}))
        track.add(seg)
        self.res.commit(track.actor, depart, xy)
        self.leave_seat(track)
        if deadline is not None and not fill and seg.end_frame > deadline + 1:
            self.warn(f"{label}: {track.actor} has {nv.path_length(points):.1f} m to go "
                      f"first and starts {(seg.end_frame - deadline) / self.fps:.2f} s late")
        return seg

    def avoid(self, actor, depart, points, goal_xy, grid, v, a, frames, exempt, label):
        # the person walked up to may come as close to us as they will be once we are
        # there (they may still be on their way to the meeting), no closer
        gaps = {}
        for other in exempt:
            if other in self.tracks:
                after = self.res.at(other, np.arange(depart + frames,
                                                     max(depart + frames,
                                                         self.res.horizon(other)) + 1))
                near = float(np.hypot(after[:, 0] - goal_xy[0], after[:, 1] - goal_xy[1]).min())
                gaps[other] = max(0.1, min(nv.PERSONAL_M, near - 0.05))
        fps = self.fps
        step = max(1, to_frames(0.25, fps))
        max_wait = to_frames(MAX_WAIT_S, fps)
        horizon = max([0] + [self.res.horizon(o) for o in self.tracks if o != actor])
        base_len = nv.path_length(points)

        def timed(pts):
            n = frames
            length = nv.path_length(pts)
            if abs(length - base_len) > 1e-6:
                n = max(1, int(math.ceil(nv.travel_time(length, v, a) * fps - 1e-6)))
            return n, nv.time_path(pts, v, a, n, fps)

        def check(start, xy):
            tail = max(0, horizon - (start + len(xy) - 1))
            full = np.vstack([xy, np.repeat(xy[-1:], tail, axis=0)]) if tail else xy
            return self.res.conflicts(actor, start, full, gaps)

        best = None
        extra = None
        pts = points
        first_hits = None
        for _ in range(3):
            n, xy = timed(pts)
            moving_hits = []
            for wait in range(0, max_wait + 1, step):
                hits = check(depart + wait, xy)
                if wait == 0:
                    first_hits = hits if first_hits is None else first_hits
                    moving_hits = [h for h in hits if h[0] < depart + n]
                if not hits:
                    arrive = depart + wait + n
                    if best is None or arrive < best[0]:
                        best = (arrive, depart + wait, pts, xy, n)
                    break
            if best is not None and best[1] == depart or not moving_hits:
                break
            spots = [(hx, hy) for _, _, hx, hy in moving_hits[::max(1, len(moving_hits) // 12)]]
            block = nv.discs(grid.nav, spots, nv.PERSONAL_M + 0.1)
            block &= ~nv.discs(grid.nav, [tuple(points[0]), tuple(goal_xy)], 0.35)
            extra = block if extra is None else (extra | block)
            alt = nv.find_path(grid, tuple(points[0]), tuple(goal_xy), extra_blocked=extra)
            if alt is None or alt.goal_snapped_m > 1e-6:
                break
            pts = alt.points
        if best is None:
            n, xy = timed(points)
            who = sorted({o for _, o, _, _ in (first_hits or [])})
            self.warn(f"{label}: {actor} cannot keep {nv.PERSONAL_M:.1f} m from "
                      f"{', '.join(who)} on the way")
            return depart, points, xy, n
        _, dep, pts, xy, n = best
        return dep, pts, xy, n

    def stand_up(self, track: Track, frame: int, beat=None):
        """Insert getting up when the actor sits, lies or has fallen."""
        if track.posture == "stand":
            return
        action = GET_UP.get(track.posture, "get_up")
        dur = max(1, to_frames(ACTIONS[action].default_duration_s, self.fps))
        start = max(track.busy, frame - dur)      # on their feet by `frame` if there is time
        seg = Segment("action", action, start, start + dur, self.fps, beat=beat,
                      start_pose=track.pose, pose=track.pose, posture="stand",
                      holding=tuple(track.holding))
        track.add(seg)
        self.leave_seat(track)

    def leave_seat(self, track: Track):
        if track.seat is not None:
            self.seated.pop(track.seat, None)
            track.seat = None

    # -- beats ---------------------------------------------------------------------------
    def layer_beat(self, b, action, target, params, start, dur_f):
        track = self.tracks[b.actor]
        tinfo = self.target_info(target, start)
        pose = track.pose_at(start)
        point = tinfo.look_point() if tinfo.kind != "none" else None
        seg = Segment("action", action, start, start + dur_f, self.fps, beat=b.id,
                      start_pose=pose, pose=pose, target=target, target_point=point,
                      aim_point=point, layer="upper", posture=track.posture,
                      holding=tuple(track.holding), params=params)
        track.layer(seg)
        self.spans[b.id] = (start, start + dur_f)
        self.layered.add(b.id)

    def prop_event(self, b, start, dur_f):
        pid = b.actor
        if pid not in self.props:
            self.warn(f"{b.id} ({b.actor} {b.action}): {pid!r} is not a story prop; skipped")
            return
        if b.action not in ACTIONS or ACTIONS[b.action].character and b.action not in (
                "fall", "roll"):
            self.warn(f"{b.id} ({b.actor} {b.action}): a prop cannot {b.action}; "
                      f"kept as a cue for the physics stage")
        s = self.props.state[pid]
        if s.held_by is not None and s.held_by in self.tracks:
            hand = self.hand_point(s.held_by, start)
            holder = self.tracks[s.held_by]
            if pid in holder.holding:
                holder.holding.remove(pid)
            self.props.release(pid, hand, (hand[0], hand[1], 0.0))
        if s.in_flight and s.came_from is not None:
            point = s.came_from
            s.in_flight = False
        else:
            point = s.point
        self.cues.append(PropCue(b.id, pid, b.action, start, start + dur_f, self.fps,
                                 tuple(float(v) for v in point),
                                 tuple(float(v) for v in s.point),
                                 dict(b.params) if isinstance(b.params, dict) else {}))
        self.spans[b.id] = (start, start + dur_f)

    def followup(self, b, track: Track, tinfo: ap.Target, frame: int) -> ap.Need | None:
        """When the actor's next beat is done to what this walk goes to (walk to the bench,
        sit on it; run to the ball, kick it; walk up to him, hug him), the walk ends where
        that beat needs the actor."""
        if tinfo.kind == "none":
            return None
        i = self.beats.index(b)
        for nb in self.beats[i + 1:]:
            partner = (nb.target == b.actor and nb.action in ACTIONS
                       and ACTIONS[nb.action].two_actor)
            if nb.actor != b.actor and not partner:
                continue
            if nb.with_ == b.id or nb.action not in ACTIONS or ACTIONS[nb.action].locomotion:
                return None
            if nb.actor == b.actor and nb.target == tinfo.id:
                aim = self.target_info((nb.params or {}).get("destination"), frame)
                need = self.action_need(track, nb.action, tinfo, nb.params or {}, aim)
                return need if need.mode == "go" else None
            if partner and nb.actor == tinfo.id:
                d = ap.person_distance(nb.action, track.height_m, tinfo.height_m)
                return ap.Need("go", None, centre=tinfo.xy, dist_m=d, min_m=max(0.25, d - 0.05),
                               max_m=d + 0.3, bearing=ap.bearing(tinfo.xy, track.pose[:2]),
                               target_point=tinfo.point())
            return None
        return None

    def action_need(self, track: Track, action: str, tinfo: ap.Target, params: dict,
                    aim: ap.Target) -> ap.Need:
        seat = None
        if action in ("sit", "lie_down"):
            seat = self.pick_seat(track, tinfo)
        return ap.need_for(action, track.pose[:2], track.pose[2], track.height_m, tinfo,
                           params, aim, seat)

    def pick_seat(self, track: Track, tinfo: ap.Target):
        """(prop id, slot index, slot) to sit on: a free place on the target seat nearest the
        actor; for a table or desk, the nearest seat beside it; none for the floor."""
        candidates = []
        if tinfo.kind == "prop" and tinfo.held_by is None:
            if ap.is_seat(tinfo.category, tinfo.box):
                candidates = [(tinfo.id, tinfo.box, tinfo.category)]
            elif tinfo.box is not None:
                for ident, box in sorted(self.floor.boxes.items()):
                    cat = self.categories.get(ident, "")
                    if cat in ap.SEATS and box.distance_xy(tinfo.x, tinfo.y) < \
                            tinfo.box.radius + 1.2:
                        candidates.append((ident, box, cat))
        best = None
        for ident, box, cat in candidates:
            for k, slot in enumerate(ap.seat_slots(box, cat)):
                owner = self.seated.get((ident, k))
                if owner is not None and owner != track.actor:
                    continue
                d = math.hypot(slot[1][0] - track.pose[0], slot[1][1] - track.pose[1])
                if best is None or d < best[0]:
                    best = (d, (ident, k, slot))
        return best[1] if best else None

    def locomotion_beat(self, b, label, action, target, params, start, binding, dur_f):
        track = self.tracks[b.actor]
        self.stand_up(track, start)
        depart_min = max(start, track.busy)
        goal_id = target or params.get("destination")
        carrying = action == "carry"
        if carrying:
            goal_id = params.get("destination")
            if target in self.props and target not in track.holding:
                self.pick_up_first(track, target, label, depart_min)
                depart_min = max(depart_min, track.busy)
        tinfo = self.target_on_arrival(track, goal_id, depart_min)
        need = self.followup(b, track, tinfo, depart_min)
        if need is None:
            need = self.free_walk(track, params, b) if tinfo.kind == "none" else \
                ap.meet_need(tinfo, track.pose[:2])
        open_ids = self.open_ids(track, goal_id if tinfo.kind == "prop" else None)
        exempt = {goal_id} if tinfo.kind == "person" else set()
        goal = self.resolve(track, need, label, open_ids, exempt, depart_min)
        explicit = duration_stated(b, self.durations[b.id])
        gait = action if action in nv.GAITS else "walk"
        seg = self.move(track, goal, label, beat=b.id, action=action, gait=gait,
                        speed_word=params.get("speed"), depart_min=depart_min,
                        duration_f=dur_f if explicit else None, open_ids=open_ids,
                        exempt=exempt, target=goal_id, target_point=need.target_point,
                        params=params)
        if seg is None:          # already there: turn on the spot
            turn = dur_f if explicit else max(1, to_frames(0.5, self.fps))
            x, y, f = track.pose
            s0 = max(depart_min, track.busy)
            xy = np.repeat([[x, y]], turn + 1, axis=0)
            facing = nv.facing_along(xy, f, goal[2], self.fps)
            t = (s0 + np.arange(turn + 1)) / self.fps
            seg = Segment("locomotion", action, s0, s0 + turn, self.fps, beat=b.id,
                          start_pose=track.pose, pose=(x, y, float(facing[-1])), gait=gait,
                          speed_mps=0.0, path=np.column_stack([t, xy]), facing=facing,
                          target=goal_id, target_point=need.target_point,
                          holding=tuple(track.holding), params=params)
            track.add(seg)
        if explicit:
            track.idle_until(seg.start_frame + dur_f, beat=b.id)
        if tinfo.kind == "prop":
            track.near = goal_id
        self.spans[b.id] = (seg.start_frame, track.busy)

    def free_walk(self, track: Track, params: dict, b) -> ap.Need:
        """A walk with no destination: `distance_m` (or a few steps) in `direction`
        (forward, back, left, right) from where the actor stands and faces."""
        x, y, f = track.pose
        fx, fy = forward(f)
        direction = params.get("direction", "forward")
        dx, dy = {"back": (-fx, -fy), "left": (-fy, fx), "right": (fy, -fx)}.get(
            direction, (fx, fy))
        dist = params.get("distance_m")
        if not (isinstance(dist, (int, float)) and 0 < dist < 100):
            gait = nv.GAITS.get(b.action, nv.GAITS["walk"])
            dist = min(2.5, 0.6 * gait.natural_mps * self.durations[b.id])
        grid = self.grid(self.open_ids(track))
        region = grid.region(x, y)
        for k in np.linspace(dist, 0.3, 12):     # as far as the floor allows that way
            gx, gy = x + dx * k, y + dy * k
            cell = grid.cell(gx, gy)
            if cell is not None and region[cell] and grid.free_at(gx, gy)[0]:
                return ap.Need("go", facing_towards(dx, dy), centre=(gx, gy), dist_m=0.0,
                               min_m=0.0, max_m=0.3, face="fixed")
        self.warn(f"{b.id} ({b.actor} {b.action}): no room to go {direction}; "
                  f"{b.actor} turns on the spot")
        return ap.Need("stay", facing_towards(dx, dy))

    def pick_up_first(self, track: Track, pid: str, label: str, frame: int):
        """Carrying, throwing or putting down something not in hand: go and pick it up
        first (out of someone else's hand if need be)."""
        tinfo = self.target_info(pid, frame)
        if tinfo.held_by is not None and tinfo.held_by != track.actor:
            self.warn(f"{label}: {pid} is held by {tinfo.held_by}; {track.actor} takes it")
            tinfo = replace(tinfo, held_by=None)          # reach for the other's hand
        need = ap.need_for("pick_up", track.pose[:2], track.pose[2], track.height_m, tinfo)
        self.reach(track, need, label, frame, None, pid, tinfo)
        dur = max(1, to_frames(ACTIONS["pick_up"].default_duration_s, self.fps))
        s = max(frame, track.busy)
        seg = Segment("action", "pick_up", s, s + dur, self.fps, start_pose=track.pose,
                      pose=track.pose, target=pid, target_point=tinfo.point(),
                      holding=tuple(track.holding))
        track.add(seg)
        self.take(track, pid)
        seg.holding = tuple(track.holding)

    def reach(self, track: Track, need: ap.Need, label, frame, deadline, target_id,
              tinfo: ap.Target, exempt=()) -> Pose3:
        """Get the actor to where `need` says (walking there if needed); returns the pose."""
        open_ids = self.open_ids(track, target_id if tinfo.kind == "prop" else None)
        if tinfo.kind == "person":
            exempt = set(exempt) | {tinfo.id}
        pose = self.resolve(track, need, label, open_ids, exempt, frame)
        if need.mode == "go" and math.hypot(pose[0] - track.pose[0],
                                            pose[1] - track.pose[1]) > STILL_M:
            seg = self.move(track, pose, label, depart_min=track.busy,
                            deadline=deadline if deadline is not None
                            and deadline > track.busy else None,
                            open_ids=open_ids, exempt=exempt, target=target_id,
                            target_point=need.target_point)
            if seg is not None:
                pose = seg.pose[:2] + (pose[2],)
        elif need.mode == "go":
            pose = (track.pose[0], track.pose[1], pose[2])
        if tinfo.kind == "prop" and tinfo.held_by is None:
            track.near = target_id
        return pose

    def action_beat(self, b, label, action, target, params, start, binding, dur_f):
        track = self.tracks[b.actor]
        if track.posture != "stand" and action not in SEATED_OK:
            self.stand_up(track, start)
        tinfo = self.target_on_arrival(track, target, max(start, track.busy))
        aim = self.target_info(params.get("destination"), max(start, track.busy))
        if action == "carry" and target is not None and tinfo.kind == "prop" \
                and target not in track.holding:
            self.pick_up_first(track, target, label, max(start, track.busy))
            tinfo = self.target_info(target, track.busy)
        if action == "pick_up" and target in track.holding:
            self.warn(f"{label}: {b.actor} already holds {target}")
        elif action in ("pick_up", "catch") and tinfo.held_by not in (None, b.actor):
            if action == "pick_up":
                tinfo = replace(tinfo, held_by=None)      # take it from their hand
        elif action in ("put_down", "throw") and target is not None \
                and tinfo.kind == "prop" and target not in track.holding:
            self.warn(f"{label}: {b.actor} does not hold {target}; picks it up first")
            self.pick_up_first(track, target, label, max(start, track.busy))
            tinfo = self.target_info(target, track.busy)
        elif action == "drop" and tinfo.kind == "prop" and target not in track.holding:
            self.warn(f"{label}: {b.actor} does not hold {target}; nothing falls")
        if action in ("put_down",) and aim.kind != "none":
            tinfo_for_need = aim
        else:
            tinfo_for_need = tinfo
        need = self.action_need(track, action, tinfo_for_need, params, aim)
        if action == "put_down" and aim.kind == "none":
            need = ap.Need("stay", None, target_point=tinfo.point())
        deadline = start if binding else None
        pose = self.reach(track, need, label, start, deadline, target, tinfo_for_need)
        if need.mode == "stay":
            pose = (track.pose[0], track.pose[1],
                    need.facing if need.facing is not None else track.pose[2])
        s = max(start, track.busy)
        if track.posture != "stand":          # a seated body does not swivel
            pose = (pose[0], pose[1], track.pose[2])
        target_point = need.target_point
        if need.seat is not None:
            target_point = need.seat[2][0]
        elif action in ("sit", "lie_down"):
            target_point = (pose[0], pose[1], 0.0)
        seg = Segment("idle" if action == "idle" else "action", action, s, s + dur_f,
                      self.fps, beat=b.id, start_pose=track.pose, pose=pose, target=target,
                      target_point=target_point, aim_point=need.aim_point,
                      posture=POSTURE_AFTER.get(action, track.posture), params=params)
        track.add(seg)
        self.effects(track, action, target, tinfo, aim, pose, need, params)
        seg.holding = tuple(track.holding)
        if need.seat is not None:
            track.seat = need.seat[:2]
            self.seated[track.seat] = track.actor
        self.spans[b.id] = (s, s + dur_f)

    def meet_beat(self, b, label, action, target, params, start, binding, dur_f):
        """Two people act together (hug, handshake, kiss): the actor goes to the partner,
        and both begin together when both are there; whoever is ready first waits."""
        a, p = self.tracks[b.actor], self.tracks[target]
        self.stand_up(a, start)
        self.stand_up(p, start)
        ready = p.busy
        tinfo = self.target_info(target, max(ready, a.busy))
        d = ap.person_distance(action, a.height_m, p.height_m)
        need = ap.Need("go", None, centre=tinfo.xy, dist_m=d, min_m=max(0.25, d - 0.05),
                       max_m=d + 0.3, bearing=ap.bearing(tinfo.xy, a.pose[:2]),
                       target_point=tinfo.point())
        have = math.hypot(a.pose[0] - tinfo.x, a.pose[1] - tinfo.y)
        if abs(have - d) <= 0.08:
            pose = (a.pose[0], a.pose[1], facing_towards(tinfo.x - a.pose[0],
                                                        tinfo.y - a.pose[1]))
        else:
            pose = self.reach(a, need, label, start, start if binding else None, target, tinfo)
        s = max(start, a.busy, p.busy)
        f_a = facing_towards(tinfo.x - pose[0], tinfo.y - pose[1])
        f_p = facing_towards(pose[0] - tinfo.x, pose[1] - tinfo.y)
        a.add(Segment("action", action, s, s + dur_f, self.fps, beat=b.id,
                      start_pose=a.pose if a.busy == s else (pose[0], pose[1], a.pose[2]),
                      pose=(pose[0], pose[1], f_a), target=target,
                      target_point=tinfo.point(), partner=target, role="actor",
                      holding=tuple(a.holding), params=params))
        p.add(Segment("action", action, s, s + dur_f, self.fps, beat=b.id,
                      start_pose=p.pose, pose=(p.pose[0], p.pose[1], f_p), target=b.actor,
                      target_point=(pose[0], pose[1], ap.CHEST_H * a.height_m),
                      partner=b.actor, role="partner", holding=tuple(p.holding),
                      params=params))
        self.spans[b.id] = (s, s + dur_f)

    # -- what actions do to props ------------------------------------------------------------
    def take(self, track: Track, pid: str):
        self.props.take(pid, track.actor)
        self.sync_holding()

    def sync_holding(self):
        """Each actor's `holding` as the prop estimates say (in the order picked up)."""
        for actor, track in self.tracks.items():
            track.holding = [p for p in track.holding if self.props.holder(p) == actor]
            track.holding += [p for p in sorted(self.props.state)
                              if self.props.holder(p) == actor and p not in track.holding]

    def effects(self, track, action, target, tinfo, aim, pose, need, params):
        if target is None or tinfo.kind != "prop" or target not in self.props:
            return
        self.props.after(action, target, track.actor, pose, track.height_m, aim,
                         need.aim_point, params, self.set.area)
        self.sync_holding()
