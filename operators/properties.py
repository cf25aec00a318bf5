"""Per-scene Story Motion settings, stored in the .blend as `Scene.story_motion`."""
import bpy
from bpy.props import EnumProperty, IntProperty, PointerProperty, StringProperty

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
