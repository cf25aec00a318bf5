"""Colour words as linear-RGB base colours for Blender.

Stories name colours ("a red chair", "a navy jacket"); Blender's Principled BSDF wants a base
colour in scene-linear RGB.  The table below holds each word's everyday appearance as an sRGB
hex value (what a swatch on screen looks like), converted to linear on the way out.  Values are
albedos of real paint and dye, not pure primaries: no white above 0.85 linear, no black at 0,
so Cycles renders them as the word reads.

"dark", "deep" and "light", "pale", "bright" may precede any word ("dark blue", "light-green");
"#rrggbb" is accepted too.  Pure Python, no Blender.
"""
from __future__ import annotations

import colorsys
import re

#: sRGB swatches of the colour words the story parser knows, plus common extras.
SRGB_HEX: dict[str, str] = {
    # The parser's colour words (addon/story/lexicon_en.py COLOURS).
    "red": "#b3201f", "green": "#2e8b3a", "blue": "#1f4fb3", "yellow": "#f2c61f",
    "orange": "#e8731c", "purple": "#6a2c91", "pink": "#e88aae", "black": "#1a1a1a",
    "white": "#ededed", "grey": "#808080", "brown": "#6b4226", "beige": "#d8c7a0",
    "navy": "#1b2a4e", "cyan": "#1fb5c9", "teal": "#1f7a78", "maroon": "#6b1a22",
    "gold": "#e6b84a", "silver": "#c0c0c8", "violet": "#8a4fc7",
    # Extras for clothing, furniture and nature.
    "khaki": "#b5a46b", "olive": "#6b6b2a", "tan": "#c8a27a", "cream": "#f0e6c8",
    "ivory": "#f2ecd9", "magenta": "#c2237a", "lime": "#7acc29", "turquoise": "#2ec4b6",
    "crimson": "#a01028", "scarlet": "#c8231b", "indigo": "#3b2a8a", "charcoal": "#333638",
    "lavender": "#b4a2d9", "peach": "#f2b48c", "mint": "#9ad9b4", "coral": "#f06e5a",
    "amber": "#f0a01e", "bronze": "#a8703a", "copper": "#c0703e", "burgundy": "#6e1a2e",
    "rust": "#a0461e", "sky": "#7fb5e6", "salmon": "#f08c78", "mustard": "#d4a51e",
    "denim": "#3b5a8a", "terracotta": "#c4623a", "sand": "#d6c08e",
    # Wood and material tones used by the prop library's palettes.
    "oak": "#b08457", "walnut": "#5c3a21", "pine": "#d9b47c", "mahogany": "#6e2f1e",
    "birch": "#e0c9a0", "clear": "#f4f7f7", "steel": "#9aa0a6", "chrome": "#d8dadc",
    "leaf": "#3f7a2a", "bark": "#4a3526", "stone": "#8c8a84", "concrete": "#a19e98",
    "asphalt": "#3a3a3c", "grass": "#4c7d2c", "cardboard": "#b88a57", "paper": "#ebe8e0",
    "skin": "#d9a384",
}

#: Other spellings of the words above.
ALIASES: dict[str, str] = {
    "gray": "grey", "golden": "gold", "aqua": "cyan", "fuchsia": "magenta",
    "blonde": "gold", "blond": "gold",
    "silvery": "silver", "brunette": "brown", "navy blue": "navy", "sky blue": "sky",
    "skyblue": "sky", "off white": "cream", "offwhite": "cream",
}

_DARKER = ("dark", "deep")
_LIGHTER = ("light", "pale", "pastel")
_BRIGHTER = ("bright", "vivid")
_HEX = re.compile(r"^#([0-9a-f]{6})$")


def srgb_to_linear(c: float) -> float:
    """One sRGB channel (0..1) in scene-linear (the IEC 61966-2-1 transfer curve)."""
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def linear_to_srgb(c: float) -> float:
    c = max(0.0, min(1.0, c))
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def hex_to_srgb(code: str) -> tuple[float, float, float]:
    m = _HEX.match(code.strip().lower())
    if not m:
        raise ValueError(f"colour code {code!r} is not #rrggbb")
    h = m.group(1)
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def srgb_hex(rgb_linear) -> str:
    """The "RRGGBB" hex of a linear colour, as a swatch would show it (used in material names)."""
    return "".join(f"{round(linear_to_srgb(c) * 255):02X}" for c in rgb_linear)


def _srgb_of(word: str) -> tuple[float, float, float] | None:
    word = ALIASES.get(word, word)
    if word in SRGB_HEX:
        return hex_to_srgb(SRGB_HEX[word])
    if _HEX.match(word):
        return hex_to_srgb(word)
    return None


def colour_rgb(word: str | None) -> tuple[float, float, float] | None:
    """Linear RGB for a colour word ("red", "dark blue", "light-grey", "#8b5a2b"), else None."""
    if not word:
        return None
    text = " ".join(str(word).lower().replace("-", " ").replace("_", " ").split())
    srgb = _srgb_of(text)
    if srgb is None and " " in text:
        modifier, _, rest = text.partition(" ")
        base = _srgb_of(rest)
        if base is None:
            return None
        h, s, v = colorsys.rgb_to_hsv(*base)
        if modifier in _DARKER:
            srgb = colorsys.hsv_to_rgb(h, min(1.0, s * 1.1), v * 0.55)
        elif modifier in _LIGHTER:
            srgb = tuple(c + (1.0 - c) * 0.45 for c in base)
        elif modifier in _BRIGHTER:
            srgb = colorsys.hsv_to_rgb(h, min(1.0, s * 1.15), min(1.0, v * 1.15))
        else:
            return None
    if srgb is None:
        return None
    return tuple(round(srgb_to_linear(c), 5) for c in srgb)  # type: ignore[return-value]


def vary(rgb_linear, rng, amount: float = 1.0) -> tuple[float, float, float]:
    """A slightly different shade of `rgb_linear`: hue, saturation and value nudged by `rng`.

    `rng` is a numpy Generator; `amount` 1 gives about ±1.5 % hue, ±6 % saturation and ±8 %
    value, so "a red chair" stays red under every seed.
    """
    srgb = [linear_to_srgb(c) for c in rgb_linear]
    h, s, v = colorsys.rgb_to_hsv(*srgb)
    h = (h + rng.uniform(-0.015, 0.015) * amount) % 1.0
    s = min(1.0, max(0.0, s * (1 + rng.uniform(-0.06, 0.06) * amount)))
    v = min(1.0, max(0.0, v * (1 + rng.uniform(-0.08, 0.08) * amount)))
    rgb = colorsys.hsv_to_rgb(h, s, v)
    return tuple(round(srgb_to_linear(c), 5) for c in rgb)  # type: ignore[return-value]


#: Every word `colour_rgb` knows (without modifiers), for callers that scan text.
KNOWN_WORDS = frozenset(SRGB_HEX) | frozenset(ALIASES)
