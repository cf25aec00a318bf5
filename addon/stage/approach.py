"""Where a person has to stand, and which way to face, to do an action to something.

An action is aimed at a `Target` (another person, a prop, a spot, or nothing).  `need_for`
says what the action needs of its actor: to stay where they are and at most turn (`look_at`,
`wave`, `throw`), or to stand at a place (`go`): at a distance from a person (hug 0.35 m,
handshake ~0.75 m, a punch at arm's length), a reach from a prop's grasp point, behind a ball
in the direction it should go, in front of a seat facing away from it.  `choose_stand` then
finds the best free standing point for such a need on the nav map (vectorised over
candidates), so nobody stands inside a table or on top of someone else.

`Props` keeps a running estimate of where each story prop is (on its support, in someone's
hand, where a kick or a throw should send it) so later beats aim at the right place; the
physics stage decides where things really end up.

Distances are pelvis to pelvis (people) or pelvis to the grasp point (props), horizontal,
in metres; body proportions scale with the actor's height.  Nothing imports Blender.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ..cast.placement import Box, facing_towards, forward, wrap_angle

#: Body landmarks as shares of standing height.
CHEST_H = 0.72
HEAD_H = 0.93
HAND_CARRY_H = 0.55

#: Pelvis to pelvis for actions between two people; handshake scales with their heights.
PERSON_DISTANCE_M = {"hug": 0.35, "kiss": 0.30, "handshake": 0.75}
#: Actions that reach another person: distance = share × actor height + offset.
REACH_PERSON = {"punch": (0.40, 0.10), "push": (0.30, 0.10), "pull": (0.30, 0.10),
                "kick": (0.45, 0.10), "pick_up": (0.30, 0.10), "put_down": (0.30, 0.10),
                "carry": (0.30, 0.10)}
#: Actions done to a prop that need the actor beside it (the rest turn towards it).
PROP_CONTACT = frozenset({"pick_up", "put_down", "push", "pull", "kick", "hug", "kiss",
                          "handshake", "punch", "sit", "lie_down"})
#: Where walking up to someone or something ends when nothing more precise is known.
MEET_PERSON_M = 1.0
MEET_PROP_M = 0.35
TALK_M = 1.1
#: Talking or giving to someone farther than this first walks over.
TALK_FAR_M = 3.0
#: Actions that only turn the actor towards the target, and the smallest turn worth making
#: (radians; a look within it moves only the head).
TURN_ONLY = {"look_at": math.radians(60), "wave": math.radians(45), "point": math.radians(30),
             "talk": math.radians(15), "throw": math.radians(10), "catch": math.radians(10),
             "nod": math.radians(60), "shake_head": math.radians(60), "clap": math.radians(60),
             "celebrate": math.radians(90), "snap_fingers": math.radians(60),
             "turn": 0.0, "idle": math.inf, "stand": math.inf}
#: Round things are grasped and kicked at their centre, the rest by the top.
ROUND = frozenset({"ball", "basketball", "tennis_ball"})
#: Things a person sits on (their support top is the seat), and sitting room per person.
SEATS = frozenset({"chair", "bench", "sofa", "bed"})
SIT_ON = frozenset({"box", "crate", "barrel", "rock", "bucket", "trash_can"})
SEAT_WIDTH_M = 0.6
#: How far in front of a seat's front edge the pelvis is before sitting down.
SEAT_FRONT_M = 0.15
#: How far a kick or a throw sends a thing when the story does not say where.
KICK_M = 4.0
THROW_M = 4.0
#: Where a push on a row (dominoes) stands: this far behind its first member.
ROW_PUSH_M = 0.45


@dataclass(frozen=True)
class Target:
    """What an action is aimed at, as known at that moment.  `x, y, z`: a person's feet
    (z = 0), a prop's grasp point, a spot's standing point; `box`: a prop's footprint."""
    id: str | None
    kind: str                         # "person", "prop", "spot", "point", "none"
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0
    rot_z: float = 0.0
    height_m: float = 0.0
    box: Box | None = None
    category: str = ""
    held_by: str | None = None
    feature: tuple[float, float, float] | None = None
    lead: float | None = None         # a row's direction (first to second member), radians

    @property
    def xy(self) -> tuple[float, float]:
        return self.x, self.y

    def point(self) -> tuple[float, float, float]:
        """The world point an action aims at: a person's chest, a prop's grasp point, a
        spot's feature."""
        if self.kind == "person":
            return (self.x, self.y, CHEST_H * self.height_m)
        if self.kind == "spot" and self.feature is not None:
            return self.feature
        return (self.x, self.y, self.z)

    def look_point(self) -> tuple[float, float, float]:
        if self.kind == "person":
            return (self.x, self.y, HEAD_H * self.height_m)
        return self.point()


NO_TARGET = Target(None, "none")


@dataclass(frozen=True)
class Need:
    """What an action needs of its actor.

    mode "stay": act where you stand, turning to `facing` (None: keep facing).
    mode "go": stand where the distance to `centre` (or to `box`'s footprint) is near
    `dist_m` (never below `min_m` nor above `max_m`), preferably on the bearing `bearing`
    (radians, from the centre towards the actor; None: any), within `spread` of it when
    `strict`; face the centre (`face` "centre") or the fixed `facing` ("fixed").
    """
    mode: str
    facing: float | None = None
    centre: tuple[float, float] = (0.0, 0.0)
    dist_m: float = 0.0
    min_m: float = 0.0
    max_m: float = 0.0
    box: Box | None = None
    bearing: float | None = None
    strict: bool = False
    spread: float = math.radians(35)
    face: str = "centre"
    target_point: tuple[float, float, float] | None = None
    aim_point: tuple[float, float, float] | None = None
    seat: tuple | None = None         # (prop id, slot index) for sitting
    note: str = ""


def person_distance(action: str, actor_h: float, other_h: float) -> float:
    """Pelvis to pelvis for an action between two people."""
    if action == "handshake":
        scale = (actor_h + other_h) / (2 * 1.72)
        return float(np.clip(PERSON_DISTANCE_M["handshake"] * scale, 0.6, 0.85))
    if action in PERSON_DISTANCE_M:
        return PERSON_DISTANCE_M[action]
    if action in REACH_PERSON:
        share, extra = REACH_PERSON[action]
        return share * actor_h + extra
    if action == "talk":
        return TALK_M
    return MEET_PERSON_M


def grasp_point(box: Box, category: str) -> tuple[float, float, float]:
    """Where a hand (or a foot) meets a prop: a ball's centre, the top centre of the rest
    (the rim of a cup, the top of a box)."""
    if category in ROUND:
        return (box.x, box.y, box.z + box.height / 2)
    return (box.x, box.y, box.top)


def seat_slots(box: Box, category: str) -> list[tuple[tuple[float, float, float],
                                                      tuple[float, float], float]]:
    """Places to sit on a seat, left to right: (seat point with its height, where the
    pelvis stands before sitting, facing).  A bench or a sofa seats one per `SEAT_WIDTH_M`;
    people sit facing the seat's front (−Y of its box), away from the seat."""
    n = max(1, int(box.width // SEAT_WIDTH_M)) if category not in ("chair",) else 1
    top = box.support_z if box.support_z is not None else box.z + min(box.height, 0.45)
    out = []
    for i in range(n):
        lx = (i - (n - 1) / 2) * (box.width / n)
        sx, sy = box.to_world(lx, 0.0)
        px, py = box.to_world(lx, -box.depth / 2 - SEAT_FRONT_M)
        out.append(((sx, sy, top), (px, py), box.rot_z))
    return out


def is_seat(category: str, box: Box | None) -> bool:
    if box is None:
        return False
    if category in SEATS:
        return True
    top = box.support_z if box.support_z is not None else box.top
    return category in SIT_ON and 0.25 <= top <= 0.8


def bearing(frm: tuple[float, float], to: tuple[float, float]) -> float | None:
    dx, dy = to[0] - frm[0], to[1] - frm[1]
    if math.hypot(dx, dy) < 1e-6:
        return None
    return math.atan2(dy, dx)


def need_for(action: str, actor_xy: tuple[float, float], actor_facing: float,
             actor_h: float, target: Target, params: dict | None = None,
             aim: Target | None = None, seat: tuple | None = None) -> Need:
    """What `action` aimed at `target` needs of an actor at `actor_xy` facing
    `actor_facing`.  `aim` is where the thing should go (a throw's or a kick's destination);
    `seat` the chosen (prop id, slot index, slot) for sitting."""
    params = params or {}
    aim = aim or NO_TARGET
    towards = _face(actor_xy, target.xy) if target.kind != "none" else None
    if action == "turn":
        return Need("stay", _turned(actor_facing, params.get("direction"), towards))
    if action in ("sit", "lie_down") and seat is not None:
        _, _, ((sx, sy, sz), (px, py), rot) = seat
        return Need("go", rot, centre=(sx, sy), dist_m=math.hypot(px - sx, py - sy),
                    min_m=0.05, max_m=math.hypot(px - sx, py - sy) + 0.45,
                    bearing=math.atan2(py - sy, px - sx), strict=True,
                    spread=math.radians(50), face="fixed", target_point=(sx, sy, sz),
                    seat=seat)
    if target.kind == "none":
        return Need("stay", None)
    if target.kind == "person":
        return _person_need(action, actor_xy, actor_facing, actor_h, target, params)
    if target.kind == "spot":
        if action in TURN_ONLY:
            return _turn_need(action, actor_facing, towards, target.look_point())
        return Need("go", target.rot_z, centre=target.xy, dist_m=0.0, min_m=0.0, max_m=0.6,
                    face="fixed", target_point=target.point())
    if target.kind == "prop" and target.held_by is not None:
        if aim.kind != "none":          # throw it to someone, put it down there: face that
            return _turn_need("throw", actor_facing, _face(actor_xy, aim.xy),
                              target.point(), aim.point())
        return Need("stay", None, target_point=target.point())
    return _prop_need(action, actor_xy, actor_facing, actor_h, target, params, aim)


def _person_need(action, actor_xy, actor_facing, actor_h, target: Target, params) -> Need:
    towards = _face(actor_xy, target.xy)
    dist = math.hypot(target.x - actor_xy[0], target.y - actor_xy[1])
    reaches = action in PERSON_DISTANCE_M or action in REACH_PERSON or (
        action == "talk" and dist > TALK_FAR_M)
    if not reaches:           # waving, dancing, jumping at someone: face them from here
        return _turn_need(action, actor_facing, towards, target.look_point())
    d = person_distance(action, actor_h, target.height_m)
    slack = 0.05 if action in PERSON_DISTANCE_M else 0.15
    return Need("go", None, centre=target.xy, dist_m=d, min_m=max(0.25, d - slack),
                max_m=d + slack + 0.25, bearing=bearing(target.xy, actor_xy),
                target_point=target.point(), aim_point=target.look_point())


def _prop_need(action, actor_xy, actor_facing, actor_h, target: Target, params,
               aim: Target) -> Need:
    towards = _face(actor_xy, target.xy)
    gp = target.point()
    if action == "catch":                     # face the thing coming
        return _turn_need(action, actor_facing, towards, gp)
    if action in ("drop", "carry", "throw"):
        return Need("stay", None, target_point=gp,
                    aim_point=aim.point() if aim.kind != "none" else None)
    if action == "kick":
        if aim.kind != "none":
            direction = bearing(target.xy, aim.xy)
        else:
            direction = bearing(actor_xy, target.xy)
        if direction is None:
            direction = math.atan2(*reversed(forward(actor_facing)))
        radius = (target.box.width / 2) if target.box is not None else 0.11
        d = radius + 0.15 + 0.13          # the kicking foot ~0.15 m behind the ball
        kick_dir = (math.cos(direction), math.sin(direction))
        aim_pt = aim.point() if aim.kind != "none" else (
            target.x + kick_dir[0] * KICK_M, target.y + kick_dir[1] * KICK_M, 0.0)
        # The foot goes through the thing's middle (a ball's centre, half a cup's height).
        middle = gp if target.box is None else (gp[0], gp[1], target.box.z +
                                                target.box.height / 2)
        return Need("go", facing_towards(*kick_dir), centre=target.xy, dist_m=d, min_m=d - 0.05,
                    max_m=d + 0.15, bearing=direction + math.pi, strict=True,
                    spread=math.radians(20), face="fixed", target_point=middle,
                    aim_point=aim_pt)
    if action == "push" and target.lead is not None:     # a row: its first member, from behind
        return Need("go", facing_towards(math.cos(target.lead), math.sin(target.lead)),
                    centre=target.xy, dist_m=ROW_PUSH_M, min_m=ROW_PUSH_M - 0.1,
                    max_m=ROW_PUSH_M + 0.15, bearing=target.lead + math.pi, strict=True,
                    spread=math.radians(15), face="fixed", target_point=gp)
    if action in ("push", "pull"):
        box = target.box
        return Need("go", None, centre=target.xy, dist_m=0.45, min_m=0.3, max_m=0.7, box=box,
                    bearing=bearing(target.xy, actor_xy), target_point=gp)
    if action in ("pick_up", "put_down"):
        low = gp[2] < 0.5
        ideal = 0.35 if low else 0.45
        reach = (0.36 if low else 0.42) * actor_h
        return Need("go", None, centre=(gp[0], gp[1]), dist_m=ideal, min_m=0.2,
                    max_m=max(reach, ideal + 0.1), bearing=bearing(target.xy, actor_xy),
                    target_point=gp, aim_point=aim.point() if aim.kind != "none" else None)
    if action in ("hug", "kiss", "handshake", "punch"):
        return Need("go", None, centre=target.xy, dist_m=0.3, min_m=0.15, max_m=0.6,
                    box=target.box, bearing=bearing(target.xy, actor_xy), target_point=gp)
    if action in PROP_CONTACT:                # sitting on what is no seat: beside it
        return Need("go", None, centre=target.xy, dist_m=MEET_PROP_M, min_m=0.2,
                    max_m=MEET_PROP_M + 0.6, box=target.box,
                    bearing=bearing(target.xy, actor_xy), target_point=gp)
    # looking, pointing, dancing at a prop: face it from where one stands
    return _turn_need(action, actor_facing, towards, gp,
                      aim.point() if aim.kind != "none" else None)


def meet_need(target: Target, actor_xy: tuple[float, float]) -> Need:
    """Where walking or running to something ends when no action there says more: a spot's
    standing point, a person at conversation distance, beside a prop."""
    if target.kind == "spot":
        return Need("go", target.rot_z, centre=target.xy, dist_m=0.0, min_m=0.0, max_m=0.6,
                    face="fixed", target_point=target.point())
    if target.kind == "person":
        return Need("go", None, centre=target.xy, dist_m=MEET_PERSON_M, min_m=0.7,
                    max_m=1.5, bearing=bearing(target.xy, actor_xy),
                    target_point=target.point())
    if target.kind in ("prop", "point"):
        return Need("go", None, centre=target.xy, dist_m=MEET_PROP_M, min_m=0.15,
                    max_m=MEET_PROP_M + 0.45, box=target.box,
                    bearing=bearing(target.xy, actor_xy), target_point=target.point())
    return Need("stay", None)


def _turn_need(action, actor_facing, towards, point, aim_point=None) -> Need:
    limit = TURN_ONLY.get(action, math.radians(45))      # other actions: a clear turn
    facing = None
    if towards is not None and abs(wrap_angle(towards - actor_facing)) > limit:
        facing = towards
    return Need("stay", facing, target_point=point, aim_point=aim_point or point)


def _face(frm: tuple[float, float], to: tuple[float, float]) -> float | None:
    dx, dy = to[0] - frm[0], to[1] - frm[1]
    if math.hypot(dx, dy) < 1e-6:
        return None
    return facing_towards(dx, dy)


def _turned(facing: float, direction, towards) -> float:
    if direction == "left":
        return wrap_angle(facing + math.pi / 2)
    if direction == "right":
        return wrap_angle(facing - math.pi / 2)
    if direction in ("around", "back"):
        return wrap_angle(facing + math.pi)
    return towards if towards is not None else wrap_angle(facing + math.pi)


# --- choosing a standing point ----------------------------------------------------------------

def choose_stand(need: Need, free_at, occupied: list[tuple[float, float]] = (),
                 gap_m: float = 0.6, step_m: float = 0.05
                 ) -> tuple[float, float, float, bool]:
    """The best standing point (x, y, facing, found) for a `go` need: candidates on a grid
    around the centre, kept where `free_at(xs, ys)` (vectorised) says the floor is free and
    nobody in `occupied` stands within `gap_m`; scored by how far the distance is from the
    ideal and the bearing from the preferred one.  `found` is False when no candidate fits
    (the caller falls back to the nearest reachable point and warns)."""
    cx, cy = need.centre
    reach = need.max_m + (need.box.radius if need.box is not None else 0.0) + step_m
    ticks = np.arange(-reach, reach + 1e-9, step_m)
    gx, gy = np.meshgrid(cx + ticks, cy + ticks)
    xs, ys = gx.ravel(), gy.ravel()
    if need.box is not None:
        dist = np.asarray(need.box.distance_xy(xs, ys), float)
    else:
        dist = np.hypot(xs - cx, ys - cy)
    ok = (dist >= need.min_m - 1e-9) & (dist <= need.max_m + 1e-9)
    ang = np.arctan2(ys - cy, xs - cx)
    if need.bearing is not None:
        off = np.abs((ang - need.bearing + np.pi) % (2 * np.pi) - np.pi)
    else:
        off = np.zeros_like(ang)
    if need.strict:
        ok &= off <= need.spread + 1e-9
    if ok.any():
        idx = np.nonzero(ok)[0]
        keep = free_at(xs[idx], ys[idx])
        for ox, oy in occupied:
            keep &= np.hypot(xs[idx] - ox, ys[idx] - oy) >= gap_m
        idx = idx[keep]
    else:
        idx = np.zeros(0, dtype=int)
    if len(idx) == 0:
        return cx, cy, need.facing if need.facing is not None else 0.0, False
    # a distance off by half the allowed band costs as much as going round by ~100°
    # (strict needs: ~40°): people walk round a partner sooner than hug at arm's length
    band = max(0.05, (need.max_m - need.min_m) / 2)
    w_angle = 0.6 if need.strict else 0.08
    cost = ((dist[idx] - need.dist_m) / band) ** 2 + w_angle * off[idx] ** 2
    best = idx[int(np.argmin(cost))]
    x, y = float(xs[best]), float(ys[best])
    return x, y, stand_facing(need, x, y), True


def stand_facing(need: Need, x: float, y: float) -> float:
    if need.face == "fixed" and need.facing is not None:
        return need.facing
    cx, cy = need.centre
    if need.box is not None:         # face the nearest part of the footprint's centre line
        cx, cy = need.box.x, need.box.y
    if math.hypot(cx - x, cy - y) < 1e-6:
        return need.facing or 0.0
    return facing_towards(cx - x, cy - y)


# --- where the props are ------------------------------------------------------------------

@dataclass
class PropState:
    box: Box | None                 # footprint where it stands (None while held)
    category: str
    point: tuple[float, float, float]
    held_by: str | None = None
    moved: bool = False             # no longer where the set put it
    came_from: tuple[float, float, float] | None = None
    in_flight: bool = False         # let go or kicked, on its way to `point`
    lead: float | None = None       # a row: `point` is its first member, `lead` its direction


class Props:
    """Estimated whereabouts of every story prop as the beats play out."""

    def __init__(self, prop_boxes: dict[str, Box], categories: dict[str, str],
                 held: dict[str, str], rows: dict[str, tuple] | None = None):
        """`rows`: for a prop standing in a row, (first member's point, the row's
        direction): what a push on it is aimed at."""
        self.state: dict[str, PropState] = {}
        for pid, cat in categories.items():
            box = prop_boxes.get(pid)
            point = grasp_point(box, cat) if box is not None else (0.0, 0.0, 0.0)
            lead = None
            if rows and pid in rows:
                point, lead = rows[pid]
            self.state[pid] = PropState(box, cat, point, held.get(pid), lead=lead)

    def __contains__(self, pid: str) -> bool:
        return pid in self.state

    def moved_ids(self) -> set[str]:
        return {p for p, s in self.state.items() if s.moved or s.held_by is not None}

    def take(self, pid: str, actor: str):
        s = self.state[pid]
        s.came_from = s.point
        s.held_by, s.moved, s.in_flight = actor, True, False

    def place(self, pid: str, point: tuple[float, float, float]):
        """The prop comes to rest (or is estimated to) at `point`, out of any hand."""
        s = self.state[pid]
        s.came_from = s.point
        s.held_by, s.moved, s.in_flight = None, True, False
        if s.box is not None:
            s.box = replace(s.box, x=point[0], y=point[1], z=max(0.0, point[2] - (
                s.box.height / 2 if s.category in ROUND else s.box.height)))
        s.point = point

    def holder(self, pid: str) -> str | None:
        return self.state[pid].held_by if pid in self.state else None

    def after(self, action: str, pid: str, actor: str, pose: tuple[float, float, float],
              height_m: float, aim: Target, aim_point, params: dict, area) -> None:
        """Update the estimate after `actor` standing at `pose` did `action` to prop `pid`:
        picked up or caught it is in hand; put down it rests on the destination's top (or
        the floor in front); dropped it falls from the hand (`params["height_m"]` when the
        story says how high); thrown it flies to the catcher's hands or `THROW_M` ahead;
        kicked it goes to the catcher's hands (a pass) or `aim_point`; pushed or pulled it
        shifts 0.4 m."""
        x, y, rot = pose
        fx, fy = forward(rot)
        if action in ("pick_up", "catch", "carry"):
            self.take(pid, actor)
            return
        s = self.state[pid]
        if action in ("put_down", "drop", "throw") and s.held_by != actor:
            return                      # not in this actor's hand: nothing leaves it
        hand = (x + 0.3 * fx, y + 0.3 * fy, HAND_CARRY_H * height_m)
        if action == "put_down":
            rest = aim.point() if aim.kind != "none" else (x + 0.4 * fx, y + 0.4 * fy, 0.0)
            if aim.kind == "prop" and aim.box is not None and aim.box.support_z is not None:
                rest = (aim.box.x, aim.box.y, aim.box.support_z)
            self.release(pid, hand, rest)
        elif action == "drop":
            z = params.get("height_m")
            if isinstance(z, (int, float)) and not isinstance(z, bool) and 0 < z < 5:
                hand = (hand[0], hand[1], float(z))
            self.release(pid, hand, (hand[0], hand[1], 0.0))
        elif action == "throw":
            if aim.kind == "person":
                rest = catch_point(aim, (x, y), CHEST_H)
            elif aim.kind != "none":
                rest = aim.point()
            else:
                rest = (x + THROW_M * fx, y + THROW_M * fy, 0.0)
            self.release(pid, (x + 0.2 * fx, y + 0.2 * fy, 0.8 * height_m),
                         _inside(rest, area))
        elif action == "kick" and aim.kind == "person" and s.held_by is None:
            self.release(pid, s.point, catch_point(aim, s.point[:2], HAND_CARRY_H))
        elif action == "kick" and aim_point is not None and s.held_by is None:
            start = s.point
            self.release(pid, start, _inside(aim_point, area, z=start[2]))
        elif action in ("push", "pull") and s.box is not None and s.held_by is None:
            sign = 1.0 if action == "push" else -1.0
            p = s.point
            self.place(pid, (p[0] + sign * 0.4 * fx, p[1] + sign * 0.4 * fy, p[2]))

    def release(self, pid: str, hand: tuple[float, float, float],
                rest: tuple[float, float, float]):
        """Let go at `hand`; the prop is expected to end up at `rest`."""
        s = self.state[pid]
        self.place(pid, rest)
        s.came_from, s.in_flight = hand, True


def catch_point(catcher: Target, origin, height_share: float) -> tuple[float, float, float]:
    """Where `catcher` takes something sent from `origin` (xy): 0.35 m in front of them
    towards it, at `height_share` of their height (a throw at the chest, a kicked pass at
    the waist)."""
    dx, dy = origin[0] - catcher.x, origin[1] - catcher.y
    n = math.hypot(dx, dy) or 1.0
    return (catcher.x + 0.35 * dx / n, catcher.y + 0.35 * dy / n,
            height_share * catcher.height_m)


def _inside(p, area, z=None) -> tuple[float, float, float]:
    """A point kept 0.3 m inside the set's floor (a kick does not send a ball off the set)."""
    x = min(max(p[0], area.xmin + 0.3), area.xmax - 0.3)
    y = min(max(p[1], area.ymin + 0.3), area.ymax - 0.3)
    return (x, y, p[2] if z is None else z)
