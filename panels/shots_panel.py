"""The Shots sub-panel: the shot list with jump and camera lock, rendering, the output folder.

The camera lock is the camera object's transform lock (location, rotation, scale): a generated
shot camera cannot be moved by accident while the user works on the scene.  To reframe a shot,
unlock it, or use the 3D Viewport's own View > Lock Camera to View.
"""
import bpy

from ..addon.render.shots import SHOT_LIST_TEXT, ShotListError, shots_from_json, \
    shots_from_markers
from ..operators.render import output_root
from ..operators.shoot import camera_locked

# The panel redraws often; read the shot list again only when it or the markers changed.
_shots_cache: dict = {"key": None, "shots": [], "error": None}


def scene_shots(scene, blend_data) -> tuple[list, str | None]:
    """(shots, error): the shoot stage's ShotList.json, else the markers bound to cameras."""
    text = blend_data.texts.get(SHOT_LIST_TEXT)
    source = text.as_string() if text is not None else ""
    markers = tuple((m.frame, m.name, m.camera.name if m.camera else "")
                    for m in scene.timeline_markers)
    key = (source, markers, scene.frame_end)
    if key != _shots_cache["key"]:
        shots, error = [], None
        try:
            shots = (shots_from_json(source) if source.strip()
                     else shots_from_markers(list(markers), scene.frame_end))
        except ShotListError as exc:
            error = str(exc)
        _shots_cache.update(key=key, shots=shots, error=error)
    return _shots_cache["shots"], _shots_cache["error"]


class STORY_PT_shots(bpy.types.Panel):
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Story"
    bl_label = "Shots"
    bl_parent_id = "STORY_PT_main"

    @classmethod
    def poll(cls, context):
        return context.scene is not None

    def draw(self, context):
        layout = self.layout
        scene = context.scene
        shots, error = scene_shots(scene, context.blend_data)
        if error is not None:
            layout.label(text=error, icon='ERROR')
        elif not shots:
            layout.label(text="No shots yet: shoot the story", icon='INFO')
        col = layout.column(align=True)
        for shot in shots:
            _draw_shot(col.row(align=True), shot, scene, context.blend_data)

        layout.prop(scene.story_motion, "output_folder", text="")
        row = layout.row(align=True)
        row.operator("story.render", text="Render Preview", icon='RENDER_ANIMATION'
                     ).preset = 'PREVIEW'
        row.operator("story.render", text="Render Final", icon='RENDER_RESULT').preset = 'FINAL'
        row = layout.row()
        row.operator("story.open_output_folder", text="Open Output Folder", icon='FILE_FOLDER')
        row.label(text=str(output_root(scene)))


def _draw_shot(row, shot, scene, blend_data) -> None:
    """A shot's row: jump (pressed while the current frame is in it), frames, camera lock."""
    camera = blend_data.objects.get(shot.camera)
    here = shot.frame_start <= scene.frame_current <= shot.frame_end
    kind = f" ({shot.type.replace('_', ' ')})" if shot.type else ""
    op = row.operator("story.jump_to_shot", text=f"{shot.name}{kind}", depress=here,
                      icon='VIEW_CAMERA' if camera is not None else 'ERROR')
    op.frame, op.camera = shot.frame_start, shot.camera
    row.label(text=f"{shot.frame_start}-{shot.frame_end}")
    if camera is not None:
        row.operator("story.lock_shot_camera", text="", emboss=False,
                     icon='LOCKED' if camera_locked(camera) else 'UNLOCKED').camera = camera.name


classes = (STORY_PT_shots,)

register, unregister = bpy.utils.register_classes_factory(classes)
