"""Build the cast, props and set from the stored Screenplay."""
import bpy

from ..addon.blender import screenplay_store
from ..addon.blender.asset_import import user_cache
from ..addon.blender.cast_stage import run_cast
from ..addon.blender.sourced_characters import swap_in_characters
from ..addon.blender.sourced_props import swap_in_models
from ..addon.blender.sources_store import load_sources
from ..addon.cast.body_kit import BodyKitError
from ..addon.screenplay import ScreenplayError
from .common import count, has_screenplay, run_stage


class STORY_OT_cast(bpy.types.Operator):
    bl_idname = "story.cast"
    bl_label = "Build Cast"
    bl_description = ("Build the characters, props and set the Screenplay calls for, replacing "
                      "what this button built before; your own objects are left alone")
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        # The Screenplay is stored in the file: parse first.
        if not has_screenplay(cls, context):
            return False
        # Building enters Edit Mode on each new armature.
        if context.mode != 'OBJECT':
            cls.poll_message_set("Switch to Object Mode first")
            return False
        return True

    def execute(self, context):
        def cast():
            data = context.blend_data
            screenplay = screenplay_store.load_screenplay(data)
            report = run_cast(data, context.scene, context.view_layer, screenplay,
                              seed=context.scene.story_motion.seed)
            fetched, stale = load_sources(data, screenplay.to_json())  # story.fetch_sources
            if stale:
                report.warnings.append(stale)
            if fetched is not None and fetched.models:
                report.warnings += swap_in_models(data, fetched, user_cache(), screenplay)[1]
            if fetched is not None and fetched.characters:
                report.warnings += swap_in_characters(data, fetched)[1]
            return report
        return run_stage(self, context, "build the cast", cast,
                         (ScreenplayError, BodyKitError),
                         lambda r: f"Built {count(len(r.characters), 'character')}, "
                                   f"{count(len(r.props), 'prop')} and the {r.place} set")


classes = (STORY_OT_cast,)

register, unregister = bpy.utils.register_classes_factory(classes)
