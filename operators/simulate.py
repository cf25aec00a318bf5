"""Let Bullet play out what the characters touch, baked to keys, from the animated scene."""
import bpy

from ..addon.blender import screenplay_store
from ..addon.blender.animate_stage import EVENTS_TEXT
from ..addon.blender.simulate_stage import SimulateError, run_simulate
from ..addon.screenplay import ScreenplayError
from .common import count, has_scene, run_stage


class STORY_OT_simulate(bpy.types.Operator):
    bl_idname = "story.simulate"
    bl_label = "Simulate"
    bl_description = ("Simulate the props, breakages and falls with rigid-body physics and bake "
                      "them to keyframes, replacing what this button made before")
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        if not has_scene(cls, context):
            return False
        if EVENTS_TEXT not in context.blend_data.texts:
            cls.poll_message_set("Nothing animated yet: animate the story first")
            return False
        return True

    def execute(self, context):
        scene = context.scene

        def simulate():
            screenplay = screenplay_store.load_screenplay(context.blend_data)
            if screenplay is None:
                raise ScreenplayError(["no Screenplay: parse the story first"])
            report = run_simulate(context.blend_data, scene, screenplay,
                                  seed=scene.story_motion.seed)
            report.warnings += report.problems
            return report
        return run_stage(self, context, "simulate", simulate, (ScreenplayError, SimulateError),
                         lambda r: f"Simulated {count(len(r.props), 'prop')} and "
                                   f"{count(len(r.knockdowns), 'fall')} in {r.seconds:.1f} s")


classes = (STORY_OT_simulate,)

register, unregister = bpy.utils.register_classes_factory(classes)
