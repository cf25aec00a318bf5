"""Stage the story and animate every character from the stored Screenplay."""
import bpy

from ..addon.blender import screenplay_store
from ..addon.blender.animate_stage import rigs_by_id, run_animate
from ..addon.blender.sources_store import load_sources
from ..addon.motion.library import MotionLibraryError
from ..addon.motion.retarget import RigError
from ..addon.screenplay import ScreenplayError
from ..panels.preferences import get_preferences
from .common import count, has_scene, run_stage


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
        scene = context.scene
        fps = scene.render.fps / scene.render.fps_base

        def animate():
            screenplay = screenplay_store.load_screenplay(context.blend_data)
            if screenplay is None:
                raise ScreenplayError(["no Screenplay: parse the story first"])
            prefs = get_preferences(context)
            folders = (bpy.path.abspath(prefs.motion_folder),) \
                if prefs is not None and prefs.motion_folder.strip() else ()
            fetched, _ = load_sources(context.blend_data, screenplay.to_json())
            if fetched is not None and fetched.motion_folder is not None \
                    and fetched.motion_folder.is_dir():       # story.fetch_sources
                folders += (str(fetched.motion_folder),)
            return run_animate(context.blend_data, scene, screenplay,
                               seed=scene.story_motion.seed, motion_folders=folders)
        return run_stage(self, context, "animate", animate,
                         (ScreenplayError, RigError, MotionLibraryError),
                         lambda r: f"Animated {count(len(r.characters), 'character')} over "
                                   f"{r.frames / fps:.1f} s")


classes = (STORY_OT_animate,)

register, unregister = bpy.utils.register_classes_factory(classes)
