"""Staging, part one: where actors stand for a beat and how they get there.

A mixin of the stager (`plan._Stager`): what a target is at a given frame (a person where
they will be, a prop where it is or in whose hand), which standing point a beat needs
(`approach`) and is free of the others, and the walk or run there on the nav map around props
and the other actors (`navigation`), waiting for someone to pass or detouring.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..cast.placement import forward
from ..story.vocabulary import ACTIONS
from . import approach as ap
from . import navigation as nv
from .records import Pose3, Segment
from .timeline import GET_UP, Track, to_frames

#: A move shorter than this is a turn on the spot.
STILL_M = 0.12
#: How long a mover may wait for someone to pass before it detours instead.
MAX_WAIT_S = 8.0


class Moves:
    """Targets, standing points and moving; needs the stager's state (`tracks`, `res`,
    `props`, `floor`, `set`, `fps`, `warn`)."""

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
                             box=s.box, category=s.category,
                             lead=None if s.moved else s.lead)
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
