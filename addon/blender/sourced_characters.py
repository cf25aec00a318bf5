"""Characters built from a service's rigged model instead of the built-in body.

Runs right after the cast stage, like sourced_props: each cast member `sourcing.fetch` found a
rigged file for is imported with its humanoid rig (asset_import keeps a Mixamo-named armature,
renamed for the retargeter, and fits it to the height the cast stage built), put where the
built-in rig stood in that character's collection, and tagged as the character: the armature
as its rig (so animate retargets onto it and shoot frames its head bone), the skin as its body
(so simulate fits capsules to it).  The built-in rig, body, clothes and accessories are then
removed; the animation and the user's objects that hung on the old rig move to the new one.
A file that does not import, or has no humanoid rig, keeps the built-in character and a note.
"""
from __future__ import annotations

import logging

from ..assets.normalise import CHARACTER_HEIGHT_M
from ..sourcing import Fetched
from .asset_import import AssetImportError, import_model
from .cast_stage import STAGE, KeptAnimation

log = logging.getLogger(__name__)

#: Kinds of object data a removed character leaves behind (materials are shared by the cast).
_DATA = ("meshes", "armatures", "curves")


def swap_in_characters(blend_data, fetched: Fetched) -> tuple[dict[str, str], list[str]]:
    """Replace the built-in characters `fetched.characters` has rigged files for; returns
    ({cast id: what it was built from}, what could not be and kept the built-in character)."""
    built, notes = {}, []
    rigs = {o["story_id"]: o for o in blend_data.objects
            if o.type == "ARMATURE" and o.get("story_stage") == STAGE}
    for cid, source in fetched.characters.items():
        old = rigs.get(cid)
        if old is None:
            continue
        height_m = float(old.get("story_height_m", CHARACTER_HEIGHT_M))
        try:
            model = import_model(source.path, story_id=cid, label="person",
                                 collection=old.users_collection[0], forward=source.forward,
                                 height_m=height_m)
        except AssetImportError as exc:
            notes.append(f"{cid}: {exc}; the built-in character is used")
            continue
        if model.armature is None:
            _remove(blend_data, [model.object], cid)
            why = "; ".join(model.warnings) or "it has no armature"
            notes.append(f"{cid}: {source.path.name} has no humanoid rig ({why}); the "
                         "built-in character is used")
            continue
        _take_place(blend_data, model, old, cid, height_m)
        built[cid] = f"{cid}: built from {source.path.name} ({source.origin}, {model.rig} rig)"
    for note in [*built.values(), *notes]:
        log.info("cast: %s", note)
    return built, notes


def _take_place(blend_data, model, old, cid: str, height_m: float) -> None:
    """The imported rig and skin where the built-in character stood, under its name, and
    the built-in character's objects gone."""
    rig, skin = model.armature, model.object
    kept, matrix, name = KeptAnimation.of(old), old.matrix_world.copy(), old.name
    _remove(blend_data, [o for o in blend_data.objects if o.get("story_stage") == STAGE
                         and o.get("story_id") == cid and o not in (rig, skin)
                         and "story_category" not in o], cid)
    rig.name = rig.data.name = name
    rig.matrix_world = matrix
    rig["story_height_m"] = round(height_m, 4)
    skin["story_garments"] = ""          # what it wears is in its texture, not garment zones
    kept.restore(rig)


def _remove(blend_data, objects: list, cid: str) -> None:
    """Delete `objects` and the object data of `cid` that nothing uses any more."""
    for obj in objects:
        blend_data.objects.remove(obj, do_unlink=True)
    for kind in _DATA:
        pool = getattr(blend_data, kind)
        for block in [b for b in pool if b.users == 0 and b.get("story_stage") == STAGE
                      and b.get("story_id") == cid]:
            pool.remove(block)
