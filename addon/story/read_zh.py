"""Simplified-Chinese reader: story text to language-neutral `Clause`s.

No word segmenter is available inside Blender, so the reader segments by longest match
against its own lexicon (`lexicon_zh`), scanning left to right once; unknown characters are
kept as runs so an unknown verb can still be named in a warning.  Each sentence is then read
as a sequence of predicates: a subject noun phrase, adverbials (在公园里, 慢慢地, 把 X, 和 X),
a verb and what follows it.  Resolution (pronouns, cast, timing) is the builder's job; the
reader only says what the words say.

Positions in every `Clause` and `Mention` are offsets in the whole story: `offset` is where
`text` starts in it.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from . import lexicon_zh as lx
from .clauses import Clause, Mention
from .vocabulary import ACTIONS

# --- tokens ----------------------------------------------------------------------------------

# token categories
PERSON, NAME, PRON, PROP, SPOT, PLACE, FLOOR, AIR = ("person", "name", "pron", "prop", "spot",
                                                     "place", "floor", "air")
LOC, COLOUR, MATERIAL, ADJ, GARMENT, ACC, WEAR = ("loc", "colour", "material", "adj",
                                                  "garment", "acc", "wear")
VERB, DIRCOMP, NUM, CL, DEM, ANOTHER, QUANT = ("verb", "dircomp", "num", "cl", "dem",
                                               "another", "quant")
DUR, DELAY, LENGTH, AGE, TIME, SPEED, DIRECTION, HEIGHT = ("dur", "delay", "length", "age",
                                                           "time", "speed", "direction",
                                                           "height")
SNEAK, TOGETHER, LINK, WHEN, WHILE, PREP, DE, SKIP = ("sneak", "together", "link", "when",
                                                      "while", "prep", "de", "skip")
NEG, BE, STATURE, BODY, OTHER, COMMA, END, QUOTE, UNK, PASSED, NAMING, ARRANGE = (
    "neg", "be", "stature", "body", "other", "comma", "end", "quote", "unk", "passed",
    "naming", "arrange")

HEADS = frozenset({PERSON, NAME, PRON, PROP, SPOT})
NP_START = HEADS | {DEM, NUM, QUANT, ANOTHER, ADJ, COLOUR, MATERIAL, LENGTH, AGE, WEAR,
                    GARMENT, NAMING}
#: Tokens after which a character from CLASSIFIERS is a classifier (一把椅子, not 把).
_BEFORE_CLASSIFIER = frozenset({NUM, DEM, ANOTHER, QUANT})
#: Tokens after which a surname does not start a name (一张, 红色的...).
_NO_NAME_AFTER = frozenset({NUM, CL, DEM, ADJ, COLOUR, MATERIAL, DE, QUANT, ANOTHER})
_INTENSIFIERS = frozenset({"很", "又", "非常", "十分", "特别", "有点", "有些", "比较", "挺",
                           "太", "最", "更", "真"})


@dataclass
class Tok:
    cat: str
    start: int          # in the text given to read_zh, not yet offset
    end: int
    text: str
    val: object = None


def _build_words() -> tuple[dict[str, tuple[str, object]], int]:
    """One dictionary for longest match; later tables win where a word is in two."""
    words: dict[str, tuple[str, object]] = {}

    def put(items, cat, value=lambda w: None):
        for w in items:
            words[w] = (cat, value(w))

    put(lx.PARTICLES, SKIP)
    words["的"] = (DE, None)
    words["地"] = (DE, None)
    words["得"] = (DE, None)
    put(lx.BODY_PARTS, BODY)
    put(lx.OTHER_NOUNS, OTHER)
    put(lx.LOCATIVES, LOC, lx.LOCATIVES.get)
    put(lx.PREPOSITIONS, PREP, lx.PREPOSITIONS.get)
    put(lx.NEGATIONS, NEG)
    put(lx.BE_WORDS, BE)
    put(lx.STATURE_WORDS, STATURE)
    put(lx.PUNCH_ADVERBS, SKIP)
    put(lx.TOGETHER_WORDS, TOGETHER)
    put(lx.SNEAK_WORDS, SNEAK)
    put(lx.SPEEDS, SPEED, lx.SPEEDS.get)
    put(lx.DIRECTIONS, DIRECTION, lx.DIRECTIONS.get)
    put(lx.HEIGHTS, HEIGHT, lx.HEIGHTS.get)
    put(lx.MOMENT_WORDS, DUR, lx.MOMENT_WORDS.get)
    put(lx.QUANTITY_WORDS, QUANT, lx.QUANTITY_WORDS.get)
    put(lx.DEMONSTRATIVES, DEM)
    put(lx.ANOTHER_WORDS, ANOTHER)
    put(lx.LINK_AFTER, LINK, lambda w: "after")
    put(lx.LINK_WITH, LINK, lambda w: "with")
    put(lx.WHEN_WORDS, WHEN)
    put(lx.WHILE_WORDS, WHILE)
    put(lx.DIRECTIONAL_COMPLEMENTS, DIRCOMP)
    put(lx.COLOURS, COLOUR, lx.COLOURS.get)
    put(lx.MATERIALS, MATERIAL, lx.MATERIALS.get)
    put(lx.PERSON_ADJECTIVES, ADJ, lx.PERSON_ADJECTIVES.get)
    put(lx.GARMENTS, GARMENT, lx.GARMENTS.get)
    put(lx.ACCESSORY_NOUNS, ACC, lx.ACCESSORY_NOUNS.get)
    put(lx.WEAR_VERBS, WEAR)
    put(lx.VERBS, VERB, lx.VERBS.get)
    put(("名叫", "叫做", "名字叫"), NAMING)
    put(("过了", "过了大约", "大约过了"), PASSED)
    put(lx.PLACES, PLACE, lx.PLACES.get)
    put(lx.SPOTS, SPOT, lx.SPOTS.get)
    put(lx.FLOOR_WORDS, FLOOR)
    put(lx.AIR_WORDS, AIR)
    put(lx.PROPS, PROP, lx.PROPS.get)
    put(lx.ARRANGE_WORDS, ARRANGE, lx.ARRANGE_WORDS.get)
    put(lx.TIMES_OF_DAY, TIME, lx.TIMES_OF_DAY.get)
    put(lx.PRONOUNS, PRON, lx.PRONOUNS.get)
    put(lx.PERSON_NOUNS, PERSON, lx.PERSON_NOUNS.get)
    put(lx.NAMES, NAME, lx.NAMES.get)
    return words, max(len(w) for w in words)


WORDS, MAXLEN = _build_words()

_NUMERALS = set(lx.NUMERAL_CHARS) | set(lx.NUMERAL_MULTIPLIERS)
_DIGITS = set("0123456789０１２３４５６７８９")
_UNITS: list[tuple[str, str, float]] = sorted(
    [(u, DUR, s) for u, s in lx.DURATION_UNITS.items()]
    + [(u, LENGTH, m) for u, m in lx.LENGTH_UNITS.items()]
    + [(u, AGE, 1.0) for u in lx.AGE_UNITS], key=lambda u: -len(u[0]))
_SENTENCE_END = set("。！？；!?;\n…")
_COMMAS = set("，、,：:")
_QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "\"": "\""}
_AFTER_WORDS = ("之后", "以后", "过后", "后")


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _lengths_by_first_char() -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for w in WORDS:
        lengths.setdefault(w[0], set()).add(len(w))
    return {ch: tuple(sorted(ls, reverse=True)) for ch, ls in lengths.items()}


_LENGTHS = _lengths_by_first_char()


def _match(text: str, i: int) -> tuple[int, tuple[str, object] | None]:
    """Longest lexicon word starting at i (only the lengths some word has are tried)."""
    for n in _LENGTHS.get(text[i], ()):
        hit = WORDS.get(text[i:i + n])
        if hit is not None:
            return n, hit
    return 0, None


def _cn_number(s: str) -> float:
    """Chinese numerals: 三 -> 3, 十五 -> 15, 七十 -> 70, 一百二十 -> 120, 半 -> 0.5."""
    if s == "半":
        return 0.5
    total, digit = 0, None
    for ch in s:
        if ch in lx.NUMERAL_CHARS:
            digit = lx.NUMERAL_CHARS[ch]
        else:
            total += (1 if digit is None else digit) * lx.NUMERAL_MULTIPLIERS[ch]
            digit = None
    return float(total + (digit or 0))


def _number_at(text: str, i: int) -> tuple[int, float] | None:
    """A number written with Arabic digits or Chinese numerals starting at i."""
    n = len(text)
    j = i
    if text[i] in _DIGITS:
        while j < n and text[j] in _DIGITS:
            j += 1
        if j + 1 < n and text[j] == "." and text[j + 1] in _DIGITS:
            j += 1
            while j < n and text[j] in _DIGITS:
                j += 1
        return j - i, float(text[i:j].translate(_FULLWIDTH))
    if text[i] == "半":
        return 1, 0.5
    while j < n and j - i < 8 and text[j] in _NUMERALS:
        j += 1
    if j == i:
        return None
    return j - i, _cn_number(text[i:j])


#: 木椅 -> wood, 纸箱 -> paper: the material a prop word starts with.
_PROP_MATERIAL = {w: next((lx.MATERIALS[w[:k]] for k in (2, 1)
                           if len(w) > k and w[:k] in lx.MATERIALS), "") for w in lx.PROPS}
_FAMILY_OF = {member: fam for fam, members in lx.PROP_FAMILIES.items() for member in members}
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _measure_at(text: str, i: int, value: float) -> tuple[int, str, float] | None:
    """A unit after a number: (length of unit text, category, value in seconds/metres/years)."""
    j = i
    if j < len(text) and text[j] == "多":        # 七十多岁: about seventy
        j += 1
    for unit, cat, scale in _UNITS:
        if text.startswith(unit, j):
            j += len(unit)
            value *= scale
            if cat == LENGTH and unit == "米":     # 一米八 (1.8 m), 一米八五 (1.85 m)
                k = j
                while k < len(text) and k - j < 2 and text[k] in lx.NUMERAL_CHARS:
                    k += 1
                if k > j and not (k < len(text) and (text[k] in lx.CLASSIFIERS
                                                     or text[k] in "米岁秒")):
                    digits = "".join(str(lx.NUMERAL_CHARS[c]) for c in text[j:k])
                    value += int(digits) / 10 ** len(digits)
                    j = k
            return j - i, cat, value
    return None


def tokenise(text: str) -> list[Tok]:
    """Segment `text` by longest match; linear in its length."""
    toks: list[Tok] = []
    n = len(text)
    i = 0
    no_close: set[str] = set()          # quote marks with no closing mark further on
    prev = ""
    while i < n:
        ch = text[i]
        if ch in _QUOTES and ch not in no_close:
            close = text.find(_QUOTES[ch], i + 1)
            if close < 0:
                no_close.add(ch)
            else:
                toks.append(Tok(QUOTE, i, close + 1, text[i:close + 1]))
                prev = QUOTE
                i = close + 1
                continue
        if ch in _SENTENCE_END or (ch == "." and not (0 < i < n - 1 and text[i - 1] in _DIGITS
                                                      and text[i + 1] in _DIGITS)):
            toks.append(Tok(END, i, i + 1, ch))
            prev = END
            i += 1
            continue
        if ch in _COMMAS:
            toks.append(Tok(COMMA, i, i + 1, ch, ch == "、"))
            prev = COMMA
            i += 1
            continue
        if prev in _BEFORE_CLASSIFIER and ch in lx.CLASSIFIERS:
            toks.append(Tok(CL, i, i + 1, ch, lx.PLURAL_CLASSIFIERS.get(ch)))
            prev = CL
            i += 1
            continue
        length, hit = _match(text, i)
        number = _number_at(text, i) if (ch in _DIGITS or ch in _NUMERALS or ch == "半") \
            else None
        if number is not None and not (i > 0 and text[i - 1] == "第"):
            size, value = number
            measure = _measure_at(text, i + size, value)
            total = size + (measure[0] if measure else 0)
            if total >= length:
                if measure:
                    toks.append(Tok(measure[1], i, i + total, text[i:i + total], measure[2]))
                else:
                    toks.append(Tok(NUM, i, i + size, text[i:i + size], value))
                prev = toks[-1].cat
                i += total
                continue
        elif number is not None and length <= number[0]:
            i += number[0]                       # 第三: an ordinal, not a count
            prev = DEM                           # 第一张骨牌: 张 is its classifier
            continue
        if prev not in _NO_NAME_AFTER and (length == 0 or (length == 1 and ch in "小老阿")):
            name = _name_at(text, i)
            if name:
                toks.append(Tok(NAME, i, i + name[0], text[i:i + name[0]], name[1]))
                prev = NAME
                i += name[0]
                continue
        if hit is not None:
            toks.append(Tok(hit[0], i, i + length, text[i:i + length], hit[1]))
            prev = hit[0]
            i += length
            continue
        if _is_cjk(ch):
            if toks and toks[-1].cat == UNK and toks[-1].end == i:
                last = toks[-1]
                last.end = i + 1
                last.text += ch
            else:
                toks.append(Tok(UNK, i, i + 1, ch))
            prev = UNK
        i += 1                                   # Latin letters, emoji, spaces: skipped
    return _merge_times(toks)


def _name_char(text: str, i: int) -> bool:
    """May text[i] be part of a given name?"""
    if i >= len(text) or not _is_cjk(text[i]):
        return False
    ch = text[i]
    length, _ = _match(text, i)
    if length == 0:
        return ch not in _NUMERALS
    return length == 1 and (ch in lx.FEMALE_NAME_CHARS or ch in lx.MALE_NAME_CHARS)


def _name_at(text: str, i: int) -> tuple[int, str] | None:
    """A personal name not in the list: surname + one or two characters, or 小/阿/老 + one."""
    ch = text[i]
    if ch in lx.NAME_PREFIXES:
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch == "老" and nxt not in lx.SURNAMES:
            return None
        if not _name_char(text, i + 1):
            return None
        sex = "male" if ch == "老" else _sex_of(nxt)
        return 2, sex
    head = 0
    if text.startswith(lx.COMPOUND_SURNAMES, i):
        head = 2
    elif ch in lx.SURNAMES:
        head = 1
    if not head:
        return None
    given = 0
    while given < 2 and _name_char(text, i + head + given):
        given += 1
    if not given:
        return None
    return head + given, _sex_of(text[i + head + given - 1])


def _sex_of(ch: str) -> str:
    if ch in lx.FEMALE_NAME_CHARS:
        return "female"
    if ch in lx.MALE_NAME_CHARS:
        return "male"
    return ""


def _merge_times(toks: list[Tok]) -> list[Tok]:
    """三秒后 / 过了三秒 / 过了一会儿 are delays, not durations."""
    out: list[Tok] = []
    k = 0
    while k < len(toks):
        t = toks[k]
        if t.cat == PASSED and k + 1 < len(toks) and toks[k + 1].cat == DUR:
            d = toks[k + 1]
            out.append(Tok(DELAY, t.start, d.end, t.text + d.text, d.val))
            k += 2
            continue
        if t.cat == PASSED:
            k += 1
            continue
        if t.cat == DUR and k + 1 < len(toks) and toks[k + 1].text in _AFTER_WORDS:
            a = toks[k + 1]
            out.append(Tok(DELAY, t.start, a.end, t.text + a.text, t.val))
            k += 2
            continue
        out.append(t)
        k += 1
    return out


# --- noun phrases ----------------------------------------------------------------------------

@dataclass
class _NP:
    mention: Mention
    rel: str | None          # locative after the noun: 桌子上 -> on
    end: int                 # index of the first token after the phrase


_PERSONLIKE = ("person", "narrator")


def _is_person(m: Mention | None) -> bool:
    return m is not None and (m.kind in _PERSONLIKE or (m.kind == "pronoun" and m.key != "it"))


def _is_thing(m: Mention | None) -> bool:
    return m is not None and (m.kind == "prop" or (m.kind == "pronoun" and m.key == "it"))


def _wear_items(t: list[Tok], j: int) -> tuple[list[tuple], int, bool]:
    """After 戴着/穿着 at t[j]: the garments and accessories, the index after them, and
    whether a 的 closed the phrase (then it describes the noun that follows)."""
    items: list[tuple] = []
    colour = ""
    k = j + 1
    n = len(t)
    while k < n:
        tok = t[k]
        if tok.cat == COLOUR:
            colour = tok.val
        elif tok.cat in (MATERIAL, NUM, CL, QUANT) or (tok.cat == ADJ and not tok.val):
            pass
        elif tok.cat == GARMENT:
            slot, item = tok.val
            items.append(("outfit", (slot, item, colour)))
            colour = ""
        elif tok.text in lx.ACCESSORY_NOUNS:
            items.append(("acc", lx.ACCESSORY_NOUNS[tok.text]))
            colour = ""
        elif (tok.cat == PREP and tok.val == "with") or (tok.cat == COMMA and tok.val):
            if not items:
                break
            if k + 1 < n and t[k + 1].cat == WEAR:       # 戴眼镜、背着背包的
                k += 1
        elif tok.cat == DE:
            nxt = t[k + 1] if k + 1 < n else None
            if nxt is not None and (nxt.cat in (COLOUR, GARMENT) or nxt.text in lx.ACCESSORY_NOUNS):
                k += 1
                continue
            return items, k + 1, True
        else:
            break
        k += 1
    return items, k, False


def _apply_wear(m: Mention, items: list[tuple]) -> None:
    for kind, value in items:
        if kind == "acc" and value not in m.accessories:
            m.accessories.append(value)
        elif kind == "outfit" and value not in m.outfit:
            m.outfit.append(value)


# --- clause drafts ---------------------------------------------------------------------------

@dataclass
class _Draft:
    """A predicate being read; becomes one or more Clauses at the end of the sentence."""
    link: str = "after"
    start: int = -1
    end: int = -1
    subject: Mention | None = None
    partners: list[Mention] = field(default_factory=list)
    together: bool = False
    obj: Mention | None = None
    extra_objs: list[Mention] = field(default_factory=list)
    dest: tuple[str, Mention] | None = None
    dest_floor: bool = False
    location: tuple[str, Mention] | None = None
    to_whom: Mention | None = None
    agent: Mention | None = None
    passive: bool = False
    verb: Tok | None = None
    sense: lx.VerbSense | None = None
    unknown: Tok | None = None
    state: bool = False
    items: list[Mention] = field(default_factory=list)     # what 有 introduces
    place: str = ""
    time_of_day: str = ""
    duration_s: float | None = None
    delay_s: float | None = None
    params: dict = field(default_factory=dict)
    sneak: bool = False
    neg: bool = False
    prep: str | None = None
    stature: bool = False
    relative: bool = False          # 坐在长椅上的男人: the verb describes the subject
    arrange: str = ""               # 叠在一起, 排成一排: how the things named stand

    def touch(self, tok: Tok) -> None:
        if self.start < 0:
            self.start = tok.start
        if tok.end > self.end:
            self.end = tok.end

    @property
    def post(self) -> bool:
        return self.verb is not None or self.state

    def empty(self) -> bool:
        return (self.verb is None and self.unknown is None and not self.state
                and self.subject is None and self.obj is None and not self.items
                and not self.partners)


class ZhReader:
    """Reads Chinese text into clauses, remembering across calls what a later sentence may
    lean on: whether the current subject is a person or a thing (球掉到地上。弹了起来。 is a
    bounce) and the last member of each prop family (玻璃杯 ... 杯子).  Use one reader per
    story when the story is read sentence by sentence."""

    def __init__(self):
        self.text = ""
        self.offset = 0
        self.clauses: list[Clause] = []
        self.last_kind = "person"                  # who the subjectless clauses are about
        self.family: dict[str, str] = {}           # generic prop word -> last category seen

    def read(self, text: str, offset: int = 0) -> list[Clause]:
        """The clauses of `text`, which starts at `offset` in the whole story."""
        self.text, self.offset, self.clauses = text, offset, []
        for sentence in _sentences(tokenise(text)):
            self.sentence(sentence)
        return self.clauses

    # -- mentions --

    def _mention(self, kind: str, key: str, toks: list[Tok], i0: int, j: int, **kw) -> Mention:
        start, end = toks[i0].start, toks[j].end
        return Mention(kind, key, self.text[start:end], start + self.offset, end + self.offset,
                       **kw)

    def np(self, t: list[Tok], i: int, depth: int = 0) -> _NP | None:
        """A noun phrase starting at t[i], or None when no head noun follows the modifiers."""
        n = len(t)
        j = i
        count, counted, definite, another = 1, False, None, False
        arrangement = ""
        attrs: dict = {}
        colour = material = ""
        length = age = None
        items: list[tuple] = []
        name = None
        steps = 0
        while j < n and steps < 16:
            steps += 1
            tok = t[j]
            c = tok.cat
            if c == DEM:
                definite = True
            elif c == NUM:
                count, counted = max(1, int(tok.val)), True
            elif c == QUANT:
                count, counted = tok.val, True
            elif c == CL and tok.text in lx.ARRANGE_CLASSIFIERS:   # 一排, 一摞: how they stand
                arrangement = lx.ARRANGE_CLASSIFIERS[tok.text]
                count, counted = 1, False
            elif c == CL:                                 # 一群: several; 这只: still one
                if tok.val:
                    count = max(count, tok.val) if counted and count > 1 else tok.val
                counted = counted or definite is None
            elif c == ANOTHER:
                another = True
            elif c == ADJ:
                attrs.update(tok.val)
            elif c == COLOUR:
                colour = tok.val
            elif c == MATERIAL:
                material = tok.val
            elif c == LENGTH:
                length = tok.val
            elif c == AGE:
                age = tok.val
            elif c == GARMENT:
                items.append(("outfit", (*tok.val, colour)))
                colour = ""
            elif c == WEAR:
                found, k, closed = _wear_items(t, j)
                if not (found and closed):
                    return None
                items.extend(found)
                j = k
                continue
            elif c in (NAMING, VERB) and (c == NAMING or tok.text == "叫") and j + 2 < n \
                    and t[j + 1].cat == NAME and t[j + 2].cat == DE:
                name = t[j + 1]
                j += 3
                continue
            elif c == DE and j > i:
                pass
            elif c == SKIP and tok.text in _INTENSIFIERS and j + 1 < n \
                    and t[j + 1].cat in (ADJ, COLOUR):
                pass
            elif c in HEADS:
                break
            else:
                return None
            j += 1
        if j >= n or t[j].cat not in HEADS:
            return None
        head = t[j]
        m = self._head(head, t, i, j, count if counted else 1, definite, counted, another)
        if m.kind == "person" or m.kind == "narrator" or m.kind == "pronoun":
            for k, v in attrs.items():
                setattr(m, k, v)
            if age is not None:
                m.age_years = age
            if length is not None:
                m.height_m = length
            _apply_wear(m, items)
            if name is not None:
                m.key, m.proper = name.text, True
        elif m.kind == "prop":
            m.colour = colour or m.colour
            m.material = material or m.material
            m.arrangement = arrangement
            m.counted = counted and count > 1
            m.plural = m.counted or bool(arrangement)
            if arrangement:
                m.count = count if m.counted else 1
                m.definite = m.definite and definite is not None
            if length is not None:
                m.size_m = length
        j += 1
        rel = None
        # what may follow the head: 桌子上, 桌子上的杯子, 他的朋友, 他的手
        if j < n and t[j].text == "们":                 # 孩子们: several
            if m.count == 1 and m.kind == "person":
                m.count = lx.PLURAL_SUFFIX_COUNT
            j += 1
        if j < n and t[j].cat == BODY:
            j += 1
        if j < n and t[j].cat == LOC:
            rel = t[j].val
            j += 1
            if depth == 0 and j + 1 < n and t[j].cat == DE and t[j + 1].cat in NP_START:
                inner = self.np(t, j + 1, depth + 1)
                if inner is not None and inner.mention.kind == "prop":
                    inner.mention.placement = (rel, m)
                    return inner
        elif j + 1 < n and t[j].cat == DE and m.kind in ("person", "narrator", "pronoun"):
            if t[j + 1].cat == BODY:                  # 他的手: the person
                j += 2
                if j < n and t[j].cat == LOC:
                    j += 1
            elif depth == 0 and t[j + 1].cat in NP_START:   # 他的朋友, 我的杯子
                inner = self.np(t, j + 1, depth + 1)
                if inner is not None:
                    return inner
        return _NP(m, rel, j)

    def _head(self, head: Tok, t: list[Tok], i0: int, j: int, count: int,
              definite: bool | None, counted: bool, another: bool) -> Mention:
        c = head.cat
        new = counted or another
        definite = bool(definite) if definite is not None else not new
        common = dict(count=count, definite=definite, another=another)
        if c == PERSON:
            key, sex, age = head.val
            if head.text.endswith("们") and not counted:      # 人们
                common["count"] = lx.PLURAL_SUFFIX_COUNT
            m = self._mention("person", key, t, i0, j, sex=sex, age_years=age, **common)
        elif c == NAME:
            m = self._mention("person", head.text, t, i0, j, proper=True, sex=head.val or "",
                              definite=True)
        elif c == PRON:
            kind, key = head.val
            m = self._mention(kind, key, t, i0, j, definite=True)
        elif c == SPOT:
            m = self._mention("spot", head.val, t, i0, j, definite=True)
        else:
            category, material, generic = head.val
            material = material or _PROP_MATERIAL.get(head.text, "")
            if generic and not new:
                category = self.family.get(category, category)
            m = self._mention("prop", category, t, i0, j, material=material, **common)
            fam = _FAMILY_OF.get(category)
            if fam is not None:
                self.family[fam] = category
        return m

    # -- sentences --

    def sentence(self, t: list[Tok]) -> None:
        drafts: list[_Draft] = []
        d = _Draft()
        n = len(t)
        i = 0
        last_cat = ""

        def new(link: str = "after") -> _Draft:
            nonlocal d
            if not d.empty() or d.place or d.time_of_day or d.params or d.duration_s \
                    or d.delay_s:
                drafts.append(d)
            d = _Draft(link=link)
            return d

        while i < n:
            tok = t[i]
            c = tok.cat
            if c in NP_START:
                res = self.np(t, i)
                if res is not None:
                    d = self._place(d, res, new)
                    for k in range(i, res.end):
                        d.touch(t[k])
                    i = res.end
                    last_cat = PROP
                    continue
            if c == WEAR:                                 # 一个男人戴着头盔: the subject wears
                items, k, _ = _wear_items(t, i)
                if items:
                    _apply_wear(self._described(d), items)
                k = max(k, i + 1)
                for tok in t[i:k]:
                    d.touch(tok)
                i = k
                last_cat = WEAR
                continue
            if c == VERB:
                d = self._verb(d, tok, last_cat, new)
            elif c == DIRCOMP:
                if d.verb is not None and last_cat in (VERB, DIRCOMP):
                    pass                                  # 跑了起来: part of the verb
                else:
                    sense = lx.VERBS["爬起来"] if tok.text == "起来" else lx.VERBS["走过来"]
                    d = self._verb(d, Tok(VERB, tok.start, tok.end, tok.text, sense),
                                   last_cat, new)
            elif c == PREP:
                if d.post and tok.val in ("ba", "bei", "with", "to", "use", "make", "from") \
                        and not (tok.val == "with" and d.state) \
                        and not (tok.val == "with" and d.obj is not None and i + 1 < n
                                 and t[i + 1].cat in (PROP, NUM, DEM, COLOUR, MATERIAL)):
                    d = new()
                    d.touch(tok)
                d.prep = tok.val
            elif c == LINK:
                if d.verb is None and d.subject is None and not d.state:
                    d.link = tok.val
                else:
                    d = new(tok.val)
            elif c in (WHEN, WHILE) or (c == LOC and tok.text == "边" and i + 1 < n
                                        and t[i + 1].cat == VERB):
                if d.post or d.unknown is not None:
                    d = new("with")
            elif c == LOC:
                if tok.text in _AFTER_WORDS and d.post and last_cat in (VERB, DIRCOMP, SKIP):
                    d = new("after")                      # 他坐下后
            elif c == COMMA:
                if not tok.val:                           # ， ends a phrase; 、 lists
                    d.prep = None
                if d.post or d.unknown is not None:
                    d = new()
                elif tok.val and d.subject is not None:
                    d.prep = "with"                       # 小明、小红和李雷
            elif c == PLACE:
                d.place = tok.val
                if d.prep != "at":                        # 在房间中央: still where
                    d.prep = None
                if i + 1 < n and t[i + 1].cat == LOC:
                    i += 1
            elif c == FLOOR:
                if d.post or d.prep in ("at", "dest"):
                    d.dest_floor = True
                d.prep = None
            elif c == AIR:
                d.prep = None
            elif c == ARRANGE:                            # 三个箱子叠在一起
                d.arrange = tok.val
                if tok.text.endswith("在"):               # 叠在桌子上: where they are
                    d.prep = "at"
            elif c == TIME:
                d.time_of_day = tok.val
            elif c == DUR:
                d.duration_s = tok.val
            elif c == DELAY:
                d.delay_s = tok.val
            elif c == LENGTH:
                if d.prep == "from":
                    d.params["height_m"] = tok.val
                    if i + 1 < n and t[i + 1].cat == ADJ:
                        i += 1                            # 从一米高
                elif d.stature:
                    self._described(d).height_m = tok.val
                elif d.post:
                    d.params["distance_m"] = tok.val
            elif c == AGE:                                # 他七十岁了
                self._described(d).age_years = tok.val
            elif c == ADJ:                                # 那个男人很高
                if not d.post and tok.val:
                    for k, v in tok.val.items():
                        setattr(self._described(d), k, v)
            elif c == SPEED:
                d.params["speed"] = tok.val
            elif c == DIRECTION:
                d.params["direction"] = tok.val
            elif c == HEIGHT:
                d.params["height_m"] = tok.val
                d.prep = None
            elif c == SNEAK:
                d.sneak = True
            elif c == TOGETHER:
                d.together = True
            elif c == NEG:
                d.neg = True
            elif c == BE:
                d.state = True
            elif c == STATURE:
                d.stature = True
            elif c == DE:
                if self._relative(d, t, i, drafts):
                    d.relative = True
            elif c == UNK:
                if not d.post and d.unknown is None:
                    d.unknown = tok                       # maybe a verb the lexicon lacks
                elif d.post and d.obj is None:
                    d.params.setdefault("_unknown", tok.text)   # for "no target" warnings
            if c not in (COMMA, LINK, WHEN, WHILE, QUOTE, END, LOC) or (
                    c == LOC and tok.text not in _AFTER_WORDS):
                d.touch(tok)
            if not (c in (SKIP, DE) and tok.text in ("了", "着", "过", "得")):
                last_cat = c                              # 站了起来: 了 keeps the verb last
            i += 1
        new()
        self._emit(drafts)

    @staticmethod
    def _described(d: _Draft) -> Mention:
        """Who a description after the noun is about: the subject when it is a person noun;
        otherwise (他, or no subject) the builder applies it to whoever the subject is."""
        if d.subject is not None and d.subject.kind in ("person", "narrator"):
            return d.subject
        probe = d.params.get("_traits")
        if probe is None:
            probe = d.params["_traits"] = Mention("person", "x", "")
        return probe

    def _relative(self, d: _Draft, t: list[Tok], i: int, drafts: list[_Draft]) -> bool:
        """坐在长椅上的男人站了起来: a verb before 的 + a person describes that person."""
        return (d.verb is not None and d.subject is None and not drafts and not d.relative
                and i + 1 < len(t) and t[i + 1].cat in NP_START)

    def _place(self, d: _Draft, res: _NP, new) -> _Draft:
        """Give a noun phrase its role in the clause being read."""
        m, rel = res.mention, res.rel
        prep, d.prep = d.prep, None
        if d.relative:                               # the person the verb described
            d.relative = False
            if _is_person(m):
                d.subject = m
                d = new(d.link)
                d.subject = _again(m)
                return d
        if prep == "ba":
            if d.obj is None:
                d.obj = m
            else:
                d.extra_objs.append(m)
        elif prep == "bei":
            d.agent, d.passive = m, True
        elif prep == "make":
            if _is_person(m):                            # 让孩子坐下: the child sits
                d.subject = m
        elif prep == "with":
            if d.post and d.obj is not None and _is_thing(m):
                d.extra_objs.append(m)
            elif d.state:
                if m.kind != "spot":
                    d.items.append(m)
            elif m.kind != "spot":
                d.partners.append(m)
        elif prep in ("to", "give"):
            if d.post and d.sense is not None and d.dest is None:
                d.dest = (rel or "to", m)
            else:
                d.to_whom = m
        elif prep == "at":
            if d.post:
                if d.obj is None and d.sense is not None and d.sense.person in (
                        "punch", "kick", "push", "kiss") and _is_person(m):
                    d.obj = m                        # 打在他脸上
                else:
                    d.dest = (rel or "at", m)
            else:
                d.location = (rel or "at", m)
        elif prep == "dest":
            d.dest = (rel or "to", m)
        elif prep == "from":
            if _is_thing(m) or m.kind == "spot":
                d.params["_source"] = m                  # 从桌子上掉下来: it was on the table
        elif prep == "use":
            pass
        elif not d.post:
            if (rel is not None and not _is_person(m)) or m.kind == "spot":
                d.location = (rel or "at", m)        # 桌子上有..., 门口站着一个人
            elif d.subject is None:
                d.subject = m
            elif d.obj is None:
                d.obj = m
        elif d.state:
            if m.kind == "spot":
                d.location = d.location or (rel or "at", m)
            else:
                d.items.append(m)
        elif _is_person(m) and d.subject is None and d.location is not None \
                and d.obj is None and d.dest is None:
            d.subject = m                            # 门口站着一个人: who is there
        elif _is_person(m) and (d.obj is not None or d.dest is not None or d.dest_floor):
            d = new()                                # 他拿起杯子她笑了: a new subject
            d.subject = m
        elif d.sense is not None and d.sense.post == "dest" and d.dest is None \
                and not d.dest_floor:
            d.dest = (rel or d.sense.rel, m)
        elif d.obj is None:
            d.obj = m
        else:
            d.extra_objs.append(m)
        return d

    def _verb(self, d: _Draft, tok: Tok, last_cat: str, new) -> _Draft:
        sense: lx.VerbSense = tok.val
        if sense.have:
            if d.verb is not None:
                d = new()
            d.state = True
            d.touch(tok)
            return d
        if d.state and d.items and d.verb is None:        # 有一个男人站在门口
            d.subject = d.items.pop()
            d.items.clear()
            d.state = False
            d.subject.placement = None
        elif d.state and d.verb is None and not d.items:  # 是 ... (ignored copula)
            d.state = False
        if d.verb is None:
            if d.prep == "bei":                           # 他被打倒了: no agent named
                d.passive = True
            d.verb, d.sense, d.prep = tok, sense, None
            d.unknown = None
            return d
        prev = d.verb.text
        if last_cat in (VERB, DIRCOMP) and (tok.text == prev or prev.startswith(tok.text)
                                             or tok.text.startswith(prev[0])):
            d.touch(tok)                                 # 看了看, 跳舞跳了: one action
            return d
        if d.sense and d.sense.person == "look_at" == sense.person and last_cat == VERB:
            d.verb = Tok(VERB, d.verb.start, tok.end, prev + tok.text, d.sense)
            return d                                     # 转头看着: one look
        link = "with" if prev.endswith("着") else "after"
        d = new(link)
        d.verb, d.sense = tok, sense
        d.touch(tok)
        return d

    # -- clauses --

    def _emit(self, drafts: list[_Draft]) -> None:
        merged: list[_Draft] = []
        for d in drafts:
            if merged and d.empty() and not d.place and not d.time_of_day:
                p = merged[-1]
                p.params.update(d.params)
                p.duration_s = d.duration_s if d.duration_s is not None else p.duration_s
                p.delay_s = d.delay_s if d.delay_s is not None else p.delay_s
                if d.end > p.end:
                    p.end = d.end
                continue
            merged.append(d)
        last_obj: Mention | None = None
        for d in merged:
            for clause in self._clauses(d, last_obj):
                if clause.obj is not None and _is_thing(clause.obj):
                    last_obj = clause.obj
                self.clauses.append(clause)

    def _clause(self, d: _Draft, **kw) -> Clause:
        start, end = max(d.start, 0), max(d.end, d.start, 0)
        c = Clause(start + self.offset, end + self.offset, self.text[start:end], link=d.link,
                   duration_s=d.duration_s, delay_s=d.delay_s, params=dict(d.params),
                   place=d.place, time_of_day=d.time_of_day)
        for k, v in kw.items():
            setattr(c, k, v)
        return c

    def _clauses(self, d: _Draft, last_obj: Mention | None) -> list[Clause]:
        if d.neg and (d.verb is not None or d.state):
            return []
        subject = d.subject
        obj = d.obj
        if d.passive and d.agent is not None and d.agent.kind != "spot":
            subject, obj = d.agent, subject
        # a state: 桌子上有一个杯子, 一个杯子在桌子上, 一个男人戴着帽子
        if d.state or (d.verb is None and d.unknown is None):
            return self._state(d, subject)
        if subject is not None:
            kind = "prop" if _is_thing(subject) else "person"
        else:
            kind = self.last_kind
        verb_text = d.verb.text if d.verb is not None else d.unknown.text
        action = None
        sense = d.sense
        then_falls = False
        obj_event = None
        if sense is not None:
            then_falls = sense.then_falls
            if kind == "prop":
                action = sense.prop
                if action is None and sense.person in ("put_down", "sit", "stand", "lie_down"):
                    return self._state(d, subject, placement=d.dest or d.location)
            else:
                action = sense.person
                if _is_person(obj) and sense.with_person:
                    action = sense.with_person
                elif _is_thing(obj) and sense.with_prop:
                    action = sense.with_prop
                    obj_event = sense.obj_event
            if d.passive and d.agent is None:            # 他被打倒了, 杯子被打碎了
                if then_falls:
                    action = "fall" if kind == "person" else "topple"
                    then_falls = False
                elif kind != "prop":
                    action, verb_text = None, "被" + verb_text
        if d.sneak and action == "walk":
            action = "sneak"
        locomotion = action is not None and ACTIONS[action].locomotion
        dest = None if d.dest_floor else d.dest
        if dest is None and not d.dest_floor:
            if d.to_whom is not None and (locomotion or action == "throw" and obj is not None):
                dest = ("to", d.to_whom)
            elif d.location is not None:
                dest = d.location
        if obj is None and d.to_whom is not None and not locomotion:
            obj = d.to_whom
        params = {**(sense.params if sense else {}), **d.params}
        partners = list(d.partners)
        if partners and obj is None and (action in ("hug", "handshake", "kiss", "talk") or (
                action in ("punch", "push", "pull", "kick") and not d.together)):
            obj = partners.pop(0)
        if obj is None and action is not None and ACTIONS[action].needs_target \
                and not ACTIONS[action].two_actor and last_obj is not None:
            obj = _again(last_obj)                       # 拿起杯子，放在桌子上
        base = dict(action=action, verb=verb_text, obj=obj, dest=dest, then_falls=then_falls)
        base["params"] = params
        if subject is not None:
            self.last_kind = "prop" if _is_thing(subject) else "person"
        subjects = [subject]
        if partners and subject is not None:          # 小明和小红跑向门口: a group
            members = [subject, *partners]
            start = min(m.start for m in members)
            end = max(m.end for m in members)
            text = self.text[start - self.offset:end - self.offset]
            subjects = [Mention("group", "group", text, start, end, members=members,
                                count=len(members), definite=True)]
        elif partners:                                 # 和她一起跑: she runs too
            subjects = [None, *partners]
        out = []
        for k, s in enumerate(subjects):
            c = self._clause(d, subject=s, **base)
            if k:                                         # the others do it at the same time
                c.link = "with"
                c.obj = _again(obj) if obj is not None else None
                c.dest = (dest[0], _again(dest[1])) if dest is not None else None
            out.append(c)
        for extra in d.extra_objs:                        # 拿起杯子和盘子
            out.append(self._clause(d, **{**base, "obj": extra, "params": dict(params)}))
        if then_falls and _is_thing(obj) and action != "topple":
            obj_event = "topple"                          # 推倒了椅子: the chair goes over
        if obj_event and obj is not None:                 # 打碎了花瓶: the vase breaks
            event = _again(obj)
            out.append(self._clause(d, subject=event, action=obj_event, verb=verb_text,
                                    params={}))
        return out

    def _state(self, d: _Draft, subject: Mention | None,
               placement: tuple[str, Mention] | None = None) -> list[Clause]:
        where = placement or d.location
        if where is not None and where[0] == "to":
            where = ("on", where[1])
        things = list(d.items) or ([subject] if subject is not None else [])
        for m in things:
            if d.arrange and m is not None and m.kind == "prop":
                m.arrangement = d.arrange
        if not things and "_traits" in d.params:        # 他戴着帽子: about whoever he is
            things = [None]
        out = []
        for m in things:
            if m is None:
                out.append(self._clause(d, state=True))
                continue
            if d.items and m.count == 1 and not m.another and m.text and \
                    m.text[0] not in "这那":
                m.definite = False
            if where is not None and m.placement is None and where[1] is not m:
                m.placement = where
            out.append(self._clause(d, subject=m, state=True))
        if not out and (d.place or d.time_of_day):
            out.append(self._clause(d, state=True))
        return out


def _again(m: Mention) -> Mention:
    """The same thing named again: a definite copy (it was introduced already)."""
    again = copy.copy(m)
    again.definite, again.another, again.placement = True, False, None
    again.accessories, again.outfit = list(m.accessories), list(m.outfit)
    return again


def _sentences(toks: list[Tok]):
    start = 0
    for k, tok in enumerate(toks):
        if tok.cat == END:
            if k > start:
                yield toks[start:k]
            start = k + 1
    if start < len(toks):
        yield toks[start:]


def read_zh(text: str, offset: int = 0) -> list[Clause]:
    """Read simplified-Chinese text into clauses, in story order; `offset` is where `text`
    starts in the whole story (every position in the result counts from the story's start).
    Reading a story in parts loses what one part says about the next: use one `ZhReader`."""
    return ZhReader().read(text, offset)
