"""The parser evaluation set stays well-formed and the built-in parser keeps its scores: every
English story exact, counted props (rows of dominoes, stacks of boxes) right in both languages,
and no Chinese field below what it scored when counted props came in."""
from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT

_spec = importlib.util.spec_from_file_location("parser_eval", ROOT / "benchmarks" / "parser_eval.py")
parser_eval = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(parser_eval)

#: Chinese scores (correct, total) the built-in parser reached; a change may only raise them.
ZH_FLOOR = {"story_exact": 39, "action_sequences": 57, "cast_count": 46, "props": 48}


@pytest.fixture(scope="module")
def report():
    return parser_eval.evaluate(parser_eval.load_stories(parser_eval.EVAL_FILE))


def test_the_eval_file_loads_and_is_balanced(report):
    assert report["per_language"] == {"en": 49, "zh": 49} and report["parse_errors"] == 0


def test_english_is_exact_and_counted_props_are_right_in_both_languages(report):
    fields = report["fields"]
    assert fields["story_exact"]["en"]["accuracy"] == 1.0, [
        f for f in report["failures"] if f["id"].startswith("en_")]
    assert fields["counts"]["total"] == 8 and fields["counts"]["accuracy"] == 1.0
    assert fields["valid"]["accuracy"] == 1.0


def test_chinese_does_not_fall_below_its_floor(report):
    for field, floor in ZH_FLOOR.items():
        assert report["fields"][field]["zh"]["correct"] >= floor, field


def test_a_broken_counts_annotation_is_reported(tmp_path):
    bad = tmp_path / "stories.json"
    bad.write_text('[{"id": "x", "lang": "en", "story": "Tom waves.", "cast": [], '
                   '"props": ["box"], "place": null, "actions": [], '
                   '"counts": {"box": [0, "heap"]}}]', encoding="utf-8")
    with pytest.raises(parser_eval.EvalFileError, match=r"counts.box: \[0, 'heap'\]"):
        parser_eval.load_stories(bad)
