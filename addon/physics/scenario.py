"""What the physics stage simulates, decided from the staged story before any body is built.

The animate stage leaves a StagePlan (beats, segments per actor) and MotionEvents (grasps,
releases with the hand's velocity, hand-offs to a ragdoll).  `plan_simulation` reads them with
a few facts about each prop and says, per prop, whether it is a passive collider or a dynamic
body, when it rides in a hand (kinematic, following the keys the animate stage wrote), when it
flies on its own, and which flights end in another actor's hand (a throw and a catch: the arc is
keyed ballistically so it meets the catching hand); and per actor when the body becomes a
ragdoll and who knocked it down.  Frames are story frames: 0 is the scene's first frame.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: A story prop heavier than this stays put (a passive collider) unless a beat moves it.
MOVABLE_MAX_KG = 25.0
#: Beats that move whatever they target, however heavy.
MOVING_ACTIONS = ("push", "pull", "kick", "throw", "pick_up", "carry", "put_down", "drop",
                  "catch")
#: The plan's cues for a prop that say it is set moving along the floor.
ROLLING_CUES = ("roll", "slide")
#: Beats by one actor on another that end with the other on the ground, with their push.
KNOCKING_ACTIONS = {"punch": 0.8, "push": 1.2, "kick": 1.0}


@dataclass(frozen=True)
class PropFacts:
    """What the physics stage needs to know about a prop, read from its object."""
    id: str
    mass_kg: float
    breakable: bool = False
    furniture: bool = False          # something to sit on or put things on
    from_story: bool = True          # named in the story, not set dressing


@dataclass(frozen=True)
class Hold:
    """A prop in `actor`'s `hand` ("L" or "R") from `start` to `end` (story frames)."""
    actor: str
    start: int
    end: int
    hand: str


@dataclass(frozen=True)
class Flight:
    """A prop let go at `release` by `thrower` and taken at `catch` by `catcher`'s hand."""
    thrower: str
    release: int
    catcher: str
    catch: int
    hand: str


@dataclass
class PropRole:
    id: str
    body: str                         # "dynamic" or "passive"
    holds: list[Hold] = field(default_factory=list)
    flights: list[Flight] = field(default_factory=list)
    breakable: bool = False
    moves: list[int] = field(default_factory=list)    # frames the plan sets it moving (a roll)


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
    for prop, holder, start, end, hand in sorted(holds, key=lambda h: h[2]):
        if prop in roles:
            roles[prop].body = "dynamic"
            roles[prop].holds.append(Hold(holder, int(start), int(end), hand))
    for cue in stage_plan.get("props", []):
        if cue.get("prop") in roles and cue.get("action") in ROLLING_CUES:
            roles[cue["prop"]].moves.append(int(cue["start_frame"]))
    for role in roles.values():
        role.flights = _flights(role.holds)
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


def _flights(holds: list[Hold]) -> list[Flight]:
    """A hold that ends and a later hold by someone else that starts within two seconds' worth
    of frames (48 at 24 fps) is a throw and a catch."""
    out = []
    for a, b in zip(holds, holds[1:]):
        if b.actor != a.actor and 0 < b.start - a.end <= 48:
            out.append(Flight(a.actor, a.end, b.actor, b.start, b.hand))
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
