"""A render job as plain data, and the command each of its tasks runs.

Local workers (addon/render/workers.py) and render-farm backends (addon/render/openjd.py for
Open Job Description / AWS Deadline Cloud) all describe the same job: the .blend, the output
folder, the settings, and frame chunks that each run `story-motion render --frames A-B
--frames-only`, then one finishing task that encodes the video and draws the storyboard from
the frames on disk.  A new backend (e.g. Flamenco: pack the .blend and post the job to the
manager's REST API) only has to turn a RenderJob into its own job format; register it in
BACKENDS.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .presets import RenderSettings, chunk_by_size, range_text


@dataclass(frozen=True)
class RenderJob:
    blend: str                          # absolute path of the .blend to render
    output: str                         # the output folder: frames/, video, storyboard
    settings: RenderSettings
    frames: tuple[int, ...]             # the frames to render (already stepped)
    chunk_size: int = 10                # frames per farm task
    name: str = "Story Motion render"
    program: tuple[str, ...] = ("story-motion",)   # how a worker starts story-motion

    @property
    def chunks(self) -> list[list[int]]:
        return chunk_by_size(list(self.frames), self.chunk_size)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["frames"] = len(self.frames)
        d["chunks"] = [range_text(c) for c in self.chunks]
        return d


def settings_args(settings: RenderSettings) -> list[str]:
    """The command-line options that reproduce `settings` (besides the frame range)."""
    return ["--preset", settings.preset, "--step", str(settings.step),
            "--samples", str(settings.samples),
            "--resolution", f"{settings.width}x{settings.height}"]


def chunk_argv(job: RenderJob, chunk: list[int], threads: int | None = None) -> list[str]:
    """The arguments (after the program) of the task that renders `chunk`."""
    argv = ["render", job.blend, "-o", job.output, *settings_args(job.settings),
            "--frames", range_text(chunk), "--frames-only"]
    if threads:
        argv += ["--threads", str(threads)]
    return argv


def finish_argv(job: RenderJob) -> list[str]:
    """The arguments of the last task: every frame is on disk, so this one skips them all and
    encodes the video and draws the storyboard."""
    argv = ["render", job.blend, "-o", job.output, *settings_args(job.settings)]
    s = job.settings
    if s.frame_start is not None:
        argv += ["--frames", f"{s.frame_start}-{s.frame_end}"]
    return argv


# name -> function(job, destination folder) -> dict describing what was written
BACKENDS: dict[str, Callable[[RenderJob, Path], dict]] = {}
