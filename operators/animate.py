"""Stage the story and animate every character from the stored Screenplay."""
import logging

import bpy

from ..addon.blender import screenplay_store
from ..addon.blender.animate_stage import rigs_by_id, run_animate
from ..addon.motion.library import MotionLibraryError
from ..addon.motion.retarget import RigError
from ..addon.screenplay import ScreenplayError
from .common import count, fail, has_scene, one_line

log = logging.getLogger(__name__)


class STORY_OT_animate(bpy.types.Operator):
    bl_idname = "story.animate"
    bl_label = "Animate"
    bl_description = ("Stage every beat and key each character's motion as one action per beat "
                      "on its \"Story Motion\" NLA track, replacing what this button made before")
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        if not has_scene(cls, context):
            return False
        # The characters come from the cast stage.
        if not rigs_by_id(context.blend_data):
            cls.poll_message_set("No characters yet: build the cast first")
            return False
        return True

    def execute(self, context):
        settings = context.scene.story_motion
        try:
            screenplay = screenplay_store.load_screenplay(context.blend_data)
            if screenplay is None:
                return fail(self, settings, "No Screenplay: parse the story first")
            report = run_animate(context.blend_data, context.scene, screenplay,
                                 seed=settings.seed)
        except (ScreenplayError, RigError, MotionLibraryError) as exc:
            return fail(self, settings, f"Could not animate: {one_line(exc)}")
        except Exception as exc:  # Reported in one line; the trace goes to the debug log.
            log.debug("animate failed", exc_info=True)
            return fail(self, settings, f"Could not animate: {type(exc).__name__}: "
                                        f"{one_line(exc)}")
        for warning in report.warnings:
            self.report({'WARNING'}, warning)
        fps = context.scene.render.fps / context.scene.render.fps_base
        status = (f"Animated {count(len(report.characters), 'character')} over "
                  f"{report.frames / fps:.1f} s")
        if report.warnings:
            status += f", {count(len(report.warnings), 'warning')}"
        settings.last_status = status
        self.report({'INFO'}, status)
        return {'FINISHED'}


classes = (STORY_OT_animate,)

register, unregister = bpy.utils.register_classes_factory(classes)
