"""Remove what a stage made, so re-running it replaces its own work and nothing else.

A stage's datablocks carry `story_stage` (see `tags.py`).  `remove_stage` deletes the tagged
objects, collections and Texts, hands a scene back the World it had before a tagged World
replaced it, and then deletes tagged data (meshes, curves, lights, materials, worlds, actions,
...) that nothing uses any more, plus the untagged data of removed objects that is left with
no users.  A user's own objects, their materials and anything a user re-used stay.
"""
from __future__ import annotations

import logging

from .tags import STAGE_KEY, is_tagged

log = logging.getLogger(__name__)

#: Custom property on a generated World: the name of the World the scene had before.
REPLACED_WORLD_KEY = "story_replaced_world"

#: bpy.data collections whose tagged members are removed once nothing uses them.
_DATA = ("meshes", "curves", "lights", "cameras", "armatures", "lattices", "metaballs",
         "grease_pencils", "actions", "worlds", "materials", "node_groups", "images",
         "textures")


def remove_stage(blend_data, stage: str) -> dict[str, int]:
    """Delete the datablocks `stage` made from `blend_data` (usually `bpy.data`); returns
    how many of each kind went, e.g. {"objects": 12, "meshes": 11, "collections": 3}."""
    removed: dict[str, int] = {}

    def count(kind: str):
        removed[kind] = removed.get(kind, 0) + 1

    for scene in blend_data.scenes:
        world = scene.world
        if world is not None and is_tagged(world, stage):
            before = world.get(REPLACED_WORLD_KEY)
            scene.world = blend_data.worlds.get(before) if before else None

    objects = [o for o in blend_data.objects if is_tagged(o, stage)]
    gone = {o.name for o in objects}
    leftovers = []                       # untagged data of removed objects
    for obj in objects:
        if obj.data is not None and not is_tagged(obj.data, stage):
            leftovers.append(obj.data)
    for obj in objects:
        blend_data.objects.remove(obj, do_unlink=True)
        count("objects")

    for coll in [c for c in blend_data.collections if is_tagged(c, stage)]:
        _rescue_members(blend_data, coll, stage)
        blend_data.collections.remove(coll)
        count("collections")

    for text in [t for t in blend_data.texts if is_tagged(t, stage)]:
        blend_data.texts.remove(text)
        count("texts")

    for data in leftovers:
        try:
            users = data.users
        except ReferenceError:           # already gone with a shared owner
            continue
        kind = _kind(blend_data, data) if users == 0 else None
        if kind is not None:
            getattr(blend_data, kind).remove(data)
            count(kind)

    # Materials may use node groups and images: remove users before what they use.
    for kind in _DATA:
        coll = getattr(blend_data, kind, None)
        if coll is None:
            continue
        for block in [b for b in coll if is_tagged(b, stage)]:
            if block.users - (1 if block.use_fake_user else 0) == 0:
                coll.remove(block)
                count(kind)
    if removed:
        log.info("removed stage %s: %s (objects: %s)", stage,
                 ", ".join(f"{k} {v}" for k, v in sorted(removed.items())),
                 ", ".join(sorted(gone)[:8]) + ("..." if len(gone) > 8 else ""))
    return removed


def _rescue_members(blend_data, coll, stage: str):
    """Before a generated collection goes, give its untagged members (a user moved their
    object into it) a home in the scenes that showed the collection."""
    homes = [s.collection for s in blend_data.scenes
             if coll.name in {c.name for c in s.collection.children_recursive}]
    if not homes and blend_data.scenes:
        homes = [blend_data.scenes[0].collection]
    for obj in list(coll.objects):
        if obj.get(STAGE_KEY) != stage and len(obj.users_collection) == 1:
            for home in homes:
                home.objects.link(obj)
    for child in list(coll.children):
        if child.get(STAGE_KEY) != stage and child.users == 1:
            for home in homes:
                home.children.link(child)


def _kind(blend_data, data) -> str | None:
    """Which bpy.data collection holds `data` ("meshes", "curves", ...)."""
    for kind in _DATA:
        coll = getattr(blend_data, kind, None)
        if coll is not None and coll.get(data.name) == data:
            return kind
    return None
