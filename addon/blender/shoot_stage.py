"""The shoot stage in Blender: cameras that cover the staged story, cut with markers, checked.

From the animate stage's "StagePlan.json", the evaluated rigs and props (one pass over the
frames, `shoot_tracks`) and the simulate stage's breaks ("PhysicsReport.json"), the pure
planner (addon/shoot) cuts the story into shots and places their cameras.  This module
builds them: one camera per shot in the collection "Story Cameras" (keyed where it tracks or
pans), depth of field focused on the subject's head bone (an empty following a prop for an
insert), a timeline marker per shot named after its beat and bound to its camera (how
Blender users cut), walls between camera and subject hidden for that shot with keyed
`hide_render`, and the Text "ShotList.json".  Every shot is then checked on every frame in
the evaluated scene: ray casts from the camera to the subject's head and chest (the subject
itself, glass and walls hidden for the shot do not block) and the projected head and torso
inside the frame with headroom.  A failing shot is re-placed (higher, elsewhere, pulled back,
then a wider kind of shot); what still fails is reported.  Light and world: `shoot_light`.

Re-running removes only what this stage made: its cameras, markers, focus empties, lights,
world, the hide keys on walls and the shot list; a user's own cameras stay.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

import numpy as np
from mathutils import Matrix, Vector

from ..shoot.cameras import CameraPlanner, Constraints, check_points
from ..shoot.coverage import PropEvent
from ..shoot.plan import framing_ok, line_crossings, plan_shots, short_cuts
from ..shoot.projection import Lens, camera_matrix, sees_over_walls
from ..shoot.shots import KINDS
from ..stage.records import StagePlan
from . import cleanup, keys, screenplay_store, shoot_light, shoot_tracks
from .animate_stage import PLAN_TEXT, rigs_by_id
from .tags import tag

log = logging.getLogger(__name__)

STAGE = "shoot"
SHOT_TEXT = "ShotList.json"
COLLECTION = "Story Cameras"
LIGHT_COLLECTION = "Shot Lighting"          # the lights and ceiling this stage adds
USER_CAMERA_KEY = "story_user_camera"
#: Kinds tried in turn when a shot cannot be fixed where it is.
WIDER = {"close_up": "medium", "medium": "full", "over_shoulder": "two_shot",
         "two_shot": "full", "full": "wide", "insert": "full", "panning": "wide",
         "tracking": "panning"}


class ShootError(Exception):
    """The scene cannot be shot (nothing staged yet); one line for the user."""


@dataclass
class ShootReport:
    """What the stage made and how well it covers the story: the shot list rows, the shares
    of shot frames with the subject visible, in frame and both (`coverage`), the shots it
    had to fix, the lighting it added; for the CLI, the panel and the benchmarks."""
    shots: list[dict] = field(default_factory=list)
    frames_checked: int = 0
    visible_share: float = 0.0
    in_frame_share: float = 0.0
    coverage: float = 0.0             # share of shot frames with the subject visible and in frame
    fixed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lighting: list[str] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"shots": self.shots, "frames_checked": self.frames_checked,
                "visible_share": self.visible_share, "in_frame_share": self.in_frame_share,
                "coverage": self.coverage, "fixed": self.fixed, "notes": self.notes,
                "lighting": self.lighting,
                "seconds": self.seconds, "warnings": self.warnings}


def clear_shoot(blend_data, scene=None) -> dict[str, int]:
    """Undo this stage: its markers, the wall hide keys it put on other stages' objects, the
    scene camera it set, then everything tagged "shoot"."""
    ours = {o.name for o in blend_data.objects if o.get("story_stage") == STAGE}
    listed = set()
    text = blend_data.texts.get(SHOT_TEXT)
    if text is not None and text.get("story_stage") == STAGE:
        try:
            listed = {s["shot"] for s in json.loads(text.as_string()).get("shots", [])}
        except (json.JSONDecodeError, KeyError, TypeError):
            listed = set()
    for sc in blend_data.scenes:
        for marker in list(sc.timeline_markers):
            cam = marker.camera
            if (cam is not None and cam.name in ours) or (cam is None and marker.name in listed):
                sc.timeline_markers.remove(marker)
        if sc.camera is not None and sc.camera.name in ours:
            before = sc.get(USER_CAMERA_KEY)
            sc.camera = blend_data.objects.get(before) if before else None
        if USER_CAMERA_KEY in sc:
            del sc[USER_CAMERA_KEY]
    for obj in blend_data.objects:
        anim = obj.animation_data
        if obj.get("story_stage") != STAGE and anim is not None and anim.action is not None \
                and anim.action.get("story_stage") == STAGE:
            anim.action = None
            obj.hide_render = False
    return cleanup.remove_stage(blend_data, STAGE)


def _read_plan(blend_data) -> StagePlan:
    text = blend_data.texts.get(PLAN_TEXT)
    if text is None:
        raise ShootError(f"no {PLAN_TEXT} in the file: run the animate stage first")
    try:
        return StagePlan.from_json(text.as_string())
    except (json.JSONDecodeError, KeyError, ValueError) as exc:
        raise ShootError(f"{PLAN_TEXT} cannot be read ({exc}); run the animate stage again")


def _events(blend_data, scene, tracks) -> list[PropEvent]:
    text = blend_data.texts.get("PhysicsReport.json")
    if text is None:
        return []
    out = []
    for pid, info in json.loads(text.as_string()).get("props", {}).items():
        frame = info.get("broken_at_frame")
        if frame is None or pid not in tracks:
            continue
        f = int(frame) - scene.frame_start
        out.append(PropEvent(pid, "break", f, tuple(tracks[pid].point("centre", f, f + 1)[0])))
    return out


def run_shoot(blend_data, scene, screenplay, seed: int = 0) -> ShootReport:
    """Cover the staged story with checked cameras, cuts and shot lighting; see the module
    docstring."""
    started = time.perf_counter()
    clear_shoot(blend_data, scene)
    stage = _read_plan(blend_data)
    rigs = {cid: r for cid, r in rigs_by_id(blend_data).items() if cid in stage.actors}
    props = shoot_tracks.story_props(blend_data)
    facing = {cid: stage.trajectory(cid)[:, 2] for cid in rigs}
    mesh_boxes = shoot_tracks.MeshBoxes()
    tracks = shoot_tracks.sample_tracks(scene, rigs, props, facing, int(stage.frames),
                                        mesh_boxes)
    moving = set(props) | set(rigs)
    boxes, ceiling = shoot_tracks.obstacles(blend_data, moving)
    set_plan = _set_plan(blend_data)
    indoor = any(b.wall for b in boxes) or set_plan.get("kind") == "indoor"
    constraints = Constraints(boxes=tuple(boxes), ceiling_m=ceiling, indoor=indoor)
    lens = Lens(36.0, 36.0, scene.render.resolution_x, scene.render.resolution_y)
    plan = plan_shots(stage, tracks, _events(blend_data, scene, tracks), lens=lens,
                      constraints=constraints, seed=seed)
    _unique_names(plan.shots)
    report = ShootReport(notes=list(plan.notes), warnings=list(plan.warnings))

    root = blend_data.collections.new(COLLECTION)
    tag(root, STAGE, "cameras")
    scene.collection.children.link(root)
    lighting = blend_data.collections.new(LIGHT_COLLECTION)
    tag(lighting, STAGE, "lighting")
    scene.collection.children.link(lighting)
    report.lighting = shoot_light.light_world(blend_data, scene, set_plan, lighting)
    told = getattr(getattr(screenplay, "set", None), "time_of_day", "")
    lit = set_plan.get("lighting", {}).get("time_of_day")
    if told and lit and told != lit:
        report.warnings.append(f"the set is lit for {lit} but the story says {told}: run "
                               f"the cast stage again")

    if scene.camera is not None and scene.camera.get("story_stage") != STAGE:
        scene[USER_CAMERA_KEY] = scene.camera.name
    cams = {s.name: _camera(blend_data, root, s, rigs, tracks, scene) for s in plan.shots}
    _key_walls(blend_data, scene, plan.shots)

    checker = _Checker(blend_data, scene, tracks, lens, rigs, mesh_boxes)
    results = checker.run(plan.shots, cams)
    build = _Builder(blend_data, root, cams, rigs, tracks, scene, plan.shots)
    planner = CameraPlanner(tracks, lens, constraints, seed + 1)
    for i, shot in enumerate(plan.shots):
        if results[shot.name].all():
            continue
        before = results[shot.name].mean()
        results[shot.name] = _fix(shot, plan.shots[i - 1] if i else None, planner,
                                  constraints, checker, build, results[shot.name])
        after = results[shot.name].mean()
        if after > before:
            report.fixed.append(f"{shot.name}: {before:.0%} → {after:.0%} of frames clear "
                                f"({shot.kind})")
        if not results[shot.name].all():
            bad = np.flatnonzero(~results[shot.name]) + shot.start_frame + scene.frame_start
            report.warnings.append(f"{shot.name}: subject hidden or out of frame on "
                                   f"{len(bad)} of {shot.frames} frames (first {bad[0]})")
    report.warnings += line_crossings(plan, tracks) + short_cuts(plan)
    room = planner.room()
    if room is not None and any(
            sees_over_walls(checker.camera_at(cams[s.name], scene.frame_start + f),
                            lens.with_focal(s.focal_mm), *room)
            for s in plan.shots for f in (s.start_frame, s.end_frame - 1)):
        _ceiling(blend_data, lighting, room)
        report.lighting.append("ceiling added for the cameras (seen by camera rays only)")
    _markers(scene, plan.shots, cams)
    scene.camera = cams[plan.shots[0].name] if plan.shots else scene.camera

    total = sum(s.frames for s in plan.shots)
    vis = sum(int(checker.visible[s.name].sum()) for s in plan.shots)
    inf = sum(int(checker.framed[s.name].sum()) for s in plan.shots)
    both = sum(int(results[s.name].sum()) for s in plan.shots)
    report.frames_checked = total
    report.visible_share = round(vis / max(total, 1), 4)
    report.in_frame_share = round(inf / max(total, 1), 4)
    report.coverage = round(both / max(total, 1), 4)
    texts = {b.id: b.source.text for b in getattr(screenplay, "beats", [])
             if getattr(b, "source", None) is not None}
    report.shots = [_row(s, cams[s.name], scene, results[s.name], texts) for s in plan.shots]
    text = blend_data.texts.new(SHOT_TEXT)
    text.from_string(json.dumps({"fps": plan.fps, "frame_start": scene.frame_start,
                                 "coverage": report.coverage, "pairs": plan.pairs,
                                 "shots": report.shots}, indent=1))
    tag(text, STAGE, "shotlist")
    report.seconds = round(time.perf_counter() - started, 3)
    for w in report.warnings:
        log.info("shoot: %s", w)
    screenplay_store.record_inputs(scene, STAGE, screenplay, seed)   # what it followed
    return report


# --- building ---------------------------------------------------------------------------------

def _set_plan(blend_data) -> dict:
    text = blend_data.texts.get("SetPlan.json")
    try:
        return json.loads(text.as_string()) if text is not None else {}
    except json.JSONDecodeError:
        return {}


def _unique_names(shots):
    seen: dict[str, int] = {}
    for s in shots:
        n = seen.get(s.name, 0)
        seen[s.name] = n + 1
        if n:
            s.name = f"{s.name} {n + 1}"


def _camera(blend_data, root, shot, rigs, tracks, scene):
    """The shot's camera object: lens, depth of field on the subject, keyed if it moves."""
    data = blend_data.cameras.new(f"Cam {shot.name}")
    tag(data, STAGE, shot.name)
    obj = blend_data.objects.new(f"Cam {shot.name}", data)
    tag(obj, STAGE, shot.name)
    obj["story_shot_kind"] = shot.kind
    root.objects.link(obj)
    _dress(blend_data, root, obj, shot, rigs, tracks, scene)
    return obj


def _dress(blend_data, root, obj, shot, rigs, tracks, scene):
    data = obj.data
    data.lens, data.sensor_width, data.sensor_fit = shot.focal_mm, 36.0, "AUTO"
    data.clip_start, data.clip_end = 0.05, 300.0
    data.dof.use_dof = True
    data.dof.aperture_fstop = shot.fstop
    focus = shot.focus
    if focus in rigs:
        rig = rigs[focus]
        data.dof.focus_object = rig
        from ..motion.retarget import find_mapping
        data.dof.focus_subtarget = find_mapping([b.name for b in rig.data.bones]).bones[
            "head"][0]
    elif focus in tracks:
        empty = blend_data.objects.new(f"Focus {shot.name}", None)
        empty.empty_display_size = 0.1
        tag(empty, STAGE, shot.name)
        root.objects.link(empty)
        tr = tracks[focus]
        frames = np.arange(shot.start_frame, shot.end_frame)
        pts = tr.point("centre", shot.start_frame, shot.end_frame)
        m = np.tile(np.eye(4), (len(frames), 1, 1))
        m[:, :3, 3] = pts[:len(frames)]
        action, bag = keys.new_action(blend_data, empty, f"Focus {shot.name}", STAGE,
                                      shot.name)
        keys.key_matrices(bag, empty, frames[:len(pts)] + scene.frame_start, m[:len(pts)])
        keys.assign(empty, action)
        data.dof.focus_object = empty
    if len(shot.keys) == 1:
        k = shot.keys[0]
        obj.matrix_world = Matrix(camera_matrix(k.position, k.target).tolist())
    else:
        frames = np.array([k.frame for k in shot.keys], float) + scene.frame_start
        mats = np.array([camera_matrix(k.position, k.target) for k in shot.keys])
        action, bag = keys.new_action(blend_data, obj, f"Cam {shot.name} move", STAGE,
                                      shot.name)
        keys.key_matrices(bag, obj, frames, mats)
        keys.assign(obj, action)


@dataclass
class _Builder:
    """What re-building a re-placed shot's camera needs."""
    blend_data: object
    root: object
    cams: dict
    rigs: dict
    tracks: dict
    scene: object
    shots: list

    def rebuild(self, shot):
        _rebuild(self.blend_data, self.root, shot, self.cams, self.rigs, self.tracks,
                 self.scene)
        _key_walls(self.blend_data, self.scene, self.shots)


def _fix(shot, previous, planner, constraints, checker, build: _Builder, ok) -> np.ndarray:
    """Re-place a shot whose subject is hidden or out of frame (`_attempts` in turn) and keep
    the placement that clears most frames; returns its per-frame result."""
    best = (ok.mean(), _snapshot(shot), ok)
    for attempt in _attempts(shot):
        _restore(shot, best[1])
        constraints.avoid = [np.asarray(k.position) for k in shot.keys]
        if attempt.get("kind"):
            shot.kind = attempt["kind"]
            shot.focal_mm = KINDS[shot.kind]["focal_mm"]
            shot.fstop = KINDS[shot.kind]["fstop"]
            if shot.kind not in ("two_shot", "over_shoulder", "establishing", "wide"):
                shot.subjects = shot.subjects[:1]
        planner.place(shot, previous, elevation_add=attempt.get("up", 0.0),
                      pull=attempt.get("pull", 1.0))
        build.rebuild(shot)
        now = checker.run([shot], build.cams)[shot.name]
        if now.mean() > best[0]:
            best = (now.mean(), _snapshot(shot), now)
        if now.all():
            break
    constraints.avoid = []
    if _snapshot(shot) != best[1]:
        _restore(shot, best[1])
        build.rebuild(shot)
        return checker.run([shot], build.cams)[shot.name]
    return best[2]


def _rebuild(blend_data, root, shot, cams, rigs, tracks, scene):
    """Re-dress the shot's camera after it was re-placed."""
    obj = cams[shot.name]
    if obj.animation_data is not None and obj.animation_data.action is not None:
        old = obj.animation_data.action
        obj.animation_data.action = None
        blend_data.actions.remove(old)
    for o in [o for o in root.objects if o.type == "EMPTY" and o.get("story_id") == shot.name]:
        act = o.animation_data.action if o.animation_data else None
        blend_data.objects.remove(o)
        if act is not None and act.users == 0:
            blend_data.actions.remove(act)
    obj["story_shot_kind"] = shot.kind
    _dress(blend_data, root, obj, shot, rigs, tracks, scene)


def _key_walls(blend_data, scene, shots):
    """Key `hide_render` on every wall a shot hides: on for that shot, off otherwise, with
    constant steps at the cuts.  A wall already animated by someone else is left alone."""
    walls = {o["story_id"]: o for o in blend_data.objects
             if o.get("story_stage") == "cast" and str(o.get("story_id", "")).startswith("wall_")}
    for wid, wall in walls.items():
        anim = wall.animation_data
        if anim is not None and anim.action is not None:
            if anim.action.get("story_stage") != STAGE:
                continue
            old = anim.action
            anim.action = None
            blend_data.actions.remove(old)
        if not any(wid in s.hidden for s in shots):
            wall.hide_render = False
            continue
        frames = [scene.frame_start + s.start_frame for s in shots]
        values = [1.0 if wid in s.hidden else 0.0 for s in shots]
        action, bag = keys.new_action(blend_data, wall, f"{wall.name} shots", STAGE, wid)
        keys.key_curve(bag, "hide_render", 0, "Visibility", frames, values, keys.CONSTANT)
        keys.assign(wall, action)


def _ceiling(blend_data, root, room):
    """A ceiling over a room the cameras see above the walls of.  Only camera rays see it,
    so the set's lighting stays as the cast stage made it."""
    (x0, y0), (x1, y1), z = room
    verts = [(x0, y0, z), (x1, y0, z), (x1, y1, z), (x0, y1, z),
             (x0, y0, z + 0.1), (x1, y0, z + 0.1), (x1, y1, z + 0.1), (x0, y1, z + 0.1)]
    faces = [(0, 1, 2, 3), (4, 7, 6, 5), (0, 4, 5, 1), (1, 5, 6, 2), (2, 6, 7, 3), (3, 7, 4, 0)]
    mesh = blend_data.meshes.new("Shot Ceiling")
    mesh.from_pydata(verts, [], faces)
    mesh.update()
    wall = next((o for o in blend_data.objects if o.get("story_id") == "wall_back"
                 and o.get("story_stage") == "cast" and o.type == "MESH"), None)
    if wall is not None and wall.data.materials:
        mesh.materials.append(wall.data.materials[0])
    tag(mesh, STAGE, "ceiling")
    obj = blend_data.objects.new("Shot Ceiling", mesh)
    for ray in ("visible_diffuse", "visible_glossy", "visible_transmission",
                "visible_volume_scatter", "visible_shadow"):
        if hasattr(obj, ray):
            setattr(obj, ray, False)
    tag(obj, STAGE, "ceiling")
    root.objects.link(obj)
    return obj


def _markers(scene, shots, cams):
    for s in shots:
        marker = scene.timeline_markers.new(s.name, frame=scene.frame_start + s.start_frame)
        marker.camera = cams[s.name]


def _row(shot, cam, scene, ok, texts: dict[str, str]) -> dict:
    f0 = scene.frame_start
    return {"shot": shot.name, "beat": shot.beat, "text": texts.get(shot.beat, ""),
            "camera": cam.name, "type": shot.kind,
            "start_frame": f0 + shot.start_frame, "end_frame": f0 + shot.end_frame - 1,
            "seconds": round(shot.frames / (scene.render.fps / scene.render.fps_base), 3),
            "subject": shot.focus, "subjects": list(shot.subjects), "action": shot.action,
            "lens_mm": round(shot.focal_mm, 1), "fstop": shot.fstop,
            "moving": len(shot.keys) > 1, "hidden": list(shot.hidden),
            "coverage": round(float(ok.mean()), 4), "notes": list(shot.notes)}


def _snapshot(shot):
    return (shot.kind, shot.subjects, shot.focal_mm, shot.fstop,
            tuple((k.frame, tuple(k.position), tuple(k.target)) for k in shot.keys),
            shot.hidden)


def _restore(shot, snap):
    from ..shoot.shots import CameraKey
    shot.kind, shot.subjects, shot.focal_mm, shot.fstop, ks, shot.hidden = snap
    shot.keys = [CameraKey(f, p, t) for f, p, t in ks]


def _attempts(shot) -> list[dict]:
    """Fixes in the order an operator would try them: elsewhere around the subject, higher,
    pulled back, then a wider kind of shot."""
    out = [{}, {"up": 15.0}, {"pull": 1.3}, {"up": 30.0, "pull": 1.2}]
    kind = shot.kind
    for _ in range(2):
        kind = WIDER.get(kind)
        if kind is None:
            break
        out.append({"kind": kind})
        out.append({"kind": kind, "up": 20.0})
    return out


# --- checking ---------------------------------------------------------------------------------

class _Checker:
    """Visibility (ray casts) and framing (projection) of each shot's subjects per frame.

    A ray is only cast when the line of sight crosses the bounding box of something that
    could block it (every mesh's box from its matrix, a character's from its bones): Blender
    builds a BVH of deformed meshes for each `scene.ray_cast`, and most lines cross nothing.
    """

    def __init__(self, blend_data, scene, tracks, lens, rigs, mesh_boxes):
        self.scene, self.tracks, self.lens = scene, tracks, lens
        self.owner: dict[str, str] = {}
        for o in blend_data.objects:
            ident = o.get("story_id")
            if ident in tracks:
                self.owner[o.name] = ident
        self.glass = {o.name for o in blend_data.objects if o.get("story_material") == "glass"}
        self.walls = {o.name: o["story_id"] for o in blend_data.objects
                      if str(o.get("story_id", "")).startswith("wall_")
                      and o.get("story_stage") == "cast"}
        self.mesh = mesh_boxes
        self.rigs = rigs
        self.rays = 0
        self.visible: dict[str, np.ndarray] = {}
        self.framed: dict[str, np.ndarray] = {}

    def _boxes(self, frame: int, shot):
        """(lows, highs) of what could block a line of sight on `frame`."""
        ignore = set(shot.subjects)
        lows, highs = [], []
        mb = self.mesh
        for name in mb.low:
            k = min(frame, len(mb.low[name]) - 1)
            if mb.hidden[name][k] or name in self.glass or self.owner.get(name) in ignore or (
                    name in self.walls and self.walls[name] in shot.hidden):
                continue
            lows.append(mb.low[name][k])
            highs.append(mb.high[name][k])
        for cid in self.rigs:
            if cid in ignore:
                continue
            pts = self.tracks[cid].points[min(frame, self.tracks[cid].frames - 1)]
            lows.append(pts.min(axis=0) - 0.4)
            highs.append(pts.max(axis=0) + 0.4)
        return np.array(lows).reshape(-1, 3), np.array(highs).reshape(-1, 3)

    def camera_at(self, cam, frame: int) -> np.ndarray:
        """The camera's world matrix at a scene frame, from its keys (no frame step)."""
        anim = cam.animation_data
        if anim is not None and anim.action is not None:
            m = keys.evaluate_matrix(anim.action, frame)
            if m is not None:
                return m
        return np.array(cam.matrix_world)

    def run(self, shots, cams) -> dict[str, np.ndarray]:
        """Check every frame of `shots`; returns per shot a bool per frame.  The scene is
        only stepped to frames where a line of sight crosses something's box."""
        scene = self.scene
        current = scene.frame_current
        out = {}
        for shot in sorted(shots, key=lambda s: s.start_frame):
            cam = cams[shot.name]
            vis = np.ones(shot.frames, bool)
            fr = np.ones(shot.frames, bool)
            for k, f in enumerate(range(shot.start_frame, shot.end_frame)):
                m = self.camera_at(cam, scene.frame_start + f)
                origin = m[:3, 3]
                points = check_points(shot, self.tracks, f)
                fr[k] = framing_ok(shot, self.tracks, self.lens, [f], matrices=[m])[0]
                boxes = self._boxes(f, shot)
                for sid, pts in points.items():
                    tr = self.tracks[sid]
                    if tr.visible is not None and not tr.visible[min(f, len(tr.visible) - 1)]:
                        continue                  # a prop not shown (yet): nothing to hide
                    use = pts[1:] if tr.kind == "actor" else pts      # head and chest
                    if not all(self._clear(origin, p, shot, boxes, f) for p in use):
                        vis[k] = False
                        break
            self.visible[shot.name], self.framed[shot.name] = vis, fr
            out[shot.name] = vis & fr
        if scene.frame_current != current:
            scene.frame_set(current)
        return out

    def _clear(self, origin, point, shot, boxes, frame: int) -> bool:
        """Is the segment camera → point free of anything but the shot's own subjects,
        glass, hidden things and the walls hidden for the shot?  Cast in the evaluated
        scene at `frame` when it crosses any box."""
        lows, highs = boxes
        if not _crosses_any(origin, point, lows, highs):
            return True
        if self.scene.frame_current != self.scene.frame_start + frame:
            self.scene.frame_set(self.scene.frame_start + frame)
        self.rays += 1
        depsgraph = _depsgraph()
        start = Vector(origin)
        end = Vector(point)
        ignore_ids = set(shot.subjects)
        for _ in range(12):
            d = end - start
            dist = d.length - 0.05
            if dist <= 0:
                return True
            hit, loc, _, _, obj, _ = self.scene.ray_cast(depsgraph, start, d.normalized(),
                                                         distance=dist)
            if not hit:
                return True
            name = obj.name if obj is not None else ""
            original = getattr(obj, "original", obj)
            if self.owner.get(name) in ignore_ids or name in self.glass or (
                    name in self.walls and self.walls[name] in shot.hidden) or (
                    original is not None and original.hide_render):
                start = loc + d.normalized() * 0.002
                continue
            return False
        return True


def _crosses_any(start, end, lows, highs) -> bool:
    """Does the segment start→end pass through any of the boxes (vectorised slab test)?"""
    if not len(lows):
        return False
    s, e = np.asarray(start, float), np.asarray(end, float)
    d = e - s
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(np.abs(d) < 1e-12, np.inf, 1.0 / d)
        a = (lows - s) * inv
        b = (highs - s) * inv
    flat = np.abs(d) < 1e-12
    outside = flat & ((s < lows) | (s > highs))
    a = np.where(flat, -np.inf, a)
    b = np.where(flat, np.inf, b)
    t0 = np.maximum(np.minimum(a, b).max(axis=1), 0.0)
    t1 = np.minimum(np.maximum(a, b).min(axis=1), 1.0)
    return bool(((t0 <= t1) & ~outside.any(axis=1)).any())


def _depsgraph():
    import bpy
    return bpy.context.evaluated_depsgraph_get()


def shot_list(blend_data) -> dict:
    """What the last run of this stage wrote to "ShotList.json" (fps, frame_start, coverage,
    pairs, shots: one row per shot), or {} before one; for `inspect`, render and storyboard."""
    text = blend_data.texts.get(SHOT_TEXT)
    if text is None or text.get("story_stage") != STAGE:
        return {}
    return json.loads(text.as_string())
