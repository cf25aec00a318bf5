"""Build the cast, props and set from the stored Screenplay."""
import bpy

from ..addon.blender import screenplay_store
from ..addon.blender.cast_stage import run_cast
from ..addon.cast.body_kit import BodyKitError
from ..addon.screenplay import ScreenplayError
from .common import count, has_scene, run_stage


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
        def cast():
            screenplay = screenplay_store.load_screenplay(context.blend_data)
            return run_cast(context.blend_data, context.scene, context.view_layer, screenplay,
                            seed=context.scene.story_motion.seed)
        return run_stage(self, context, "build the cast", cast,
                         (ScreenplayError, BodyKitError),
                         lambda r: f"Built {count(len(r.characters), 'character')}, "
                                   f"{count(len(r.props), 'prop')} and the {r.place} set")


classes = (STORY_OT_cast,)

register, unregister = bpy.utils.register_classes_factory(classes)
