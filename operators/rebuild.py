"""Rebuild one character from the stored Screenplay, keeping its animation."""
import bpy
from bpy.props import StringProperty

from ..addon.blender import screenplay_store
from ..addon.blender.cast_stage import RebuildError, rebuild_character
from ..addon.blender.sourced_characters import swap_in_characters
from ..addon.blender.sources_store import load_sources
from ..addon.cast.body_kit import BodyKitError
from ..addon.screenplay import ScreenplayError
from ..addon.sourcing import Fetched
from .common import has_screenplay, run_stage


class STORY_OT_rebuild_character(bpy.types.Operator):
    bl_idname = "story.rebuild_character"
    bl_label = "Rebuild Character"
    bl_description = ("Rebuild one character's body, clothes and accessories from the "
                      "Screenplay where it stands, keeping its animation and what you "
                      "parented to it; the rest of the scene is left alone")
    bl_options = {'REGISTER', 'UNDO'}

    cast_id: StringProperty(name="Cast Id", description="Id of the cast member to rebuild")

    @classmethod
    def poll(cls, context):
        if not has_screenplay(cls, context):
            return False
        # Building enters Edit Mode on the new armature.
        if context.mode != 'OBJECT':
            cls.poll_message_set("Switch to Object Mode first")
            return False
        return True

    def execute(self, context):
        def rebuild():
            data = context.blend_data
            screenplay = screenplay_store.load_screenplay(data)
            report = rebuild_character(data, context.scene, context.view_layer, screenplay,
                                       self.cast_id, seed=context.scene.story_motion.seed)
            # A character that came from a service comes from it again (story.fetch_sources).
            fetched, stale = load_sources(data, screenplay.to_json())
            if fetched is not None and self.cast_id in fetched.characters:
                one = Fetched(characters={self.cast_id: fetched.characters[self.cast_id]})
                report.warnings += swap_in_characters(data, one)[1]
            elif stale:
                report.warnings.append(stale)
            return report
        return run_stage(self, context, f"rebuild {self.cast_id!r}", rebuild,
                         (ScreenplayError, RebuildError, BodyKitError),
                         lambda r: f"Rebuilt {', '.join(r.characters)}; its animation is kept")


classes = (STORY_OT_rebuild_character,)

register, unregister = bpy.utils.register_classes_factory(classes)
