"""Score the built-in story parser against the hand-annotated stories in parser_eval/stories.json.

    python benchmarks/parser_eval.py                  # summary table
    python benchmarks/parser_eval.py --show-failures  # ... and every wrong field
    python benchmarks/parser_eval.py --json           # only JSON, for scripts and CI

Each story is parsed with `addon.story.parse.parse_story(text, "auto")` (another parser with
`--parser module:function`); an exception counts as a failure of every field of that story.
Fields (null expectations are not scored):

  cast_count        number of cast members                                       per story
  sex, age, build,  per expected cast member, matched to screenplay.cast by order of
  height,           first appearance; age buckets child <13, teen 13-19, adult 20-59,
  accessories,      old >= 60; height tall >= 1.83 m male / 1.72 female / 1.80 unknown,
  colours           short <= 1.62 / 1.55 / 1.55 (thresholds by the screenplay member's sex);
                    accessories: set equality; colours: expected subset of outfit colours
                    (scored only when the story states a colour)                per member
  props             multiset of prop categories equal                            per story
  counts            for stories that list them, {category: [count, arrangement]} of those
                    props equal (screenplay Prop.count, Prop.arrangement)       per story
  place             set.place                                                   per story
  action_sequences  per actor listed in the expectations: its beats with a `source` (beats
                    without one were inserted by the parser) equal the expected
                    [action, target] list exactly; targets map to "@i" (cast), the prop's
                    category, or the spot's name                                 per actor
  extra_actors      no actor outside the expectations has beats with a source   per story
  language          screenplay.language is the story's language                 per story
  valid             addon.screenplay.validate() finds no problem                per story
  story_exact       every scored item of the story is right                     per story

Exit status is 0 whatever the parser does; 2 when the eval file itself is broken.
"""
from __future__ import annotations

import argparse
import collections
import importlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from addon.screenplay import ARRANGEMENTS, MAX_COUNT, PLACES, validate  # noqa: E402
from addon.story.vocabulary import ACCESSORIES, ACTIONS, PROP_CATEGORIES, PROP_EVENTS  # noqa: E402

EVAL_FILE = Path(__file__).resolve().parent / "parser_eval" / "stories.json"
DEFAULT_PARSER = "addon.story.parse:parse_story"
FIELDS = ("cast_count", "sex", "age", "build", "height", "accessories", "colours", "props",
          "counts",
          "place", "action_sequences", "extra_actors", "language", "valid", "story_exact")
LANGS = ("en", "zh")
SEXES = ("male", "female", "unknown")
AGES = ("child", "teen", "adult", "old")
BUILDS = ("slim", "average", "heavy", "muscular")
HEIGHTS = ("tall", "short")
#: Height thresholds (tall at or above, short at or below) by sex, metres.
HEIGHT_LIMITS = {"male": (1.83, 1.62), "female": (1.72, 1.55), "unknown": (1.80, 1.55)}
#: Targets that name a spot of the set rather than a prop ("door" and "window" are spots
#: unless the story's props list them).
SPOT_WORDS = ("centre", "corner", "door", "window", "entrance", "left", "right", "front", "back")
#: Spellings of the same spot or colour that count as equal.
SPOT_ALIASES = {"center": "centre", "middle": "centre"}
COLOUR_ALIASES = {"gray": "grey"}


class EvalFileError(Exception):
    pass


# --- the eval file -------------------------------------------------------------------------

def load_stories(path: Path) -> list[dict]:
    """Read and check the annotations; raises EvalFileError listing every problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise EvalFileError(f"{path}: {exc}")
    if not isinstance(data, list):
        raise EvalFileError(f"{path}: expected a list of stories")
    errors: list[str] = []
    seen: set[str] = set()
    for n, s in enumerate(data):
        where = f"story[{n}] ({s.get('id', '?') if isinstance(s, dict) else '?'})"
        if not isinstance(s, dict):
            errors.append(f"{where}: not an object")
            continue
        missing = {"id", "lang", "story", "cast", "props", "place", "actions"} - set(s)
        if missing:
            errors.append(f"{where}: missing {', '.join(sorted(missing))}")
            continue
        if s["id"] in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(s["id"])
        if s["lang"] not in LANGS:
            errors.append(f"{where}.lang: {s['lang']!r} is not one of {LANGS}")
        if not isinstance(s["story"], str) or not s["story"].strip():
            errors.append(f"{where}.story: empty")
        for i, c in enumerate(s["cast"]):
            p = f"{where}.cast[{i}]"
            for key, allowed in (("sex", SEXES), ("age", AGES), ("build", BUILDS),
                                 ("height", HEIGHTS)):
                if c.get(key) is not None and c[key] not in allowed:
                    errors.append(f"{p}.{key}: {c[key]!r} is not one of {allowed}")
            for a in c.get("accessories") or []:
                if a not in ACCESSORIES:
                    errors.append(f"{p}.accessories: {a!r} is not an accessory")
        for cat in s["props"]:
            if cat not in PROP_CATEGORIES:
                errors.append(f"{where}.props: {cat!r} is not a prop category")
        for cat, how in (s.get("counts") or {}).items():
            if cat not in s["props"]:
                errors.append(f"{where}.counts: {cat!r} is not one of the story's props")
            if not (isinstance(how, list) and len(how) == 2 and isinstance(how[0], int)
                    and 1 <= how[0] <= MAX_COUNT and how[1] in ARRANGEMENTS):
                errors.append(f"{where}.counts.{cat}: {how!r} is not [count 1-{MAX_COUNT}, "
                              f"arrangement one of {ARRANGEMENTS}]")
        if s["place"] is not None and s["place"] not in PLACES:
            errors.append(f"{where}.place: {s['place']!r} is not a place")
        actors = set()
        for item in s["actions"]:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], list)):
                errors.append(f"{where}.actions: {item!r} is not [actor, [[action, target]...]]")
                continue
            actor, seq = item
            if actor in actors:
                errors.append(f"{where}.actions: actor {actor!r} listed twice")
            actors.add(actor)
            is_cast = _check_ref(actor, s, f"{where}.actions {actor}", errors, spot_ok=False)
            for step in seq:
                if not (isinstance(step, list) and len(step) == 2):
                    errors.append(f"{where}.actions {actor}: {step!r} is not [action, target]")
                    continue
                action, target = step
                if action not in ACTIONS:
                    errors.append(f"{where}.actions {actor}: {action!r} is not an action")
                elif is_cast is False and action not in PROP_EVENTS:
                    errors.append(f"{where}.actions {actor}: a prop cannot {action!r}")
                elif is_cast and not ACTIONS[action].character:
                    errors.append(f"{where}.actions {actor}: a person cannot {action!r}")
                if target is not None:
                    _check_ref(target, s, f"{where}.actions {actor} {action}", errors,
                               spot_ok=True)
                    if target == actor:
                        errors.append(f"{where}.actions {actor}: acts on itself")
    if errors:
        raise EvalFileError("\n".join(errors))
    return data


def _check_ref(ref, story, where, errors, spot_ok):
    """True for a cast reference, False for a prop, None for a spot or a bad reference."""
    if not isinstance(ref, str):
        errors.append(f"{where}: {ref!r} is not a string")
        return None
    if ref.startswith("@"):
        if not ref[1:].isdigit() or int(ref[1:]) >= len(story["cast"]):
            errors.append(f"{where}: {ref!r} is not a cast member of this story")
        return True
    if ref in story["props"]:
        return False
    if spot_ok and ref in SPOT_WORDS:
        return None
    errors.append(f"{where}: {ref!r} is not a cast member, a prop of this story"
                  + (" or a spot word" if spot_ok else ""))
    return None


# --- reading a screenplay ------------------------------------------------------------------

def age_bucket(years):
    if years is None:
        return None
    if years < 13:
        return "child"
    if years < 20:
        return "teen"
    if years < 60:
        return "adult"
    return "old"


def height_bucket(height_m, sex):
    if height_m is None:
        return None
    tall, short = HEIGHT_LIMITS.get(sex, HEIGHT_LIMITS["unknown"])
    if height_m >= tall:
        return "tall"
    if height_m <= short:
        return "short"
    return None


def _norm_colour(c: str) -> set[str]:
    words = str(c or "").lower().replace("-", " ").split()
    return {COLOUR_ALIASES.get(w, w) for w in words}


def id_names(sp) -> dict[str, str]:
    """Screenplay id -> what the annotations call it: '@i', a prop category or a spot name."""
    names = {}
    for s in sp.set.spots:
        n = str(s.name).strip().lower().replace(" ", "_")
        names[s.id] = SPOT_ALIASES.get(n, n)
    for p in sp.props:
        names[p.id] = p.category
    for i, c in enumerate(sp.cast):
        names[c.id] = f"@{i}"
    return names


def stated_sequences(sp) -> dict[str, list[list]]:
    """Each actor's beats that come from the story text, in screenplay order."""
    names = id_names(sp)
    seqs: dict[str, list[list]] = collections.defaultdict(list)
    for b in sp.beats:
        if getattr(b, "source", None) is None:
            continue
        actor = names.get(b.actor, f"?{b.actor}")
        target = None if b.target is None else names.get(b.target, f"?{b.target}")
        seqs[actor].append([b.action, target])
    return dict(seqs)


# --- scoring -------------------------------------------------------------------------------

def expected_items(story: dict) -> list[tuple]:
    """(field, actor or None, expected) for everything this story scores, story_exact aside."""
    items = [("cast_count", None, len(story["cast"]))]
    for i, c in enumerate(story["cast"]):
        who = f"@{i}"
        for key in ("sex", "age", "build", "height"):
            if c.get(key) is not None:
                items.append((key, who, c[key]))
        if c.get("accessories") is not None:
            items.append(("accessories", who, sorted(c["accessories"])))
        if c.get("colours"):
            items.append(("colours", who, sorted(c["colours"])))
    items.append(("props", None, sorted(story["props"])))
    if story.get("counts"):
        items.append(("counts", None, story["counts"]))
    if story["place"] is not None:
        items.append(("place", None, story["place"]))
    for actor, seq in story["actions"]:
        items.append(("action_sequences", actor, seq))
    items.append(("extra_actors", None, []))
    items.append(("language", None, story["lang"]))
    items.append(("valid", None, []))
    return items


def got_value(field, who, expected, sp, story, seqs):
    """(correct, got) for one scored item."""
    if field == "cast_count":
        return len(sp.cast) == expected, len(sp.cast)
    if who is not None and who.startswith("@") and field != "action_sequences":
        i = int(who[1:])
        if i >= len(sp.cast):
            return False, "(no such cast member)"
        body = sp.cast[i].body
        if field == "sex":
            return body.sex == expected, body.sex
        if field == "age":
            got = age_bucket(body.age_years)
            return got == expected, f"{got} ({body.age_years:g} y)"
        if field == "build":
            return body.build == expected, body.build
        if field == "height":
            got = height_bucket(body.height_m, body.sex)
            return got == expected, f"{got} ({body.height_m:g} m, {body.sex})"
        if field == "accessories":
            got = sorted({str(a).lower() for a in sp.cast[i].accessories})
            return set(got) == set(expected), got
        if field == "colours":
            have = set()
            for g in sp.cast[i].outfit:
                have |= _norm_colour(g.colour)
            want = set().union(*(_norm_colour(c) for c in expected))
            return want <= have, sorted(have)
    if field == "props":
        got = sorted(p.category for p in sp.props)
        return got == expected, got
    if field == "counts":
        got = {p.category: [p.count, p.arrangement] for p in sp.props if p.category in expected}
        return got == expected, got
    if field == "place":
        return sp.set.place == expected, sp.set.place
    if field == "action_sequences":
        got = seqs.get(who, [])
        return got == [list(x) for x in expected], got
    if field == "extra_actors":
        listed = {a for a, _ in story["actions"]}
        extra = {a: s for a, s in seqs.items() if a not in listed}
        return not extra, extra
    if field == "language":
        return sp.language == expected, sp.language
    if field == "valid":
        problems = validate(sp)
        return not problems, problems[:5]
    raise AssertionError(field)


def score_story(story: dict, result, error: str | None) -> list[dict]:
    """One dict per scored item: field, actor, expected, got, correct."""
    items = expected_items(story)
    out = []
    sp = None
    if error is None:
        sp = getattr(result, "screenplay", result)
        try:
            seqs = stated_sequences(sp)
        except Exception as exc:  # a malformed screenplay: every field fails
            error = f"unreadable screenplay: {type(exc).__name__}: {exc}"
    for field, who, expected in items:
        if error is not None:
            correct, got = False, error
        else:
            try:
                correct, got = got_value(field, who, expected, sp, story, seqs)
            except Exception as exc:
                correct, got = False, f"unreadable: {type(exc).__name__}: {exc}"
        out.append({"field": field, "actor": who, "expected": expected, "got": got,
                    "correct": bool(correct)})
    out.append({"field": "story_exact", "actor": None, "expected": True,
                "got": all(r["correct"] for r in out), "correct": all(r["correct"] for r in out)})
    return out


def load_parser(spec: str):
    module, _, func = spec.partition(":")
    return getattr(importlib.import_module(module), func or "parse_story")


def evaluate(stories: list[dict], parser_spec: str = DEFAULT_PARSER, parse=None,
             language_hint: bool = False) -> dict:
    """Parse and score every story; returns the JSON report."""
    import_error = None
    if parse is None:
        try:
            parse = load_parser(parser_spec)
        except Exception as exc:
            import_error = f"parser not importable ({parser_spec}): {type(exc).__name__}: {exc}"
    tally = {f: {lang: [0, 0] for lang in LANGS} for f in FIELDS}
    failures = []
    parse_errors = 0
    started = time.perf_counter()
    for story in stories:
        result, error = None, import_error
        if error is None:
            try:
                result = parse(story["story"], story["lang"] if language_hint else "auto")
            except Exception as exc:
                error = f"parse failed: {type(exc).__name__}: {exc}"
        scored = score_story(story, result, error)
        got0 = scored[0]["got"]
        parse_errors += isinstance(got0, str) and got0.startswith(WHOLE_STORY_ERRORS)
        for r in scored:
            t = tally[r["field"]][story["lang"]]
            t[1] += 1
            t[0] += r["correct"]
            if not r["correct"] and r["field"] != "story_exact":
                f = {"id": story["id"], "field": r["field"], "expected": r["expected"],
                     "got": r["got"]}
                if r["actor"] is not None:
                    f["actor"] = r["actor"]
                failures.append(f)
    fields = {}
    for f in FIELDS:
        c = sum(v[0] for v in tally[f].values())
        n = sum(v[1] for v in tally[f].values())
        fields[f] = {"correct": c, "total": n, "accuracy": _acc(c, n)}
        for lang in LANGS:
            lc, ln = tally[f][lang]
            fields[f][lang] = {"correct": lc, "total": ln, "accuracy": _acc(lc, ln)}
    return {"stories": len(stories),
            "per_language": {lang: sum(s["lang"] == lang for s in stories) for lang in LANGS},
            "parser": parser_spec, "parser_error": import_error, "parse_errors": parse_errors,
            "seconds": round(time.perf_counter() - started, 3),
            "fields": fields, "failures": failures}


#: Prefixes of a failure's `got` that mean no field of the story could be read.
WHOLE_STORY_ERRORS = ("parse failed:", "parser not importable", "unreadable screenplay:")


def _acc(c, n):
    return round(c / n, 4) if n else None


# --- output --------------------------------------------------------------------------------

def _pct(d):
    return "   -  " if d["accuracy"] is None else f"{100 * d['accuracy']:5.1f}%"


def print_table(report: dict) -> None:
    per = report["per_language"]
    print(f"{report['stories']} stories ({', '.join(f'{k} {v}' for k, v in per.items())}), "
          f"parser {report['parser']}, {report['parse_errors']} parse errors, "
          f"{report['seconds']:.2f} s")
    if report["parser_error"]:
        print(report["parser_error"])
    head = f"{'field':<18}{'correct':>8}{'total':>7}{'accuracy':>10}"
    head += "".join(f"{lang:>16}" for lang in LANGS)
    print(head)
    print("-" * len(head))
    for name, d in report["fields"].items():
        line = f"{name:<18}{d['correct']:>8}{d['total']:>7}{_pct(d):>10}"
        for lang in LANGS:
            ld = d[lang]
            line += f"{_pct(ld):>8} {ld['correct']:>3}/{ld['total']:<3}"
        print(line)


def print_failures(report: dict, stories: list[dict]) -> None:
    text = {s["id"]: s["story"] for s in stories}
    last = None
    for f in report["failures"]:
        whole_story = isinstance(f["got"], str) and f["got"].startswith(WHOLE_STORY_ERRORS)
        if f["id"] == last and whole_story:
            continue                    # already said why nothing of this story was read
        if f["id"] != last:
            print(f"\n{f['id']}: {text.get(f['id'], '')}")
            last = f["id"]
        if whole_story:
            print(f"  every field: {f['got']}")
            continue
        who = f" {f['actor']}" if "actor" in f else ""
        exp = json.dumps(f["expected"], ensure_ascii=False)
        got = json.dumps(f["got"], ensure_ascii=False, default=str)
        print(f"  {f['field']}{who}: expected {exp}\n  {' ' * len(f['field'] + who)}  got      {got}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true", help="print only the JSON report")
    ap.add_argument("--show-failures", action="store_true", help="print every wrong field")
    ap.add_argument("--file", type=Path, default=EVAL_FILE, help="the annotated stories")
    ap.add_argument("--parser", default=DEFAULT_PARSER,
                    help=f"module:function to evaluate (default {DEFAULT_PARSER})")
    ap.add_argument("--lang", choices=LANGS, help="only the stories in this language")
    ap.add_argument("--language-hint", action="store_true",
                    help="pass each story's language instead of 'auto'")
    args = ap.parse_args(argv)
    try:
        stories = load_stories(args.file)
    except EvalFileError as exc:
        print(f"broken eval file:\n{exc}", file=sys.stderr)
        return 2
    if args.lang:
        stories = [s for s in stories if s["lang"] == args.lang]
    report = evaluate(stories, args.parser, language_hint=args.language_hint)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, default=str, indent=1))
        return 0
    print_table(report)
    if args.show_failures:
        print_failures(report, stories)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:          # e.g. piped into `head`
        sys.stderr.close()
        sys.exit(0)
