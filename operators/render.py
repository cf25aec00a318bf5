"""Render the shots a frame per step into the output folder, then the video and storyboard."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Generator

import bpy
from bpy.props import EnumProperty, IntProperty, StringProperty

from ..addon.blender import render_stage, screenplay_store
from ..addon.cli import worker_program
from ..addon.render.jobs import RenderJob, chunk_argv
from ..addon.render.presets import RenderSettings, chunk_frames, resolve
from ..addon.render.workers import WorkerPool, threads_per_worker
from ..panels.preferences import get_preferences
from .common import JobOperator, Stage, StageJob, count, fail, has_scene, one_line

#: How often a headless render looks at its workers' frames (a window's timer paces itself).
_WATCH_S = 0.25

PRESETS = (
    ('PREVIEW', "Preview", "640x360, 8 samples, every 8th frame: a quick look at the shots"),
    ('FINAL', "Final", "1920x1080, up to 128 samples, denoised, every frame"),
)


class RenderOverrides:
    """What a script or test may change in the preset, as `story-motion render` can: zero or
    empty keeps the preset's value."""
    resolution: StringProperty(
        name="Resolution", default="", options={'HIDDEN', 'SKIP_SAVE'},
        description="WIDTHxHEIGHT instead of the preset's, e.g. 1280x720")
    samples: IntProperty(
        name="Samples", default=0, min=0, options={'HIDDEN', 'SKIP_SAVE'},
        description="Cycles samples instead of the preset's")
    step: IntProperty(
        name="Frame Step", default=0, min=0, options={'HIDDEN', 'SKIP_SAVE'},
        description="Render every n-th frame instead of the preset's step")

    def render_settings(self, preset: str) -> RenderSettings:
        return resolve(preset.lower(), resolution=self.resolution or None,
                       samples=self.samples or None, step=self.step or None)


def output_root(scene) -> Path:
    """The scene's output folder; a "//" path next to the .blend, or in the temporary folder
    while the file is unsaved."""
    folder = scene.story_motion.output_folder.strip() or "//story_render/"
    if folder.startswith("//") and not bpy.data.filepath:
        return Path(tempfile.gettempdir()) / "story_motion" / folder[2:]
    return Path(bpy.path.abspath(folder))


def has_camera(scene) -> bool:
    return scene.camera is not None or any(m.camera for m in scene.timeline_markers)


def render_stage_for(scene, settings: RenderSettings, workers: int = 1) -> Stage:
    """The render as a job stage: a frame per step, or `workers` background processes each
    rendering a chunk of frames from a copy of the file (Esc keeps the frames finished; a
    later render does only the missing ones), then the video, storyboard and shots.json."""
    out_dir, name = output_root(scene) / settings.preset, scene.name
    steps = _render_steps if workers <= 1 else \
        lambda n, s, o: _worker_steps(n, s, o, workers)
    return Stage("render", f"Rendering the {settings.preset}",
                 lambda: steps(name, settings, out_dir), weight=6.0)


def render_workers(context) -> int:
    prefs = get_preferences(context)
    return prefs.render_workers if prefs is not None else 1


def _render_steps(scene_name: str, settings: RenderSettings, out_dir: Path
                  ) -> Generator[float, None, str]:
    # Looked up by name after every pause: what Blender did in between may have moved it.
    scene = bpy.data.scenes[scene_name]
    frame = scene.frame_current
    report = render_stage.begin_render(scene, settings, out_dir)
    frames_dir = out_dir / "frames"
    size = (settings.width, settings.height)
    todo = [f for f in report.frames if not render_stage.on_disk(frames_dir, f, size)]
    try:
        for i, f in enumerate(todo):
            render_stage.render_frames(scene, [f], frames_dir, report)
            yield (i + 1) / (len(todo) + 1)
            scene = bpy.data.scenes[scene_name]
        render_stage.finish_render(scene, settings, out_dir, report, _title(scene))
    finally:
        bpy.data.scenes[scene_name].frame_set(frame)
    return (f"rendered {count(len(todo), 'frame')} ({len(report.frames) - len(todo)} already "
            f"there), video and storyboard in {out_dir}")


def _worker_steps(scene_name: str, settings: RenderSettings, out_dir: Path, workers: int
                  ) -> Generator[float, None, str]:
    """Frames rendered by `workers` processes (`story-motion render --frames-only` on a copy
    of the file as it is now), watched a step at a time; stopping passes Ctrl-C on to them."""
    scene = bpy.data.scenes[scene_name]
    report = render_stage.begin_render(scene, settings, out_dir)
    frames_dir = out_dir / "frames"
    todo = [f for f in report.frames
            if not render_stage.on_disk(frames_dir, f, (settings.width, settings.height))]
    if todo:
        copy = out_dir / f".{scene_name}.render.blend"
        bpy.ops.wm.save_as_mainfile(filepath=str(copy), copy=True, check_existing=False)
        program, env = worker_program()
        job = RenderJob(blend=str(copy), output=str(out_dir), settings=settings, frames=())
        threads = threads_per_worker(workers)
        pool = WorkerPool([[*program, *chunk_argv(job, chunk, threads=threads)]
                           for chunk in chunk_frames(todo, workers)],
                          frames_dir, todo, out_dir / "logs", env)
        try:
            while pool.running:
                pool.poll()
                if bpy.app.background:
                    time.sleep(_WATCH_S)
                yield len(pool.seen) / (len(todo) + 1)
        finally:
            if pool.running:                 # stopped: only complete frames stay
                pool.stop()
            copy.unlink(missing_ok=True)
        pool.close()
        missing = [f for f in todo if not render_stage.on_disk(
            frames_dir, f, (settings.width, settings.height))]
        if missing:
            raise RuntimeError(f"the workers left {count(len(missing), 'frame')} unrendered, "
                               f"first {missing[0]}; see {out_dir / 'logs'}")
        report.rendered = todo
    scene = bpy.data.scenes[scene_name]
    render_stage.finish_render(scene, settings, out_dir, report, _title(scene))
    return (f"rendered {count(len(todo), 'frame')} in {workers} workers "
            f"({len(report.frames) - len(todo)} already there), video and storyboard in "
            f"{out_dir}")


def _title(scene) -> str:
    try:
        screenplay = screenplay_store.load_screenplay(bpy.data)
    except Exception:                  # a hand-edited Screenplay: the sheet says the scene
        return scene.name
    return (screenplay.title if screenplay is not None else "") or scene.name


class STORY_OT_render(JobOperator, RenderOverrides, bpy.types.Operator):
    bl_idname = "story.render"
    bl_label = "Render Shots"
    bl_description = ("Render the shots with Cycles into the output folder a frame at a time, "
                      "then the MP4 video and the storyboard sheet; Esc stops and keeps the "
                      "finished frames, and rendering again renders only the missing ones")
    bl_options = {'REGISTER', 'UNDO'}

    preset: EnumProperty(name="Preset", items=PRESETS, default='PREVIEW',
                         description="Render settings to use; they are set on the scene")

    @classmethod
    def poll(cls, context):
        if not has_scene(cls, context):
            return False
        # The shots' cameras come from the shoot stage (or the user).
        if not has_camera(context.scene):
            cls.poll_message_set("No camera: shoot the story first")
            return False
        return True

    def make_job(self, context):
        try:
            settings = self.render_settings(self.preset)
        except ValueError as exc:
            return f"Could not render: {one_line(exc)}"
        return StageJob("Render", [render_stage_for(context.scene, settings,
                                                    render_workers(context))])


class STORY_OT_open_output_folder(bpy.types.Operator):
    bl_idname = "story.open_output_folder"
    bl_label = "Open Story Output Folder"
    bl_description = "Show the folder the renders go to in the system's file browser"
    bl_options = {'REGISTER'}      # changes nothing in the file: no undo step

    @classmethod
    def poll(cls, context):
        if not has_scene(cls, context):
            return False
        if not output_root(context.scene).is_dir():
            cls.poll_message_set("Nothing rendered yet: the output folder does not exist")
            return False
        return True

    def execute(self, context):
        folder = output_root(context.scene)
        try:
            return bpy.ops.wm.path_open(filepath=str(folder))
        except RuntimeError as exc:
            return fail(self, context.scene.story_motion,
                        f"Could not open {folder}: {one_line(exc).removeprefix('Error: ')}")


classes = (STORY_OT_render, STORY_OT_open_output_folder)

register, unregister = bpy.utils.register_classes_factory(classes)
