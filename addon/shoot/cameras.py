"""Where each shot's camera stands and what it aims at.

A still camera is chosen from candidates around the subject (every 15° of azimuth, a few
heights): each is pulled back until the framed body points fit with headroom
(`projection.fit_distance`), then scored: faces seen at three-quarters, the audience side of
the set kept (geography stays readable across cuts), nobody else in the line of sight, no
walls to take out of the picture, no jump cut from the last shot of the same subject.
Candidates on the wrong side of the line between two interacting characters are refused
outright (the 180-degree rule).  A tracking camera rides beside the smoothed path at the
distance that fits every frame; a panning camera stands still and turns with the subject.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .projection import (
    Lens,
    Margins,
    camera_matrix,
    direction,
    fit_distance,
    project,
    segment_hits_box,
    segment_sphere_distance,
)
from .shots import KINDS, CameraKey, Shot
from .subjects import SubjectTrack

AUDIENCE = np.array([0.0, -1.0])        # sets are dressed to be seen from −Y
PAIR_NEAR_M = 5.0                       # a pair this close shares the scene: the line holds
KEY_EVERY = 4                           # frames between a moving camera's keys
#: Placement leaves more room than the checks demand, so small motion stays in frame.
PLAN_MARGINS = Margins(headroom=0.06, side=0.05, foot=0.03)


@dataclass(frozen=True)
class Box:
    """An axis-aligned obstacle: a wall (can be hidden for a shot) or a set piece."""
    id: str
    low: tuple[float, float, float]
    high: tuple[float, float, float]
    wall: bool = False

    def contains(self, p, pad: float = 0.0) -> bool:
        return all(self.low[i] - pad <= p[i] <= self.high[i] + pad for i in range(3))


@dataclass
class Constraints:
    """What a placement must respect: the camera side of each interacting pair
    ("a|b" → +1/−1, see `side`), set obstacles, positions and directions to avoid (what
    failed a check), a ceiling for the camera."""
    pairs: dict[str, int] = field(default_factory=dict)
    boxes: tuple[Box, ...] = ()
    ceiling_m: float | None = None
    avoid: list[np.ndarray] = field(default_factory=list)
    indoor: bool = False


def side(a_xy, b_xy, cam_xy) -> int:
    """Which side of the line a→b the camera stands on: +1 left, −1 right, 0 on it."""
    d = np.asarray(b_xy, float)[:2] - np.asarray(a_xy, float)[:2]
    c = np.asarray(cam_xy, float)[:2] - np.asarray(a_xy, float)[:2]
    cross = d[0] * c[1] - d[1] * c[0]
    return int(np.sign(cross)) if abs(cross) > 1e-6 else 0


def pair_key(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


def choose_sides(pairs, tracks: dict[str, SubjectTrack]) -> dict[str, int]:
    """The camera side of each interacting pair: the audience side (−Y) at the moment
    they first interact, so the establishing view and the pair's coverage agree."""
    out = {}
    for a, b, frame in pairs:
        if a not in tracks or b not in tracks:
            continue
        a, b = sorted((a, b))
        pa = tracks[a].point("pelvis", frame, frame + 1)[0]
        pb = tracks[b].point("pelvis", frame, frame + 1)[0]
        mid = (pa + pb) / 2
        s = side(pa, pb, mid[:2] + 4 * AUDIENCE)
        out[pair_key(a, b)] = s or 1
    return out


def framing_points(shot: Shot, tracks: dict[str, SubjectTrack], start=None, end=None,
                   step: int = 2) -> np.ndarray:
    """The world points the shot must hold in frame over its frames, widened by each
    subject's radius (shoulders) and a little above the top of the head (hair)."""
    names = KINDS[shot.kind]["frame"]
    a = shot.start_frame if start is None else start
    b = shot.end_frame if end is None else end
    pts = []
    for sid in shot.subjects:
        tr = tracks.get(sid)
        if tr is None:
            continue
        use = names if tr.kind == "actor" else ("centre",)
        if shot.kind == "over_shoulder" and sid != shot.subjects[0]:
            continue
        if tr.kind == "actor" and use[-1] == "feet":
            use = ("top", "head", "chest", "pelvis", "knees", "feet")
        rows = tr.rows(a, b)
        idx = [tr.names.index(n) for n in use if n in tr.names]
        p = tr.points[rows][::step][:, idx].reshape(-1, 3)
        if tr.kind == "actor" and "top" in use:
            top = tr.points[rows][::step][:, tr.names.index("top")].copy()
            top[:, 2] += 0.05
            p = np.concatenate([p, top])
        r = tr.radius_m
        offs = np.array([[r, 0, 0], [-r, 0, 0], [0, r, 0], [0, -r, 0]])
        if tr.kind == "prop":
            offs = np.concatenate([offs, [[0, 0, r], [0, 0, -r]]])
        pts.append(np.concatenate([p] + [p + o for o in offs]))
    if not pts:
        raise ValueError(f"shot {shot.name}: none of its subjects {shot.subjects} has a track")
    return np.concatenate(pts)


def check_points(shot: Shot, tracks, frame: int) -> dict[str, np.ndarray]:
    """Per subject the points the checks look at on `frame`: head and torso (top, head,
    chest) of a person, the centre of a prop."""
    out = {}
    for sid in shot.subjects:
        if shot.kind == "over_shoulder" and sid != shot.subjects[0]:
            continue
        tr = tracks.get(sid)
        if tr is None:
            continue
        names = ("top", "head", "chest") if tr.kind == "actor" else ("centre",)
        out[sid] = tr.select(names, frame, frame + 1)
    return out


class CameraPlanner:
    """Places the camera of each shot; `place` fills `shot.keys`, `focal_mm`, `hidden`."""

    def __init__(self, tracks: dict[str, SubjectTrack], lens: Lens, constraints: Constraints,
                 seed: int = 0, margins: Margins = PLAN_MARGINS):
        self.tracks, self.lens, self.c, self.margins = tracks, lens, constraints, margins
        self.rng = np.random.default_rng(seed)

    # -- the public step ------------------------------------------------------------------
    def place(self, shot: Shot, previous: Shot | None = None, *, elevation_add: float = 0.0,
              pull: float = 1.0) -> list[str]:
        """Choose the shot's camera; returns warnings (a rule that could not be kept)."""
        lens = self.lens.with_focal(shot.focal_mm)
        self._lens = lens
        if shot.kind == "over_shoulder":
            return self._over_shoulder(shot, lens, pull)
        if shot.kind == "tracking":
            return self._tracking(shot, lens, previous, elevation_add, pull)
        return self._still(shot, lens, previous, elevation_add, pull,
                           pan=shot.kind == "panning")

    # -- candidates -----------------------------------------------------------------------
    def _elevations(self, shot: Shot, add: float) -> list[float]:
        base = KINDS[shot.kind]["elevation"] + add
        return [math.radians(e) for e in (base, base + 12, base + 24, base - 12) if e > -10]

    def _still(self, shot, lens, previous, elevation_add, pull, pan=False) -> list[str]:
        pts = framing_points(shot, self.tracks)
        low, high = pts.min(axis=0), pts.max(axis=0)
        target = (low + high) / 2
        best, warnings = None, []
        for strict in (True, False):
            for el in self._elevations(shot, elevation_add):
                for k in range(24):
                    az = 2 * math.pi * k / 24
                    d = direction(az, el)
                    dist = fit_distance(pts, target, d, lens, self.margins) * pull
                    cam = target + d * dist
                    score = self._score(shot, cam, target, d, previous, strict, pan)
                    if score is None:
                        continue
                    if best is None or score > best[0]:
                        best = (score, cam, d, dist)
            if best is not None:
                if not strict:
                    warnings.append(f"{shot.name}: no camera keeps the 180-degree line; "
                                    f"crossed it")
                break
        if best is None and shot.focal_mm > 30:      # too far for the room: a wider lens
            shot.focal_mm = round(shot.focal_mm * 0.6, 1)
            shot.notes.append(f"no room for the lens: widened to {shot.focal_mm} mm")
            return self._still(shot, self.lens.with_focal(shot.focal_mm), previous,
                               elevation_add, pull, pan)
        if best is None:             # nothing at all: straight in front, pulled back
            d = direction(-math.pi / 2, math.radians(10))
            dist = fit_distance(pts, target, d, lens, self.margins)
            best = (0.0, target + d * dist, d, dist)
            warnings.append(f"{shot.name}: no clear camera position; placed in front")
        _, cam, d, dist = best
        if pan:
            shot.keys = self._pan_keys(shot, cam)
        else:
            shot.keys = [CameraKey(shot.start_frame, tuple(cam), tuple(target))]
        shot.hidden = self._walls_between(shot)
        return warnings

    def _pan_keys(self, shot: Shot, cam) -> list[CameraKey]:
        aims = self._smoothed_targets(shot)
        return [CameraKey(f, tuple(cam), tuple(t)) for f, t in aims]

    def _smoothed_targets(self, shot: Shot) -> list[tuple[int, np.ndarray]]:
        """The subject's framing centre over the shot, smoothed over about a second and
        sampled every KEY_EVERY frames (and the last frame)."""
        tr = self.tracks[shot.subjects[0]]
        rows = tr.rows(shot.start_frame, shot.end_frame)
        use = [tr.names.index(n) for n in (("top", "feet") if tr.kind == "actor"
                                          else tr.names)]
        pts = tr.points[rows][:, use]
        centre = (pts.min(axis=1) + pts.max(axis=1)) / 2
        win = max(1, int(len(centre) // 4) | 1)
        win = min(win, 25)
        pad = np.pad(centre, ((win // 2, win // 2), (0, 0)), mode="edge")
        kernel = np.ones(win) / win
        smooth = np.column_stack([np.convolve(pad[:, i], kernel, mode="valid")
                                  for i in range(3)])
        frames = list(range(shot.start_frame, shot.end_frame, KEY_EVERY))
        if frames[-1] != shot.end_frame - 1:
            frames.append(shot.end_frame - 1)
        first = rows.start + tr.first
        return [(f, smooth[int(np.clip(f - first, 0, len(smooth) - 1))]) for f in frames]

    def _tracking(self, shot, lens, previous, elevation_add, pull) -> list[str]:
        aims = self._smoothed_targets(shot)
        path = np.array([t for _, t in aims])
        move = path[-1, :2] - path[0, :2]
        heading = math.atan2(move[1], move[0]) if np.linalg.norm(move) > 1e-3 else 0.0
        best, warnings = None, []
        for strict in (True, False):
            for el in self._elevations(shot, elevation_add)[:2]:
                for off in (90, -90, 60, -60, 120, -120, 35, -35):
                    az = heading + math.radians(off)
                    d = direction(az, el)
                    dists = []
                    for f, t in aims:
                        pts = framing_points(shot, self.tracks, f, f + 1, step=1)
                        dists.append(fit_distance(pts, t, d, lens, self.margins))
                    dist = max(dists) * pull
                    cams = path + d * dist
                    score = 0.0
                    for (f, t), cam in zip(aims[::3], cams[::3]):
                        s = self._score(shot, cam, t, d, None, strict, False, frame=f)
                        if s is None:
                            score = None
                            break
                        score += s
                    if score is None:
                        continue
                    score /= max(1, len(aims[::3]))
                    # side-on to the move reads best (±90°); keep the dolly near
                    score += 0.3 * math.sin(math.radians(abs(off))) - 0.002 * dist
                    if best is None or score > best[0]:
                        best = (score, cams, d)
            if best is not None:
                if not strict:
                    warnings.append(f"{shot.name}: the tracking camera crosses the "
                                    f"180-degree line")
                break
        if best is None:
            return self._still(shot, lens, previous, elevation_add, pull, pan=True)
        _, cams, _ = best
        shot.keys = [CameraKey(f, tuple(c), tuple(t)) for (f, t), c in zip(aims, cams)]
        shot.hidden = self._walls_between(shot)
        return warnings

    def _over_shoulder(self, shot, lens, pull) -> list[str]:
        """Behind the near character's shoulder, on the pair's side of the line, aimed at the
        far character's face."""
        far, near = shot.subjects[0], shot.subjects[1]
        mid = (shot.start_frame + shot.end_frame) // 2
        head_far = self.tracks[far].point("head", mid, mid + 1)[0]
        chest_far = self.tracks[far].point("chest", mid, mid + 1)[0]
        head_near = self.tracks[near].point("head", mid, mid + 1)[0]
        # from the far one to the near one: pelvis to pelvis (heads meet in a hug), or the
        # way the near one's back faces when they stand on top of each other
        back = (self.tracks[near].point("pelvis", mid, mid + 1)[0]
                - self.tracks[far].point("pelvis", mid, mid + 1)[0])[:2]
        if np.linalg.norm(back) < 0.25:
            back = -self.tracks[near].facing_vector(mid)
        back = back / max(np.linalg.norm(back), 1e-6)
        if float(self.tracks[far].facing_vector(mid) @ back) < 0.2:
            # the far one does not face the near one: over the shoulder would show a back
            shot.notes.append(f"{far} faces away from {near}: a medium shot instead of "
                              f"over the shoulder")
            shot.kind, shot.subjects = "medium", (far,)
            shot.focal_mm, shot.fstop = KINDS["medium"]["focal_mm"], KINDS["medium"]["fstop"]
            return self._still(shot, self.lens.with_focal(shot.focal_mm), None, 0.0, pull)
        perp = np.array([-back[1], back[0]])
        required = self.c.pairs.get(pair_key(far, near))
        a, b = sorted((far, near))
        pa = self.tracks[a].point("pelvis", mid, mid + 1)[0]
        pb = self.tracks[b].point("pelvis", mid, mid + 1)[0]
        for sign in (1, -1):
            cam_xy = head_near[:2] + back * 1.0 * pull + perp * sign * 0.55
            if required is None or side(pa, pb, cam_xy) == required:
                break
        cam = np.array([cam_xy[0], cam_xy[1], head_near[2] + 0.05])
        target = (head_far + chest_far) / 2
        pts = framing_points(shot, self.tracks)
        d = (cam - target) / np.linalg.norm(cam - target)
        need = fit_distance(pts, target, d, lens, self.margins)
        dist = np.linalg.norm(cam - target)
        focal = shot.focal_mm
        if need > dist:                    # too tight at this distance: a wider lens
            focal = max(24.0, focal * dist / need)
        shot.focal_mm = round(focal, 1)
        shot.keys = [CameraKey(shot.start_frame, tuple(cam), tuple(target))]
        shot.hidden = self._walls_between(shot)
        return []

    # -- scoring --------------------------------------------------------------------------
    def _score(self, shot, cam, target, d, previous, strict, pan, frame=None):
        c = self.c
        if cam[2] < 0.25 or (c.ceiling_m is not None and cam[2] > c.ceiling_m - 0.1):
            return None
        for box in c.boxes:
            if box.contains(cam, pad=0.15) and not box.wall:
                return None
        a = shot.start_frame if frame is None else frame
        b = shot.end_frame if frame is None else frame + 1
        frames = sorted({a, (a + b - 1) // 2, b - 1})
        # 180-degree rule
        for key, required in c.pairs.items():
            p, q = key.split("|")
            if p not in self.tracks or q not in self.tracks:
                continue
            if not (set(shot.subjects) & {p, q}) and shot.kind not in ("establishing", "wide"):
                continue
            for f in frames:
                pa = self.tracks[p].point("pelvis", f, f + 1)[0]
                pb = self.tracks[q].point("pelvis", f, f + 1)[0]
                if np.linalg.norm(pa[:2] - pb[:2]) > PAIR_NEAR_M:
                    continue
                if strict and side(pa, pb, cam) != required:
                    return None
        dxy = d[:2] / max(np.linalg.norm(d[:2]), 1e-6)
        score = 0.0
        focus = self.tracks.get(shot.subjects[0]) if shot.subjects else None
        if shot.kind == "two_shot" and len(shot.subjects) > 1:
            pa = self.tracks[shot.subjects[0]].centre(a, b)
            pb = self.tracks[shot.subjects[1]].centre(a, b)
            line = (pb - pa)[:2] / max(np.linalg.norm((pb - pa)[:2]), 1e-6)
            score += 1.5 * (1 - abs(float(line @ dxy)))          # side-on to the pair
        elif focus is not None and focus.kind == "actor" and shot.kind not in (
                "establishing", "wide"):
            mid = (a + b - 1) // 2
            fwd = focus.facing_vector(mid)
            off = math.degrees(math.acos(float(np.clip(fwd @ dxy, -1, 1))))
            score += 1.5 * (1 - abs(off - 30) / 90)                # three-quarter front
        score += (1.2 if c.indoor or shot.kind in ("establishing", "wide") else 0.5) \
            * float(AUDIENCE @ dxy)
        # someone else in the line of sight
        blocked = 0
        others = [t for i, t in self.tracks.items() if i not in shot.subjects
                  and t.kind == "actor"]
        for f in frames:
            eyes = [p for pts in check_points(shot, self.tracks, f).values() for p in pts]
            for o in others:
                body = o.select(("head", "chest", "pelvis", "knees"), f, f + 1)
                for e in eyes:
                    if segment_sphere_distance(cam, e, body).min() < 0.32:
                        blocked += 1
                        break
            for box in c.boxes:
                if not box.wall and any(segment_hits_box(cam, e, box.low, box.high)
                                        for e in eyes):
                    blocked += 1
        score -= 2.5 * blocked / max(1, len(frames))
        # someone else standing in the foreground of the picture clutters it
        mid = frames[len(frames) // 2]
        view = camera_matrix(cam, target)
        subject_depth = project(target, view, self._lens)[1][0]
        for o in others:
            uv, depth = project(o.select(("head", "chest", "pelvis"), mid, mid + 1), view,
                                self._lens)
            if ((depth > 0.1) & (depth < 0.85 * subject_depth) & (uv[:, 0] > -0.1)
                    & (uv[:, 0] < 1.1) & (uv[:, 1] > -0.1) & (uv[:, 1] < 1.1)).any():
                score -= 0.8
        walls = [bx for bx in c.boxes if bx.wall and (
            bx.contains(cam, 0.1) or segment_hits_box(cam, target, bx.low, bx.high))]
        score -= sum(0.4 if bx.id == "wall_front" else 1.2 for bx in walls)
        for bad in c.avoid:
            if np.linalg.norm(np.asarray(bad)[:2] - cam[:2]) < 0.8:
                score -= 3.0
        if previous is not None and previous.keys and set(previous.subjects) & \
                set(shot.subjects) and previous.kind == shot.kind:
            prev_cam = np.asarray(previous.keys[-1].position)
            pd = prev_cam - target
            if np.linalg.norm(pd) > 1e-6:
                ang = math.degrees(math.acos(float(np.clip(
                    pd / np.linalg.norm(pd) @ d, -1, 1))))
                if ang < 25:
                    score -= 0.6                                   # a jump cut
        return score + float(self.rng.uniform(0, 0.02))

    def room(self):
        """(low xy, high xy, wall height) of the walls' footprint, or None outdoors."""
        walls = [b for b in self.c.boxes if b.wall]
        if not walls:
            return None
        low = np.min([b.low for b in walls], axis=0)
        high = np.max([b.high for b in walls], axis=0)
        return low[:2], high[:2], float(high[2])

    def _walls_between(self, shot: Shot) -> tuple[str, ...]:
        """The walls that stand between the camera and the subject on any frame of the
        shot (every other frame is looked at), or around the camera: they are taken out of
        the picture for the shot."""
        hidden = set()
        walls = [b for b in self.c.boxes if b.wall]
        for f in range(shot.start_frame, shot.end_frame, 2):
            cam = shot.position_at(f)[0]
            eyes = [p for pts in check_points(shot, self.tracks, f).values() for p in pts]
            for box in walls:
                if box.id in hidden:
                    continue
                if box.contains(cam, 0.1) or any(
                        segment_hits_box(cam, e, box.low, box.high) for e in eyes):
                    hidden.add(box.id)
        return tuple(sorted(hidden))
