"""Every sample story parses to its expected Screenplay, and the seed's cases say what they must."""
import json
from pathlib import Path

import pytest

from addon import screenplay as S
from addon.story.parse import parse_story

SAMPLES = Path(__file__).resolve().parent.parent / "sample_scenes"
STORIES = sorted(SAMPLES.glob("*.txt"))


def parsed(name):
    return parse_story((SAMPLES / name).read_text(encoding="utf-8")).screenplay


def test_every_sample_story_has_an_expected_screenplay():
    missing = [p.name for p in STORIES if not p.with_suffix(".screenplay.json").exists()]
    assert not missing


@pytest.mark.parametrize("story", STORIES, ids=lambda p: p.stem)
def test_sample_parses_to_the_expected_screenplay(story):
    expected = S.from_json(story.with_suffix(".screenplay.json").read_text(encoding="utf-8"))
    got = parse_story(story.read_text(encoding="utf-8")).screenplay
    assert json.loads(got.to_json()) == json.loads(expected.to_json())


@pytest.mark.parametrize("name", ["glass_drop.txt", "glass_drop_zh.txt"])
def test_glass_let_go_high_falls_and_shatters(name):
    sp = parsed(name)
    glass = next(p for p in sp.props if p.category == "glass")
    assert glass.material == "glass"
    events = [b.action for b in sp.beats if b.actor == glass.id]
    assert events[-1] == "break" and "fall" in events
    drop = next(b for b in sp.beats if b.action == "drop")
    assert drop.target == glass.id


def test_glass_let_go_low_bounces():
    sp = parsed("glass_low_drop.txt")
    assert [b.action for b in sp.beats if b.actor == "glass"] == ["fall", "bounce"]
    assert next(b for b in sp.beats if b.action == "drop").params["height_m"] <= 0.2


@pytest.mark.parametrize("name", ["helmet_turn.txt", "helmet_turn_zh.txt"])
def test_helmet_wearer_turns_his_head(name):
    sp = parsed(name)
    (man,) = sp.cast
    assert man.accessories == ["helmet"] and man.body.sex == "male"
    assert [b.params.get("body_part") for b in sp.beats] == ["head", "head"]
    assert [b.params.get("direction") for b in sp.beats] == ["left", "right"]


def test_three_friends_story_has_three_characters_across_paragraphs():
    sp = parsed("three_friends.txt")
    assert [c.name for c in sp.cast] == ["Tom", "Anna", "little girl"]
    assert {b.actor for b in sp.beats} >= {"tom", "anna", "little_girl", "ball"}


def test_dominoes_are_one_row_of_ten_pushed_first_then_falling():
    sp = parsed("dominoes.txt")
    (row,) = sp.props
    assert (row.category, row.count, row.arrangement) == ("domino", 10, "row")
    assert [(b.actor, b.action, b.target) for b in sp.beats] == [
        ("tom", "walk", "domino"), ("tom", "push", "domino"), ("domino", "fall", None)]
    assert sp.beats[2].after == sp.beats[1].id        # the row falls after the push


def test_a_ball_thrown_at_a_stack_of_five_boxes_and_they_fall():
    sp = parsed("stack_ball.txt")
    boxes = next(p for p in sp.props if p.category == "box")
    assert (boxes.count, boxes.arrangement) == (5, "stack")
    throw = next(b for b in sp.beats if b.action == "throw")
    assert throw.target == "ball" and throw.params["destination"] == boxes.id
    assert [b.action for b in sp.beats if b.actor == boxes.id] == ["fall"]
