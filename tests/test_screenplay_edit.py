"""Editing the Screenplay as lists: rows out, edits back in, validated; stale stages named."""
from __future__ import annotations

import json

import pytest

from addon.screenplay import ScreenplayError, from_json, timeline
from addon.screenplay_edit import (add_beat, apply_rows, edit_rows, move_beat, remove_beat,
                                   stage_inputs, stale_stages)
from conftest import ROOT


@pytest.fixture
def hug() -> dict:
    return json.loads((ROOT / "sample_scenes" / "hug.screenplay.json").read_text())


def test_rows_written_back_unchanged_give_the_same_screenplay(hug):
    assert apply_rows(hug, edit_rows(hug)).to_dict() == from_json(json.dumps(hug)).to_dict()


def test_body_outfit_and_accessory_edits_are_written_and_the_rest_kept(hug):
    hug["cast"][0]["accessories"] = ["helmet:red", "pipe"]
    rows = edit_rows(hug)
    assert rows["cast"][0]["accessories"] == ["helmet"]        # the library's words only
    anna = rows["cast"][0]
    anna.update(height_m=1.5, build="slim", name="Anne")
    anna["outfit"] = [{"slot": "top", "item": "jacket", "colour": "dark green"}]
    anna["accessories"] = ["helmet", "glasses"]
    data = apply_rows(hug, rows).to_dict()
    member = data["cast"][0]
    assert member["name"] == "Anne" and member["body"]["height_m"] == 1.5
    assert member["body"]["build"] == "slim" and member["body"]["sex"] == "female"
    assert member["outfit"][0]["colour"] == "dark green"
    # the helmet keeps its colour, the unknown word stays for the cast stage to warn about
    assert member["accessories"] == ["helmet:red", "glasses", "pipe"]
    assert data["beats"][0]["source"] == hug["beats"][0]["source"]


def test_a_beats_action_target_and_timing_are_edited(hug):
    rows = edit_rows(hug)
    rows["beats"][0].update(action="point", duration_s=1.0)
    rows["beats"][1].update(timing="START", anchor="", start_s=5.0)
    sp = apply_rows(hug, rows)
    assert sp.beats[0].action == "point" and sp.beats[0].duration_s == 1.0
    assert sp.beats[1].after is None and sp.beats[1].start_s == 5.0
    assert sp.beats[1].source is not None                     # what the lists do not show


@pytest.mark.parametrize("edit, expected", [
    (("beats", 0, "action", "fly"), "beats[0].action: 'fly' is not a canonical action"),
    (("beats", 0, "target", "lamp"), "beats[0].target: no cast member, prop or spot"),
    (("beats", 1, "anchor", "b3"), "beats[1].after: no earlier beat with id 'b3'"),
    (("cast", 0, "height_m", 3.0), "cast[0].body.height_m: 3 m is outside"),
])
def test_invalid_edits_raise_with_the_path_of_the_field(hug, edit, expected):
    rows = edit_rows(hug)
    kind, index, key, value = edit
    rows[kind][index][key] = value
    with pytest.raises(ScreenplayError) as info:
        apply_rows(hug, rows)
    assert any(e.startswith(expected) for e in info.value.errors), info.value.errors


def test_words_the_cast_stage_does_not_know_are_refused(hug):
    rows = edit_rows(hug)
    rows["cast"][0]["outfit"] = [{"slot": "top", "item": "shirt", "colour": "blurple"}]
    with pytest.raises(ScreenplayError, match="'blurple' is not a colour"):
        apply_rows(hug, rows)


def test_moving_a_following_beat_up_swaps_the_two_in_time(hug):
    rows = edit_rows(hug)                   # b1 wave, b2 walk after b1, b3 hug after b2
    moved = move_beat(rows["beats"], 1, -1)
    assert [b["id"] for b in moved] == ["b2", "b1", "b3"]
    sp = apply_rows(hug, {**rows, "beats": moved})
    times = timeline(sp)
    assert times["b2"][0] == 0.0 and times["b1"][0] == times["b2"][1]
    assert times["b3"][0] == times["b1"][1]          # the chain now ends with the wave
    assert move_beat(moved, 0, -1) == moved          # nothing above the first


def test_adding_and_removing_beats_keep_the_chain(hug):
    rows = edit_rows(hug)
    added = add_beat(rows["beats"], 0, "ben")
    assert [b["id"] for b in added] == ["b1", "b4", "b2", "b3"]
    assert (added[1]["timing"], added[1]["anchor"], added[1]["action"]) == ("AFTER", "b1", "idle")
    apply_rows(hug, {**rows, "beats": added})
    removed = remove_beat(rows["beats"], 1)                   # the walk; the hug follows the wave now
    assert [b["id"] for b in removed] == ["b1", "b3"]
    assert timeline(apply_rows(hug, {**rows, "beats": removed}))["b3"][0] == 2.0


def test_stale_stages_name_what_changed_and_what_follows(hug):
    recorded = {"cast": stage_inputs(hug, "cast", 1), "animate": stage_inputs(hug, "animate", 1)}
    ran = {"cast", "animate", "simulate"}
    assert stale_stages(hug, 1, recorded, ran) == {}
    edited = apply_rows(hug, edit_rows(hug) | {"beats": move_beat(edit_rows(hug)["beats"], 1, -1)})
    stale = stale_stages(edited.to_dict(), 1, recorded, ran)
    assert stale == {"animate": ["the Screenplay"], "simulate": ["follows animate"]}
    rows = edit_rows(hug)
    rows["cast"][1]["build"] = "heavy"
    stale = stale_stages(apply_rows(hug, rows).to_dict(), 1, recorded, ran)
    assert stale["cast"] == ["ben"] and "animate" in stale
    assert set(stale_stages(hug, 2, recorded, ran)) == {"cast", "animate", "simulate"}  # seed
    assert stale_stages(hug, 1, {}, ran) == {}        # an older file: no record, no verdict


def test_simulate_and_shoot_are_stale_once_animate_is_rebuilt_from_other_inputs(hug):
    """Simulate and shoot read the animated scene: each remembers the records of the stages
    before it, so Animate re-run from other inputs (a new record) leaves them stale
    even though the Screenplay is the same."""
    recorded = {"cast": stage_inputs(hug, "cast", 1), "animate": stage_inputs(hug, "animate", 1)}
    recorded["simulate"] = stage_inputs(hug, "simulate", 1, recorded)
    recorded["shoot"] = stage_inputs(hug, "shoot", 1, recorded)
    ran = {"cast", "animate", "simulate", "shoot"}
    assert stale_stages(hug, 1, recorded, ran) == {}
    recorded["animate"] = {"screenplay": "animated again"}
    stale = stale_stages(hug, 1, recorded, ran)
    assert stale["simulate"] == ["animate changed"]
    assert stale["shoot"] == ["animate changed"]
