"""Parse the story into a Screenplay, and open the story for editing."""
import logging

import bpy
from bpy.props import StringProperty

from ..addon.blender import screenplay_store
from ..addon.screenplay import ScreenplayError
from ..addon.story.llm import LLMConfig
from ..addon.story.parse import StoryError
from ..addon.story.understand import understand
from ..panels.preferences import get_preferences
from .common import count, fail, has_scene, one_line

log = logging.getLogger(__name__)


def _llm_config(prefs) -> LLMConfig:
    """The endpoint from the add-on preferences; empty fields fall back to the environment."""
    env = LLMConfig.from_env()
    return LLMConfig(
        url=prefs.llm_url or env.url,
        model=prefs.llm_model or env.model,
        api_key=prefs.llm_api_key or env.api_key,
        timeout_s=float(prefs.llm_timeout_s),
    )


class STORY_OT_parse(bpy.types.Operator):
    bl_idname = "story.parse"
    bl_label = "Parse Story"
    bl_description = "Turn the story into a Screenplay stored in the Text \"Screenplay.json\""
    bl_options = {'REGISTER', 'UNDO'}

    text: StringProperty(
        name="Text",
        description="Story to parse instead of the scene's story Text; it is stored in the "
                    "Text \"Story\"",
        options={'HIDDEN', 'SKIP_SAVE'},
    )

    @classmethod
    def poll(cls, context):
        return has_scene(cls, context)

    def execute(self, context):
        settings = context.scene.story_motion
        given = bool(self.text.strip())
        if given:
            story = self.text
        elif settings.story_text is not None:
            story = settings.story_text.as_string()
        else:
            return fail(self, settings, "No story: choose or create a story Text in the Story "
                                        "panel, or pass text=\"...\"")
        if not story.strip():
            return fail(self, settings, f"The story Text \"{settings.story_text.name}\" is empty")

        parser, llm_config, notes = "builtin", None, []
        prefs = get_preferences(context)
        if prefs is not None and prefs.parser_backend == 'LLM':
            if bpy.app.online_access:
                parser, llm_config = "llm", _llm_config(prefs)
            else:
                notes.append("LLM parser not used: online access is off (Preferences > System "
                             "> Network > Allow Online Access); used the built-in parser")

        try:
            result = understand(story, language=settings.language.lower(), parser=parser,
                                llm_config=llm_config, online=bpy.app.online_access)
        except (StoryError, ScreenplayError) as exc:
            return fail(self, settings, f"Could not parse the story: {one_line(exc)}")
        except Exception as exc:  # Reported in one line; the trace goes to the debug log.
            log.debug("parse failed", exc_info=True)
            return fail(self, settings, f"Could not parse the story: {type(exc).__name__}: "
                                        f"{one_line(exc)}")

        warnings = [*notes, *result.warnings]
        screenplay_store.save_screenplay(context.blend_data, result.screenplay,
                                         story=story if given else None,
                                         warnings=warnings, parser=result.parser)
        if given:   # the panel shows the story the Screenplay came from
            settings.story_text = context.blend_data.texts[screenplay_store.STORY_TEXT]

        for warning in warnings:
            self.report({'WARNING'}, warning)
        sp = result.screenplay
        parser_name = {"builtin": "built-in", "llm": "LLM"}.get(result.parser, result.parser)
        status = (f"Parsed with the {parser_name} parser: {len(sp.cast)} cast, "
                  f"{count(len(sp.props), 'prop')}, {count(len(sp.beats), 'beat')}")
        if warnings:
            status += f", {count(len(warnings), 'warning')}"
        settings.last_status = status
        self.report({'INFO'}, status)
        return {'FINISHED'}


class STORY_OT_open_story(bpy.types.Operator):
    bl_idname = "story.open_story"
    bl_label = "Open Story"
    bl_description = "Create the story Text if there is none and show it in a Text Editor"
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        return has_scene(cls, context)

    def execute(self, context):
        settings = context.scene.story_motion
        text = settings.story_text
        if text is None:
            texts = context.blend_data.texts
            text = texts.get(screenplay_store.STORY_TEXT) or texts.new(screenplay_store.STORY_TEXT)
            settings.story_text = text

        area = _text_editor_area(context)
        if area is None:
            self.report({'INFO'}, f"Story is in the Text \"{text.name}\"; "
                                  f"open a Text Editor to edit it")
        else:
            area.spaces.active.text = text
        return {'FINISHED'}


def _text_editor_area(context):
    """A Text Editor area, preferring the current screen; None when there is none (headless)."""
    screens = [context.screen] if context.screen else []
    screens += [w.screen for w in context.window_manager.windows if w.screen not in screens]
    for screen in screens:
        for area in screen.areas:
            if area.type == 'TEXT_EDITOR':
                return area
    return None


classes = (
    STORY_OT_parse,
    STORY_OT_open_story,
)

register, unregister = bpy.utils.register_classes_factory(classes)
