"""The Story tab of the 3D Viewport's sidebar."""
import bpy

from ..addon.blender import screenplay_store
from ..addon.screenplay import ScreenplayError
from ..operators.common import running_job
from ..operators.properties import is_one_line
from ..operators.sources import wanted

# The panel redraws often; parse the stored JSON again only when it changed.
_summary_cache: dict = {"source": None, "summary": None, "error": None}


def _stored_summary(blend_data) -> tuple[dict | None, str | None]:
    """(summary, error) of the stored Screenplay; (None, None) when there is none."""
    text = blend_data.texts.get(screenplay_store.SCREENPLAY_TEXT)
    source = text.as_string() if text is not None else None
    if source != _summary_cache["source"]:
        summary, error = None, None
        if source is not None:
            try:
                screenplay = screenplay_store.load_screenplay(blend_data)
                summary = screenplay_store.summarize(screenplay)
            except ScreenplayError as exc:
                error = str(exc)
        _summary_cache.update(source=source, summary=summary, error=error)
    return _summary_cache["summary"], _summary_cache["error"]


class STORY_PT_main(bpy.types.Panel):
    bl_space_type = 'VIEW_3D'
    bl_region_type = 'UI'
    bl_category = "Story"
    bl_label = "Story Motion"

    @classmethod
    def poll(cls, context):
        return context.scene is not None

    def draw(self, context):
        layout = self.layout
        settings = context.scene.story_motion

        row = layout.row(align=True)
        row.prop(settings, "story_text", text="")
        row.operator("story.open_story", text="", icon='TEXT')
        if is_one_line(settings.story_text):
            layout.prop(settings, "prompt", text="", icon='FONT_DATA')
        else:
            layout.label(text=f"{len(settings.story_text.lines)} lines: edit them in the "
                              "Text Editor", icon='TEXT')
        col = layout.column()
        col.use_property_split = True
        col.use_property_decorate = False
        col.prop(settings, "language")
        col.prop(settings, "seed")

        _draw_generate(context, layout, settings)
        if settings.story_text is None:
            layout.label(text="Choose or create a story Text", icon='INFO')
        if settings.last_status:
            layout.label(text=settings.last_status)

        _draw_screenplay(context, layout.box())


def _draw_generate(context, layout, settings):
    """Generate (or the running job's progress and Cancel), then a button per stage: staging
    is part of Animate; Fetch when the preferences choose a model folder or a service."""
    job = running_job()
    if job is not None:
        layout.progress(factor=settings.progress, type='BAR',
                        text=settings.progress_text or job.title)
        row = layout.row()
        row.scale_y = 1.6
        row.operator("story.generate_cancel", text="Cancel", icon='CANCEL')
    else:
        row = layout.row()
        row.scale_y = 1.6
        row.operator("story.generate", text="Generate", icon='PLAY')
    layout.prop(settings, "render_after_generate")
    col = layout.column(align=True)
    row = col.row(align=True)
    row.operator("story.parse", text="Parse", icon='TEXT')
    row.operator("story.cast", text="Cast", icon='COMMUNITY')
    row.operator("story.stage", text="Stage", icon='TRACKING')
    row.operator("story.animate", text="Animate", icon='ARMATURE_DATA')
    row = col.row(align=True)
    row.operator("story.simulate", text="Simulate", icon='PHYSICS')
    row.operator("story.shoot", text="Shoot", icon='CAMERA_DATA')
    row.operator("story.render", text="Render", icon='RENDER_ANIMATION')
    if wanted(context):           # runs before Cast inside Generate
        col.operator("story.fetch_sources", text="Fetch Models and Motions", icon='URL')


def _draw_screenplay(context, box):
    """The stored Screenplay's summary and the last parse's warnings."""
    summary, error = _stored_summary(context.blend_data)
    if error is not None:
        box.label(text="Stored screenplay is invalid", icon='ERROR')
        box.label(text=error)
        return
    if summary is None:
        box.label(text="No screenplay yet: parse the story", icon='INFO')
        return
    box.label(text=summary["title"] or "Screenplay", icon='TEXT')
    row = box.row()
    row.label(text=f"Cast: {len(summary['cast'])}")
    row.label(text=f"Props: {len(summary['props'])}")
    row.label(text=f"Beats: {len(summary['beats'])}")
    col = box.column(align=True)
    for member in summary["cast"]:
        extra = f" ({', '.join(member['accessories'])})" if member["accessories"] else ""
        col.label(text=f"{member['name']}{extra}", icon='USER')
    for prop in summary["props"]:
        col.label(text=f"{prop['name']} [{prop['category']}]", icon='OBJECT_DATA')
    box.label(text=f"Duration: {summary['duration_s']:g} s")

    notes = screenplay_store.parse_notes(context.blend_data)
    if notes["warnings"]:
        col = box.column(align=True)
        for warning in notes["warnings"]:
            col.label(text=warning, icon='ERROR')


classes = (
    STORY_PT_main,
)

register, unregister = bpy.utils.register_classes_factory(classes)
