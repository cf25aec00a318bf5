"""Render presets and the user's overrides, resolved into the settings one render uses.

A preset is a named starting point (preview: a fast look; final: 1920×1080, adaptive sampling,
denoised); the user's `--resolution`, `--samples`, `--frames` and `--step` win over it.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass


class RenderSettingsError(ValueError):
    """A preset name, resolution, sample count or frame range the user must fix."""


@dataclass(frozen=True)
class RenderPreset:
    name: str
    width: int
    height: int
    samples: int
    adaptive: bool                 # Cycles adaptive sampling: stop early where the noise is low
    adaptive_threshold: float
    denoise: bool
    denoise_quality: str           # OpenImageDenoise: FAST, BALANCED or HIGH
    step: int                      # render every step-th frame; the video plays at fps / step
    max_bounces: int | None        # light bounces; None keeps the scene's (Cycles: 12)
    description: str


# Preview, measured on the demo story (three characters in a park, 877 frames) on two CPU
# cores (benchmarks/render_bench.py): about 4.2 s a frame, much of it Blender's scene sync, not
# sampling.  Every 8th frame (110 frames) keeps `make demo` under ten minutes; the video plays
# them at fps / 8, so it lasts as long as the story.
PRESETS: dict[str, RenderPreset] = {
    "preview": RenderPreset("preview", 640, 360, 8, False, 0.0, True, "FAST", 8, 4,
                            "640x360, 8 samples, 4 bounces, fast denoiser, every 8th frame"),
    "final": RenderPreset("final", 1920, 1080, 128, True, 0.01, True, "HIGH", 1, None,
                          "1920x1080, adaptive sampling up to 128 samples, denoised, "
                          "every frame"),
}


@dataclass(frozen=True)
class RenderSettings:
    """What one render uses: a preset with the user's overrides applied."""
    preset: str
    width: int
    height: int
    samples: int
    adaptive: bool
    adaptive_threshold: float
    denoise: bool
    denoise_quality: str
    step: int
    max_bounces: int | None = None
    frame_start: int | None = None     # None: the scene's own range
    frame_end: int | None = None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def parse_resolution(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text or "")
    if not m:
        raise RenderSettingsError(f"resolution {text!r} is not WIDTHxHEIGHT, e.g. 1280x720")
    w, h = int(m[1]), int(m[2])
    if not (16 <= w <= 16384 and 16 <= h <= 16384):
        raise RenderSettingsError(f"resolution {w}x{h} is outside 16 to 16384 pixels a side")
    return w, h


def parse_frames(text: str) -> tuple[int, int]:
    """'A-B' (inclusive) or a single frame 'A'."""
    m = re.fullmatch(r"\s*(-?\d+)\s*(?:-\s*(-?\d+)\s*)?", text or "")
    if not m:
        raise RenderSettingsError(f"frames {text!r} is not A-B, e.g. 1-48")
    a = int(m[1])
    b = int(m[2]) if m[2] is not None else a
    if b < a:
        raise RenderSettingsError(f"frames {text!r}: the end {b} is before the start {a}")
    return a, b


def resolve(preset: str = "preview", *, resolution: str | None = None,
            samples: int | None = None, frames: str | None = None,
            step: int | None = None) -> RenderSettings:
    """The preset named `preset` with the given overrides; one-line errors for bad values.
    A frame range asked for without a step renders every frame in it (the preset's step thins
    out a whole story, not a range someone chose)."""
    if preset not in PRESETS:
        raise RenderSettingsError(f"unknown preset {preset!r}; presets: {', '.join(PRESETS)}")
    p = PRESETS[preset]
    width, height = parse_resolution(resolution) if resolution else (p.width, p.height)
    if samples is not None and not 1 <= samples <= 65536:
        raise RenderSettingsError(f"samples {samples} is outside 1 to 65536")
    if step is not None and not 1 <= step <= 1000:
        raise RenderSettingsError(f"step {step} is outside 1 to 1000")
    start, end = parse_frames(frames) if frames else (None, None)
    return RenderSettings(preset=p.name, width=width, height=height,
                          samples=samples if samples is not None else p.samples,
                          adaptive=p.adaptive, adaptive_threshold=p.adaptive_threshold,
                          denoise=p.denoise, denoise_quality=p.denoise_quality,
                          step=step if step is not None else (1 if frames else p.step),
                          max_bounces=p.max_bounces, frame_start=start, frame_end=end)


def frames_to_render(scene_start: int, scene_end: int, settings: RenderSettings) -> list[int]:
    """Every step-th frame of the scene counted from its first frame (so every worker and every
    re-run agrees on the set), limited to the user's range."""
    frames = range(scene_start, scene_end + 1, settings.step)
    lo = settings.frame_start if settings.frame_start is not None else scene_start
    hi = settings.frame_end if settings.frame_end is not None else scene_end
    return [f for f in frames if lo <= f <= hi]


def chunk_frames(frames: list[int], chunks: int) -> list[list[int]]:
    """`frames` split into at most `chunks` contiguous runs of near-equal length (the first ones
    one longer), none empty: one per local worker."""
    if chunks < 1:
        raise RenderSettingsError(f"workers {chunks} must be at least 1")
    n = min(chunks, len(frames))
    if n == 0:
        return []
    size, extra = divmod(len(frames), n)
    out, i = [], 0
    for k in range(n):
        j = i + size + (1 if k < extra else 0)
        out.append(frames[i:j])
        i = j
    return out


def chunk_by_size(frames: list[int], size: int) -> list[list[int]]:
    """`frames` in runs of `size` frames: one per render-farm task."""
    if size < 1:
        raise RenderSettingsError(f"chunk size {size} must be at least 1")
    return [frames[i:i + size] for i in range(0, len(frames), size)]


def range_text(chunk: list[int]) -> str:
    """The `--frames` argument that selects exactly `chunk` (with the same step)."""
    return f"{chunk[0]}-{chunk[-1]}"


def frame_name(frame: int) -> str:
    """The file name of a rendered frame: 4 digits, more when the frame number needs them."""
    return f"{frame:04d}.png"


def format_duration(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    m, s = divmod(seconds, 60)
    if m < 60:
        return f"{m} min {s:02d} s"
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min"


def progress_line(done: int, total: int, frame: int, frame_s: float, elapsed_s: float) -> str:
    """One progress line per frame: which frame, how long it took, and the time left estimated
    from the mean of the frames rendered so far in this run."""
    left = (total - done) * (elapsed_s / done) if done else 0.0
    return (f"frame {frame} ({done}/{total}) {frame_s:.1f} s, "
            f"about {format_duration(left)} left")
