"""The Stage button: the story's blocking drawn into the scene before anything is animated.

Staging (addon/stage) decides where everyone stands and walks for every beat; the animate
stage keys motion along that plan (planning it again the same way).  Drawing the plan on its
own lets a user check the blocking before motion is made, move a prop or a character and
stage again: a path curve per character along the floor (a spline per walk) and an arrow at
the spot and facing of each action, named after its beat ("b2 hug").  All of it lives in the
collection "Story Blocking", tagged `story_stage="stage"`, shown in the viewport only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..motion.retarget import RigError
from ..screenplay import Screenplay
from . import cleanup
from .animate_stage import plan_staging, rigs_by_id
from .tags import tag

STAGE = "stage"
COLLECTION = "Story Blocking"
#: Paths are drawn this high above the floor, so the ground does not hide them.
LIFT_M = 0.02


@dataclass
class StagingReport:
    frames: int
    actors: dict[str, dict] = field(default_factory=dict)   # id: walks, path_m, marks
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"frames": self.frames, "actors": self.actors, "warnings": self.warnings}


def run_staging(blend_data, scene, screenplay: Screenplay, seed: int = 0) -> StagingReport:
    """Replace the drawn blocking with the plan for `screenplay` as the set stands now."""
    cleanup.remove_stage(blend_data, STAGE)
    rigs = rigs_by_id(blend_data)
    missing = [m.id for m in screenplay.cast if m.id not in rigs]
    if missing:
        raise RigError(f"no rig for {', '.join(missing)}: run the cast stage first")
    plan = plan_staging(blend_data, scene, screenplay, seed, rigs)
    collection = tag(blend_data.collections.new(COLLECTION), STAGE, "blocking")
    scene.collection.children.link(collection)
    report = StagingReport(int(plan.frames), warnings=list(plan.warnings))
    for cid, track in plan.actors.items():
        walks = [np.asarray(seg.path, dtype=float)[:, 1:3] for seg in track.segments
                 if seg.kind == "locomotion" and len(seg.path) > 1]
        if walks:
            _path(blend_data, collection, cid, walks)
        actions = [seg for seg in track.segments if seg.kind == "action"]
        for seg in actions:
            _mark(blend_data, collection, cid, seg)
        report.actors[cid] = {
            "walks": len(walks), "marks": len(actions),
            "path_m": round(sum(float(np.linalg.norm(np.diff(w, axis=0), axis=1).sum())
                                for w in walks), 2)}
    return report


def _path(blend_data, collection, cid: str, walks: list[np.ndarray]) -> None:
    curve = tag(blend_data.curves.new(f"{cid} path", "CURVE"), STAGE, cid)
    curve.dimensions = "3D"
    for points in walks:
        spline = curve.splines.new("POLY")
        spline.points.add(len(points) - 1)
        co = np.column_stack([points, np.full(len(points), LIFT_M), np.ones(len(points))])
        spline.points.foreach_set("co", co.ravel().tolist())
    obj = tag(blend_data.objects.new(f"{cid} path", curve), STAGE, cid)
    obj.hide_render = True
    collection.objects.link(obj)


def _mark(blend_data, collection, cid: str, seg) -> None:
    """An arrow on the floor where `seg` happens, pointing the way the actor faces there
    (characters face −Y at rest, turned by the pose's rot_z)."""
    x, y, rot = seg.pose
    obj = tag(blend_data.objects.new(f"{seg.beat or cid} {seg.action}", None), STAGE, cid)
    obj.empty_display_type = "SINGLE_ARROW"
    obj.empty_display_size = 0.4
    obj.location = (x, y, LIFT_M)
    obj.rotation_euler = (math.pi / 2, 0.0, rot)      # the arrow (its Z) to -Y, turned
    obj.hide_render = True
    collection.objects.link(obj)
