"""A user's own model and motion folders, indexed by name and tags and searched with the same
word matching as the built-in libraries.

Models (.glb .gltf .fbx .obj .blend) are matched to a story's prop word through the prop
library's resolver (`cast/prop_words.resolve_category`: lexicons, synonyms, head nouns), so a
file named "old_armchair.glb" answers "chair" and "seat".  Motions (.bvh .fbx) carry action
labels the way the motion library reads them (`motion/library.labels_from_name`:
"walking_02.bvh" plays "walk").

Labels beside the files, both optional, the second winning:

- `labels.json` in the folder: `{"file.glb": {...}, "walk_02.bvh": ["walk", "loop"]}`, keyed by
  file name (or stem, or a path relative to the folder); a list is a motion's labels, the form
  `MotionLibrary.add_bvh_folder` reads.
- `<file name>.json` next to a file ("red_chair.glb.json") holding one `{...}`.

`{...}` may hold `name`, `tags` (list of words), `category` (a prop word), `size_m` (largest
dimension, metres), `forward` (the model's front: "+X", "-X", "+Y" or "-Y" in Blender axes),
`actions` (the action labels a motion plays) and `object` (which object or collection of a
.blend to import).  An index is rebuilt when a file or label file changes (by mtime and size).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from ..cast.prop_words import normalise, resolve_category, words_of
from ..motion.library import labels_from_name

log = logging.getLogger(__name__)

MODEL_SUFFIXES = (".glb", ".gltf", ".fbx", ".obj", ".blend")
MOTION_SUFFIXES = (".bvh", ".fbx")
LABELS_FILE = "labels.json"
_KEYS = {"name": str, "tags": list, "category": str, "size_m": (int, float), "forward": str,
         "actions": list, "object": str}
_FORWARDS = ("+x", "-x", "+y", "-y", "x", "y")


class LibraryIndexError(ValueError):
    """A folder that cannot be indexed (missing, not a folder, an unknown kind)."""


@dataclass(frozen=True)
class Entry:
    """One file of a user's folder and what it is labelled."""
    path: Path
    kind: str                        # "model" or "motion"
    name: str
    tags: tuple[str, ...] = ()
    category: str | None = None      # models: the prop library category it stands for
    size_m: float | None = None
    forward: str = "-Y"
    actions: tuple[str, ...] = ()    # motions: the action labels it plays
    object: str = ""                 # .blend: the object or collection to import

    def words(self) -> set[str]:
        return set(words_of(f"{self.name} {' '.join(self.tags)}"))


@dataclass
class LibraryIndex:
    folder: Path
    kind: str
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def search(self, text: str, limit: int = 10) -> list[Entry]:
        """Entries that fit `text` (a prop word or an action label), best first: the same name,
        then every word among the name and tags, then the same category or action."""
        wanted = normalise(text)
        words = set(words_of(text))
        category = resolve_category(text)[0] if self.kind == "model" else None
        scored = []
        for entry in self.entries:
            if normalise(entry.name) == wanted:
                score = 3
            elif words and words <= entry.words():
                score = 2
            elif (category and entry.category == category) or wanted in entry.actions:
                score = 1
            else:
                continue
            scored.append((-score, entry.name, str(entry.path), entry))
        return [item[-1] for item in sorted(scored, key=lambda s: s[:3])][:limit]


_CACHE: dict[tuple[Path, str], tuple[tuple, LibraryIndex]] = {}


def index_folder(folder: str | Path, kind: str) -> LibraryIndex:
    """The index of `folder` (searched with its subfolders) for `kind` "model" or "motion";
    read again only when a file or a label file has changed."""
    suffixes = {"model": MODEL_SUFFIXES, "motion": MOTION_SUFFIXES}.get(kind)
    if suffixes is None:
        raise LibraryIndexError(f"unknown library kind {kind!r}; known: model, motion")
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise LibraryIndexError(f"{kind} folder {folder} does not exist or is not a folder")
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not _hidden(p, folder)
                   and (p.suffix.lower() in suffixes or p.suffix.lower() == ".json"))
    signature = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    cached = _CACHE.get((folder, kind))
    if cached and cached[0] == signature:
        return cached[1]
    index = _build(folder, kind, [p for p in files if p.suffix.lower() in suffixes])
    _CACHE[(folder, kind)] = (signature, index)
    return index


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def _build(folder: Path, kind: str, files: list[Path]) -> LibraryIndex:
    index = LibraryIndex(folder, kind)
    shared = _read_json(folder / LABELS_FILE, index.warnings) or {}
    if not isinstance(shared, dict):
        index.warnings.append(f"{folder / LABELS_FILE}: expected an object keyed by file name")
        shared = {}
    for path in files:
        relative = path.relative_to(folder).as_posix()
        labels = next((shared[k] for k in (relative, path.name, path.stem) if k in shared), {})
        own = _read_json(path.with_name(path.name + ".json"), index.warnings)
        if own is not None:
            labels = own
        index.entries.append(_entry(path, kind, _checked(labels, path, index.warnings)))
    return index


def _read_json(path: Path, warnings: list[str]):
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        warnings.append(f"{path}: not readable JSON ({error}); labels from the file name")
        return None


def _checked(labels, path: Path, warnings: list[str]) -> dict:
    """The label dict for `path`, keeping only well-formed keys (a warning for the others)."""
    if isinstance(labels, list):
        labels = {"actions": labels}
    if not isinstance(labels, dict):
        warnings.append(f"{path.name}: labels must be an object or a list of words")
        return {}
    good = {}
    for key, value in labels.items():
        kinds = _KEYS.get(key)
        if kinds is None or not isinstance(value, kinds) or isinstance(value, bool) or (
                isinstance(value, list) and not all(isinstance(w, str) for w in value)):
            warnings.append(f"{path.name}: label {key!r} = {value!r} ignored; known labels: "
                            f"{', '.join(_KEYS)}")
        elif key == "forward" and value.strip().lower() not in _FORWARDS:
            warnings.append(f"{path.name}: forward {value!r} ignored; one of +X, -X, +Y, -Y")
        elif key == "size_m" and not value > 0:
            warnings.append(f"{path.name}: size_m {value!r} ignored; it must be positive")
        else:
            good[key] = value
    return good


def _entry(path: Path, kind: str, labels: dict) -> Entry:
    name = labels.get("name") or path.stem
    tags = tuple(labels.get("tags") or [w for w in words_of(path.stem) if w != name.lower()])
    common = {"path": path, "kind": kind, "name": name, "tags": tags,
              "object": labels.get("object", "")}
    if kind == "motion":
        actions = tuple(labels.get("actions") or labels_from_name(path.stem))
        return Entry(**common, actions=actions)
    category = None
    for text in (labels.get("category"), name, path.stem, *tags):
        if text:
            category = resolve_category(text)[0]
            if category:
                break
    forward = labels.get("forward", "-Y").strip().upper()
    return Entry(**common, category=category, size_m=labels.get("size_m"),
                 forward=forward if forward[0] in "+-" else "+" + forward)
