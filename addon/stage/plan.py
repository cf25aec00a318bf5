"""`plan_stage`: where everyone goes and when, planned from the story and the set.

`plan_stage(screenplay, set_plan, marks, heights, fps)` plays the beats in story order on the
set the cast stage planned.  For each beat it resolves when it starts (its anchor, when the
actor is free, when a hug partner is free), where the actor has to be for it (`approach`),
walks or runs them there on the nav map around props, walls and the other actors
(`navigation`), and appends the result to the actor's track (`timeline`).  Bad story data
becomes warnings, never exceptions: a target inside a wall is approached as near as the floor
allows, a walk that cannot be made in time is run and then stretched, two beats of one actor at
once are layered (a wave while walking) or played one after the other.

The stager is split by concern: `moves` (targets, standing points, walking there), `beats`
(each beat by kind) and, here, setting up the actors and the run.  The result, a `StagePlan`
(`records`), is what the motion synthesiser and the Blender writer consume.
Deterministic.
"""
from __future__ import annotations

import logging
import math
from typing import Mapping

from ..cast.placement import Pose, wrap_angle
from . import approach as ap
from . import navigation as nv
from .beats import Beats
from .moves import Moves
from .records import ActorTrack, BeatSpan, PropCue, Segment, StagePlan
from .timeline import Track, fix_durations, story_times

log = logging.getLogger(__name__)


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


def _rows(sp, set_plan) -> dict[str, tuple]:
    """Props standing in a row: the point a push on the first member aims at (its middle,
    at 60% of its height) and the direction the row runs."""
    out = {}
    for prop in sp.props:
        members = set_plan.members.get(prop.id, ())
        box = set_plan.prop_boxes.get(prop.id)
        if prop.arrangement != "row" or len(members) < 2 or box is None:
            continue
        first, second = members[0], members[1]
        lead = math.atan2(second.y - first.y, second.x - first.x)
        out[prop.id] = ((first.x, first.y, first.z + 0.6 * box.height), lead)
    return out


class _Stager(Beats, Moves):
    """One staging run: the state the beats are played into."""

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
                              dict(set_plan.held), _rows(sp, set_plan))
        self.res = nv.Reservations()
        self.tracks: dict[str, Track] = {}
        self.spans: dict[str, tuple[int, int]] = {}
        self.layered: set[str] = set()
        self.beat_actor = {b.id: b.actor for b in self.beats}
        self.cues: list[PropCue] = []
        self.arrivals: dict[str, int] = {}      # a kicked pass: the frame it reaches the catcher
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
                                            track.segments, track.layers,
                                            tuple(p for p, holder in self.set.held.items()
                                                  if holder == ident))
        plan.props = self.cues
        for b in self.beats:
            if b.id in self.spans:
                s, e = self.spans[b.id]
                plan.beats[b.id] = BeatSpan(b.id, b.actor, b.action, s, e, self.fps,
                                            b.id in self.layered)
        return plan
