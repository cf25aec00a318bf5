"""The shot list the storyboard and the video are made from, as plain data.

The shoot stage writes it as a Text datablock "ShotList.json"; a scene cut by hand has only
timeline markers bound to cameras, so the list can also be read off the markers.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

SHOT_LIST_TEXT = "ShotList.json"


class ShotListError(ValueError):
    """A shot list that cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class Shot:
    name: str
    camera: str
    frame_start: int
    frame_end: int
    subject: str = ""
    type: str = ""
    text: str = ""          # the beat's own words, when the shoot stage knows them

    @property
    def middle(self) -> int:
        return (self.frame_start + self.frame_end) // 2

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _first(entry: dict, *keys):
    return next((entry[k] for k in keys if entry.get(k) is not None), None)


def shots_from_json(text: str, beat_text: dict[str, str] | None = None) -> list[Shot]:
    """Shots from the shoot stage's ShotList.json: a list, or {"shots": [...]}; each shot's
    name under "shot" or "name", frames under "start_frame"/"end_frame" or
    "frame_start"/"frame_end", and its beat's words under "text", or looked up in `beat_text`
    (beat id -> the story's words) by its "beat" id."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ShotListError(f"{SHOT_LIST_TEXT} is not JSON: {exc.msg} at line {exc.lineno}")
    if isinstance(data, dict):
        data = data.get("shots")
    if not isinstance(data, list):
        raise ShotListError(f"{SHOT_LIST_TEXT} must hold a list of shots")
    shots = []
    for i, entry in enumerate(data):
        if not isinstance(entry, dict):
            raise ShotListError(f"{SHOT_LIST_TEXT}[{i}] is not an object")
        try:
            start = int(_first(entry, "start_frame", "frame_start"))
            end = int(_first(entry, "end_frame", "frame_end"))
            camera = str(entry["camera"])
        except (KeyError, TypeError, ValueError):
            raise ShotListError(f"{SHOT_LIST_TEXT}[{i}] needs camera, start_frame and "
                                f"end_frame; it has {', '.join(sorted(entry)) or 'nothing'}"
                                ) from None
        if end < start:
            raise ShotListError(f"{SHOT_LIST_TEXT}[{i}]: frame_end {end} is before "
                                f"frame_start {start}")
        text = _first(entry, "text", "beat_text") or (beat_text or {}).get(entry.get("beat"), "")
        shots.append(Shot(name=str(_first(entry, "shot", "name") or f"shot {i + 1}"),
                          camera=camera,
                          frame_start=start, frame_end=end,
                          subject=str(entry.get("subject") or ""),
                          type=str(entry.get("type") or ""), text=str(text)))
    return shots


def shots_from_markers(markers: list[tuple[int, str, str]], frame_end: int) -> list[Shot]:
    """Shots from (frame, marker name, camera name) of the markers bound to cameras: each shot
    runs from its marker to the frame before the next one, the last to the scene's end."""
    bound = sorted(m for m in markers if m[2])
    shots = []
    for i, (frame, name, camera) in enumerate(bound):
        end = bound[i + 1][0] - 1 if i + 1 < len(bound) else frame_end
        if end >= frame:
            shots.append(Shot(name=name, camera=camera, frame_start=frame, frame_end=end,
                              text=name))
    return shots


def still_frame(shot: Shot, rendered: list[int]) -> int | None:
    """The rendered frame inside `shot` nearest its middle (so the storyboard costs no extra
    render), or None when no frame of the shot was rendered."""
    inside = [f for f in rendered if shot.frame_start <= f <= shot.frame_end]
    return min(inside, key=lambda f: (abs(f - shot.middle), f)) if inside else None
