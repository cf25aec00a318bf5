"""Build the shipped motion library (addon/data/motion_library.npz) from DeepMimic's clips.

The clips come with the pybullet wheel (`pip install pybullet==3.2.7`), in
`pybullet_data/data/motions`: every `humanoid3d_*.txt` is converted to the canonical skeleton
(addon/motion/deepmimic.py), labelled, resampled to 30 fps; clips DeepMimic plays in a loop
("wrap") are labelled "loop" and closed so that their last frame is their first pose
(library.close_loop); all is written as float32 arrays (library.write_library).  The same
pybullet version gives the same file.

    python tools/build_motion_library.py [--motions DIR] [--output PATH] [--include-walker]

`walker/*.txt` (a forward walk and four turning walks) use the same 44-number humanoid
layout and convert correctly (feet alternate, knees and toes point forward, 0.8-1.0 m/s), but
they are not part of the DeepMimic repository's published motions and pybullet does not say
where they were captured, so the MIT credit below may not cover them: they are left out of
the shipped file.  `--include-walker` adds them (labels walk, turn_left / turn_right) for
local use.
"""
from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from addon.motion import deepmimic  # noqa: E402
from addon.motion.library import (DEFAULT_LIBRARY, LIBRARY_FPS, close_loop,  # noqa: E402
                                  write_library)

log = logging.getLogger("build_motion_library")

#: Clip name (file name without "humanoid3d_") -> labels; "loop" is added from the file.
LABELS = {
    "walk": ("walk",), "run": ("run",), "jump": ("jump",), "kick": ("kick",),
    "punch": ("punch",), "spin": ("spin",), "spinkick": ("spinkick",),
    "dance_a": ("dance",), "dance_b": ("dance",), "crawl": ("crawl",), "roll": ("roll",),
    "cartwheel": ("cartwheel",), "backflip": ("backflip",),
    "getup_facedown": ("getup_facedown", "getup"), "getup_faceup": ("getup_faceup", "getup"),
}
WALKER_LABELS = {"0walk_forward": ("walk",), "turn_left0": ("walk", "turn_left"),
                 "turn_left1": ("walk", "turn_left"), "turn_right0": ("walk", "turn_right"),
                 "turn_right1": ("walk", "turn_right")}


def default_motions() -> Path:
    try:
        import pybullet_data
    except ImportError:
        raise SystemExit("pybullet is not installed: pip install pybullet==3.2.7") from None
    return Path(pybullet_data.getDataPath()) / "data" / "motions"


def build(motions: Path, fps: float = LIBRARY_FPS, include_walker: bool = False) -> list:
    files = sorted(motions.glob("humanoid3d_*.txt"))
    if not files:
        raise SystemExit(f"no humanoid3d_*.txt clips in {motions}")
    clips = []
    for path in files:
        name = path.stem.removeprefix("humanoid3d_")
        labels = LABELS.get(name)
        if labels is None:
            log.warning("%s: no labels known for %r; labelled by its name", path.name, name)
            labels = (name,)
        clips.append(deepmimic.load_clip(path, name, fps=fps, labels=labels))
        if "loop" in clips[-1].labels:
            clips[-1] = close_loop(clips[-1])
    if include_walker:
        for path in sorted((motions / "walker").glob("*.txt")):
            name = "walker_" + path.stem.lstrip("0")
            labels = WALKER_LABELS.get(path.stem, ("walk",))
            clip = deepmimic.load_clip(path, name, fps=fps, labels=labels)
            clip.source = f"pybullet_data/data/motions/walker/{path.name} (origin not recorded)"
            clips.append(close_loop(clip) if "loop" in clip.labels else clip)
    return clips


def describe(clip) -> str:
    travel = np.linalg.norm(clip.root[-1, :2] - clip.root[0, :2])
    speed = travel / clip.duration_s if clip.duration_s else 0.0
    return (f"{clip.name:16s} {clip.frames:4d} frames {clip.fps:4.0f} fps "
            f"{clip.duration_s:5.2f} s {speed:5.2f} m/s  {', '.join(clip.labels)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--motions", type=Path, default=None,
                        help="pybullet_data/data/motions (default: the installed pybullet's)")
    parser.add_argument("--output", type=Path, default=DEFAULT_LIBRARY)
    parser.add_argument("--fps", type=float, default=LIBRARY_FPS)
    parser.add_argument("--include-walker", action="store_true",
                        help="also convert walker/*.txt (provenance unknown; not shipped)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    clips = build(args.motions or default_motions(), args.fps, args.include_walker)
    for clip in clips:
        log.info(describe(clip))
    path = write_library(clips, args.output, deepmimic.ATTRIBUTION)
    log.info("wrote %d clips to %s (%.0f kB)", len(clips), path, path.stat().st_size / 1024)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
