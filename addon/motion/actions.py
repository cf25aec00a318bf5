"""Actions synthesised from key poses with IK: everything a character does that is not
locomotion (walk, run, jog, sneak, crawl: trajectory following) or a mocap clip (jump, kick
at a person, punch, dance, spin, roll, cartwheel, backflip).

    result = synthesise("pick_up", ActionContext(position=(1, 2), facing=0.5,
                                                 target=(1.1, 1.6, 0.8)), duration_s=1.5)
    result.clip                      # canonical Clip in the world, 30 fps
    result.contact_frames["grasp"]   # the prop follows the hand from this frame

The builders live by family in actions_body.py (stand, idle, turn, sit, stand_up, lie_down,
get_up, fall, celebrate), actions_gesture.py (look_at, wave, point, nod, shake_head, clap,
talk, snap_fingers), actions_object.py (pick_up, put_down, carry, throw, catch, drop, push,
pull, kick at a ball) and actions_interact.py (handshake, hug, kiss); actions_base.py holds
the machinery.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ..story.vocabulary import ACTIONS
from . import actions_body as body
from . import actions_gesture as gesture
from . import actions_interact as interact
from . import actions_object as objects
from .actions_base import ActionContext, ActionResult, Release

__all__ = ["ACTION_BUILDERS", "ActionContext", "ActionResult", "Release", "synthesise",
           "synthesise_pair", "overlay_arms", "ballistic_velocity"]

overlay_arms = objects.overlay_arms
ballistic_velocity = objects.ballistic_velocity

Builder = Callable[[ActionContext, float, float], ActionResult]

#: One builder per canonical action name (addon/story/vocabulary.py) synthesised here.
ACTION_BUILDERS: dict[str, Builder] = {
    "idle": body.idle,
    "stand": body.stand,
    "turn": body.turn,
    "sit": body.sit,
    "stand_up": body.stand_up,
    "lie_down": body.lie_down,
    "get_up": body.get_up,
    "fall": body.fall,
    "celebrate": body.celebrate,
    "look_at": gesture.look_at,
    "wave": gesture.wave,
    "point": gesture.point,
    "nod": gesture.nod,
    "shake_head": gesture.shake_head,
    "clap": gesture.clap,
    "talk": gesture.talk,
    "snap_fingers": gesture.snap_fingers,
    "pick_up": objects.pick_up,
    "put_down": objects.put_down,
    "carry": objects.carry,
    "throw": objects.throw,
    "catch": objects.catch,
    "drop": objects.drop,
    "kick": objects.kick,
    "push": objects.push,
    "pull": objects.pull,
    "handshake": interact.handshake,
    "hug": interact.hug,
    "kiss": interact.kiss,
}


def synthesise(action: str, context: ActionContext, duration_s: float | None = None,
               fps: float = 30.0) -> ActionResult:
    """The clip (and its contact moments) for `action` done by the actor `context`
    describes, `duration_s` long (default: the action's usual duration), at `fps`.  The
    clip has round(duration_s * fps) + 1 frames, so its duration_s is the one asked for."""
    builder = ACTION_BUILDERS.get(action)
    if builder is None:
        known = ", ".join(sorted(ACTION_BUILDERS))
        other = " (it comes from locomotion or the mocap library)" if action in ACTIONS else ""
        raise KeyError(f"no synthesised action {action!r}{other}; known: {known}")
    if duration_s is None:
        duration_s = ACTIONS[action].default_duration_s
    return builder(context, float(duration_s), float(fps))


def synthesise_pair(action: str, first: ActionContext, second: ActionContext,
                    duration_s: float | None = None,
                    fps: float = 30.0) -> tuple[ActionResult, ActionResult]:
    """Both sides of a two-actor action (handshake, hug, kiss), each context filled in with
    the other's position, facing and height so the two motions meet."""
    first = replace(first, other_position=second.position, other_facing=second.facing,
                    other_height_m=second.height_m)
    second = replace(second, other_position=first.position, other_facing=first.facing,
                     other_height_m=first.height_m)
    return (synthesise(action, first, duration_s, fps),
            synthesise(action, second, duration_s, fps))
