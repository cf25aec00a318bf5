"""Clauses to Screenplay: who is who, what happens when, and what the story left implicit.

Language readers only say what the words say; this module resolves pronouns and definite
references to cast members and props, fills bodies from descriptions, times beats from the
connectors, inserts the walk an actor needs to reach a target, and collects warnings.
"""
from __future__ import annotations

import re

from .. import screenplay as S
from . import embed
from .clauses import Clause, Mention
from .lexicon_en import SEATS
from .vocabulary import (ACTIONS, ARRANGEMENT_COUNTS, DEFAULT_ARRANGEMENT, PROP_EVENTS,
                         default_duration)

lexicon_seats = frozenset(SEATS)
# "the ball" may mean the basketball, "the cup" (杯子) the glass mentioned before
FAMILIES = {"ball": {"ball", "basketball", "tennis_ball"}, "cup": {"cup", "glass", "mug"}}

# Adult heights (m) by sex, and a growth curve for children (age, height) — WHO medians,
# rounded; used when the story gives no number.
ADULT_HEIGHT = {"male": 1.76, "female": 1.63, "unknown": 1.70}
GROWTH = ((1, 0.75), (2, 0.87), (4, 1.03), (6, 1.16), (8, 1.28), (10, 1.39), (12, 1.50),
          (14, 1.61), (16, 1.68), (18, 1.70))
TALL, SHORT = 0.07, -0.09      # relative: "a tall man" is about 1.88 m, "a tall girl" taller

# Actions done at a target that the actor must stand next to first.
NEEDS_PROXIMITY = {"sit", "lie_down", "pick_up", "push", "pull", "kick", "punch", "hug",
                   "handshake", "kiss", "put_down"}
SEATED, LYING = {"sit"}, {"lie_down", "fall"}

def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s if s and s[0].isalpha() else ""


def body_height(sex: str, age: float, word: str) -> float:
    if age >= 18:
        h = ADULT_HEIGHT[sex or "unknown"] - (0.03 if age >= 70 else 0.0)
    else:
        a = max(age, GROWTH[0][0])
        h = next(h0 + (h1 - h0) * (a - a0) / (a1 - a0)
                 for (a0, h0), (a1, h1) in zip(GROWTH, GROWTH[1:]) if a <= a1)
        if sex == "male" and age > 13:
            h += 0.05 * min(1.0, (age - 13) / 5)
    return round(h * (1 + (TALL if word == "tall" else SHORT if word == "short" else 0)), 2)



def prop_count(m: Mention) -> tuple[int, str]:
    """How many of a prop mention there are and how they stand.  A number counts them ("ten
    dominoes"); a "row" or "stack" without one takes a usual count; a bare plural ("boxes")
    stays one prop, as the story gives nothing to count."""
    count = min(m.count, S.MAX_COUNT) if m.counted and m.count > 1 else 0
    arrangement = m.arrangement
    if not arrangement and (count or m.plural):
        arrangement = DEFAULT_ARRANGEMENT.get(m.key, "")
    if arrangement and not count:
        count = ARRANGEMENT_COUNTS[arrangement]
    return max(count, 1), arrangement if count > 1 else ""


class _Person:
    def __init__(self, ident: str, name: str, mention: Mention):
        self.id, self.name = ident, name
        self.mentions: list[Mention] = [mention]
        self.sex = mention.sex
        self.posture = "standing"
        self.at: str | None = None            # id of what the actor last went to
        self.holding: str | None = None

    def add(self, m: Mention):
        self.mentions.append(m)
        if m.sex and not self.sex:
            self.sex = m.sex


class Builder:
    def __init__(self, language: str, persons: dict[str, tuple[str, float]]):
        self.language = language
        self.person_nouns = persons          # English person noun -> (sex, typical age)
        self.people: list[_Person] = []
        self.props: list[S.Prop] = []
        self.prop_mentions: dict[str, list[Mention]] = {}
        self.spots: dict[str, S.Spot] = {}
        self.groups: list[list[_Person]] = []
        self.beats: list[S.Beat] = []
        self.warnings: list[str] = []
        self.place = ""
        self.time_of_day = ""
        self.recent: list[tuple[str, str]] = []   # (kind, id) most recent last
        self.last_subject: list[str] = []
        self.ids: set[str] = set()
        self._clause_params: dict = {}
        self.prop_at: dict[str, str] = {}     # where a prop rolled, was thrown or kicked to

    # -- identities ------------------------------------------------------------------------
    def _new_id(self, stem: str) -> str:
        stem = stem or "person"
        ident, n = stem, 2
        while ident in self.ids:
            ident, n = f"{stem}_{n}", n + 1
        self.ids.add(ident)
        return ident

    def _person(self, m: Mention) -> _Person:
        if m.kind == "narrator":
            for p in self.people:
                if p.id == "narrator":
                    p.add(m)
                    return p
            p = _Person(self._new_id("narrator"), m.text if self.language == "zh" else "I", m)
            self.people.append(p)
            return p
        if m.proper:
            for p in self.people:
                if p.name == m.key:
                    p.add(m)
                    return p
        elif m.definite or not m.another:
            # "the man" refers back; so does a repeated indefinite noun within a story only
            # when definite — "a man" after "a man" is somebody else
            if m.definite:
                for p in reversed(self.people):
                    if any(x.key == m.key for x in p.mentions):
                        p.add(m)
                        return p
        sex, _age = self.person_nouns.get(m.key, ("", 30))
        if not m.sex:
            m.sex = sex
        name = m.key
        if not m.proper and self.language == "en":
            ages = {"old": m.age_years and m.age_years >= 60,
                    "little": m.age_years is not None and m.age_years < 8
                    and m.key in ("boy", "girl", "child", "kid"),
                    "young": m.age_years is not None and 18 <= m.age_years < 26,
                    m.height_word: bool(m.height_word), m.build: bool(m.build)}
            word = next((w for w, hit in ages.items() if hit), "")
            name = f"{word} {m.key}".strip()
        # ids are ASCII: a Chinese name (小红) falls back to the English key or "person"
        p = _Person(self._new_id(_slug(name) or _slug(m.key) or "person"), name, m)
        self.people.append(p)
        return p

    def _pronoun(self, key: str, exclude: tuple = ()) -> list[str]:
        people = [p for p in self.people if p.id != "narrator" and p.id not in exclude]
        if key == "it":
            for wanted in ("prop", "place"):
                for kind, ident in reversed(self.recent):
                    if kind == wanted:
                        return [ident]
            return []
        if key == "they":
            if self.groups:
                return [p.id for p in self.groups[-1]]
            recent = []
            for kind, ident in reversed(self.recent):
                if kind == "person" and ident not in recent and ident != "narrator":
                    recent.append(ident)
            if len(recent) >= 2:
                return recent[:2][::-1]
            counted = {p.id for p in self.props if p.count > 1}
            for kind, ident in reversed(self.recent):
                if kind in ("prop", "place") and ident in counted:
                    return [ident]            # "throws a ball at the boxes. They fall."
            for kind, ident in reversed(self.recent):
                if kind == "prop":
                    return [ident]
            return recent[:1]
        sex = {"he": "male", "she": "female"}.get(key, "")
        order = [ident for kind, ident in reversed(self.recent)
                 if kind == "person" and ident not in exclude]
        by_id = {p.id: p for p in people}
        for want in (sex, ""):
            for ident in order:
                p = by_id.get(ident)
                if p is not None and p.sex == want:
                    if not p.sex and sex:
                        p.sex = sex
                    return [p.id]
        return [people[-1].id] if people else []

    def resolve(self, m: Mention | None, prefer: frozenset = frozenset(),
                exclude: tuple = (), salient: bool = True) -> list[str]:
        """Ids the mention refers to, creating cast members and props as needed; `prefer`
        names prop categories an "it" should rather mean ("sits on it": a seat), `exclude`
        the subject a non-reflexive "him" cannot mean; a non-`salient` mention (where
        something goes) is what a later "it" means only when nothing else fits."""
        if m is None:
            return []
        if m.kind == "pronoun":
            if m.key in ("he", "she") and not any(p.id != "narrator" for p in self.people):
                # a story that starts "He walks in": someone we have not met yet
                return self.resolve(Mention("person", {"he": "man", "she": "woman"}[m.key],
                                            m.text, m.start, m.end,
                                            sex={"he": "male", "she": "female"}[m.key]))
            if m.key == "it" and prefer:
                for kind, ident in reversed(self.recent):
                    pr = next((x for x in self.props if x.id == ident), None)
                    if pr is not None and pr.category in prefer:
                        return [ident]
            reflexive = m.text.lower().endswith(("self", "selves"))
            return self._pronoun(m.key, () if reflexive else exclude)
        if m.kind == "group":
            ids = [i for x in m.members for i in self.resolve(x)]
            self.groups.append([p for p in self.people if p.id in ids])
            return ids
        if m.kind in ("person", "narrator"):
            if m.count > 1 and not m.proper:
                group = []
                for k in range(m.count):
                    sub = Mention(**{**m.__dict__, "count": 1, "definite": False,
                                     "another": True})
                    group.append(self._person(sub))
                for n, p in enumerate(group, 1):
                    p.name = f"{p.name} {n}"
                self.groups.append(group)
                for p in group:
                    self.recent.append(("person", p.id))
                return [p.id for p in group]
            p = self._person(m)
            self.recent.append(("person", p.id))
            return [p.id]
        if m.kind == "prop" or m.kind == "accessory":
            return [self._prop(m, salient)]
        if m.kind == "spot":
            if m.key not in self.spots:
                ident = self._new_id(_slug(m.key) or "spot")
                self.spots[m.key] = S.Spot(ident, m.key)
            return [self.spots[m.key].id]
        return []

    def _prop(self, m: Mention, salient: bool = True) -> str:
        category = m.key
        # "the ball", "a ball" again, "the dominoes": the prop met before; "ten dominoes"
        # or "the other boxes" are new things
        if not m.another and (m.count == 1 or (m.definite and m.plural)):
            family = FAMILIES.get(category, {category}) if m.definite else {category}
            for pr in reversed(self.props):
                if pr.category in family:
                    self._describe_prop(pr, m)
                    self.recent.append(("prop" if salient else "place", pr.id))
                    return pr.id
        ident = self._new_id(category)
        name = m.text if self.language == "zh" else category.replace("_", " ")
        count, arrangement = prop_count(m)
        pr = S.Prop(ident, name, category, count=count, arrangement=arrangement)
        self.props.append(pr)
        self.prop_mentions[ident] = []
        self._describe_prop(pr, m)
        self.recent.append(("prop" if salient else "place", ident))
        return ident

    def _describe_prop(self, pr: S.Prop, m: Mention):
        self.prop_mentions[pr.id].append(m)
        if m.arrangement and pr.count > 1 and not pr.arrangement:
            pr.arrangement = m.arrangement        # "the boxes are stacked on the table"
        pr.material = pr.material or m.material
        pr.colour = pr.colour or m.colour
        if m.size_m:
            pr.size_m = m.size_m
        if len(m.text) > len(pr.description):
            pr.description = m.text
        if m.placement and pr.placement is None:
            rel, where = m.placement
            targets = self.resolve(where)
            if targets and targets[0] != pr.id:
                pr.placement = S.Placement(rel if rel in S.RELATIONS else "on", targets[0])

    # -- beats -----------------------------------------------------------------------------
    def add_clause(self, c: Clause, prev_beats: list[str]):
        """Turn one clause into beats; returns the ids of the beats it made."""
        if c.place and not self.place:
            self.place = c.place
        if c.time_of_day and not self.time_of_day:
            self.time_of_day = c.time_of_day
        if c.subject is not None:
            actors = self.resolve(c.subject)
            if actors:
                self.last_subject = actors
        else:
            actors = list(self.last_subject)
        possessive = c.params.pop("_possessive", "")
        for p in self.people:
            if p.id in actors[:1] and not p.sex and possessive in ("he", "she"):
                p.sex = {"he": "male", "she": "female"}[possessive]   # "snaps his fingers"
        source = c.params.pop("_source", None)
        worn = c.params.pop("_worn", None)
        traits = c.params.pop("_traits", None)
        receiver = c.params.pop("_receiver", None)
        unknown = c.params.pop("_unknown", "")
        for p in self.people:
            if p.id in actors:
                if worn:
                    p.mentions.append(Mention("person", p.name, "", accessories=worn[0],
                                              outfit=worn[1]))
                if traits is not None:
                    p.mentions.append(traits)
        if c.state:
            return []
        seats = lexicon_seats if c.action in ("sit", "lie_down") else frozenset()
        targets = self.resolve(c.obj, seats, tuple(actors))
        dest = self.resolve(c.dest[1], seats, tuple(actors), salient=False) if c.dest else []
        if source is not None:
            recent = list(self.recent)
            where = self.resolve(source)
            self.recent = recent          # a source is not what a later "it" means
            for t in targets or actors:
                pr = next((x for x in self.props if x.id == t), None)
                if pr is not None and pr.placement is None and where and where[0] != t:
                    pr.placement = S.Placement("on", where[0])
        if receiver is not None:
            dest = self.resolve(receiver) or dest
        action = c.action
        if (not targets and action in ("hug", "handshake", "kiss", "talk")
                and len(actors) >= 2):
            # "Anna and Ben hug": one embraces the other
            actors, targets = actors[:1], actors[1:2]
        if not actors:
            if action:
                self.warnings.append(f"no one to do {c.verb or action!r} in {c.text!r}; "
                                     f"skipped")
            return []
        if action is None and c.verb:
            match = embed.nearest_action(c.verb)
            if match is not None:
                action = match[0]
                self.warnings.append(f"unknown action word {c.verb!r} in {c.text!r}; read as "
                                     f"{action!r} by similarity ({match[1]:.2f})")
        if action is None:
            self.warnings.append(f"unknown action word {c.verb!r} in {c.text!r}; "
                                 f"kept as idle")
            action = "idle"
        kinds = {p.id: "cast" for p in self.people} | {p.id: "prop" for p in self.props}
        self._clause_params = c.params
        made: list[str] = []
        first_beat = ""
        for n, actor in enumerate(actors):
            kind = kinds.get(actor)
            act = action
            if kind == "prop":
                if act in ("sit", "stand", "lie_down", "idle") or act not in PROP_EVENTS:
                    if act in ("sit", "stand", "lie_down", "idle"):
                        # "the box sits on the table", "ten dominoes stand in a row": where
                        # and how it is, not something it does
                        pr = next(p for p in self.props if p.id == actor)
                        if pr.placement is None and dest:
                            pr.placement = S.Placement("on", dest[0])
                        continue
                    self.warnings.append(f"a {actor} cannot {act!r} ({c.text!r}); skipped")
                    continue
            elif not ACTIONS[act].character:
                # "he breaks the glass": the thing breaks
                for t in targets:
                    if kinds.get(t) == "prop":
                        made += self._beat(t, act, None, c, prev_beats, made)
                continue
            target = self._target(act, actor, targets, dest, kinds)
            if target is None and ACTIONS[act].needs_target:
                what = f"{unknown!r} is not a person or thing the parser knows" if unknown \
                    else "nothing is named"
                self.warnings.append(f"{act} in {c.text!r} has no target: {what}; "
                                     f"add it to the screenplay or reword")
            last = self._last_beat(actor)
            if c.then_falls and last is not None and last.action == act \
                    and last.target == target and last.id in prev_beats:
                # "punches him and knocks him down": the punch already landed
                made += self._beat(target, "fall", None, c, prev_beats, made, after=last.id)
                continue
            if kind == "cast":
                where = (dest or [None])[0] if act == "put_down" else target
                made += self._walk_if_needed(actor, act, where, c, prev_beats, made)
            if n > 0 and first_beat:
                # the rest of a group acts with the first: "two boys kick a ball"
                beat_ids = self._beat(actor, act, target, c, prev_beats, [], dest=dest,
                                      with_=first_beat)
            else:
                beat_ids = self._beat(actor, act, target, c, prev_beats, made, dest=dest)
                first_beat = beat_ids[-1]
            made += beat_ids
            moved = target if act in ("throw", "kick", "put_down") else actor
            where = dest or (targets if kind == "prop" else [])
            if kinds.get(moved) == "prop" and where and where[0] != moved:
                self.prop_at[moved] = where[0]
            if kind == "cast":
                self._after_action(actor, act, target, dest)
            if c.then_falls and target and kinds.get(target) == "cast":
                made += self._beat(target, "fall", None, c, prev_beats, made, after=beat_ids[-1])
        return made

    def _target(self, act, actor, targets, dest, kinds) -> str | None:
        info = ACTIONS[act]
        if act in ("fall", "bounce", "break", "topple", "slide", "roll") \
                and kinds.get(actor) == "prop" or act == "fall":
            return None                   # "falls over a rock": the rock is not acted on
        if info.locomotion:
            return (dest or targets or [None])[0]
        if act in ("sit", "lie_down"):
            where = [t for t in dest + targets if kinds.get(t) != "cast"]
            if where:
                return where[0]
            # "sits down" where they are, or "sits next to her" on her seat
            for who in [t for t in dest + targets if kinds.get(t) == "cast"] + [actor]:
                p = self._holder(who)
                seat = next((x for x in self.props if p and x.id == p.at), None)
                if seat is not None and seat.category in lexicon_seats:
                    return seat.id
            return None
        if act == "drop" and not targets:
            holder = self._holder(actor)
            return holder.holding if holder else None
        if act in ("put_down",) and not targets:
            holder = self._holder(actor)
            return holder.holding if holder else (dest or [None])[0]
        if targets:
            return targets[0] if targets[0] != actor else None
        if self._params_back(act):
            # "she waves back": at whoever last acted on her
            for b in reversed(self.beats):
                if b.target == actor and kinds.get(b.actor) == "cast":
                    return b.actor
        if act in ("look_at", "wave", "point", "talk", "throw", "kick", "punch", "push",
                   "pull", "hug", "handshake", "kiss", "dance", "catch"):
            return dest[0] if dest and dest[0] != actor else None
        return None

    def _last_beat(self, actor) -> S.Beat | None:
        return next((b for b in reversed(self.beats) if b.actor == actor), None)

    def _params_back(self, act) -> bool:
        return self._clause_params.get("direction") == "back" and act in (
            "wave", "push", "punch", "hug", "nod", "kick", "look_at", "point", "talk", "pull")

    def _holder(self, actor) -> _Person | None:
        return next((p for p in self.people if p.id == actor), None)

    def _walk_if_needed(self, actor, act, target, c, prev_beats, made) -> list[str]:
        p = self._holder(actor)
        if p is None or act not in NEEDS_PROXIMITY or target is None or p.at is None:
            return []
        if target in (p.at, p.holding) or self._near(target, p.at, actor):
            return []
        ids = self._beat(actor, "walk", target, c, prev_beats, made, inserted=True)
        p.at = target
        return ids

    def _near(self, target: str, at: str, actor: str = "") -> bool:
        other = self._holder(target)
        if other is not None and other.at == actor:
            return True                   # they came to us
        if self.prop_at.get(target) in (actor, at):
            return True                   # the ball rolled to our feet
        pr = next((x for x in self.props if x.id == target), None)
        if pr and pr.placement and pr.placement.target == at:
            return True
        at_prop = next((x for x in self.props if x.id == at), None)
        return bool(at_prop and at_prop.placement and at_prop.placement.target == target)

    def _after_action(self, actor, act, target, dest):
        p = self._holder(actor)
        if ACTIONS[act].locomotion and target:
            p.at = target
        elif act in NEEDS_PROXIMITY and target:
            p.at = target
        if act in ("pick_up", "carry", "catch") and target:
            p.holding = target
            pr = next((x for x in self.props if x.id == target), None)
            if pr is not None and pr.placement is None and not any(
                    b.target == target for b in self.beats[:-1]):
                pr.placement = S.Placement("held_by", actor) if act == "carry" else None
        elif act in ("drop", "throw", "put_down") and p.holding == target:
            p.holding = None
        if act in ("throw", "kick") and p.at == target:
            p.at = None                   # it flew away
        if act in SEATED:
            p.posture = "sitting"
        elif act in LYING:
            p.posture = "lying"
        elif act in ("stand_up", "get_up", "stand", "walk", "run", "jog", "jump"):
            p.posture = "standing"

    def _beat(self, actor, act, target, c: Clause, prev_beats, made, inserted=False,
              after: str | None = None, dest=(), with_: str | None = None) -> list[str]:
        ids: list[str] = []
        p = self._holder(actor)
        if act in ("stand_up", "get_up") and p is not None:
            act = {"sitting": "stand_up", "lying": "get_up"}.get(p.posture, act)
        params = {} if inserted else {k: v for k, v in c.params.items()
                                      if not k.startswith("_")}
        if params.get("direction") == "back" and act not in (
                "turn", "look_at", "walk", "run", "jog", "sneak", "jump", "crawl", "roll"):
            params.pop("direction")          # "waves back", "throws it back": in return
        if act in ("put_down", "throw", "kick") and dest and dest[0] != target:
            params["destination"] = dest[0]
        if act == "drop" and "height_m" not in params and target:
            for b in reversed(self.beats):
                if b.target == target and "height_m" in b.params:
                    params["height_m"] = b.params["height_m"]
                    break
        if "height_m" in params and act not in ("carry", "drop", "throw", "pick_up", "fall",
                                                "jump", "catch"):
            params.pop("height_m")
        if act == "jump" and "height_m" in params:
            params.pop("height_m")
        start_s = None
        anchor_after = after
        anchor_with = with_
        if after is None and with_ is None:
            if made:
                anchor_after = made[-1]
            elif c.start_s is not None and not inserted:
                start_s = c.start_s
            elif c.link == "with" and prev_beats:
                stated = [b for b in self.beats if b.id in prev_beats and b.source is not None]
                anchor_with = (stated or [self.beats[-1]])[0].id
            elif self.beats:
                anchor_after = self.beats[-1].id
            if c.delay_s and not inserted and start_s is None and not made:
                idle = self._add(actor, "idle", None, c.delay_s, {}, None,
                                 after=anchor_after, with_=anchor_with, start_s=None)
                ids.append(idle)
                anchor_after, anchor_with = idle, None
        if inserted:
            duration = default_duration(act)
        else:
            duration = c.duration_s if c.duration_s else default_duration(act)
            if c.duration_s is not None and not 0 < c.duration_s <= 3600:
                self.warnings.append(f"duration {c.duration_s:g} s in {c.text!r} is not "
                                     f"possible; used {default_duration(act):g} s")
                duration = default_duration(act)
        span = None if inserted else S.Span(c.start, c.end, c.text)
        ids.append(self._add(actor, act, target, duration, params, span, after=anchor_after,
                             with_=anchor_with, start_s=start_s))
        return ids

    def _add(self, actor, act, target, duration, params, span, after, with_, start_s) -> str:
        ident = f"b{len(self.beats) + 1}"
        self.beats.append(S.Beat(ident, actor, act, target, start_s=start_s, after=after,
                                 with_=with_, duration_s=round(float(duration), 3),
                                 params=dict(params), source=span))
        return ident

    def check_timing(self):
        """An actor does one thing at a time: a beat whose stated start falls inside the same
        actor's previous beat is moved to follow it, with a warning."""
        times = S.timeline(S.Screenplay(beats=self.beats))
        busy: dict[str, tuple[str, float]] = {}
        for b in self.beats:
            start, end = times[b.id]
            prev = busy.get(b.actor)
            if b.start_s is not None and prev and start < prev[1] - 1e-6:
                self.warnings.append(
                    f"{b.actor} cannot start {b.action!r} at {start:g} s while still busy "
                    f"until {prev[1]:g} s ({b.source.text if b.source else b.id!r}); "
                    f"it follows the previous beat instead")
                b.start_s, b.after = None, prev[0]
                times = S.timeline(S.Screenplay(beats=self.beats))
                end = times[b.id][1]
            busy[b.actor] = (b.id, end)

    # -- result ----------------------------------------------------------------------------
    def screenplay(self, title: str, place_hints: dict[str, str]) -> S.Screenplay:
        cast = [self._cast_member(p) for p in self.people]
        place = self.place or self._guess_place(place_hints)
        kind = "outdoor" if place in ("park", "street", "beach", "garden", "forest", "yard",
                                      "field") else "indoor"
        return S.Screenplay(language=self.language, title=title, cast=cast, props=self.props,
                            set=S.Set(kind, place, self.time_of_day, list(self.spots.values())),
                            beats=self.beats)

    def _guess_place(self, hints: dict[str, str]) -> str:
        votes: dict[str, int] = {}
        for pr in self.props:
            if pr.category in hints:
                votes[hints[pr.category]] = votes.get(hints[pr.category], 0) + 1
        return max(votes, key=votes.get) if votes else "room"

    def _cast_member(self, p: _Person) -> S.CastMember:
        sex = p.sex or "unknown"
        age = None
        height = None
        word = ""
        build = ""
        accessories: list[str] = []
        outfit: list[S.Garment] = []
        description = ""
        for m in p.mentions:
            age = m.age_years if m.age_years is not None else age
            height = m.height_m or height
            word = m.height_word or word
            build = m.build or build
            for a in m.accessories:
                if a not in accessories:
                    accessories.append(a)
            for slot, item, colour in m.outfit:
                outfit.append(S.Garment(slot, item, colour))
            if len(m.text) > len(description):
                description = m.text
        if age is None:
            key = next((m.key for m in p.mentions if m.key in self.person_nouns), "")
            age = float(self.person_nouns.get(key, ("", 30))[1])
        if height is None:
            height = body_height(sex if sex != "unknown" else "", age, word)
        return S.CastMember(p.id, p.name, description,
                            S.Body(sex, float(age), float(height), build or "average"),
                            outfit, accessories)
