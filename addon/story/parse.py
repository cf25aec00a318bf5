"""The built-in story parser: no network, no model, English and simplified Chinese.

Checks the input, splits it into sentences, reads each with its language's reader (so a
story that mixes languages still parses) and builds one Screenplay from all the clauses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import screenplay as S
from . import lexicon_en
from .build import Builder

MAX_STORY_CHARS = 200_000
MAX_BEATS = 2_000

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
# Emoji, pictographs, symbols and control characters carry no story; drop them.
_NOISE = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D\U000E0000-\U000E007F"
                    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Props that say where a story probably happens when it does not say.
PLACE_HINTS = {
    "bench": "park", "tree": "park", "bush": "park", "flower": "garden", "rock": "park",
    "ball": "park", "basketball": "park", "tennis_ball": "park", "bat": "park",
    "racket": "park", "fence": "park", "car": "street", "bicycle": "street",
    "traffic_cone": "street", "street_lamp": "street", "trash_can": "street", "sign": "street",
    "plate": "kitchen", "bowl": "kitchen", "mug": "kitchen", "desk": "office",
    "laptop": "office", "bed": "bedroom", "sofa": "living_room", "pillow": "bedroom",
}


class StoryError(ValueError):
    """The story cannot become a screenplay; the message is one line for the user."""


@dataclass
class Parsed:
    screenplay: S.Screenplay
    warnings: list[str] = field(default_factory=list)


def detect_language(text: str) -> str:
    return "zh" if len(_CJK.findall(text)) * 2 >= len(_LATIN.findall(text)) > 0 or (
        _CJK.search(text) and not _LATIN.search(text)) else "en"


def clean(text) -> str:
    """The story as parseable text, or StoryError for what cannot be a story."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise StoryError("the story is not UTF-8 text; save it as UTF-8 and try again")
    if not isinstance(text, str):
        raise StoryError(f"the story must be text, not {type(text).__name__}")
    if "\x00" in text or sum(not (c.isprintable() or c.isspace()) for c in text[:4096]) > 40:
        raise StoryError("the story looks like binary data, not text")
    if len(text) > MAX_STORY_CHARS:
        raise StoryError(f"the story is {len(text):,} characters long; the limit is "
                         f"{MAX_STORY_CHARS:,} — split it into parts")
    text = _NOISE.sub(" ", text)
    if not text.strip():
        raise StoryError("the story is empty: write who does what, e.g. 'A man waves.'")
    return text


def _spans(text: str):
    """(start, end, language) for each sentence, the language judged per sentence."""
    pos = 0
    for m in re.finditer(r"[^。！？!?；;.\n]*(?:[。！？!?；;\n]+|\.(?!\d)|$)", text):
        if m.end() <= pos or not m.group().strip():
            continue
        chunk = m.group()
        lang = "zh" if _CJK.search(chunk) and len(_CJK.findall(chunk)) * 2 >= len(
            _LATIN.findall(chunk)) else "en"
        yield m.start(), m.end(), lang
        pos = m.end()


def parse_story(text, language: str = "auto") -> Parsed:
    """Parse a story into a validated Screenplay; raises StoryError with a one-line reason."""
    text = clean(text)
    story_lang = detect_language(text) if language == "auto" else language
    clauses = []
    zh = None                 # one Chinese reader per story: it remembers the last subject
    for start, end, lang in _spans(text):
        if language != "auto":
            lang = language
        if lang == "zh":
            from .read_zh import ZhReader
            zh = zh or ZhReader()
            clauses += zh.read(text[start:end], start)
        else:
            from .read_en import read_en
            clauses += read_en(text[start:end], start)
    # both readers key person nouns by their English word ("man" for 男人)
    b = Builder(story_lang, lexicon_en.PERSONS)
    prev: list[str] = []
    for c in clauses:
        made = b.add_clause(c, prev)
        if made:
            prev = made
        if len(b.beats) > MAX_BEATS:
            b.warnings.append(f"the story has more than {MAX_BEATS} beats; the rest was "
                              f"left out")
            break
    if not b.beats:
        if not b.people and not b.props:
            raise StoryError("found no one in the story: name a person ('a man', 'Anna', "
                             "'I') and what they do")
        raise StoryError("found no action in the story: say what someone does, "
                         "e.g. 'The man walks to the door.'")
    b.check_timing()
    sp = b.screenplay(_title(text), PLACE_HINTS)
    errors = S.validate(sp)
    if errors:                       # a reader or builder bug, not the user's fault
        raise StoryError(f"the parser produced an invalid screenplay: {errors[0]}")
    return Parsed(sp, b.warnings)


def _title(text: str) -> str:
    first = text.strip().splitlines()[0]
    first = re.split(r"(?<=[.!?。！？])", first)[0].strip()
    return first if len(first) <= 60 else first[:57].rstrip() + "..."
