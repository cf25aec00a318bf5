"""Actions on props: picking up, putting down, carrying, throwing, catching, dropping,
pushing and pulling.  The hand goes to the prop's grasp point (IK, exact at the contact
frame), the body bends and crouches as far as the reach needs, and the result says when the
prop is taken, let go or handed to physics."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from . import quat
from .actions_base import (GRAVITY_MPS2, ActionContext, ActionResult, Performance, Release,
                           hermite)
from .clip import Clip
from .poses import SIDE_SIGN, SIDES, Pose, arm_length, body_scale, foot_rotation, rotate_z
from .skeleton import INDEX, forward_kinematics

#: Where a hand holds a small prop in front of the body (left hand; x mirrors), metres for
#: a 1.75 m body: forearm forward, elbow bent about a right angle.
HOLD_ONE_HAND = np.array([0.2, -0.27, 0.97])
#: Where two hands hold a box in front of the body (centre), metres for 1.75 m.
HOLD_TWO_HANDS = np.array([0.0, -0.32, 1.0])
#: From the wrist along the hand to the middle of the palm, metres for 1.75 m: where the
#: middle of a prop held in one hand is (the animate stage keys it there).
PALM_M = 0.1


def palm_points(clip: Clip, side: str) -> np.ndarray:
    """Where the middle of the `side` palm is (T, 3) on every frame of `clip`."""
    positions, world = forward_kinematics(clip.root, clip.rotations, clip.offsets)
    j = INDEX[f"{side}_wrist"]
    along = np.array([SIDE_SIGN[side] * PALM_M * body_scale(clip.offsets), 0.0, 0.0])
    return positions[:, j] + quat.rotate(world[:, j], np.broadcast_to(along, (len(world), 3)))


def _palm_on_goal(build, ctx: ActionContext, frame_s: float, sides) -> ActionResult:
    """`build(shift)` (side → wrist goal shift, actor space) with the shift that puts the
    middle of each palm, not the wrist, on its goal at `frame_s`: a build to see where the
    hand turns, then the wrist moved back by the palm's offset, twice (the hand's turn
    changes a little with the wrist's goal)."""
    result = build({side: np.zeros(3) for side in sides})
    for _ in range(2):
        frame = int(np.clip(round(frame_s * result.clip.fps), 0, result.clip.frames - 1))
        positions = result.clip.positions()
        result = build({side: -rotate_z(palm_points(result.clip, side)[frame]
                                        - positions[frame, INDEX[f"{side}_wrist"]],
                                        -ctx.facing)
                        for side in sides})
    return result


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
    hand's wrist goal (world).  With one hand it is the middle of the palm that goes to the
    target (a held prop's middle is there), so a prop put down ends on the surface."""
    hand = _hands(ctx, ctx.local_target())
    contact_s = (0.5 if picking else 0.55) * duration_s
    build = lambda shift: _reach_and_hold_once(name, ctx, duration_s, fps, picking,  # noqa: E731
                                                shift)
    if hand == "both":
        return build({})
    return _palm_on_goal(build, ctx, contact_s, (hand,))


def _reach_and_hold_once(name: str, ctx: ActionContext, duration_s: float, fps: float,
                         picking: bool, shift: dict) -> ActionResult:
    perf = Performance(name, ctx, duration_s, fps, breathing=1.0, drift=0.4)
    point = ctx.local_target()
    hand = _hands(ctx, point)
    span, scale = perf.duration, perf.scale
    grips = _grips(ctx, hand, point, _across(point))
    grips = {side: grip + shift.get(side, 0.0) for side, grip in grips.items()}
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


def _stated_height(ctx: ActionContext) -> float | None:
    """params `height_m` when it is a usable height, else None."""
    height = ctx.param("height_m")
    if isinstance(height, bool) or not isinstance(height, (int, float)) or not 0 < height < 5:
        return None
    return float(height)


def _held_at_height(perf: Performance, hand: str
                    ) -> tuple[Pose, dict[str, np.ndarray]] | None:
    """The posture and wrist point(s) (actor space) for holding a prop at params `height_m`
    ("high in the air", "just above the floor"), None when the story gives no height.  Above
    the shoulder the arm is raised in front, as high as it reaches when the height is beyond
    it; below what the arm reaches standing the body bends and crouches (pick_up's search)."""
    height = _stated_height(perf.ctx)
    if height is None:
        return None
    scale, points = perf.scale, {}
    for side in SIDES if hand == "both" else (hand,):
        shoulder = perf.joint_at(perf.neutral, f"{side}_shoulder")
        reach = 0.92 * arm_length(perf.offsets, side)
        across = SIDE_SIGN[side] * (0.12 if hand == "both" else 0.2) * scale
        forward, rise = 0.42 * scale, float(height) - shoulder[2]
        if rise >= 0.99 * reach:                  # beyond the reach: straight up, a little ahead
            forward = 0.15 * reach
            rise = float(np.sqrt(reach ** 2 - forward ** 2 - (across - shoulder[0]) ** 2))
        elif rise > 0 and np.hypot(forward, rise) > reach:
            forward = float(np.sqrt(reach ** 2 - rise ** 2))
        points[side] = np.array([across, -forward, shoulder[2] + rise])
    shoulders = tuple(f"{side}_shoulder" for side in points)
    within = all(np.linalg.norm(point - perf.joint_at(perf.neutral, joint)) <= 0.93 * arm_length(
        perf.offsets, side) for (side, point), joint in zip(points.items(), shoulders))
    posture = perf.neutral if within else perf.posture_for(
        np.stack(list(points.values())), shoulders, twist=False)
    return posture, points


def carry(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Holding a prop in front of the body (one hand, or both for a box: `hand`="both",
    `width_m`), standing; the hold shifts a little with the breath and settles before the
    end, so a drop that follows starts from a still hand.  With `height_m` the prop is
    lifted to that height over the first moments and held there, the middle of the palm (of
    one hand) at it: the arm raised ("high in the air") or the body crouched ("just above
    the floor").  To carry while walking, lay this clip's arms over the walk with
    `overlay_arms`."""
    hand = _hands(ctx)

    def build(shift: dict[str, np.ndarray]) -> ActionResult:
        perf = Performance("carry", ctx, duration_s, fps, breathing=1.2, drift=0.5)
        heavy = float(ctx.param("mass_kg", 1.0)) > 8.0
        perf.key(0.0, perf.neutral.bent(forward_deg=-5.0 if heavy else 0.0))
        span = perf.duration
        bob = np.sin(2 * np.pi * perf.rng.uniform(0.2, 0.3) * perf.t) * 0.01 * perf.scale
        bob *= 1.0 - perf.ramp(max(span - 0.5, 0.5 * span), 0.95 * span)
        holds = _hold_points(perf, hand)
        raised = _held_at_height(perf, hand)
        if raised is not None:
            posture, points = raised
            lifted_s = min(0.9, 0.45 * span)
            perf.key(lifted_s, posture)
            perf.key(span, posture)
            lift = perf.ramp(0.05 * span, lifted_s)[:, None]
            holds = {side: holds[side] * (1 - lift) + (points[side] + shift[side]) * lift
                     for side in holds}
        for side, point in holds.items():
            target = point + np.stack([np.zeros(perf.frames), np.zeros(perf.frames), bob], 1)
            perf.reach(side, target, np.ones(perf.frames))
            perf.palm(side, (-SIDE_SIGN[side], 0.0, 0.0) if hand == "both" else
                      (-SIDE_SIGN[side] * 0.6, 0.0, 0.8), np.ones(perf.frames))
        return perf.finish(hand=hand)

    if hand == "both" or _stated_height(ctx) is None:
        return build({side: np.zeros(3) for side in SIDES})
    return _palm_on_goal(build, ctx, duration_s, (hand,))


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
    # The hands give towards the chest together, as far apart as they met it: it stays
    # between them.
    held = np.mean([holds[s] for s in grips], axis=0) - np.mean(list(grips.values()), axis=0)
    holds = {side: grip + held for side, grip in grips.items()}
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
    frame and the arm falls back to the side; `release` carries the hand's velocity there.
    With `height_m` the hand holds the prop where carry holds it at that height (raised, or
    crouched) and stays still until a moment after the release, so the prop falls from there
    with the hand nearly at rest.  The release is where the middle of the palm is (one
    hand) or the wrist of the right hand (both)."""
    hand = _hands(ctx)
    side = hand if hand != "both" else "right"
    at_height = hand != "both" and _stated_height(ctx) is not None
    span = (max(int(round(duration_s * fps)) + 1, 2) - 1) / fps
    release_s = 0.3 * span

    def build(shift: dict[str, np.ndarray]) -> ActionResult:
        perf = Performance("drop", ctx, duration_s, fps, breathing=1.0, drift=0.4)
        holds = _hold_points(perf, hand)
        raised = _held_at_height(perf, hand)
        if raised is None:
            perf.key(0.0, perf.neutral)
            weight = 1.0 - perf.ramp(release_s, 0.85 * span)
        else:
            posture, holds = raised
            still_s = min(release_s + 0.1, 0.6 * span)
            perf.key(0.0, posture)
            perf.key(still_s, posture)
            weight = 1.0 - perf.ramp(still_s, span)
        perf.key(span, perf.neutral)
        for s, point in holds.items():
            perf.reach(s, point + shift.get(s, 0.0), weight)
            perf.palm(s, (-SIDE_SIGN[s] * 0.6, 0.0, 0.8) if hand != "both" else
                      (-SIDE_SIGN[s], 0.0, 0.0), weight)
        if ctx.target is not None:
            perf.look(ctx.to_local(ctx.target), perf.ramp(release_s, release_s + 0.3))
        return perf.finish(hand=hand)

    result = _palm_on_goal(build, ctx, release_s, (hand,)) if at_height else build({})
    frame = int(np.clip(round(release_s * fps), 0, result.clip.frames - 1))
    points = (result.clip.positions()[:, INDEX["right_wrist"]] if hand == "both"
              else palm_points(result.clip, side))
    lo, hi = max(frame - 1, 0), min(frame + 1, result.clip.frames - 1)
    velocity = (points[hi] - points[lo]) * fps / (hi - lo)
    result.release = Release(frame, points[frame], velocity)
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


# --- kicking ----------------------------------------------------------------------------------

#: Foot speed at contact of a firm kick by a 1.75 m adult (instep kicks measure about 8-15
#: m/s at the foot), scaled with the body; params `speed` "slow" or "fast" change it.
KICK_FOOT_MPS = 11.0
KICK_SPEEDS = {"slow": 0.6, "fast": 1.25}
#: From the ball of the foot to the front of the foot's skin (its collision capsule), for
#: 1.75 m: the ball of the foot stops this far behind what it strikes.
FOOT_PAD_M = 0.035
#: The kicking leg's swing, as angles of hip-to-foot from straight down (radians, forward
#: positive) at the top of the backswing and of the follow-through.
BACKSWING_RAD, FOLLOW_RAD = -1.15, 1.0


def kick(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Kicking a thing on the ground whose middle is `target` (world: a ball's centre)
    towards `aim` (world; default straight on from the actor): the support foot steps in
    beside and a little behind it, the kicking foot (`foot` param, default "right") swings
    back and through like a pendulum from the hip, the ball of the foot meeting the back of
    the thing at the "kick" frame moving along the aim at a kick's speed (`speed` "slow" /
    "fast", or `foot_mps` for a pass the stage has measured), follows through and comes
    down, and the feet step back to where they began, turned to the aim.  extras `kick`:
    the foot, its world position and velocity at contact, the thing's point and where the
    foot was meant to be (`strike_point`)."""
    foot = ctx.param("foot", "right")
    if foot not in SIDES:
        raise ValueError(f"params.foot {foot!r} is not 'left' or 'right'")
    support = "left" if foot == "right" else "right"
    perf = Performance("kick", ctx, duration_s, fps, breathing=0.6, drift=0.3)
    scale, span, k = perf.scale, perf.duration, SIDES.index(foot)
    ball = ctx.local_target()
    radius = float(np.clip(ball[2], 0.03, 0.3 * scale))
    away = (ctx.to_local(ctx.aim) - ball)[:2] if ctx.aim is not None else ball[:2].copy()
    if np.linalg.norm(away) < 1e-3:
        away = np.array([0.0, -1.0])
    along = np.array([*(away / np.linalg.norm(away)), 0.0])
    heading = float(np.arctan2(along[0], -along[1]))
    left = rotate_z(np.array([1.0, 0.0, 0.0]), heading)
    speed = float(ctx.param("foot_mps", 0.0)) or \
        KICK_FOOT_MPS * scale * KICK_SPEEDS.get(ctx.param("speed"), 1.0)
    # The swing itself takes the time a real one does; the steps around it share the beat.
    share = min(1.0, span)
    contact_s = perf.frame(0.5 * share) / fps
    plant_s, lift_s = 0.3 * share, 0.2 * share
    land_s = 0.8 * share
    strike = ball - along * (radius + FOOT_PAD_M * scale)
    strike[2] = radius
    plant_xy = (ball - along * 0.1 * scale + left * SIDE_SIGN[support] *
                (radius + 0.13 * scale))[:2]
    end_xy, end_yaw = perf.stance_at(np.zeros(2), heading)
    s = SIDES.index(support)
    perf.step(support, 0.03 * share, plant_s, plant_xy, heading + float(perf.stance_yaw[s]))
    perf.step(foot, lift_s, land_s, end_xy[k], float(end_yaw[k]))
    perf.step(support, land_s + 0.03 * share, span - 0.02 * share, end_xy[s],
              float(end_yaw[s]))
    perf.key(0.0, perf.neutral)
    perf.key(plant_s, perf.neutral.bent(forward_deg=4.0).moved((0.0, 0.0, -0.03 * scale)))
    perf.key(contact_s, perf.neutral.bent(forward_deg=-8.0).moved((0.0, 0.0, -0.05 * scale)),
             smooth=True)
    perf.key(land_s, perf.neutral.bent(forward_deg=3.0))
    perf.key(span, perf.neutral)
    # The swing is laid around where the hip really is at contact (the steps carry it there).
    root, _, _ = perf.build()
    contact = perf.frame(contact_s)
    hips = perf.local_positions()[:, INDEX[f"{foot}_hip"]]
    hip = hips[contact]
    hip_u, hip_z = float((hip - ball) @ along), float(hip[2])
    strike_u = float((strike - ball) @ along)
    reach = float(np.hypot(strike_u - hip_u, hip_z - strike[2]))
    angle = float(np.arctan2(strike_u - hip_u, hip_z - strike[2]))
    spin, frame_s = speed / reach, 1.0 / fps
    # Full speed from a frame before contact to a frame after, so the foot crosses the
    # thing at it whichever moment between frames the physics meets it; level over the
    # frame after contact (the foot drives through the thing rather than scooping it up).
    through_u = strike_u + speed * frame_s - hip_u
    through = (float(np.arctan2(through_u, hip_z - strike[2])),
               float(np.hypot(through_u, hip_z - strike[2])))
    back_s = contact_s - frame_s - float(np.clip(1.6 * (angle - BACKSWING_RAD) / spin, 0.06,
                                                 contact_s - frame_s - lift_s - 0.1))
    follow_s = contact_s + frame_s + float(np.clip(2.0 * (FOLLOW_RAD - through[0]) / spin,
                                                   0.1, land_s - contact_s - frame_s - 0.08))
    arc_t = perf.t[(perf.t >= back_s) & (perf.t <= follow_s)]
    polar = _path(arc_t, [(back_s, [BACKSWING_RAD, 0.8 * reach, 0.0], 0.0),
                          (contact_s - frame_s, [angle - spin * frame_s, reach, 0.0],
                           [spin, 0.0, 0.0]),
                          (contact_s, [angle, reach, 0.0], [spin, 0.0, 0.0]),
                          (contact_s + frame_s, [*through, 0.0], [spin, 0.0, 0.0]),
                          (follow_s, [FOLLOW_RAD, 0.92 * reach, 0.0], 0.0)])
    arc = ball + along * (hip_u + polar[:, 1:2] * np.sin(polar[:, :1]))
    arc[:, 2] = hip_z - polar[:, 1] * np.cos(polar[:, 0])
    foot_offset = perf.offsets[INDEX[f"{foot}_foot"]]

    def ball_of_foot(ankle_xy, foot_yaw):
        ankle = np.array([*ankle_xy, perf.ankle_z])
        return ankle + quat.rotate(foot_rotation(foot_yaw), foot_offset)

    start = ball_of_foot(perf.stance_xy[k], float(perf.stance_yaw[k]))
    end = ball_of_foot(end_xy[k], float(end_yaw[k]))
    path = np.where((perf.t < back_s)[:, None],
                    _path(perf.t, [(lift_s, start, 0.0), (back_s, arc[0], 0.0)]),
                    _path(perf.t, [(follow_s, arc[-1], 0.0), (land_s, end, 0.0)]))
    path[(perf.t >= back_s) & (perf.t <= follow_s)] = arc
    times = np.array([lift_s, back_s, contact_s, follow_s, land_s])
    pitch = hermite(times, np.array([0.0, 70.0, 45.0, 25.0, 0.0]),
                    np.array([False, False, False, False, False]), perf.t)
    turn = hermite(times[[0, 1, 3, 4]], np.array([float(perf.stance_yaw[k]), heading,
                                                  heading, float(end_yaw[k])]),
                   np.zeros(4, dtype=bool), perf.t)
    ankle = path - quat.rotate(foot_rotation(turn, pitch),
                               np.broadcast_to(foot_offset, (perf.frames, 3)))
    # The knee points ahead of the hip-to-ankle line, square to it: down and forward on the
    # backswing, forward at contact, up and forward on the follow-through.
    leg = ankle - hips
    knee = along * -leg[:, 2:3] + np.array([0.0, 0.0, 1.0]) * (leg @ along)[:, None]
    perf.swing(foot, ankle, turn, pitch, ((perf.t > lift_s) & (perf.t < land_s)).astype(float),
               knee=knee / np.linalg.norm(knee, axis=1, keepdims=True))
    # Arms out for balance: the support side's forward and out, the kicking side's back.
    arms = perf.pulse(lift_s, contact_s - 0.05, follow_s + 0.05, land_s + 0.1 * share)
    for side, offset in ((support, (0.5, -0.15, 0.1)), (foot, (0.3, 0.3, 0.0))):
        local = np.array(offset) * [SIDE_SIGN[side], 1.0, 1.0] * scale
        perf.reach(side, root + rotate_z(local, heading), arms)
    perf.look(ball, perf.pulse(0.0, plant_s, follow_s, span), neck_share=0.5)
    result = perf.finish(contact_frames={"kick": contact},
                         checks={"kick": (f"{foot}_foot", contact, strike)})
    points = result.clip.positions()[:, INDEX[f"{foot}_foot"]]
    lo, hi = max(contact - 1, 0), min(contact + 1, result.clip.frames - 1)
    result.extras["kick"] = {"foot": foot, "position": points[contact],
                             "velocity": (points[hi] - points[lo]) * fps / (hi - lo),
                             "ball_point": np.asarray(ctx.target, float),
                             "strike_point": ctx.to_world(strike)}
    return result
