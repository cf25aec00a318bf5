"""Where the things a camera frames are, frame by frame, as arrays.

A `SubjectTrack` holds a few named world points per story frame (the top of the head, the
head, chest, pelvis, knees, feet for a person; the centre for a prop) and a facing.  The
planner frames them and the checks project them; they come either from the stage plan
(`tracks_from_plan`: an estimate from the pelvis path, height and posture, for planning
without Blender) or from the evaluated rigs (the Blender glue samples the bones), so the same
planner serves both.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: Named points of a person, in this order in `SubjectTrack.points`.
BODY = ("top", "head", "chest", "pelvis", "knees", "feet")
#: Height of each body point as a share of standing height.
STANDING = np.array([1.0, 0.92, 0.72, 0.53, 0.28, 0.02])
SITTING = np.array([0.73, 0.66, 0.48, 0.27, 0.27, 0.02])
PROP = ("centre",)


@dataclass
class SubjectTrack:
    """`points` (T, K, 3) world points named `names` at story frames `first`..`first+T-1`;
    `facing` (T,) rot_z (0 = facing −Y, as `cast.placement`); `radius_m` the half width the
    framing keeps around each point (a person's shoulders, a prop's size)."""
    id: str
    kind: str                              # "actor" or "prop"
    points: np.ndarray
    facing: np.ndarray
    names: tuple[str, ...] = BODY
    first: int = 0
    radius_m: float = 0.28
    height_m: float = 1.7
    visible: np.ndarray | None = field(default=None, repr=False)   # (T,) bool, props

    def __post_init__(self):
        self.points = np.asarray(self.points, float)
        self.facing = np.asarray(self.facing, float)

    @property
    def frames(self) -> int:
        return len(self.points)

    def rows(self, start: int, end: int) -> slice:
        """Rows of story frames start..end-1, clipped to the track."""
        a = int(np.clip(start - self.first, 0, self.frames - 1))
        b = int(np.clip(end - self.first, a + 1, self.frames))
        return slice(a, b)

    def point(self, name: str, start: int, end: int) -> np.ndarray:
        """(n, 3) positions of one named point over story frames start..end-1."""
        return self.points[self.rows(start, end), self.names.index(name)]

    def select(self, names, start: int, end: int) -> np.ndarray:
        """(n·k, 3) the named points over the frames, flattened."""
        idx = [self.names.index(n) for n in names if n in self.names] or [0]
        return self.points[self.rows(start, end)][:, idx].reshape(-1, 3)

    def centre(self, start: int, end: int) -> np.ndarray:
        return self.points[self.rows(start, end)].reshape(-1, 3).mean(axis=0)

    def facing_vector(self, frame: int) -> np.ndarray:
        r = float(self.facing[self.rows(frame, frame + 1)][0])
        return np.array([math.sin(r), -math.cos(r)])


def body_points(x, y, facing, height_m: float, posture) -> np.ndarray:
    """(T, 6, 3) estimated body points for pelvis positions x, y (T,) and a posture per
    frame ("stand", "sit", "lie", "down")."""
    x, y, facing = (np.asarray(a, float) for a in (x, y, facing))
    T = len(x)
    out = np.zeros((T, len(BODY), 3))
    out[:, :, 0] = x[:, None]
    out[:, :, 1] = y[:, None]
    posture = np.asarray(posture)
    share = np.where((posture == "sit")[:, None], SITTING, STANDING)
    out[:, :, 2] = share * height_m
    lying = (posture == "lie") | (posture == "down")
    if lying.any():          # stretched along the facing, head first, a body's depth high
        along = np.column_stack([np.sin(facing), -np.cos(facing)])
        offsets = (STANDING - 0.53) * height_m
        out[lying, :, 0] = x[lying, None] + along[lying, 0, None] * offsets
        out[lying, :, 1] = y[lying, None] + along[lying, 1, None] * offsets
        out[lying, :, 2] = 0.15
    return out


def tracks_from_plan(stage) -> dict[str, SubjectTrack]:
    """Estimated tracks of every actor of a `stage.records.StagePlan` (or its dict) from the
    pelvis path, height and posture; props are not in the plan's tracks (see `prop_track`)."""
    from ..stage.records import StagePlan
    if not isinstance(stage, StagePlan):
        stage = StagePlan.from_dict(stage)
    out = {}
    for aid, actor in stage.actors.items():
        traj = stage.trajectory(aid)
        posture = np.full(len(traj), "stand", dtype=object)
        for s in actor.segments:
            if s.kind == "action" and s.action in ("fall", "lie_down"):
                mid = (s.start_frame + s.end_frame) // 2
                posture[mid:s.end_frame + 1] = "lie" if s.action == "lie_down" else "down"
            elif s.posture != "stand":
                posture[s.end_frame - max(1, (s.end_frame - s.start_frame) // 2):
                        s.end_frame + 1] = s.posture
            elif s.action in ("get_up", "stand_up"):
                posture[s.start_frame:(s.start_frame + s.end_frame) // 2] = \
                    posture[max(s.start_frame - 1, 0)]
        out[aid] = SubjectTrack(aid, "actor", body_points(traj[:, 0], traj[:, 1], traj[:, 2],
                                                           actor.height_m, posture),
                                traj[:, 2], BODY, 0, 0.28, actor.height_m)
    return out


def prop_tracks_from_plan(stage, sizes_m: dict[str, float] | None = None
                          ) -> dict[str, SubjectTrack]:
    """Estimated tracks of the props the plan's cues move (a glass falls, a ball rolls): at
    the cue's start point before it, moving to its rest point during it, at rest after."""
    out = {}
    frames = np.arange(int(stage.frames) + 1)
    for prop in sorted({c.prop for c in stage.props}):
        cues = sorted((c for c in stage.props if c.prop == prop and c.point is not None),
                      key=lambda c: c.start_frame)
        if not cues:
            continue
        keys_f, keys_p = [], []
        for c in cues:
            keys_f.append(c.start_frame)
            keys_p.append(c.point)
            keys_f.append(max(c.end_frame, c.start_frame + 1))
            keys_p.append(c.rest_point or c.point)
        keys_p = np.array(keys_p, float)
        centres = np.column_stack([np.interp(frames, keys_f, keys_p[:, i]) for i in range(3)])
        out[prop] = prop_track(prop, centres, (sizes_m or {}).get(prop, 0.2))
    return out


def prop_track(ident: str, centres, size_m: float = 0.2, first: int = 0,
               visible=None) -> SubjectTrack:
    """A prop's track from its centre at every frame (T, 3)."""
    c = np.asarray(centres, float).reshape(-1, 1, 3)
    return SubjectTrack(ident, "prop", c, np.zeros(len(c)), PROP, first,
                        max(0.05, size_m / 2), size_m,
                        None if visible is None else np.asarray(visible, bool))
