"""What the physics stage simulates, decided from the staged story before any body is built.

The animate stage leaves a StagePlan (beats, segments per actor) and MotionEvents (grasps,
releases with the hand's velocity, hand-offs to a ragdoll).  `plan_simulation` reads them with
a few facts about each prop and says, per prop, whether it is a passive collider or a dynamic
body, when it rides in a hand (kinematic, following the keys the animate stage wrote), when it
flies on its own, and which flights end in another actor's hand (a throw and a catch, or a
kick passed to someone who catches it: the arc is keyed ballistically so it meets the catching
hand); which kicks strike it and whether one breaks it (then nobody holds it afterwards); and
per actor when the body becomes a ragdoll and who knocked it down.  Frames are story frames:
0 is the scene's first frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .surfaces import SURFACES, pair

#: A story prop heavier than this stays put (a passive collider) unless a beat moves it.
MOVABLE_MAX_KG = 25.0
#: Beats that move whatever they target, however heavy.
MOVING_ACTIONS = ("push", "pull", "kick", "throw", "pick_up", "carry", "put_down", "drop",
                  "catch")
#: The plan's cues for a prop that say it is set moving along the floor.
ROLLING_CUES = ("roll", "slide")
#: Beats by one actor on another that end with the other on the ground, with their push.
KNOCKING_ACTIONS = {"punch": 0.8, "push": 1.2, "kick": 1.0}
#: What a kicking foot strikes with: a shoe, for how hard the blow lands on what it kicks.
SHOE = "leather"
#: A hold that starts this many frames (two seconds at 24 fps) after a throw or a kick by
#: someone else is its catch.
CATCH_WITHIN = 48


@dataclass(frozen=True)
class PropFacts:
    """What the physics stage needs to know about a prop, read from its object."""
    id: str
    mass_kg: float
    breakable: bool = False
    furniture: bool = False          # something to sit on or put things on
    from_story: bool = True          # named in the story, not set dressing
    material: str = ""               # its material preset (surfaces.SURFACES), for breaking


@dataclass(frozen=True)
class Hold:
    """A prop in `actor`'s `hand` ("L" or "R") from `start` to `end` (story frames); `caught`
    when it starts with a catch (not a pick-up)."""
    actor: str
    start: int
    end: int
    hand: str
    caught: bool = False


@dataclass(frozen=True)
class Flight:
    """A prop let go at `release` by `thrower` and taken at `catch` by `catcher`'s hand."""
    thrower: str
    release: int
    catcher: str
    catch: int
    hand: str


@dataclass(frozen=True)
class Kick:
    """`actor`'s foot meets the prop at `frame` moving at `foot_mps`."""
    actor: str
    frame: int
    foot_mps: float
    breaks: bool = False              # fast enough to shatter it (the shoe's break speed)


@dataclass
class PropRole:
    id: str
    body: str                         # "dynamic" or "passive"
    holds: list[Hold] = field(default_factory=list)
    flights: list[Flight] = field(default_factory=list)
    breakable: bool = False
    moves: list[int] = field(default_factory=list)    # frames the plan sets it moving (a roll)
    kicks: list[Kick] = field(default_factory=list)

    def kicked_at(self, frame: int, within: int = 2) -> Kick | None:
        """The kick that strikes it within `within` frames of `frame`, if any."""
        return next((k for k in self.kicks if abs(k.frame - frame) <= within), None)


@dataclass(frozen=True)
class Knockdown:
    """`actor` becomes a ragdoll at `frame`; `by` hit them (None for a fall of their own) with
    a push of `push_mps` away from the hitter.  `until` is where their next beat (a get-up)
    takes the body back from the ragdoll; None when they stay down."""
    actor: str
    frame: int
    by: str | None = None
    push_mps: float = 0.0
    until: int | None = None


@dataclass
class SimulationPlan:
    frames: int                                   # story frames 0 .. frames - 1
    props: dict[str, PropRole]
    knockdowns: list[Knockdown]
    actors: list[str]                             # everyone whose body collides

    def dynamic(self) -> list[str]:
        return [pid for pid, role in self.props.items() if role.body == "dynamic"]


def plan_simulation(stage_plan: dict, events: list[dict], props: dict[str, PropFacts],
                    holds: list[tuple], frames: int) -> SimulationPlan:
    """The simulation for a staged story.  `holds` are the animate stage's held spans:
    (prop, holder, first frame, last frame, hand).  `props` are keyed by story id, and
    "<id>#<n>" for the further members of a counted prop: a beat that moves the prop moves
    them all."""
    moved = _moved_props(stage_plan)
    roles = {}
    for pid, facts in props.items():
        movable = facts.from_story and (pid.split("#")[0] in moved or (not facts.furniture
                                                          and facts.mass_kg <= MOVABLE_MAX_KG))
        roles[pid] = PropRole(pid, "dynamic" if movable else "passive",
                              breakable=facts.breakable and movable)
    catches = _spans(stage_plan, "catch")
    for prop, holder, start, end, hand in sorted(holds, key=lambda h: h[2]):
        if prop in roles:
            roles[prop].body = "dynamic"
            caught = any(a <= start <= b for a, b in catches.get((holder, prop), ()))
            roles[prop].holds.append(Hold(holder, int(start), int(end), hand, caught))
    for cue in stage_plan.get("props", []):
        if cue.get("prop") in roles and cue.get("action") in ROLLING_CUES:
            roles[cue["prop"]].moves.append(int(cue["start_frame"]))
    for pid, kicks in _kicks(stage_plan, events).items():
        if pid in roles:
            material = props[pid].material
            limit = pair(material, SHOE).break_speed_mps if material in SURFACES else None
            roles[pid].kicks = [Kick(actor, frame, speed, roles[pid].breakable and limit
                                     is not None and speed > limit)
                                for actor, frame, speed in kicks]
    for role in roles.values():
        broken = next((k.frame for k in role.kicks if k.breaks), None)
        if broken is not None:               # shattered: nobody holds it afterwards
            role.holds = [h for h in role.holds if h.start < broken]
        role.flights = _flights(role.holds, role.kicks)
    return SimulationPlan(int(frames), roles, _knockdowns(stage_plan, events),
                          sorted(stage_plan.get("actors", {})))


def _moved_props(stage_plan: dict) -> set[str]:
    targets = set()
    for actor in stage_plan.get("actors", {}).values():
        for seg in actor.get("segments", []):
            if seg.get("kind") == "action" and seg.get("action") in MOVING_ACTIONS:
                if seg.get("target"):
                    targets.add(seg["target"])
    return targets


def _spans(stage_plan: dict, action: str) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(actor, target) -> the frames of each of their `action` segments."""
    out: dict[tuple[str, str], list] = {}
    for cid, actor in stage_plan.get("actors", {}).items():
        for seg in actor.get("segments", []):
            if seg.get("kind") == "action" and seg.get("action") == action:
                out.setdefault((cid, seg.get("target")), []).append(
                    (seg["start_frame"], seg["end_frame"]))
    return out


def _kicks(stage_plan: dict, events: list[dict]) -> dict[str, list[tuple[str, int, float]]]:
    """Per prop, (kicker, contact frame, foot speed) of every kick at it, from the kick
    events and the plan's segment that says what each kicked."""
    targets = {(cid, seg.get("beat")): seg.get("target")
               for cid, actor in stage_plan.get("actors", {}).items()
               for seg in actor.get("segments", [])
               if seg.get("kind") == "action" and seg.get("action") == "kick"}
    out: dict[str, list] = {}
    for e in events:
        prop = targets.get((e.get("actor"), e.get("beat")))
        if prop and "kick" in e.get("contacts", {}):
            speed = float(np.linalg.norm(e.get("foot_velocity", (0.0, 0.0, 0.0))))
            out.setdefault(prop, []).append((e["actor"], int(e["start_frame"] +
                                                             e["contacts"]["kick"]), speed))
    return {pid: sorted(kicks, key=lambda k: k[1]) for pid, kicks in out.items()}


def _flights(holds: list[Hold], kicks: list[Kick] = ()) -> list[Flight]:
    """A hold that ends, or a kick that does not break the prop, followed by the next hold
    being someone else's, starting within `CATCH_WITHIN` frames with nothing launching it
    again between, is a throw and a catch; after a kick the hold must be a catch (a kicked
    ball picked up from where it rolled is no flight)."""
    launches = sorted([(h.end, h.actor, False) for h in holds] +
                      [(k.frame, k.actor, True) for k in kicks if not k.breaks])
    out = []
    for (end, actor, kicked), after in zip(launches, launches[1:] + [(None, None, None)]):
        catch = next((h for h in holds if h.start > end), None)
        if catch is None or catch.actor == actor or catch.start - end > CATCH_WITHIN or \
                (kicked and not catch.caught) or (after[0] is not None and after[0] < catch.start):
            continue
        out.append(Flight(actor, end, catch.actor, catch.start, catch.hand))
    return out


def _knockdowns(stage_plan: dict, events: list[dict]) -> list[Knockdown]:
    """A `fall` segment hands its actor to the ragdoll at the event's hand-off frame (or its
    start).  A punch, push or kick aimed at that actor and ending as the fall starts is the hit
    that caused it: then the ragdoll takes over as the fall starts, when the blow lands."""
    handoff = {(e["actor"], e["beat"]): e["start_frame"] + e["handoff_frame"]
               for e in events if "handoff_frame" in e}
    hits = []
    for cid, actor in stage_plan.get("actors", {}).items():
        for seg in actor.get("segments", []):
            if seg.get("kind") == "action" and seg.get("action") in KNOCKING_ACTIONS:
                hits.append((cid, seg))
    out = []
    for cid, actor in sorted(stage_plan.get("actors", {}).items()):
        segments = actor.get("segments", [])
        for i, seg in enumerate(segments):
            if seg.get("kind") != "action" or seg.get("action") != "fall":
                continue
            after = next((s["start_frame"] for s in segments[i + 1:]
                          if s.get("kind") != "idle"), None)
            hit = next((h for h in hits if h[1].get("target") == cid
                        and abs(h[1]["end_frame"] - seg["start_frame"]) <= 12), None)
            if hit is None:
                frame = handoff.get((cid, seg.get("beat")), seg["start_frame"])
                out.append(Knockdown(cid, int(frame), until=after))
            else:
                out.append(Knockdown(cid, int(seg["start_frame"]), hit[0],
                                     KNOCKING_ACTIONS[hit[1]["action"]], after))
    return out
