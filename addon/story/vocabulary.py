"""The canonical action vocabulary every stage understands.

Parsers (built-in or LLM) may only emit these names; motion and physics stages key their
behaviour on them.  Default durations are what a person typically takes for the action, used
when the story does not say.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    name: str
    default_duration_s: float
    locomotion: bool = False      # moves the actor somewhere (needs a destination or path)
    needs_target: bool = False    # meaningless without something to act on
    two_actor: bool = False       # both actors take part (hug, handshake)
    character: bool = True        # a person can do it


def _a(name, dur, **kw) -> Action:
    return Action(name, dur, **kw)


ACTIONS: dict[str, Action] = {a.name: a for a in (
    _a("idle", 2.0),
    _a("stand", 2.0),
    _a("walk", 4.0, locomotion=True),
    _a("run", 3.0, locomotion=True),
    _a("jog", 3.5, locomotion=True),
    _a("sneak", 5.0, locomotion=True),
    _a("jump", 1.2),
    _a("turn", 1.0),
    _a("look_at", 1.5),
    _a("sit", 1.5),
    _a("stand_up", 1.5),
    _a("lie_down", 2.0),
    _a("get_up", 2.5),
    _a("wave", 2.0),
    _a("point", 1.5),
    _a("nod", 1.0),
    _a("shake_head", 1.0),
    _a("clap", 2.0),
    _a("talk", 3.0),
    _a("pick_up", 1.5, needs_target=True),
    _a("put_down", 1.5, needs_target=True),
    _a("carry", 3.0, needs_target=True),
    _a("throw", 1.2, needs_target=True),
    _a("catch", 1.0, needs_target=True),
    _a("drop", 0.8, needs_target=True),
    _a("kick", 1.0),
    _a("punch", 0.8),
    _a("push", 1.5, needs_target=True),
    _a("pull", 1.5, needs_target=True),
    _a("hug", 3.0, needs_target=True, two_actor=True),
    _a("handshake", 2.0, needs_target=True, two_actor=True),
    _a("kiss", 2.0, needs_target=True, two_actor=True),
    _a("dance", 6.0),
    _a("spin", 1.5),
    _a("crawl", 4.0, locomotion=True),
    _a("roll", 2.0),
    _a("cartwheel", 2.0),
    _a("backflip", 1.5),
    _a("fall", 1.5),
    _a("snap_fingers", 1.0),
    _a("celebrate", 3.0),
    # Things only props do; `fall` and `roll` above are shared with people.
    _a("bounce", 1.5, character=False),
    _a("break", 1.0, character=False),
    _a("topple", 1.5, character=False),
    _a("slide", 1.5, character=False),
)}

#: Actions a prop may be the actor of.
PROP_EVENTS = frozenset({"fall", "roll", "bounce", "break", "topple", "slide"})

CHARACTER_ACTIONS = frozenset(n for n, a in ACTIONS.items() if a.character)


def default_duration(action: str) -> float:
    return ACTIONS[action].default_duration_s


#: Prop categories the cast stage can build (issue 3's procedural library).
PROP_CATEGORIES = (
    # furniture
    "chair", "table", "bench", "sofa", "bed", "desk", "shelf",
    # tableware
    "glass", "cup", "mug", "bottle", "plate", "bowl", "vase",
    # containers
    "box", "crate", "barrel", "bucket", "bag",
    # sports
    "ball", "basketball", "tennis_ball", "bat", "racket",
    # games
    "domino",
    # household
    "lamp", "book", "phone", "laptop", "umbrella", "pillow",
    # nature
    "tree", "bush", "rock", "flower",
    # street
    "trash_can", "traffic_cone", "sign", "fence", "street_lamp",
    # structure
    "wall", "door", "window", "stairs",
    # vehicles
    "car", "bicycle",
)

#: How many things a "row" or "stack" has when the story does not count them.
ARRANGEMENT_COUNTS = {"row": 10, "stack": 3}
#: How several things of a category stand when the story does not say: dominoes are set up
#: in a row to topple.
DEFAULT_ARRANGEMENT = {"domino": "row"}

#: Things worn or carried on the body; the cast stage parents them to a bone.
ACCESSORIES = ("helmet", "hat", "cap", "glasses", "sunglasses", "backpack", "bag", "sword",
               "umbrella", "scarf", "crown", "mask", "watch", "headphones")
