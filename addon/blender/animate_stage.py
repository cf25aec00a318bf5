"""The stage and animate stages in Blender: plan the action, perform it, key it on the rigs.

Staging starts from where the characters stand now (a user may have moved them after the cast
stage) and the set the cast stage planned, with its props, dressing and spots where their
objects stand now (a chair dragged elsewhere is sat on there).  The plan is kept in the Text
"StagePlan.json" and the moments later stages need (releases, contacts, hand-offs to physics)
in "MotionEvents.json".  Each character's motion goes on its rig as one action per beat on the
NLA track "Story Motion", the eye bones keyed to look where the head looks; the IK controls
are switched to FK (`ik` = 0) because the keys drive the bones.  Re-running replaces the
actions, strips and Texts this stage made and nothing else: keys the user edited in them are
kept on a track above (animate_build.keep_edited_motion), and the user's own actions and
tracks stay.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field

import numpy as np
from mathutils import Matrix

from ..cast.placement import Pose
from ..cast.props import plan_prop
from ..cast.sets import plan_set
from ..motion import quat
from ..motion.actions_object import PALM_M
from ..motion.eyes import aim_eyes, eye_bones
from ..motion.library import load_library
from ..motion.perform import Performer
from ..motion.retarget import Retargeter, RigError, rig_offsets, rig_pose
from ..screenplay import Screenplay
from ..stage.as_found import set_as_found
from ..stage.plan import plan_stage
from . import cleanup, screenplay_store
from .asset_import import add_motion_folder
from .animate_build import (EDITED_TRACK, TRACK, edited_actions, keep_edited_motion,
                            place_strips, rig_rest, write_action)
from .tags import rerun_preview as rerun_preview_of, tag

log = logging.getLogger(__name__)

STAGE = "animate"
PLAN_TEXT = "StagePlan.json"
EVENTS_TEXT = "MotionEvents.json"
IK_CONTROLS = ("hand_ik.L", "hand_ik.R", "foot_ik.L", "foot_ik.R")
#: Where a carried prop stood before this stage keyed it, to put it back on a re-run.
REST_KEY = "story_rest_matrix"


@dataclass
class AnimateReport:
    frames: int
    characters: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"frames": self.frames, "characters": self.characters,
                "warnings": self.warnings}


def rigs_by_id(blend_data) -> dict:
    return {o["story_id"]: o for o in blend_data.objects
            if o.type == "ARMATURE" and o.get("story_stage") == "cast"}


def found_poses(blend_data) -> dict[str, Pose]:
    """Where the cast stage's props, set dressing and spots stand now, by story id: the user
    may have moved them since the set was planned.  Objects parented to something (a prop
    in a hand, a label) go with their parent and are left out."""
    out = {}
    for obj in blend_data.objects:
        ident = obj.get("story_id")
        if obj.get("story_stage") != "cast" or obj.parent is not None or ident is None:
            continue
        matrix = obj.matrix_basis
        x, y, z = matrix.translation
        if "spot_name" in obj:          # set_build lays the spot's arrow (+Z) facing back
            arrow = matrix.col[2]
            out[ident] = Pose(x, y, 0.0, math.atan2(-arrow.x, arrow.y))
        elif "story_category" in obj and not obj.get("story_member", 0):   # a group: its first
            out[ident] = Pose(x, y, z, matrix.to_euler("XYZ").z)
    return out


def _text(blend_data, name: str, content: str, story_id: str):
    text = blend_data.texts.new(name)
    text.from_string(content)
    return tag(text, STAGE, story_id)


def _to_rig_space(clip, rig):
    """The performance (world coordinates) in the rig object's own space."""
    matrix = np.array(rig.matrix_world)
    inverse = np.linalg.inv(matrix)
    turn = quat.from_matrix(matrix[:3, :3] / np.linalg.norm(matrix[:3, 0]))
    root = clip.root @ inverse[:3, :3].T + inverse[:3, 3]
    rotations = np.array(clip.rotations)
    rotations[:, 0] = quat.multiply(quat.inverse(turn), rotations[:, 0])
    return type(clip)(clip.name, clip.fps, root, rotations, clip.offsets, clip.labels,
                      clip.contacts, clip.source)


def plan_staging(blend_data, scene, screenplay: Screenplay, seed: int, rigs: dict):
    """The StagePlan for `screenplay` on the set as it stands now (props and dressing where
    the user may have moved them), from the characters' rigs where they stand."""
    fps = scene.render.fps / scene.render.fps_base
    set_plan = plan_set(screenplay, {p.id: plan_prop(p, seed) for p in screenplay.props}, seed)
    set_plan, moved = set_as_found(set_plan, found_poses(blend_data))
    if moved:
        log.info("staged with %s where they stand now", ", ".join(moved))
    marks = {cid: Pose(rig.location.x, rig.location.y, 0.0, rig.rotation_euler.z)
             for cid, rig in rigs.items()}
    heights = {cid: float(rig.get("story_height_m", 1.7)) for cid, rig in rigs.items()}
    return plan_stage(screenplay, set_plan, {c.id: marks[c.id] for c in screenplay.cast},
                      {c.id: heights[c.id] for c in screenplay.cast}, fps=fps)


def run_animate(blend_data, scene, screenplay: Screenplay, seed: int = 0,
                bake: bool = False, motion_folders: tuple[str, ...] = ()) -> AnimateReport:
    """Stage `screenplay` on the cast stage's set and key every character's performance: one
    action per beat on NLA strips, or with `bake` a single action per rig (its active action).
    `motion_folders` are a user's BVH and FBX folders (asset_import.add_motion_folder):
    a beat whose action one of their clips is labelled with plays that clip."""
    library = load_library()
    user_clips = tuple(name for folder in motion_folders
                       for name in add_motion_folder(library, folder))
    kept = []
    for cid, rig in rigs_by_id(blend_data).items():
        kept += [f"{cid}: your edits of \"{name.removesuffix(' (edited)')}\" are kept as "
                 f"\"{name}\" on the NLA track \"{EDITED_TRACK}\" above the new motion"
                 for name in keep_edited_motion(rig)]
        track = rig.animation_data.nla_tracks.get(TRACK) if rig.animation_data else None
        if track is not None:           # emptied, so its actions can go; it keeps its place
            for strip in list(track.strips):
                track.strips.remove(strip)
            if bake:
                rig.animation_data.nla_tracks.remove(track)
    for obj in blend_data.objects:          # rigs with baked motion, props carried in hand
        action = obj.animation_data.action if obj.animation_data else None
        if action is not None and action.get("story_stage") == STAGE:
            obj.animation_data.action = None
        if REST_KEY in obj:                 # back where the cast stage put it
            obj.matrix_world = Matrix(np.reshape(obj[REST_KEY], (4, 4)).tolist())
            del obj[REST_KEY]
    cleanup.remove_stage(blend_data, STAGE)
    rigs = rigs_by_id(blend_data)
    missing = [m.id for m in screenplay.cast if m.id not in rigs]
    if missing:
        raise RigError(f"no rig for {', '.join(missing)}: run the cast stage first")
    fps = scene.render.fps / scene.render.fps_base
    stage = plan_staging(blend_data, scene, screenplay, seed, rigs)
    _text(blend_data, PLAN_TEXT, json.dumps(stage.to_dict()), "stageplan")
    performer = Performer(library, fps, seed, user_clips)
    report = AnimateReport(int(stage.frames), warnings=kept + list(stage.warnings))
    events, keyed = [], {}
    for cid, track in stage.actors.items():
        rig = rigs[cid]
        rest = rig_rest(rig)
        performance = performer.perform(track, stage.actors, rig_offsets(rest))
        report.warnings += performance.warnings
        events += performance.events
        for control in IK_CONTROLS:
            if control in rig.pose.bones:
                rig.pose.bones[control]["ik"] = 0.0
        target = Retargeter.for_rig(rest, performance.clip.offsets)
        local, location = target.pose(_to_rig_space(performance.clip, rig))
        root = target.mapping.bones["pelvis"][0]
        if performance.gaze is not None:
            inverse = np.linalg.inv(np.array(rig.matrix_world))
            looked_at = performance.gaze.targets @ inverse[:3, :3].T + inverse[:3, 3]
            local = aim_eyes(rest, local, location, rest.index(root),
                             eye_bones(rest, target.mapping), looked_at,
                             performance.gaze.weights)
        keyed[cid] = (rest, local, location, rest.index(root))
        if bake:
            action = write_action(blend_data, rig, f"{rig.name} Story Motion", cid, local,
                                  location, root, first_frame=scene.frame_start)
            animation = rig.animation_data or rig.animation_data_create()
            animation.action = action
            if hasattr(animation, "action_slot") and action.slots:
                animation.action_slot = action.slots[0]
            report.characters[cid] = {"rig": rig.name, "strips": 0,
                                      "frames": performance.clip.frames}
            continue
        strips = []
        for piece in performance.pieces:
            a, b = piece.start_frame, piece.end_frame
            action = write_action(blend_data, rig, f"{rig.name} {piece.name}", cid,
                                  local[a:b], location[a:b], root)
            action["story_beat"] = piece.beat or ""
            action["story_source"] = piece.source
            strips.append((piece.name, scene.frame_start + a, action))
        place_strips(rig, strips)
        report.characters[cid] = {"rig": rig.name, "strips": len(strips),
                                  "frames": performance.clip.frames,
                                  "sources": sorted({p.source for p in performance.pieces})}
    _text(blend_data, EVENTS_TEXT, json.dumps(events), "events")
    _key_held_props(blend_data, scene, rigs, keyed,
                    held_spans(events, stage.to_dict(), report.frames))
    scene.frame_end = scene.frame_start + report.frames
    screenplay_store.record_inputs(scene, STAGE, screenplay, seed)
    return report


def rerun_preview(blend_data) -> dict[str, dict[str, list[str]]]:
    """What re-running animate replaces and keeps (tags.rerun_preview), with the generated
    actions the user edited on the keep side: their edits are kept."""
    edited = [a.name for rig in rigs_by_id(blend_data).values() for a in edited_actions(rig)]
    return rerun_preview_of(blend_data, STAGE, {"actions": edited} if edited else None)


def sample_positions(scene, rigs: dict, frames: range) -> dict[str, np.ndarray]:
    """World positions (T, 22, 3) of the canonical joints on each rig at `frames`, read from
    the evaluated pose (what renders), for the metrics."""
    from ..motion.retarget import find_mapping
    from ..motion.skeleton import JOINTS
    bones = {}
    for cid, rig in rigs.items():
        mapping = find_mapping([b.name for b in rig.data.bones])
        # The foot joints are the balls of the feet: the bone each ankle aims at.
        feet = {"left_foot": mapping.bones["left_ankle"][1],
                "right_foot": mapping.bones["right_ankle"][1]}
        bones[cid] = [feet.get(j) or mapping.bones[j][0] for j in JOINTS]
    out = {cid: np.zeros((len(frames), len(JOINTS), 3)) for cid in rigs}
    for k, frame in enumerate(frames):
        scene.frame_set(frame)
        for cid, rig in rigs.items():
            matrix = np.array(rig.matrix_world)
            heads = np.array([tuple(rig.pose.bones[b].head) for b in bones[cid]])
            out[cid][k] = heads @ matrix[:3, :3].T + matrix[:3, 3]
    return out



def contact_errors(blend_data, scene) -> dict[str, list[dict]]:
    """How far each hand or foot was from what it reached for at the contact frame, per
    actor: a grasp (pick up, catch) against each hand's grasp point (two hands hold a ball
    either side of the planned point), a handshake against the partner's hand, a kick's ball
    of the foot against its strike point (touching the back of the ball).  Read from the
    evaluated rigs and the stored stage plan and motion events."""
    from ..motion.retarget import find_mapping
    plan_text, events_text = blend_data.texts.get(PLAN_TEXT), blend_data.texts.get(EVENTS_TEXT)
    if plan_text is None or events_text is None:
        return {}
    plan = json.loads(plan_text.as_string())
    rigs = rigs_by_id(blend_data)
    out: dict[str, list[dict]] = {}

    def hand(cid: str, side: str) -> np.ndarray:
        rig = rigs[cid]
        return np.array(rig.matrix_world @ rig.pose.bones[wrist_bone(rig, side)].head)

    def ball_of_foot(cid: str, side: str) -> np.ndarray:
        """The head of the bone the ankle aims at, as `sample_positions` reads the foot."""
        rig = rigs[cid]
        bone = find_mapping([b.name for b in rig.data.bones]).bones[f"{side}_ankle"][1]
        return np.array(rig.matrix_world @ rig.pose.bones[bone].head)

    for event in json.loads(events_text.as_string()):
        cid, contacts = event["actor"], event.get("contacts", {})
        segment = next((seg for seg in plan["actors"].get(cid, {}).get("segments", [])
                        if seg.get("beat") == event["beat"] and seg["kind"] == "action"), None)
        if cid not in rigs or segment is None:
            continue
        side = "L" if str(segment.get("params", {}).get("hand", "")).startswith("l") else "R"
        if "grasp" in contacts and segment.get("target_point"):
            scene.frame_set(scene.frame_start + event["start_frame"] + contacts["grasp"])
            points = event.get("grasp_points") or {side: segment["target_point"]}
            error = max(np.linalg.norm(hand(cid, s[0].upper()) - np.array(point))
                        for s, point in points.items())
        elif segment["action"] == "handshake" and "contact" in contacts \
                and segment.get("partner") in rigs:
            scene.frame_set(scene.frame_start + event["start_frame"] + contacts["contact"])
            error = np.linalg.norm(hand(cid, "R") - hand(segment["partner"], "R"))
        elif "kick" in contacts and event.get("strike_point"):
            scene.frame_set(scene.frame_start + event["start_frame"] + contacts["kick"])
            error = np.linalg.norm(ball_of_foot(cid, event.get("foot", "right"))
                                   - np.array(event["strike_point"]))
        else:
            continue
        out.setdefault(cid, []).append({"beat": event["beat"], "action": segment["action"],
                                        "error_m": round(float(error), 4)})
    return out


def held_spans(events: list[dict], plan: dict, last_frame: int) -> list[tuple]:
    """(prop id, holder, first frame, last frame, hand side) for every stretch a prop spends
    in a hand ("L", "R", or "B" for both: a caught ball): from a grasp (pick up, catch), or
    from frame 0 for what an actor holds when the story starts (the plan's `holding`), to the
    next release (put down, throw, drop) of that prop by that actor, or to the end of the
    story.  A prop held from the start is in the hand its release says (the right, where the
    cast stage put it, when none does).  Frames are story frames (0 = the first)."""
    spans, open_grasp = [], {}
    for cid, actor in plan["actors"].items():
        for prop in actor.get("holding", ()):
            open_grasp[cid, prop] = (0, None)
    for event in sorted(events, key=lambda e: e["start_frame"]):
        cid, contacts = event["actor"], event.get("contacts", {})
        segment = next((seg for seg in plan["actors"].get(cid, {}).get("segments", [])
                        if seg.get("beat") == event.get("beat") and seg["kind"] == "action"),
                       None)
        side = _side(event.get("hand"))
        prop = segment.get("target") if segment is not None else None
        if "grasp" in contacts and prop:
            open_grasp[cid, prop] = (event["start_frame"] + contacts["grasp"], side)
        elif "release" in contacts:
            held = [key for key in open_grasp if key[0] == cid]
            key = (cid, prop) if (cid, prop) in open_grasp else (held[-1] if held else None)
            if key is not None:
                start, hand = open_grasp.pop(key)
                spans.append((key[1], cid, start, event["start_frame"] + contacts["release"],
                              hand or side))
    spans += [(prop, cid, start, last_frame, hand or "R")
              for (cid, prop), (start, hand) in open_grasp.items()]
    return spans


def _side(hand) -> str:
    """A grasp's hand as a span's side: "L", "R", or "B" for both (a caught ball)."""
    hand = str(hand or "")
    return "B" if hand.startswith("b") else "L" if hand.startswith("l") else "R"


def wrist_bone(rig, side: str) -> str:
    """The rig's wrist bone for side "L" or "R", whatever rig it is (ours, Mixamo, ...)."""
    from ..motion.retarget import find_mapping
    joint = "left_wrist" if side == "L" else "right_wrist"
    return find_mapping([b.name for b in rig.data.bones]).bones[joint][0]


def _palms(rig, keyed, side: str, palm_m: float) -> np.ndarray:
    """World matrices (T, 4, 4) of where a held prop's middle goes: the palm of the `side`
    hand (`palm_m` along its wrist bone), or halfway between both palms for "B", turned as
    the right wrist turns."""
    sides = ("L", "R") if side == "B" else (side,)
    wrists = [_bone_matrices(rig, *keyed, wrist_bone(rig, s)) for s in sides]
    out = wrists[-1].copy()
    out[:, :3, 3] = np.mean([w[:, :3, :3] @ np.array([0.0, palm_m, 0.0]) + w[:, :3, 3]
                             for w in wrists], axis=0)
    return out


def _key_held_props(blend_data, scene, rigs: dict, keyed: dict, spans: list[tuple]):
    """Key every prop that is held to ride in its holder's hand during each span; between
    spans it holds where it was let go (the physics stage flies it).  A held prop rides with
    its middle in the palm (the wrist bone's Y runs along the hand, `PALM_M` along it, where
    pick_up, carry, put_down and drop put the prop, and drop reports its release), upright
    (`_upright`).
    The hand's placement comes from the keyed pose
    (`keyed`: rig id → (RigRest, local rotations, root location, root bone index)),
    evaluated as Blender does, rather than by stepping the scene through every frame."""
    from .animate_build import key_transforms
    by_prop: dict[str, list[tuple]] = {}
    for span in spans:
        by_prop.setdefault(span[0], []).append(span)
    hands: dict[tuple[str, str], np.ndarray] = {}
    for prop_id, prop_spans in by_prop.items():
        prop = next((o for o in blend_data.objects if o.get("story_id") == prop_id
                     and o.get("story_stage") == "cast" and "story_category" in o), None)
        if prop is None:
            continue
        current = np.array(prop.matrix_world)
        prop[REST_KEY] = current.ravel().tolist()
        middle = np.mean(np.array([corner[:] for corner in prop.bound_box]), axis=0)
        frames, matrices = [], []
        for _, holder, start, end, side in sorted(prop_spans, key=lambda sp: sp[2]):
            rig = rigs[holder]
            bones = [wrist_bone(rig, s) for s in (("L", "R") if side == "B" else (side,))]
            if end <= start or holder not in keyed \
                    or any(b not in rig.pose.bones for b in bones):
                continue
            if (holder, side) not in hands:
                palm = PALM_M * float(rig.get("story_height_m", 1.75)) / 1.75
                hands[holder, side] = _palms(rig, keyed[holder], side, palm)
            hand = hands[holder, side][start:end + 1]
            # its middle in the palm (between both palms for a two-handed catch), where
            # pick_up, carry, put_down and drop put it
            grip = np.linalg.inv(hand[-1 if start == 0 else 0]) @ current
            grip[:3, 3] = -grip[:3, :3] @ middle
            frames += [scene.frame_start + start - 1] + list(
                scene.frame_start + np.arange(start, start + len(hand)))
            matrices += [current] + list(_upright(hand, grip, current, middle))
            current = matrices[-1]
            prop["story_held_by"] = rig["story_id"]
        if frames:
            key_transforms(blend_data, prop, f"{prop.name} in hand", prop_id,
                           np.array(frames, dtype=float), np.array(matrices))


def _upright(hand: np.ndarray, grip: np.ndarray, held: np.ndarray, middle) -> np.ndarray:
    """The prop's world matrices while `hand` (T, 4, 4) holds it by `grip`: its middle where
    the grip puts it, but turned only about Z with the hand, from how it stood (`held`), as
    people keep a cup or a glass upright whatever the wrist does."""
    middle = np.append(np.asarray(middle, dtype=float), 1.0)
    centre = (hand @ grip @ middle)[:, :3]
    along = hand[:, :3, 1]                    # the wrist bone's Y runs along the hand
    yaw = np.arctan2(along[:, 1], along[:, 0])
    yaw -= yaw[0]
    c, s = np.cos(yaw), np.sin(yaw)
    turn = np.zeros((len(hand), 3, 3))
    turn[:, 0, 0], turn[:, 0, 1], turn[:, 1, 0], turn[:, 1, 1], turn[:, 2, 2] = c, -s, s, c, 1
    out = np.tile(np.eye(4), (len(hand), 1, 1))
    out[:, :3, :3] = turn @ held[:3, :3]
    out[:, :3, 3] = centre - out[:, :3, :3] @ middle[:3]
    return out


def _bone_matrices(rig, rest, local: np.ndarray, location: np.ndarray, root: int,
                   bone: str) -> np.ndarray:
    """World matrices (T, 4, 4) of `bone` for keyed pose rotations `local` and root
    `location`, as the evaluated `rig.matrix_world @ pose_bones[bone].matrix`."""
    heads, world = rig_pose(rest, local, location, root)
    b = rest.index(bone)
    out = np.tile(np.eye(4), (len(local), 1, 1))
    out[:, :3, :3] = quat.to_matrix(world[:, b])
    out[:, :3, 3] = heads[:, b]
    return np.array(rig.matrix_world) @ out
