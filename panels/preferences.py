"""Add-on preferences: which parser turns the story into a Screenplay, and the LLM endpoint."""
import bpy
from bpy.props import EnumProperty, FloatProperty, StringProperty

#: The extension's module name: `bl_ext.<repository>.story_motion` inside Blender,
#: `story_motion` when imported as a plain package.
ADDON_ID = __package__.rpartition(".")[0]


class STORY_AddonPreferences(bpy.types.AddonPreferences):
    bl_idname = ADDON_ID

    parser_backend: EnumProperty(
        name="Story Parser",
        items=(
            ('BUILTIN', "Built-in", "Rule and lexicon parser for English and Chinese; "
                                    "works offline"),
            ('LLM', "LLM", "An OpenAI-compatible chat endpoint (Ollama, llama.cpp, vLLM, "
                           "OpenAI); needs online access"),
        ),
        default='BUILTIN',
        description="What turns the story text into a Screenplay",
    )
    llm_url: StringProperty(
        name="Endpoint URL",
        default="",
        description="Base URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1; "
                    "empty uses STORY_MOTION_LLM_URL",
    )
    llm_model: StringProperty(
        name="Model",
        default="",
        description="Model name the endpoint serves; empty uses STORY_MOTION_LLM_MODEL",
    )
    llm_api_key: StringProperty(
        name="API Key",
        default="",
        subtype='PASSWORD',
        description="Key for the endpoint, kept in the preferences and never in the .blend; "
                    "empty uses STORY_MOTION_LLM_KEY",
    )
    llm_timeout_s: FloatProperty(
        name="Timeout",
        default=60.0,
        min=1.0,
        soft_max=600.0,
        unit='TIME_ABSOLUTE',
        description="Seconds to wait for the endpoint before falling back to the built-in parser",
    )
    motion_folder: StringProperty(
        name="Motion Folder",
        subtype='DIR_PATH',
        description="A folder of your own BVH clips (CMU, Mixamo), labelled by a labels.json "
                    "or their file names; a beat whose action a clip is labelled with plays it",
    )

    def draw(self, context):
        layout = self.layout
        layout.use_property_split = True
        layout.prop(self, "motion_folder")
        layout.prop(self, "parser_backend")
        col = layout.column()
        col.active = self.parser_backend == 'LLM'
        col.prop(self, "llm_url")
        col.prop(self, "llm_model")
        col.prop(self, "llm_api_key")
        col.prop(self, "llm_timeout_s")
        if self.parser_backend == 'LLM':
            box = layout.box()
            if bpy.app.online_access:
                box.label(text="Online access is on: the story is sent to the endpoint above",
                          icon='INTERNET')
            else:
                box.label(text="Online access is off: the built-in parser is used",
                          icon='ERROR')
                box.label(text="Turn on Preferences > System > Network > Allow Online Access")
            box.label(text="If the endpoint fails, the built-in parser's result is used")


def get_preferences(context=None) -> "STORY_AddonPreferences | None":
    """This add-on's preferences; None when it is not enabled as an add-on."""
    context = context or bpy.context
    addon = context.preferences.addons.get(ADDON_ID)
    return addon.preferences if addon is not None else None


classes = (
    STORY_AddonPreferences,
)

register, unregister = bpy.utils.register_classes_factory(classes)
