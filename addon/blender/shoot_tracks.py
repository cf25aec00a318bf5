"""Read what the cameras must frame from the evaluated scene: bones, props, set obstacles.

One pass over the story's frames (skins switched off, only bones and props are read) gives
each character's head-top, head, chest, pelvis, knees and feet and each story prop's centre
at every frame, as `shoot.subjects.SubjectTrack`s: the planner frames what will render, not
the stage plan's estimate.  The set's walls, pieces and tall furniture become the planner's
obstacle boxes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..motion.retarget import find_mapping
from ..shoot.cameras import Box
from ..shoot.subjects import BODY, SubjectTrack, prop_track

#: Canonical joints each body point is read from (the feet: ankles).
_JOINTS = {"head": ("head",), "neck": ("neck",), "chest": ("spine3",), "pelvis": ("pelvis",),
           "knees": ("left_knee", "right_knee"), "feet": ("left_ankle", "right_ankle"),
           "left": ("left_shoulder",), "right": ("right_shoulder",)}


def story_props(blend_data) -> dict[str, list]:
    """Story props (the "Story Props" collection) by id with their shards (the simulate
    stage's pieces carry the prop's id)."""
    out: dict[str, list] = {}
    for obj in blend_data.objects:
        if obj.get("story_stage") == "cast" and "story_category" in obj and \
                obj.users_collection and obj.users_collection[0].get("story_id") == "props":
            out.setdefault(obj["story_id"], []).insert(0, obj)
    for obj in blend_data.objects:
        if obj.get("story_stage") == "simulate" and obj.type == "MESH" and \
                obj.get("story_id") in out:
            out[obj["story_id"]].append(obj)
    return out


def _facing(across: np.ndarray, planned, n: int) -> np.ndarray:
    """rot_z the upper body faces at each frame, from the shoulder line as posed (a person
    facing −Y has the left shoulder at +X); the plan's facing where the line is degenerate."""
    planned = np.zeros(n) if planned is None else np.resize(np.asarray(planned, float), n)
    # facing = the shoulder line turned −90°: (x, y) → (y, −x); rot_z = atan2(fx, −fy)
    fx, fy = across[:, 1], -across[:, 0]
    measured = np.arctan2(fx, -fy)
    ok = np.hypot(fx, fy) > 0.05
    return np.where(ok, measured, planned)


def _mean_head(pose_bones, names, matrix) -> np.ndarray:
    """World position of the mean head of `names` (pose bones) under the rig's matrix."""
    pts = np.array([tuple(pose_bones[b].head) for b in names])
    return (pts @ matrix[:3, :3].T + matrix[:3, 3]).mean(axis=0)


def _world_box(obj) -> tuple[np.ndarray, np.ndarray]:
    m = np.array(obj.matrix_world)
    corners = np.array([tuple(c) for c in obj.bound_box]) @ m[:3, :3].T + m[:3, 3]
    return corners.min(axis=0), corners.max(axis=0)


@dataclass
class MeshBoxes:
    """Every mesh but the characters' skins, per story frame: its world bounding box
    (`low`, `high`: (T, 3) each) and whether it is hidden in renders; what the visibility
    check needs to know which lines of sight could be blocked without stepping frames."""
    low: dict[str, np.ndarray] = field(default_factory=dict)
    high: dict[str, np.ndarray] = field(default_factory=dict)
    hidden: dict[str, np.ndarray] = field(default_factory=dict)


def sample_tracks(scene, rigs: dict, props: dict[str, list], facing: dict[str, np.ndarray],
                  frames: int, boxes: MeshBoxes | None = None) -> dict[str, SubjectTrack]:
    """Tracks of every rig and story prop over story frames 0..frames (scene frames from
    `scene.frame_start`).  `facing` gives each actor's rot_z per frame (the stage plan's).
    With `boxes`, every other mesh's box and render visibility per frame is filled in."""
    bones, tops = {}, {}
    for cid, rig in rigs.items():
        mapping = find_mapping([b.name for b in rig.data.bones])
        bones[cid] = {k: [mapping.bones[j][0] for j in js] for k, js in _JOINTS.items()}
        head = rig.data.bones[bones[cid]["head"][0]]
        height = float(rig.get("story_height_m", 1.7))
        scale = float(np.mean(rig.matrix_world.to_scale()))
        tops[cid] = max(0.08, height / scale - head.head_local.z)
    sizes = {pid: float(max(objs[0].get("story_dimensions_m") or objs[0].dimensions))
             for pid, objs in props.items()}
    n = frames + 1
    body = {cid: np.zeros((n, len(BODY), 3)) for cid in rigs}
    across = {cid: np.zeros((n, 2)) for cid in rigs}      # right → left shoulder
    centres = {pid: np.zeros((n, 3)) for pid in props}
    shown = {pid: np.zeros(n, bool) for pid in props}
    skins = [o for o in scene.objects if o.parent is not None and o.parent.name in
             {r.name for r in rigs.values()} and o.type == "MESH" and not o.hide_viewport]
    skin_names = {o.name for o in skins}
    meshes = [(o, np.array([tuple(c) for c in o.bound_box])) for o in scene.objects
              if o.type == "MESH" and o.name not in skin_names and not (
                  o.parent is not None and o.parent.name in {r.name for r in rigs.values()})]
    if boxes is not None:
        for o, _ in meshes:
            boxes.low[o.name] = np.zeros((n, 3))
            boxes.high[o.name] = np.zeros((n, 3))
            boxes.hidden[o.name] = np.zeros(n, bool)
    current = scene.frame_current
    for obj in skins:
        obj.hide_viewport = True
    try:
        for k in range(n):
            scene.frame_set(scene.frame_start + k)
            for cid, rig in rigs.items():
                m = np.array(rig.matrix_world)
                pb = rig.pose.bones
                at = {k: _mean_head(pb, names, m) for k, names in bones[cid].items()}
                head_bone = pb[bones[cid]["head"][0]]
                head = at["head"]
                up = m[:3, :3] @ np.array(head_bone.matrix.col[1][:3])
                up /= max(np.linalg.norm(up), 1e-9)
                top = head + up * tops[cid] * float(np.mean(rig.matrix_world.to_scale()))
                feet = at["feet"]
                feet[2] = max(0.0, feet[2] - 0.06)
                body[cid][k] = [top, head, at["chest"], at["pelvis"], at["knees"], feet]
                across[cid][k] = (at["left"] - at["right"])[:2]
            for pid, objs in props.items():
                live = [o for o in objs if not o.hide_render] or objs[:1]
                spans = [_world_box(o) for o in live]
                centres[pid][k] = np.mean([(lo + hi) / 2 for lo, hi in spans], axis=0)
                centres[pid][k, 2] = max(centres[pid][k, 2], 0.03)
                shown[pid][k] = any(not o.hide_render for o in objs)
            if boxes is not None:
                for o, corners in meshes:
                    m = np.array(o.matrix_world)
                    w = corners @ m[:3, :3].T + m[:3, 3]
                    boxes.low[o.name][k] = w.min(axis=0)
                    boxes.high[o.name][k] = w.max(axis=0)
                    boxes.hidden[o.name][k] = o.hide_render
    finally:
        for obj in skins:
            obj.hide_viewport = False
        scene.frame_set(current)
    out = {}
    for cid, rig in rigs.items():
        face = _facing(across[cid], facing.get(cid), n)
        out[cid] = SubjectTrack(cid, "actor", body[cid], face, BODY, 0, 0.28,
                                float(rig.get("story_height_m", 1.7)))
    for pid in props:
        out[pid] = prop_track(pid, centres[pid], sizes[pid], 0, shown[pid])
    return out


def obstacles(blend_data, moving: set[str]) -> tuple[list[Box], float | None]:
    """The set's walls (which a shot may hide), its pieces and tall dressing and furniture
    (which cameras must not stand in or look through), and the ceiling height indoors."""
    boxes, ceiling = [], None
    for obj in blend_data.objects:
        if obj.get("story_stage") != "cast" or obj.type != "MESH" or obj.parent is not None:
            continue
        ident = str(obj.get("story_id", ""))
        if ident == "ground" or ident in moving:
            continue
        lo, hi = _world_box(obj)
        if ident.startswith("wall_"):
            boxes.append(Box(ident, tuple(lo), tuple(hi), wall=True))
            ceiling = max(ceiling or 0.0, float(hi[2]))
        elif hi[2] - lo[2] > 0.6 and obj.users_collection and \
                obj.users_collection[0].name in ("Set Structure", "Set Dressing", "Story Props"):
            boxes.append(Box(ident, tuple(lo), tuple(hi)))
    return boxes, ceiling
