"""The cast stage: characters, props and the set of a Screenplay, built into a scene.

Everything it makes is tagged `story_stage="cast"`; running it again first removes exactly
that, so the user's own objects and edits elsewhere in the file survive a rebuild.  A rebuilt
character keeps its animation (NLA tracks, active action, IK switches) and the user's
objects parented to its rig; `rebuild_character` rebuilds one character alone.
Collections: "Story Set" (see set_build.py), "Story Props" and "Story Cast" with one child
collection per character.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from mathutils import Matrix, Vector

from ..cast.accessories import plan_accessories, right_hand_grip
from ..cast.body import plan_body
from ..cast.body_kit import load_kit
from ..cast.outfit import plan_outfit
from ..cast.props import plan_prop
from ..cast.sets import character_marks, plan_set
from ..screenplay import Screenplay
from . import cleanup, props_build, screenplay_store, set_build
from .character_build import build_character
from .tags import tag

log = logging.getLogger(__name__)

STAGE = "cast"


class RebuildError(ValueError):
    """A character that cannot be rebuilt: not in the Screenplay, or not built yet."""


@dataclass
class CastReport:
    """What the stage built, for the CLI and the panel."""
    place: str
    characters: dict[str, dict] = field(default_factory=dict)
    props: dict[str, dict] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"place": self.place, "characters": self.characters, "props": self.props,
                "removed": self.removed, "warnings": self.warnings}


def _collection(blend_data, name: str, parent, story_id: str):
    collection = blend_data.collections.new(name)
    parent.children.link(collection)
    return tag(collection, STAGE, story_id)


def run_cast(blend_data, scene, view_layer, screenplay: Screenplay, seed: int = 0
             ) -> CastReport:
    """Replace the scene's cast-stage objects with those `screenplay` calls for."""
    kept = {cid: KeptAnimation.of(rig) for cid, rig in _rigs(blend_data).items()}
    removed = cleanup.remove_stage(blend_data, STAGE)
    kit = load_kit()
    specs = {p.id: plan_prop(p, seed) for p in screenplay.props}
    plan = plan_set(screenplay, specs, seed)
    report = CastReport(plan.place, removed=removed, warnings=list(plan.warnings))
    set_build.build_set(blend_data, plan, scene)
    props = _collection(blend_data, "Story Props", scene.collection, "props")
    prop_objects = {}
    for prop in screenplay.props:
        spec = specs[prop.id]
        report.warnings += list(spec.warnings)
        if prop.count > 1:
            members = _build_group(blend_data, prop, spec, plan.members.get(prop.id), props)
            prop_objects[prop.id] = members[0]
            report.props[prop.id] = {
                "objects": [o.name for o in members], "category": spec.category,
                "count": prop.count, "arrangement": prop.arrangement,
                "dimensions_m": [round(d, 3) for d in spec.dimensions_m]}
            continue
        obj = props_build.build_prop(blend_data, spec, props)
        pose = plan.props.get(prop.id)
        if pose is not None:
            obj.location, obj.rotation_euler = (pose.x, pose.y, pose.z), (0.0, 0.0, pose.rot_z)
        prop_objects[prop.id] = obj
        report.props[prop.id] = {"object": obj.name, "category": spec.category,
                                 "dimensions_m": [round(d, 3) for d in spec.dimensions_m]}
    cast = _collection(blend_data, "Story Cast", scene.collection, "cast")
    marks = character_marks(plan, [m.id for m in screenplay.cast], seed)
    rigs = {}
    for member in screenplay.cast:
        rig, body = _build_member(blend_data, cast, member, kit, seed, view_layer, report)
        mark = marks.get(member.id)
        if mark is not None:
            rig.location = (mark.x, mark.y, 0.0)
            rig.rotation_euler = (0.0, 0.0, mark.rot_z)
        if member.id in kept:
            kept[member.id].restore(rig)
        rigs[member.id] = (rig, body)
    view_layer.update()
    for prop_id, holder in plan.held.items():
        if holder in rigs and prop_id in prop_objects:
            _put_in_hand(prop_objects[prop_id], *rigs[holder], kit)
            prop_objects[prop_id]["story_held_by"] = holder
    screenplay_store.record_inputs(scene, STAGE, screenplay, seed)
    return report


def _build_member(blend_data, parent, member, kit, seed: int, view_layer, report: CastReport):
    """One cast member's rig, body, clothes and accessories in its own collection under
    `parent`, at the origin; returns (rig, body plan) and notes it in `report`."""
    body = plan_body(member.body, kit, seed)
    outfit = plan_outfit(member, kit, body.rest, seed)
    worn, warnings = plan_accessories(member.accessories, body, kit)
    report.warnings += [f"{member.id}: {w}" for w in warnings]
    collection = _collection(blend_data, f"Cast {member.name}", parent, member.id)
    built = build_character(blend_data, collection, member.name, member.id, body,
                            outfit, worn, kit, view_layer)
    built.armature["story_height_m"] = round(body.height_m, 4)
    report.characters[member.id] = {
        "rig": built.armature.name, "height_m": round(body.height_m, 3),
        "garments": list(outfit.garments), "accessories": [a.name for a in worn]}
    return built.armature, body


def _rigs(blend_data) -> dict:
    return {o["story_id"]: o for o in blend_data.objects
            if o.type == "ARMATURE" and o.get("story_stage") == STAGE}


def rebuild_character(blend_data, scene, view_layer, screenplay: Screenplay, cast_id: str,
                      seed: int = 0) -> CastReport:
    """Rebuild one character's rig, body, clothes and accessories from `screenplay` (after
    an edit of its body, outfit or accessories), where its rig stands now, keeping its
    animation, the IK switches animate set and the user's objects parented to it.  The other
    characters, the props and the set are not touched."""
    member = next((m for m in screenplay.cast if m.id == cast_id), None)
    if member is None:
        raise RebuildError(f"no cast member {cast_id!r} in the Screenplay; known: "
                           f"{', '.join(m.id for m in screenplay.cast) or '(none)'}")
    old = _rigs(blend_data).get(cast_id)
    parent = next((c for c in blend_data.collections if c.get("story_stage") == STAGE
                   and c.get("story_id") == "cast" and c.name.startswith("Story Cast")), None)
    if old is None or parent is None:
        raise RebuildError(f"{cast_id!r} has not been built yet: build the cast first")
    kept, placed = KeptAnimation.of(old), old.matrix_world.copy()
    report = CastReport(place=screenplay.set.place,
                        removed=_remove_character(blend_data, cast_id))
    rig, _ = _build_member(blend_data, parent, member, load_kit(), seed, view_layer, report)
    rig.matrix_world = placed
    kept.restore(rig)
    view_layer.update()
    screenplay_store.record_inputs(scene, STAGE, screenplay, seed, only=(f"cast:{cast_id}",))
    return report


def _remove_character(blend_data, cast_id: str) -> dict[str, int]:
    """Delete one character's cast-stage objects, collection and the data only they used."""
    removed: dict[str, int] = {}
    objects = [o for o in blend_data.objects
               if o.get("story_stage") == STAGE and o.get("story_id") == cast_id]
    data = [o.data for o in objects if o.data is not None]
    materials = {m for d in data for m in getattr(d, "materials", ()) if m is not None}
    for obj in objects:
        blend_data.objects.remove(obj, do_unlink=True)
        removed["objects"] = removed.get("objects", 0) + 1
    for coll in [c for c in blend_data.collections if c.get("story_stage") == STAGE
                 and c.get("story_id") == cast_id]:
        blend_data.collections.remove(coll)
        removed["collections"] = removed.get("collections", 0) + 1
    for block, kind in [(d, "armatures" if d.bl_rna.identifier == "Armature" else "meshes")
                        for d in data] + [(m, "materials") for m in materials]:
        if block.users == 0 and block.get("story_stage") == STAGE:
            getattr(blend_data, kind).remove(block)
            removed[kind] = removed.get(kind, 0) + 1
    return removed


@dataclass
class KeptAnimation:
    """A rig's animation and what hangs on it, read before the rig is rebuilt so the new rig
    plays the same: NLA tracks and strips, the active action, pose-bone custom properties
    (the IK switches) and the user's objects parented to it."""
    tracks: list[dict] = field(default_factory=list)
    active: dict | None = None
    bone_props: dict[str, dict] = field(default_factory=dict)
    children: list[tuple] = field(default_factory=list)

    @classmethod
    def of(cls, rig) -> KeptAnimation:
        kept = cls(bone_props={b.name: {k: b[k] for k in b.keys()} for b in rig.pose.bones
                               if b.keys()},
                   children=[(c, c.parent_type, c.parent_bone, c.matrix_world.copy())
                             for c in rig.children if c.get("story_stage") != STAGE])
        animation = rig.animation_data
        if animation is None:
            return kept
        if animation.action is not None:
            kept.active = {"action": animation.action, "slot": _slot(animation),
                           **{k: getattr(animation, k) for k in _ACTIVE}}
        for track in animation.nla_tracks:
            kept.tracks.append({"name": track.name, "mute": track.mute, "lock": track.lock,
                                "strips": [{"action": s.action, "slot": _slot(s),
                                            **{k: getattr(s, k) for k in _STRIP}}
                                           for s in track.strips if s.action is not None]})
        return kept

    def restore(self, rig):
        for bone, props in self.bone_props.items():
            if bone in rig.pose.bones:
                for key, value in props.items():
                    rig.pose.bones[bone][key] = value
        for child, parent_type, parent_bone, matrix in self.children:
            child.parent = rig
            if parent_type == "BONE" and parent_bone in rig.data.bones:
                child.parent_type, child.parent_bone = parent_type, parent_bone
            child.matrix_world = matrix
        if not self.tracks and self.active is None:
            return
        animation = rig.animation_data or rig.animation_data_create()
        if self.active is not None:
            animation.action = self.active["action"]
            _set_slot(animation, self.active)
            for key in _ACTIVE:
                setattr(animation, key, self.active[key])
        for kept in self.tracks:
            track = animation.nla_tracks.new()          # on top: the same order as before
            track.name, track.mute = kept["name"], kept["mute"]
            for values in kept["strips"]:
                strip = track.strips.new(values["name"], int(values["frame_start_ui"]),
                                         values["action"])
                _set_slot(strip, values)
                for key in _STRIP:
                    setattr(strip, key, values[key])
            track.lock = kept["lock"]


#: What a strip and an active action play like, copied onto the rebuilt rig (the order
#: matters: the action range and scale before the frames they change).
_STRIP = ("name", "action_frame_start", "action_frame_end", "scale", "repeat", "frame_start_ui",
          "blend_type", "extrapolation", "blend_in", "blend_out", "influence", "use_reverse",
          "mute")
_ACTIVE = ("action_blend_type", "action_extrapolation", "action_influence")


def _slot(owner) -> int | None:
    slot = getattr(owner, "action_slot", None)
    return slot.handle if slot is not None else None


def _set_slot(owner, values: dict):
    """Give the strip or animation data back the action slot it played (Blender 4.4+)."""
    action, handle = values["action"], values["slot"]
    if handle is None or not hasattr(owner, "action_slot"):
        return
    slot = next((s for s in action.slots if s.handle == handle), None)
    if slot is not None:
        owner.action_slot = slot


def _build_group(blend_data, prop, spec, poses, collection) -> list:
    """The members of a counted prop: one full prop object each, named "<id> 1".."<id> N",
    tagged with the prop's id and `story_member` 0..N-1 (0: first in the row, bottom of the
    stack), `story_count` and `story_arrangement`, standing where the set plan put them.
    Held groups (no poses) stand side by side at the origin for the animate stage to move."""
    members = []
    for i in range(prop.count):
        obj = props_build.build_prop(blend_data, spec, collection, name=f"{prop.id} {i + 1}")
        obj["story_member"] = i
        obj["story_count"] = prop.count
        obj["story_arrangement"] = prop.arrangement
        if poses is not None:
            pose = poses[i]
            obj.location, obj.rotation_euler = (pose.x, pose.y, pose.z), (0.0, 0.0, pose.rot_z)
        else:
            obj.location = (i * spec.dimensions_m[0] * 1.2, 0.0, 0.0)
        members.append(obj)
    return members


def group_members(blend_data, prop_id: str) -> list:
    """The cast-stage objects of story prop `prop_id` in member order: one object for a
    single prop, N for a counted one (set dressing and labels left out)."""
    objs = [o for o in blend_data.objects if o.get("story_stage") == STAGE
            and o.get("story_id") == prop_id and "story_category" in o]
    return sorted(objs, key=lambda o: o.get("story_member", 0))


def _put_in_hand(obj, rig, body, kit):
    """Stand a held prop in the right hand of `rig` (its base in the palm)."""
    grip, _ = right_hand_grip(body, kit)
    height = obj.dimensions.z
    local = Matrix.Translation(Vector(grip) - Vector((0.0, 0.0, height * 0.4)))
    obj.matrix_world = rig.matrix_world @ local


def inspect_cast(blend_data) -> dict:
    """What the cast stage left in a file: rigs (bones, height), props and the set."""
    rigs, props = {}, {}
    for obj in blend_data.objects:
        if obj.get("story_stage") != STAGE:
            continue
        if obj.type == "ARMATURE":
            rigs[obj["story_id"]] = {
                "object": obj.name, "bones": len(obj.data.bones),
                "deform_bones": sum(b.use_deform for b in obj.data.bones),
                "height_m": obj.get("story_height_m")}
        elif "story_category" in obj and obj.users_collection and \
                obj.users_collection[0].get("story_id") == "props":
            if "story_member" in obj:          # one entry per counted prop, its members listed
                entry = props.setdefault(obj["story_id"], {
                    "objects": [], "category": obj["story_category"],
                    "count": obj["story_count"], "arrangement": obj["story_arrangement"],
                    "locations": []})
                entry["objects"].append((obj["story_member"], obj.name,
                                         [round(v, 3) for v in obj.location]))
                continue
            props[obj["story_id"]] = {"object": obj.name, "category": obj["story_category"],
                                      "location": [round(v, 3) for v in obj.location]}
    for entry in props.values():
        if "locations" in entry:               # members in order: the first in the row first
            ordered = sorted(entry.pop("objects"))
            entry["objects"] = [name for _, name, _ in ordered]
            entry["locations"] = [loc for _, _, loc in ordered]
    place = next((c.get("set_place") for c in blend_data.collections
                  if c.get("story_stage") == STAGE and c.get("set_place")), None)
    return {"rigs": rigs, "props": props, "set": place}
