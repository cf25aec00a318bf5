"""Edit the Screenplay through the panel's lists: load them, reorder and add beats, apply."""
import bpy
from bpy.props import BoolProperty, EnumProperty

from ..addon.blender import screenplay_store
from ..addon.blender.tags import stages_present
from ..addon.screenplay import ScreenplayError
from ..addon.screenplay_edit import (add_beat, apply_rows, edit_rows, move_beat, remove_beat,
                                     stale_stages)
from .common import fail, has_scene, has_screenplay, one_line
from .screenplay_props import fill, read


def stale(context, screenplay) -> dict[str, list[str]]:
    """The stages built from another Screenplay or seed than `screenplay` and the scene's."""
    scene = context.scene
    return stale_stages(screenplay.to_dict(), scene.story_motion.seed,
                        screenplay_store.recorded_inputs(scene),
                        stages_present(context.blend_data))


class STORY_OT_screenplay_load(bpy.types.Operator):
    bl_idname = "story.screenplay_load"
    bl_label = "Load Screenplay into Lists"
    bl_description = ("Fill the cast, prop and beat lists from the stored Screenplay; asks "
                      "first when the lists hold edits not yet applied")
    bl_options = {'REGISTER', 'UNDO'}

    discard: BoolProperty(
        name="Discard Unapplied Edits",
        description="Load even though the lists hold edits not yet applied, dropping them",
        options={'SKIP_SAVE'},
    )

    @classmethod
    def poll(cls, context):
        if not has_screenplay(cls, context):
            return False
        return True

    def invoke(self, context, event):
        if context.scene.story_edit.dirty:
            self.discard = True
            return context.window_manager.invoke_confirm(self, event)
        return self.execute(context)

    def execute(self, context):
        edit, settings = context.scene.story_edit, context.scene.story_motion
        if edit.dirty and not self.discard:
            return fail(self, settings, "The lists hold edits not yet applied: apply them, or "
                                        "load again and confirm to drop them")
        try:
            screenplay = screenplay_store.load_screenplay(context.blend_data)
        except ScreenplayError as exc:
            return fail(self, settings, f"Could not load the Screenplay: {one_line(exc)}")
        fill(edit, edit_rows(screenplay.to_dict()))
        edit.loaded_from = screenplay_store.text_hash(context.blend_data)
        edit.cast_index = edit.prop_index = edit.beat_index = 0
        settings.last_status = (f"Loaded {len(edit.cast)} cast, {len(edit.props)} props and "
                                f"{len(edit.beats)} beats into the lists")
        self.report({'INFO'}, settings.last_status)
        return {'FINISHED'}


class STORY_OT_screenplay_apply(bpy.types.Operator):
    bl_idname = "story.screenplay_apply"
    bl_label = "Apply Screenplay Edits"
    bl_description = ("Check the lists' edits and write them into the Screenplay text; "
                      "nothing is written when an edit is invalid")
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        if not has_scene(cls, context):
            return False
        # Edits are made in the lists, which come from the stored Screenplay.
        if not context.scene.story_edit.loaded_from:
            cls.poll_message_set("Load the Screenplay into the lists first")
            return False
        return True

    def execute(self, context):
        blend_data, edit = context.blend_data, context.scene.story_edit
        settings = context.scene.story_motion
        if screenplay_store.text_hash(blend_data) != edit.loaded_from:
            return fail(self, settings, "The Screenplay text changed since the lists were "
                                        "loaded: load it into the lists again, then edit")
        try:
            screenplay = apply_rows(screenplay_store.load_screenplay(blend_data).to_dict(),
                                    read(edit))
        except ScreenplayError as exc:
            return fail(self, settings, f"Edits not applied: {one_line(exc)}")
        notes = screenplay_store.parse_notes(blend_data)
        screenplay_store.save_screenplay(blend_data, screenplay, warnings=notes["warnings"],
                                         parser=notes["parser"])
        edit.loaded_from = screenplay_store.text_hash(blend_data)
        edit.dirty = False
        out_of_date = stale(context, screenplay)
        settings.last_status = "Applied the edits to the Screenplay" + (
            f"; re-run {', '.join(out_of_date)}" if out_of_date else "")
        self.report({'INFO'}, settings.last_status)
        return {'FINISHED'}


class _BeatEdit:
    """A change to the beat list, made on rows by `screenplay_edit` and written back."""
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        if not has_scene(cls, context):
            return False
        if not context.scene.story_edit.loaded_from:
            cls.poll_message_set("Load the Screenplay into the lists first")
            return False
        return True

    def execute(self, context):
        edit = context.scene.story_edit
        beats, index = self.change(context, read(edit)["beats"], edit.beat_index)
        fill(edit, {"beats": beats}, kinds=("beats",))
        edit.beat_index = max(0, min(index, len(beats) - 1))
        edit.dirty = True
        return {'FINISHED'}


class STORY_OT_beat_move(_BeatEdit, bpy.types.Operator):
    bl_idname = "story.beat_move"
    bl_label = "Move Beat"
    bl_description = ("Move the active beat up or down; a beat that follows the one it passes "
                      "swaps places with it in time too")

    direction: EnumProperty(name="Direction", items=[
        ('UP', "Up", "Move the beat one place earlier"),
        ('DOWN', "Down", "Move the beat one place later"),
    ])

    def change(self, context, beats, index):
        step = -1 if self.direction == 'UP' else 1
        moved = move_beat(beats, index, step)
        return moved, (index + step if moved != beats else index)


class STORY_OT_beat_add(_BeatEdit, bpy.types.Operator):
    bl_idname = "story.beat_add"
    bl_label = "Add Beat"
    bl_description = "Add an idle beat for the active beat's actor, starting when that beat ends"

    def change(self, context, beats, index):
        edit = context.scene.story_edit
        actor = beats[index]["actor"] if beats else (edit.cast[0].story_id if edit.cast else "")
        return add_beat(beats, index, actor), index + 1


class STORY_OT_beat_remove(_BeatEdit, bpy.types.Operator):
    bl_idname = "story.beat_remove"
    bl_label = "Remove Beat"
    bl_description = "Remove the active beat; the beats that started from it start where it did"

    def change(self, context, beats, index):
        return remove_beat(beats, index), index - 1 if index >= len(beats) - 1 else index


classes = (
    STORY_OT_screenplay_load,
    STORY_OT_screenplay_apply,
    STORY_OT_beat_move,
    STORY_OT_beat_add,
    STORY_OT_beat_remove,
)

register, unregister = bpy.utils.register_classes_factory(classes)
