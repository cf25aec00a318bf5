"""Tags that mark what a stage generated, so re-running the stage replaces only its own work.

Every generated datablock carries `story_stage` (the stage that made it) and `story_id` (the
cast member, prop, spot or set it belongs to).  The user's own objects carry neither and are
never touched.
"""
from __future__ import annotations

STAGE_KEY = "story_stage"
ID_KEY = "story_id"


def tag(datablock, stage: str, story_id: str):
    """Mark `datablock` as made by `stage` for `story_id`; returns it for chaining."""
    datablock[STAGE_KEY] = stage
    datablock[ID_KEY] = story_id
    return datablock


def is_tagged(datablock, stage: str) -> bool:
    return datablock.get(STAGE_KEY) == stage


def tagged(collection, stage: str) -> list:
    """The members of a bpy.data collection (objects, meshes, ...) that `stage` made."""
    return [d for d in collection if d.get(STAGE_KEY) == stage]
