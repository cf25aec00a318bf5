"""From the story's words to the prop library: which category, what size, and what to do with a
word that names nothing the library can build.

`resolve_category` looks a word up in this order: a category name ("traffic_cone",
"traffic cone"), the story parser's lexicons (English and Chinese) plus a few synonyms the
parser does not need, the head noun of a longer phrase ("wine bottle" -> bottle), and last the
optional sentence-embedding matcher of `addon/story/embed.py` when its packages are installed.
Words still unknown become labelled placeholder boxes of a plausible size.
"""
from __future__ import annotations

import logging
import re
import threading

from ..story import lexicon_en, lexicon_zh
from ..story.vocabulary import PROP_CATEGORIES

log = logging.getLogger(__name__)

#: Everyday words the parser's lexicon lacks, mapped to the nearest buildable category.
SYNONYMS: dict[str, str] = {
    **dict.fromkeys("recliner loveseat settee divan".split(), "sofa"),
    **dict.fromkeys("mattress cot bunk crib".split(), "bed"),
    **dict.fromkeys("counter nightstand workbench".split(), "table"),
    **dict.fromkeys("bureau".split(), "desk"),
    **dict.fromkeys("cabinet cupboard dresser wardrobe closet rack".split(), "shelf"),
    "pew": "bench",
    **dict.fromkeys("goblet beaker chalice".split(), "glass"),
    **dict.fromkeys("flask thermos carafe decanter".split(), "bottle"),
    **dict.fromkeys("jug pitcher teapot urn".split(), "vase"),
    **dict.fromkeys("saucer tray platter".split(), "plate"),
    "basin": "bowl",
    **dict.fromkeys("carton drawer".split(), "box"),
    **dict.fromkeys("chest".split(), "crate"),
    **dict.fromkeys("cask keg drum".split(), "barrel"),
    **dict.fromkeys("sack backpack rucksack handbag purse briefcase luggage satchel tote".split(),
                    "bag"),
    **dict.fromkeys("volleyball dodgeball netball".split(), "ball"),
    **dict.fromkeys("baseball softball".split(), "tennis_ball"),
    **dict.fromkeys("club stick".split(), "bat"),
    "paddle": "racket",
    **dict.fromkeys("lantern lampshade".split(), "lamp"),
    **dict.fromkeys("notebook novel diary magazine journal textbook".split(), "book"),
    **dict.fromkeys("telephone cellphone iphone".split(), "phone"),
    "parasol": "umbrella", "bolster": "pillow",
    **dict.fromkeys("oak pine palm birch maple willow sapling".split(), "tree"),
    **dict.fromkeys("hedge plant fern".split(), "bush"),
    "pebble": "rock",
    **dict.fromkeys("rose tulip daisy lily sunflower blossom".split(), "flower"),
    "wastebasket": "trash_can", "bollard": "traffic_cone", "pylon": "traffic_cone",
    **dict.fromkeys("billboard placard noticeboard".split(), "sign"),
    **dict.fromkeys("railing gate".split(), "fence"),
    "streetlamp": "street_lamp",
    "doorway": "door", "windowpane": "window", "stairway": "stairs", "partition": "wall",
    **dict.fromkeys("automobile van jeep suv sedan cab".split(), "car"),
    **dict.fromkeys("cycle tricycle scooter motorbike motorcycle".split(), "bicycle"),
}

#: Label words that mean a much bigger or smaller thing than the category's usual one.
LABEL_SCALE: dict[str, float] = {"boulder": 3.0, "pebble": 0.12, "stone": 0.5, "sapling": 0.4,
                                 "truck": 1.4, "van": 1.15, "tricycle": 0.6}

#: One short description per category for the embedding matcher: a few synonyms each.
CATEGORY_DESCRIPTIONS: dict[str, str] = {
    "chair": "chair, stool, seat", "table": "table, dining table", "bench": "bench, park bench",
    "sofa": "sofa, couch", "bed": "bed, mattress", "desk": "desk, writing table",
    "shelf": "shelf, bookcase, cabinet", "glass": "drinking glass, tumbler",
    "cup": "cup, teacup", "mug": "mug, coffee mug", "bottle": "bottle, flask",
    "plate": "plate, dish", "bowl": "bowl", "vase": "vase, jug", "box": "box, package, carton",
    "crate": "crate, wooden crate", "barrel": "barrel, cask", "bucket": "bucket, pail",
    "bag": "bag, handbag, sack", "ball": "ball, football, soccer ball",
    "basketball": "basketball", "tennis_ball": "tennis ball, small ball",
    "bat": "bat, baseball bat, club", "racket": "racket, tennis racket",
    "domino": "domino, domino tile",
    "lamp": "lamp, table lamp, lantern", "book": "book, notebook", "phone": "phone, smartphone",
    "laptop": "laptop, computer", "umbrella": "umbrella, parasol", "pillow": "pillow, cushion",
    "tree": "tree", "bush": "bush, shrub, plant", "rock": "rock, stone, boulder",
    "flower": "flower, blossom", "trash_can": "trash can, bin",
    "traffic_cone": "traffic cone", "sign": "sign, road sign, signpost",
    "fence": "fence, railing", "street_lamp": "street lamp, lamppost", "wall": "wall",
    "door": "door", "window": "window", "stairs": "stairs, steps, staircase",
    "car": "car, automobile, vehicle", "bicycle": "bicycle, bike",
}

#: Cosine similarity a word must reach with a category's description.  Not tuned on prop
#: nouns (the model is not installed where this was written); set a little above the verb
#: matcher's 0.58 so a guess is made only for close synonyms.
EMBED_THRESHOLD = 0.62

#: Plausible sizes (x, y, z in metres) of things the library cannot build, for placeholders.
PLACEHOLDER_SIZES: dict[str, tuple[float, float, float]] = {
    "helmet": (0.22, 0.28, 0.2), "hat": (0.32, 0.32, 0.14), "cap": (0.2, 0.26, 0.12),
    "glasses": (0.14, 0.05, 0.04), "sunglasses": (0.14, 0.05, 0.05),
    "backpack": (0.32, 0.2, 0.45), "sword": (1.0, 0.2, 0.04), "scarf": (0.3, 0.2, 0.05),
    "crown": (0.18, 0.18, 0.12), "mask": (0.18, 0.1, 0.22), "watch": (0.045, 0.05, 0.012),
    "headphones": (0.18, 0.08, 0.2), "guitar": (0.38, 0.1, 1.0), "violin": (0.21, 0.08, 0.6),
    "piano": (1.5, 0.6, 1.2), "tv": (1.0, 0.08, 0.6), "television": (1.0, 0.08, 0.6),
    "clock": (0.3, 0.05, 0.3), "candle": (0.05, 0.05, 0.2), "key": (0.06, 0.02, 0.005),
    "pen": (0.14, 0.01, 0.01), "pencil": (0.18, 0.008, 0.008), "knife": (0.22, 0.025, 0.02),
    "fork": (0.2, 0.025, 0.015), "spoon": (0.18, 0.04, 0.015), "apple": (0.08, 0.08, 0.08),
    "banana": (0.2, 0.04, 0.04), "letter": (0.22, 0.11, 0.005), "ladder": (0.45, 0.1, 2.5),
    "mirror": (0.6, 0.03, 0.9), "fridge": (0.7, 0.7, 1.8), "refrigerator": (0.7, 0.7, 1.8),
    "painting": (0.8, 0.04, 0.6), "picture": (0.5, 0.03, 0.4), "toy": (0.2, 0.15, 0.2),
}
DEFAULT_PLACEHOLDER = (0.3, 0.3, 0.3)

#: Size words in a description: which axis they scale and by how much.  "long" scales the
#: longer horizontal side, "wide" the width (X).
SIZE_WORDS: dict[str, tuple[str, float]] = {
    "tiny": ("all", 0.5), "miniature": ("all", 0.4), "mini": ("all", 0.6),
    "small": ("all", 0.75), "little": ("all", 0.75), "big": ("all", 1.3),
    "large": ("all", 1.3), "huge": ("all", 1.8), "giant": ("all", 2.2),
    "enormous": ("all", 2.2), "massive": ("all", 1.8), "gigantic": ("all", 2.2),
    "tall": ("z", 1.3), "short": ("z", 0.75), "low": ("z", 0.8),
    "long": ("long", 1.4), "wide": ("x", 1.3), "narrow": ("x", 0.75),
}

_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")


def normalise(word: str) -> str:
    return " ".join(str(word).lower().replace("_", " ").replace("-", " ").split())


def words_of(text: str) -> list[str]:
    return _WORD.findall(str(text).lower())


def _singular(word: str) -> list[str]:
    out = []
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("ves"):
        out.append(word[:-3] + "f")
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s"):
        out.append(word[:-1])
    return out


def _lexicon(word: str, categories) -> str | None:
    """The category one word names in the lexicons, or None."""
    for w in [word, *_singular(word)]:
        for table in (lexicon_en.PROPS, lexicon_en.PROP_PLURALS, SYNONYMS,
                      lexicon_en.ACCESSORY_WORDS):
            cat = table.get(w)
            if cat in categories:
                return cat
        if w.replace(" ", "_") in categories:
            return w.replace(" ", "_")
    zh = lexicon_zh.PROPS.get(word)
    if zh and zh[0] in categories:
        return zh[0]
    return None


def resolve_category(word: str, categories=PROP_CATEGORIES) -> tuple[str | None, str | None]:
    """The category a story word names and how it was found.

    Returns (category, "exact" | "lexicon" | "embedding"), or (None, None) when nothing fits.
    """
    text = normalise(word)
    if not text:
        return None, None
    if text.replace(" ", "_") in categories:
        return text.replace(" ", "_"), "exact"
    worn = lexicon_en.ACCESSORY_WORDS.get(text)
    if worn is not None and worn not in categories:
        return None, None                      # worn things (helmet, glasses): not buildable
    found = _lexicon(text, categories)
    if found:
        return found, "lexicon"
    words = text.split()
    for a, b in zip(words, words[1:]):
        cat = lexicon_en.PROP_COMPOUNDS.get((a, b))
        if cat in categories:
            return cat, "lexicon"
    for w in reversed(words):                  # the head noun comes last in English
        found = _lexicon(w, categories)
        if found:
            return found, "lexicon"
    if not text.isascii():                     # Chinese: the longest known word inside
        for key in sorted(lexicon_zh.PROPS, key=len, reverse=True):
            if key in text and lexicon_zh.PROPS[key][0] in categories:
                return lexicon_zh.PROPS[key][0], "lexicon"
    match = nearest_by_embedding(text, categories)
    if match:
        return match[0], "embedding"
    return None, None


_embed_lock = threading.Lock()
_embed_index = None     # (vectors of description parts, row where each category starts, names)


def nearest_by_embedding(text: str, categories=PROP_CATEGORIES,
                         threshold: float = EMBED_THRESHOLD) -> tuple[str, float] | None:
    """The category whose description is closest to `text` by sentence embedding, or None.

    Only runs where `addon.story.embed` says its optional packages are installed; it shares
    that module's model (loaded once per process for the parser's verb matcher too).  Any
    failure turns into None: a placeholder is better than a crash.
    """
    global _embed_index
    try:
        from ..story import embed
        phrase = embed.encode([text])
        if phrase is None:
            return None
        import numpy as np

        with _embed_lock:
            if _embed_index is None:
                names = [c for c in CATEGORY_DESCRIPTIONS if c in PROP_CATEGORIES]
                texts, starts = [], []
                for name in names:
                    starts.append(len(texts))
                    texts.extend(embed.description_parts(CATEGORY_DESCRIPTIONS[name]))
                _embed_index = (embed.encode(texts), starts, names)
        vectors, starts, names = _embed_index
        scores = np.maximum.reduceat(vectors @ phrase[0], starts)
        best = [(float(s), n) for s, n in zip(scores, names) if n in categories]
    except Exception as e:     # a missing or broken model must never stop the cast stage
        log.debug("embedding match for %r skipped: %s", text, e)
        return None
    if not best:
        return None
    score, name = max(best)
    return (name, score) if score >= threshold else None


def size_factors(text: str, natural_dims) -> tuple[float, float, float]:
    """Per-axis scale factors (x, y, z) for the size words in `text`."""
    f = [1.0, 1.0, 1.0]
    long_axis = 0 if natural_dims[0] >= natural_dims[1] else 1
    for w in words_of(text):
        axis, k = SIZE_WORDS.get(w, ("", 1.0))
        if axis == "all":
            f = [v * k for v in f]
        elif axis in ("x", "z"):
            f["xz".index(axis) * 2] *= k
        elif axis == "long":
            f[long_axis] *= k
    return tuple(min(5.0, max(0.2, v)) for v in f)  # type: ignore[return-value]


def label_scale(label: str) -> float:
    """Extra scale a label word implies ("boulder" is a big rock)."""
    k = 1.0
    for w in words_of(label):
        k *= LABEL_SCALE.get(w, 1.0)
    return k


def placeholder_size(label: str) -> tuple[float, float, float]:
    for w in reversed(words_of(label)):
        for cand in [w, *_singular(w)]:
            if cand in PLACEHOLDER_SIZES:
                return PLACEHOLDER_SIZES[cand]
    return DEFAULT_PLACEHOLDER
