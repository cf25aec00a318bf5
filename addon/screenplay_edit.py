"""Editing a Screenplay as lists: flat rows for the panel's lists, and the rows written back.

The panel edits cast bodies, outfit colours, accessories, props and beats as plain rows (one
dict per list entry, simple values only).  `apply_rows` merges them into the stored
Screenplay's JSON, so whatever the lists do not show (source spans, params, placements,
descriptions) is kept, and validates the result.  `stage_inputs` fingerprints the part of a
Screenplay each stage reads, so a stage built from an older Screenplay can be named stale.
Nothing here imports Blender.
"""
from __future__ import annotations

import copy
import hashlib
import json

from .cast.colours import colour_rgb
from .cast.materials import preset_for
from .screenplay import Screenplay, ScreenplayError, from_dict
from .story.vocabulary import ACCESSORIES, PROP_CATEGORIES, default_duration

#: The generating stages in the order they run; each reads what the earlier ones made.
STAGES = ("cast", "animate", "simulate", "shoot")
#: How a beat's start is given in a row: at `start_s`, after the anchor beat ends, or with it.
TIMINGS = ("START", "AFTER", "WITH")
_BODY = ("sex", "age_years", "height_m", "build")


def edit_rows(data: dict) -> dict[str, list[dict]]:
    """The editable fields of a Screenplay's JSON (`Screenplay.to_dict()`) as list rows."""
    cast = [{"id": c["id"], "name": c["name"], **{k: c["body"][k] for k in _BODY},
             "outfit": [{"slot": g["slot"], "item": g["item"], "colour": g["colour"]}
                        for g in c["outfit"]],
             "accessories": [a.partition(":")[0] for a in c["accessories"]
                             if a.partition(":")[0] in ACCESSORIES]}
            for c in data["cast"]]
    props = [{"id": p["id"], "name": p["name"], "category": p["category"],
              "material": p["material"], "colour": p["colour"],
              "size_m": p["size_m"] or 0.0, "count": p["count"]} for p in data["props"]]
    beats = [_beat_row(b) for b in data["beats"]]
    return {"cast": cast, "props": props, "beats": beats}


def _beat_row(beat: dict) -> dict:
    timing = "AFTER" if beat["after"] else "WITH" if beat["with"] else "START"
    return {"id": beat["id"], "actor": beat["actor"], "action": beat["action"],
            "target": beat["target"] or "", "timing": timing,
            "anchor": beat["after"] or beat["with"] or "", "start_s": beat["start_s"] or 0.0,
            "duration_s": beat["duration_s"]}


def check_rows(rows: dict[str, list[dict]]) -> list[str]:
    """What the Screenplay's own validation cannot see: words the cast stage would not know."""
    errors = []
    for i, c in enumerate(rows["cast"]):
        for j, g in enumerate(c["outfit"]):
            if g["colour"] and colour_rgb(g["colour"]) is None:
                errors.append(f"cast[{i}].outfit[{j}].colour: {g['colour']!r} is not a colour "
                              f"(a name such as red, dark blue, or #8b5a2b)")
        for a in c["accessories"]:
            if a not in ACCESSORIES:
                errors.append(f"cast[{i}].accessories: {a!r} is not one of "
                              f"{', '.join(ACCESSORIES)}")
    for i, p in enumerate(rows["props"]):
        if p["category"] not in PROP_CATEGORIES:
            errors.append(f"props[{i}].category: {p['category']!r} is not a prop category")
        if p["material"] and preset_for(p["material"]) is None:
            errors.append(f"props[{i}].material: {p['material']!r} is not a material "
                          f"(wood, metal, glass, plastic, ceramic, fabric, ...)")
        if p["colour"] and colour_rgb(p["colour"]) is None:
            errors.append(f"props[{i}].colour: {p['colour']!r} is not a colour")
    for i, b in enumerate(rows["beats"]):
        if b["timing"] not in TIMINGS:
            errors.append(f"beats[{i}].timing: {b['timing']!r} is not one of "
                          f"{', '.join(TIMINGS)}")
        elif b["timing"] != "START" and not b["anchor"]:
            errors.append(f"beats[{i}]: starts {b['timing'].lower()} which beat? "
                          f"Name one, or start it at a time")
    return errors


def apply_rows(data: dict, rows: dict[str, list[dict]]) -> Screenplay:
    """The Screenplay `data` (its JSON dict) with the rows' edits; raises ScreenplayError
    naming every problem, in which case nothing should be written."""
    errors = check_rows(rows)
    out = copy.deepcopy(data)
    cast = {c["id"]: c for c in out["cast"]}
    for i, row in enumerate(rows["cast"]):
        member = cast.get(row["id"])
        if member is None:
            errors.append(f"cast[{i}].id: no cast member {row['id']!r} in the Screenplay")
            continue
        member["name"] = row["name"]
        member["body"].update({k: row[k] for k in _BODY})
        member["outfit"] = [dict(g) for g in row["outfit"]]
        member["accessories"] = _accessories(member["accessories"], row["accessories"])
    props = {p["id"]: p for p in out["props"]}
    for i, row in enumerate(rows["props"]):
        prop = props.get(row["id"])
        if prop is None:
            errors.append(f"props[{i}].id: no prop {row['id']!r} in the Screenplay")
            continue
        prop.update({k: row[k] for k in ("name", "category", "material", "colour", "count")})
        prop["size_m"] = row["size_m"] or None
        if prop["count"] < 2:
            prop["arrangement"] = ""
    old_beats = {b["id"]: b for b in out["beats"]}
    out["beats"] = [_beat(old_beats.get(row["id"]), row) for row in rows["beats"]]
    if errors:
        raise ScreenplayError(errors)
    return from_dict(out)


def _accessories(stored: list[str], chosen: list[str]) -> list[str]:
    """The chosen accessories, each with the colour it had ("helmet:red"), and the stored words
    the lists cannot show (not in the library) kept as they were."""
    by_name = {a.partition(":")[0]: a for a in stored}
    kept = [a for a in stored if a.partition(":")[0] not in ACCESSORIES]
    return [by_name.get(name, name) for name in chosen] + kept


def _beat(old: dict | None, row: dict) -> dict:
    beat = copy.deepcopy(old) if old is not None else {"params": {}, "source": None}
    beat.update(id=row["id"], actor=row["actor"], action=row["action"],
                target=row["target"] or None, duration_s=row["duration_s"],
                start_s=None, after=None)
    beat["with"] = None
    if row["timing"] == "AFTER":
        beat["after"] = row["anchor"]
    elif row["timing"] == "WITH":
        beat["with"] = row["anchor"]
    elif row["start_s"] > 0 or (old is not None and old["start_s"] is not None):
        beat["start_s"] = row["start_s"]
    return beat


# --- list edits on beat rows ----------------------------------------------------------------

def _anchor(row: dict) -> tuple[str, str]:
    return row["timing"], row["anchor"]


def move_beat(beats: list[dict], index: int, step: int) -> list[dict]:
    """The rows with beat `index` moved `step` (-1 up, +1 down) places.

    Two beats where the lower follows or accompanies the upper swap places in time as well:
    the lower takes the upper's start and the upper then follows (or accompanies) it; a beat
    further down that followed the lower now follows the upper, so a chain stays a chain.
    Anything else only changes places in the list."""
    other = index + step
    out = [dict(b) for b in beats]
    if step not in (-1, 1) or not 0 <= index < len(out) or not 0 <= other < len(out):
        return out
    first, second = sorted((index, other))
    upper, lower = out[first], out[second]
    relation = lower["timing"] if lower["anchor"] == upper["id"] else None
    if relation in ("AFTER", "WITH"):
        lower["timing"], lower["anchor"], lower["start_s"] = \
            upper["timing"], upper["anchor"], upper["start_s"]
        upper["timing"], upper["anchor"], upper["start_s"] = relation, lower["id"], 0.0
        if relation == "AFTER":
            for row in out[second + 1:]:
                if _anchor(row) == ("AFTER", lower["id"]):
                    row["anchor"] = upper["id"]
    out[first], out[second] = lower, upper
    return out


def add_beat(beats: list[dict], index: int, actor: str) -> list[dict]:
    """The rows with a new idle beat for `actor` after row `index` (at the end when there is
    none), starting when that beat ends."""
    taken = {b["id"] for b in beats}
    n = len(beats) + 1
    while f"b{n}" in taken:
        n += 1
    at = min(max(index + 1, 0), len(beats))
    anchor = beats[at - 1]["id"] if at > 0 else ""
    row = {"id": f"b{n}", "actor": actor, "action": "idle", "target": "",
           "timing": "AFTER" if anchor else "START", "anchor": anchor, "start_s": 0.0,
           "duration_s": default_duration("idle")}
    return [dict(b) for b in beats[:at]] + [row] + [dict(b) for b in beats[at:]]


def remove_beat(beats: list[dict], index: int) -> list[dict]:
    """The rows without beat `index`; beats that started from it start where it started."""
    if not 0 <= index < len(beats):
        return [dict(b) for b in beats]
    gone = beats[index]
    out = []
    for i, row in enumerate(beats):
        if i == index:
            continue
        row = dict(row)
        if row["anchor"] == gone["id"] and row["timing"] != "START":
            row["timing"], row["anchor"], row["start_s"] = \
                gone["timing"], gone["anchor"], gone["start_s"]
        out.append(row)
    return out


# --- what each stage read, and which are stale -----------------------------------------------

def _digest(value) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


#: Stages that read only the scene, and the stages whose output they read.
UPSTREAM = {"simulate": ("animate",), "shoot": ("animate", "simulate")}


def stage_inputs(data: dict, stage: str, seed: int,
                 recorded: dict[str, dict[str, str]] | None = None) -> dict[str, str]:
    """Fingerprints of what `stage` reads from the Screenplay JSON `data` with `seed`:
    cast one per cast member plus the props and the set (so one rebuilt character is fresh
    while the others are not); animate the whole cast, props, set and beats.  Simulate and
    shoot read the scene the earlier stages made: their fingerprint is of those stages'
    `recorded` inputs (so re-running animate leaves them stale)."""
    if stage == "cast":
        parts = {f"cast:{c['id']}": c for c in data["cast"]}
        parts.update(props=data["props"], set=data["set"])
    elif stage == "animate":
        parts = {"screenplay": {k: data[k] for k in ("cast", "props", "set", "beats")}}
    elif stage in UPSTREAM:
        parts = {up: (recorded or {}).get(up) for up in UPSTREAM[stage]}
    else:
        return {}
    return {name: _digest([seed, value]) for name, value in parts.items()}


def _changed(part: str, stage: str) -> str:
    if part == "screenplay":
        return "the Screenplay"
    return f"{part} changed" if stage in UPSTREAM else part


def stale_stages(data: dict, seed: int, recorded: dict[str, dict[str, str]],
                 ran: set[str] | frozenset[str]) -> dict[str, list[str]]:
    """The stages that ran (`ran`) but were built from another Screenplay or seed than `data`
    and `seed`, each with what changed (cast ids, "props", "set", "beats"), in stage order.
    A stage after a stale one is stale too ("follows <stage>").  A stage that ran without a
    record (a file from an older Story Motion) is not judged."""
    out: dict[str, list[str]] = {}
    for stage in STAGES:
        if stage not in ran:
            continue
        before = recorded.get(stage)
        now = stage_inputs(data, stage, seed, recorded)
        if now and before:
            changed = sorted({k.partition(":")[2] or k for k in set(now) | set(before)
                              if now.get(k) != before.get(k)})
            if changed:
                out[stage] = [_changed(c, stage) for c in changed]
                continue
        upstream = [s for s in out if STAGES.index(s) < STAGES.index(stage)]
        if upstream:
            out[stage] = [f"follows {upstream[-1]}"]
    return out
