"""Per-scene Story Motion settings, stored in the .blend as `Scene.story_motion`."""
import bpy
from bpy.props import (BoolProperty, EnumProperty, FloatProperty, IntProperty,
                       PointerProperty, StringProperty)

from ..addon.blender.screenplay_store import STORY_TEXT

def is_one_line(text) -> bool:
    """Whether the story Text is short enough for the one-line prompt field to show it whole
    (typing there replaces the Text's contents, so a longer story is edited in the Text)."""
    return text is None or "\n" not in text.as_string().strip()


def _get_prompt(self) -> str:
    return self.story_text.as_string().strip() if is_one_line(self.story_text) \
        and self.story_text is not None else ""


def _set_prompt(self, value: str) -> None:
    if not is_one_line(self.story_text):
        return                               # never overwrite a longer story from here
    if self.story_text is None:
        self.story_text = bpy.data.texts.new(STORY_TEXT)
    self.story_text.from_string(value)


LANGUAGES = (
    ('AUTO', "Auto", "Detect English or Chinese from the text"),
    ('EN', "English", "The story is written in English"),
    ('ZH', "Chinese", "The story is written in Chinese"),
)


class STORY_SceneSettings(bpy.types.PropertyGroup):
    story_text: PointerProperty(
        name="Story",
        type=bpy.types.Text,
        description="Text datablock that holds the story to parse",
    )
    prompt: StringProperty(
        name="Prompt",
        get=_get_prompt,
        set=_set_prompt,
        description="A short story in one line, kept in the story Text (created when there is "
                    "none); a longer story is written in the Text Editor",
    )
    language: EnumProperty(
        name="Language",
        items=LANGUAGES,
        default='AUTO',
        description="Language the story is written in",
    )
    seed: IntProperty(
        name="Seed",
        default=0,
        min=0,
        description="Seed for every random choice of the generating stages; "
                    "the same seed regenerates the same scene",
    )
    last_status: StringProperty(
        name="Last Status",
        default="",
        description="Outcome of the last Story Motion operation on this scene",
    )
    render_after_generate: BoolProperty(
        name="Render after Generate",
        default=True,
        description="Render preview shots, the video and the storyboard once Generate has "
                    "shot the story",
    )
    output_folder: StringProperty(
        name="Output Folder",
        default="//story_render/",
        subtype='DIR_PATH',
        description="Where renders go, in a folder per preset; \"//\" is the .blend's folder, "
                    "or the system's temporary folder while the file is unsaved",
    )
    progress: FloatProperty(
        name="Progress",
        default=0.0,
        min=0.0,
        max=1.0,
        subtype='FACTOR',
        description="How far the running Generate or Render has got",
    )
    progress_text: StringProperty(
        name="Progress Text",
        default="",
        description="What the running Generate or Render is doing now",
    )


classes = (
    STORY_SceneSettings,
)

_register_classes, _unregister_classes = bpy.utils.register_classes_factory(classes)


def register() -> None:
    _register_classes()
    bpy.types.Scene.story_motion = PointerProperty(type=STORY_SceneSettings)


def unregister() -> None:
    try:
        del bpy.types.Scene.story_motion
    except AttributeError:
        pass
    _unregister_classes()
