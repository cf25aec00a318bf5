"""Generate: every stage in turn, a step at a time, so Blender stays responsive and Esc stops.

Each stage runs its own operator (so the panel's stage buttons and Generate do the same thing,
preferences included); the render is the Render button's frame-by-frame job.  Staging happens
inside the animate stage.
"""
from __future__ import annotations

import bpy
import numpy as np
from mathutils import Matrix

from ..addon.blender import cleanup
from ..addon.blender.animate_build import TRACK
from ..addon.blender.animate_stage import REST_KEY
from ..addon.blender.shoot_stage import clear_shoot
from ..addon.blender.simulate_stage import clear_simulation
from .common import (JobOperator, Stage, StageJob, has_scene, one_line, running_job,
                     single_step)
from .render import RenderOverrides, render_stage_for, render_workers
from .sources import fetch_stage, wanted


def _operator_stage(name: str, label: str, weight: float, clear=None) -> Stage:
    """A stage that runs `bpy.ops.story.<name>()`; its error report becomes the job's error."""
    def work() -> str:
        try:
            getattr(bpy.ops.story, name)()
        except RuntimeError as exc:   # the operator's one-line report, "Error: ..."
            raise RuntimeError(one_line(exc).removeprefix("Error: ")) from None
        return bpy.context.scene.story_motion.last_status
    return Stage(name, label, lambda: single_step(work), clear, weight)


def clear_cast() -> None:
    cleanup.remove_stage(bpy.data, "cast")


def clear_animate() -> None:
    """What the animate stage made: its NLA tracks and actions, the carried props' keys (they
    go back where the cast stage put them) and its Texts."""
    for obj in bpy.data.objects:
        anim = obj.animation_data
        if anim is not None:
            if anim.nla_tracks.get(TRACK) is not None and obj.get("story_stage") == "cast":
                anim.nla_tracks.remove(anim.nla_tracks[TRACK])
            if anim.action is not None and anim.action.get("story_stage") == "animate":
                anim.action = None
        if REST_KEY in obj:
            obj.matrix_world = Matrix(np.reshape(obj[REST_KEY], (4, 4)).tolist())
            del obj[REST_KEY]
    cleanup.remove_stage(bpy.data, "animate")


def generate_job(scene, render_settings=None) -> StageJob:
    """Parse, cast, animate (staging included), simulate and shoot; then render with
    `render_settings` when given."""
    stages = [_operator_stage("parse", "Parsing the story", 1.0)]
    if wanted(bpy.context):                      # a model folder or a service is chosen
        stages.append(fetch_stage(bpy.context))
    stages += [
        _operator_stage("cast", "Building the cast and set", 2.0, clear_cast),
        _operator_stage("animate", "Staging and animating", 2.0, clear_animate),
        _operator_stage("simulate", "Simulating physics", 3.0,
                        lambda: clear_simulation(bpy.data)),
        _operator_stage("shoot", "Placing the cameras", 2.0, lambda: clear_shoot(bpy.data)),
    ]
    if render_settings is not None:
        stages.append(render_stage_for(scene, render_settings, render_workers(bpy.context)))
    return StageJob("Generate", stages)


class STORY_OT_generate(JobOperator, RenderOverrides, bpy.types.Operator):
    bl_idname = "story.generate"
    bl_label = "Generate Story"
    bl_description = ("Run every stage in turn: parse, cast, animate (which stages the action), "
                      "simulate, shoot, and a preview render when \"Render after Generate\" is "
                      "on. Blender stays usable; Esc stops between stages and keeps the stages "
                      "done")
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        if not has_scene(cls, context):
            return False
        # Parsing needs the story.
        if context.scene.story_motion.story_text is None:
            cls.poll_message_set("No story: choose or create a story Text first")
            return False
        # The cast stage builds armatures in Edit Mode.
        if context.mode != 'OBJECT':
            cls.poll_message_set("Switch to Object Mode first")
            return False
        return True

    def make_job(self, context):
        settings = context.scene.story_motion
        try:
            render = self.render_settings('PREVIEW') if settings.render_after_generate else None
        except ValueError as exc:
            return f"Could not generate: {one_line(exc)}"
        return generate_job(context.scene, render)


class STORY_OT_generate_cancel(bpy.types.Operator):
    bl_idname = "story.generate_cancel"
    bl_label = "Stop Story Generate / Render"
    bl_description = ("Stop the running Generate or Render after the step in progress; the "
                      "stages and frames finished are kept")
    bl_options = {'REGISTER'}      # the job it stops makes the undo step

    @classmethod
    def poll(cls, context):
        if running_job() is None:
            cls.poll_message_set("Nothing is running")
            return False
        return True

    def execute(self, context):
        running_job().stop_requested = True
        return {'FINISHED'}


classes = (STORY_OT_generate, STORY_OT_generate_cancel)

register, unregister = bpy.utils.register_classes_factory(classes)
