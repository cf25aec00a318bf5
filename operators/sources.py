"""Fetch the props and motions the preferences ask for (the user's model folder, a service) in
a background thread, so Blender stays responsive while a service works; Esc stops it.  What
was found is kept in the Text "StorySources.json" for the Cast and Animate buttons."""
from __future__ import annotations

import hashlib
import threading
import time

import bpy

from ..addon import sourcing
from ..addon.blender import screenplay_store
from ..addon.assets.cache import MOTIONS
from ..addon.blender.asset_import import user_cache
from ..addon.blender.sources_store import clear_sources, save_sources
from ..panels.preferences import forget_cache_size, get_preferences, service_settings
from .common import JobOperator, Stage, StageJob, count, has_screenplay

#: How long the job waits between looks at the thread when nothing else drives it (headless).
_IDLE_S = 0.05


def wanted(context) -> bool:
    """Whether the preferences ask for anything but the built-in props and motions."""
    choices, _, folders = service_settings(get_preferences(context))
    return bool(choices or folders)


def fetch_stage(context) -> Stage:
    """The fetch as a job stage: a thread does the HTTP and cache work (no Blender data), the
    stage yields its progress until the thread ends, then stores the result in the file."""
    def run():
        screenplay = screenplay_store.load_screenplay(context.blend_data)
        if screenplay is None:
            raise RuntimeError("no Screenplay: parse the story first")
        choices, overrides, folders = service_settings(get_preferences(context))
        cache, cancel, box = user_cache(), threading.Event(), {"fraction": 0.0}
        digest = hashlib.sha256(screenplay.to_json().encode("utf-8")).hexdigest()

        def work():
            try:
                box["fetched"] = sourcing.fetch(
                    screenplay, choices, cache, online=bpy.app.online_access,
                    overrides=overrides, model_folders=folders,
                    work_dir=cache.folder / MOTIONS / digest[:16],
                    progress=lambda what, frac: box.update(fraction=frac or 0.0),
                    cancel=cancel)
            except Exception as exc:  # handed to the job, which reports it in one line
                box["error"] = exc

        thread = threading.Thread(target=work, name="story-motion fetch", daemon=True)
        thread.start()
        try:
            while thread.is_alive():
                if bpy.app.background:
                    time.sleep(_IDLE_S)
                yield min(0.99, box["fraction"])
        finally:
            cancel.set()              # stopped: the clients give up at their next check
        if "error" in box:
            raise box["error"]
        fetched = box["fetched"]
        save_sources(context.blend_data, fetched, screenplay.to_json())
        notes = f"; {fetched.notes[-1]}" if fetched.notes else ""
        return (f"Found {count(len(fetched.models), 'model')} and "
                f"{'motions' if fetched.motion_folder else 'no motions'}{notes}")
    return Stage("sources", "Fetching models and motions", run,
                 lambda: clear_sources(bpy.data), 2.0)


class STORY_OT_fetch_sources(JobOperator, bpy.types.Operator):
    bl_idname = "story.fetch_sources"
    bl_label = "Fetch Models and Motions"
    bl_description = ("Find the story's props in your model folder and ask the services chosen "
                      "in the preferences for props and motions (cached; needs online access); "
                      "Build Cast and Animate then use them")
    bl_options = {'REGISTER', 'UNDO'}

    @classmethod
    def poll(cls, context):
        if not has_screenplay(cls, context):
            return False
        return True

    def make_job(self, context):
        return StageJob("Fetch", [fetch_stage(context)])


class STORY_OT_clear_cache(bpy.types.Operator):
    bl_idname = "story.clear_cache"
    bl_label = "Clear Asset Cache"
    bl_description = ("Delete the downloaded models and motions kept so a story does not pay "
                      "for them twice")
    bl_options = {'REGISTER'}                # files on disk, not Blender data: no undo

    def execute(self, context):
        removed = user_cache().clear()
        forget_cache_size()
        self.report({'INFO'}, f"Cleared the asset cache: {count(removed, 'file')} removed")
        return {'FINISHED'}


classes = (STORY_OT_fetch_sources, STORY_OT_clear_cache)

register, unregister = bpy.utils.register_classes_factory(classes)
