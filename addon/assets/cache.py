"""Downloaded and generated assets kept on disk, so regenerating a story does not pay twice.

An entry is addressed by what produced it: the provider, the prompt and the request's
parameters, hashed (sha256 of their canonical JSON).  Each entry is two files in the cache
folder, `<key><suffix>` (the model or motion) and `<key>.json` (its manifest record: provider,
prompt, parameters, file, bytes, sha256, created); one record per entry, so parallel render
workers never rewrite a shared manifest.  Writes are atomic: the file is written under a
temporary name, validated, then renamed, so a crash or a corrupt download never leaves an entry
that looks complete.  The folder is the caller's: the Blender side passes
`bpy.utils.extension_path_user(__package__, create=True)` / "cache", the command line
`$STORY_MOTION_CACHE` or `~/.cache/story-motion`.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ENV_VAR = "STORY_MOTION_CACHE"
_TEMP = ".part-"
#: The subfolder where each story's service motions are gathered for the animate stage.
MOTIONS = "motions"


class CacheError(ValueError):
    """A file the cache refuses (failed validation, empty); the message says which and why."""


@dataclass(frozen=True)
class CacheEntry:
    key: str
    provider: str
    prompt: str
    params: dict
    file: str            # file name inside the cache folder
    bytes: int
    sha256: str
    created: float       # seconds since the epoch


def default_folder() -> Path:
    """The command line's cache folder: $STORY_MOTION_CACHE, else ~/.cache/story-motion."""
    return Path(os.environ.get(ENV_VAR) or Path.home() / ".cache" / "story-motion").expanduser()


def cache_key(provider: str, prompt: str, params: dict | None = None) -> str:
    """sha256 of the canonical JSON of provider, prompt and parameters (key order ignored)."""
    text = json.dumps({"provider": provider, "prompt": prompt, "params": params or {}},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AssetCache:
    """A content-addressed folder of assets."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def get(self, provider: str, prompt: str, params: dict | None = None) -> Path | None:
        """The cached file for this request, or None (also when its record or size is off)."""
        entry = self.entry(cache_key(provider, prompt, params))
        if entry is None:
            return None
        path = self.folder / entry.file
        return path if path.is_file() and path.stat().st_size == entry.bytes else None

    def entry(self, key: str) -> CacheEntry | None:
        try:
            return CacheEntry(**json.loads((self.folder / f"{key}.json").read_text("utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def entries(self) -> list[CacheEntry]:
        """Every complete entry, oldest first."""
        found = (self.entry(p.stem) for p in self.folder.glob("*.json") if len(p.stem) == 64)
        return sorted((e for e in found if e is not None), key=lambda e: e.created)

    @contextlib.contextmanager
    def writing(self, provider: str, prompt: str, params: dict | None, suffix: str,
                validate: Callable[[Path], None] | None = None) -> Iterator[Path]:
        """Yield a temporary path to write the asset to; on leaving, `validate(path)` (raise
        to refuse) runs and the file becomes the entry.  On any error the temporary file is
        removed and nothing is cached."""
        self.folder.mkdir(parents=True, exist_ok=True)
        key = cache_key(provider, prompt, params)
        suffix = suffix if suffix.startswith(".") else f".{suffix}"
        temp = self.folder / f"{_TEMP}{key}-{os.getpid()}{suffix.lower()}"
        try:
            yield temp
            self._commit(temp, key, provider, prompt, params or {}, suffix.lower(), validate)
        finally:
            temp.unlink(missing_ok=True)

    def put(self, provider: str, prompt: str, params: dict | None, data: bytes, suffix: str,
            validate: Callable[[Path], None] | None = None) -> Path:
        """Cache `data` (bytes already in memory); returns the entry's file."""
        with self.writing(provider, prompt, params, suffix, validate) as temp:
            temp.write_bytes(data)
        return self.folder / f"{cache_key(provider, prompt, params)}{suffix.lower()}"

    def _commit(self, temp: Path, key, provider, prompt, params, suffix, validate) -> None:
        if not temp.is_file() or temp.stat().st_size == 0:
            raise CacheError(f"{provider}: the download for {prompt!r} is empty; nothing cached")
        if validate is not None:
            validate(temp)
        digest = hashlib.sha256()
        with temp.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        entry = CacheEntry(key, provider, prompt, params, f"{key}{suffix}", temp.stat().st_size,
                           digest.hexdigest(), time.time())
        os.replace(temp, self.folder / entry.file)
        record = self.folder / f"{_TEMP}{key}-{os.getpid()}.json"
        record.write_text(json.dumps(asdict(entry), indent=1, sort_keys=True), "utf-8")
        os.replace(record, self.folder / f"{key}.json")

    def size_bytes(self) -> int:
        """Bytes the cache folder holds (every file, records and catalog included)."""
        if not self.folder.is_dir():
            return 0
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())

    def clear(self) -> int:
        """Remove every entry, leftover temporary file and the stories' motion folders
        (`MOTIONS`); returns how many files went.  Other files (the Asset Browser's catalog)
        stay."""
        if not self.folder.is_dir():
            return 0
        removed = 0
        motions = self.folder / MOTIONS
        if motions.is_dir():
            removed += sum(1 for p in motions.rglob("*") if p.is_file())
            shutil.rmtree(motions, ignore_errors=True)
        for path in self.folder.iterdir():
            stem = path.name.split(".", 1)[0]
            if path.is_file() and (len(stem) == 64 or path.name.startswith(_TEMP)):
                path.unlink()
                removed += 1
        return removed
