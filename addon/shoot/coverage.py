"""The edit: which shot is on screen when, decided from the staged beats as an editor would.

Each beat proposes a shot (a two-shot for a hug, a close-up for a nod, a tracking shot for a
walk, an insert for a glass breaking) with a priority; where beats overlap the more important
one takes the screen, ties going to the one that started last (the new action).  The story
opens on an establishing wide shot, gaps between beats get a wide shot of everyone (or the
staged walk that fills them), cuts shorter than `min_cut_s` are merged or lengthened from a
neighbour, and when the action moves to another part of the set a wide shot re-establishes
it.  Cameras are placed afterwards (`cameras.py`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .shots import Shot
from .subjects import SubjectTrack

#: Two-person actions: both in the picture, the 180-degree line between them.
INTERACT = frozenset({"hug", "handshake", "punch", "kiss", "push", "pull", "talk"})
#: Small actions a viewer only reads in a close-up.
SMALL = frozenset({"look_at", "snap_fingers", "nod", "shake_head", "talk", "point", "clap"})
LOCOMOTION = frozenset({"walk", "run", "jog", "sneak", "crawl"})
#: Gestures at another person: seen over that person's shoulder, the gesturer's face on.
AT_SOMEONE = frozenset({"wave", "point"})
#: Whole-body actions: the feet matter.
FULL = frozenset({"fall", "get_up", "sit", "stand_up", "stand", "lie_down", "dance",
                  "celebrate", "kick", "jump", "backflip", "cartwheel", "spin", "throw",
                  "catch", "pick_up", "put_down"})
IMPACTS = frozenset({"fall", "break", "topple", "bounce"})
#: The action moved this far from the last establishing shot: establish the new place.
PLACE_CHANGE_M = 4.5
PANNING_BELOW_M = 2.5            # a move shorter than this is panned, not tracked
#: Two beats of about the same weight on different people at the same time are intercut in
#: pieces this long, so neither is lost behind the other.
INTERCUT_S = 2.0


@dataclass(frozen=True)
class PropEvent:
    """Something a prop did in the simulation: `action` ("break", "fall", ...) at story
    frame `frame` at `point`."""
    prop: str
    action: str
    frame: int
    point: tuple[float, float, float] | None = None


@dataclass
class _Cand:
    name: str
    beat: str | None
    kind: str
    start: int
    end: int
    subjects: tuple[str, ...]
    action: str
    priority: float
    order: int = 0
    notes: list[str] = field(default_factory=list)


def _beat_segment(stage, actor: str, beat: str):
    track = stage.actors.get(actor)
    if track is None:
        return None
    for seg in list(track.segments) + list(track.layers):
        if seg.beat == beat and seg.kind != "idle":
            return seg
    return None


def _partner(stage, seg) -> str | None:
    """The other person of a two-person beat: the staged partner, or the cast member the
    action is aimed at (a punch has a target, not a partner)."""
    if seg is None:
        return None
    if seg.partner:
        return seg.partner
    return seg.target if seg.target in stage.actors and seg.action in INTERACT else None


def _on_table(action: str, seg) -> bool:
    """Picking up or putting down a thing at table height: a close-up on the hands."""
    return action in ("pick_up", "put_down") and seg is not None \
        and seg.target_point is not None and seg.target_point[2] > 0.45


def _travel(track: SubjectTrack, start: int, end: int) -> float:
    p = track.point("pelvis", start, end)[:, :2]
    return float(np.linalg.norm(p[-1] - p[0])) if len(p) else 0.0


def beat_candidates(stage, tracks: dict[str, SubjectTrack], events=()) -> list[_Cand]:
    """One proposed shot per beat (two for a long interaction: two-shot then over the
    shoulder), one per staged walk between beats, one insert per prop event."""
    out: list[_Cand] = []
    fps = stage.fps
    simulated = {(ev.prop, ev.action) for ev in events}
    for bid, span in stage.beats.items():
        actor, action, a, b = span.actor, span.action, span.start_frame, span.end_frame
        if b <= a or (actor, action) in simulated:   # the simulation's timing wins
            continue
        name = f"{bid} {action}"
        if actor not in stage.actors:               # a prop's own event: ball rolls
            if actor not in tracks:
                continue
            kind = "insert" if action in IMPACTS else "panning"
            out.append(_Cand(name, bid, kind, a, b, (actor,), action,
                             5 if kind == "insert" else 3))
            continue
        seg = _beat_segment(stage, actor, bid)
        partner = _partner(stage, seg)
        if action in INTERACT and partner in tracks:
            if (b - a) >= 2.5 * fps:
                mid = a + (b - a) // 2
                out.append(_Cand(name, bid, "two_shot", a, mid, (actor, partner), action, 4))
                out.append(_Cand(name + " reverse", bid, "over_shoulder", mid, b,
                                 (partner, actor), action, 4))
            else:
                out.append(_Cand(name, bid, "two_shot", a, b, (actor, partner), action, 4))
        elif action in SMALL or _on_table(action, seg):
            out.append(_Cand(name, bid, "close_up", a, b, (actor,), action, 3))
        elif action in AT_SOMEONE and seg is not None and seg.target in stage.actors \
                and seg.target != actor and seg.target in tracks:
            out.append(_Cand(name, bid, "over_shoulder", a, b, (actor, seg.target), action,
                             3))
        elif action in LOCOMOTION or action == "carry" and seg is not None \
                and seg.kind == "locomotion":
            moved = _travel(tracks[actor], a, b) if actor in tracks else 0.0
            kind = "tracking" if moved >= PANNING_BELOW_M else "panning"
            towards = seg.target if seg is not None and seg.target in stage.actors \
                and seg.target != actor and seg.target in tracks else None
            subjects = (actor, towards) if towards else (actor,)   # runs to him: both
            out.append(_Cand(name, bid, kind, a, b, subjects, action, 2))
        elif action == "idle":
            out.append(_Cand(name, bid, "medium", a, b, (actor,), action, 0.5))
        else:
            out.append(_Cand(name, bid, "full" if action in FULL else "medium", a, b,
                             (actor,), action, 2))
    # walks staging put in front of a beat (to the ball before picking it up)
    for aid, track in stage.actors.items():
        for i, seg in enumerate(track.segments):
            if seg.kind != "locomotion" or seg.beat is not None or aid not in tracks:
                continue
            if seg.end_frame - seg.start_frame < fps:
                continue
            nxt = next((s.beat for s in track.segments[i + 1:] if s.beat), None)
            moved = _travel(tracks[aid], seg.start_frame, seg.end_frame)
            kind = "tracking" if moved >= PANNING_BELOW_M else "panning"
            label = f"{nxt} {seg.action}" if nxt else f"{aid} {seg.action}"
            out.append(_Cand(label, nxt, kind, seg.start_frame, seg.end_frame, (aid,),
                             seg.action, 1))
    for ev in events:
        if ev.prop not in tracks:
            continue
        a = max(0, ev.frame - round(0.6 * fps))
        b = min(stage.frames, ev.frame + round(1.4 * fps))
        beat = next((bid for bid, s in stage.beats.items() if s.actor == ev.prop
                     and s.action == ev.action), None)
        out.append(_Cand(f"{beat or ev.prop} {ev.action}", beat, "insert", a, b, (ev.prop,),
                         ev.action, 6))
    for i, c in enumerate(out):
        c.order = i
    return out


def edit(stage, tracks: dict[str, SubjectTrack], events=(), *, min_cut_s: float = 1.0,
         establishing_s: float = 2.0) -> tuple[list[Shot], list[str]]:
    """The cut list (shots without cameras yet) and notes on what the edit changed."""
    fps, frames = stage.fps, int(stage.frames)
    min_f = max(1, round(min_cut_s * fps))
    notes: list[str] = []
    cands = beat_candidates(stage, tracks, events)
    actors = tuple(a for a in stage.actors if a in tracks) or tuple(tracks)  # or the props
    owner = np.full(frames, -1, dtype=int)
    for c in sorted(cands, key=lambda c: (c.priority, c.start, c.order)):
        owner[max(0, c.start):min(frames, c.end)] = c.order
    # establishing: the opening, over whatever starts the story
    est_f = min(round(establishing_s * fps), max(min_f, frames // 3), frames)
    key_starts = [c.start for c in cands if c.priority >= 3 and c.start >= 0]
    if key_starts:          # open on the place, but do not hide the first key action
        est_f = min(est_f, max(min_f, min(key_starts)))
    est = _Cand("establishing", None, "establishing", 0, est_f, actors, "", 10, len(cands))
    cands.append(est)
    owner[:est_f] = est.order
    _intercut(cands, owner, max(min_f, round(INTERCUT_S * fps)), notes)
    # gaps: a wide shot of everyone
    runs = _runs(owner)
    for a, b, o in runs:
        if o != -1:
            continue
        before = owner[a - 1] if a > 0 else -1
        beat = cands[before].beat if before >= 0 else None
        wide = _Cand(f"{beat} wide" if beat else "wide", beat, "wide", a, b, actors, "", 0.2,
                     len(cands))
        cands.append(wide)
        owner[a:b] = wide.order
    shots = [_shot(cands[o], a, b) for a, b, o in _runs(owner)]
    shots = _merge_same(shots)
    shots = _enforce_min(shots, min_f, cands_by_name={c.name: c for c in cands}, notes=notes)
    shots = _reestablish(shots, tracks, min_f, fps, notes)
    return shots, notes


def _intercut(cands: list[_Cand], owner: np.ndarray, piece_f: int, notes) -> None:
    """Where two beats of about equal weight on different people overlap for at least two
    pieces, alternate between them a piece at a time (starting on whichever holds the screen)
    instead of letting one hide the other; frames a more important shot holds stay its."""
    by_order = {c.order: c for c in cands}
    for i, a in enumerate(cands):
        for b in cands[i + 1:]:
            if a.priority < 1 or b.priority < 1 or abs(a.priority - b.priority) > 1 \
                    or set(a.subjects) & set(b.subjects) or a.beat == b.beat:
                continue
            lo, hi = max(a.start, b.start, 0), min(a.end, b.end, len(owner))
            both = np.flatnonzero(np.isin(owner[lo:hi], (a.order, b.order))) + lo
            if len(both) < 2 * piece_f:
                continue
            first = by_order[int(owner[both[0]])]
            second = b if first is a else a
            pieces = np.arange(len(both)) // piece_f
            if len(both) % piece_f and len(both) % piece_f < piece_f // 2:
                pieces[pieces == pieces[-1]] -= 1   # no stub at the end: the last piece is longer
            owner[both] = np.where(pieces % 2 == 0, first.order, second.order)
            notes.append(f"{a.name} and {b.name}: intercut in {int(pieces[-1]) + 1} pieces")


def _runs(owner: np.ndarray) -> list[tuple[int, int, int]]:
    if not len(owner):
        return []
    cuts = np.flatnonzero(np.diff(owner)) + 1
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [len(owner)]])
    return [(int(a), int(b), int(owner[a])) for a, b in zip(starts, ends)]


def _shot(c: _Cand, a: int, b: int) -> Shot:
    from .shots import KINDS
    k = KINDS[c.kind]
    return Shot(c.name, c.beat, c.kind, a, b, tuple(c.subjects), c.action, k["focal_mm"],
                k["fstop"], notes=list(c.notes), priority=c.priority)


def _merge_same(shots: list[Shot]) -> list[Shot]:
    """Neighbouring pieces of the same kind on the same subjects are one shot."""
    out: list[Shot] = []
    for s in shots:
        if out and out[-1].kind == s.kind and out[-1].subjects == s.subjects \
                and out[-1].end_frame == s.start_frame:
            out[-1].end_frame = s.end_frame
            if s.beat and s.beat != out[-1].beat and s.name not in out[-1].name:
                out[-1].notes.append(f"also {s.name}")
            continue
        out.append(s)
    return out


def _enforce_min(shots: list[Shot], min_f: int, cands_by_name, notes) -> list[Shot]:
    """No cut shorter than `min_f` frames: an important short shot takes frames from its
    neighbours when they can spare them, anything else is absorbed by a neighbour."""
    shots = list(shots)
    total = sum(s.frames for s in shots)
    if total < min_f:
        return _merge_same([_relabel(shots[0], 0, total)]) if shots else shots
    for _ in range(4 * len(shots) + 4):
        short = [i for i, s in enumerate(shots) if s.frames < min_f]
        if not short:
            break
        i = min(short, key=lambda k: (shots[k].frames, -shots[k].priority))
        s = shots[i]
        need = min_f - s.frames
        prev = shots[i - 1] if i > 0 else None
        nxt = shots[i + 1] if i + 1 < len(shots) else None
        pri = s.priority
        spare = lambda n: (n.frames - min_f) if n is not None else -1
        neighbours = [n for n in (prev, nxt) if n is not None]
        give_prev = max(0, spare(prev)) if prev is not None and prev.priority <= pri else 0
        give_next = max(0, spare(nxt)) if nxt is not None and nxt.priority <= pri else 0
        if give_prev + give_next >= need:
            take_next = min(need, give_next)
            take_prev = need - take_next
            if nxt is not None and take_next:
                s.end_frame += take_next
                nxt.start_frame += take_next
            if prev is not None and take_prev:
                s.start_frame -= take_prev
                prev.end_frame -= take_prev
            notes.append(f"{s.name}: lengthened to {s.frames} frames from its neighbours")
            continue
        # absorb: the neighbour sharing a subject, else the more important one
        host = max(neighbours, key=lambda n, s=s, prev=prev: (
            bool(set(n.subjects) & set(s.subjects)), n.priority, n is prev))
        if host is prev:
            prev.end_frame = s.end_frame
        else:
            nxt.start_frame = s.start_frame
        notes.append(f"{s.name}: {s.frames} frames is too short a cut; merged into "
                     f"{host.name}")
        del shots[i]
        shots = _merge_same(shots)
    return shots


def _relabel(shot: Shot, a: int, b: int) -> Shot:
    shot.start_frame, shot.end_frame = a, b
    return shot


def _reestablish(shots: list[Shot], tracks, min_f: int, fps: float, notes) -> list[Shot]:
    """When the action has moved well away from where the last wide shot showed it, open
    the next shot (long enough to split) with a wide shot of the new place."""
    from .shots import KINDS
    out: list[Shot] = []
    centre = None
    for s in shots:
        here = _centre(s, tracks)
        if s.kind in ("establishing", "wide"):
            centre = here
            out.append(s)
            continue
        if centre is not None and here is not None and \
                np.linalg.norm(here[:2] - centre[:2]) > PLACE_CHANGE_M \
                and s.kind not in ("insert",) and s.frames >= 2 * min_f + int(0.5 * fps):
            cut = s.start_frame + max(min_f, round(1.5 * fps))
            k = KINDS["wide"]
            wide = Shot(f"{s.name} wide", s.beat, "wide", s.start_frame, cut, s.subjects,
                        s.action, k["focal_mm"], k["fstop"],
                        notes=["re-establishes: the action moved"], priority=s.priority)
            s.start_frame = cut
            out += [wide, s]
            notes.append(f"{s.name}: opens on a wide shot; the action moved "
                         f"{np.linalg.norm(here[:2] - centre[:2]):.1f} m")
            centre = here
            continue
        out.append(s)
    return out


def _centre(shot: Shot, tracks) -> np.ndarray | None:
    pts = [tracks[i].centre(shot.start_frame, shot.end_frame) for i in shot.subjects
           if i in tracks]
    return np.mean(pts, axis=0) if pts else None


def interaction_pairs(stage) -> list[tuple[str, str, int]]:
    """(a, b, first frame) of every two-person beat: the pairs the 180-degree rule binds."""
    seen: dict[tuple[str, str], int] = {}
    for aid, track in stage.actors.items():
        for seg in list(track.segments) + list(track.layers):
            other = _partner(stage, seg)
            if other and other in stage.actors and other != aid:
                key = tuple(sorted((aid, other)))
                seen[key] = min(seen.get(key, math.inf), seg.start_frame)
    return [(a, b, int(f)) for (a, b), f in sorted(seen.items())]
