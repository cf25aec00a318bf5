"""Where things go on the storyboard sheet: a grid of stills with captions under them, then the
shot list as a table.  Pure layout; addon/blender/render_sheet.py draws it."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from .shots import Shot


@dataclass(frozen=True)
class Cell:
    shot: Shot
    x: int                  # the still's top-left corner on the sheet, pixels from top-left
    y: int
    caption: tuple[str, ...]


@dataclass(frozen=True)
class SheetLayout:
    width: int
    height: int
    thumb_w: int
    thumb_h: int
    line_h: int
    cells: tuple[Cell, ...]
    title_y: int
    table_y: int                        # the table's first row
    table_rows: tuple[tuple[str, ...], ...]
    table_columns: tuple[int, ...]      # x of each column


def wrap(text: str, width_px: float, measure: Callable[[str], float]) -> list[str]:
    """Words of `text` in lines no wider than `width_px`; text without spaces (Chinese) is
    broken between characters."""
    words = text.split() if " " in text.strip() else list(text.strip())
    joiner = " " if " " in text.strip() else ""
    lines, line = [], ""
    for w in words:
        trial = f"{line}{joiner}{w}" if line else w
        if line and measure(trial) > width_px:
            lines.append(line)
            line = w
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def caption_lines(index: int, shot: Shot, width_px: float, measure, max_lines: int = 3):
    """Shot number and name; the beat's words (at most `max_lines`); type, subject and frames
    in one line (the camera is in the table)."""
    head = f"{index}. {shot.name}"
    detail = " · ".join(x for x in (shot.type.replace("_", " "), shot.subject,
                                    f"frames {shot.frame_start}-{shot.frame_end}") if x)
    body = wrap(shot.text, width_px, measure) if shot.text and shot.text != shot.name else []
    if len(body) > max_lines:
        body = body[:max_lines]
        body[-1] = body[-1].rstrip(".,;") + " …"
    return wrap(head, width_px, measure)[:1] + body + wrap(detail, width_px, measure)[:1]


def layout(shots: list[Shot], frame_w: int, frame_h: int, measure: Callable[[str], float],
           line_h: int, columns: int | None = None, thumb_w: int = 400,
           margin: int = 24) -> SheetLayout:
    """A grid of `columns` stills (about 4:3 of the sheet by default), `thumb_w` wide with the
    frame's aspect, each with the lines of its caption under it, and the table below."""
    n = max(1, len(shots))
    columns = columns or max(1, min(n, math.ceil(math.sqrt(n * 1.3))))
    thumb_h = max(1, round(thumb_w * frame_h / frame_w))
    captions = [tuple(caption_lines(i + 1, s, thumb_w, measure)) for i, s in enumerate(shots)]
    cap_h = (max((len(c) for c in captions), default=1)) * line_h + line_h // 2
    width = margin + columns * (thumb_w + margin)
    title_y = margin
    top = title_y + 2 * line_h
    rows = math.ceil(len(shots) / columns)
    cells = []
    for i, shot in enumerate(shots):
        r, c = divmod(i, columns)
        cells.append(Cell(shot, margin + c * (thumb_w + margin),
                          top + r * (thumb_h + cap_h + margin), captions[i]))
    table_y = top + rows * (thumb_h + cap_h + margin) + line_h
    header = ("#", "shot", "type", "subject", "camera", "frames")
    body = [(str(i + 1), s.name, s.type, s.subject, s.camera,
             f"{s.frame_start}-{s.frame_end}") for i, s in enumerate(shots)]
    table_rows = (header, *body)
    widths = [max(measure(row[k]) for row in table_rows) + margin for k in range(len(header))]
    xs, x = [], margin
    for w in widths:
        xs.append(round(x))
        x += w
    width = max(width, round(x) + margin)
    height = table_y + (len(table_rows) + 1) * line_h + margin
    return SheetLayout(width, height, thumb_w, thumb_h, line_h, tuple(cells), title_y,
                       table_y, tuple(table_rows), tuple(xs))
