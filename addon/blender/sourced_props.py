"""Props built from a user's model or a service's download instead of the procedural library.

Runs right after the cast stage: each prop `sourcing.fetch` found a file for is imported and
fitted to the story (asset_import), put where the procedural prop stood (every member of a
counted prop, sharing one mesh), given that prop's story tags, and the procedural object is
removed.  A file that does not import leaves the procedural prop and a note.
"""
from __future__ import annotations

import logging

from ..sourcing import Fetched
from .asset_import import AssetImportError, cached_prop, import_model
from .cast_stage import group_members

log = logging.getLogger(__name__)

#: Tags the cast stage puts on a prop object that a replacement must carry too.
_KEEP = ("story_member", "story_count", "story_arrangement", "story_held_by")


def swap_in_models(blend_data, fetched: Fetched, cache, screenplay
                   ) -> tuple[list[str], list[str]]:
    """Replace the procedural props `fetched.models` has files for; returns (what was built
    from a file, what could not be and kept the built-in prop)."""
    built, notes = [], []
    props = {p.id: p for p in screenplay.props}
    for pid, source in fetched.models.items():
        old = group_members(blend_data, pid)
        prop = props.get(pid)
        if not old or prop is None:
            continue
        collection = old[0].users_collection[0]
        label = str(old[0].get("story_label") or prop.category)
        try:
            if source.origin == "folder":
                new = import_model(source.path, story_id=pid, label=label,
                                   collection=collection, size_m=source.size_m,
                                   forward=source.forward, blend_object=source.blend_object).object
            else:
                new = cached_prop(cache, source.origin, source.prompt, source.params,
                                  story_id=pid, label=label, collection=collection,
                                  size_m=source.size_m, forward=source.forward)
        except AssetImportError as exc:
            notes.append(f"{pid}: {exc}; the built-in {label} is used")
            continue
        if new is None:
            notes.append(f"{pid}: the downloaded model is no longer in the cache; the "
                         f"built-in {label} is used")
            continue
        _take_place(blend_data, new, old, collection)
        for label_obj in [o for o in blend_data.objects if o.type == "FONT"
                          and o.get("story_stage") == "cast" and o.get("story_id") == pid]:
            blend_data.objects.remove(label_obj)       # a placeholder's label
        built.append(f"{pid}: built from {source.path.name} ({source.origin})")
    for note in built + notes:
        log.info("cast: %s", note)
    return built, notes


def _take_place(blend_data, new, old: list, collection) -> None:
    """`new` (and copies of it sharing its mesh) where the procedural members stood."""
    for i, member in enumerate(old):
        name, matrix = member.name, member.matrix_world.copy()
        keep = {key: member[key] for key in _KEEP if key in member}
        mesh = member.data
        blend_data.objects.remove(member)
        if mesh is not None and mesh.users == 0:
            blend_data.meshes.remove(mesh)
        obj = new if i == 0 else new.copy()
        if i:
            collection.objects.link(obj)
        obj.name, obj.matrix_world = name, matrix
        for key, value in keep.items():
            obj[key] = value
