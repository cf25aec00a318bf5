"""The Story Motion menu (3D Viewport > Object > Story Motion): every story operator in a menu,
so F3 search finds them by name ("Generate Story", "Build Cast"), as it finds only operators
that sit in a menu."""
import bpy


class STORY_MT_story(bpy.types.Menu):
    bl_idname = "STORY_MT_story"
    bl_label = "Story Motion"

    def draw(self, context):
        layout = self.layout
        layout.operator("story.generate", icon='PLAY')
        layout.operator("story.generate_cancel", icon='CANCEL')
        layout.separator()
        layout.operator("story.open_story", icon='TEXT')
        layout.operator("story.parse")
        layout.operator("story.fetch_sources", icon='URL')
        layout.operator("story.cast", icon='COMMUNITY')
        layout.operator("story.stage", icon='TRACKING')
        layout.operator("story.animate", icon='ARMATURE_DATA')
        layout.operator("story.simulate", icon='PHYSICS')
        layout.operator("story.shoot", icon='CAMERA_DATA')
        layout.operator("story.render", text="Render Shots (Preview)",
                        icon='RENDER_ANIMATION').preset = 'PREVIEW'
        layout.operator("story.render", text="Render Shots (Final)",
                        icon='RENDER_ANIMATION').preset = 'FINAL'
        layout.operator("story.open_output_folder", icon='FILE_FOLDER')
        layout.separator()
        layout.operator("story.screenplay_load")
        layout.operator("story.screenplay_apply")
        layout.operator("story.clear_cache", icon='TRASH')


def _draw_in_object_menu(self, context):
    self.layout.separator()
    self.layout.menu(STORY_MT_story.bl_idname)


def register() -> None:
    bpy.utils.register_class(STORY_MT_story)
    bpy.types.VIEW3D_MT_object.append(_draw_in_object_menu)


def unregister() -> None:
    bpy.types.VIEW3D_MT_object.remove(_draw_in_object_menu)
    bpy.utils.unregister_class(STORY_MT_story)
