"""`plan_shots`: the whole shot plan of a staged story, and the checks on a plan.

The edit (`coverage.edit`) decides the cuts, `cameras.CameraPlanner` places each camera, and
the checks here say whether a plan keeps the rules the issue sets: the subject's head and
torso inside the frame with headroom on every frame, the 180-degree line between interacting
characters held across cuts, no cut shorter than about a second.  The Blender stage adds the
ray-cast visibility check, which needs the real geometry.
"""
from __future__ import annotations

import numpy as np

from .cameras import (
    PAIR_NEAR_M,
    CameraPlanner,
    Constraints,
    check_points,
    choose_sides,
    side,
)
from .coverage import PropEvent, edit, interaction_pairs
from .projection import Lens, Margins, camera_matrix, in_frame, project
from .shots import ShotPlan
from .subjects import SubjectTrack, prop_tracks_from_plan, tracks_from_plan

DEFAULT_LENS = Lens()
#: What the checks demand: the top of the head inside the frame with a sliver of headroom.
CHECK_MARGINS = Margins(headroom=0.015, side=0.005, foot=0.005)


def plan_shots(stage, tracks: dict[str, SubjectTrack] | None = None, events=(), *,
               lens: Lens = DEFAULT_LENS, constraints: Constraints | None = None, seed: int = 0,
               min_cut_s: float = 1.0) -> ShotPlan:
    """Cover `stage` (a `stage.records.StagePlan`) with shots.  `tracks` default to the
    plan's estimates; `events` are `coverage.PropEvent`s from the simulation (a break)."""
    from ..stage.records import StagePlan
    if not isinstance(stage, StagePlan):
        stage = StagePlan.from_dict(stage)
    if tracks is None:
        tracks = {**prop_tracks_from_plan(stage), **tracks_from_plan(stage)}
    constraints = constraints or Constraints()
    shots, notes = edit(stage, tracks, events, min_cut_s=min_cut_s)
    constraints.pairs = choose_sides(interaction_pairs(stage), tracks)
    planner = CameraPlanner(tracks, lens, constraints, seed)
    plan = ShotPlan(stage.fps, int(stage.frames), shots, dict(constraints.pairs), list(notes))

    previous = None
    for shot in shots:
        plan.warnings += planner.place(shot, previous)
        previous = shot
    return plan


def camera_matrices(shot, frames) -> np.ndarray:
    """(n, 4, 4) the shot's camera world matrix at each of `frames`."""
    out = []
    for f in frames:
        pos, tgt = shot.position_at(f)
        out.append(camera_matrix(pos, tgt))
    return np.array(out)


def framing_ok(shot, tracks, lens: Lens, frames=None, margins: Margins = CHECK_MARGINS,
               matrices=None) -> np.ndarray:
    """Per frame of the shot (or `frames`): are the head and torso of every subject in
    frame with headroom?  `matrices` (one camera world matrix per frame) replace the
    shot's planned camera, to check the camera Blender evaluates."""
    frames = range(shot.start_frame, shot.end_frame) if frames is None else frames
    lens = lens.with_focal(shot.focal_mm)
    ok = np.ones(len(frames), bool)
    for k, f in enumerate(frames):
        m = camera_matrix(*shot.position_at(f)) if matrices is None else matrices[k]
        for pts in check_points(shot, tracks, f).values():
            uv, depth = project(pts, m, lens)
            if not in_frame(uv, depth, margins).all():
                ok[k] = False
                break
    return ok


def line_crossings(plan: ShotPlan, tracks) -> list[str]:
    """Cuts where the camera jumps across the line between an interacting pair that is on
    screen on both sides of the cut (both close together, one of them a subject)."""
    out = []
    for prev, nxt in zip(plan.shots, plan.shots[1:]):
        f = nxt.start_frame
        for key in plan.pairs:
            a, b = key.split("|")
            if a not in tracks or b not in tracks:
                continue
            if not (_involved(prev, a, b) and _involved(nxt, a, b)):
                continue
            pa = tracks[a].point("pelvis", f, f + 1)[0]
            pb = tracks[b].point("pelvis", f, f + 1)[0]
            if np.linalg.norm(pa[:2] - pb[:2]) > PAIR_NEAR_M:
                continue
            before = side(pa, pb, prev.position_at(f - 1)[0])
            after = side(pa, pb, nxt.position_at(f)[0])
            if before and after and before != after:
                out.append(f"{prev.name} → {nxt.name}: crosses the line {a}–{b}")
    return out


def _involved(shot, a: str, b: str) -> bool:
    return bool(set(shot.subjects) & {a, b}) or shot.kind in ("establishing", "wide")


def short_cuts(plan: ShotPlan, min_cut_s: float = 1.0) -> list[str]:
    """Shots shorter than `min_cut_s` (allowing one frame of rounding)."""
    limit = min_cut_s * plan.fps - 1
    total = sum(s.frames for s in plan.shots)
    return [f"{s.name}: {s.frames} frames" for s in plan.shots
            if s.frames < limit and total >= limit]


__all__ = [
    "Constraints",
    "Lens",
    "PropEvent",
    "camera_matrices",
    "framing_ok",
    "line_crossings",
    "plan_shots",
    "short_cuts",
]
