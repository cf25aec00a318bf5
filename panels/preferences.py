"""Add-on preferences: which parser turns the story into a Screenplay and the LLM endpoint;
where props and motions come from (built-in, the user's folders, a service) with each
service's URL and key; the asset cache."""
import time

import bpy
from bpy.props import EnumProperty, FloatProperty, IntProperty, StringProperty

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
        description="A folder of your own BVH or FBX clips (CMU, Mixamo), labelled by a "
                    "labels.json or their file names; a beat whose action a clip is labelled "
                    "with plays it",
    )

    model_folder: StringProperty(
        name="Model Folder",
        subtype='DIR_PATH',
        description="A folder of your own models (GLB, FBX, OBJ, .blend), named or labelled "
                    "for what they are; a story prop they match is built from them",
    )
    props_provider: EnumProperty(
        name="Props",
        items=(('BUILTIN', "Built-in", "The procedural prop library; works offline"),
               ('MESHY', "Meshy", "Meshy text-to-3D (preview, then refine)"),
               ('TRIPO', "Tripo", "Tripo text-to-model"),
               ('RODIN', "Hyper3D Rodin", "Hyper3D Rodin text-to-3D"),
               ('HUNYUAN', "Hunyuan3D Server", "Your own Hunyuan3D-2 server")),
        default='BUILTIN',
        description="Where story props come from; a service needs online access and its key",
    )
    character_provider: EnumProperty(
        name="Characters",
        items=(('BUILTIN', "Built-in", "The parametric body, clothed and rigged; works offline"),
               ('MESHY', "Meshy", "Meshy text-to-3D in a T-pose, then Meshy rigging"),
               ('TRIPO', "Tripo", "Tripo text-to-model, then a Mixamo rig")),
        default='BUILTIN',
        description="Where the cast's bodies come from; a service's rigged model is animated "
                    "like the built-in body",
    )
    motion_provider: EnumProperty(
        name="Motion",
        items=(('BUILTIN', "Built-in", "The mocap library and synthesised actions; works "
                                       "offline"),
               ('MESHY', "Meshy", "Meshy text-to-motion"),
               ('SAYMOTION', "DeepMotion SayMotion", "DeepMotion SayMotion text-to-motion")),
        default='BUILTIN',
        description="Where the actions' motions come from (walking and running always follow "
                    "the staged paths)",
    )
    meshy_url: StringProperty(name="Meshy URL", default="",
                              description="Empty: https://api.meshy.ai/openapi or "
                                          "STORY_MOTION_MESHY_URL")
    meshy_key: StringProperty(name="Meshy API Key", default="", subtype='PASSWORD',
                              description="Never written into the .blend; empty uses "
                                          "MESHY_API_KEY")
    tripo_url: StringProperty(name="Tripo URL", default="",
                              description="Empty: https://api.tripo3d.ai/v2/openapi or "
                                          "STORY_MOTION_TRIPO_URL")
    tripo_key: StringProperty(name="Tripo API Key", default="", subtype='PASSWORD',
                              description="Never written into the .blend; empty uses "
                                          "TRIPO_API_KEY")
    rodin_url: StringProperty(name="Rodin URL", default="",
                              description="Empty: https://api.hyper3d.com/api/v2 or "
                                          "STORY_MOTION_RODIN_URL")
    rodin_key: StringProperty(name="Rodin API Key", default="", subtype='PASSWORD',
                              description="Never written into the .blend; empty uses "
                                          "RODIN_API_KEY")
    hunyuan_url: StringProperty(name="Hunyuan3D URL", default="",
                                description="Your server, e.g. http://localhost:8081; empty "
                                            "uses HUNYUAN3D_URL")
    saymotion_url: StringProperty(name="SayMotion URL", default="",
                                  description="Empty: https://service.deepmotion.com or "
                                              "STORY_MOTION_SAYMOTION_URL")
    saymotion_id: StringProperty(name="SayMotion Client ID", default="", subtype='PASSWORD',
                                 description="Empty uses DEEPMOTION_CLIENT_ID")
    saymotion_secret: StringProperty(name="SayMotion Client Secret", default="",
                                     subtype='PASSWORD',
                                     description="Empty uses DEEPMOTION_CLIENT_SECRET")
    service_timeout_s: FloatProperty(
        name="Service Timeout", default=1200.0, min=10.0, soft_max=3600.0,
        unit='TIME_ABSOLUTE',
        description="How long one generation task may take before the built-in default is "
                    "used instead",
    )

    render_workers: IntProperty(
        name="Render Workers", default=1, min=1, soft_max=16,
        description="Background processes that render chunks of frames at once (each with "
                    "its share of the CPU cores); 1 renders in Blender itself, a frame per step",
    )

    def draw(self, context):
        layout = self.layout
        layout.use_property_split = True
        layout.prop(self, "render_workers")
        layout.prop(self, "motion_folder")
        layout.prop(self, "model_folder")
        _draw_services(self, layout.box())
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


#: The provider fields of each service: (URL, key, secret) preference names.
SERVICE_FIELDS = {"meshy": ("meshy_url", "meshy_key", None),
                  "tripo": ("tripo_url", "tripo_key", None),
                  "rodin": ("rodin_url", "rodin_key", None),
                  "hunyuan": ("hunyuan_url", None, None),
                  "saymotion": ("saymotion_url", "saymotion_id", "saymotion_secret")}


def _draw_services(prefs, box) -> None:
    box.label(text="Services", icon='URL')
    box.prop(prefs, "props_provider")
    box.prop(prefs, "character_provider")
    box.prop(prefs, "motion_provider")
    chosen = {prefs.props_provider.lower(), prefs.character_provider.lower(),
              prefs.motion_provider.lower()}
    for name, names in SERVICE_FIELDS.items():
        if name in chosen:
            col = box.column(align=True)
            for field in filter(None, names):
                col.prop(prefs, field)
    if chosen != {"builtin"}:
        box.prop(prefs, "service_timeout_s")
        if not bpy.app.online_access:
            box.label(text="Online access is off: the built-in props and motions are used",
                      icon='ERROR')
    folder, size = _cache_size()
    row = box.row()
    row.label(text=f"Asset cache: {size / 2 ** 20:.1f} MB in {folder}")
    row.operator("story.clear_cache", icon='TRASH')


#: The cache's folder and size as last measured, and when: preferences redraw often and
#: measuring walks every file of the cache.
_size_cache: dict = {"at": -1e9, "value": ("", 0)}
SIZE_EVERY_S = 5.0


def forget_cache_size() -> None:
    """Measure again at the next draw (the cache was just cleared)."""
    _size_cache["at"] = -1e9


def _cache_size() -> tuple[str, int]:
    from ..addon.blender.asset_import import user_cache
    now = time.monotonic()
    if now - _size_cache["at"] > SIZE_EVERY_S:
        cache = user_cache()
        _size_cache.update(at=now, value=(str(cache.folder), cache.size_bytes()))
    return _size_cache["value"]


def service_settings(prefs) -> tuple[dict, dict, tuple]:
    """(choices {step: provider}, per-provider config overrides, model folders) from the
    preferences; what `sourcing.fetch` takes (online access is added by the caller)."""
    if prefs is None:
        return {}, {}, ()
    choices = {step: name.lower() for step, name in (("props", prefs.props_provider),
                                                     ("character", prefs.character_provider),
                                                     ("motion", prefs.motion_provider))
               if name != 'BUILTIN'}
    overrides = {}
    for name, (url, key, secret) in SERVICE_FIELDS.items():
        values = {"base_url": getattr(prefs, url), "task_timeout_s": prefs.service_timeout_s}
        if key:
            values["api_key"] = getattr(prefs, key)
        if secret:
            values["secret"] = getattr(prefs, secret)
        overrides[name] = values
    folders = tuple(f for f in (bpy.path.abspath(prefs.model_folder),) if prefs.model_folder)
    return choices, overrides, folders


def get_preferences(context=None) -> "STORY_AddonPreferences | None":
    """This add-on's preferences; None when it is not enabled as an add-on."""
    context = context or bpy.context
    addon = context.preferences.addons.get(ADDON_ID)
    return addon.preferences if addon is not None else None


classes = (
    STORY_AddonPreferences,
)

register, unregister = bpy.utils.register_classes_factory(classes)
