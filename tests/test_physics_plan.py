"""The simulation plan read from a staged story, and the path maths of the physics stage."""
from __future__ import annotations

import numpy as np
import pytest

from addon.physics.paths import (aimed_launch, ballistic_arc, check_path, impacts,
                                 launch_velocity, velocities)
from addon.physics.scenario import PropFacts, plan_simulation


def _seg(action, start, end, target=None, beat="b", kind="action"):
    return {"kind": kind, "action": action, "beat": beat, "start_frame": start,
            "end_frame": end, "target": target}


def test_props_are_dynamic_when_small_or_moved_and_passive_otherwise():
    plan = {"actors": {"tom": {"segments": [_seg("push", 10, 40, "table", "b1")]}}}
    props = {"table": PropFacts("table", 30.0, furniture=True),
             "sofa": PropFacts("sofa", 60.0, furniture=True),
             "glass": PropFacts("glass", 0.3, breakable=True),
             "set_book_1": PropFacts("set_book_1", 0.5, from_story=False)}
    sim = plan_simulation(plan, [], props, [], 100)
    assert sim.props["table"].body == "dynamic"        # pushed, however heavy
    assert sim.props["sofa"].body == "passive"
    assert sim.props["glass"].body == "dynamic" and sim.props["glass"].breakable
    assert sim.props["set_book_1"].body == "passive"   # dressing stays put
    assert sorted(sim.dynamic()) == ["glass", "table"]


def test_the_plans_roll_cues_say_when_a_prop_sets_off():
    plan = {"actors": {}, "props": [{"prop": "ball", "action": "roll", "start_frame": 30},
                                    {"prop": "glass", "action": "break", "start_frame": 50}]}
    props = {"ball": PropFacts("ball", 0.4), "glass": PropFacts("glass", 0.3, breakable=True)}
    sim = plan_simulation(plan, [], props, [], 100)
    assert sim.props["ball"].moves == [30] and sim.props["glass"].moves == []


def test_a_throw_and_a_catch_make_a_flight():
    holds = [("ball", "tom", 20, 50, "R"), ("ball", "girl", 62, 99, "L")]
    props = {"ball": PropFacts("ball", 0.4)}
    sim = plan_simulation({"actors": {}}, [], props, holds, 100)
    (flight,) = sim.props["ball"].flights
    assert (flight.thrower, flight.release, flight.catcher, flight.catch) == ("tom", 50, "girl", 62)
    assert flight.hand == "L"
    # a put-down and the same actor's pick-up later is not a flight
    holds = [("ball", "tom", 20, 50, "R"), ("ball", "tom", 62, 99, "R")]
    assert plan_simulation({"actors": {}}, [], props, holds, 100).props["ball"].flights == []


def _kick_plan(catcher_action="catch"):
    plan = {"actors": {"girl": {"segments": [_seg("kick", 60, 84, "ball", "b1")]},
                       "dad": {"segments": [_seg(catcher_action, 70, 94, "ball", "b2")]}}}
    return plan, [{"actor": "girl", "beat": "b1", "start_frame": 60, "contacts": {"kick": 12},
                   "foot": "right", "foot_velocity": [0.0, -7.0, -1.0]}]


@pytest.mark.parametrize("material,breaks", [("rubber", False), ("glass", True)])
def test_a_kick_then_someone_elses_catch_is_a_pass_unless_the_kick_breaks_it(material, breaks):
    plan, events = _kick_plan()
    props = {"ball": PropFacts("ball", 0.4, breakable=material == "glass", material=material)}
    sim = plan_simulation(plan, events, props, [("ball", "dad", 84, 99, "R")], 100)
    role = sim.props["ball"]
    (kick,) = role.kicks
    assert (kick.actor, kick.frame) == ("girl", 72)
    assert kick.foot_mps == pytest.approx(np.hypot(7.0, 1.0)) and kick.breaks == breaks
    assert role.kicked_at(73) == kick and role.kicked_at(80) is None
    if breaks:              # 7.1 m/s > glass's 2.5 m/s / a shoe's hardness 0.5: shattered
        assert role.flights == [] and role.holds == []        # nothing left to catch
    else:
        (flight,) = role.flights
        assert (flight.thrower, flight.release, flight.catcher, flight.catch) == \
            ("girl", 72, "dad", 84)


def test_a_slow_kick_leaves_a_glass_whole_and_a_kicked_ball_picked_up_is_no_flight():
    plan, events = _kick_plan()
    events[0]["foot_velocity"] = [0.0, -3.0, 0.0]
    props = {"ball": PropFacts("ball", 0.3, breakable=True, material="glass")}
    sim = plan_simulation(plan, events, props, [("ball", "dad", 84, 99, "R")], 100)
    assert not sim.props["ball"].kicks[0].breaks and len(sim.props["ball"].flights) == 1
    plan, events = _kick_plan("pick_up")
    props = {"ball": PropFacts("ball", 0.4, material="rubber")}
    sim = plan_simulation(plan, events, props, [("ball", "dad", 84, 99, "R")], 100)
    assert sim.props["ball"].flights == [] and len(sim.props["ball"].holds) == 1


def test_a_punch_followed_by_a_fall_knocks_down_at_the_hit():
    plan = {"actors": {
        "boxer": {"segments": [_seg("punch", 24, 43, "victim", "b1")]},
        "victim": {"segments": [_seg("idle", 0, 43, kind="idle"), _seg("fall", 43, 79, beat="b2"),
                               _seg("get_up", 79, 139, beat="b4")]},
        "dancer": {"segments": [_seg("fall", 10, 40, beat="b3")]}}}
    events = [{"actor": "victim", "beat": "b2", "start_frame": 43, "handoff_frame": 27},
              {"actor": "dancer", "beat": "b3", "start_frame": 10, "handoff_frame": 20}]
    sim = plan_simulation(plan, events, {}, [], 100)
    downs = {k.actor: k for k in sim.knockdowns}
    assert downs["victim"].frame == 43 and downs["victim"].by == "boxer"
    assert downs["victim"].push_mps > 0
    assert downs["victim"].until == 79                    # the get-up takes him back
    assert downs["dancer"].frame == 30 and downs["dancer"].by is None   # her own fall
    assert downs["dancer"].until is None                  # and she stays down


def test_impacts_find_the_floor_hit_and_its_speed():
    fps, g = 24.0, 9.81
    t = np.arange(0, 1.0, 1 / 240)                      # simulate finely, sample at 24 fps
    z, vz, path = 1.0, 0.0, []
    for _ in t:
        vz -= g / 240
        z += vz / 240
        if z < 0:
            z, vz = -z, -vz * 0.5
        path.append(z)
    positions = np.zeros((len(t[::10]), 3))
    positions[:, 2] = path[::10]
    hits = impacts(positions, fps)
    assert hits, "the bounce is a collision"
    first = hits[0]
    assert first.speed_mps == pytest.approx(np.sqrt(2 * g * 1.0), rel=0.12)
    assert first.normal[2] > 0.9
    assert first.frame == pytest.approx(np.sqrt(2 / g) * fps, abs=1.5)
    # free fall alone has no impact
    assert impacts(positions[: first.frame - 1], fps) == []


def test_a_body_struck_at_rest_counts_its_kick_by_the_change_of_velocity():
    fps = 24.0
    positions = np.zeros((12, 3))
    positions[6:, 1] = np.arange(6) * 7.0 / fps           # still, then 7 m/s along y
    (hit,) = impacts(positions, fps)
    assert hit.frame == 7 and hit.speed_mps == pytest.approx(0.0, abs=0.05)
    assert hit.change_mps == pytest.approx(np.hypot(7.0, 9.81 / fps))
    assert hit.struck_speed(0.35) == pytest.approx(hit.change_mps / 1.35)
    assert impacts(positions, fps, min_speed_mps=5.0) == []       # no approach speed
    assert len(impacts(positions, fps, min_speed_mps=5.0, cor=0.35)) == 1


def test_ballistic_arc_meets_both_ends_under_gravity():
    arc = ballistic_arc([0, 0, 1.5], [4, 2, 1.0], 24, 24.0)
    assert np.allclose(arc[0], [0, 0, 1.5]) and np.allclose(arc[-1], [4, 2, 1.0])
    acc = np.diff(arc, n=2, axis=0) * 24.0 ** 2
    assert np.allclose(acc, [0, 0, -9.81])
    v0 = launch_velocity([0, 0, 1.5], [4, 2, 1.0], 24, 24.0)
    assert np.allclose(v0[:2], [4, 2]) and v0[2] > 0       # up a little before falling


def test_an_aimed_launch_is_a_throws_flatter_arc_capped_at_what_the_kicker_can_do():
    start, end = np.array([0.0, 0.0, 0.11]), np.array([5.0, 0.0, 0.95])
    velocity, seconds = aimed_launch(start, end)
    frames = seconds * 24.0
    t = seconds
    assert np.allclose(start + velocity * t + 0.5 * np.array([0, 0, -9.81]) * t ** 2, end)
    least = np.sqrt(9.81 * (0.84 + np.hypot(0.84, 5.0)))
    assert np.linalg.norm(velocity) == pytest.approx(1.15 * least)
    assert np.allclose(launch_velocity(start, end, frames, 24.0), velocity)
    capped, later = aimed_launch(start, end, max_speed_mps=1.05 * least)
    assert np.linalg.norm(capped) == pytest.approx(1.05 * least) and later > seconds
    weak, _ = aimed_launch(start, end, max_speed_mps=1.0)      # only the least speed reaches
    assert np.linalg.norm(weak) == pytest.approx(least)


def test_check_path_reports_nan_speed_and_sinking():
    fps = 24.0
    still = np.zeros((10, 3))
    assert check_path("box", still, fps, lowest_z=np.zeros(10)) == []
    nan = still.copy()
    nan[4, 1] = np.nan
    (problem,) = check_path("box", nan, fps, lowest_z=np.zeros(10))
    assert problem.frame == 4 and "not a number" in str(problem)
    fast = still.copy()
    fast[6:, 0] = 5.0                                          # 120 m/s in one frame
    assert "m/s" in check_path("box", fast, fps, lowest_z=np.zeros(10))[0].what
    low = np.zeros(10)
    low[7] = -0.05
    (sunk,) = check_path("box", still, fps, lowest_z=low)
    assert sunk.frame == 7 and "sinks" in sunk.what
    assert np.allclose(velocities(fast, fps)[6], [120, 0, 0])


def test_rolling_path_slows_evenly_to_rest_on_the_mark():
    from addon.physics.paths import rolling_path
    path, speed = rolling_path([0, 0, 0.11], [4, 3, 0.5], 120, 24.0, decel_mps2=0.5)
    assert np.allclose(path[-1], [4, 3, 0.11])             # on the mark, on the floor
    assert speed == pytest.approx(np.sqrt(2 * 0.5 * 5.0))
    v = np.linalg.norm(np.diff(path, axis=0), axis=1) * 24
    assert np.all(np.diff(v) <= 1e-9)                      # never speeds up
    assert v[0] == pytest.approx(speed, rel=0.02)
    # too far for the time at that deceleration: it slows harder and still arrives
    path, speed = rolling_path([0, 0, 0], [20, 0, 0], 48, 24.0, decel_mps2=0.5)
    assert np.allclose(path[-1], [20, 0, 0]) and speed == pytest.approx(20.0)


def test_penetration_is_the_deepest_point_inside_a_convex_body():
    from addon.physics.paths import penetration
    normals = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1.0]])
    offsets = np.full(6, 0.5)                                   # the unit cube about 0
    assert penetration([[2, 0, 0], [0, 0, 0.9]], normals, offsets) == 0.0
    assert penetration([[0.45, 0, 0], [2, 2, 2]], normals, offsets) == pytest.approx(0.05)
    assert penetration([[0, 0, 0]], normals, offsets) == pytest.approx(0.5)
