"""Shoot the staged story, and the shot list's actions: jump to a shot, lock its camera."""
import bpy
from bpy.props import IntProperty, StringProperty

from ..addon.blender import screenplay_store
from ..addon.blender.animate_stage import PLAN_TEXT
from ..addon.blender.shoot_stage import ShootError, run_shoot
from ..addon.screenplay import ScreenplayError
from .common import count, fail, has_scene, run_stage


class STORY_OT_shoot(bpy.types.Operator):
    bl_idname = "story.shoot"
    bl_label = "Shoot Story"
    bl_description = ("Place cameras that cover the staged story, cut between them with "
                      "timeline markers and light the shots, replacing what this button made "
                      "before; your own cameras stay")
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        if not has_scene(cls, context):
            return False
        # The shots follow the stage plan the animate stage wrote.
        if PLAN_TEXT not in context.blend_data.texts:
            cls.poll_message_set("Nothing staged yet: animate the story first")
            return False
        return True

    def execute(self, context):
        scene = context.scene

        def shoot():
            screenplay = screenplay_store.load_screenplay(context.blend_data)
            if screenplay is None:
                raise ScreenplayError(["no Screenplay: parse the story first"])
            return run_shoot(context.blend_data, scene, screenplay, seed=scene.story_motion.seed)
        return run_stage(self, context, "shoot", shoot, (ScreenplayError, ShootError),
                         lambda r: f"Shot {count(len(r.shots), 'shot')}, subject visible and "
                                   f"framed on {r.coverage:.0%} of the frames")


def _shot_camera(operator, context):
    """The camera object named by the operator, or None after reporting it is gone."""
    camera = context.blend_data.objects.get(operator.camera)
    if camera is None or camera.type != 'CAMERA':
        fail(operator, context.scene.story_motion,
             f"No camera \"{operator.camera}\": run Shoot again to rebuild the shots")
        return None
    return camera


class STORY_OT_jump_to_shot(bpy.types.Operator):
    bl_idname = "story.jump_to_shot"
    bl_label = "Jump to Shot"
    bl_description = ("Go to the shot's first frame and look through its camera, which becomes "
                      "the scene camera")
    bl_options = {'REGISTER', 'UNDO'}

    frame: IntProperty(name="Frame", description="The shot's first frame")
    camera: StringProperty(name="Camera", description="The shot's camera object")

    @classmethod
    def poll(cls, context):
        return has_scene(cls, context)

    def execute(self, context):
        camera = _shot_camera(self, context)
        if camera is None:
            return {'CANCELLED'}
        scene = context.scene
        scene.frame_set(self.frame)
        scene.camera = camera
        space = context.space_data
        if space is not None and space.type == 'VIEW_3D':
            space.region_3d.view_perspective = 'CAMERA'
        return {'FINISHED'}


def camera_locked(camera) -> bool:
    return all(camera.lock_location) and all(camera.lock_rotation)


class STORY_OT_lock_shot_camera(bpy.types.Operator):
    bl_idname = "story.lock_shot_camera"
    bl_label = "Lock Shot Camera"
    bl_description = ("Lock or unlock the shot camera's location, rotation and scale, so the "
                      "framing cannot be moved by accident while you work on the scene")
    bl_options = {'REGISTER', 'UNDO'}

    camera: StringProperty(name="Camera", description="The shot's camera object")

    @classmethod
    def poll(cls, context):
        return has_scene(cls, context)

    def execute(self, context):
        camera = _shot_camera(self, context)
        if camera is None:
            return {'CANCELLED'}
        lock = not camera_locked(camera)
        camera.lock_location = camera.lock_rotation = camera.lock_scale = (lock,) * 3
        camera.lock_rotation_w = lock
        self.report({'INFO'}, f"{'Locked' if lock else 'Unlocked'} {camera.name}")
        return {'FINISHED'}


classes = (STORY_OT_shoot, STORY_OT_jump_to_shot, STORY_OT_lock_shot_camera)

register, unregister = bpy.utils.register_classes_factory(classes)
