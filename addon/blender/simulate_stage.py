"""The simulate stage in Blender: Bullet plays out what the characters touch, baked to keys.

From the animate stage's StagePlan and MotionEvents it builds a rigid-body world (a thick floor,
the set as passive colliders, every movable prop as a dynamic body, the characters' limbs as
kinematic capsules), keys each prop to ride in the hand while it is held and along a ballistic
arc from a throw to a catch, steps the frames in order and records where everything went.  A
breakable prop that hits something harder than its material stands is simulated again as
Voronoi shards swapped in at the impact frame; a character knocked down becomes a ragdoll.
Everything is then keyed (one action per body: "<name> physics") and every rigid body removed,
so the result renders on any machine without a simulation.  Re-running restores each prop's
animation from before the stage and replaces only what this stage made.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from ..physics import world
from ..physics.scenario import PropFacts, SimulationPlan, plan_simulation
from . import body_physics_build, cleanup, keys, screenplay_store
from .animate_stage import EVENTS_TEXT, PLAN_TEXT, held_spans, rigs_by_id
from .physics_world import BEFORE_KEY, Character, PhysicsPass
from .tags import tag

log = logging.getLogger(__name__)

STAGE = "simulate"
REPORT_TEXT = "PhysicsReport.json"
#: How the ragdoll's mass split follows the Screenplay's sex (de Leva's tables, blended).
FEMALE = {"female": 1.0, "male": 0.0}
#: A thing with a top to put things on that weighs more than this is furniture.
LIGHT_SUPPORT_KG = 10.0


class SimulateError(Exception):
    """The scene cannot be simulated (no staged motion yet, say); one line for the user."""


@dataclass
class SimulateReport:
    frames: int
    seconds: float = 0.0
    passes: int = 0
    props: dict[str, dict] = field(default_factory=dict)
    knockdowns: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def props_by_id(blend_data) -> dict:
    """The cast stage's props (story props and set dressing) by the key the simulation uses:
    the story id, and for the other members of a counted prop (a row of dominoes) the id
    with "#<member>" (member 0 keeps the plain id: it is the one beats reach for)."""
    out = {}
    for o in blend_data.objects:
        if o.get("story_stage") == "cast" and "story_category" in o:
            member = int(o.get("story_member", 0))
            out[o["story_id"] if member == 0 else f"{o['story_id']}#{member}"] = o
    return out


def clear_simulation(blend_data) -> None:
    """Undo this stage: props get back the action, place and visibility they had, then
    everything the stage made goes."""
    for obj in blend_data.objects:
        before = obj.get(BEFORE_KEY)
        if before is None:
            continue
        before = json.loads(before)
        keys.assign(obj, blend_data.actions.get(before["action"]) if before["action"] else None)
        for channel, value in before["channels"].items():
            setattr(obj, channel, value)
        obj.hide_render, obj.hide_viewport = before["hide"]
        del obj[BEFORE_KEY]
    cleanup.remove_stage(blend_data, STAGE)


def _read_text(blend_data, name: str):
    text = blend_data.texts.get(name)
    if text is None:
        raise SimulateError(f"no {name} in the file: run the animate stage first")
    try:
        return json.loads(text.as_string())
    except json.JSONDecodeError as exc:
        raise SimulateError(f"{name} is not valid JSON ({exc.msg} at line {exc.lineno})")


def _furniture(obj) -> bool:
    """Something to sit on, or a heavy thing to put things on: it stays put unless a beat
    moves it.  A light box or crate is a prop like any other (a thrown ball topples it)."""
    return "story_seat_height_m" in obj or ("story_support_top_m" in obj and float(
        obj.get("story_mass_kg", 0.0)) > LIGHT_SUPPORT_KG)


def _facts(key: str, obj, story_props: set[str]) -> PropFacts:
    return PropFacts(key, float(obj.get("story_mass_kg", 1.0)),
                     breakable=bool(obj.get("story_breakable", False)),
                     furniture=_furniture(obj),
                     from_story=obj["story_id"] in story_props,
                     material=str(obj.get("story_material", "")))


def run_simulate(blend_data, scene, screenplay, seed: int = 0) -> SimulateReport:
    """Simulate the staged story and bake it to keys; see the module docstring.  On any
    failure the scene is left as it was before the stage ran."""
    started = time.perf_counter()
    clear_simulation(blend_data)
    stage_plan = _read_text(blend_data, PLAN_TEXT)
    events = _read_text(blend_data, EVENTS_TEXT)
    objects = props_by_id(blend_data)
    frames = scene.frame_end - scene.frame_start + 1
    story_props = {p.id for p in screenplay.props}
    sim = plan_simulation(stage_plan, events, {key: _facts(key, o, story_props)
                                               for key, o in objects.items()},
                          held_spans(events, stage_plan, frames - 1), frames)
    report = SimulateReport(frames)
    characters = _characters(blend_data, scene, screenplay, sim.actors)
    current = PhysicsPass(blend_data, scene, sim, objects, seed, characters=characters)
    try:
        recording = current.run()
        report.passes = 1
        breaks, rolls = current.find_breaks(recording), current.find_rolls(recording)
        for substeps in (None, *world.RETRY_SUBSTEPS[1:]):
            if substeps is not None or breaks or rolls:
                current.teardown(keep_shards=False)
                current = PhysicsPass(blend_data, scene, sim, objects, seed, breaks=breaks,
                                      rolls=rolls, characters=characters, substeps=substeps)
                recording = current.run()
                report.passes += 1
            problems = current.check(recording)
            if not problems:
                break
            log.info("simulate: %s; again with more substeps", problems[0])
        report.problems = [str(p) for p in problems]
        current.bake(recording)
    except Exception:
        current.teardown()
        clear_simulation(blend_data)
        raise
    current.teardown()
    report.props = _summary(sim, objects, current, recording)
    report.knockdowns = [_knockdown_summary(down, current) for down in sim.knockdowns
                         if down.actor in current.people]
    report.seconds = round(time.perf_counter() - started, 3)
    for problem in report.problems:
        log.warning("simulate: %s", problem)
    text = blend_data.texts.new(REPORT_TEXT)
    text.write(json.dumps(report.to_dict(), indent=1))
    tag(text, STAGE, "physics")
    screenplay_store.record_inputs(scene, STAGE, screenplay, seed)   # what it followed
    return report


def _characters(blend_data, scene, screenplay, actors: list[str]) -> dict[str, Character]:
    """Every animated character's rig, body, ragdoll plan and poses over the whole story,
    read in one pass over the frames with the skins switched off (only bones are read)."""
    rigs = rigs_by_id(blend_data)
    skins = {o["story_id"]: o for o in blend_data.objects
             if o.get("story_stage") == "cast" and "story_garments" in o}
    female = {c.id: FEMALE.get(c.body.sex, 0.5) for c in screenplay.cast}
    cids = [cid for cid in actors if cid in rigs and cid in skins]
    plans = {cid: body_physics_build.plan_for(rigs[cid], skins[cid], female=female.get(cid, 0.5))
             for cid in cids}
    frames = np.arange(scene.frame_start, scene.frame_end + 1)
    meshes = [o for o in blend_data.objects if o.parent is not None and o.parent.name in
              {rigs[cid].name for cid in cids} and not o.hide_viewport]
    current = scene.frame_current
    for obj in meshes:
        obj.hide_viewport = True
    try:
        followed = body_physics_build.follow_poses(scene, [(rigs[c], plans[c]) for c in cids],
                                                   frames)
    finally:
        for obj in meshes:
            obj.hide_viewport = False
        scene.frame_set(current)
    return {cid: Character(rigs[cid], skins[cid], plans[cid], read)
            for cid, read in zip(cids, followed)}


def _knockdown_summary(down, done: PhysicsPass) -> dict:
    """Where the knocked-down body went: how far the pelvis travelled and how low the
    capsules sank (below 0 is into the floor), at any moment and over its last quarter
    second down."""
    limbs = done.limbs[down.actor]
    pelvis = done.people[down.actor].plan.names().index("pelvis")
    end = len(limbs) - 1 if down.until is None else down.until
    travel = limbs[end, pelvis, :3, 3] - limbs[down.frame, pelvis, :3, 3]
    segments = done.people[down.actor].plan.segments
    radii = np.array([s.capsule.radius_m for s in segments])
    halves = np.array([s.capsule.half_length_m for s in segments])
    span = limbs[down.frame:end + 1]          # capsules lie along their local Z
    low = (span[..., 2, 3] - np.abs(span[..., 2, 2]) * halves - radii).min(axis=1)
    settled = max(1, int(round(0.25 * done.fps)))
    return {"actor": down.actor, "frame": done.first + down.frame, "by": down.by,
            "until_frame": None if down.until is None else done.first + down.until,
            "travel_m": round(float(np.linalg.norm(travel[:2])), 3),
            "lowest_m": round(float(low.min()), 4),
            "rest_lowest_m": round(float(low[-settled:].min()), 4)}


def _summary(sim: SimulationPlan, objects: dict, done: PhysicsPass, recording) -> dict:
    out = {}
    for pid, role in sim.props.items():
        if role.body != "dynamic":
            continue
        obj = objects[pid]
        names = [s.name for s in done.shards.get(pid, [])] or [obj.name]
        paths = [recording[n][:, :3, 3] for n in names if n in recording]
        hit = done.breaks.get(pid)
        if hit is not None:
            paths.append(hit.path[:, :3, 3])
        speed = max((float(np.linalg.norm(np.diff(p, axis=0), axis=1).max()) * done.fps
                     for p in paths if len(p) > 1), default=0.0)
        out[pid] = {"pieces": len(names), "max_speed_mps": round(speed, 3),
                    "broken_at_frame": (done.first + hit.frame - 1) if hit else None,
                    "impact_speed_mps": round(hit.speed_mps, 3) if hit else None,
                    "held": len(role.holds), "flights": len(role.flights)}
    return out


def physics_report(blend_data) -> dict:
    """What the last run of this stage reported (PhysicsReport.json), or {} before one."""
    text = blend_data.texts.get(REPORT_TEXT)
    return json.loads(text.as_string()) if text is not None else {}


def prop_metrics(blend_data, scene) -> dict[str, dict]:
    """Per simulated prop, from the baked keys: pieces showing at the end, top speed and the
    lowest any piece went (metres; below 0 is through the floor)."""
    summary = physics_report(blend_data).get("props", {})
    pieces = {pid: [o for o in blend_data.objects if o.get("story_id") == pid
                    and o.type == "MESH" and (o.get("story_stage") == STAGE
                                              or "story_category" in o)]
              for pid in summary}
    fps = scene.render.fps / scene.render.fps_base
    frames = range(scene.frame_start, scene.frame_end + 1)
    local = {o.name: np.array([v.co[:] for v in o.data.vertices]) for objs in pieces.values()
             for o in objs}
    lowest = {pid: np.inf for pid in pieces}
    paths = {o.name: [] for objs in pieces.values() for o in objs}
    shown = {o.name: [] for objs in pieces.values() for o in objs}
    for frame in frames:
        scene.frame_set(frame)
        for pid, objs in pieces.items():
            for o in objs:
                m = np.array(o.matrix_world)
                paths[o.name].append(m[:3, 3])
                shown[o.name].append(not o.hide_render)
                if not o.hide_render and len(local[o.name]):
                    z = (local[o.name] @ m[2, :3] + m[2, 3]).min()
                    lowest[pid] = min(lowest[pid], float(z))
    out = {}
    for pid, objs in pieces.items():
        speeds = [np.linalg.norm(np.diff(np.compress(shown[o.name], paths[o.name], axis=0),
                                         axis=0), axis=1) * fps for o in objs]
        out[pid] = {"pieces": sum(1 for o in objs if shown[o.name][-1]),
                    "nan": int(sum((~np.isfinite(np.asarray(paths[o.name]))).any(axis=1).sum()
                                   for o in objs)),
                    "max_speed_mps": round(max((float(s.max()) for s in speeds if len(s)),
                                               default=0.0), 4),
                    "min_z_m": round(lowest[pid], 4) if np.isfinite(lowest[pid]) else None,
                    **{k: v for k, v in summary[pid].items() if k not in ("pieces",
                                                                          "max_speed_mps")}}
    return out
