"""The Screenplay: the contract between story understanding and staging.

Plain dataclasses in human units (years, metres, seconds) with a JSON round-trip and a
validator that names the path of every bad field, so a hand-edited or LLM-written screenplay
fails with a message a person can act on.  Nothing here imports Blender.
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field

from .story.vocabulary import ACTIONS, PROP_EVENTS

VERSION = 1

SEXES = ("male", "female", "unknown")
BUILDS = ("slim", "average", "heavy", "muscular")
SET_KINDS = ("indoor", "outdoor")
PLACES = ("park", "street", "room", "kitchen", "office", "beach", "stage", "garden", "forest",
          "bar", "restaurant", "classroom", "gym", "living_room", "bedroom", "yard", "field")
#: How the members of a counted prop stand: "" one thing or a loose group, "row" in a line a
#: little apart (dominoes), "stack" piled on each other (boxes).
ARRANGEMENTS = ("", "row", "stack")
MAX_COUNT = 50                       # members of one prop; more is a crowd the stage cannot play
RELATIONS = ("on", "under", "next_to", "in", "in_front_of", "behind", "held_by", "at", "near")
GARMENT_SLOTS = ("top", "bottom", "dress", "shoes", "outer")
#: What a beat's `params` may say, and the JSON type of each.
PARAMS = {
    "direction": str,    # left, right, around, up, down, back, forward
    "speed": str,        # slow, fast
    "height_m": float,   # how high a dropped or thrown thing starts
    "body_part": str,    # head, hand, arm, foot
    "distance_m": float,  # how far to go
    "destination": str,  # id of where a put-down, thrown or kicked thing should end up
}


class ScreenplayError(ValueError):
    """A screenplay that breaks the schema; `errors` holds one 'path: problem' line each."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"invalid screenplay: {errors[0]}{more}")


@dataclass
class Body:
    sex: str = "unknown"
    age_years: float = 30.0
    height_m: float = 1.70
    build: str = "average"


@dataclass
class Garment:
    slot: str                 # top, bottom, dress, shoes, outer
    item: str                 # the story's word: jacket, jeans, skirt, boots
    colour: str = ""


@dataclass
class CastMember:
    id: str
    name: str
    description: str = ""
    body: Body = field(default_factory=Body)
    outfit: list[Garment] = field(default_factory=list)
    accessories: list[str] = field(default_factory=list)


@dataclass
class Placement:
    relation: str             # one of RELATIONS
    target: str               # a prop, spot or cast id


@dataclass
class Prop:
    id: str
    name: str
    category: str
    material: str = ""
    colour: str = ""
    size_m: float | None = None      # largest dimension when the story states it
    description: str = ""
    placement: Placement | None = None
    count: int = 1                   # "ten dominoes": 10 objects of this one prop
    arrangement: str = ""            # one of ARRANGEMENTS


@dataclass
class Spot:
    id: str
    name: str


@dataclass
class Set:
    kind: str = "indoor"
    place: str = "room"
    time_of_day: str = ""            # dawn, morning, noon, afternoon, dusk, night, or ""
    spots: list[Spot] = field(default_factory=list)


@dataclass
class Span:
    start: int
    end: int
    text: str


@dataclass
class Beat:
    """One thing one actor does.

    When it starts: `start_s` (absolute, seconds), or `after` (when that beat ends), or `with_`
    (when that beat starts); none of them means at the very start of the story.
    """
    id: str
    actor: str
    action: str
    target: str | None = None
    start_s: float | None = None
    after: str | None = None
    with_: str | None = None
    duration_s: float = 2.0
    params: dict[str, typing.Any] = field(default_factory=dict)
    source: Span | None = None


@dataclass
class Screenplay:
    version: int = VERSION
    language: str = "en"
    title: str = ""
    cast: list[CastMember] = field(default_factory=list)
    props: list[Prop] = field(default_factory=list)
    set: Set = field(default_factory=Set)
    beats: list[Beat] = field(default_factory=list)

    def ids(self) -> dict[str, str]:
        """Every id in the screenplay mapped to what it names: cast, prop or spot."""
        out = {c.id: "cast" for c in self.cast}
        out.update({p.id: "prop" for p in self.props})
        out.update({s.id: "spot" for s in self.set.spots})
        return out

    def to_dict(self) -> dict:
        return _to_json(self)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


# --- serialisation -------------------------------------------------------------------------

def _json_name(f: dataclasses.Field) -> str:
    return f.name.rstrip("_")          # `with_` is "with" in JSON


def _to_json(obj):
    if dataclasses.is_dataclass(obj):
        return {_json_name(f): _to_json(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list):
        return [_to_json(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _to_json(v) for k, v in obj.items()}
    return obj


def _describe(tp) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             dict: "an object"}
    return names.get(tp, getattr(tp, "__name__", str(tp)))


def _load(tp, value, path: str, errors: list[str]):
    """Build `tp` from JSON `value`, appending 'path: problem' to errors instead of raising."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _load(args[0], value, path, errors)
    if origin is list:
        if not isinstance(value, list):
            errors.append(f"{path}: expected a list, got {type(value).__name__}")
            return []
        (item,) = typing.get_args(tp)
        return [_load(item, v, f"{path}[{i}]", errors) for i, v in enumerate(value)]
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            errors.append(f"{path}: expected an object, got {type(value).__name__}")
            return {}
        return {k: v for k, v in value.items() if v is not None}
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            errors.append(f"{path or 'screenplay'}: expected an object, got {type(value).__name__}")
            return None
        hints = typing.get_type_hints(tp)
        fields = {_json_name(f): f for f in dataclasses.fields(tp)}
        for key in value:
            if key not in fields:
                errors.append(f"{_join(path, key)}: unknown field; known: {', '.join(fields)}")
        kwargs = {}
        for name, f in fields.items():
            if name in value:
                kwargs[f.name] = _load(hints[f.name], value[name], _join(path, name), errors)
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                errors.append(f"{_join(path, name)}: missing")
        try:
            return tp(**kwargs)
        except TypeError:
            return None
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(f"{path}: expected a number, got {json.dumps(value)[:40]}")
            return 0.0
        return float(value)
    if tp is typing.Any:
        return value
    if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
        errors.append(f"{path}: expected {_describe(tp)}, got {json.dumps(value)[:40]}")
        return tp()
    return value


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def from_dict(data) -> Screenplay:
    """Load and validate; raises ScreenplayError listing every problem with its path."""
    errors: list[str] = []
    if isinstance(data, dict) and data.get("version", VERSION) != VERSION:
        raise ScreenplayError([f"version: {data.get('version')!r} is not supported; "
                               f"this Story Motion reads version {VERSION}"])
    sp = _load(Screenplay, data, "", errors)
    if sp is not None and not errors:
        errors = validate(sp)
    if errors:
        raise ScreenplayError(errors)
    return sp


def from_json(text: str) -> Screenplay:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScreenplayError([f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"])
    return from_dict(data)


# --- validation ----------------------------------------------------------------------------

def _choice(errors, path, value, allowed):
    if value not in allowed:
        errors.append(f"{path}: {value!r} is not one of {', '.join(allowed)}")


def _range(errors, path, value, lo, hi, unit):
    if value is not None and not lo <= value <= hi:
        errors.append(f"{path}: {value:g} {unit} is outside {lo:g}–{hi:g} {unit}")


def validate(sp: Screenplay) -> list[str]:
    """Semantic checks the types cannot express; returns 'path: problem' lines."""
    errors: list[str] = []
    if sp.version != VERSION:
        errors.append(f"version: must be {VERSION}")
    _choice(errors, "language", sp.language, ("en", "zh"))
    seen: dict[str, str] = {}

    def unique(path, ident):
        if not ident or not ident.replace("_", "a").isalnum() or not ident.isascii():
            errors.append(f"{path}: {ident!r} is not an id (ASCII letters, digits, underscores)")
        elif ident in seen:
            errors.append(f"{path}: id {ident!r} is already used by {seen[ident]}")
        else:
            seen[ident] = path

    for i, c in enumerate(sp.cast):
        p = f"cast[{i}]"
        unique(f"{p}.id", c.id)
        _choice(errors, f"{p}.body.sex", c.body.sex, SEXES)
        _choice(errors, f"{p}.body.build", c.body.build, BUILDS)
        _range(errors, f"{p}.body.age_years", c.body.age_years, 0, 120, "years")
        _range(errors, f"{p}.body.height_m", c.body.height_m, 0.45, 2.5, "m")
        for j, g in enumerate(c.outfit):
            _choice(errors, f"{p}.outfit[{j}].slot", g.slot, GARMENT_SLOTS)
    for i, s in enumerate(sp.set.spots):
        unique(f"set.spots[{i}].id", s.id)
    for i, pr in enumerate(sp.props):
        p = f"props[{i}]"
        unique(f"{p}.id", pr.id)
        if not pr.category:
            errors.append(f"{p}.category: missing")
        _range(errors, f"{p}.size_m", pr.size_m, 0.005, 50, "m")
        if not 1 <= pr.count <= MAX_COUNT:
            errors.append(f"{p}.count: {pr.count} must be between 1 and {MAX_COUNT}")
        if pr.arrangement not in ARRANGEMENTS:
            errors.append(f"{p}.arrangement: {pr.arrangement!r} is not one of "
                          f"{', '.join(repr(a) for a in ARRANGEMENTS)}")
        elif pr.arrangement and pr.count < 2:
            errors.append(f"{p}.arrangement: a {pr.arrangement} needs a count of 2 or more "
                          f"(count is {pr.count})")
    ids = sp.ids()
    for i, pr in enumerate(sp.props):
        if pr.placement:
            p = f"props[{i}].placement"
            _choice(errors, f"{p}.relation", pr.placement.relation, RELATIONS)
            if pr.placement.target not in ids:
                errors.append(f"{p}.target: no cast member, prop or spot with id "
                              f"{pr.placement.target!r}; known: {_known(ids)}")
            elif pr.placement.target == pr.id:
                errors.append(f"{p}.target: a prop cannot be placed relative to itself")
    _choice(errors, "set.kind", sp.set.kind, SET_KINDS)
    _choice(errors, "set.place", sp.set.place, PLACES)
    beat_ids: set[str] = set()
    for i, b in enumerate(sp.beats):
        p = f"beats[{i}]"
        unique(f"{p}.id", b.id)
        kind = ids.get(b.actor)
        if kind not in ("cast", "prop"):
            errors.append(f"{p}.actor: no cast member or prop with id {b.actor!r}; "
                          f"known: {_known(ids)}")
        if b.action not in ACTIONS:
            errors.append(f"{p}.action: {b.action!r} is not a canonical action")
        elif kind == "prop" and b.action not in PROP_EVENTS:
            errors.append(f"{p}.action: a prop can only {', '.join(sorted(PROP_EVENTS))}, "
                          f"not {b.action!r}")
        elif kind == "cast" and not ACTIONS[b.action].character:
            errors.append(f"{p}.action: {b.action!r} is something only props do")
        if b.target is not None and b.target not in ids:
            errors.append(f"{p}.target: no cast member, prop or spot with id {b.target!r}; "
                          f"known: {_known(ids)}")
        elif b.target is not None and b.target == b.actor:
            errors.append(f"{p}.target: an actor cannot act on itself")
        for key, value in b.params.items():
            if key not in PARAMS:
                errors.append(f"{p}.params.{key}: unknown; known: {', '.join(PARAMS)}")
            elif PARAMS[key] is float and (isinstance(value, bool)
                                           or not isinstance(value, (int, float))):
                errors.append(f"{p}.params.{key}: expected a number, got {value!r}")
            elif PARAMS[key] is str and not isinstance(value, str):
                errors.append(f"{p}.params.{key}: expected a string, got {value!r}")
            elif key == "destination" and value not in ids:
                errors.append(f"{p}.params.destination: no cast member, prop or spot with id "
                              f"{value!r}; known: {_known(ids)}")
        if not 0 < b.duration_s <= 3600:
            errors.append(f"{p}.duration_s: {b.duration_s:g} s must be above 0 and at most 3600")
        if b.start_s is not None and not 0 <= b.start_s <= 36000:
            errors.append(f"{p}.start_s: {b.start_s:g} s must be between 0 and 36000")
        anchors = [n for n in ("start_s", "after", "with_") if getattr(b, n) is not None]
        if len(anchors) > 1:
            errors.append(f"{p}: give only one of start_s, after, with (got {', '.join(anchors)})")
        for rel in ("after", "with_"):
            ref = getattr(b, rel)
            if ref is not None and ref not in beat_ids:
                errors.append(f"{p}.{rel.rstrip('_')}: no earlier beat with id {ref!r}")
        beat_ids.add(b.id)
    return errors


def _known(ids: dict[str, str]) -> str:
    return ", ".join(sorted(ids)) or "(none)"


def timeline(sp: Screenplay) -> dict[str, tuple[float, float]]:
    """Start and end in seconds of every beat, from its anchor; the story order is the
    dependency order because `after` and `with` may only point backwards."""
    times: dict[str, tuple[float, float]] = {}
    for b in sp.beats:
        if b.after is not None:
            start = times[b.after][1]
        elif b.with_ is not None:
            start = times[b.with_][0]
        else:
            start = b.start_s or 0.0
        times[b.id] = (start, start + b.duration_s)
    return times


def json_schema() -> dict:
    """JSON Schema of the Screenplay, for LLM structured output (strict mode: every property
    required, no extra properties; optional values are nullable)."""
    return _schema(Screenplay)


def _schema(tp) -> dict:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        s = _schema(inner)
        if "type" in s:
            return {**s, "type": [s["type"], "null"]}
        return {"anyOf": [s, {"type": "null"}]}
    if origin is list:
        return {"type": "array", "items": _schema(typing.get_args(tp)[0])}
    if origin is dict or tp is dict:    # only beat params are dicts
        props = {k: {"type": [{str: "string", float: "number"}[t], "null"]}
                 for k, t in PARAMS.items()}
        return {"type": "object", "properties": props, "required": list(props),
                "additionalProperties": False}
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        props = {_json_name(f): _schema(hints[f.name]) for f in dataclasses.fields(tp)}
        return {"type": "object", "properties": props, "required": list(props),
                "additionalProperties": False}
    return {"type": {str: "string", int: "integer", float: "number", bool: "boolean"}[tp]}
