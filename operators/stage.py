"""Draw the story's blocking (paths and marks) from the stored Screenplay, before animating."""
import bpy

from ..addon.blender import screenplay_store
from ..addon.blender.animate_stage import rigs_by_id
from ..addon.blender.staging_build import run_staging
from ..addon.motion.retarget import RigError
from ..addon.screenplay import ScreenplayError
from .common import count, has_screenplay, run_stage


class STORY_OT_stage(bpy.types.Operator):
    bl_idname = "story.stage"
    bl_label = "Stage Story"
    bl_description = ("Plan where everyone stands and walks for every beat and draw it in "
                      "\"Story Blocking\" (a path per character, an arrow per action), without "
                      "animating; Animate keys motion along the same plan")
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        if not has_screenplay(cls, context):
            return False
        # Staging starts from where the cast stage put the characters.
        if not rigs_by_id(context.blend_data):
            cls.poll_message_set("No characters yet: build the cast first")
            return False
        return True

    def execute(self, context):
        def stage():
            screenplay = screenplay_store.load_screenplay(context.blend_data)
            return run_staging(context.blend_data, context.scene, screenplay,
                               seed=context.scene.story_motion.seed)
        return run_stage(self, context, "stage the story", stage, (ScreenplayError, RigError),
                         lambda r: f"Staged {count(len(r.actors), 'character')}: "
                                   f"{sum(a['walks'] for a in r.actors.values())} walks, "
                                   f"{sum(a['marks'] for a in r.actors.values())} marks")


classes = (STORY_OT_stage,)

register, unregister = bpy.utils.register_classes_factory(classes)
