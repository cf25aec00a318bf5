"""Actions on props: picking up, putting down, carrying, throwing, catching, dropping,
pushing and pulling.  The hand goes to the prop's grasp point (IK, exact at the contact
frame), the body bends and crouches as far as the reach needs, and the result says when the
prop is taken, let go or handed to physics."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import quat
from .actions_base import GRAVITY_MPS2, ActionContext, ActionResult, Performance, Release
from .clip import Clip
from .poses import SIDE_SIGN, SIDES, rotate_z
from .skeleton import INDEX

#: Where a hand holds a small prop in front of the body (left hand; x mirrors), metres for
#: a 1.75 m body: forearm forward, elbow bent about a right angle.
HOLD_ONE_HAND = np.array([0.2, -0.27, 0.97])
#: Where two hands hold a box in front of the body (centre), metres for 1.75 m.
HOLD_TWO_HANDS = np.array([0.0, -0.32, 1.0])


def _hands(ctx: ActionContext, target: np.ndarray | None = None) -> str:
    """Which hand acts: params `hand` ("left", "right", "both") or `hands` (1 or 2), else
    the one on the target's side (right when ahead)."""
    hand = ctx.param("hand")
    if hand is None and ctx.param("hands") in (2, "2", "both"):
        hand = "both"
    if hand is None and ctx.param("width_m") is not None:
        hand = "both"
    if hand is None:
        hand = "left" if target is not None and target[0] > 0.12 * ctx.scale else "right"
    if hand not in ("left", "right", "both"):
        raise ValueError(f"params.hand {hand!r} is not 'left', 'right' or 'both'")
    return hand


def _grips(ctx: ActionContext, hand: str, point: np.ndarray,
           across: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Wrist goal(s) for a grasp at `point`: the point itself for one hand; for both, either
    side of it by half the prop's `width_m` (default 0.3 m) across the body."""
    if hand != "both":
        return {hand: point}
    width = float(ctx.param("width_m", 0.3 * ctx.scale))
    across = np.array([1.0, 0.0, 0.0]) if across is None else across
    return {side: point + SIDE_SIGN[side] * across * (width / 2 + 0.02 * ctx.scale)
            for side in SIDES}


def _hold_points(perf: Performance, hand: str) -> dict[str, np.ndarray]:
    """Where the hand(s) hold the prop in front of the body (actor space)."""
    scale = perf.scale
    if hand == "both":
        return _grips(perf.ctx, hand, HOLD_TWO_HANDS * scale)
    return {hand: HOLD_ONE_HAND * np.array([SIDE_SIGN[hand], 1.0, 1.0]) * scale}


def _across(point: np.ndarray) -> np.ndarray:
    """The horizontal direction across the line from the actor to `point`."""
    heading = np.arctan2(point[0], -point[1]) if np.linalg.norm(point[:2]) > 1e-3 else 0.0
    return np.array([np.cos(heading), np.sin(heading), 0.0])


def _palm_for(point: np.ndarray, side: str, hand: str, scale: float) -> tuple[float, ...]:
    """Palm down for things low on the floor, facing the prop from the side otherwise."""
    if hand == "both":
        return (-SIDE_SIGN[side], 0.0, 0.0)
    if point[2] < 0.45 * scale:
        return (0.0, 0.0, -1.0)
    return (-SIDE_SIGN[side] * 0.8, -0.3, -0.3)


def _face_target(perf: Performance, point: np.ndarray, end_s: float,
                 near_m: float = 0.45, far_m: float = 0.7,
                 off_deg: float = 40.0) -> tuple[np.ndarray, float]:
    """Step round to face `point` (actor space) and in to `near_m` of it when it is beyond
    `far_m` or more than `off_deg` to the side (a prop beside or behind the actor), before
    `end_s`.  Returns the stance the body ends in: centre (2,) and heading."""
    scale = perf.scale
    heading = float(np.arctan2(point[0], -point[1]))
    distance = float(np.linalg.norm(point[:2]))
    if distance <= far_m * scale and abs(heading) <= np.radians(off_deg):
        return np.zeros(2), 0.0
    along = min(distance, near_m * scale) if distance > far_m * scale else distance
    goal = point[:2] - rotate_z(np.array([0.0, -along]), heading)
    _, centre = perf.step_to(0.02 * perf.duration, end_s, goal, heading)
    return centre, heading


def _reach_and_hold(name: str, ctx: ActionContext, duration_s: float, fps: float,
                    picking: bool) -> ActionResult:
    """pick_up (`picking`) or put_down: the body bends to bring the hand(s) to the target at
    the contact frame, dwells there a moment and comes back up.  extras: `grips`, each
    hand's wrist goal (world)."""
    perf = Performance(name, ctx, duration_s, fps, breathing=1.0, drift=0.4)
    point = ctx.local_target()
    hand = _hands(ctx, point)
    span, scale = perf.duration, perf.scale
    grips = _grips(ctx, hand, point, _across(point))
    holds = _hold_points(perf, hand)
    contact_s = (0.5 if picking else 0.55) * span
    dwell = min(0.08 * span, 0.15)
    reach_side = hand if hand != "both" else "right"
    centre, facing = _face_target(perf, point, contact_s - dwell - 0.12 * span)
    posture = perf.posture_for(perf.in_body(np.stack([grips[s] for s in grips]), centre,
                                            facing), tuple(f"{s}_shoulder" for s in grips))
    perf.key(0.0, perf.neutral)
    perf.key(contact_s - dwell / 2, posture)
    perf.key(contact_s + dwell / 2, posture)
    perf.key(0.9 * span, perf.neutral)
    if picking:
        weight = perf.ramp(0.08 * span, contact_s - dwell / 2)
        leave = perf.ramp(contact_s + dwell / 2, 0.88 * span)[:, None]
    else:
        weight = 1.0 - perf.ramp(contact_s + dwell / 2, 0.95 * span)
        leave = 1.0 - perf.ramp(0.05 * span, contact_s - dwell / 2)[:, None]
    holds = {side: perf.body_point(hold, centre, facing) for side, hold in holds.items()}
    for side, grip in grips.items():
        target = grip * (1 - leave) + holds[side] * leave
        perf.reach(side, target, weight)
        perf.palm(side, _palm_for(point, side, hand, scale), weight)
    perf.look(point, perf.pulse(0.0, 0.3 * span, contact_s + dwell, 0.85 * span),
              neck_share=0.45)
    frame = perf.frame(contact_s)
    event = "grasp" if picking else "release"
    checks = {f"{event}_{side}" if hand == "both" else event: (f"{side}_wrist", frame, grip)
              for side, grip in grips.items()}
    result = perf.finish(contact_frames={event: frame}, hand=hand, checks=checks,
                         extras={"grips": {side: ctx.to_world(grip)
                                           for side, grip in grips.items()}})
    if not picking:
        wrist = result.clip.positions()[frame, INDEX[f"{reach_side}_wrist"]]
        result.release = Release(frame, wrist, np.zeros(3))
    return result


def pick_up(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Picking up a prop whose grasp point is `target` (world): step in if it is beyond
    0.7 m, bend and crouch as its height needs, the wrist reaches the point at the "grasp"
    frame (the prop follows the hand from there), then stand up holding it in front.
    params: `hand` ("left", "right", "both"; default the side it is on), `width_m` (the
    prop's width, for two hands)."""
    return _reach_and_hold("pick_up", ctx, duration_s, fps, picking=True)


def put_down(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Putting a held prop down at `target` (world, where the grasp point should end): the
    mirror of pick_up, with a "release" frame and a still `release`."""
    return _reach_and_hold("put_down", ctx, duration_s, fps, picking=False)


def carry(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Holding a prop in front of the body (one hand, or both for a box: `hand`="both",
    `width_m`), standing; the hold shifts a little with the breath.  To carry while walking,
    lay this clip's arms over the walk with `overlay_arms`."""
    perf = Performance("carry", ctx, duration_s, fps, breathing=1.2, drift=0.5)
    hand = _hands(ctx)
    heavy = float(ctx.param("mass_kg", 1.0)) > 8.0
    pose = perf.neutral.bent(forward_deg=-5.0 if heavy else 0.0)
    perf.key(0.0, pose)
    bob = np.sin(2 * np.pi * perf.rng.uniform(0.2, 0.3) * perf.t) * 0.01 * perf.scale
    for side, point in _hold_points(perf, hand).items():
        target = point + np.stack([np.zeros(perf.frames), np.zeros(perf.frames), bob], 1)
        perf.reach(side, target, np.ones(perf.frames))
        perf.palm(side, (-SIDE_SIGN[side], 0.0, 0.0) if hand == "both" else
                  (-SIDE_SIGN[side] * 0.6, 0.0, 0.8), np.ones(perf.frames))
    return perf.finish(hand=hand)


ARM_JOINTS = tuple(f"{side}_{j}" for side in SIDES
                   for j in ("collar", "shoulder", "elbow", "wrist"))


def overlay_arms(base: Clip, arms: Clip) -> Clip:
    """`base` (a walk, say) with the arms of `arms` (a carry) laid over it: the arms' local
    rotations are copied frame by frame (the carry looping if shorter), so the hands stay
    where they hold relative to the chest while the legs do what the base does."""
    rotations = base.rotations.copy()
    index = np.arange(base.frames) % arms.frames
    for joint in ARM_JOINTS:
        rotations[:, INDEX[joint]] = arms.rotations[index, INDEX[joint]]
    return Clip(base.name, base.fps, base.root.copy(), quat.unroll(rotations, 0),
                base.offsets.copy(), base.labels + arms.labels, base.contacts, base.source)


# --- throwing and catching --------------------------------------------------------------------

def ballistic_velocity(start: np.ndarray, target: np.ndarray, speed_factor: float = 1.15,
                       gravity: float = GRAVITY_MPS2) -> np.ndarray:
    """The launch velocity (3,) that carries a thrown thing from `start` to `target` under
    gravity: `speed_factor` times the least speed that reaches, on the flatter of the two
    arcs at that speed (a throw, not a lob)."""
    delta = np.asarray(target, float) - np.asarray(start, float)
    horizontal = float(np.linalg.norm(delta[:2]))
    rise = float(delta[2])
    if horizontal < 1e-6:
        return np.array([0.0, 0.0, np.sqrt(2 * gravity * max(rise, 0.05))])
    least = np.sqrt(gravity * (rise + np.hypot(rise, horizontal)))
    speed = least * speed_factor
    root = max(speed ** 4 - gravity * (gravity * horizontal ** 2 + 2 * rise * speed ** 2), 0.0)
    angle = np.arctan2(speed ** 2 - np.sqrt(root), gravity * horizontal)
    heading = delta[:2] / horizontal
    return np.array([*(heading * speed * np.cos(angle)), speed * np.sin(angle)])


def throw(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """An overarm throw at `target` (world): square up to it (stepping round if it is off to
    the side), wind up with the arm back and the chest turned, step towards the target with
    the other foot, whip the hand forward and let go at the "release" frame, follow through.  `release` gives the release point and the velocity that
    lands the prop on the target (the hand moves along it at that moment); `hand` param."""
    perf = Performance("throw", ctx, duration_s, fps, breathing=0.6, drift=0.3)
    hand = _hands(ctx)
    hand = "right" if hand == "both" else hand
    s, scale, span = SIDE_SIGN[hand], perf.scale, perf.duration
    target = ctx.local_target()
    heading = float(np.arctan2(target[0], -target[1]))
    wind_s, release_s, follow_s = 0.42 * span, 0.6 * span, 0.8 * span
    # Square up to the target first if it is off to the side (a little off, the chest
    # and the stride take up), then the other foot steps towards it as the arm comes through.
    centre, body_yaw = np.zeros(2), 0.0
    if abs(heading) > np.radians(15):
        _, centre = perf.step_to(0.0, 0.28 * span, centre, heading)
        body_yaw = heading
    other = "left" if hand == "right" else "right"
    i = SIDES.index(other)
    stride = rotate_z(np.array([0.0, -0.22 * scale]), heading)
    feet_xy, feet_yaw = perf.stance_at(centre, body_yaw)
    perf.step(other, 0.3 * span, 0.5 * span, feet_xy[i] + stride,
              float(feet_yaw[i]) + heading - body_yaw)
    front = centre + 0.5 * stride
    wound = perf.neutral.bent(forward_deg=-6.0, twist_deg=s * 35.0).moved(
        (0.0, 0.04 * scale, -0.02 * scale)).turned("pelvis", np.array([0, 0, 1.0]), s * 12.0)
    released = perf.neutral.bent(forward_deg=18.0, twist_deg=-s * 20.0).moved(
        (0.0, -0.02 * scale, -0.03 * scale))
    through = perf.neutral.bent(forward_deg=28.0, twist_deg=-s * 30.0).moved(
        (0.0, 0.0, -0.05 * scale))
    perf.key(0.0, perf.neutral)
    perf.key(wind_s, wound)
    perf.key(release_s, released, smooth=True)
    perf.key(follow_s, through)
    perf.key(span, perf.neutral)
    joint = f"{hand}_shoulder"

    def near_shoulder(pose, offset, centre_xy=centre):
        """A point `offset` (body frame, scaled) from the shoulder of `pose`, turned towards
        the target and carried to where the body stands then."""
        point = perf.joint_at(pose, joint) + np.asarray(offset, float) * scale
        return perf.body_point(point, centre_xy, heading)

    # The hand circles the shoulder (never folding the arm onto it): down and out, back and
    # up, over and forward to the release, then down across the body.
    wound_mid = perf.neutral.bent(twist_deg=s * 15.0)
    swing_mid = perf.neutral.bent(forward_deg=5.0, twist_deg=s * 5.0)
    hold = near_shoulder(perf.neutral, [0.0, -0.3, -0.4])
    low = near_shoulder(wound_mid, [s * 0.36, 0.05, -0.18])
    wind = near_shoulder(wound, [s * 0.28, 0.3, 0.14])
    over = near_shoulder(swing_mid, [s * 0.3, 0.02, 0.28], front * 0.5)
    release_point = near_shoulder(released, [s * 0.02, -0.34, 0.2], front)
    follow = near_shoulder(through, [-s * 0.18, -0.26, -0.36], front)
    world_target = np.asarray(ctx.target, float)
    launch = ballistic_velocity(ctx.to_world(release_point), world_target)
    local_launch = rotate_z(launch, -ctx.facing)
    swing_s = release_s - wind_s
    hand_speed = 1.6 * np.linalg.norm(release_point - wind) / swing_s
    heading_up = local_launch / np.linalg.norm(local_launch)
    along = heading_up * hand_speed
    # Just after the release the hand carries on along the throw before it sweeps down.
    carried = release_point + heading_up * 0.08 * scale
    wrist = _path(perf.t, [(0.0, hold, 0.0), (0.5 * wind_s, low, None), (wind_s, wind, 0.0),
                           (wind_s + 0.55 * swing_s, over, None),
                           (release_s, release_point, along),
                           (release_s + 0.25 * (follow_s - release_s), carried, None),
                           (follow_s, follow, 0.0)])
    weight = 1.0 - perf.ramp(follow_s, span)
    shoulder = perf.joint_at(perf.neutral, joint)
    pole = perf.body_point(shoulder + np.array([s * 0.5, 0.1, -0.2]) * scale, centre,
                           heading)
    perf.reach(hand, wrist, weight, pole=pole)
    perf.palm(hand, (0.0, -1.0, 0.2), weight)
    perf.look(target, np.ones(perf.frames), neck_share=0.5)
    result = perf.finish(hand=hand)
    frame = perf.frame(release_s)
    positions = result.clip.positions()
    position = positions[frame, INDEX[f"{hand}_wrist"]]
    velocity = ballistic_velocity(position, world_target)
    lo, hi = max(frame - 1, 0), min(frame + 1, result.clip.frames - 1)
    hand_velocity = (positions[hi, INDEX[f"{hand}_wrist"]] -
                     positions[lo, INDEX[f"{hand}_wrist"]]) * fps / (hi - lo)
    result.release = Release(frame, position, velocity)
    result.contact_frames["release"] = frame
    result.extras["hand_velocity"] = hand_velocity
    return result


def _path(t: np.ndarray, points: list) -> np.ndarray:
    """Positions (T, 3) along cubic pieces through (time, position, velocity) points; a
    velocity of None takes the Catmull-Rom tangent from the neighbours; before the first and
    after the last point the path holds."""
    times = [p[0] for p in points]
    positions = [np.asarray(p[1], float) for p in points]
    velocities = []
    for k, (_, _, velocity) in enumerate(points):
        if velocity is None:
            velocity = (positions[k + 1] - positions[k - 1]) / (times[k + 1] - times[k - 1])
        velocities.append(np.broadcast_to(np.asarray(velocity, float), (3,)))
    out = np.repeat(positions[0][None], len(t), axis=0)
    for k in range(len(points) - 1):
        inside = (t >= times[k]) & (t <= times[k + 1])
        out[inside] = _hermite_piece(t[inside], times[k], times[k + 1], positions[k],
                                     positions[k + 1], velocities[k], velocities[k + 1])
    out[t > times[-1]] = positions[-1]
    return out


def _hermite_piece(t, t0, t1, p0, p1, v0, v1) -> np.ndarray:
    """Positions at times `t` on the cubic from p0 (velocity v0) at t0 to p1 (v1) at t1."""
    span = max(t1 - t0, 1e-6)
    u = ((t - t0) / span)[:, None]
    u2, u3 = u * u, u * u * u
    return ((2 * u3 - 3 * u2 + 1) * p0 + (u3 - 2 * u2 + u) * span * v0
            + (-2 * u3 + 3 * u2) * p1 + (u3 - u2) * span * v1)


def catch(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Catching something that arrives at `target` (world) at `contact_time_s` (param;
    default 60% in): eyes on it, both hands (or `hand`) meet it there at the "grasp"
    frame, then give a little towards the chest to soften it.  The actor steps in when it
    is beyond comfortable reach.  extras: `grips`, each hand's wrist goal (world)."""
    perf = Performance("catch", ctx, duration_s, fps, breathing=0.8, drift=0.3)
    point = ctx.local_target()
    hand = ctx.param("hand", "both")
    if hand not in ("left", "right", "both"):
        raise ValueError(f"params.hand {hand!r} is not 'left', 'right' or 'both'")
    span, scale = perf.duration, perf.scale
    contact_s = float(ctx.param("contact_time_s", 0.6 * span))
    contact_s = float(np.clip(contact_s, 0.15 * span, span - 0.1 * span))
    width = float(ctx.param("width_m", 0.22 * scale))
    params = dict(ctx.params, width_m=width)
    grips = _grips(replace(ctx, params=params), hand, point, _across(point))
    centre, facing = _face_target(perf, point, max(contact_s - 0.2 * span, 0.1 * span),
                                  near_m=0.35, far_m=0.5, off_deg=30.0)
    holds = {side: perf.body_point(hold, centre, facing)
             for side, hold in _hold_points(perf, hand).items()}
    # Each shoulder within reach of its own grip: two hands meet the ball either side of it.
    posture = perf.posture_for(perf.in_body(np.stack([grips[s] for s in grips]), centre,
                                            facing), tuple(f"{s}_shoulder" for s in grips))
    perf.key(0.0, perf.neutral)
    perf.key(contact_s, posture)
    perf.key(min(contact_s + 0.35, span), perf.neutral.bent(forward_deg=5.0))
    perf.key(span, perf.neutral)
    weight = perf.ramp(0.1 * span, contact_s - 0.05)
    give = perf.ramp(contact_s, min(contact_s + 0.3, span))[:, None]
    for side, grip in grips.items():
        perf.reach(side, grip * (1 - give) + holds[side] * give, weight)
        perf.palm(side, (-SIDE_SIGN[side] * 0.7, -0.7, 0.0), weight)
    perf.look(point, perf.ramp(0.0, 0.2 * span), neck_share=0.45)
    frame = perf.frame(contact_s)
    checks = {f"grasp_{side}": (f"{side}_wrist", frame, grip) for side, grip in grips.items()}
    return perf.finish(contact_frames={"grasp": frame}, hand=hand, checks=checks,
                       extras={"grips": {side: ctx.to_world(grip)
                                         for side, grip in grips.items()}})


def drop(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Letting go of a held prop: the hand holding it in front opens at the "release"
    frame and the arm falls back to the side; `release` carries the hand's velocity there."""
    perf = Performance("drop", ctx, duration_s, fps, breathing=1.0, drift=0.4)
    hand = _hands(ctx)
    span = perf.duration
    release_s = 0.3 * span
    perf.key(0.0, perf.neutral)
    perf.key(span, perf.neutral)
    weight = 1.0 - perf.ramp(release_s, 0.85 * span)
    for side, point in _hold_points(perf, hand).items():
        perf.reach(side, point, weight)
        perf.palm(side, (-SIDE_SIGN[side] * 0.6, 0.0, 0.8) if hand != "both" else
                  (-SIDE_SIGN[side], 0.0, 0.0), weight)
    if ctx.target is not None:
        perf.look(ctx.to_local(ctx.target), perf.ramp(release_s, release_s + 0.3))
    result = perf.finish(hand=hand)
    frame = perf.frame(release_s)
    side = hand if hand != "both" else "right"
    positions = result.clip.positions()[:, INDEX[f"{side}_wrist"]]
    lo, hi = max(frame - 1, 0), min(frame + 1, result.clip.frames - 1)
    velocity = (positions[hi] - positions[lo]) * fps / (hi - lo)
    result.release = Release(frame, positions[frame], velocity)
    result.contact_frames["release"] = frame
    return result


# --- pushing and pulling ----------------------------------------------------------------------

def push(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Pushing a thing at `target` (world: the middle of the face the hands press on) away
    by `distance_m` (param, default 0.3): step into a staggered stance, hands flat on it at
    "contact", lean and drive it away, let go at "contact_end".  extras:
    `prop_displacement` (world vector the hands moved it)."""
    return _push_pull("push", ctx, duration_s, fps, +1.0)


def pull(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Pulling a thing held at `target` (world) towards the body by `distance_m` (default
    0.3): grip at "contact", lean back and draw it in, let go at "contact_end"."""
    return _push_pull("pull", ctx, duration_s, fps, -1.0)


def _push_pull(name: str, ctx: ActionContext, duration_s: float, fps: float,
               sign: float) -> ActionResult:
    perf = Performance(name, ctx, duration_s, fps, breathing=1.0, drift=0.3)
    point = ctx.local_target()
    span, scale = perf.duration, perf.scale
    distance = float(ctx.param("distance_m", 0.3))
    away = np.array([point[0], point[1], 0.0])
    away = away / max(np.linalg.norm(away), 1e-6) if np.linalg.norm(away) > 1e-3 else \
        np.array([0.0, -1.0, 0.0])
    heading = float(np.arctan2(away[0], -away[1]))
    # Stand so the hands meet the thing with the elbows bent, the feet staggered (the left
    # forward to push, back to pull): step the feet so the body ends centred there.
    reach = 0.45 * scale
    centre = point[:2] - away[:2] * reach
    lead = "left"
    stagger = away[:2] * 0.24 * scale * sign
    perf.key(0.0, perf.neutral)
    steps, feet_centre = perf.step_to(0.02 * span, 0.25 * span, centre - stagger / 2, heading)
    centre = feet_centre + stagger / 2
    stance_xy, stance_yaw = perf.stance_at(feet_centre, heading)
    j = SIDES.index(lead)
    begin = 0.27 * span if steps else 0.05 * span
    perf.step(lead, begin, begin + 0.15 * span, stance_xy[j] + stagger, float(stance_yaw[j]))
    contact_s, end_s = 0.38 * span, 0.82 * span
    travel = perf.ramp(contact_s + 0.05 * span, end_s - 0.05 * span)[:, None]
    moved = sign * distance * away
    # Lean as far as the hands need: to the thing at contact, on with it while pushing (or
    # back, pulling, the weight sitting into the heels).
    hands_at = perf.in_body(point, centre, heading)
    hands_end = perf.in_body(point + moved, centre, heading)
    home = perf.posture_for(hands_at, "spine3", reach_m=0.46 * scale, twist=False)
    if sign > 0:
        drive = perf.posture_for(hands_end, "spine3", reach_m=0.5 * scale, twist=False)
        drive = drive.moved((0.0, -0.04 * scale, 0.0))
    else:
        drive = home.hinged(-10.0).moved((0.0, 0.06 * scale, -0.04 * scale))
    perf.key(0.2 * span, perf.neutral)
    perf.key(contact_s, home)
    perf.key(end_s, drive)
    perf.key(span, perf.neutral)
    across = np.array([np.cos(heading), np.sin(heading), 0.0])
    grips = {side: point + SIDE_SIGN[side] * across * 0.17 * scale for side in SIDES}
    weight = perf.pulse(0.1 * span, contact_s - 0.02, end_s + 0.02, span)
    for side, grip in grips.items():
        perf.reach(side, grip + travel * moved, weight)
        perf.palm(side, away * sign + np.array([0.0, 0.0, 0.0]), weight)
    perf.look(point + np.array([0.0, 0.0, 0.1 * scale]), perf.pulse(0.0, 0.2 * span,
                                                                    end_s, span))
    frame = perf.frame(contact_s)
    checks = {f"contact_{side}": (f"{side}_wrist", frame, grip) for side, grip in grips.items()}
    return perf.finish(contact_frames={"contact": frame, "contact_end": perf.frame(end_s)},
                       hand="both", checks=checks,
                       extras={"prop_displacement": rotate_z(moved, ctx.facing)})
