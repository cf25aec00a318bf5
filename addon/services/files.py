"""Minimal checks of downloaded files, so a truncated or wrong file is an error before
anything is imported into Blender.

GLB: the glTF 2.0 binary header (magic, version 2, declared length equal to the file size) and
a first JSON chunk that parses.  FBX: the binary header with Blender's and the SDK's fixed
footer magic at the end (a cut file loses it), or the ASCII header.  BVH: HIERARCHY, a MOTION
section and at least as many frame lines as `Frames:` declares.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

from .config import ProviderConfig
from .errors import BadAnswer
from .transport import Progress, Transport

FBX_BINARY_MAGIC = b"Kaydara FBX Binary  \x00\x1a\x00"
FBX_FOOTER_MAGIC = b"\xf8\x5a\x8c\x6a\xde\xf5\xd9\x7e\xec\xe9\x0c\xe3\x75\x8f\x29\x0b"
FBX_ASCII_MARK = b"; FBX "


def check_glb(path: Path) -> None:
    data = Path(path).read_bytes()
    name = Path(path).name
    if len(data) < 20 or data[:4] != b"glTF":
        raise BadAnswer(f"{name} is not a GLB file (no glTF header)")
    version, length = struct.unpack_from("<II", data, 4)
    if version != 2:
        raise BadAnswer(f"{name} is glTF version {version}; only 2 is supported")
    if length != len(data):
        raise BadAnswer(f"{name} is truncated or corrupt: the header says {length} bytes, "
                        f"the file has {len(data)}")
    chunk_length, chunk_type = struct.unpack_from("<I4s", data, 12)
    if chunk_type != b"JSON" or 20 + chunk_length > len(data):
        raise BadAnswer(f"{name} is corrupt: its first chunk is not a complete JSON chunk")
    try:
        gltf = json.loads(data[20:20 + chunk_length].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadAnswer(f"{name} is corrupt: its JSON chunk does not parse") from None
    if not isinstance(gltf, dict) or "asset" not in gltf:
        raise BadAnswer(f"{name} is corrupt: its JSON chunk has no asset")


def check_fbx(path: Path) -> None:
    name = Path(path).name
    with open(path, "rb") as f:
        head = f.read(64)
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - len(FBX_FOOTER_MAGIC)))
        tail = f.read()
    if head.startswith(FBX_BINARY_MAGIC):
        if size < 200 or tail != FBX_FOOTER_MAGIC:
            raise BadAnswer(f"{name} is a truncated FBX file (its footer is missing)")
        return
    if head.lstrip(b"\xef\xbb\xbf").startswith(FBX_ASCII_MARK):
        return
    raise BadAnswer(f"{name} is not an FBX file (no FBX header)")


def check_bvh(path: Path) -> None:
    name = Path(path).name
    try:
        text = Path(path).read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise BadAnswer(f"{name} is not a BVH file (not text)") from None
    if not text.lstrip().startswith("HIERARCHY"):
        raise BadAnswer(f"{name} is not a BVH file (it does not start with HIERARCHY)")
    lines = [line.strip() for line in text.splitlines()]
    try:
        motion = lines.index("MOTION")
        frames = int(lines[motion + 1].split(":", 1)[1])
        if not lines[motion + 2].startswith("Frame Time:"):
            raise ValueError
    except (ValueError, IndexError):
        raise BadAnswer(f"{name} is corrupt: no complete MOTION header") from None
    found = sum(1 for line in lines[motion + 3:] if line)
    if found < frames:
        raise BadAnswer(f"{name} is truncated: {found} of {frames} frames")


CHECKS = {"glb": check_glb, "fbx": check_fbx, "bvh": check_bvh}


def check_file(path: Path, fmt: str) -> Path:
    """Check `path` as `fmt` (glb, fbx, bvh); return it, or raise BadAnswer."""
    CHECKS[fmt](path)
    return Path(path)


def fetch(http: Transport, url: object, dest: Path, fmt: str, config: ProviderConfig,
          progress: Progress | None = None) -> Path:
    """Download `url` to `dest` within the config's cap and task timeout, then check it as
    `fmt`; a file that fails the check is deleted so nothing imports it."""
    if not isinstance(url, str) or not url:
        raise BadAnswer(f"{config.label} gave no {fmt.upper()} download link")
    path = http.download(url, Path(dest), max_bytes=config.max_download_bytes,
                         deadline_s=config.task_timeout_s, progress=progress)
    try:
        return check_file(path, fmt)
    except BadAnswer:
        path.unlink(missing_ok=True)
        raise
