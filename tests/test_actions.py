"""Actions synthesised from key poses with IK (addon/motion/actions*.py)."""
from __future__ import annotations

import numpy as np
import pytest

from addon.motion import quat
from addon.motion.actions import (ACTION_BUILDERS, ActionContext, ballistic_velocity,
                                  overlay_arms, synthesise, synthesise_pair)
from addon.motion.actions_object import palm_points
from addon.motion.poses import SIDES, head_forward, neutral_pose
from addon.motion.skeleton import INDEX, REST_OFFSETS, forward_kinematics, pelvis_height
from addon.story.vocabulary import ACTIONS

#: Actions that come from elsewhere: trajectory-following locomotion and mocap clips.
LOCOMOTION = {"walk", "run", "jog", "sneak", "crawl"}
MOCAP = {"jump", "kick", "punch", "dance", "spin", "roll", "cartwheel", "backflip"}

#: A context per action that makes sense of it (targets in the world).
CONTEXTS = {
    "sit": dict(target=(0.0, 0.45, 0.45)),
    "stand_up": dict(target=(0.0, 0.42, 0.45)),
    "look_at": dict(target=(2.0, -1.5, 1.2)),
    "point": dict(target=(2.0, -3.0, 0.5)),
    "pick_up": dict(target=(-0.15, -0.45, 0.05)),
    "put_down": dict(target=(-0.15, -0.45, 0.75)),
    "throw": dict(target=(0.5, -6.0, 1.2)),
    "catch": dict(target=(0.0, -0.4, 1.2)),
    "push": dict(target=(0.0, -0.7, 1.0)),
    "pull": dict(target=(0.0, -0.7, 1.0)),
    "kick": dict(target=(0.05, -0.39, 0.11), aim=(1.0, -6.0, 0.0)),
    "handshake": dict(other_position=(0.0, -0.75), other_height_m=1.7),
    "hug": dict(other_position=(0.0, -0.75), other_height_m=1.65),
    "kiss": dict(other_position=(0.0, -0.75), other_height_m=1.65),
}
#: Actions done standing on the spot, feet planted throughout.
PLANTED = ("idle", "stand", "look_at", "wave", "point", "nod", "shake_head", "clap", "talk",
           "snap_fingers", "pick_up", "put_down", "carry", "catch", "drop", "handshake")
#: Standing actions whose pelvis stays near its standing height.
UPRIGHT = ("idle", "stand", "look_at", "wave", "point", "nod", "shake_head", "clap", "talk",
           "snap_fingers", "carry", "drop", "turn", "celebrate")


def build(action: str, fps: float = 30.0, duration_s: float | None = None, **changes):
    kwargs = dict(CONTEXTS.get(action, {}))
    kwargs.update(changes)
    return synthesise(action, ActionContext(**kwargs), duration_s, fps)


@pytest.fixture(scope="module")
def results():
    """Every action once, with its default duration at 30 fps."""
    return {action: build(action) for action in ACTION_BUILDERS}


def jerk(positions: np.ndarray) -> np.ndarray:
    """Third difference of joint positions per frame, L1 over xyz, max over joints
    (FlowMDM's measure, no division by the time step)."""
    return np.abs(np.diff(positions, 3, axis=0)).sum(-1).max(-1)


def test_every_character_action_has_a_source():
    """Each action a person can do is synthesised here, or is locomotion or mocap."""
    character = {name for name, action in ACTIONS.items() if action.character}
    assert set(ACTION_BUILDERS) <= character
    assert character - set(ACTION_BUILDERS) <= LOCOMOTION | MOCAP


def test_unknown_actions_raise_a_clear_key_error():
    with pytest.raises(KeyError, match="no synthesised action 'moonwalk'.*known: .*wave"):
        synthesise("moonwalk", ActionContext())
    with pytest.raises(KeyError, match="locomotion or the mocap library"):
        synthesise("walk", ActionContext())


@pytest.mark.parametrize("fps", [24.0, 30.0, 60.0])
def test_every_builder_returns_a_finite_clip_of_the_requested_length(fps):
    for action in ACTION_BUILDERS:
        result = build(action, fps=fps, duration_s=1.7)
        clip = result.clip
        assert clip.fps == fps and clip.frames == round(1.7 * fps) + 1, action
        assert clip.duration_s == pytest.approx(1.7, abs=0.5 / fps), action
        assert np.isfinite(clip.root).all() and np.isfinite(clip.rotations).all(), action
        assert np.allclose(np.linalg.norm(clip.rotations, axis=-1), 1.0, atol=1e-6), action
        assert clip.contacts.shape == (clip.frames, 2) and clip.labels == (action,), action
        for name, frame in result.contact_frames.items():
            assert 0 <= frame < clip.frames, (action, name)


def test_default_durations_come_from_the_vocabulary(results):
    for action, result in results.items():
        assert result.clip.duration_s == pytest.approx(ACTIONS[action].default_duration_s,
                                                       abs=0.02), action


def markers(clip) -> np.ndarray:
    """Joint positions plus points on the face and the fingertips (T, 25, 3): a turn of the
    head or a flick of a hand moves no joint but is motion all the same."""
    positions, world = forward_kinematics(clip.root, clip.rotations, clip.offsets)
    extra = [positions[:, INDEX["head"]] + quat.rotate(world[:, INDEX["head"]],
                                                       np.array([0.0, -0.1, 0.08]))]
    for side, sign in (("left", 1.0), ("right", -1.0)):
        wrist = INDEX[f"{side}_wrist"]
        extra.append(positions[:, wrist] + quat.rotate(world[:, wrist],
                                                       np.array([sign * 0.1, 0.0, 0.0])))
    return np.concatenate([positions, np.stack(extra, axis=1)], axis=1)


def test_nothing_is_a_frozen_pose(results):
    """Something always moves: over the clip and within every second of it."""
    for action, result in results.items():
        positions = markers(result.clip)
        spread = np.ptp(positions, axis=0).max()
        assert spread > 0.01, action
        window = int(result.clip.fps)
        for start in range(0, result.clip.frames - window, window // 2):
            moving = np.ptp(positions[start:start + window], axis=0).max()
            assert moving > 0.002, (action, start)


def test_feet_stay_planted_in_standing_actions(results):
    for action in PLANTED:
        positions = results[action].clip.positions()
        ankles = positions[:, [INDEX["left_ankle"], INDEX["right_ankle"]]]
        drift = np.linalg.norm(ankles - ankles[:1], axis=-1).max()
        assert drift < 0.01, (action, drift)
        assert results[action].clip.contacts.all(), action


def test_pelvis_stays_at_a_plausible_height(results):
    standing = pelvis_height(REST_OFFSETS)
    for action, result in results.items():
        positions = result.clip.positions()
        pelvis = positions[:, INDEX["pelvis"], 2]
        if action in UPRIGHT:
            assert pelvis.min() > 0.85 * standing, action
        if action not in ("lie_down", "get_up", "fall"):
            assert pelvis.min() > 0.4, action
        assert pelvis.max() < standing + 0.2, action       # a little jump at most
        # Nothing goes through the floor (a fall only after physics has taken over).
        last = result.handoff_frame if result.handoff_frame is not None else None
        assert positions[:last, :, 2].min() > -0.01, action


def test_jerk_stays_bounded(results):
    """No pops between key poses: the third difference of positions stays small; gentle
    actions much smaller than a throw's whip."""
    for action, result in results.items():
        peak = jerk(result.clip.positions()).max()
        assert peak < 0.5, (action, peak)
        if action in ("idle", "stand", "look_at", "nod", "shake_head", "carry", "drop"):
            assert peak < 0.05, (action, peak)


def test_the_same_seed_gives_the_same_motion_and_another_seed_varies_it():
    for action in ("idle", "talk", "wave", "pick_up", "handshake"):
        a, b = build(action, seed=7), build(action, seed=7)
        assert np.array_equal(a.clip.rotations, b.clip.rotations), action
        assert np.array_equal(a.clip.root, b.clip.root), action
        c = build(action, seed=8)
        assert not np.allclose(a.clip.positions(), c.clip.positions()), action


def test_actions_are_placed_at_the_actor_position_and_facing():
    here = build("wave", seed=1)
    there = build("wave", seed=1, position=(2.0, -1.0), facing=np.pi / 2, floor_z=0.3)
    turn = quat.from_axis_angle(np.array([0.0, 0.0, 1.0]), np.pi / 2)
    expected = quat.rotate(turn, here.clip.positions()) + np.array([2.0, -1.0, 0.3])
    assert np.allclose(there.clip.positions(), expected, atol=1e-9)


def test_sit_ends_on_the_seat_facing_away_from_it():
    for seat, position, facing in (((0.0, 0.45, 0.45), (0.0, 0.0), 0.0),
                                   ((3.3, 1.0, 0.5), (3.0, 0.6), 0.3),
                                   ((0.0, -0.6, 0.42), (0.0, 0.0), 0.0)):   # seat ahead
        result = synthesise("sit", ActionContext(position=position, facing=facing,
                                                 target=seat))
        positions, world = forward_kinematics(result.clip.root, result.clip.rotations,
                                              result.clip.offsets)
        pelvis = positions[-1, INDEX["pelvis"]]
        assert pelvis[2] == pytest.approx(seat[2] + 0.1, abs=0.03)
        assert np.linalg.norm(pelvis[:2] - np.array(seat[:2])) < 0.08
        forward = quat.rotate(world[-1, INDEX["pelvis"]], np.array([0.0, -1.0, 0.0]))[:2]
        away = np.array(position) - np.array(seat[:2])
        cosine = forward @ away / np.linalg.norm(forward) / np.linalg.norm(away)
        assert cosine > np.cos(np.radians(20)), (seat, cosine)
        assert result.contact_frames["seated"] < result.clip.frames - 1


def test_stand_up_starts_seated_and_ends_standing():
    result = build("stand_up")
    pelvis = result.clip.positions()[:, INDEX["pelvis"], 2]
    assert pelvis[0] == pytest.approx(0.55, abs=0.03)
    assert pelvis[-1] == pytest.approx(pelvis_height(REST_OFFSETS), abs=0.03)


@pytest.mark.parametrize("grasp,height", [((-0.15, -0.45, 0.05), 1.75),
                                          ((-0.2, -0.4, 0.75), 1.75),
                                          ((0.3, -0.35, 0.9), 1.62),
                                          ((-0.1, -0.5, 0.4), 1.92),
                                          ((-0.1, -0.35, 0.1), 1.2),
                                          ((0.3, -1.0, 0.8), 1.75)])      # steps in
def test_pick_up_brings_the_palm_to_the_grasp_point(grasp, height):
    world = (1.0 + grasp[0], 2.0 + grasp[1], grasp[2])
    result = synthesise("pick_up", ActionContext(position=(1.0, 2.0), height_m=height,
                                                 target=world))
    frame = result.contact_frames["grasp"]
    palm = palm_points(result.clip, result.hand)[frame]      # where the prop's middle rides
    assert np.linalg.norm(palm - np.array(world)) < 0.03
    assert result.contact_error_m["grasp"] < 0.03


@pytest.mark.parametrize("ball,height,hand", [((0.0, -0.4, 1.2), 1.75, "both"),
                                               ((0.4, -0.5, 0.6), 1.16, "both"),  # steps in
                                               ((-0.35, -0.45, 0.9), 1.16, "both"),
                                               ((0.25, -0.6, 1.0), 1.9, "right"),
                                               ((-0.4, -0.4, 1.3), 1.5, "left")])
def test_catch_brings_the_hands_to_the_ball(ball, height, hand):
    world = np.array([1.0 + ball[0], 2.0 + ball[1], ball[2]])
    result = synthesise("catch", ActionContext(position=(1.0, 2.0), facing=0.3,
                                               height_m=height, target=tuple(world),
                                               params={"hand": hand}))
    frame = result.contact_frames["grasp"]
    positions = result.clip.positions()[frame]
    grips = result.extras["grips"]
    sides = ("left", "right") if hand == "both" else (hand,)
    assert set(grips) == set(sides)
    for side in sides:
        assert np.linalg.norm(positions[INDEX[f"{side}_wrist"]] - grips[side]) < 0.03
    # The ball is between two hands, in one hand's grip.
    middle = np.mean([grips[side] for side in sides], axis=0)
    assert np.linalg.norm(middle - world) < 1e-6
    assert max(result.contact_error_m.values()) < 0.03


def test_put_down_releases_at_the_target():
    result = build("put_down")
    frame = result.contact_frames["release"]
    middle = palm(result, result.hand)[frame]                # the held prop's middle
    assert np.linalg.norm(middle - np.array(CONTEXTS["put_down"]["target"])) < 0.03
    assert result.release is not None and result.release.frame == frame


@pytest.mark.parametrize("heights", [(1.75, 1.75), (1.85, 1.6)])
def test_handshake_hands_meet_for_two_actors_facing_each_other(heights):
    first = ActionContext(position=(0.0, 0.0), facing=0.0, height_m=heights[0], seed=1)
    second = ActionContext(position=(0.0, -0.75), facing=np.pi, height_m=heights[1], seed=2)
    a, b = synthesise_pair("handshake", first, second)
    frame = a.contact_frames["contact"]
    assert b.contact_frames["contact"] == frame
    wrist_a = a.clip.positions()[:, INDEX["right_wrist"]]
    wrist_b = b.clip.positions()[:, INDEX["right_wrist"]]
    assert np.linalg.norm(wrist_a[frame] - wrist_b[frame]) < 0.03
    # And they stay together through the pumping, until they let go.
    held = slice(frame, a.contact_frames["contact_end"] + 1)
    assert np.linalg.norm(wrist_a[held] - wrist_b[held], axis=-1).max() < 0.03
    # Built one side at a time from each actor's own context, the hands still meet.
    alone = synthesise("handshake", ActionContext(
        position=(0.0, 0.0), height_m=heights[0], seed=1, other_position=(0.0, -0.75),
        other_height_m=heights[1]))
    assert np.allclose(alone.clip.positions(), a.clip.positions())


def test_hug_and_kiss_bring_the_two_together():
    first = ActionContext(position=(0.0, 0.0), facing=0.0, height_m=1.78)
    second = ActionContext(position=(0.0, -0.8), facing=np.pi, height_m=1.64)
    a, b = synthesise_pair("hug", first, second)
    assert max(a.contact_error_m.values()) < 0.05 and max(b.contact_error_m.values()) < 0.05
    frame = a.contact_frames["contact"]
    pelvis_gap = np.linalg.norm(a.clip.positions()[frame, 0, :2] -
                                b.clip.positions()[frame, 0, :2])
    assert pelvis_gap < 0.45
    a, b = synthesise_pair("kiss", first, second)
    frame = a.contact_frames["contact"]
    heads = [r.clip.positions()[frame, INDEX["head"]] for r in (a, b)]
    assert np.linalg.norm(heads[0] - heads[1]) < 0.3


def test_throw_releases_with_the_hand_moving_towards_the_target():
    target = np.array([1.5, -6.0, 1.0])
    result = synthesise("throw", ActionContext(position=(0.5, 0.2), facing=0.1,
                                               target=tuple(target)))
    release = result.release
    assert release is not None and 0 < release.frame < result.clip.frames - 1
    wrist = result.clip.positions()[release.frame, INDEX["right_wrist"]]
    assert np.allclose(release.position, wrist)
    # The release velocity heads for the target and its arc lands there.
    to_target = target[:2] - release.position[:2]
    heading = release.velocity[:2] @ to_target / np.linalg.norm(release.velocity[:2]) \
        / np.linalg.norm(to_target)
    assert heading > np.cos(np.radians(3))
    flight = np.linalg.norm(to_target) / np.linalg.norm(release.velocity[:2])
    landing = release.position[2] + release.velocity[2] * flight - 0.5 * 9.81 * flight ** 2
    assert landing == pytest.approx(target[2], abs=0.05)
    # The hand itself moves along the throw at that moment.
    hand = result.extras["hand_velocity"]
    cosine = hand @ release.velocity / np.linalg.norm(hand) / np.linalg.norm(release.velocity)
    assert cosine > np.cos(np.radians(25))
    assert np.linalg.norm(hand) > 2.0


def test_ballistic_velocity_lands_on_the_target():
    start, target = np.array([0.0, 0.0, 1.6]), np.array([4.0, 3.0, 0.5])
    velocity = ballistic_velocity(start, target)
    flight = 5.0 / np.linalg.norm(velocity[:2])
    assert start[2] + velocity[2] * flight - 0.5 * 9.81 * flight ** 2 == pytest.approx(0.5)


@pytest.mark.parametrize("target", [(2.0, -1.5, 1.2), (0.0, -3.0, 1.7), (-1.0, 0.5, 1.6),
                                    (0.3, -0.8, 0.3)])
def test_look_at_aims_the_head_at_the_target(target):
    result = synthesise("look_at", ActionContext(position=(0.0, 0.0), target=target))
    positions, world = forward_kinematics(result.clip.root, result.clip.rotations,
                                          result.clip.offsets)
    for frame in range(result.contact_frames["on_target"], result.clip.frames):
        to_target = np.array(target) - positions[frame, INDEX["head"]]
        forward = head_forward(world)[frame]
        cosine = forward @ to_target / np.linalg.norm(to_target)
        assert cosine > np.cos(np.radians(10)), (frame, np.degrees(np.arccos(cosine)))


def test_turn_steps_instead_of_sliding():
    result = build("turn", params={"angle_deg": 120.0})
    positions = result.clip.positions()
    contacts = result.clip.contacts
    for i, ankle in enumerate((INDEX["left_ankle"], INDEX["right_ankle"])):
        assert not contacts[:, i].all()                          # each foot lifts
        lifted = positions[~contacts[:, i], ankle, 2]
        assert lifted.max() > positions[0, ankle, 2] + 0.03
        # While a foot is down it does not move.
        runs = np.split(np.arange(result.clip.frames), np.flatnonzero(np.diff(contacts[:, i])) + 1)
        for run in runs:
            if contacts[run[0], i]:
                drift = np.linalg.norm(positions[run, ankle] - positions[run[0], ankle], axis=-1)
                assert drift.max() < 0.01
    _, world = forward_kinematics(result.clip.root, result.clip.rotations, result.clip.offsets)
    forward = quat.rotate(world[-1, INDEX["pelvis"]], np.array([0.0, -1.0, 0.0]))
    expected = np.array([np.sin(np.radians(120)), -np.cos(np.radians(120))])
    assert forward[:2] @ expected > np.cos(np.radians(8))


def test_fall_hands_over_to_physics_while_tipping_over():
    for direction, axis in (("forward", np.array([0.0, -1.0])), ("left", np.array([1.0, 0.0]))):
        result = build("fall", params={"direction": direction})
        frame = result.handoff_frame
        assert 0 < frame < result.clip.frames
        velocity = result.extras["handoff_velocity"]
        assert velocity.shape == (22, 3) and np.isfinite(velocity).all()
        head = velocity[INDEX["head"], :2]
        assert head @ axis > 0.3                                 # falling that way
        positions = result.clip.positions()
        lean = positions[frame, INDEX["head"], :2] - positions[0, INDEX["head"], :2]
        assert lean @ axis > 0.15


def test_celebrate_styles_raise_the_arms():
    for style in ("jump", "fist_pump", "arms_up"):
        result = build("celebrate", params={"style": style})
        positions = result.clip.positions()
        wrists = positions[:, [INDEX["left_wrist"], INDEX["right_wrist"]], 2].max()
        assert wrists > positions[0, INDEX["head"], 2], style
    jump = build("celebrate", params={"style": "jump"})
    airborne = ~jump.clip.contacts.any(axis=1)
    assert airborne.any()
    feet = jump.clip.positions()[:, [INDEX["left_foot"], INDEX["right_foot"]], 2]
    assert feet[airborne].min() > feet[0].min() + 0.02


def test_clap_hands_meet_at_each_clap():
    result = build("clap")
    positions = result.clip.positions()
    gap = np.linalg.norm(positions[:, INDEX["left_wrist"]] - positions[:, INDEX["right_wrist"]],
                         axis=-1)
    claps = [f for name, f in result.contact_frames.items() if name.startswith("clap_")]
    assert len(claps) >= 2
    assert all(gap[f] < 0.1 for f in claps) and gap.max() > 0.2


def test_lie_down_ends_on_the_back_and_get_up_ends_standing():
    lying = build("lie_down")
    _, world = forward_kinematics(lying.clip.root, lying.clip.rotations, lying.clip.offsets)
    belly = quat.rotate(world[-1, INDEX["spine2"]], np.array([0.0, -1.0, 0.0]))
    assert belly[2] > 0.9                                         # facing the sky
    assert lying.clip.positions()[-1, INDEX["head"], 2] < 0.25
    bed = build("lie_down", target=(0.0, 0.6, 0.5))
    assert bed.clip.positions()[-1, INDEX["pelvis"], 2] == pytest.approx(0.62, abs=0.05)
    up = build("get_up")
    assert up.clip.positions()[-1, INDEX["head"], 2] > 1.45


def test_a_child_and_a_tall_adult_scale_their_motion():
    for height in (1.15, 1.95):
        result = build("wave", height_m=height)
        assert np.allclose(result.clip.offsets, REST_OFFSETS * height / 1.75)
        pelvis = result.clip.positions()[0, INDEX["pelvis"], 2]
        assert pelvis == pytest.approx(pelvis_height(result.clip.offsets), abs=0.02)


def test_a_rig_s_own_proportions_are_used_when_given():
    offsets = REST_OFFSETS.copy()
    offsets[[4, 5, 7, 8]] *= 1.12                                   # longer legs
    result = build("pick_up", rest_offsets=offsets)
    assert np.allclose(result.clip.offsets, offsets)
    frame = result.contact_frames["grasp"]
    middle = palm(result, result.hand)[frame]
    assert np.linalg.norm(middle - np.array(CONTEXTS["pick_up"]["target"])) < 0.03
    feet = result.clip.positions()[:, [INDEX["left_foot"], INDEX["right_foot"]], 2]
    assert 0.0 < feet.min() < 0.07                                  # still on the floor


def test_carry_arms_lay_over_another_clip():
    carry = build("carry", params={"hand": "both"})
    stand = build("stand", duration_s=4.0)
    combined = overlay_arms(stand.clip, carry.clip)
    assert combined.frames == stand.clip.frames
    wrist = INDEX["right_wrist"]
    assert np.allclose(combined.rotations[:carry.clip.frames, INDEX["right_shoulder"]],
                       carry.clip.rotations[:, INDEX["right_shoulder"]])
    assert np.allclose(combined.rotations[:, INDEX["left_hip"]],
                       stand.clip.rotations[:, INDEX["left_hip"]])
    assert combined.positions()[0, wrist, 1] < -0.15                # held out in front


def test_neutral_pose_hangs_the_arms_and_keeps_the_feet_flat():
    pose = neutral_pose()
    positions, world = forward_kinematics(pose.root[None], pose.rotations[None], REST_OFFSETS)
    for side in ("left", "right"):
        shoulder = positions[0, INDEX[f"{side}_shoulder"]]
        wrist = positions[0, INDEX[f"{side}_wrist"]]
        drop = np.degrees(np.arctan2(shoulder[2] - wrist[2], abs(wrist[0] - shoulder[0])))
        assert 70 < drop < 85                                     # not the T-pose
        foot = world[0, INDEX[f"{side}_ankle"]]
        assert abs(quat.rotate(foot, np.array([0.0, 0.0, 1.0]))[2] - 1.0) < 1e-6


def palm(result, side="right") -> np.ndarray:
    return palm_points(result.clip, side)


@pytest.mark.parametrize("height_m, stated", [(1.75, 1.5), (1.75, 0.15), (1.3, 0.15)])
def test_carry_holds_the_prop_at_the_stated_height_and_drop_lets_go_there(height_m, stated):
    """"High in the air" raises the arm, "just above the floor" crouches: the palm (where the
    prop is) ends the carry at the height, the drop starts there and lets go with the hand
    nearly still."""
    ctx = ActionContext(position=(1.0, 2.0), facing=0.7, height_m=height_m,
                        target=(1.2, 1.8, 0.9), params={"height_m": stated})
    held = synthesise("carry", ctx, 3.0, 24.0)
    dropped = synthesise("drop", ctx, 0.8, 24.0)
    assert palm(held)[-1, 2] == pytest.approx(stated, abs=0.02)
    assert np.linalg.norm(palm(dropped)[0] - palm(held)[-1]) < 0.01
    release = dropped.release
    assert release.position[2] == pytest.approx(stated, abs=0.02)
    assert np.linalg.norm(release.velocity) < 0.1
    standing = pelvis_height(REST_OFFSETS) * height_m / 1.75
    pelvis = held.clip.root[-1, 2]
    assert pelvis < standing - 0.15 if stated < 0.5 else pelvis > 0.9 * standing
    # The prop is in the hand from the first frame: the hold only moves it smoothly.
    assert np.linalg.norm(np.diff(palm(held), axis=0), axis=1).max() * 24 < 2.5


def test_a_prop_held_higher_than_the_arm_reaches_is_held_as_high_as_it_reaches():
    ctx = ActionContext(height_m=1.2, params={"height_m": 1.5})
    release = synthesise("drop", ctx, 0.8, 30.0).release
    shoulder = synthesise("idle", ctx, 0.5).clip.positions()[0, INDEX["right_shoulder"], 2]
    assert shoulder + 0.25 < release.position[2] < 1.5


@pytest.mark.parametrize("height_m, foot", [(1.75, "right"), (1.3, "left")])
def test_a_kick_swings_the_foot_through_the_ball_towards_the_aim(height_m, foot):
    ball, aim = np.array([1.05, 1.62, 0.11]), np.array([3.0, 6.0, 0.0])
    ctx = ActionContext(position=(1.0, 2.0), facing=3.0, height_m=height_m, target=tuple(ball),
                        aim=tuple(aim), params={"foot": foot})
    result = synthesise("kick", ctx, 1.0, 24.0)
    contact = result.contact_frames["kick"]
    kick = result.extras["kick"]
    positions = result.clip.positions()
    striking = positions[:, INDEX[f"{foot}_foot"]]
    along = (aim - ball)[:2] / np.linalg.norm((aim - ball)[:2])
    # The ball of the foot touches the back of the ball at the contact frame, low down.
    assert result.contact_error_m["kick"] < 0.01
    assert np.allclose(striking[contact], kick["position"])
    behind = ball[:2] - striking[contact, :2]
    assert behind @ along == pytest.approx(0.11 + 0.035 * height_m / 1.75, abs=0.01)
    assert abs(striking[contact, 2] - ball[2]) < 0.02
    # ... moving at a kick's speed towards the aim, from a frame before to a frame after.
    speed = np.linalg.norm(kick["velocity"])
    assert (8.0 < speed < 15.0) if height_m > 1.6 else (5.0 < speed < 9.0)
    assert kick["velocity"][:2] @ along > 0.95 * np.linalg.norm(kick["velocity"][:2])
    for frame in (contact - 1, contact):
        step = (striking[frame + 1] - striking[frame]) * 24.0
        assert step[:2] @ along > 0.7 * speed
    # The support foot is planted beside the ball, clear of it, and took the weight.
    support = "left" if foot == "right" else "right"
    planted = positions[contact, INDEX[f"{support}_ankle"]]
    clear = min(np.linalg.norm(positions[contact, INDEX[f"{support}_{j}"], :2] - ball[:2])
                for j in ("ankle", "foot"))
    assert clear > 0.11 + 0.05 and np.linalg.norm(planted[:2] - ball[:2]) < 0.45
    s = SIDES.index(support)
    assert result.clip.contacts[contact, s] and not result.clip.contacts[contact, 1 - s]
    # The kicker ends where the stage put them, turned to the aim, feet down.
    assert np.linalg.norm(result.clip.root[-1, :2] - result.clip.root[0, :2]) < 0.05
    assert result.clip.contacts[-1].all()
    assert positions[:, :, 2].min() > -0.01


@pytest.mark.parametrize("foot_mps", [4.0, 9.0])
def test_a_passing_kick_swings_the_foot_at_the_speed_the_stage_asks(foot_mps):
    ctx = ActionContext(position=(1.0, 2.0), facing=3.0, height_m=1.16,
                        target=(1.05, 1.62, 0.11), aim=(3.0, 6.0, 1.0),
                        params={"foot_mps": foot_mps})
    result = synthesise("kick", ctx, 1.0, 24.0)
    assert result.contact_error_m["kick"] < 0.01
    assert np.linalg.norm(result.extras["kick"]["velocity"]) == pytest.approx(foot_mps,
                                                                               rel=0.15)


def test_a_kick_without_an_aim_sends_the_ball_straight_on():
    result = synthesise("kick", ActionContext(target=(0.2, -0.4, 0.11)), 1.0, 30.0)
    velocity = result.extras["kick"]["velocity"]
    away = np.array([0.2, -0.4]) / np.linalg.norm([0.2, -0.4])
    assert velocity[:2] @ away > 0.95 * np.linalg.norm(velocity[:2])
