"""The render stage: Cycles frames, an H.264 video and a storyboard sheet from a built scene.

Frames go to DIR/frames/####.png, each written under a temporary name and renamed when
complete, so an interrupted render leaves only whole frames and a re-run renders only what is
missing.  Evenly spaced frames go through Blender's own animation render; a lone frame is a
still render.  Either way any frame renders right on its own: the simulate stage baked all
physics to keys, so nothing depends on having played the frames before it.
"""
from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import signal
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import bpy

from ..render.presets import RenderSettings, frame_name, progress_line
from ..render.shots import SHOT_LIST_TEXT, Shot, shots_from_json, shots_from_markers

log = logging.getLogger("story_motion.render")

VIDEO_NAME = "video.mp4"
SHEET_NAME = "storyboard.png"
SHOTS_NAME = "shots.json"
VIEW_TRANSFORMS = ("AgX", "Filmic", "Khronos PBR Neutral")   # kept when shoot chose one


class RenderError(RuntimeError):
    """A scene that cannot be rendered as asked; one line saying why and what to do."""


@dataclass
class RenderReport:
    output: str
    settings: dict
    frames: list[int]                  # every frame this render covers (stepped)
    rendered: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    seconds: float = 0.0               # the whole stage: frames, video and storyboard
    frames_seconds: float = 0.0        # rendering the frames (all workers together)
    render_seconds: float = 0.0        # inside Cycles' render call only
    workers: int = 1
    video: dict | None = None
    storyboard: dict | None = None
    shots: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["frames"] = {"count": len(self.frames),
                       "first": self.frames[0] if self.frames else None,
                       "last": self.frames[-1] if self.frames else None,
                       "step": self.settings.get("step", 1),
                       "folder": str(Path(self.output) / "frames")}
        d["rendered"], d["skipped"] = len(self.rendered), len(self.skipped)
        d["frames_seconds"] = round(self.frames_seconds, 2)
        d["seconds_per_frame"] = (round(self.frames_seconds / len(self.rendered), 2)
                                  if self.rendered else None)
        d["seconds"] = round(self.seconds, 2)
        d["render_seconds"] = round(self.render_seconds, 2)
        return d


def _set_format(image_settings, media_type: str, file_format: str) -> None:
    """Blender 5.0 chooses image or video first (`media_type`), then the format; 4.5 has only
    `file_format` (setting FFMPEG before VIDEO raises "enum not found" in 5.0)."""
    if hasattr(image_settings, "media_type"):
        image_settings.media_type = media_type
    image_settings.file_format = file_format


def apply_settings(scene, settings: RenderSettings, threads: int | None = None) -> list[str]:
    """Cycles on the CPU with the preset's resolution, samples and denoiser; PNG output.
    Returns notes on what was changed beyond the preset (the view transform)."""
    notes = []
    r = scene.render
    r.engine = "CYCLES"
    scene.cycles.device = "CPU"
    r.resolution_x, r.resolution_y, r.resolution_percentage = settings.width, settings.height, 100
    r.pixel_aspect_x = r.pixel_aspect_y = 1.0
    cy = scene.cycles
    cy.samples = settings.samples
    cy.use_adaptive_sampling = settings.adaptive
    if settings.adaptive:
        cy.adaptive_threshold = settings.adaptive_threshold
    cy.use_denoising = settings.denoise
    if settings.denoise:
        cy.denoiser = "OPENIMAGEDENOISE"
        cy.denoising_quality = settings.denoise_quality
    if settings.max_bounces is not None:
        n = settings.max_bounces
        cy.max_bounces = n
        cy.diffuse_bounces = cy.glossy_bounces = min(n, 2)
        cy.transmission_bounces = n
        cy.volume_bounces = 0
        cy.caustics_reflective = cy.caustics_refractive = False
    if scene.view_settings.view_transform not in VIEW_TRANSFORMS:
        notes.append(f"view transform {scene.view_settings.view_transform} replaced by AgX")
        scene.view_settings.view_transform = "AgX"
    _set_format(r.image_settings, "IMAGE", "PNG")
    r.image_settings.color_mode = "RGB"
    r.image_settings.color_depth = "8"
    r.use_file_extension = True
    if threads:
        r.threads_mode, r.threads = "FIXED", threads
    else:
        r.threads_mode = "AUTO"
    return notes


def check_cameras(scene) -> None:
    bound = [m for m in scene.timeline_markers if m.camera is not None]
    if scene.camera is None and not bound:
        raise RenderError(f"scene {scene.name!r} has no camera; run the shoot stage "
                          f"(story-motion build ... --stages ...,shoot) or add a camera")


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header, or None if it is not a whole PNG header."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def on_disk(frames_dir: Path, frame: int, size: tuple[int, int]) -> bool:
    """A frame counts as done when its final file is a PNG of the size asked for; a frame at
    another resolution (an earlier preview) is rendered again."""
    return png_size(frames_dir / frame_name(frame)) == size


@dataclass
class _Stop:
    requests: int = 0
    partial: Path | None = None        # the file being written now, removed on a hard stop
    folder: Path | None = None         # where an animation render writes its partial frames


@contextlib.contextmanager
def _stop_requests():
    """Ctrl-C (SIGINT) or SIGTERM while frames render: the first stops after the frame being
    rendered, the second at once.  Python cannot raise KeyboardInterrupt inside Cycles (its
    render callback swallows it and the render goes on), so a thread reads the signal from
    Python's wakeup fd, which the C-level handler writes immediately."""
    stop = _Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.getsignal(s) for s in signals}
    for s in signals:
        signal.signal(s, lambda signum, frame: None)      # the wakeup fd does the work
    previous_fd = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)

    def watch():
        while True:
            data = os.read(read_fd, 1)
            if not data:
                return
            stop.requests += 1
            if stop.requests == 1:
                log.info("stopping after this frame (Ctrl-C again to stop now)")
            else:
                if stop.partial is not None:
                    stop.partial.unlink(missing_ok=True)
                for stale in (stop.folder.glob(".*.partial.png") if stop.folder else ()):
                    stale.unlink(missing_ok=True)
                log.error("error: interrupted")       # fd 2 may be Blender's muted one
                os._exit(130)

    watcher = threading.Thread(target=watch, name="story-motion stop", daemon=True)
    watcher.start()
    try:
        yield stop
    finally:
        signal.set_wakeup_fd(previous_fd)
        for s, handler in previous.items():
            signal.signal(s, handler)
        os.close(write_fd)
        watcher.join(timeout=5)
        os.close(read_fd)


def render_frames(scene, frames: list[int], frames_dir: Path, report: RenderReport) -> None:
    """Render the frames not yet on disk, one progress line each on the log."""
    with _stop_requests() as stop:
        _render_frames(scene, frames, frames_dir, report, stop)


def _render_frames(scene, frames, frames_dir: Path, report: RenderReport, stop: _Stop) -> None:
    frames_dir.mkdir(parents=True, exist_ok=True)
    stop.folder = frames_dir
    for stale in frames_dir.glob(".*.partial.png"):      # left by a hard stop
        stale.unlink(missing_ok=True)
    size = (scene.render.resolution_x, scene.render.resolution_y)
    todo = [f for f in frames if not on_disk(frames_dir, f, size)]
    report.skipped += [f for f in frames if f not in set(todo)]
    if report.skipped:
        log.info("%d of %d frames already on disk; rendering %d", len(report.skipped),
                 len(frames), len(todo))
    start = time.monotonic()
    done = 0

    def finished(f: int, t0: float) -> None:
        nonlocal done
        done += 1
        report.rendered.append(f)
        now = time.monotonic()
        log.info("%s", progress_line(done, len(todo), f, now - t0, now - start))

    for run in _runs(todo):
        if stop.requests:
            raise KeyboardInterrupt
        if len(run) == 1:
            _render_still(scene, run[0], frames_dir, report, stop, finished)
        else:
            _render_run(scene, run, frames_dir, report, stop, finished)
    if stop.requests:
        raise KeyboardInterrupt


def _runs(frames: list[int]) -> list[list[int]]:
    """`frames` cut into runs of equal spacing (the step), each rendered as one animation."""
    runs: list[list[int]] = []
    for f in frames:
        if runs and (len(runs[-1]) == 1 or f - runs[-1][-1] == runs[-1][1] - runs[-1][0]):
            runs[-1].append(f)
        else:
            runs.append([f])
    return runs


def _render_still(scene, f: int, frames_dir: Path, report: RenderReport, stop: _Stop,
                  finished) -> None:
    final = frames_dir / frame_name(f)
    partial = frames_dir / f".{final.stem}.partial.png"
    t0 = time.monotonic()
    stop.partial = partial
    try:
        scene.frame_set(f)              # also switches to the camera bound to the marker
        bpy.ops.render.render(write_still=False, scene=scene.name)
        report.render_seconds += time.monotonic() - t0
        bpy.data.images["Render Result"].save_render(filepath=str(partial), scene=scene)
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)
        stop.partial = None
    finished(f, t0)


def _render_run(scene, run: list[int], frames_dir: Path, report: RenderReport, stop: _Stop,
                finished) -> None:
    """Evenly spaced frames through Blender's own animation render, which keeps its scene
    between frames (a still render per frame re-evaluates everything: measured about 1 s a
    frame more on the demo story).  Each frame is written under a temporary name; a
    render_write handler renames it and, after a Ctrl-C, ends the process there, since Python
    cannot stop an animation render between frames."""
    r = scene.render
    saved = (scene.frame_start, scene.frame_end, scene.frame_step, r.filepath,
             r.use_overwrite, r.use_placeholder, scene.frame_current)
    scene.frame_start, scene.frame_end = run[0], run[-1]
    scene.frame_step = run[1] - run[0]
    r.filepath = str(frames_dir / ".####.partial")        # .0001.partial.png
    r.use_overwrite, r.use_placeholder = True, False
    t0 = [time.monotonic()]

    def written(sc, *_):
        f = sc.frame_current
        if f not in run:
            return
        partial = frames_dir / f".{frame_name(f)[:-4]}.partial.png"
        os.replace(partial, frames_dir / frame_name(f))
        report.render_seconds += time.monotonic() - t0[0]
        finished(f, t0[0])
        t0[0] = time.monotonic()
        if stop.requests:
            log.error("error: interrupted")
            os._exit(130)

    bpy.app.handlers.render_write.append(written)
    try:
        bpy.ops.render.render(animation=True, scene=scene.name)
    finally:
        bpy.app.handlers.render_write.remove(written)
        (scene.frame_start, scene.frame_end, scene.frame_step, r.filepath, r.use_overwrite,
         r.use_placeholder, current) = saved
        scene.frame_set(current)
    missing = [f for f in run if not (frames_dir / frame_name(f)).is_file()]
    if missing:
        raise RenderError(f"Blender's render wrote no frame {missing[0]} "
                          f"({len(missing)} of {len(run)} missing)")


def encode_video(scene, frames: list[int], frames_dir: Path, path: Path, step: int) -> dict:
    """An H.264 MP4 of the PNG frames through Blender's FFmpeg: a second scene whose sequencer
    holds the frames as one image strip, at fps / step so the video lasts as long as the story.
    The frames are already display-referred, so that scene's view transform is Standard."""
    if not frames:
        raise RenderError("no frames to encode")
    video = bpy.data.scenes.new("Story Motion video")
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        editor = video.sequence_editor_create()
        strip = editor.strips.new_image(name="frames", filepath=str(frames_dir / frame_name(frames[0])),
                                        channel=1, frame_start=1)
        for f in frames[1:]:
            strip.elements.append(frame_name(f))
        r = video.render
        r.resolution_x, r.resolution_y = scene.render.resolution_x, scene.render.resolution_y
        r.resolution_percentage = 100
        r.fps, r.fps_base = scene.render.fps, scene.render.fps_base * step
        video.frame_start, video.frame_end = 1, len(frames)
        video.view_settings.view_transform = "Standard"
        video.view_settings.look = "None"
        video.view_settings.exposure, video.view_settings.gamma = 0.0, 1.0
        _set_format(r.image_settings, "VIDEO", "FFMPEG")
        r.ffmpeg.format = "MPEG4"
        r.ffmpeg.codec = "H264"
        r.ffmpeg.constant_rate_factor = "MEDIUM"
        r.ffmpeg.ffmpeg_preset = "GOOD"
        r.ffmpeg.audio_codec = "NONE"
        r.use_file_extension = False
        r.filepath = str(partial)
        t0 = time.monotonic()
        bpy.ops.render.render(animation=True, scene=video.name)
        if not partial.is_file():
            raise RenderError(f"Blender's FFmpeg wrote no video to {partial}")
        os.replace(partial, path)
        fps = r.fps / r.fps_base
    finally:
        partial.unlink(missing_ok=True)
        bpy.data.scenes.remove(video)
    log.info("video: %s, %d frames at %.3g fps (%.1f s) in %.1f s", path.name, len(frames),
             fps, len(frames) / fps, time.monotonic() - t0)
    return {"path": str(path), "frames": len(frames), "fps": round(fps, 4),
            "duration_s": round(len(frames) / fps, 3), "codec": "H.264", "container": "MP4"}


def beat_words(blend_data) -> dict[str, str]:
    """Beat id -> the story's words for it, from the stored Screenplay (empty without one)."""
    from .screenplay_store import load_screenplay
    try:
        sp = load_screenplay(blend_data)
    except Exception:                  # a bad hand edit: the sheet goes without beat text
        return {}
    return {b.id: b.source.text.strip() for b in (sp.beats if sp else []) if b.source}


def shot_list(scene) -> list[Shot]:
    """The shoot stage's ShotList.json, else the camera markers, else one shot of the scene's
    camera over the whole range."""
    text = bpy.data.texts.get(SHOT_LIST_TEXT)
    if text is not None and text.as_string().strip():
        return shots_from_json(text.as_string(), beat_words(bpy.data))
    markers = [(m.frame, m.name, m.camera.name if m.camera else "")
               for m in scene.timeline_markers]
    shots = shots_from_markers(markers, scene.frame_end)
    if shots:
        return shots
    cam = scene.camera.name if scene.camera else ""
    return [Shot(name=cam or scene.name, camera=cam, frame_start=scene.frame_start,
                 frame_end=scene.frame_end)]


def stills_for_shots(scene, shots: list[Shot], frames_dir: Path, rendered: list[int],
                     stills_dir: Path) -> list[Path]:
    """A still per shot: the rendered frame nearest the shot's middle, or, when none of its
    frames was rendered (a --frames subset), its middle frame rendered now into stills/."""
    from ..render.shots import still_frame
    out = []
    for shot in shots:
        f = still_frame(shot, rendered)
        if f is not None:
            out.append(frames_dir / frame_name(f))
            continue
        report = RenderReport(output=str(stills_dir), settings={}, frames=[shot.middle])
        render_frames(scene, [shot.middle], stills_dir, report)
        out.append(stills_dir / frame_name(shot.middle))
    return out


def run_render(scene, settings: RenderSettings, out_dir: Path, *, frames_only: bool = False,
               workers: int = 1, threads: int | None = None,
               worker_command=None, worker_env: dict | None = None,
               title: str = "") -> RenderReport:
    """Render `scene` into `out_dir`: frames (in this process, or in `workers` processes made by
    `worker_command(chunk) -> argv`), then, unless `frames_only`, the video, the storyboard
    sheet and shots.json."""
    from ..render.presets import chunk_frames
    from ..render.workers import run_workers
    started = t0 = time.monotonic()
    report = begin_render(scene, settings, out_dir, threads)
    report.workers = workers
    frames = report.frames
    frames_dir = out_dir / "frames"
    if settings.step > 1:
        log.info("%s preset: every %d%s frame of %d-%d (%d frames); the video plays at "
                 "%.3g fps", settings.preset, settings.step,
                 {2: "nd", 3: "rd"}.get(settings.step, "th"), scene.frame_start,
                 scene.frame_end, len(frames),
                 scene.render.fps / scene.render.fps_base / settings.step)
    size = (settings.width, settings.height)
    todo = [f for f in frames if not on_disk(frames_dir, f, size)]
    if workers > 1 and len(todo) > 1:
        if worker_command is None:
            raise RenderError("workers need a command to start story-motion")
        chunks = chunk_frames(todo, workers)
        log.info("rendering %d frames in %d workers", len(todo), len(chunks))
        t0 = time.monotonic()
        run = run_workers([worker_command(c) for c in chunks], frames_dir, todo,
                          out_dir / "logs", env=worker_env)
        report.workers = run.workers
        missing = [f for f in todo if not on_disk(frames_dir, f, size)]
        if missing:
            raise RenderError(f"workers finished but {len(missing)} frames are missing, "
                              f"first {missing[0]}; see {out_dir / 'logs'}")
        report.rendered = todo
        report.skipped = [f for f in frames if f not in set(todo)]
    else:
        report.workers = 1
        render_frames(scene, frames, frames_dir, report)
    report.frames_seconds = time.monotonic() - t0
    if not frames_only:
        finish_render(scene, settings, out_dir, report, title)
    report.seconds = time.monotonic() - started
    return report


def begin_render(scene, settings: RenderSettings, out_dir: Path,
                 threads: int | None = None) -> RenderReport:
    """Check the cameras, apply `settings` and list the frames to render into `out_dir`:
    the report that `render_frames` and `finish_render` fill in (the panel's render calls
    them a frame at a time)."""
    from ..render.presets import frames_to_render
    check_cameras(scene)
    notes = apply_settings(scene, settings, threads)
    frames = frames_to_render(scene.frame_start, scene.frame_end, settings)
    if not frames:
        raise RenderError(f"no frames of {scene.frame_start}-{scene.frame_end} lie in "
                          f"{settings.frame_start}-{settings.frame_end}")
    (out_dir / "frames").mkdir(parents=True, exist_ok=True)
    return RenderReport(output=str(out_dir), settings=settings.to_dict(), frames=frames,
                        warnings=notes)


def finish_render(scene, settings: RenderSettings, out_dir: Path, report: RenderReport,
                  title: str = "") -> None:
    """The video, the storyboard sheet and shots.json from the frames of `report`."""
    import json
    from .render_sheet import draw_sheet
    frames, frames_dir = report.frames, out_dir / "frames"
    report.video = encode_video(scene, frames, frames_dir, out_dir / VIDEO_NAME, settings.step)
    shots = shot_list(scene)
    stills = stills_for_shots(scene, shots, frames_dir, frames, out_dir / "stills")
    heading = (f"{title or scene.name}  —  storyboard, {len(shots)} shots, "
               f"{settings.preset} {settings.width}x{settings.height}")
    report.storyboard = draw_sheet(shots, stills, (settings.width, settings.height),
                                   out_dir / SHEET_NAME, heading)
    report.shots = [dict(s.to_dict(), still=str(p)) for s, p in zip(shots, stills)]
    (out_dir / SHOTS_NAME).write_text(json.dumps(report.shots, indent=2,
                                                 ensure_ascii=False) + "\n", encoding="utf-8")
    log.info("storyboard: %s (%d shots)", SHEET_NAME, len(shots))
