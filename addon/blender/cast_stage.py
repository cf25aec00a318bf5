"""The cast stage: characters, props and the set of a Screenplay, built into a scene.

Everything it makes is tagged `story_stage="cast"`; running it again first removes exactly
that, so the user's own objects and edits elsewhere in the file survive a rebuild.
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
from . import cleanup, props_build, set_build
from .character_build import build_character
from .tags import tag

log = logging.getLogger(__name__)

STAGE = "cast"


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
        body = plan_body(member.body, kit, seed)
        outfit = plan_outfit(member, kit, body.rest, seed)
        worn, warnings = plan_accessories(member.accessories, body, kit)
        report.warnings += [f"{member.id}: {w}" for w in warnings]
        collection = _collection(blend_data, f"Cast {member.name}", cast, member.id)
        built = build_character(blend_data, collection, member.name, member.id, body,
                                outfit, worn, kit, view_layer)
        mark = marks.get(member.id)
        if mark is not None:
            built.armature.location = (mark.x, mark.y, 0.0)
            built.armature.rotation_euler = (0.0, 0.0, mark.rot_z)
        built.armature["story_height_m"] = round(body.height_m, 4)
        rigs[member.id] = (built.armature, body)
        report.characters[member.id] = {
            "rig": built.armature.name, "height_m": round(body.height_m, 3),
            "garments": list(outfit.garments), "accessories": [a.name for a in worn]}
    view_layer.update()
    for prop_id, holder in plan.held.items():
        if holder in rigs and prop_id in prop_objects:
            _put_in_hand(prop_objects[prop_id], *rigs[holder], kit)
            prop_objects[prop_id]["story_held_by"] = holder
    return report


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
