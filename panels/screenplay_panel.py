"""The Screenplay as editable lists, under the Story panel: cast, props, beats, what is stale,
and what re-running a stage would replace."""
import bpy

from ..addon.blender import animate_stage, screenplay_store, tags
from ..addon.screenplay import ScreenplayError
from ..addon.screenplay_edit import stale_stages

# The panel redraws often; judge staleness again only when what it depends on changed.
_stale_cache: dict = {"key": None, "stale": {}}


def _stale(context) -> dict[str, list[str]]:
    scene = context.scene
    recorded = screenplay_store.recorded_inputs(scene)
    ran = tags.stages_present(context.blend_data)
    key = (screenplay_store.text_hash(context.blend_data), scene.story_motion.seed,
           repr(sorted(recorded.items())), tuple(sorted(ran)))
    if key != _stale_cache["key"]:
        try:
            screenplay = screenplay_store.load_screenplay(context.blend_data)
        except ScreenplayError:
            screenplay = None
        stale = ({} if screenplay is None else
                 stale_stages(screenplay.to_dict(), scene.story_motion.seed, recorded, ran))
        _stale_cache.update(key=key, stale=stale)
    return _stale_cache["stale"]


def _names(names: list[str], most: int = 3) -> str:
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def preview_lines(preview: dict[str, dict[str, list[str]]]) -> tuple[list[str], list[str]]:
    """('Replaces' lines, 'Keeps' lines) of a tags.rerun_preview result, one per kind."""
    return tuple([f"{len(names)} {kind}: {_names(names)}" for kind, names in part.items()]
                 for part in (preview["replace"], preview["keep"]))


class STORY_UL_cast(bpy.types.UIList):
    def draw_item(self, context, layout, data, item, icon, active_data, active_propname,
                  index):
        row = layout.row()
        row.prop(item, "name", text="", emboss=False, icon='USER')
        row.label(text=item.story_id)


class STORY_UL_props(bpy.types.UIList):
    def draw_item(self, context, layout, data, item, icon, active_data, active_propname,
                  index):
        row = layout.row()
        row.prop(item, "name", text="", emboss=False, icon='OBJECT_DATA')
        row.prop(item, "category", text="")


class STORY_UL_beats(bpy.types.UIList):
    def draw_item(self, context, layout, data, item, icon, active_data, active_propname,
                  index):
        row = layout.row(align=True)
        row.label(text=item.story_id)
        row.label(text=item.actor)
        row.prop(item, "action", text="")
        row.label(text=item.target or "-")
        row.prop(item, "duration_s", text="")


class STORY_PT_screenplay(bpy.types.Panel):
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Story"
    bl_label = "Edit Screenplay"
    bl_parent_id = "STORY_PT_main"
    bl_options = {'DEFAULT_CLOSED'}

    def draw(self, context):
        layout = self.layout
        edit = context.scene.story_edit
        row = layout.row(align=True)
        row.operator("story.screenplay_load", icon='IMPORT',
                     text="Reload Lists" if edit.loaded_from else "Load into Lists")
        sub = row.row(align=True)
        sub.enabled = edit.dirty
        sub.operator("story.screenplay_apply", text="Apply Edits", icon='CHECKMARK')
        if not edit.loaded_from:
            layout.label(text="Load the Screenplay to edit it here", icon='INFO')
        elif screenplay_store.text_hash(context.blend_data) != edit.loaded_from:
            layout.label(text="The Screenplay text changed since the lists were loaded",
                         icon='ERROR')
        if edit.dirty:
            layout.label(text="The lists hold edits not yet applied", icon='MODIFIER')
        stale = _stale(context)
        col = layout.column(align=True)
        for stage, why in stale.items():
            col.label(text=f"Out of date: {stage} ({', '.join(why)})", icon='FILE_REFRESH')


class _Child:
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Story"
    bl_parent_id = "STORY_PT_screenplay"
    bl_options = {'DEFAULT_CLOSED'}

    @classmethod
    def poll(cls, context):
        return bool(context.scene.story_edit.loaded_from)


class STORY_PT_screenplay_cast(_Child, bpy.types.Panel):
    bl_label = "Cast"

    def draw(self, context):
        layout, edit = self.layout, context.scene.story_edit
        layout.template_list("STORY_UL_cast", "", edit, "cast", edit, "cast_index", rows=3)
        if not 0 <= edit.cast_index < len(edit.cast):
            return
        member = edit.cast[edit.cast_index]
        col = layout.column()
        col.use_property_split = True
        col.use_property_decorate = False
        for name in ("name", "sex", "age_years", "height_m", "build"):
            col.prop(member, name)
        box = layout.box()
        box.label(text="Outfit")
        for garment in member.outfit:
            row = box.row(align=True)
            row.label(text=garment.slot)
            row.prop(garment, "item", text="")
            row.prop(garment, "colour", text="")
        layout.label(text="Accessories")
        layout.grid_flow(columns=3, align=True).prop(member, "accessories")
        row = layout.row()
        row.enabled = not edit.dirty
        op = row.operator("story.rebuild_character", icon='COMMUNITY',
                          text=f"Rebuild {member.name}")
        op.cast_id = member.story_id
        if edit.dirty:
            layout.label(text="Apply the edits, then rebuild", icon='INFO')


class STORY_PT_screenplay_props(_Child, bpy.types.Panel):
    bl_label = "Props"

    def draw(self, context):
        layout, edit = self.layout, context.scene.story_edit
        layout.template_list("STORY_UL_props", "", edit, "props", edit, "prop_index", rows=3)
        if not 0 <= edit.prop_index < len(edit.props):
            return
        prop = edit.props[edit.prop_index]
        col = layout.column()
        col.use_property_split = True
        col.use_property_decorate = False
        for name in ("name", "category", "material", "colour", "size_m", "count"):
            col.prop(prop, name)


class STORY_PT_screenplay_beats(_Child, bpy.types.Panel):
    bl_label = "Beats"

    def draw(self, context):
        layout, edit = self.layout, context.scene.story_edit
        row = layout.row()
        row.template_list("STORY_UL_beats", "", edit, "beats", edit, "beat_index", rows=5)
        side = row.column(align=True)
        side.operator("story.beat_add", text="", icon='ADD')
        side.operator("story.beat_remove", text="", icon='REMOVE')
        side.separator()
        side.operator("story.beat_move", text="", icon='TRIA_UP').direction = 'UP'
        side.operator("story.beat_move", text="", icon='TRIA_DOWN').direction = 'DOWN'
        if not 0 <= edit.beat_index < len(edit.beats):
            return
        beat = edit.beats[edit.beat_index]
        col = layout.column()
        col.use_property_split = True
        col.use_property_decorate = False
        for name in ("actor", "action", "target", "timing"):
            col.prop(beat, name)
        col.prop(beat, "start_s" if beat.timing == 'START' else "anchor")
        col.prop(beat, "duration_s")


class STORY_PT_screenplay_rerun(_Child, bpy.types.Panel):
    bl_label = "Re-run Preview"

    @classmethod
    def poll(cls, context):
        return context.scene is not None

    def draw(self, context):
        layout, edit = self.layout, context.scene.story_edit
        layout.prop(edit, "preview_stage")
        stage = edit.preview_stage
        preview = (animate_stage.rerun_preview(context.blend_data) if stage == "animate"
                   else tags.rerun_preview(context.blend_data, stage))
        replaces, keeps = preview_lines(preview)
        col = layout.column(align=True)
        col.label(text="Replaces" if replaces else "Replaces nothing yet", icon='TRASH')
        for line in replaces:
            col.label(text=line)
        col = layout.column(align=True)
        col.label(text="Keeps", icon='LOCKED')
        for line in keeps:
            col.label(text=line)
        if stage == "animate":
            col.label(text="Keys you edit in a Story Motion strip are kept on the track "
                           "\"Story Motion (edited)\"")


classes = (
    STORY_UL_cast,
    STORY_UL_props,
    STORY_UL_beats,
    STORY_PT_screenplay,
    STORY_PT_screenplay_cast,
    STORY_PT_screenplay_props,
    STORY_PT_screenplay_beats,
    STORY_PT_screenplay_rerun,
)

register, unregister = bpy.utils.register_classes_factory(classes)
