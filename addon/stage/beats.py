"""Staging, part two: each beat of the story, by kind.

A mixin of the stager (`plan._Stager`): a beat is layered over what its actor is doing (a wave
while walking), played by a prop (a ball rolls), walked (locomotion to a target or a
destination), met (two-person actions: whoever arrives first waits) or acted at the
standing point its action needs; what it does to props (picked up, put down, thrown) is
tracked so later beats find them.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from ..cast.placement import facing_towards, forward
from ..physics.paths import aimed_launch
from ..story.vocabulary import ACTIONS
from . import approach as ap
from . import navigation as nv
from .moves import STILL_M
from .records import Pose3, PropCue, Segment
from .timeline import (LAYERABLE, POSTURE_AFTER, SEATED_OK, Track, anchor_frame,
                       duration_stated, story_overlap, to_frames)


#: A pass kicked to someone: the hardest kick of a 1.75 m adult sends a ball at this speed
#: (scaled with the kicker's height), and a ball leaves at this many times the foot's speed
#: (instep kicks measure 1.1-1.35).  The foot meets it this far into the kick beat (its
#: first second), and a catch's hands meet what comes at this share of the catch beat.
PASS_MAX_MPS = 16.0
BALL_PER_FOOT = 1.2
KICK_CONTACT_SHARE = 0.5
CATCH_CONTACT_SHARE = 0.6


class Beats:
    """Staging each beat; needs the stager's state and `Moves`."""

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

    def _palm_over(self, pid: str | None, surface: tuple) -> tuple:
        """Where the palm goes to set `pid` down on `surface`: the hand holds a prop by its
        middle, so that far above the surface point, not on it."""
        state = self.props.state.get(pid) if pid is not None else None
        half = state.box.height / 2 if state is not None and state.box is not None else 0.0
        return (surface[0], surface[1], surface[2] + half)

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
        aim = self.target_info(params.get("destination") or self.pass_to(b, action, target),
                               max(start, track.busy))
        if action == "carry" and target is not None and tinfo.kind == "prop" \
                and target not in track.holding:
            self.pick_up_first(track, target, label, max(start, track.busy))
            tinfo = self.target_info(target, track.busy)
        arrival = self.arrivals.pop(target, None) if action == "catch" else None
        if arrival is not None:           # a pass on its way: the hands meet it as it comes
            start = max(arrival - int(round(CATCH_CONTACT_SHARE * dur_f)), track.busy)
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
        elif action == "put_down" and need.target_point is not None:
            need = replace(need, target_point=self._palm_over(target, need.target_point))
        deadline = start if binding else None
        pose = self.reach(track, need, label, start, deadline, target, tinfo_for_need)
        if need.mode == "stay":
            pose = (track.pose[0], track.pose[1],
                    need.facing if need.facing is not None else track.pose[2])
        s = max(start, track.busy)
        if arrival is not None:
            if arrival - s < 0.15 * dur_f:
                self.warn(f"{label}: {target} arrives before {b.actor} is ready to catch it")
            params["contact_time_s"] = round(max(arrival - s, 0) / self.fps, 4)
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
        if action == "kick" and aim.kind == "person" and tinfo.category in ap.ROUND:
            self.plan_pass(track, seg, target)
        seg.holding = tuple(track.holding)
        if need.seat is not None:
            track.seat = need.seat[:2]
            self.seated[track.seat] = track.actor
        self.spans[b.id] = (s, s + dur_f)

    def pass_to(self, b, action: str, target: str | None) -> str | None:
        """Whom a kick at a prop passes it to: the actor of the next beat on that prop, when
        it is someone else catching it."""
        if action != "kick" or target not in self.props:
            return None
        after = self.beats[self.beats.index(b) + 1:]
        nb = next((nb for nb in after if nb.target == target), None)
        if nb is not None and nb.action == "catch" and nb.actor != b.actor and \
                nb.actor in self.tracks:
            return nb.actor
        return None

    def plan_pass(self, track: Track, seg: Segment, pid: str):
        """A ball kicked to a catcher is a pass: it flies from where it lies to the
        catcher's hands on a throw's arc, no faster than the kicker can kick it; the foot
        swings at the speed that sends it so (`foot_mps`), and the catch is timed for its
        arrival.  Anything else is kicked as hard as a kick goes, whatever becomes of it."""
        state = self.props.state[pid]
        cap = PASS_MAX_MPS * track.height_m / 1.75
        velocity, seconds = aimed_launch(state.came_from, state.point, cap)
        seg.params["foot_mps"] = round(float(np.linalg.norm(velocity)) / BALL_PER_FOOT, 3)
        span = seg.end_frame - seg.start_frame
        contact = seg.start_frame + int(round(KICK_CONTACT_SHARE * min(self.fps, span)))
        self.arrivals[pid] = contact + max(1, to_frames(seconds, self.fps))

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
