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


#: bpy.data collections a stage's work lives in, in the order the panel lists them.
KINDS = ("objects", "collections", "actions", "texts", "materials", "meshes", "cameras",
         "lights", "worlds")


def stages_present(blend_data) -> set[str]:
    """The stages whose work is in the file now."""
    return {str(d[STAGE_KEY]) for kind in ("objects", "actions", "texts", "collections")
            for d in getattr(blend_data, kind) if STAGE_KEY in d}


def rerun_preview(blend_data, stage: str, keep: dict[str, list[str]] | None = None
                  ) -> dict[str, dict[str, list[str]]]:
    """What re-running `stage` would replace (its tagged datablocks, by kind) and what it
    keeps (the user's untagged objects and actions, plus `keep`: generated things a stage
    keeps because the user edited them), as {"replace": {kind: names}, "keep": {...}}."""
    keep = {k: list(v) for k, v in (keep or {}).items()}
    replace: dict[str, list[str]] = {}
    for kind in KINDS:
        names = [d.name for d in getattr(blend_data, kind)
                 if d.get(STAGE_KEY) == stage and d.name not in keep.get(kind, ())]
        if names:
            replace[kind] = names
    for kind in ("objects", "actions"):
        names = [d.name for d in getattr(blend_data, kind) if STAGE_KEY not in d]
        if names:
            keep.setdefault(kind, []).extend(names)
    return {"replace": replace, "keep": keep}
