"""The fetched props and motions of a story, kept in the .blend as the Text
"StorySources.json" so the Cast and Animate buttons use what Fetch found (the files stay in
the asset cache).  It belongs to the Screenplay it was fetched for: after an edit it is stale."""
from __future__ import annotations

import hashlib
import json

from ..sourcing import Fetched
from .tags import tag

SOURCES_TEXT = "StorySources.json"
STAGE = "sources"
_HASH_KEY = "story_screenplay_sha256"


def _digest(screenplay_json: str) -> str:
    return hashlib.sha256(screenplay_json.encode("utf-8")).hexdigest()


def save_sources(blend_data, fetched: Fetched, screenplay_json: str) -> None:
    text = blend_data.texts.get(SOURCES_TEXT) or blend_data.texts.new(SOURCES_TEXT)
    text.from_string(json.dumps(fetched.to_dict(), indent=1, ensure_ascii=False))
    text[_HASH_KEY] = _digest(screenplay_json)
    tag(text, STAGE, "sources")


def load_sources(blend_data, screenplay_json: str) -> tuple[Fetched | None, str | None]:
    """(what was fetched for this Screenplay, None), or (None, why not) when nothing was
    fetched or it was fetched for an earlier version of the Screenplay."""
    text = blend_data.texts.get(SOURCES_TEXT)
    if text is None:
        return None, None
    if text.get(_HASH_KEY) != _digest(screenplay_json):
        return None, "the fetched models and motions are for an earlier Screenplay: fetch again"
    try:
        return Fetched.from_dict(json.loads(text.as_string())), None
    except (ValueError, KeyError, TypeError) as exc:
        return None, f"{SOURCES_TEXT} is not readable ({exc}): fetch again"


def clear_sources(blend_data) -> None:
    text = blend_data.texts.get(SOURCES_TEXT)
    if text is not None:
        blend_data.texts.remove(text)
