"""English reader: sentences to `Clause`s with a small cursor grammar over a lexicon.

Stories typed into a story-to-animation tool are short declarative sentences ("An old man
walks to the bench and sits down.  Then he waves at Anna."), so a subject–verb–arguments
grammar with phrasal verbs, light verbs ("gives her a hug") and participial modifiers ("a man
wearing a helmet") covers them without a statistical model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon_en as L
from .clauses import Clause, Mention
from .vocabulary import ACTIONS

PROP_ONLY = {name for name, a in ACTIONS.items() if not a.character}

_TOKEN = re.compile(r"\d+(?:\.\d+)?|[A-Za-z\u00C0-\u024F]+(?:[-'][A-Za-z]+)*|[,;:]")
_SENTENCE_END = re.compile(r"(?<!\d)[.!?]+(?!\d)|[;:\n\u2026]+")
_BOUNDARY = {",", ";", ":", "and", "then", "but", "so", "while", "whilst", "as", "before",
             "after", "when", "until", "meanwhile", "afterwards", "afterward", "next",
             "finally", "later", "where", "because", "which"}
_COMMON = (set(L.VERB_FORMS) | set(L.PERSONS) | set(L.PROPS) | set(L.PLACES) | set(L.SPOTS)
           | set(L.DETERMINERS) | set(L.PRONOUNS) | set(L.RELATIONS) | set(L.SKIP_WORDS)
           | _BOUNDARY | set(L.NUMBERS) | set(L.TIMES_OF_DAY) | set(L.COLOURS)
           | set(L.AGE_WORDS) | set(L.BUILD_WORDS) | set(L.HEIGHT_WORDS) | set(L.SPEED_WORDS)
           | set(L.PLURAL_PERSONS) | set(L.ACCESSORY_WORDS) | set(L.GARMENTS)
           | {"there", "here", "who", "what", "once", "upon", "time", "suddenly", "in", "on",
              "after", "with", "now", "today", "yesterday", "story", "scene", "end", "the"})


@dataclass
class Tok:
    text: str
    low: str
    start: int
    end: int


def sentences(text: str):
    """Yield (start, end) of each sentence."""
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            yield pos, m.start()
        pos = m.end()
    if pos < len(text):
        yield pos, len(text)


def read_en(text: str, offset: int = 0) -> list[Clause]:
    """Clauses of every sentence in `text`; positions are offset into the whole story."""
    out: list[Clause] = []
    for s, e in sentences(text):
        toks = [Tok(m.group(), m.group().lower(), m.start() + offset, m.end() + offset)
                for m in _TOKEN.finditer(text, s, e)]
        if toks:
            out.extend(_Sentence(toks, text, offset).clauses())
    return out


def _singular(word: str) -> str:
    """'dresses' -> 'dress', 'hats' -> 'hat'; words that are always plural stay."""
    if word in L.GARMENTS or word in L.ACCESSORY_WORDS or not word.endswith("s"):
        return word
    if word.endswith(("sses", "shes", "ches")):
        return word[:-2]
    return word[:-1]


def _number(low: str) -> float | None:
    if low in L.NUMBERS:
        return float(L.NUMBERS[low])
    try:
        return float(low)
    except ValueError:
        return None


class _Sentence:
    """Cursor over one sentence's tokens."""

    def __init__(self, toks: list[Tok], text: str, offset: int):
        self.t = toks
        self.text = text
        self.offset = offset
        self.i = 0
        self.lemma = ""

    # -- helpers ---------------------------------------------------------------------------
    def low(self, k: int = 0) -> str:
        j = self.i + k
        return self.t[j].low if 0 <= j < len(self.t) else ""

    def span_text(self, a: int, b: int) -> str:
        return self.text[self.t[a].start - self.offset:self.t[b - 1].end - self.offset]

    def verb_at(self, j: int) -> str | None:
        if not 0 <= j < len(self.t):
            return None
        low = self.t[j].low
        if low.endswith("'s"):
            return None
        return L.VERB_FORMS.get(low)

    # -- noun phrases ----------------------------------------------------------------------
    def noun_phrase(self, j: int, allow_post: bool = True) -> tuple[Mention, int] | None:
        """Parse a noun phrase at token j; returns the mention and the index after it."""
        t = self.t
        n = len(t)
        if j >= n:
            return None
        start = j
        low = t[j].low
        if low in L.PRONOUNS:
            key = L.PRONOUNS[low]
            if key == "I":
                return Mention("narrator", "I", t[j].text, t[j].start, t[j].end), j + 1
            if low == "her" and j + 1 < n and self._noun_ahead(j + 1):
                pass                      # "her bag": possessive determiner, parse on
            else:
                return Mention("pronoun", key, t[j].text, t[j].start, t[j].end), j + 1
        if low.endswith("'s") and j + 1 < n and t[j + 1].low in L.BODY_PARTS:
            # "to Tom's feet": Tom
            name = t[j].text[:-2]
            return Mention("person", name, name, t[j].start, t[j].end - 2,
                           proper=name.lower() not in L.PERSONS,
                           sex=L.NAMES.get(name.lower(), "")), j + 2
        m = Mention("", "", "")
        count = 1
        while j < n and (t[j].low in L.DETERMINERS or _number(t[j].low) is not None):
            w = t[j].low
            if w in L.DEFINITE:
                m.definite = True
            if w == "another":
                m.another = True
            num = _number(w)
            if num is not None and w not in ("a", "an"):
                if j + 1 < n and t[j + 1].low in ("-year-old", "year-old", "years"):
                    break
                count = int(num) if num >= 1 else 1
            j += 1
        # "a row of ten dominoes", "a tall stack of boxes": the things, arranged
        k = j + 1 if j + 2 < n and t[j + 1].low in L.ARRANGEMENT_NOUNS else j
        if k + 1 < n and t[k].low in L.ARRANGEMENT_NOUNS and t[k + 1].low == "of":
            inner = self.noun_phrase(k + 2, allow_post)
            if inner is not None and inner[0].kind == "prop":
                thing, j = inner
                thing.arrangement = L.ARRANGEMENT_NOUNS[t[k].low]
                thing.definite = m.definite or thing.definite
                thing.another = m.another or thing.another
                thing.plural = True
                thing.start, thing.text = t[start].start, self.span_text(start, j)
                return thing, j
        # adjectives and modifiers before the head noun
        adjs: list[str] = []
        while j < n:
            w = t[j].low
            if re.fullmatch(r"\d+-year-old|[a-z]+-year-old", w):
                age = _number(w.split("-")[0])
                m.age_years = age
                j += 1
                continue
            if (_number(w) is not None and j + 2 < n and t[j + 1].low in ("year", "years")
                    and t[j + 2].low in ("old", "-old")):
                m.age_years = _number(w)
                j += 3
                continue
            if w in (",", "and") and adjs and j + 1 < n and (
                    t[j + 1].low in L.HEIGHT_WORDS or t[j + 1].low in L.BUILD_WORDS
                    or t[j + 1].low in L.AGE_WORDS):
                j += 1                    # "a short, heavy man"
                continue
            if w in L.HEIGHT_WORDS or w in L.BUILD_WORDS or w in L.AGE_WORDS \
                    or w in L.COLOURS or w in L.MATERIALS or w in ("very", "rather", "quite"):
                nxt = t[j + 1].low if j + 1 < n else ""
                if (w, nxt) in L.PROP_COMPOUNDS or (
                        self._head_at(j) is not None and not self._head_at(j + 1)):
                    break                 # "glass" in "a glass" is the head, not a material
                adjs.append(w)
                j += 1
                continue
            break
        head = self._head_at(j)
        if head is None:
            # unknown adjectives before a known head: "a shiny red ball"
            k = j
            while k < n and k < j + 3 and t[k].low.isalpha() and t[k].low not in _BOUNDARY \
                    and self.verb_at(k) is None and t[k].low not in L.RELATIONS:
                k += 1
                head = self._head_at(k)
                if head is not None:
                    adjs.extend(x.low for x in t[j:k])
                    j = k
                    break
        if head is None:
            return None
        kind, key, width, plural = head
        j += width
        m.kind, m.key = kind, key
        m.count = max(count, 2 if plural and count == 1 else count)
        m.counted, m.plural = count > 1, plural or count > 1
        m.proper = kind == "person" and key not in L.PERSONS
        if m.proper:
            m.sex = L.NAMES.get(key.lower(), "")
        elif kind == "person":
            m.sex = L.PERSONS[key][0]
        self._apply_adjectives(m, adjs)
        if allow_post:
            j = self._post_modifiers(m, j)
        m.start, m.end = t[start].start, t[j - 1].end
        m.text = self.span_text(start, j)
        # "Tom, a tall young man in a blue jacket, walks": the description is Tom's
        if allow_post and kind == "person" and j + 1 < n and t[j].low == "," \
                and t[j + 1].low in ("a", "an"):
            desc = self.noun_phrase(j + 1)
            if desc and desc[0].kind == "person" and not desc[0].proper \
                    and (desc[1] == n or t[desc[1]].low == ","):
                d = desc[0]
                m.sex = m.sex or d.sex
                m.age_years = d.age_years if d.age_years is not None else m.age_years
                m.height_word, m.build = d.height_word or m.height_word, d.build or m.build
                m.accessories += d.accessories
                m.outfit += d.outfit
                m.end = t[desc[1] - 1].end
                m.text = self.span_text(start, desc[1])
                j = min(n, desc[1] + 1)
        # "a man, a girl and a woman wave": a list subject
        if allow_post and j + 1 < n and t[j].low == "," and kind in ("person", "narrator"):
            other = self.noun_phrase(j + 1)
            if other and other[0].kind == "group" and self.verb_at(other[1]) is not None:
                members = [m] + other[0].members
                return Mention("group", "group", self.span_text(start, other[1]),
                               t[start].start, t[other[1] - 1].end, members=members,
                               count=len(members)), other[1]
        # "Tom and Anna", "a man and a woman": a group subject
        k = j + 1 if j + 1 < n and t[j].low == "," and t[j + 1].low == "and" else j
        if allow_post and k + 1 < n and t[k].low == "and" and kind in ("person", "narrator"):
            j = k
            other = self.noun_phrase(j + 1)
            if other and other[0].kind in ("person", "narrator", "group") \
                    and self.verb_at(other[1]) is not None or (
                    other and other[0].kind in ("person", "narrator")
                    and self._is_verb_ahead(other[1])):
                members = [m] + (other[0].members or [other[0]])
                g = Mention("group", "group", self.span_text(start, other[1]),
                            t[start].start, t[other[1] - 1].end, members=members,
                            count=len(members))
                return g, other[1]
        return m, j

    def _noun_ahead(self, j: int) -> bool:
        for k in range(j, min(j + 3, len(self.t))):
            if self._head_at(k) or self.t[k].low in L.BODY_PARTS:
                return True
        return False

    def _head_at(self, j: int):
        """(kind, key, width, plural) of a head noun at j, or None."""
        t = self.t
        if j >= len(t):
            return None
        w = t[j].low
        nxt = t[j + 1].low if j + 1 < len(t) else ""
        if (w, nxt) in L.PROP_COMPOUNDS:
            return "prop", L.PROP_COMPOUNDS[(w, nxt)], 2, False
        if (w, nxt) in L.PLACE_COMPOUNDS:
            return "place", L.PLACE_COMPOUNDS[(w, nxt)], 2, False
        if w.endswith("'s") and w[:-2] in L.NAMES:
            return None
        if w in L.PERSONS:
            return "person", w, 1, False
        if w in L.PLURAL_PERSONS:
            return "person", L.PLURAL_PERSONS[w], 1, True
        if w in L.PROPS:
            return "prop", L.PROPS[w], 1, False
        if w in L.PROP_PLURALS:
            return "prop", L.PROP_PLURALS[w], 1, True
        if w in L.PLACES:
            return "place", L.PLACES[w], 1, False
        if w in L.SPOTS:
            return "spot", L.SPOTS[w], 1, False
        if w in L.ACCESSORY_WORDS:
            return "accessory", L.ACCESSORY_WORDS[w], 1, False
        if w in L.NAMES or (t[j].text[:1].isupper() and w not in _COMMON and w.isalpha()):
            return "person", t[j].text, 1, False
        return None

    def _apply_adjectives(self, m: Mention, adjs: list[str]):
        for w in adjs:
            if w in L.HEIGHT_WORDS and m.kind == "person":
                if w == "small" and m.key in ("child", "kid", "boy", "girl"):
                    m.age_years = 6
                else:
                    m.height_word = L.HEIGHT_WORDS[w]
            elif w in L.AGE_WORDS and m.kind == "person":
                age = L.AGE_WORDS[w]
                if w == "little" and m.key not in ("boy", "girl", "child", "kid"):
                    m.height_word = "short"
                elif w == "young" and m.key in ("boy", "girl", "child", "kid"):
                    m.age_years = 7
                else:
                    m.age_years = age
            elif w in L.BUILD_WORDS and m.kind == "person":
                m.build = L.BUILD_WORDS[w]
            elif w in L.MATERIALS and m.kind == "prop":
                m.material = L.MATERIALS[w]
            elif w in L.COLOURS and L.COLOURS[w]:
                m.colour = L.COLOURS[w]
        if m.kind == "prop" and m.key == "glass" and not m.material:
            m.material = "glass"

    def _post_modifiers(self, m: Mention, j: int) -> int:
        """Consume what follows the head noun and describes it; returns the new index."""
        t = self.t
        n = len(t)
        while j < n:
            w = t[j].low
            if m.kind == "person" and w in ("named", "called") and j + 1 < n:
                m.key, m.proper = t[j + 1].text, True
                j += 2
                continue
            if m.kind == "person" and w in ("wearing", "in", "with", "dressed", "carrying",
                                            "holding", "who", "aged", "of"):
                k = self._describe_person(m, j)
                if k > j:
                    j = k
                    continue
            if m.kind == "prop":
                k = self._arranged(m, j)
                if k > j:
                    j = k
                    continue
            if m.kind == "prop" and w in ("on", "under", "next", "beside", "near", "in",
                                          "by", "behind") and self.verb_at(j - 1) is None:
                k = self._placement(m, j)
                if k > j:
                    j = k
                    continue
            if m.kind == "prop" and w == "of" and j + 1 < n:
                whole = self.noun_phrase(j + 1, allow_post=False)
                if whole is not None and whole[0].kind == "prop" and whole[0].key == m.key:
                    # "the first domino of a row of ten dominoes": one of those, so those
                    w_m, j = whole
                    m.count, m.counted, m.plural = w_m.count, w_m.counted, True
                    m.arrangement = w_m.arrangement or m.arrangement
                    continue
                # "a glass of water", "a box of books": the container is the head
                k = j + 1
                while k < n and k < j + 3 and self.verb_at(k) is None \
                        and t[k].low not in _BOUNDARY:
                    k += 1
                    if k >= n or self._head_at(k - 1) is None:
                        continue
                j = k
                continue
            break
        return j

    def _arranged(self, m: Mention, j: int) -> int:
        """'stacked (up) (on the table)', 'lined up', 'in a row', 'on top of each other':
        how the counted things stand; returns the index after the words (j when none)."""
        t = self.t
        n = len(t)
        w = t[j].low if j < n else ""
        if w in ("standing", "set", "arranged", "placed", "sitting", "lying") \
                and self._arranged(m, j + 1) > j + 1:
            return self._arranged(m, j + 1)           # "standing in a row"
        if w in L.ARRANGED_WORDS:
            m.arrangement = L.ARRANGED_WORDS[w]
            k = j + 1
            while k < n and t[k].low in ("up", "together", "neatly", "high"):
                k += 1
            k = max(k, self._arranged(m, k))
            if k < n and t[k].low in L.RELATIONS and t[k].low not in ("to", "for", "of"):
                k = max(k, self._placement(m, k))
            return k
        for words, how in L.ARRANGED_PHRASES.items():
            if tuple(x.low for x in t[j:j + len(words)]) == words:
                m.arrangement = how
                return j + len(words)
        return j

    def _describe_person(self, m: Mention, j: int, intro: str = "") -> int:
        """'wearing a red helmet', 'in a blue jacket', 'with glasses', 'aged 70'; `intro`
        stands for the word at j when a finite verb introduced the description."""
        t = self.t
        n = len(t)
        w = intro or t[j].low
        if w == "aged" and j + 1 < n and _number(t[j + 1].low):
            m.age_years = _number(t[j + 1].low)
            return j + 2
        if w == "of" and j + 1 < n and _number(t[j + 1].low) and _number(t[j + 1].low) > 1:
            m.age_years = _number(t[j + 1].low)
            return j + 2
        k = j + 1
        if w == "who":
            while k < n and t[k].low in L.AUXILIARIES | {"always"}:
                k += 1
            if k < n and self.verb_at(k) in ("wear", "have", "carry", "hold"):
                k += 1
            else:
                return j
        elif w == "dressed":
            if k < n and t[k].low == "in":
                k += 1
        elif w in ("carrying", "holding"):
            # only a modifier when a finite verb follows the object: "a woman carrying a bag
            # walks..."; otherwise it is the clause's own verb ("she is carrying a bag")
            end = self._items_end(k)
            if end >= n or not self._is_verb_ahead(end):
                return j
        found = False
        while k < n:
            k0 = k
            colour = ""
            while k < n and (t[k].low in L.DETERMINERS or t[k].low in L.COLOURS
                             or t[k].low in L.MATERIALS or t[k].low in ("pair", "of", "new",
                                                                       "big", "old", "dark",
                                                                       "light", "bright")):
                if t[k].low in L.COLOURS and L.COLOURS[t[k].low]:
                    colour = L.COLOURS[t[k].low]
                k += 1
            if k + 1 < n and t[k].low not in _COMMON and t[k].low.isalpha() and (
                    _singular(t[k + 1].low) in L.ACCESSORY_WORDS
                    or _singular(t[k + 1].low) in L.GARMENTS):
                k += 1                    # "a cowboy hat", "a tweed jacket"
            word = _singular(t[k].low) if k < n else ""
            if k < n and word in L.ACCESSORY_WORDS and not (
                    t[k].low == "bag" and w not in ("carrying", "with", "wearing")):
                m.accessories.append(L.ACCESSORY_WORDS[word])
                k += 1
                found = True
            elif k < n and word in L.GARMENTS:
                m.outfit.append((L.GARMENTS[word], word, colour))
                k += 1
                found = True
            elif colour and k < n and t[k].low.isalpha() and t[k].low not in _COMMON:
                m.outfit.append(("top", t[k].low, colour))     # "in a mauve poncho"
                k += 1
                found = True
            elif colour and w in ("in", "dressed"):
                m.outfit.append(("top", "clothes", colour))
                found = True
            elif w in ("carrying", "holding") and k < n and self._head_at(k) \
                    and self._head_at(k)[0] == "prop":
                m.accessories.append(self._head_at(k)[1])
                k += self._head_at(k)[2]
                found = True
            else:
                k = k0
                break
            if k < n and t[k].low in ("and", ",") and k + 1 < n and (
                    t[k + 1].low in L.DETERMINERS or t[k + 1].low in L.COLOURS
                    or t[k + 1].low in L.ACCESSORY_WORDS or t[k + 1].low in L.GARMENTS) \
                    and not self._is_verb_ahead(k + 1):
                k += 1
                continue
            break
        return k if found else j

    def _items_end(self, k: int) -> int:
        t = self.t
        while k < len(t) and self.verb_at(k) is None and t[k].low not in _BOUNDARY:
            k += 1
        return k

    def _is_verb_ahead(self, k: int) -> bool:
        t = self.t
        while k < len(t) and (t[k].low in L.AUXILIARIES or t[k].low in L.SKIP_WORDS
                              or t[k].low in L.SPEED_WORDS):
            k += 1
        return self.verb_at(k) is not None

    def _placement(self, m: Mention, j: int) -> int:
        rel, k = self._relation(j)
        if rel is None:
            return j
        np = self.noun_phrase(k, allow_post=False)
        if np and np[0].kind in ("prop", "spot", "person", "narrator", "pronoun"):
            m.placement = (rel, np[0])
            return np[1]
        return j

    def _relation(self, j: int) -> tuple[str | None, int]:
        t = self.t
        w = t[j].low if j < len(t) else ""
        two = " ".join(x.low for x in t[j:j + 2])
        three = " ".join(x.low for x in t[j:j + 3])
        if three in ("in front of", "on top of", "next to the", "close to the"):
            if three.endswith("the"):
                return "next_to", j + 2
            return ("in_front_of" if three == "in front of" else "on"), j + 3
        if two in ("next to", "close to", "up to", "over to", "back to", "out of",
                   "away from", "down to", "across to", "round to", "around to"):
            rel = {"next to": "next_to", "close to": "near", "out of": "from",
                   "away from": "from"}.get(two, "to")
            return rel, j + 2
        if w in L.RELATIONS:
            return L.RELATIONS[w], j + 1
        return None, j

    # -- clauses ---------------------------------------------------------------------------
    def clauses(self) -> list[Clause]:
        out: list[Clause] = []
        pending = Clause(0, 0, "")        # adverbials seen before the verb
        n = len(self.t)
        while self.i < n:
            before = self.i
            c = self._clause(pending)
            if c is not None:
                out.append(c)
                pending = Clause(0, 0, "")
            if self.i == before:
                self.i += 1
        return out

    def _lead(self, c: Clause):
        """Connectors and adverbials before a subject: timing, place, time of day."""
        t = self.t
        n = len(t)
        while self.i < n:
            w = self.low()
            two = f"{w} {self.low(1)}"
            if two in ("at the", "at a") and self.low(2) in ("same", "time"):
                c.link = "with"
                self.i += 4 if self.low(2) == "same" else 3
            elif two == "after that" or two == "after this" or two == "and then":
                c.link = "after"
                self.i += 2
            elif w in L.WITH_WORDS:
                c.link = "with"
                self.i += 1
            elif w in L.AFTER_WORDS or w in (",", "and", "but", "so", ";", "before", "once",
                                            "when", "suddenly", "soon", "first"):
                self.i += 1
            elif w in ("a", "an", "one") and self.low(1) in L.TIMES_OF_DAY \
                    and self.verb_at(self.i + 2) is None:
                c.time_of_day = L.TIMES_OF_DAY[self.low(1)]
                self.i += 2
            elif self._timing(c):
                pass
            elif w in ("in", "at", "on", "inside", "outside", "during", "by", "near"):
                if not self._adverbial(c):
                    break
            elif w in L.SPEED_WORDS:
                c.params["speed"] = L.SPEED_WORDS[w]
                self.i += 1
            elif w in ("once", "upon", "time", "there", "here", "now", "today") and \
                    self.verb_at(self.i + 1) not in ("be",):
                self.i += 1
            else:
                break

    def _adverbial(self, c: Clause) -> bool:
        """'in the park', 'at dusk', 'on the stage' as a place or time for the clause."""
        t = self.t
        rel, k = self._relation(self.i)
        if rel is None:
            return False
        j = k
        while j < len(t) and (t[j].low in L.DETERMINERS or t[j].low in ("middle", "centre",
                                                                       "center", "of", "late",
                                                                       "early", "quiet",
                                                                       "busy", "small",
                                                                       "big", "sunny",
                                                                       "city", "local")):
            j += 1
        if j < len(t) and t[j].low in L.TIMES_OF_DAY:
            c.time_of_day = L.TIMES_OF_DAY[t[j].low]
            self.i = j + 1
            return True
        head = self._head_at(j)
        if head and head[0] == "place":
            c.place = head[1]
            self.i = j + head[2]
            return True
        return False

    def _timing(self, c: Clause) -> bool:
        """'for three seconds', 'two seconds later', 'at 5 seconds', 'after 3 seconds'."""
        t = self.t
        w, n = self.low(), len(t)
        if w == "for" and self.low(1) in ("a", "an") and self.low(2) in ("while", "bit"):
            c.duration_s = 4.0 if self.low(2) == "while" else 2.0
            self.i += 3
            return True
        if w == "for" and self.low(1) == "a" and self.low(2) == "long" \
                and self.low(3) == "time":
            c.duration_s = 10.0
            self.i += 4
            return True
        if w == "for" and self.low(1) == "a" and self.low(2) == "moment":
            c.duration_s = 1.5
            self.i += 3
            return True
        if w in ("for", "after", "at") or _number(w) is not None:
            k = self.i + (0 if _number(w) is not None else 1)
            if k < n and self.t[k].low in ("about", "around", "nearly", "almost", "the"):
                k += 1
            qty = _number(t[k].low) if k < n else None
            if qty is None or k + 1 >= n:
                return False
            if t[k + 1].low == "and" and k + 3 < n and t[k + 2].low == "a" \
                    and t[k + 3].low == "half":
                qty += 0.5
                k += 3
            if t[k].low in ("a", "an") and t[k + 1].low in ("few", "couple"):
                qty = 3.0
                k += 1
                if k + 1 < n and t[k + 1].low == "of":
                    k += 1
            unit = L.TIME_UNITS.get(t[k + 1].low)
            if unit is None:
                return False
            secs = qty * unit
            end = k + 2
            if w == "for":
                c.duration_s = secs
            elif w == "at":
                c.start_s = secs
            elif w == "after" or (end < n and t[end].low in ("later", "afterwards", "after")):
                c.delay_s = secs
                if end < n and t[end].low in ("later", "afterwards", "after"):
                    end += 1
            else:
                if end < n and t[end].low in ("long",):
                    end += 1
                c.duration_s = secs
            self.i = end
            return True
        return False

    def _clause(self, c: Clause) -> Clause | None:
        t = self.t
        n = len(t)
        self._lead(c)
        if self.i >= n:
            return None
        first = self.i
        # "There is a cup on the table." / "There are two chairs."
        if self.low() == "there" and self.verb_at(self.i + 1) == "be":
            self.i += 2
            np = self.noun_phrase(self.i)
            if np:
                c.subject, self.i = np
                c.state = True
                self._arguments(c)
                return self._finish(c, first)
            return None
        subj = None
        np = self.noun_phrase(self.i)
        if np is None and self.low() in ("a", "an", "the") and self.i + 2 < n \
                and t[self.i + 1].low.isalpha() and t[self.i + 1].low not in _COMMON \
                and self.verb_at(self.i + 2) not in (None, "be") \
                and L.VERBS.get(self.verb_at(self.i + 2)) not in PROP_ONLY:
            w = t[self.i + 1]
            np = Mention("person", w.low, self.span_text(self.i, self.i + 2), t[self.i].start,
                         w.end, definite=self.low() == "the"), self.i + 2
        if np and np[0].kind in ("person", "narrator", "pronoun", "prop", "group"):
            after = np[1]
            k = after
            while k < n and (t[k].low in L.SKIP_WORDS or t[k].low in L.SPEED_WORDS
                             or t[k].low in L.AUXILIARIES or t[k].low == ","):
                k += 1
            if k < n and (self.verb_at(k) is not None or self._unknown_verb_at(k)) or (
                    after < n and t[after].low in ("is", "are", "was", "were", "am")):
                subj = np[0]
                self.i = after
        if subj is None and first == self.i and np is not None and self.verb_at(self.i) is None:
            # a noun phrase with no verb after it: a place or prop mentioned on its own
            self.i = np[1]
            return None
        c.subject = subj
        # auxiliaries, adverbs, catenatives
        is_be = False
        while self.i < n:
            w = self.low()
            if w in L.AUXILIARIES or w in ("not", "n't", ","):
                if L.VERB_FORMS.get(w) == "be" or w in ("is", "are", "was", "were", "am"):
                    is_be = True
                self.i += 1
            elif w in L.SPEED_WORDS:
                c.params["speed"] = L.SPEED_WORDS[w]
                self.i += 1
            elif w in L.SKIP_WORDS and self.verb_at(self.i) is None:
                self.i += 1
            else:
                break
        lemma = self.verb_at(self.i)
        if lemma is None:
            if is_be and subj is not None:
                c.state = True
                self._be_complement(c)
                return self._finish(c, first)
            if subj is not None and self._unknown_verb_at(self.i):
                c.verb = t[self.i].text
                self.i += 1
                self._arguments(c)
                return self._finish(c, first)
            return None
        if lemma == "help":
            # "helps him get up": the one helped does the action
            np = self.noun_phrase(self.i + 1, allow_post=False)
            k = np[1] + (1 if np and self.low(np[1] - self.i) == "to" else 0) if np else 0
            if np and self.verb_at(k) is not None:
                c.subject = np[0]
                self.i, lemma = k, self.verb_at(k)
        # catenatives: "starts to dance", "bends down to pick up", "goes to fetch"
        while lemma in L.CATENATIVES:
            k = self.i + 1
            while k < n and (t[k].low in L.PARTICLES or t[k].low in ("to", "and")):
                k += 1
            nxt = self.verb_at(k)
            if nxt is None or nxt in L.CATENATIVES and nxt == lemma:
                break
            if lemma == "go" and t[k - 1].low != "to" and t[self.i + 1].low != "and":
                break
            self.i = k
            lemma = nxt
        c.verb = t[self.i].text
        self.i += 1
        if lemma in ("wear", "have") or (lemma == "put" and self.low() == "on"
                                        and self._accessory_ahead(self.i + 1)):
            if self.low() == "on":
                self.i += 1
            self._worn(c)
            c.state = lemma != "put"
            c.action = None if c.state else "idle"
            return self._finish(c, first)
        if is_be and lemma in ("seat",):
            lemma = "sit"
        self.lemma = lemma
        self._verb(c, lemma)
        return self._finish(c, first)

    def _unknown_verb_at(self, k: int) -> bool:
        if k >= len(self.t):
            return False
        w = self.t[k].low
        return (w.isalpha() and w not in _COMMON and not self.t[k].text[0].isupper()
                and self._head_at(k) is None and len(w) > 2 and w.endswith(("s", "ed", "ing")))

    def _accessory_ahead(self, k: int) -> bool:
        for j in range(k, min(k + 4, len(self.t))):
            if self.t[j].low in L.ACCESSORY_WORDS or self.t[j].low in L.GARMENTS:
                return True
        return False

    def _worn(self, c: Clause):
        """'wears a helmet', 'has a backpack', 'puts on a hat': what the subject wears."""
        probe = Mention("person", "x", "")
        self.i = max(self.i, self._describe_person(probe, self.i - 1, intro="wearing"))
        c.params["_worn"] = (probe.accessories, probe.outfit)

    def _be_complement(self, c: Clause):
        """'is tall', 'is on the table', 'is wearing a helmet'."""
        t = self.t
        probe = Mention("person", "x", "")
        adjs = []
        while self.i < len(t) and t[self.i].low not in _BOUNDARY:
            w = self.low()
            if c.subject is not None and c.subject.kind == "prop" \
                    and self._arranged(c.subject, self.i) > self.i:
                self.i = self._arranged(c.subject, self.i)     # "are stacked on the table"
                continue
            if w in L.TIMES_OF_DAY:
                c.time_of_day = L.TIMES_OF_DAY[w]
                self.i += 1
            elif self._head_at(self.i) and self._head_at(self.i)[0] == "place":
                c.place = self._head_at(self.i)[1]
                self.i += 1
            elif w in L.HEIGHT_WORDS or w in L.BUILD_WORDS or w in L.AGE_WORDS:
                adjs.append(w)
                self.i += 1
            elif w in L.RELATIONS or w == "next":
                if c.subject is not None and c.subject.kind == "prop":
                    k = self._placement(c.subject, self.i)
                    self.i = k if k > self.i else self.i + 1
                else:
                    self.i += 1
            else:
                self.i += 1
        self._apply_adjectives(probe, adjs)
        c.params["_traits"] = probe

    def _verb(self, c: Clause, lemma: str):
        """Read the verb's arguments and settle the canonical action."""
        obj2 = self._arguments(c)
        particles = c.params.pop("_particles", [])
        part = c.params.pop("_bodypart", "")
        action_noun = c.params.pop("_action_noun", "")
        action = None
        for p in particles + ([part] if part else []):
            action = L.PHRASES.get((lemma, p)) or action
        if action is None and action_noun and lemma in L.LIGHT_VERBS | {"perform"}:
            action = L.ACTION_NOUNS[action_noun]
        if action is None and lemma == "go" and action_noun:
            action = L.ACTION_NOUNS[action_noun]
        if action is None:
            action = L.VERBS.get(lemma)
        if action is None and lemma in ("get", "let", "lay", "knock", "climb", "see", "give",
                                        "have", "kneel", "dive", "swing", "make", "do",
                                        "perform", "land", "pump", "take"):
            action = {"see": "look_at", "kneel": "sit", "dive": "jump", "swing": "punch",
                      "lay": "put_down", "get": "walk" if c.dest else None,
                      "knock": "punch"}.get(lemma)
        if lemma == "lay" and c.obj is None:
            action = "lie_down"
        if lemma == "hold" and c.obj is not None and c.obj.kind in ("person", "pronoun") \
                and c.obj.key not in ("it",):
            action = "hug" if c.obj.kind == "person" or c.obj.key in ("he", "she") else action
        if lemma == "shake" and action == "shake_head" and part == "hand":
            action = "handshake"
        if lemma == "look" and "around" in particles:
            c.params.setdefault("direction", "around")
        if action == "look_at" and part == "head":
            c.params["body_part"] = "head"
        if lemma == "turn" and "around" in particles:
            c.params.setdefault("direction", "around")
        if lemma in ("knock",) and ("down" in particles or "over" in particles) \
                and c.obj is not None and c.obj.kind in ("person", "pronoun") \
                and c.obj.key != "it":
            c.then_falls = True
            action = "punch"
        elif lemma == "knock" and c.obj is not None and c.obj.kind in ("person", "pronoun") \
                and c.obj.key != "it":
            action = "punch"
        if lemma == "drop" and c.subject is not None and c.subject.kind == "prop":
            action = "fall"
        if lemma in ("fall", "drop") and c.subject is not None and c.subject.kind == "person" \
                and c.obj is not None:
            action = "drop" if lemma == "drop" else action
        if lemma == "fall" and c.subject is None and c.dest is None and "off" in particles:
            action = "fall"
        if obj2 is not None and c.obj is not None and action in ("throw", "carry", "kick"):
            # "throws Tom the ball": the thing is the second object, the person the receiver
            c.params["_receiver"] = c.obj
            c.obj = obj2
        if lemma in ("sit", "lie", "settle") and c.obj is not None and c.dest is None:
            c.dest = ("on", c.obj)
            c.obj = None
        c.action = action

    def _arguments(self, c: Clause) -> Mention | None:
        """Everything after the verb up to the next clause: objects, particles, places."""
        t = self.t
        n = len(t)
        obj2 = None
        particles: list[str] = []
        while self.i < n:
            w = self.low()
            if w in (",", ";", ":") or (w in _BOUNDARY and w not in ("after", "as", "so")
                                        and self._starts_clause(self.i + 1)):
                break
            if w in ("while", "whilst", "when", "until", "because", "but"):
                break
            if w in ("each", "one") and self.low(1) in ("other", "another"):
                self.i += 2
                continue
            if self._timing(c):
                continue
            if c.subject is not None and c.subject.kind == "prop" \
                    and self._arranged(c.subject, self.i) > self.i:
                self.i = self._arranged(c.subject, self.i)     # "stand in a row"
                continue
            if w in L.SPEED_WORDS:
                c.params["speed"] = L.SPEED_WORDS[w]
                self.i += 1
                continue
            if w in ("high", "up") and self.low(1) in ("in", "into") and self.low(2) == "the" \
                    and self.low(3) == "air":
                c.params["height_m"] = 1.5
                self.i += 4
                continue
            if w in ("in", "into") and self.low(1) == "the" and self.low(2) == "air":
                c.params.setdefault("height_m", 1.0)
                self.i += 3
                continue
            if self._height(c):
                continue
            if w in L.PARTICLES and not (
                    w in L.RELATIONS and (self.lemma, w) not in L.PHRASES
                    and self.noun_phrase(self.i + 1, allow_post=False)):
                particles.append(w)
                if w in L.DIRECTION_WORDS and w not in ("up", "down", "go", "off", "away",
                                                         "over", "apart", "out"):
                    c.params.setdefault("direction", L.DIRECTION_WORDS[w])
                self.i += 1
                continue
            if w in ("left", "right") and (c.verb.lower().startswith(("turn", "look", "spin"))
                                           or self.low(-1) in ("to", "the")):
                c.params["direction"] = w
                self.i += 1
                continue
            if w in L.POSSESSIVES and self.low(1) in L.BODY_PARTS:
                c.params["_bodypart"] = L.BODY_PARTS[self.low(1)]
                c.params["_possessive"] = {"his": "he", "her": "she"}.get(w, "")
                self.i += 2
                continue
            if w in L.BODY_PARTS and (c.verb.lower().startswith(("shak", "snap"))):
                c.params["_bodypart"] = L.BODY_PARTS[w]
                self.i += 1
                continue
            if w.endswith("'s") and self.low(1) in L.BODY_PARTS:
                # "shakes Tom's hand"
                name = t[self.i].text[:-2]
                c.obj = Mention("person", name, name, t[self.i].start, t[self.i].end - 2,
                                proper=name.lower() not in L.PERSONS)
                c.params["_bodypart"] = L.BODY_PARTS[self.low(1)]
                self.i += 2
                continue
            if w in ("a", "an", "the") and self.low(1) in L.ACTION_NOUNS \
                    and self._head_at(self.i + 1) is None:
                c.params["_action_noun"] = self.low(1)
                self.i += 2
                continue
            if w in ("to", "for") and self.low(1) in ("a", "an") \
                    and self.low(2) in L.ACTION_NOUNS:
                c.params["_action_noun"] = self.low(2)
                self.i += 3
                continue
            rel, k = self._relation(self.i)
            if rel is not None:
                if self.low(0) in ("in", "at", "on") and self._adverbial(c):
                    continue
                np = self.noun_phrase(k)
                if np is not None:
                    m, self.i = np
                    if m.kind == "place":
                        c.place = m.key
                    elif rel == "with" and m.kind in ("person", "pronoun", "narrator") \
                            and c.obj is None:
                        c.obj = m
                    elif rel in ("to", "at", "for") and m.kind in ("person", "pronoun",
                                                                   "narrator") \
                            and c.obj is None and not c.verb.lower().startswith(
                                ("walk", "run", "ran", "go", "went", "come", "came", "jog",
                                 "sneak", "crawl", "head", "rush", "hurr", "dash", "sprint",
                                 "step", "move", "return", "stroll", "march", "wander")):
                        c.obj = m
                    elif rel == "with" and m.kind == "prop" and c.obj is None:
                        c.obj = m
                    elif rel == "from" and m.kind == "prop":
                        c.params["_source"] = m     # "takes a book from the shelf"
                    elif rel in ("from", "of", "with"):
                        pass
                    elif c.dest is None:
                        c.dest = (rel, m)
                    continue
                if self.low(0) == "to" and self.verb_at(k) is not None:
                    # "to pick up ...": purpose clause, its own predicate
                    self.i = k
                    break
                self.i = k
                continue
            if w in ("his", "her") and "_possessive" not in c.params:
                c.params["_possessive"] = {"his": "he", "her": "she"}[w]   # "her mug"
            np = self.noun_phrase(self.i)
            if np is not None:
                m, j = np
                if m.kind == "place":
                    c.place = m.key
                elif c.obj is None:
                    c.obj = m
                elif obj2 is None:
                    obj2 = m
                self.i = j
                continue
            if self.verb_at(self.i) is not None and w not in L.PARTICLES:
                break
            if w.isalpha() and w not in _COMMON and "_unknown" not in c.params:
                c.params["_unknown"] = t[self.i].text     # for "no target" warnings
            self.i += 1
        c.params["_particles"] = particles
        return obj2

    def _height(self, c: Clause) -> bool:
        """'from a low height', 'just above the floor', 'from 2 metres', 'above his head'."""
        t = self.t
        w = self.low()
        words = " ".join(x.low for x in t[self.i:self.i + 5])
        for phrase, h in (("from a low height", 0.15), ("from a great height", 2.0),
                          ("from a height of", None), ("just above the floor", 0.15),
                          ("just above the ground", 0.15), ("close to the floor", 0.15),
                          ("close to the ground", 0.15), ("near the floor", 0.15),
                          ("above his head", 2.0), ("above her head", 2.0),
                          ("above my head", 2.0), ("over his head", 2.0),
                          ("over her head", 2.0), ("over my head", 2.0),
                          ("low above the floor", 0.15), ("from low", 0.15),
                          ("from high up", 1.5), ("from a high", 1.5)):
            if words.startswith(phrase):
                self.i += len(phrase.split())
                if h is None:
                    h = self._distance() or 1.0
                c.params["height_m"] = h
                return True
        if w in ("from", "at") and _number(self.low(1)) is not None:
            save = self.i
            self.i += 1
            d = self._distance()
            if d is not None:
                c.params["height_m"] = d
                return True
            self.i = save
        if w == "low" and self.low(1) in ("", ",", "and", "to", "above"):
            c.params["height_m"] = 0.15
            self.i += 1
            return True
        return False

    def _distance(self) -> float | None:
        t = self.t
        if self.i + 1 >= len(t) + 1:
            return None
        q = _number(self.low())
        unit = self.low(1)
        scale = {"m": 1, "metre": 1, "metres": 1, "meter": 1, "meters": 1, "cm": 0.01,
                 "centimetres": 0.01, "centimeters": 0.01, "centimetre": 0.01,
                 "centimeter": 0.01, "feet": 0.3048, "foot": 0.3048, "ft": 0.3048}.get(unit)
        if q is None or scale is None:
            return None
        self.i += 2
        if self.low() in ("high", "up", "tall", "above"):
            self.i += 1
        return q * scale

    def _starts_clause(self, k: int) -> bool:
        """Does a new predicate start at token k (after 'and', 'then', a comma)?"""
        t = self.t
        n = len(t)
        while k < n and (t[k].low in L.SKIP_WORDS or t[k].low in L.AFTER_WORDS
                         or t[k].low in L.SPEED_WORDS or t[k].low in ("then", "and", ",")):
            k += 1
        if k >= n:
            return False
        if self.verb_at(k) is not None and t[k].low not in L.PARTICLES \
                and not (t[k - 1].low in L.DETERMINERS):
            return True
        np = self.noun_phrase(k)
        if np and np[0].kind in ("person", "narrator", "pronoun", "prop", "group"):
            return self._is_verb_ahead(np[1]) or self._unknown_verb_at(np[1])
        return False

    def _finish(self, c: Clause, first: int) -> Clause:
        last = max(first + 1, self.i)
        c.start, c.end = self.t[first].start, self.t[last - 1].end
        c.text = self.span_text(first, last)
        return c
