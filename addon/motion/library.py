"""The motion library: named, labelled canonical clips that the synthesiser draws from.

The shipped library (`addon/data/motion_library.npz`, built by
`tools/build_motion_library.py` from DeepMimic's clips) loads with `load_library()`; a user's
own mocap joins it with `add_bvh_folder`.  Every clip is at the library's frame rate (30 fps),
starts at x = y = 0 facing -Y, and stands on the floor.  A clip labelled "loop" ends exactly
on its first pose (see `close_loop`): play frames[:-1] over and over, each cycle starting
where the last one ended, i.e. moved by root[-1] - root[0] and turned by the pelvis's turn
over the clip.

Clips loaded from the file are shared between callers (`load_library` caches them), so their
arrays are read-only: copy before editing in place.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import quat
from .bvh import BVHError, bvh_to_clip, read_bvh
from .clip import Clip
from .contacts import foot_contacts
from .skeleton import JOINTS
from .source import resample_times

log = logging.getLogger(__name__)

DEFAULT_LIBRARY = Path(__file__).resolve().parent.parent / "data" / "motion_library.npz"
LIBRARY_FPS = 30.0
FORMAT_VERSION = 1
#: Words a clip's file name is searched for when no labels are given (prefixes match, so
#: "walking" is a walk).
NAME_LABELS = ("walk", "run", "jog", "jump", "hop", "kick", "punch", "spinkick", "spin",
               "dance", "crawl", "roll", "cartwheel", "backflip", "getup", "idle", "sit",
               "stand", "wave", "turn", "throw", "fall", "climb", "push", "pull", "carry")


class MotionLibraryError(ValueError):
    """A motion library or BVH folder that cannot be used; the message says which and why."""


@dataclass
class MotionLibrary:
    """Clips by name, in the order they were added, at `fps`."""
    clips: dict[str, Clip] = field(default_factory=dict)
    fps: float = LIBRARY_FPS
    attribution: str = ""

    def __len__(self) -> int:
        return len(self.clips)

    def __contains__(self, name: str) -> bool:
        return name in self.clips

    def names(self) -> list[str]:
        return list(self.clips)

    def labels(self) -> list[str]:
        """Every label some clip carries, sorted."""
        return sorted({label for clip in self.clips.values() for label in clip.labels})

    def clip(self, name: str) -> Clip:
        try:
            return self.clips[name]
        except KeyError:
            raise MotionLibraryError(f"motion clip {name!r} is not in the library; known: "
                                     f"{', '.join(self.clips)}") from None

    def by_label(self, label: str) -> list[Clip]:
        """The clips carrying `label`, in library order (empty when none does)."""
        return [clip for clip in self.clips.values() if label in clip.labels]

    def is_loop(self, name: str) -> bool:
        return "loop" in self.clip(name).labels

    def add(self, clip: Clip) -> None:
        """Add (or replace, by name) a clip, resampled to the library's frame rate."""
        if clip.name in self.clips:
            log.info("motion clip %r replaces the library's clip of that name", clip.name)
        self.clips[clip.name] = at_fps(clip, self.fps)

    def add_bvh_folder(self, folder: str | Path, labels: dict[str, list[str]] | None = None,
                       mapping: str | dict[str, str] | None = None) -> list[str]:
        """Add every .bvh file of `folder` as a clip named after the file; returns the names.

        Labels come from `labels` ({"file.bvh": ["walk", ...]}), else from a `labels.json`
        of that form in the folder, else from words in the file name ("walking_02.bvh" is a
        walk).  `mapping` is passed to `bvh_to_clip` (None: detected per file).  A clip with
        the name of an existing one replaces it, so a user's "walk.bvh" overrides the
        shipped walk.
        """
        folder = Path(folder)
        if not folder.is_dir():
            raise MotionLibraryError(f"BVH folder {folder} does not exist or is not a folder")
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".bvh" and p.is_file())
        if not files:
            raise MotionLibraryError(f"BVH folder {folder} holds no .bvh files")
        if labels is None:
            labels = _read_labels(folder / "labels.json")
        added = []
        for path in files:
            words = labels.get(path.name, labels.get(path.stem))
            words = tuple(words) if words is not None else labels_from_name(path.stem)
            try:
                clip = bvh_to_clip(read_bvh(path), mapping, name=path.stem, labels=words)
            except BVHError as error:
                raise MotionLibraryError(str(error)) from None
            self.add(close_loop(clip) if "loop" in clip.labels else clip)
            added.append(clip.name)
        return added


def labels_from_name(stem: str) -> tuple[str, ...]:
    """Labels found in a file name: known action words (as prefixes of its words), else its
    first word."""
    words = [w for w in re.split(r"[^a-z]+", stem.lower()) if w]
    found = []
    for word in words:
        for label in NAME_LABELS:
            if word.startswith(label.rstrip("e")) and label not in found:
                found.append(label)
                break
    return tuple(found) if found else tuple(words[:1])


def _read_labels(path: Path) -> dict[str, list[str]]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise MotionLibraryError(f"{path}: not readable JSON ({error})") from None
    if not isinstance(data, dict) or not all(
            isinstance(v, list) and all(isinstance(w, str) for w in v) for v in data.values()):
        raise MotionLibraryError(f'{path}: expected {{"file.bvh": ["label", ...], ...}}')
    return data


def _yaw(q: np.ndarray) -> np.ndarray:
    """Heading angle about +Z of pelvis rotations (..., 4): where their left axis (+X) points."""
    left = quat.rotate(q, np.array([1.0, 0.0, 0.0]))
    return np.arctan2(left[..., 1], left[..., 0])


def close_loop(clip: Clip) -> Clip:
    """The clip with its last frame made exactly its first pose, so that it loops without a
    jump.  Mocap cycles never close exactly (DeepMimic's "wrap" clips are 5-30 degrees off
    at some joints), so each joint's mismatch is spread linearly over the clip.  The pelvis
    keeps the turn it makes over the cycle (a turning walk still turns) and the root keeps its
    travel; only its height is closed."""
    if clip.frames < 3:
        return clip
    ramp = np.linspace(0.0, 1.0, clip.frames)
    rotations = clip.rotations.copy()
    target = rotations[0].copy()
    turn = _yaw(rotations[-1, 0]) - _yaw(rotations[0, 0])
    target[0] = quat.multiply(quat.from_axis_angle([0.0, 0.0, 1.0], turn), rotations[0, 0])
    mismatch = quat.multiply(quat.inverse(rotations[-1]), target)            # (22, 4)
    correction = quat.slerp(np.broadcast_to(quat.IDENTITY, rotations.shape),
                            np.broadcast_to(mismatch, rotations.shape),
                            np.broadcast_to(ramp[:, None], rotations.shape[:2]))
    rotations = quat.unroll(quat.normalize(quat.multiply(rotations, correction)))
    root = clip.root.copy()
    root[:, 2] += ramp * (root[0, 2] - root[-1, 2])
    out = Clip(clip.name, clip.fps, root, rotations, clip.offsets, clip.labels, None,
               clip.source)
    out.contacts = foot_contacts(out.positions(), out.fps)
    return out


def at_fps(clip: Clip, fps: float) -> Clip:
    """The clip at `fps`, keeping its first and last frame (see source.resample_times), with
    contacts detected again at the new rate."""
    if abs(clip.fps - fps) < 1e-6 or clip.frames < 2:
        return clip
    times = np.arange(clip.frames) / clip.fps
    _, root, rotations = resample_times(times, clip.root, clip.rotations, fps)
    out = Clip(clip.name, fps, root, quat.unroll(rotations), clip.offsets, clip.labels, None,
               clip.source)
    out.contacts = foot_contacts(out.positions(), fps)
    return out


# --- the library file -----------------------------------------------------------------------

def write_library(clips: list[Clip], path: str | Path, attribution: str = "") -> Path:
    """Write clips (all at one frame rate) compactly: float32 arrays of all frames end to end
    with each clip's first frame in `starts`, plus names, labels and sources."""
    path = Path(path)
    if not clips:
        raise MotionLibraryError("no clips to write")
    starts = np.cumsum([0] + [clip.frames for clip in clips])
    contacts = [clip.contacts if clip.contacts is not None else np.zeros((clip.frames, 2), bool)
                for clip in clips]
    np.savez_compressed(
        path, format=np.array(FORMAT_VERSION), joints=np.array(JOINTS),
        names=np.array([c.name for c in clips]), fps=np.array([c.fps for c in clips]),
        starts=starts, labels=np.array([json.dumps(list(c.labels)) for c in clips]),
        sources=np.array([c.source for c in clips]), attribution=np.array(attribution),
        root=np.concatenate([c.root for c in clips]).astype(np.float32),
        rotations=np.concatenate([c.rotations for c in clips]).astype(np.float32),
        contacts=np.concatenate(contacts).astype(bool),
        offsets=np.stack([c.offsets for c in clips]).astype(np.float32))
    return path


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@lru_cache(maxsize=4)
def _load_clips(path: Path, _mtime_ns: int) -> tuple[tuple[Clip, ...], str]:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError) as error:
        raise MotionLibraryError(f"{path}: not a motion library ({error})") from None
    needed = {"format", "joints", "names", "fps", "starts", "labels", "sources", "root",
              "rotations", "contacts", "offsets"}
    if needed - set(arrays):
        raise MotionLibraryError(f"{path}: not a motion library (missing "
                                 f"{', '.join(sorted(needed - set(arrays)))}); rebuild it with "
                                 f"tools/build_motion_library.py")
    if int(arrays["format"]) != FORMAT_VERSION or tuple(arrays["joints"]) != JOINTS:
        raise MotionLibraryError(f"{path}: library format {int(arrays['format'])} or its "
                                 f"joints do not match this version; rebuild it with "
                                 f"tools/build_motion_library.py")
    clips = []
    starts = arrays["starts"]
    for i, name in enumerate(arrays["names"]):
        frames = slice(int(starts[i]), int(starts[i + 1]))
        rotations = quat.normalize(arrays["rotations"][frames].astype(float))
        clip = Clip(str(name), float(arrays["fps"][i]), arrays["root"][frames].astype(float),
                    rotations, arrays["offsets"][i].astype(float),
                    tuple(json.loads(str(arrays["labels"][i]))),
                    arrays["contacts"][frames].astype(bool), str(arrays["sources"][i]))
        for array in (clip.root, clip.rotations, clip.offsets, clip.contacts):
            _read_only(array)
        if not (np.isfinite(clip.root).all() and np.isfinite(clip.rotations).all()):
            raise MotionLibraryError(f"{path}: clip {clip.name!r} holds NaN or infinite values")
        clips.append(clip)
    return tuple(clips), str(arrays.get("attribution", ""))


def load_library(path: str | Path = DEFAULT_LIBRARY) -> MotionLibrary:
    """The motion library stored at `path` (the shipped one by default).  The file is read
    once (again when it changes); each call returns its own MotionLibrary, so adding clips to
    one does not change the others."""
    path = Path(path).resolve()
    if not path.is_file():
        raise MotionLibraryError(f"motion library {path} does not exist; build it with "
                                 f"tools/build_motion_library.py")
    clips, attribution = _load_clips(path, path.stat().st_mtime_ns)
    fps = clips[0].fps if clips else LIBRARY_FPS
    return MotionLibrary({clip.name: clip for clip in clips}, fps, attribution)
