"""The built-in English parser: who, what, to whom, where and when."""
import pytest

from addon.story.parse import parse_story


def beats(text):
    sp = parse_story(text).screenplay
    return sp, [(b.actor, b.action, b.target) for b in sp.beats]


def test_description_sets_the_body_and_accessories():
    sp, _ = beats("A tall heavy old man wearing a helmet and a red jacket turns his head.")
    (man,) = sp.cast
    assert (man.body.sex, man.body.build) == ("male", "heavy")
    assert 65 <= man.body.age_years <= 80 and 1.80 <= man.body.height_m <= 1.90
    assert man.accessories == ["helmet"]
    assert [(g.slot, g.item, g.colour) for g in man.outfit] == [("top", "jacket", "red")]
    assert sp.beats[0].action == "look_at" and sp.beats[0].params == {"body_part": "head"}


def test_children_are_shorter_than_adults_and_girls_are_female():
    sp, _ = beats("A little girl and a woman walk to the door.")
    girl, woman = sp.cast
    assert girl.body.sex == woman.body.sex == "female"
    assert girl.body.age_years < 10 and girl.body.height_m < woman.body.height_m - 0.3
    assert sp.set.spots[0].name == "door"


def test_pronouns_follow_the_last_fitting_mention():
    sp, seq = beats("Mary waves at John. He walks over to her and hugs her. It is sunny.")
    assert seq == [("mary", "wave", "john"), ("john", "walk", "mary"), ("john", "hug", "mary")]


def test_walk_is_inserted_to_reach_a_target_elsewhere():
    sp, seq = beats("Lucy picks up a book from the table. She puts it on the shelf.")
    assert seq == [("lucy", "pick_up", "book"), ("lucy", "walk", "shelf"),
                   ("lucy", "put_down", "book")]
    walk = sp.beats[1]
    assert walk.source is None                     # inserted, not in the text
    assert sp.beats[2].params["destination"] == "shelf"
    assert sp.props[0].placement.target == "table"


def test_timing_words():
    sp, _ = beats("Tom dances for three seconds. Then he jumps. At the same time, Anna claps."
                  " Two seconds later, Anna sits down.")
    b = {x.action: x for x in sp.beats}
    assert b["dance"].duration_s == 3.0 and b["jump"].after == b["dance"].id
    assert b["clap"].with_ == b["jump"].id
    idle = next(x for x in sp.beats if x.action == "idle")
    assert idle.duration_s == 2.0 and b["sit"].after == idle.id


def test_prop_events_and_drop_height():
    sp, seq = beats("I hold a glass cup high in the air and let it go. "
                    "It falls to the floor and shatters.")
    assert seq == [("narrator", "carry", "glass"), ("narrator", "drop", "glass"),
                   ("glass", "fall", None), ("glass", "break", None)]
    glass = sp.props[0]
    assert (glass.category, glass.material) == ("glass", "glass")
    assert glass.placement.relation == "held_by" and sp.beats[1].params["height_m"] >= 1.0
    low = parse_story("I hold a glass cup just above the floor and let it go.").screenplay
    assert low.beats[1].params["height_m"] <= 0.2


def test_knock_down_makes_the_target_fall():
    _, seq = beats("A muscular man punches a tall man and knocks him down.")
    assert seq == [("muscular_man", "punch", "tall_man"), ("tall_man", "fall", None)]


def test_get_up_depends_on_posture():
    _, seq = beats("Tom sits on the bench. Then he gets up. He falls and gets up again.")
    assert [a for _, a, _ in seq] == ["sit", "stand_up", "fall", "get_up"]


def test_groups_act_together_and_reciprocal_actions_pair_up():
    sp, seq = beats("Two boys kick a ball. Anna and Ben hug.")
    assert seq[:2] == [("boy", "kick", "ball"), ("boy_2", "kick", "ball")]
    assert sp.beats[1].with_ == sp.beats[0].id
    assert seq[2] == ("anna", "hug", "ben")


def test_light_and_phrasal_verbs():
    _, seq = beats("Jack shakes hands with Peter. Peter gives him a hug. "
                   "Jack does a backflip and snaps his fingers.")
    assert seq == [("jack", "handshake", "peter"), ("peter", "hug", "jack"),
                   ("jack", "backflip", None), ("jack", "snap_fingers", None)]


@pytest.mark.parametrize("story, place, time", [
    ("At dusk, a woman sits on a bench.", "park", "dusk"),
    ("In the kitchen, a man drops a plate.", "kitchen", ""),
    ("It is night on the beach. A girl dances.", "beach", "night"),
    ("A man drops a cup.", "room", ""),
])
def test_set_from_the_story_or_its_props(story, place, time):
    sp = parse_story(story).screenplay
    assert (sp.set.place, sp.set.time_of_day) == (place, time)
    assert sp.set.kind == ("outdoor" if place in ("park", "beach") else "indoor")


def test_unknown_verb_becomes_idle_with_a_warning_naming_the_word():
    r = parse_story("Tom glorps the table.")
    assert r.screenplay.beats[0].action == "idle"
    assert any("'glorps'" in w for w in r.warnings)


def test_every_beat_keeps_its_source_span():
    text = "Anna waves. Then she jumps."
    sp = parse_story(text).screenplay
    for b in sp.beats:
        assert text[b.source.start:b.source.end] == b.source.text


@pytest.mark.parametrize("story", [
    "A tall heavy old man, a little girl and a muscular woman stand in a room.",
    "A tall heavy old man, a little girl, and a muscular woman wave.",
])
def test_a_list_of_people_keeps_everyone_and_their_descriptions(story):
    sp = parse_story(story).screenplay
    assert [c.id for c in sp.cast] == ["old_man", "little_girl", "muscular_woman"]
    man = sp.cast[0].body
    assert (man.build, man.height_m > 1.8, man.age_years > 60) == ("heavy", True, True)
    assert sorted(b.actor for b in sp.beats) == sorted(c.id for c in sp.cast)
