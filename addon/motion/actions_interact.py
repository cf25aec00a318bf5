"""Two-actor actions: handshake, hug and kiss.

Each actor's clip is built from its own context, whose `other_*` fields describe the
partner; every shared quantity (where the hands or heads meet, when, how far each steps in)
is computed from both bodies symmetrically, so building the two sides separately gives
motions that meet.  `actions.synthesise_pair` builds both at once."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .actions_base import ActionContext, ActionResult, Performance
from .poses import SIDE_SIGN, SIDES, Y, rotate_z

#: Distance between the two actors' positions for each action, metres (1.75 m bodies).
HANDSHAKE_DISTANCE_M = (0.6, 0.95)
HUG_DISTANCE_M = 0.3
KISS_DISTANCE_M = 0.42


@dataclass
class Pairing:
    """The two actors as this one sees them (actor space): where the partner stands, how
    far, which way, how tall, and the shared body scale (the mean of the two) that every
    common distance uses so both sides compute the same numbers."""
    partner: np.ndarray
    distance: float
    heading: float
    partner_height: float
    scale: float

    @property
    def toward(self) -> np.ndarray:
        """Unit horizontal direction (3,) from this actor to the partner."""
        return np.array([*(self.partner[:2] / max(self.distance, 1e-6)), 0.0])

    def midpoint(self, height_m: float = 0.0) -> np.ndarray:
        """The point half way between the two, `height_m` above the floor."""
        return np.array([self.partner[0] / 2, self.partner[1] / 2, height_m])


def _pair(ctx: ActionContext) -> Pairing:
    if ctx.other_position is None:
        raise ValueError("a two-actor action needs ActionContext.other_position "
                         "(and other_height_m) for the partner")
    partner = ctx.to_local(np.array([*ctx.other_position, ctx.floor_z]))
    distance = float(np.linalg.norm(partner[:2]))
    heading = float(np.arctan2(partner[0], -partner[1])) if distance > 1e-6 else 0.0
    other_height = float(ctx.other_height_m or ctx.height_m)
    return Pairing(partner, distance, heading, other_height,
                   (ctx.height_m + other_height) / (2 * 1.75))


def _approach(perf: Performance, pair: Pairing, end_s: float,
              keep_m: float | tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """Turn to face the partner and step in (or back) so the two stand `keep_m` apart (or
    within the range given), each taking half of the way.  Returns this actor's new centre
    and where the partner will stand (actor space, on the floor)."""
    keep = float(np.clip(pair.distance, *keep_m)) if isinstance(keep_m, tuple) else keep_m
    shift = (pair.distance - keep) / 2
    _, centre = perf.step_to(0.02 * perf.duration, end_s, pair.toward[:2] * shift,
                             pair.heading)
    return centre, pair.partner - pair.toward * shift


def handshake(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Shaking right hands: face the partner (stepping in or back if they are not 0.6 to
    0.95 m away), reach the right hand to the point half way between the two at about waist
    height, where both wrists meet at "contact", pump three times, let go at
    "contact_end"; eye contact throughout.  extras: `meeting_point` (world)."""
    perf = Performance("handshake", ctx, duration_s, fps, breathing=1.0, drift=0.3)
    span, scale = perf.duration, perf.scale
    pair = _pair(ctx)
    shared = pair.scale
    centre, partner = _approach(perf, pair, 0.25 * span,
                                tuple(d * shared for d in HANDSHAKE_DISTANCE_M))
    # Both step by the same rule, so the midpoint of where they end up is the midpoint of
    # where they start; the hands meet there, a little above the wrists' hanging height.
    meet = pair.midpoint(0.57 * 1.75 * shared)
    contact_s, release_s = 0.4 * span, 0.8 * span
    pumps = 0.035 * shared * np.sin(2 * np.pi * 2.6 * np.clip(perf.t - contact_s - 0.05, 0,
                                                              None))
    pumps *= perf.pulse(contact_s, contact_s + 0.1, release_s - 0.15, release_s - 0.02)
    target = meet + np.outer(pumps, (0.0, 0.0, 1.0))
    posture = perf.posture_for(perf.in_body(meet, centre, pair.heading), "right_shoulder",
                               reach_m=0.45 * scale).bent(forward_deg=4.0)
    perf.key(0.0, perf.neutral)
    perf.key(contact_s, posture, smooth=True)
    perf.key(release_s, posture, smooth=True)
    perf.key(span, perf.neutral)
    weight = perf.pulse(0.15 * span, contact_s, release_s, span)
    elbow_out = rotate_z(np.array([-0.35, 0.2, -0.3]) * scale, pair.heading)
    perf.reach("right", target, weight, pole=meet + elbow_out)
    across = rotate_z(np.array([1.0, 0.0, -0.15]), pair.heading)   # palm in, thumb up
    perf.palm("right", across, weight)
    eyes = np.array([partner[0], partner[1], 0.92 * pair.partner_height])
    perf.look(eyes, perf.ramp(0.0, 0.25 * span), neck_share=0.45)
    frame = perf.frame(contact_s)
    return perf.finish(contact_frames={"contact": frame, "contact_end": perf.frame(release_s)},
                       hand="right", checks={"handshake": ("right_wrist", frame, meet)},
                       extras={"meeting_point": ctx.to_world(meet)})


def hug(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """A hug: both step in close, the right arm goes high over the partner's shoulder and the
    left around the waist, hands on the partner's back; heads turn to the right past each
    other; a slow squeeze and sway; arms open at the end.  contact_frames: "contact",
    "contact_end"."""
    perf = Performance("hug", ctx, duration_s, fps, breathing=1.2, drift=0.3)
    span, scale = perf.duration, perf.scale
    pair = _pair(ctx)
    centre, partner = _approach(perf, pair, 0.3 * span, HUG_DISTANCE_M * pair.scale)
    contact_s, release_s = 0.45 * span, 0.82 * span
    other_scale = pair.partner_height / 1.75
    # The partner faces this actor: their back is further along the line between the two,
    # their left is this actor's right.
    back = pair.toward
    partner_left = rotate_z(np.array([-1.0, 0.0, 0.0]), pair.heading)
    high = partner + (back * 0.1 + partner_left * 0.1 + (0.0, 0.0, 1.3)) * other_scale
    low = partner + (back * 0.05 - partner_left * 0.06 + (0.0, 0.0, 1.12)) * other_scale
    close = perf.neutral.bent(forward_deg=12.0, side_deg=-4.0).head_turned(
        yaw_deg=-45.0, roll_deg=-10.0, pitch_deg=5.0)
    perf.key(0.0, perf.neutral)
    perf.key(contact_s, close, smooth=True)
    perf.key(release_s, close.bent(forward_deg=2.0), smooth=True)
    perf.key(span, perf.neutral)
    weight = perf.pulse(0.2 * span, contact_s, release_s, span)
    squeeze = 0.02 * scale * np.sin(np.pi * np.clip((perf.t - contact_s) /
                                                    (release_s - contact_s), 0, 1))
    for side, goal in (("right", high), ("left", low)):
        out = rotate_z(np.array([SIDE_SIGN[side] * 0.45, 0.0, -0.1]) * scale, pair.heading)
        perf.reach(side, goal - np.outer(squeeze, back), weight, pole=goal + out)
        perf.palm(side, back, weight)
    sway = np.sin(2 * np.pi * 0.5 * np.clip(perf.t - contact_s, 0, None)) * perf.pulse(
        contact_s, contact_s + 0.3, release_s - 0.3, release_s)
    perf.layer("spine2", Y, 3.0 * sway)
    frame = perf.frame(contact_s)
    return perf.finish(contact_frames={"contact": frame, "contact_end": perf.frame(release_s)},
                       hand="both", checks={"hug_right": ("right_wrist", frame, high),
                                            "hug_left": ("left_wrist", frame, low)})


def _taller(ctx: ActionContext) -> bool:
    """Whether this actor takes the taller one's part in a pair (ties broken by position,
    so the two sides always disagree)."""
    other_height = ctx.other_height_m or ctx.height_m
    if abs(ctx.height_m - other_height) > 0.02:
        return ctx.height_m > other_height
    return tuple(ctx.position) > tuple(ctx.other_position)


def kiss(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """A kiss: step close, lean in and tilt the head (to the right, so noses pass), the
    heads meet half way at "contact" and part at "contact_end"; the taller one's hands on
    the partner's waist, the other's on the partner's shoulders.  extras:
    `meeting_point` (world)."""
    perf = Performance("kiss", ctx, duration_s, fps, breathing=1.0, drift=0.2)
    span = perf.duration
    pair = _pair(ctx)
    centre, partner = _approach(perf, pair, 0.3 * span, KISS_DISTANCE_M * pair.scale)
    contact_s, release_s = 0.5 * span, 0.8 * span
    toward = pair.toward
    meet = pair.midpoint(_head_height(min(ctx.height_m, pair.partner_height)) - 0.03)
    head_goal = meet - toward * 0.1 * pair.scale
    lean = perf.posture_for(perf.in_body(head_goal, centre, pair.heading), "head",
                            reach_m=0.02, twist=False, max_bend_deg=40.0)
    lean = lean.head_turned(roll_deg=-15.0)
    perf.key(0.0, perf.neutral)
    perf.key(contact_s - 0.1 * span, lean, smooth=True)
    perf.key(release_s, lean)
    perf.key(span, perf.neutral)
    weight = 0.95 * perf.pulse(0.15 * span, 0.4 * span, release_s, span)
    other_scale = pair.partner_height / 1.75
    across = rotate_z(np.array([1.0, 0.0, 0.0]), pair.heading)
    # Hands on the waist (taller) or on the shoulders (shorter), so the arms do not clash.
    lateral, height = (0.16, 1.0) if _taller(ctx) else (0.17, 1.36)
    for side in SIDES:
        goal = partner + (across * SIDE_SIGN[side] * lateral + (0.0, 0.0, height)) * \
            other_scale - toward * 0.04 * other_scale
        perf.reach(side, goal, weight)
    perf.look(meet + toward * 0.1 * pair.scale, perf.pulse(0.0, 0.3 * span, release_s, span))
    frame = perf.frame(contact_s)
    return perf.finish(contact_frames={"contact": frame, "contact_end": perf.frame(release_s)},
                       hand="both", checks={"kiss": ("head", frame, head_goal)},
                       extras={"meeting_point": ctx.to_world(meet)})


def _head_height(height_m: float) -> float:
    """The head joint's height standing, for a body of `height_m`."""
    return 1.533 * height_m / 1.75
