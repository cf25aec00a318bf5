"""Draw the storyboard sheet: stills in a grid, each with its shot and beat text under it, and
the shot list as a table.  Text is drawn by Blender's font library into an ImBuf (no GPU
needed, and its fallback fonts cover Chinese); pictures are composed in numpy."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import blf
import bpy
import imbuf
import numpy as np

from ..render.sheet import layout
from ..render.shots import Shot

FONT = 0                          # Blender's default UI font, with its fallbacks
TEXT_PX = 18
BACKGROUND = (0.96, 0.95, 0.92)
INK = np.array((0.12, 0.12, 0.14))
FAINT = np.array((0.45, 0.45, 0.48))


def _load_rgb(path: Path, size: tuple[int, int] | None = None) -> np.ndarray:
    """An image file as an H×W×3 float array, top row first (Blender stores bottom row first)."""
    image = bpy.data.images.load(str(path), check_existing=False)
    try:
        if size is not None and tuple(image.size) != size:
            image.scale(*size)
        w, h = image.size
        px = np.empty(w * h * 4, dtype=np.float32)
        image.pixels.foreach_get(px)
    finally:
        bpy.data.images.remove(image)
    return px.reshape(h, w, 4)[::-1, :, :3]


def _text_mask(width: int, height: int, items: list[tuple[int, int, str]]) -> np.ndarray:
    """Coverage (0..1, H×W, top row first) of `items` (x, baseline y from the top, text)."""
    buf = imbuf.new((width, height))
    with blf.bind_imbuf(FONT, buf):
        blf.size(FONT, TEXT_PX)
        blf.color(FONT, 1.0, 1.0, 1.0, 1.0)
        for x, y, text in items:
            blf.position(FONT, x, height - y, 0)
            blf.draw_buffer(FONT, text)
    fd, tmp = tempfile.mkstemp(suffix=".png")
    os.close(fd)
    try:
        buf.filepath = tmp
        imbuf.write(buf, filepath=tmp)
        return _load_rgb(Path(tmp))[:, :, 0]
    finally:
        buf.free()
        os.unlink(tmp)


def _measure(text: str) -> float:
    blf.size(FONT, TEXT_PX)
    return blf.dimensions(FONT, text)[0]


def draw_sheet(shots: list[Shot], stills: list[Path], frame_size: tuple[int, int],
               path: Path, title: str) -> dict:
    """Write the storyboard sheet PNG to `path`; returns its size and the cells' places."""
    line_h = round(TEXT_PX * 1.35)
    lay = layout(shots, frame_size[0], frame_size[1], _measure, line_h)
    canvas = np.empty((lay.height, lay.width, 3), dtype=np.float32)
    canvas[:] = BACKGROUND
    ink, faint = [], []
    ink.append((lay.cells[0].x if lay.cells else 24, lay.title_y + TEXT_PX, title))
    for cell, still in zip(lay.cells, stills):
        canvas[cell.y:cell.y + lay.thumb_h, cell.x:cell.x + lay.thumb_w] = \
            _load_rgb(still, (lay.thumb_w, lay.thumb_h))
        y = cell.y + lay.thumb_h + line_h
        for k, line in enumerate(cell.caption):
            (faint if k == len(cell.caption) - 1 else ink).append((cell.x, y, line))
            y += line_h
    for r, row in enumerate(lay.table_rows):
        y = lay.table_y + (r + 1) * line_h
        for x, value in zip(lay.table_columns, row):
            (ink if r == 0 else faint).append((x, y, value))
    for items, colour in ((ink, INK), (faint, FAINT)):
        cover = _text_mask(lay.width, lay.height, items)[..., None]
        canvas = canvas * (1 - cover) + colour * cover
    # header rule under the table's first row
    rule = lay.table_y + line_h + line_h // 3
    canvas[rule:rule + 1, lay.table_columns[0]:lay.width - 24] = FAINT
    image = bpy.data.images.new("Story Motion storyboard", lay.width, lay.height, alpha=False)
    try:
        rgba = np.ones((lay.height, lay.width, 4), dtype=np.float32)
        rgba[..., :3] = np.clip(canvas, 0, 1)
        image.pixels.foreach_set(rgba[::-1].ravel())
        image.filepath_raw = str(path)
        image.file_format = "PNG"
        image.save()
    finally:
        bpy.data.images.remove(image)
    return {"path": str(path), "width": lay.width, "height": lay.height, "shots": len(shots),
            "stills": [str(s) for s in stills]}
