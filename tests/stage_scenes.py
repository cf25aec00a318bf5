"""Small scenes for the staging tests: an empty stage set with props where a test puts them,
beats in one line each, and checks every stage plan must pass."""
from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np

from addon.cast.placement import Pose
from addon.cast.props import plan_prop
from addon.cast.sets import character_marks, plan_set, rasterize
from addon.screenplay import (Beat, Body, CastMember, Placement, Prop, Screenplay, Set, Spot,
                              from_json)
from addon.stage import navigation as nv
from addon.stage.plan import plan_stage

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "sample_scenes").glob("*.screenplay.json"))


def beat(ident, actor, action, target=None, **kw) -> Beat:
    return Beat(ident, actor, action, target, **kw)


def scene(cast=("anna", "ben"), props=(), spots=(), beats=(), heights=None, place="stage",
          kind="indoor", seed=0):
    """A Screenplay on an empty 10 × 8 m stage (no walls, no dressing) and its SetPlan.
    `props`: (id, category) or (id, category, relation, target)."""
    heights = heights or {}
    members = [CastMember(c, c.title(), body=Body(height_m=heights.get(c, 1.72)))
               for c in cast]
    story_props = []
    for p in props:
        placement = Placement(p[2], p[3]) if len(p) > 2 else None
        story_props.append(Prop(p[0], p[0], p[1], placement=placement))
    sp = Screenplay(cast=members, props=story_props,
                    set=Set(kind=kind, place=place, spots=[Spot(s, s) for s in spots]),
                    beats=list(beats))
    plan = plan_set(sp, {}, seed)
    return sp, plan


def put(plan, moves: dict[str, tuple[float, float, float]]):
    """Move story props to (x, y, rot_z) (things resting on them move along) and rebuild the
    nav map, so a test decides the geometry."""
    for pid, (x, y, rot) in moves.items():
        old = plan.prop_boxes[pid]
        dx, dy = x - old.x, y - old.y
        plan.prop_boxes[pid] = dataclasses.replace(old, x=x, y=y, rot_z=rot)
        plan.props[pid] = Pose(x, y, old.z, rot)
        for other, (_, support) in plan.supports.items():
            if support == pid and other in plan.prop_boxes:
                b = plan.prop_boxes[other]
                plan.prop_boxes[other] = dataclasses.replace(b, x=b.x + dx, y=b.y + dy)
                plan.props[other] = Pose(b.x + dx, b.y + dy, b.z, b.rot_z)
    plan.nav = rasterize(plan.nav_boxes(), plan.ground.box, plan.area, plan.nav.cell_m)
    return plan


def marks_at(**poses) -> dict[str, Pose]:
    return {k: Pose(v[0], v[1], 0.0, v[2] if len(v) > 2 else 0.0) for k, v in poses.items()}


def stage(sp, plan, marks, heights=None, fps=24):
    heights = heights or {c.id: c.body.height_m for c in sp.cast}
    return plan_stage(sp, plan, marks, heights, fps=fps)


def sample(path: Path, seed: int = 1):
    sp = from_json(path.read_text(encoding="utf-8"))
    specs = {p.id: plan_prop(p, seed) for p in sp.props}
    plan = plan_set(sp, specs, seed)
    marks = character_marks(plan, [c.id for c in sp.cast], seed)
    return sp, plan, marks


def segments_of(st, actor, action=None, beat=None, kind=None):
    return [s for s in st.actors[actor].segments
            if (action is None or s.action == action) and (beat is None or s.beat == beat)
            and (kind is None or s.kind == kind)]


def assert_covers(st):
    """Every actor's segments tile [0, frames] exactly; locomotion samples one row per
    frame with times on the frame grid."""
    for actor, track in st.actors.items():
        frame = 0
        for s in track.segments:
            assert s.start_frame == frame, f"{actor}: gap or overlap at frame {frame}: {s}"
            assert s.end_frame > s.start_frame, f"{actor}: empty segment {s}"
            assert s.kind in ("locomotion", "action", "idle")
            if s.kind == "locomotion":
                n = s.end_frame - s.start_frame + 1
                assert s.path.shape == (n, 3) and s.facing.shape == (n,)
                assert np.allclose(s.path[:, 0],
                                   (s.start_frame + np.arange(n)) / st.fps)
            frame = s.end_frame
        assert frame == st.frames, f"{actor}: ends at {frame}, story at {st.frames}"
        for lay in track.layers:
            assert lay.layer == "upper" and 0 <= lay.start_frame < lay.end_frame


def closest_approach(st, exempt_pairs=()) -> tuple[float, tuple]:
    """The smallest pelvis distance between two actors over the story, skipping frames in
    which the pair is in a beat together (a hug, a punch) or just next to one."""
    together = {}
    for actor, track in st.actors.items():
        segs = track.segments
        for i, s in enumerate(segs):
            other = s.partner or (s.target if s.target in st.actors else None)
            if other is None or s.kind != "action":
                continue
            start = s.start_frame
            for prev in reversed(segs[:i]):          # the walk up to them belongs to it
                if prev.kind == "locomotion":
                    start = prev.start_frame
                    break
                if prev.kind != "idle":
                    break
            key = tuple(sorted((actor, other)))
            together.setdefault(key, []).append((start, st.frames + 1))
    best = (np.inf, ())
    traj = {a: st.trajectory(a) for a in st.actors}
    for a, b in itertools.combinations(sorted(traj), 2):
        if (a, b) in exempt_pairs:
            continue
        d = np.hypot(*(traj[a][:, :2] - traj[b][:, :2]).T)
        mask = np.ones(len(d), dtype=bool)
        for s, e in together.get((a, b), []):
            mask[s:e] = False
        if mask.any() and d[mask].min() < best[0]:
            k = int(np.argmin(np.where(mask, d, np.inf)))
            best = (float(d[k]), (a, b, k / st.fps))
    return best


def free_grid(plan, open_ids=()):
    return nv.Floor.from_set(plan).grid(open_ids)
