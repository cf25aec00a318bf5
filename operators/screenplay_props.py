"""The Screenplay's editable lists, stored per scene as `Scene.story_edit`.

They mirror the rows of `addon/screenplay_edit.py` (cast, props, beats) between "Load
Screenplay into Lists" and "Apply Edits"; any change marks them `dirty`, so loading again
never drops edits silently.  `fill` and `read` copy rows in and out.
"""
import bpy
from bpy.props import (BoolProperty, CollectionProperty, EnumProperty, FloatProperty,
                       IntProperty, PointerProperty, StringProperty)

from ..addon.screenplay import BUILDS, MAX_COUNT, SEXES
from ..addon.screenplay_edit import STAGES, TIMINGS
from ..addon.story.vocabulary import ACCESSORIES, ACTIONS, PROP_CATEGORIES


def _touched(self, context):
    self.id_data.story_edit.dirty = True


def _items(words, describe=lambda w: w.replace("_", " ")):
    return [(w, describe(w).capitalize(), describe(w)) for w in words]


def _known_ids(kinds):
    def search(self, context, edit_text):
        edit = self.id_data.story_edit
        ids = []
        if "cast" in kinds:
            ids += [(c.story_id, c.name) for c in edit.cast]
        if "props" in kinds:
            ids += [(p.story_id, p.name) for p in edit.props]
        if "beats" in kinds:
            ids += [(b.story_id, f"{b.actor} {b.action}") for b in edit.beats]
        return [i for i in ids if edit_text.lower() in i[0].lower()]
    return search


class STORY_GarmentItem(bpy.types.PropertyGroup):
    slot: StringProperty(name="Slot", description="Where it is worn: top, bottom, dress, "
                                                  "shoes or outer")
    item: StringProperty(name="Garment", description="What it is: jacket, jeans, skirt, ...",
                         update=_touched)
    colour: StringProperty(name="Colour", description="A colour name (red, dark blue) or "
                                                      "#rrggbb; empty: a default colour",
                           update=_touched)


class STORY_CastItem(bpy.types.PropertyGroup):
    name: StringProperty(name="Name", description="The character's name", update=_touched)
    story_id: StringProperty(name="Id", description="Cast id the beats refer to")
    sex: EnumProperty(name="Sex", items=_items(SEXES), update=_touched)
    age_years: FloatProperty(name="Age", min=0.0, max=120.0, description="Age in years",
                             update=_touched)
    height_m: FloatProperty(name="Height", min=0.45, max=2.5, unit='LENGTH',
                            description="Standing height", update=_touched)
    build: EnumProperty(name="Build", items=_items(BUILDS), update=_touched)
    outfit: CollectionProperty(type=STORY_GarmentItem)
    accessories: EnumProperty(name="Accessories", items=_items(ACCESSORIES),
                              options={'ENUM_FLAG'}, update=_touched,
                              description="What the character wears or carries")


class STORY_PropItem(bpy.types.PropertyGroup):
    name: StringProperty(name="Name", description="What the story calls it", update=_touched)
    story_id: StringProperty(name="Id", description="Prop id the beats refer to")
    category: EnumProperty(name="Category", items=_items(PROP_CATEGORIES), update=_touched,
                           description="What kind of thing the cast stage builds")
    material: StringProperty(name="Material", update=_touched,
                             description="wood, metal, glass, plastic, ceramic, fabric, ...; "
                                         "empty: the category's usual material")
    colour: StringProperty(name="Colour", update=_touched,
                           description="A colour name or #rrggbb; empty: a default colour")
    size_m: FloatProperty(name="Size", min=0.0, max=50.0, unit='LENGTH', update=_touched,
                          description="Largest dimension; 0: the category's usual size")
    count: IntProperty(name="Count", min=1, max=MAX_COUNT, update=_touched,
                       description="How many of them")


_TIMING_NAMES = {
    "START": ("At", "At a time in seconds from the start of the story"),
    "AFTER": ("After", "When another beat ends"),
    "WITH": ("With", "When another beat starts"),
}


class STORY_BeatItem(bpy.types.PropertyGroup):
    story_id: StringProperty(name="Id", description="Beat id other beats start from")
    actor: StringProperty(name="Actor", search=_known_ids(("cast", "props")), update=_touched,
                          description="Cast member (or prop) who acts")
    action: EnumProperty(name="Action", items=_items(ACTIONS), update=_touched,
                         description="What the actor does, from the canonical actions")
    target: StringProperty(name="Target", search=_known_ids(("cast", "props")),
                           update=_touched, description="Who or what it is done to; "
                                                        "empty: nothing")
    timing: EnumProperty(name="Starts", update=_touched, items=[
        (t, *_TIMING_NAMES[t]) for t in TIMINGS])
    anchor: StringProperty(name="Beat", search=_known_ids(("beats",)), update=_touched,
                           description="The earlier beat this one starts after or with")
    start_s: FloatProperty(name="Start", min=0.0, max=36000.0, unit='TIME_ABSOLUTE',
                           update=_touched, description="Start in seconds")
    duration_s: FloatProperty(name="Duration", min=0.01, max=3600.0, unit='TIME_ABSOLUTE',
                              update=_touched, description="How long it takes, in seconds")


class STORY_ScreenplayEdit(bpy.types.PropertyGroup):
    cast: CollectionProperty(type=STORY_CastItem)
    props: CollectionProperty(type=STORY_PropItem)
    beats: CollectionProperty(type=STORY_BeatItem)
    cast_index: IntProperty(name="Active Cast Member")
    prop_index: IntProperty(name="Active Prop")
    beat_index: IntProperty(name="Active Beat")
    loaded_from: StringProperty(
        name="Loaded From", description="Hash of the Screenplay text the lists were loaded "
                                        "from; empty: not loaded")
    dirty: BoolProperty(name="Unapplied Edits",
                        description="The lists hold edits not yet written to the Screenplay")
    preview_stage: EnumProperty(
        name="Re-run", description="Stage whose re-run to preview",
        items=_items(STAGES), default="animate")


_FIELDS = {
    "cast": ("story_id", "name", "sex", "age_years", "height_m", "build"),
    "props": ("story_id", "name", "category", "material", "colour", "size_m", "count"),
    "beats": ("story_id", "actor", "action", "target", "timing", "anchor", "start_s",
              "duration_s"),
}


def _key(field: str) -> str:
    return "id" if field == "story_id" else field


def fill(edit, rows: dict[str, list[dict]], kinds=("cast", "props", "beats")):
    """Replace the lists `kinds` with `rows`; the lists are then clean (not dirty)."""
    for kind in kinds:
        collection = getattr(edit, kind)
        collection.clear()
        for row in rows[kind]:
            item = collection.add()
            for name in _FIELDS[kind]:
                setattr(item, name, row[_key(name)])
            if kind == "cast":
                item.accessories = set(row["accessories"])
                for garment in row["outfit"]:
                    entry = item.outfit.add()
                    entry.slot, entry.item, entry.colour = \
                        garment["slot"], garment["item"], garment["colour"]
    edit.dirty = False


def _value(value):
    """Blender keeps floats in single precision: 1.63 reads back as 1.6299999952; round them
    to what a person typed, so an untouched value writes back as it was."""
    return round(value, 4) if isinstance(value, float) else value


def read(edit) -> dict[str, list[dict]]:
    """The lists as rows for `screenplay_edit.apply_rows`."""
    rows = {kind: [{_key(n): _value(getattr(item, n)) for n in _FIELDS[kind]}
                   for item in getattr(edit, kind)] for kind in _FIELDS}
    for row, item in zip(rows["cast"], edit.cast):
        row["accessories"] = [a for a in ACCESSORIES if a in item.accessories]
        row["outfit"] = [{"slot": g.slot, "item": g.item, "colour": g.colour}
                         for g in item.outfit]
    return rows


classes = (
    STORY_GarmentItem,
    STORY_CastItem,
    STORY_PropItem,
    STORY_BeatItem,
    STORY_ScreenplayEdit,
)

_register_classes, _unregister_classes = bpy.utils.register_classes_factory(classes)


def register() -> None:
    _register_classes()
    bpy.types.Scene.story_edit = PointerProperty(type=STORY_ScreenplayEdit)


def unregister() -> None:
    try:
        del bpy.types.Scene.story_edit
    except AttributeError:
        pass
    _unregister_classes()
