"""Whole-body actions: standing, idling, turning on the spot, sitting, lying down, falling and
celebrating.  Each builds a `Performance` from key poses and foot plants (actions_base.py)."""
from __future__ import annotations

import numpy as np

from .actions_base import ActionContext, ActionResult, Performance, hermite
from .poses import SIDE_SIGN, SIDES, X, Y, Z, Pose, rotate_z

#: The pelvis sits this far above a seat's top (sitting bones below the hip joints), metres
#: for a 1.75 m body.
PELVIS_ABOVE_SEAT_M = 0.1
#: Seated, the pelvis is this far behind the feet's stance origin (thighs about level).
SEATED_BEHIND_FEET_M = 0.42
#: Lying on the back, the pelvis joint is this high above the surface.
PELVIS_LYING_M = 0.12


def _heading(direction_xy) -> float:
    """The facing angle (0 = -Y, positive to the left) of a horizontal direction."""
    return float(np.arctan2(direction_xy[0], -direction_xy[1]))


def _wrap(angle: float) -> float:
    return float((angle + np.pi) % (2 * np.pi) - np.pi)


# --- standing ---------------------------------------------------------------------------------

def stand(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Neutral standing: relaxed, breathing, the head and the weight drifting a little."""
    perf = Performance("stand", ctx, duration_s, fps, breathing=1.0, drift=0.9)
    perf.key(0.0, perf.neutral)
    return perf.finish()


def idle(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Waiting: breathing, the weight shifting from one leg to the other every few seconds
    (the hip of the free leg drops and its knee softens), the head looking about a little."""
    perf = Performance("idle", ctx, duration_s, fps, breathing=1.2, drift=1.3)
    side = perf.rng.choice([-1.0, 1.0])
    time = perf.rng.uniform(0.1, 0.4) * min(perf.duration, 2.0)
    perf.key(0.0, perf.neutral)
    while time < perf.duration:
        shift = perf.rng.uniform(0.8, 1.2) * perf.jitter(0.1)
        pose = _weight_on(perf, side, perf.rng.uniform(0.7, 1.0))
        perf.key(min(time + shift, perf.duration), pose)
        time += shift + perf.rng.uniform(1.5, 3.5)
        side = -side
    arm_sway = perf.rng.uniform(1.0, 2.5)
    for side_name in SIDES:
        perf.layer(f"{side_name}_shoulder", X, arm_sway * _slow(perf))
    return perf.finish()


def _weight_on(perf: Performance, side: float, amount: float) -> Pose:
    """Standing with the weight over the left (+1) or right (-1) foot: the pelvis slides over
    it and tilts down on the free side, the spine leans back to stay upright."""
    lateral = side * 0.035 * amount * perf.scale
    roll = side * 4.0 * amount                     # free hip drops
    pose = perf.neutral.moved((lateral, 0.0, -0.004 * perf.scale)).turned("pelvis", Y, -roll)
    pose = pose.turned("pelvis", Z, side * 3.0 * amount)
    return pose.bent(side_deg=roll * 0.9, twist_deg=-side * 3.0 * amount)


def _slow(perf: Performance) -> np.ndarray:
    """A slow wobble that starts at zero (for small idle motions)."""
    t = perf.t
    wave = np.sin(2 * np.pi * perf.rng.uniform(0.1, 0.25) * t + perf.rng.uniform(0, 6.3))
    return wave - wave[0]


# --- turning on the spot ----------------------------------------------------------------------

def turn_angle(ctx: ActionContext) -> float:
    """How far to turn, radians, positive to the left: params `angle` (radians) or
    `angle_deg`, `direction` ("left" 90 degrees, "right", "around" 180), else towards
    `target`, else around."""
    if "angle" in ctx.params:
        return float(ctx.params["angle"])
    if "angle_deg" in ctx.params:
        return float(np.radians(ctx.params["angle_deg"]))
    direction = ctx.param("direction")
    if direction in ("left", "right", "around", "back"):
        return {"left": np.pi / 2, "right": -np.pi / 2}.get(direction, np.pi)
    if ctx.target is not None:
        local = ctx.to_local(ctx.target)
        if np.linalg.norm(local[:2]) > 1e-3:
            return _heading(local[:2])
    return float(np.pi)


def turn(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Turning on the spot by stepping: the head leads towards the new heading, the chest
    follows, the feet lift and re-plant one after the other (the foot on the side of the
    turn first) and the weight shifts over the standing foot.  extras: `final_facing`."""
    perf = Performance("turn", ctx, duration_s, fps, breathing=0.8, drift=0.5)
    angle = turn_angle(ctx)
    perf.key(0.0, perf.neutral)
    start, end = 0.08 * perf.duration, 0.9 * perf.duration
    perf.step_to(start, end, (0.0, 0.0), angle)
    heading = angle * perf.ramp(0.0, 0.7 * perf.duration)
    eyes = 1.6 * perf.scale
    look = np.stack([3 * np.sin(heading), -3 * np.cos(heading), np.full(perf.frames, eyes)], 1)
    perf.look(look, np.ones(perf.frames), neck_share=0.4, chest_share=0.25)
    return perf.finish(extras={"final_facing": _wrap(ctx.facing + angle)})


# --- sitting ----------------------------------------------------------------------------------

def _seat(ctx: ActionContext, perf: Performance) -> tuple[np.ndarray, float]:
    """The seat's top centre (actor space) and the heading a seated person faces: the
    param `seat_facing` (world radians) if given, else away from the seat towards where the
    actor stands, else the actor's facing.  Without a target: a 0.45 m chair behind."""
    seat = ctx.local_target(default=(0.0, SEATED_BEHIND_FEET_M * perf.scale,
                                     0.45 * perf.scale))
    if "seat_facing" in ctx.params:
        return seat, _wrap(float(ctx.params["seat_facing"]) - ctx.facing)
    away = -seat[:2]
    if np.linalg.norm(away) > 0.15 * perf.scale:
        return seat, _heading(away)
    return seat, 0.0


def _settle_at_seat(perf: Performance, seat: np.ndarray, facing: float,
                    end_s: float) -> tuple[np.ndarray, float, np.ndarray, bool]:
    """Step (before `end_s`) into place in front of the seat, facing away from it, unless
    the actor already stands close enough to sit straight down.  Returns the stance's centre
    and heading (actor space), the seat in that stance's frame, and whether it stepped."""
    behind = SEATED_BEHIND_FEET_M * perf.scale
    centre = seat[:2] - rotate_z(np.array([0.0, behind]), facing)
    near = np.linalg.norm(centre) < 0.15 * perf.scale and abs(facing) < np.radians(20)
    if near:
        centre, facing = np.zeros(2), 0.0
    else:
        _, centre = perf.step_to(0.05 * perf.duration, end_s, centre, facing)
    seat_body = perf.in_body(seat, centre, facing)
    if np.linalg.norm(seat_body[:2] - (0.0, behind)) > 0.3 * perf.scale:
        # Too far to get to (see step_to's warning): sit where a seat would be.
        seat_body[:2] = (0.0, behind)
    return centre, facing, seat_body, not near


def _seated_pose(perf: Performance, seat: np.ndarray) -> Pose:
    """Sitting upright on a seat whose top centre is `seat` (body frame): the pelvis above
    it, rolled back a little, the chest upright over it."""
    scale = perf.scale
    z = min(seat[2] + PELVIS_ABOVE_SEAT_M * scale, perf.neutral.root[2] - 0.03 * scale)
    root = np.array([seat[0], seat[1], z])
    pose = perf.neutral.moved(root - perf.neutral.root)
    return pose.turned("pelvis", X, -8.0).bent(forward_deg=12.0).head_turned(pitch_deg=-4.0)


def _sit_keys(perf: Performance, start: float, end: float, seat: np.ndarray,
              reverse: bool = False) -> tuple[float, Pose]:
    """Key poses from standing to seated between `start` and `end` (or back up when
    `reverse`): the hips go back and down while the chest leans forward over the feet and the
    arms come forward for balance.  Returns the moment the seat takes (or gives back) the
    weight, and the seated pose."""
    span = end - start
    seated = _seated_pose(perf, seat)
    way = seated.root - perf.neutral.root
    lowering = perf.neutral.moved(way * [0.55, 0.55, 0.5]).hinged(30.0).bent(forward_deg=10.0)
    lowering = lowering.head_turned(pitch_deg=-25.0)
    for side in SIDES:
        lowering = lowering.with_arm(side, 45.0, forward_deg=80.0, elbow_deg=30.0)
    touching = seated.moved((0.0, -0.02 * perf.scale, 0.01 * perf.scale)).hinged(15.0)
    touching = touching.head_turned(pitch_deg=-10.0)
    plan = [(0.0, perf.neutral, False), (0.45, lowering, True), (0.78, touching, True),
            (1.0, seated, False)]
    if reverse:
        # Standing up leans further forward, over the feet, before the seat is left.
        plan = [(0.0, seated, False), (0.3, touching.hinged(15.0), True),
                (0.58, lowering, True), (1.0, perf.neutral, False)]
    for t, pose, smooth in plan:
        perf.key(start + t * span, pose, smooth)
    return start + (0.3 if reverse else 0.78) * span, seated


def _hands_on_thighs(perf: Performance, seated: Pose, weight: np.ndarray,
                     centre_xy=(0.0, 0.0), body_yaw: float = 0.0) -> None:
    """Rest the wrists on top of the thighs, a little behind the knees."""
    scale = perf.scale
    for side in SIDES:
        s = SIDE_SIGN[side]
        point = np.array([s * 0.14 * scale, seated.root[1] - 0.3 * scale,
                          seated.root[2] + 0.02 * scale])
        perf.reach(side, perf.body_point(point, centre_xy, body_yaw), weight,
                   pole=perf.body_point(point + np.array([s * 0.4, 0.25, 0.2]) * scale,
                                        centre_xy, body_yaw))


def sit(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Sitting down on a seat whose top centre is `target` (world; its z is the seat height).
    If the actor does not yet stand in front of it facing away, it first steps and turns
    into place.  Ends seated with the pelvis ~0.1 m above the seat and the hands on the
    thighs.  contact_frames: "seated"; extras: `final_facing` and `stance_position` (world,
    where the feet stand: the context `stand_up` wants)."""
    perf = Performance("sit", ctx, duration_s, fps, breathing=1.0, drift=0.5)
    seat, facing = _seat(ctx, perf)
    perf.key(0.0, perf.neutral)
    centre, facing, seat_body, stepped = _settle_at_seat(perf, seat, facing,
                                                          0.42 * perf.duration)
    start = 0.45 * perf.duration if stepped else 0.0
    seated_s, seated = _sit_keys(perf, start, perf.duration, seat_body)
    _hands_on_thighs(perf, seated, perf.ramp(seated_s - 0.1 * perf.duration, perf.duration),
                     centre, facing)
    on_seat = perf.body_point(seated.root, centre, facing)
    return perf.finish(contact_frames={"seated": perf.frame(seated_s)},
                       checks={"seat": ("pelvis", perf.frames - 1,
                                        on_seat + (seat - on_seat) * [1, 1, 0])},
                       extras={"final_facing": _wrap(ctx.facing + facing),
                               "stance_position": tuple(ctx.to_world(
                                   np.array([*centre, 0.0]))[:2])})


def stand_up(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Standing up from a seat: the actor sits with its feet at `position` facing `facing`
    (what `sit` reports as `stance_position` and `final_facing`) on a seat whose top centre
    is `target` (world; default a 0.45 m chair just behind).  Lean forward over the feet,
    push up, straighten.  contact_frames: "leave_seat"."""
    perf = Performance("stand_up", ctx, duration_s, fps, breathing=1.0, drift=0.5)
    seat = ctx.local_target(default=(0.0, SEATED_BEHIND_FEET_M * perf.scale,
                                     0.45 * perf.scale))
    leave_s, seated = _sit_keys(perf, 0.0, perf.duration, seat, reverse=True)
    _hands_on_thighs(perf, seated, 1.0 - perf.ramp(0.0, leave_s))
    return perf.finish(contact_frames={"leave_seat": perf.frame(leave_s)})


# --- lying down -------------------------------------------------------------------------------

def _lying_pose(perf: Performance, surface_z: float, behind: float) -> Pose:
    """On the back, head towards +Y: the pelvis rolled back a quarter turn, arms along the
    body, the head resting."""
    z = surface_z + PELVIS_LYING_M * perf.scale
    pose = Pose(np.array([0.0, behind, z]), perf.neutral.rotations.copy())
    for joint in ("left_hip", "right_hip", "left_knee", "right_knee"):
        pose = pose.with_rotation(joint, X, 0.0)
    pose = pose.turned("pelvis", X, -88.0).bent(forward_deg=6.0).head_turned(pitch_deg=8.0)
    for side in SIDES:
        pose = pose.with_arm(side, 14.0, forward_deg=0.0, elbow_deg=10.0)
    return pose


def _lie_down_keys(perf: Performance, start: float, end: float,
                   reverse: bool = False) -> dict[str, float]:
    """Standing to lying on the floor by way of a crouch and sitting on the floor, the hands
    going down to the floor behind; returns the moments "seated" and "lying"."""
    scale, span = perf.scale, end - start
    standing = perf.neutral
    crouch = standing.moved((0.0, 0.12 * scale, -0.42 * scale)).bent(forward_deg=35.0)
    crouch = crouch.head_turned(pitch_deg=-15.0)
    for side in SIDES:
        crouch = crouch.with_arm(side, 40.0, forward_deg=70.0, elbow_deg=35.0)
    floor_sit = Pose(np.array([0.0, 0.28 * scale, 0.19 * scale]), standing.rotations.copy())
    floor_sit = floor_sit.turned("pelvis", X, -12.0).bent(forward_deg=4.0)
    lean = Pose(np.array([0.0, 0.3 * scale, 0.17 * scale]), standing.rotations.copy())
    lean = lean.turned("pelvis", X, -45.0).bent(forward_deg=15.0).head_turned(pitch_deg=15.0)
    lying = _lying_pose(perf, 0.0, 0.32 * scale)
    plan = [(0.0, standing, False), (0.28, crouch, True), (0.5, floor_sit, True),
            (0.74, lean, True), (1.0, lying, False)]
    if reverse:
        plan = [(1.0 - t, pose, smooth) for t, pose, smooth in reversed(plan)]
    for t, pose, smooth in plan:
        perf.key(start + t * span, pose, smooth)
    # The feet slide forward on the floor as the legs straighten, heels down, and back
    # under the body (lifting a little) when getting up.
    sitting_feet = perf.stance_xy + np.array([0.0, -0.5 * scale])
    lying_feet = perf.stance_xy + np.array([0.0, -0.57 * scale])
    for i, side in enumerate(SIDES):
        foot_yaw = float(perf.stance_yaw[i])
        if not reverse:
            perf.step(side, start + 0.32 * span, start + 0.55 * span, sitting_feet[i],
                      foot_yaw, lift_m=0.0, body_follows=False)
            perf.step(side, start + 0.74 * span, end, lying_feet[i], foot_yaw, lift_m=0.0,
                      body_follows=False)
        else:
            if i == 0:
                perf.place_feet(lying_feet, perf.stance_yaw)
            perf.step(side, start + 0.26 * span, start + 0.45 * span, sitting_feet[i],
                      foot_yaw, lift_m=0.0, body_follows=False)
            perf.step(side, start + 0.55 * span, start + 0.68 * span, perf.stance_xy[i],
                      foot_yaw, lift_m=0.03 * scale, body_follows=False)
    lie = perf.ramp(start + 0.55 * span, start + span) if not reverse else \
        1.0 - perf.ramp(start, start + 0.45 * span)
    perf.foot_pitch[:] = (-65.0 * lie)[:, None]
    if reverse:
        return {"seated": start + 0.5 * span, "standing": end}
    return {"seated": start + 0.5 * span, "lying": end}


def lie_down(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Lying down on the back on the floor: crouch, sit on the floor with the hands behind,
    lean back and lie flat, head towards where the actor's back was.  With a `target` (the
    top of a bed or sofa, world) it sits on the edge first and then lies back along it.
    contact_frames: "seated", "lying"."""
    if ctx.target is not None and ctx.to_local(ctx.target)[2] > 0.2 * ctx.scale:
        return _lie_on_surface(ctx, duration_s, fps)
    perf = Performance("lie_down", ctx, duration_s, fps, breathing=1.0, drift=0.4)
    moments = _lie_down_keys(perf, 0.0, perf.duration)
    _floor_hands(perf, perf.pulse(0.3 * perf.duration, 0.5 * perf.duration,
                                  0.7 * perf.duration, 0.9 * perf.duration))
    return perf.finish(contact_frames={k: perf.frame(v) for k, v in moments.items()})


def _floor_hands(perf: Performance, weight: np.ndarray) -> None:
    """Hands down on the floor behind the hips, taking some weight while sitting down."""
    for side in SIDES:
        s = 1.0 if side == "left" else -1.0
        point = np.array([s * 0.3, 0.5, 0.06]) * perf.scale
        perf.reach(side, point, weight, pole=point + np.array([s * 0.3, 0.3, 0.4]) * perf.scale)


def get_up(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Getting up from lying on the back (as `lie_down` leaves the actor) to standing: sit
    up, hands on the floor behind, crouch and rise.  contact_frames: "seated", "standing"."""
    perf = Performance("get_up", ctx, duration_s, fps, breathing=1.0, drift=0.4)
    moments = _lie_down_keys(perf, 0.0, perf.duration, reverse=True)
    _floor_hands(perf, perf.pulse(0.1 * perf.duration, 0.3 * perf.duration,
                                  0.5 * perf.duration, 0.7 * perf.duration))
    return perf.finish(contact_frames={k: perf.frame(v) for k, v in moments.items()})


def _lie_on_surface(ctx: ActionContext, duration_s: float, fps: float) -> ActionResult:
    """Lying down on a raised surface (bed, sofa) whose top centre is `target`: sit on its
    edge, then swing the legs up and lie back along it, turning a quarter so the head goes
    to the `head_side` param ("left" default)."""
    perf = Performance("lie_down", ctx, duration_s, fps, breathing=1.0, drift=0.4)
    seat, facing = _seat(ctx, perf)
    perf.key(0.0, perf.neutral)
    centre, facing, seat_body, stepped = _settle_at_seat(perf, seat, facing,
                                                          0.25 * perf.duration)
    start = 0.27 * perf.duration if stepped else 0.0
    sit_end = start + 0.4 * (perf.duration - start)
    seated_s, seated = _sit_keys(perf, start, sit_end, seat_body)
    side = 1.0 if ctx.param("head_side", "left") == "left" else -1.0
    scale, rest = perf.scale, perf.duration - sit_end
    # Seated on the edge with the legs as IK left them, then the legs swing up onto the
    # surface while the back goes down along it, a quarter turn round.
    perf.key(sit_end, seated.with_legs(85.0, 85.0))
    lying = _lying_pose(perf, seat_body[2], seated.root[1] + 0.12 * scale)
    lying = lying.turned("pelvis", Z, -side * 90.0).moved((side * 0.1 * scale, 0.0, 0.0))
    mid = seated.turned("pelvis", Z, -side * 45.0).turned("pelvis", X, -35.0).with_legs(
        95.0, 45.0, 20.0).moved((side * 0.05 * scale, 0.06 * scale, 0.04 * scale))
    perf.key(sit_end + 0.45 * rest, mid, smooth=True)
    perf.key(perf.duration, lying)
    free = perf.ramp(sit_end, sit_end + 0.25 * rest)
    perf.foot_weight[:] = (1.0 - free)[:, None]
    return perf.finish(contact_frames={"seated": perf.frame(seated_s),
                                       "lying": perf.frame(perf.duration)},
                       extras={"final_facing": _wrap(ctx.facing + facing)})


# --- falling ----------------------------------------------------------------------------------

_FALL_DIRECTIONS = {"forward": (0.0, -1.0), "backward": (0.0, 1.0), "left": (1.0, 0.0),
                    "right": (-1.0, 0.0)}


def fall(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """The start of a fall, up to where a ragdoll takes over: a stumble (one foot catches
    the body with a quick step, the arms fly out to brace), then the body topples over the
    stepping foot like an inverted pendulum, faster and faster.  `direction` param: forward
    (default), backward, left, right.  `handoff_frame` is where physics should take over
    (the body ~15 degrees past its feet); extras carry every joint's velocity there
    (`handoff_velocity`, world, m/s) so the ragdoll starts moving as the body did."""
    perf = Performance("fall", ctx, duration_s, fps, breathing=0.3, drift=0.2)
    name = ctx.param("direction", "forward")
    if name not in _FALL_DIRECTIONS:
        raise ValueError(f"params.direction {name!r}: expected one of "
                         f"{', '.join(_FALL_DIRECTIONS)}")
    direction = np.array(_FALL_DIRECTIONS[name])
    span, scale = perf.duration, perf.scale
    backward = name == "backward"
    brace = perf.neutral
    for side in SIDES:
        brace = brace.with_arm(side, 75.0 if backward else 70.0,
                               forward_deg=25.0 if backward else 80.0, elbow_deg=25.0)
    shift = lambda metres, down: np.array([*(metres * scale * direction),   # noqa: E731
                                           -down * scale])
    trip = perf.neutral.moved(shift(0.04, 0.01)).bent(forward_deg=-4.0 if backward else 6.0)
    stumble = brace.moved(shift(0.12, 0.05)).bent(forward_deg=-8.0 if backward else 15.0)
    going = brace.moved(shift(0.14, 0.1)).bent(forward_deg=-12.0 if backward else 22.0)
    going = going.head_turned(pitch_deg=10.0 if backward else -20.0)
    perf.key(0.0, perf.neutral)
    perf.key(0.2 * span, trip, smooth=True)
    perf.key(0.42 * span, stumble, smooth=True)
    perf.key(0.7 * span, going, smooth=True)
    perf.key(span, going.bent(forward_deg=-5.0 if backward else 10.0))
    # The stumble step: a foot catches the body on the side it falls to.
    side = "left" if name == "left" else "right"
    i = SIDES.index(side)
    landing = perf.stance_xy[i] + direction * 0.26 * scale
    step_end = 0.38 * span
    perf.step(side, 0.16 * span, step_end, landing, float(perf.stance_yaw[i]),
              body_follows=False)
    perf.shift(np.outer(perf.ramp(0.16 * span, step_end), shift(0.1, 0.0)))
    # Then the topple about the front of that foot.
    rate = np.sqrt(9.81 / (0.9 * scale))
    start_deg = 9.0
    tau = np.clip(perf.t - step_end, 0.0, None)
    angle = np.minimum(start_deg * (np.cosh(rate * tau) - 1.0), 70.0)
    across = np.array([-direction[1], direction[0], 0.0])
    toes = np.array([*(landing + direction * 0.1 * scale), 0.0])
    perf.topple(toes, across, angle)
    handoff_s = step_end + np.arccosh(1.0 + 15.0 / start_deg) / rate
    result = perf.finish(handoff_frame=perf.frame(min(handoff_s, span)))
    positions = result.clip.positions()
    f = result.handoff_frame
    lo, hi = max(f - 1, 0), min(f + 1, result.clip.frames - 1)
    velocity = (positions[hi] - positions[lo]) / max((hi - lo) / fps, 1e-9)
    result.extras.update({"handoff_velocity": velocity, "direction": name})
    return result


# --- celebrating ------------------------------------------------------------------------------

def celebrate(ctx: ActionContext, duration_s: float, fps: float = 30.0) -> ActionResult:
    """Joy: both arms thrown up in a V with a little jump, or fist pumps with a bounce in the
    knees.  `style` param: "jump", "fist_pump" or "arms_up" (default: chosen by the seed).
    contact_frames: "takeoff" and "landing" for a jump."""
    perf = Performance("celebrate", ctx, duration_s, fps, breathing=1.3, drift=0.8)
    style = ctx.param("style") or perf.rng.choice(["jump", "fist_pump", "arms_up"])
    span, scale = perf.duration, perf.scale
    v_pose = perf.neutral.bent(forward_deg=-6.0).head_turned(pitch_deg=-12.0)
    for side in SIDES:
        v_pose = v_pose.with_arm(side, 155.0, forward_deg=25.0, elbow_deg=12.0)
    contacts = {}
    perf.key(0.0, perf.neutral)
    if style == "fist_pump":
        hand = ctx.param("hand", "right")
        s = 1.0 if hand == "left" else -1.0
        pump_pose = perf.neutral.bent(forward_deg=4.0)
        perf.key(0.15 * span, pump_pose, smooth=True)
        perf.key(0.85 * span, pump_pose, smooth=True)
        perf.key(span, perf.neutral)
        shoulder = perf.joint_at(perf.neutral, f"{hand}_shoulder")
        rate = perf.rng.uniform(2.0, 2.6)
        envelope = perf.pulse(0.05 * span, 0.25 * span, 0.75 * span, 0.95 * span)
        phase = 0.5 - 0.5 * np.cos(2 * np.pi * rate * np.clip(perf.t - 0.25 * span, 0, None))
        low = shoulder + np.array([s * 0.12, -0.18, -0.1]) * scale
        high = shoulder + np.array([s * 0.1, -0.12, 0.45]) * scale
        target = low + (high - low) * phase[:, None]
        perf.reach(hand, target, envelope,
                   pole=shoulder + np.array([s * 0.6, 0.2, -0.4]) * scale)
        bounce = -0.03 * scale * phase * envelope
        perf.shift(np.stack([np.zeros_like(bounce), np.zeros_like(bounce), bounce], 1))
    elif style == "jump":
        takeoff, landing = _jump(perf, 0.3 * span, 0.12 * scale)
        crouch = perf.neutral.moved((0, 0.03 * scale, 0.0)).bent(forward_deg=20.0)
        for side in SIDES:
            crouch = crouch.with_arm(side, 20.0, forward_deg=-40.0, elbow_deg=20.0)
        perf.key(0.22 * span, crouch, smooth=True)
        perf.key(takeoff, v_pose, smooth=True)
        perf.key(min(landing + 0.15 * span, span), v_pose.bent(forward_deg=12.0), smooth=True)
        perf.key(max(0.85 * span, landing + 0.2 * span), v_pose)
        perf.key(span, perf.neutral)
        contacts = {"takeoff": perf.frame(takeoff), "landing": perf.frame(landing)}
    else:
        perf.key(0.25 * span, v_pose)
        perf.key(0.8 * span, v_pose)
        perf.key(span, perf.neutral)
        shake = np.sin(2 * np.pi * 3.0 * perf.t) * 6.0 * perf.pulse(0.25 * span, 0.35 * span,
                                                                     0.7 * span, 0.8 * span)
        for side in SIDES:
            perf.layer(f"{side}_elbow", Z, shake * (1 if side == "left" else -1))
        bounce = -0.025 * scale * (0.5 - 0.5 * np.cos(2 * np.pi * 2.0 * perf.t)) * \
            perf.pulse(0.2 * span, 0.3 * span, 0.75 * span, 0.85 * span)
        perf.shift(np.stack([np.zeros_like(bounce), np.zeros_like(bounce), bounce], 1))
    return perf.finish(contact_frames=contacts, extras={"style": str(style)})


def _jump(perf: Performance, takeoff_s: float, apex_m: float) -> tuple[float, float]:
    """A small vertical jump: the pelvis dips, drives up to leave the floor at `takeoff_s`,
    flies a parabola `apex_m` high and lands, the knees absorbing the impact.  Returns the
    takeoff and landing times."""
    g = 9.81
    speed = np.sqrt(2 * g * apex_m)
    flight = 2 * speed / g
    landing = takeoff_s + flight
    t = perf.t
    dip_s, settle_s = max(takeoff_s - 0.22, 0.02), min(landing + 0.25, perf.duration)
    dip = -0.1 * perf.scale
    rise = np.zeros(perf.frames)
    pre = (t >= 0) & (t < takeoff_s)
    # Before takeoff: down into the dip and up to the floor-leaving speed (Hermite pieces).
    rise[pre] = hermite(np.array([0.0, dip_s, takeoff_s]), np.array([0.0, dip, 0.0]),
                        np.array([False, False, False]), t[pre])
    drive = (t >= dip_s) & (t < takeoff_s)
    u = (t[drive] - dip_s) / (takeoff_s - dip_s)
    span = takeoff_s - dip_s
    rise[drive] = ((2 * u ** 3 - 3 * u ** 2 + 1) * dip + (u ** 3 - u ** 2) * span * speed)
    air = (t >= takeoff_s) & (t <= landing)
    tau = t[air] - takeoff_s
    rise[air] = speed * tau - 0.5 * g * tau ** 2
    after = t > landing
    u = (t[after] - landing) / (settle_s - landing)
    span = settle_s - landing
    cushion = np.where(u < 1, (u ** 3 - 2 * u ** 2 + u) * span * -speed, 0.0)
    rise[after] = cushion
    perf.shift(np.stack([np.zeros(perf.frames), np.zeros(perf.frames), rise], 1))
    perf.foot_lift[air] = np.maximum(rise[air] - 0.01 * perf.scale, 0.0)[:, None]
    # Toes point in the air: the heels come up as the legs drive, down again on landing.
    perf.foot_pitch[:] = (20.0 * perf.pulse(takeoff_s + 0.02, takeoff_s + 0.1, landing - 0.1,
                                            landing - 0.02))[:, None]
    return takeoff_s, landing
