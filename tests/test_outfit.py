"""Outfits: what the story says is worn, defaults for the rest, hair and skin from the words."""
from __future__ import annotations

import numpy as np
import pytest

from addon.cast.body import plan_body
from addon.cast.body_kit import load_kit
from addon.cast.colours import colour_rgb
from addon.cast.outfit import GREY_HAIR, face_regions, linear, plan_outfit, region_names
from addon.screenplay import Body, CastMember, Garment


@pytest.fixture(scope="module")
def kit():
    return load_kit()


def outfit(kit, member, seed=0):
    return plan_outfit(member, kit, plan_body(member.body, kit, seed).rest, seed)


def zone(plan, name):
    return next(z for z in plan.zones if z.name == name)


def test_described_garments_get_their_colours_and_cover_their_regions(kit):
    member = CastMember("m", "man", body=Body("male", 35, 1.8),
                        outfit=[Garment("top", "t-shirt", "red"),
                                Garment("bottom", "shorts", "navy")])
    plan = outfit(kit, member)
    assert zone(plan, "T-shirt").rgb == colour_rgb("red")
    assert zone(plan, "Shorts").rgb == colour_rgb("navy")
    regions = face_regions(kit, plan_body(member.body, kit).rest)
    names = region_names()
    on = lambda region: np.bincount(plan.face_zone[regions == names.index(region)]).argmax()  # noqa: E731
    index = {z.name: i for i, z in enumerate(plan.zones)}
    assert on("torso") == index["T-shirt"] and on("upper_arm") == index["T-shirt"]
    assert on("forearm") == index["Skin"]          # short sleeves
    assert on("thigh") == index["Shorts"] and on("calf") == index["Skin"]
    assert on("feet") == index["Shoes"] and on("head") == index["Skin"]
    assert "shoes (default)" in " ".join(plan.garments)
    assert plan.skirt is None


def test_nobody_is_naked_and_a_dress_is_a_skirt(kit):
    bare = outfit(kit, CastMember("w", "woman", body=Body("female", 30, 1.65)))
    assert [z.name for z in bare.zones[1:4]] == ["Trousers", "T-shirt", "Shoes"]
    dressed = outfit(kit, CastMember("w", "woman", body=Body("female", 30, 1.65),
                                     outfit=[Garment("dress", "dress", "red")]))
    assert "Trousers" not in [z.name for z in dressed.zones]
    assert dressed.skirt == ([z.name for z in dressed.zones].index("Dress"), "knee")


def test_hair_and_skin_follow_the_description(kit):
    body = Body("male", 40, 1.8)
    bald = outfit(kit, CastMember("b", "man", "a bald man", body=body))
    assert len(bald.hair_faces) == 0
    blonde = outfit(kit, CastMember("g", "girl", "a blonde girl", body=Body("female", 8, 1.3)))
    assert blonde.zones[blonde.hair_zone].rgb == linear("d9b779")
    old = outfit(kit, CastMember("o", "old man", "an old man", body=Body("male", 80, 1.7)))
    assert old.zones[old.hair_zone].rgb == linear(GREY_HAIR)
    said = outfit(kit, CastMember("o", "old man", "an old man with grey hair",
                                  body=Body("male", 80, 1.7),
                                  outfit=[Garment("top", "hair", "white")]))
    assert said.zones[said.hair_zone].rgb == colour_rgb("white")
    assert "Hair" not in [z.name for z in said.zones[:-4]]      # hair is not a garment
    dark = outfit(kit, CastMember("d", "woman", "a dark-skinned woman in a black coat",
                                  body=Body("female", 30, 1.7)))
    pale = outfit(kit, CastMember("p", "woman", "a pale woman in a black coat",
                                  body=Body("female", 30, 1.7)))
    assert sum(dark.zones[0].rgb) < 0.2 < sum(pale.zones[0].rgb)


def test_eyes_have_whites_irises_and_pupils(kit):
    plan = outfit(kit, CastMember("m", "man", body=Body("male", 35, 1.8)))
    counts = {z.name: int((plan.face_zone == i).sum()) for i, z in enumerate(plan.zones)}
    assert counts["Eye White"] > counts["Iris"] > 0 and counts["Pupil"] > 0
