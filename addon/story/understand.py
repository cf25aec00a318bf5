"""Story text to Screenplay: picks the parser backend and applies the fallbacks."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from ..screenplay import Screenplay
from . import llm, parse
from .parse import StoryError

log = logging.getLogger(__name__)


@dataclass
class ParseResult:
    screenplay: Screenplay
    warnings: list[str] = field(default_factory=list)
    parser: str = "builtin"       # the backend that produced the screenplay


def understand(text: str, language: str = "auto", parser: str = "builtin",
               llm_config: llm.LLMConfig | None = None, online: bool = False) -> ParseResult:
    """Parse `text` with the chosen backend.

    The LLM backend is used only when online access is allowed and an endpoint is set; when it
    fails or answers with an invalid screenplay, the built-in parser's result is used and a
    warning says why.
    """
    if parser not in ("builtin", "llm"):
        raise StoryError(f"unknown parser {parser!r}; use builtin or llm")
    if language not in ("auto", "en", "zh"):
        raise StoryError(f"unknown language {language!r}; use auto, en or zh")
    builtin = parse.parse_story(text, language)
    if parser == "builtin":
        return ParseResult(builtin.screenplay, builtin.warnings, "builtin")
    config = llm_config or llm.LLMConfig.from_env()
    if not online:
        reason = "online access is off (enable it in Blender's preferences, or pass --online)"
    elif not config.url:
        reason = "no LLM endpoint is set (preferences or STORY_MOTION_LLM_URL)"
    else:
        try:
            sp = llm.parse_with_llm(text, builtin.screenplay.language, config)
            return ParseResult(sp, [], "llm")
        except llm.LLMError as exc:
            reason = str(exc)
    warning = f"LLM parser not used: {reason}; used the built-in parser"
    log.warning(warning)
    return ParseResult(builtin.screenplay, [warning, *builtin.warnings], "builtin")
