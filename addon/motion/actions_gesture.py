"""Gestures made standing: looking at something, waving, pointing, nodding, shaking the head,
clapping, talking with the hands and snapping the fingers.  The feet stay planted; the
breathing and drift of the Performance keep the rest of the body alive."""
from __future__ import annotations

import numpy as np

from .actions_base import ActionContext, ActionResult, Performance, smooth_noise
from .poses import SIDE_SIGN, SIDES, X, Y, Z, arm_length

#: Height of the eyes for a 1.75 m body standing, metres.
EYE_HEIGHT_M = 1.62


def _eyes(perf: Performance) -> np.ndarray:
    return np.array([0.0, -0.09 * perf.scale, EYE_HEIGHT_M * perf.scale])


def _shoulder(perf: Performance, side: str) -> np.ndarray:
    """The shoulder joint of the neutral pose (actor space)."""
    return perf.joint_at(perf.neutral, f"{side}_shoulder")


def _hand(ctx: ActionContext, default: str = "right") -> str:
    hand = ctx.param("hand", default)
    if hand not in SIDES:
        raise ValueError(f"params.hand {hand!r} is not 'left' or 'right'")
    return hand


def _gaze_target(ctx: ActionContext, perf: Performance, distance_m: float = 2.0):
    """The target in actor space, or a point straight ahead at eye height."""
    return ctx.local_target(default=_eyes(perf) + np.array([0.0, -distance_m, 0.0]))


def look_at(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """The head and eyes turn to `target` (world) and stay on it; for targets far to the side
    the chest turns with them; the result's `gaze` aims the rig's eyes."""
    perf = Performance("look_at", ctx, duration_s, fps, breathing=1.0, drift=0.3)
    target = _gaze_target(ctx, perf, 3.0)
    direction = target - _eyes(perf)
    heading = abs(np.degrees(np.arctan2(direction[0], -direction[1])))
    chest = float(np.clip((heading - 40.0) / 100.0, 0.0, 0.45))
    turn_s = perf.duration * perf.rng.uniform(0.25, 0.35)
    weight = perf.ramp(0.05 * perf.duration, 0.05 * perf.duration + turn_s)
    perf.key(0.0, perf.neutral)
    perf.look(target, weight, neck_share=0.4, chest_share=chest)
    return perf.finish(contact_frames={"on_target": perf.frame(0.05 * perf.duration + turn_s)})


def nod(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Yes: the head dips and comes back up, two or three times, getting smaller.  With a
    `target` the actor looks at it (a listener) while nodding."""
    return _head_gesture("nod", ctx, duration_s, fps, X, 14.0)


def shake_head(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """No: the head turns from side to side, two or three times, getting smaller."""
    return _head_gesture("shake_head", ctx, duration_s, fps, Z, 22.0)


def _head_gesture(name: str, ctx: ActionContext, duration_s: float, fps: float, axis,
                  degrees: float) -> ActionResult:
    perf = Performance(name, ctx, duration_s, fps, breathing=1.0, drift=0.3)
    perf.key(0.0, perf.neutral)
    rate = perf.rng.uniform(2.0, 2.6) if name == "nod" else perf.rng.uniform(2.2, 2.8)
    start, end = 0.1 * perf.duration, 0.9 * perf.duration
    phase = np.clip(perf.t - start, 0.0, None)
    decay = np.exp(-phase / max(0.7 * (end - start), 1e-3))
    envelope = perf.ramp(start - 0.05, start + 0.12) * (1.0 - perf.ramp(end - 0.15, end))
    amplitude = degrees * perf.jitter(0.15)
    if name == "nod":     # down and back up: a one-sided swing
        swing = amplitude * 0.5 * (1 - np.cos(2 * np.pi * rate * phase))
    else:
        swing = amplitude * np.sin(2 * np.pi * rate * phase)
    swing = swing * decay * envelope
    if ctx.target is not None:
        perf.look(ctx.to_local(ctx.target), np.ones(perf.frames))
    perf.layer("neck", axis, 0.35 * swing, after_ik=True)
    perf.layer("head", axis, 0.65 * swing, after_ik=True)
    return perf.finish()


def wave(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """A hello: the hand comes up beside the head, palm forward, and the forearm swings from
    side to side a few times before the arm comes down.  `hand` param (default right);
    with a `target` the actor looks (and waves) towards it."""
    perf = Performance("wave", ctx, duration_s, fps, breathing=1.0, drift=0.4)
    hand = _hand(ctx)
    s, scale, span = SIDE_SIGN[hand], perf.scale, perf.duration
    perf.key(0.0, perf.neutral)
    perf.key(span, perf.neutral)
    shoulder = _shoulder(perf, hand)
    elbow = shoulder + np.array([s * 0.25, -0.06, -0.06]) * scale
    up, out = 0.26 * scale, 0.07 * scale
    rate = perf.rng.uniform(1.8, 2.4)
    raise_end, lower_start = 0.25 * span, 0.8 * span
    swing = np.sin(2 * np.pi * rate * np.clip(perf.t - raise_end, 0, None))
    swing *= perf.pulse(raise_end - 0.05, raise_end + 0.15, lower_start - 0.15, lower_start)
    angle = np.radians(22.0) * swing
    # The forearm swings about the elbow in the body's frontal plane.
    target = elbow + np.stack([s * (out + up * np.sin(angle)),
                               np.full(perf.frames, -0.05 * scale), up * np.cos(angle)], axis=1)
    weight = perf.pulse(0.0, raise_end, lower_start, span)
    perf.reach(hand, target, weight, pole=elbow + np.array([s * 0.4, 0.1, -0.35]) * scale)
    perf.palm(hand, (0.0, -1.0, 0.0), weight)
    if ctx.target is not None:
        perf.look(ctx.to_local(ctx.target), perf.ramp(0.0, raise_end), chest_share=0.15)
    return perf.finish(hand=hand)


def point(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Pointing at `target` (world; default ahead): the arm straightens towards it, the
    head and chest turn to it, a small emphasis, then the arm drops.  `hand` param (default
    right)."""
    perf = Performance("point", ctx, duration_s, fps, breathing=1.0, drift=0.3)
    hand = _hand(ctx)
    s, scale, span = SIDE_SIGN[hand], perf.scale, perf.duration
    target = ctx.local_target(default=np.array([0.0, -3.0, 1.2]) * scale)
    perf.key(0.0, perf.neutral)
    heading = np.degrees(np.arctan2(target[0], -target[1]))
    turned = perf.neutral.bent(twist_deg=float(np.clip(heading, -60, 60)) * 0.35)
    perf.key(0.3 * span, turned)
    perf.key(0.75 * span, turned)
    perf.key(span, perf.neutral)
    shoulder = _shoulder(perf, hand)
    direction = target - shoulder
    direction /= np.linalg.norm(direction)
    length = arm_length(perf.offsets, hand)
    beat = 0.04 * scale * np.sin(np.pi * np.clip((perf.t - 0.35 * span) / (0.2 * span), 0, 1))
    wrist = shoulder + direction * 0.93 * length + np.outer(beat, direction)
    weight = perf.pulse(0.05 * span, 0.32 * span, 0.75 * span, span)
    perf.reach(hand, wrist, weight, pole=shoulder + np.array([s * 0.3, 0.2, -0.5]) * scale)
    perf.palm(hand, (0.0, 0.0, -1.0), weight)
    perf.look(target, perf.pulse(0.0, 0.25 * span, 0.8 * span, span), chest_share=0.2)
    return perf.finish(hand=hand, contact_frames={"pointing": perf.frame(0.32 * span)},
                       extras={"point_target": ctx.to_world(target)})


def clap(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Clapping in front of the chest, two to three claps a second, palms meeting.
    contact_frames: "clap_0", "clap_1"... (each meeting, for the sound)."""
    perf = Performance("clap", ctx, duration_s, fps, breathing=1.0, drift=0.4)
    scale, span = perf.scale, perf.duration
    perf.key(0.0, perf.neutral)
    perf.key(0.2 * span, perf.neutral.bent(forward_deg=3.0))
    perf.key(0.85 * span, perf.neutral.bent(forward_deg=3.0))
    perf.key(span, perf.neutral)
    centre = np.array([0.0, -0.3, 1.12]) * scale
    rate = perf.rng.uniform(2.2, 2.8)
    start, end = 0.22 * span, 0.82 * span
    clapping = perf.pulse(start - 0.1, start, end, end + 0.1)
    phase = 2 * np.pi * rate * np.clip(perf.t - start, 0.0, None)
    closed = clapping * (0.5 - 0.5 * np.cos(phase))
    gap = (0.3 - 0.24 * closed) * scale
    weight = perf.pulse(0.0, 0.22 * span, 0.82 * span, span)
    for side in SIDES:
        s = SIDE_SIGN[side]
        wrist = centre + np.stack([s * gap / 2, np.zeros_like(gap), 0.02 * closed * scale], 1)
        perf.reach(side, wrist, weight, pole=centre + np.array([s * 0.6, 0.35, -0.45]) * scale)
        perf.palm(side, (-s, 0.0, 0.0), weight, bend_deg=-15.0)
    meets = [k for k in range(200) if start + (k + 0.5) / rate < end - 0.05]
    return perf.finish(hand="both", contact_frames={
        f"clap_{k}": perf.frame(start + (k + 0.5) / rate) for k in meets})


def talk(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Talking: the forearms come up and the hands make small beat gestures in front of the
    body, open palms up, the head nods and tilts with the speech; with a `target` (the
    listener's head) the speaker looks at it."""
    perf = Performance("talk", ctx, duration_s, fps, breathing=1.4, drift=0.6)
    scale, span = perf.scale, perf.duration
    perf.key(0.0, perf.neutral)
    perf.key(span, perf.neutral)
    weight = perf.pulse(0.0, min(0.5, 0.25 * span), max(span - 0.5, 0.75 * span), span)
    for side in SIDES:
        s = SIDE_SIGN[side]
        base = np.array([s * 0.2, -0.3, 1.0]) * scale
        wander = np.stack([smooth_noise(perf.t, perf.rng, 0.3, 1.1) * 0.07,
                           smooth_noise(perf.t, perf.rng, 0.3, 1.1) * 0.05,
                           smooth_noise(perf.t, perf.rng, 0.4, 1.4) * 0.07], 1) * scale
        beats = _beats(perf, 0.3 * span, 0.85 * span) * 0.05 * scale
        wrist = base + wander - wander[:1] + np.stack([np.zeros(perf.frames),
                                                       np.zeros(perf.frames), -beats], 1)
        perf.reach(side, wrist, weight * perf.rng.uniform(0.7, 1.0),
                   pole=base + np.array([s * 0.5, 0.4, -0.4]) * scale)
        perf.palm(side, (-s * 0.4, -0.2, 1.0), weight)
    if ctx.target is not None:
        perf.look(ctx.to_local(ctx.target), np.ones(perf.frames))
    nods = _beats(perf, 0.2 * span, 0.9 * span) * 5.0
    tilt = smooth_noise(perf.t, perf.rng, 0.2, 0.5) * 4.0
    perf.layer("head", X, nods, after_ik=True)
    perf.layer("head", Y, tilt - tilt[0], after_ik=True)
    return perf.finish(hand="both")


def _beats(perf: Performance, start: float, end: float) -> np.ndarray:
    """Short smooth bumps (0 to 1 and back in ~0.25 s) at random moments: the rhythm of
    speech in the hands and head."""
    out = np.zeros(perf.frames)
    time = start
    while time < end:
        width = perf.rng.uniform(0.2, 0.3)
        u = np.clip((perf.t - time) / width, 0.0, 1.0)
        out += np.sin(np.pi * u) ** 2
        time += width + perf.rng.uniform(0.25, 0.7)
    return np.clip(out, 0.0, 1.0)


def snap_fingers(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Snapping the fingers: the hand comes up in front of the shoulder and the wrist flicks
    down at the snap.  contact_frames: "snap" (for the sound); `hand` param."""
    perf = Performance("snap_fingers", ctx, duration_s, fps, breathing=1.0, drift=0.3)
    hand = _hand(ctx)
    s, scale, span = SIDE_SIGN[hand], perf.scale, perf.duration
    perf.key(0.0, perf.neutral)
    perf.key(span, perf.neutral)
    shoulder = _shoulder(perf, hand)
    snap_s = 0.55 * span
    flick = np.exp(-0.5 * ((perf.t - snap_s) / 0.05) ** 2)
    target = shoulder + np.array([s * 0.12, -0.3, -0.12]) * scale
    target = target + np.outer(flick, np.array([0.0, -0.02, -0.03]) * scale)
    weight = perf.pulse(0.05 * span, 0.4 * span, 0.75 * span, span)
    perf.reach(hand, target, weight, pole=shoulder + np.array([s * 0.3, 0.2, -0.5]) * scale)
    perf.palm(hand, (-s, 0.0, 0.3), weight)
    perf.layer(f"{hand}_wrist", Y, s * 25.0 * flick, after_ik=True)
    return perf.finish(hand=hand, contact_frames={"snap": perf.frame(snap_s)})
