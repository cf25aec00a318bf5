"""Build the cast, props and set from the stored Screenplay."""
import logging

import bpy

from ..addon.blender import screenplay_store
from ..addon.blender.cast_stage import run_cast
from ..addon.cast.body_kit import BodyKitError
from ..addon.screenplay import ScreenplayError
from .common import count, fail, has_scene, one_line

log = logging.getLogger(__name__)


class STORY_OT_cast(bpy.types.Operator):
    bl_idname = "story.cast"
    bl_label = "Build Cast"
    bl_description = ("Build the characters, props and set the Screenplay calls for, replacing "
                      "what this button built before; your own objects are left alone")
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        # The Screenplay is stored in the file: parse first.
        if not has_scene(cls, context):
            return False
        if screenplay_store.SCREENPLAY_TEXT not in context.blend_data.texts:
            cls.poll_message_set("No Screenplay yet: parse the story first")
            return False
        # Building enters Edit Mode on each new armature.
        if context.mode != 'OBJECT':
            cls.poll_message_set("Switch to Object Mode first")
            return False
        return True

    def execute(self, context):
        settings = context.scene.story_motion
        try:
            screenplay = screenplay_store.load_screenplay(context.blend_data)
            report = run_cast(context.blend_data, context.scene, context.view_layer,
                              screenplay, seed=settings.seed)
        except (ScreenplayError, BodyKitError) as exc:
            return fail(self, settings, f"Could not build the cast: {one_line(exc)}")
        except Exception as exc:  # Reported in one line; the trace goes to the debug log.
            log.debug("cast failed", exc_info=True)
            return fail(self, settings, f"Could not build the cast: {type(exc).__name__}: "
                                        f"{one_line(exc)}")
        for warning in report.warnings:
            self.report({'WARNING'}, warning)
        status = (f"Built {count(len(report.characters), 'character')}, "
                  f"{count(len(report.props), 'prop')} and the {report.place} set")
        if report.warnings:
            status += f", {count(len(report.warnings), 'warning')}"
        settings.last_status = status
        self.report({'INFO'}, status)
        return {'FINISHED'}


classes = (STORY_OT_cast,)

register, unregister = bpy.utils.register_classes_factory(classes)
