"""The Screenplay inside a .blend file.

The Screenplay is kept as JSON in the Text datablock "Screenplay.json", so a saved file can be
read, edited by hand in the Text Editor and regenerated from.  The story itself goes in the
Text "Story".  The cast and animate stages record on the scene a fingerprint of the
Screenplay they built from (`story_inputs`), so an edited Screenplay can name the stages now
out of date.  Functions take `bpy.data` (anything with its `texts` collection) and a scene as
arguments; nothing here imports `bpy`.
"""
from __future__ import annotations

import hashlib
from typing import Any

from ..screenplay import Screenplay, ScreenplayError, from_json, timeline
from ..screenplay_edit import stage_inputs

SCREENPLAY_TEXT = "Screenplay.json"
STORY_TEXT = "Story"
STAGE = "parse"
#: Scene custom property: {stage: {part: fingerprint}} of the Screenplay each stage last used.
INPUTS_KEY = "story_inputs"


class StoredScreenplayError(ScreenplayError):
    """The "Screenplay.json" Text exists but does not hold a valid screenplay."""

    def __init__(self, text_name: str, errors: list[str]):
        super().__init__(errors)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        self.text_name = text_name
        self.args = (f'Text "{text_name}" is not a valid screenplay: {errors[0]}{more}; '
                     f"fix it in the Text Editor or parse the story again",)


def _text(blend_data, name: str):
    """The Text called `name`, created when missing."""
    text = blend_data.texts.get(name)
    if text is None:
        text = blend_data.texts.new(name)
    return text


def save_story(blend_data, story: str):
    """Write `story` into the Text "Story" (created when missing) and return that Text."""
    text = _text(blend_data, STORY_TEXT)
    text.from_string(story)
    return text


def save_screenplay(blend_data, screenplay: Screenplay, *, story: str | None = None,
                    warnings: list[str] | tuple[str, ...] = (), parser: str = ""):
    """Store `screenplay` as JSON in the Text "Screenplay.json" and return that Text.

    The Text is tagged `story_stage = "parse"`; the parser's name and its warnings are kept
    on it (`story_parser`, `story_warnings`, one warning per line) so the panel and `inspect`
    can show them later.  When `story` is given it is written to the Text "Story" as well.
    """
    text = _text(blend_data, SCREENPLAY_TEXT)
    text.from_string(screenplay.to_json() + "\n")
    text["story_stage"] = STAGE
    text["story_id"] = "screenplay"
    text["story_parser"] = parser
    text["story_warnings"] = "\n".join(w.replace("\n", " ") for w in warnings)
    if story is not None:
        save_story(blend_data, story)
    return text


def load_screenplay(blend_data) -> Screenplay | None:
    """The stored Screenplay, or None when the file has no "Screenplay.json" Text.

    Raises StoredScreenplayError (a ScreenplayError) naming the Text and every problem when the
    Text is not a valid screenplay, for example after a bad hand edit.
    """
    text = blend_data.texts.get(SCREENPLAY_TEXT)
    if text is None:
        return None
    try:
        return from_json(text.as_string())
    except ScreenplayError as exc:
        raise StoredScreenplayError(SCREENPLAY_TEXT, exc.errors) from None


def text_hash(blend_data) -> str:
    """A short hash of the stored Screenplay's text ("" when there is none), to notice that
    it changed (a new parse, a hand edit) since something read it."""
    text = blend_data.texts.get(SCREENPLAY_TEXT)
    if text is None:
        return ""
    return hashlib.sha1(text.as_string().encode("utf-8")).hexdigest()[:16]


def record_inputs(scene, stage: str, screenplay: Screenplay, seed: int,
                  only: tuple[str, ...] | None = None):
    """Remember on `scene` what `stage` built from (screenplay_edit.stage_inputs); with
    `only`, just those parts (one rebuilt character), the others keep their record."""
    stored = scene.get(INPUTS_KEY)
    records = stored.to_dict() if stored is not None else {}
    now = stage_inputs(screenplay.to_dict(), stage, seed, records)
    if only is not None:
        now = {**records.get(stage, {}), **{k: v for k, v in now.items() if k in only}}
    records[stage] = now
    scene[INPUTS_KEY] = records


def recorded_inputs(scene) -> dict[str, dict[str, str]]:
    """What each stage last built from, as `record_inputs` stored it."""
    stored = scene.get(INPUTS_KEY)
    return stored.to_dict() if stored is not None else {}


def parse_notes(blend_data) -> dict[str, Any]:
    """What the last parse left beside the Screenplay: `{"parser": str, "warnings": [str]}`."""
    text = blend_data.texts.get(SCREENPLAY_TEXT)
    if text is None:
        return {"parser": "", "warnings": []}
    warnings = str(text.get("story_warnings", ""))
    return {"parser": str(text.get("story_parser", "")),
            "warnings": [w for w in warnings.split("\n") if w]}


def summarize(screenplay: Screenplay) -> dict[str, Any]:
    """JSON-able summary of a Screenplay: who, what, and when each beat plays."""
    times = timeline(screenplay)
    beats = []
    for b in screenplay.beats:
        start_s, end_s = times[b.id]
        beats.append({"id": b.id, "actor": b.actor, "action": b.action, "target": b.target,
                      "start_s": round(start_s, 6), "end_s": round(end_s, 6),
                      "duration_s": b.duration_s})
    return {
        "version": screenplay.version,
        "title": screenplay.title,
        "language": screenplay.language,
        "set": {"kind": screenplay.set.kind, "place": screenplay.set.place,
                "time_of_day": screenplay.set.time_of_day},
        "cast": [{"id": c.id, "name": c.name, "description": c.description,
                  "accessories": list(c.accessories)} for c in screenplay.cast],
        "props": [{"id": p.id, "name": p.name, "category": p.category}
                  for p in screenplay.props],
        "beats": beats,
        "duration_s": round(max((end for _, end in times.values()), default=0.0), 6),
    }


def inspect_scene(blend_data, scene) -> dict[str, Any]:
    """JSON-able facts about `scene` and the stored Screenplay.

    `screenplay` is None when none is stored; when the stored one is invalid it is None too
    and `screenplay_error` says why, so the rest of the file can still be inspected.
    """
    render = scene.render
    info: dict[str, Any] = {
        "scene": scene.name,
        "fps": round(render.fps / render.fps_base, 6),
        "frame_start": scene.frame_start,
        "frame_end": scene.frame_end,
        "frames": scene.frame_end - scene.frame_start + 1,
        "screenplay": None,
    }
    try:
        screenplay = load_screenplay(blend_data)
    except ScreenplayError as exc:
        info["screenplay_error"] = str(exc)
        return info
    if screenplay is not None:
        info["screenplay"] = {**summarize(screenplay), **parse_notes(blend_data)}
    return info
