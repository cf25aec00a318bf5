"""The Screenplay contract: JSON round-trip, validation that names the bad field, timeline."""
import json

import pytest

from addon import screenplay as S


def small() -> S.Screenplay:
    return S.Screenplay(
        title="kick", cast=[S.CastMember("tom", "Tom", body=S.Body("male", 10, 1.4, "slim"),
                                         outfit=[S.Garment("top", "shirt", "red")],
                                         accessories=["cap"])],
        props=[S.Prop("ball", "ball", "ball", "rubber",
                      placement=S.Placement("on", "centre"))],
        set=S.Set("outdoor", "park", "dusk", [S.Spot("centre", "centre")]),
        beats=[S.Beat("b1", "tom", "kick", "ball", params={"speed": "fast"},
                      source=S.Span(0, 14, "Tom kicks ball")),
               S.Beat("b2", "ball", "roll", after="b1", duration_s=2.5),
               S.Beat("b3", "tom", "celebrate", with_="b2")])


def test_json_round_trip_is_lossless():
    sp = small()
    again = S.from_json(sp.to_json())
    assert again == sp
    data = json.loads(sp.to_json())
    assert data["version"] == 1 and data["beats"][2]["with"] == "b2"


def test_timeline_follows_after_and_with():
    times = S.timeline(small())
    assert times["b1"] == (0.0, 2.0)        # the Beat default duration
    assert times["b2"] == (2.0, 4.5)
    assert times["b3"][0] == 2.0


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["beats"][0].update(target="lamp"),
     "beats[0].target: no cast member, prop or spot with id 'lamp'; known: ball, centre, tom"),
    (lambda d: d["beats"][0].update(action="fly"), "beats[0].action: 'fly' is not a canonical"),
    (lambda d: d["beats"][1].update(action="wave"), "beats[1].action: a prop can only"),
    (lambda d: d["beats"][0].update(actor="ghost"), "beats[0].actor: no cast member or prop"),
    (lambda d: d["beats"][1].update(duration_s=0), "beats[1].duration_s: 0 s must be above 0"),
    (lambda d: d["beats"][1].update(after="b9"), "beats[1].after: no earlier beat with id 'b9'"),
    (lambda d: d["beats"][1].update(start_s=3.0), "beats[1]: give only one of start_s, after"),
    (lambda d: d["cast"][0]["body"].update(height_m=4.0), "cast[0].body.height_m: 4 m"),
    (lambda d: d["cast"][0]["body"].update(sex="robot"), "cast[0].body.sex: 'robot' is not"),
    (lambda d: d["cast"][0].update(id="ball"), "props[0].id: id 'ball' is already used"),
    (lambda d: d["cast"][0].update(name=5), "cast[0].name: expected a string, got 5"),
    (lambda d: d["props"][0].update(colour_="red"), "props[0].colour_: unknown field"),
    (lambda d: d["props"][0]["placement"].update(target="moon"),
     "props[0].placement.target: no cast member, prop or spot with id 'moon'"),
    (lambda d: d["beats"][0]["params"].update(mood="sad"), "beats[0].params.mood: unknown"),
    (lambda d: d["beats"][0]["params"].update(height_m="high"),
     "beats[0].params.height_m: expected a number"),
    (lambda d: d["set"].update(place="moon"), "set.place: 'moon' is not one of"),
    (lambda d: d.update(version=7), "version: 7 is not supported"),
    (lambda d: d["props"][0].update(count=0), "props[0].count: 0 must be between 1 and 50"),
    (lambda d: d["props"][0].update(count=51), "props[0].count: 51 must be between 1 and 50"),
    (lambda d: d["props"][0].update(count=2.5), "props[0].count: expected an integer, got 2.5"),
    (lambda d: d["props"][0].update(count=True), "props[0].count: expected an integer"),
    (lambda d: d["props"][0].update(count=3, arrangement="circle"),
     "props[0].arrangement: 'circle' is not one of '', 'row', 'stack'"),
    (lambda d: d["props"][0].update(arrangement="row"),
     "props[0].arrangement: a row needs a count of 2 or more (count is 1)"),
])
def test_validation_names_the_bad_field(edit, message):
    data = small().to_dict()
    edit(data)
    with pytest.raises(S.ScreenplayError) as err:
        S.from_dict(data)
    assert any(e.startswith(message) or message in e for e in err.value.errors), err.value.errors


def test_broken_json_is_reported_with_position():
    with pytest.raises(S.ScreenplayError, match="not JSON: .* line 1"):
        S.from_json('{"cast": [')


def test_schema_is_strict_and_covers_every_field():
    schema = S.json_schema()
    assert schema["additionalProperties"] is False
    beat = schema["properties"]["beats"]["items"]
    assert set(beat["required"]) == {"id", "actor", "action", "target", "start_s", "after",
                                     "with", "duration_s", "params", "source"}
    assert beat["properties"]["target"]["type"] == ["string", "null"]


def test_counted_props_round_trip_and_old_files_read_as_single_props():
    sp = small()
    sp.props.append(S.Prop("domino", "domino", "domino", count=10, arrangement="row"))
    again = S.from_json(sp.to_json())
    assert again == sp and again.props[1].count == 10 and again.props[1].arrangement == "row"
    data = small().to_dict()                 # a file written before props had a count
    for prop in data["props"]:
        del prop["count"], prop["arrangement"]
    old = S.from_dict(data)
    assert (old.props[0].count, old.props[0].arrangement) == (1, "")
    assert old.version == S.VERSION == 1


def test_schema_asks_for_count_and_arrangement():
    prop = S.json_schema()["properties"]["props"]["items"]
    assert {"count", "arrangement"} <= set(prop["required"])
    assert prop["properties"]["count"]["type"] == "integer"
