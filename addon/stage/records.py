"""The stage plan as plain data: what `plan_stage` makes and the motion and Blender stages read.

- `StagePlan.actors[id].segments`: a gapless list covering frame 0 to `frames`; each segment is
  "locomotion" (a timed path of (t, x, y) samples at the plan's fps with a facing per sample,
  a gait and cruise speed), "action" (a canonical action done at a pose, with its target and
  the target's world point) or "idle";
- `actors[id].layers`: upper-body actions that play over those segments;
- `props`: events props perform themselves (a ball rolls, a glass breaks), timed;
- `beats`: the staged time of every beat, for cameras and cuts.

Stored as JSON (the Text "StagePlan.json"): `to_dict` / `from_dict` round-trip every field.
Conventions: metres, Z up, rot_z as in `cast.placement` (a person faces −Y at 0), times in
seconds from the story's start with frame numbers at `fps` (frame 0 = 0 s).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Mapping

import numpy as np

from .timeline import to_frames

VERSION = 1
KINDS = ("locomotion", "action", "idle")
POSTURES = ("stand", "sit", "lie", "down")

Pose3 = tuple[float, float, float]



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
    """One actor's segments and layers.  `holding`: the props in hand at frame 0 (a story
    that starts "I hold a glass"), which the animate stage keys in the hand from the start."""
    id: str
    height_m: float
    start_pose: Pose3
    segments: list[Segment] = field(default_factory=list)
    layers: list[Segment] = field(default_factory=list)
    holding: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"height_m": round(self.height_m, 4), "start_pose": _r(self.start_pose),
                "holding": list(self.holding),
                "segments": [s.to_dict() for s in self.segments],
                "layers": [s.to_dict() for s in self.layers]}

    @classmethod
    def from_dict(cls, ident: str, d: Mapping, fps: float) -> "ActorTrack":
        return cls(ident, float(d["height_m"]), tuple(d["start_pose"]),
                   [Segment.from_dict(s, fps) for s in d.get("segments", [])],
                   [Segment.from_dict(s, fps) for s in d.get("layers", [])],
                   tuple(d.get("holding", ())))


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
