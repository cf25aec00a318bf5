"""The simplified-Chinese reader: sentences to language-neutral clauses."""
import time

import pytest

from addon.story.clauses import Clause
from addon.story.read_zh import ZhReader, read_zh
from addon.story.vocabulary import ACTIONS, PROP_CATEGORIES


def only(text: str) -> Clause:
    clauses = read_zh(text)
    assert len(clauses) == 1, [(c.text, c.action) for c in clauses]
    return clauses[0]


def actions(text: str) -> list:
    return [c.action for c in read_zh(text)]


# --- who -------------------------------------------------------------------------------------

def test_described_person_wears_a_helmet_and_turns_the_head():
    c = only("一个戴着头盔的男人转头。")
    assert (c.subject.kind, c.subject.key, c.subject.sex) == ("person", "man", "male")
    assert c.subject.accessories == ["helmet"]
    assert c.subject.definite is False
    assert c.action == "look_at"
    assert c.params == {"body_part": "head"}


def test_accessory_after_the_noun_still_describes_the_subject():
    c = only("一个男人戴着头盔转头。")
    assert c.subject.key == "man"
    assert c.subject.accessories == ["helmet"]
    assert c.action == "look_at"


def test_outfit_and_body_words_before_the_person():
    c = only("一个穿着红色夹克的高个子男人走到长椅。")
    assert c.subject.outfit == [("top", "jacket", "red")]
    assert c.subject.height_word == "tall"
    c = only("一个戴眼镜、背着背包的胖女孩在花园里打滚。")
    assert c.subject.accessories == ["glasses", "backpack"]
    assert c.subject.build == "heavy"
    assert (c.subject.key, c.subject.sex, c.subject.age_years) == ("girl", "female", 10.0)


@pytest.mark.parametrize("text, field, value", [
    ("矮小的男人挥手。", "height_word", "short"),
    ("一个瘦男人挥手。", "build", "slim"),
    ("苗条的女人挥手。", "build", "slim"),
    ("一个强壮的士兵挥手。", "build", "muscular"),
    ("肌肉发达的男人挥手。", "build", "muscular"),
    ("一个年迈的女人挥手。", "age_years", 70.0),
    ("一个年轻的男人挥手。", "age_years", 22.0),
    ("一个七十岁的老人挥手。", "age_years", 70.0),
    ("一个一米八的男人挥手。", "height_m", 1.8),
])
def test_body_descriptions(text, field, value):
    assert getattr(only(text).subject, field) == value


@pytest.mark.parametrize("word, key, sex, age", [
    ("男人", "man", "male", None), ("女士", "woman", "female", None),
    ("老人", "old person", "", 70.0), ("老奶奶", "old woman", "female", 75.0),
    ("男孩", "boy", "male", 10.0), ("小男孩", "boy", "male", 6.0),
    ("小女孩", "girl", "female", 6.0), ("孩子", "child", "", 8.0),
    ("警察", "police officer", "", None), ("妈妈", "mother", "female", None),
    ("爷爷", "grandfather", "male", 70.0), ("舞者", "dancer", "", None),
])
def test_person_nouns(word, key, sex, age):
    s = only(f"{word}挥手。").subject
    assert (s.kind, s.key, s.sex, s.age_years) == ("person", key, sex, age)


@pytest.mark.parametrize("name, sex", [
    ("小明", "male"), ("小红", "female"), ("韩梅梅", "female"), ("李雷", "male"),
    ("张三", "male"), ("王芳", "female"), ("阿明", "male"), ("杰克", "male"),
    ("安娜", "female"), ("刘洋", ""),
    # not in the list: surname + given name, sex from the last character
    ("陈丽丽", "female"), ("赵刚", "male"), ("欧阳华", ""), ("老王", "male"),
])
def test_names_are_proper_with_the_sex_they_suggest(name, sex):
    s = only(f"{name}走向门口。").subject
    assert (s.kind, s.key, s.proper, s.sex) == ("person", name, True, sex)


def test_surname_characters_inside_words_are_not_names():
    c = only("一张桌子倒了。")
    assert (c.subject.kind, c.subject.key, c.action) == ("prop", "table", "topple")
    assert only("许多人跑步。").subject.key == "person"


@pytest.mark.parametrize("word, kind, key", [
    ("他", "pronoun", "he"), ("她", "pronoun", "she"), ("它", "pronoun", "it"),
    ("他们", "pronoun", "they"), ("她们", "pronoun", "they"), ("我", "narrator", "I"),
])
def test_pronouns_and_the_narrator(word, kind, key):
    s = only(f"{word}跳了起来。").subject
    assert (s.kind, s.key) == (kind, key)


def test_numerals_with_classifiers_count_people():
    assert only("三个人在街上慢跑。").subject.count == 3
    assert only("2个孩子跑了3秒。").subject.count == 2
    c = only("两个孩子在公园里踢球。")
    assert (c.subject.key, c.subject.count, c.subject.definite) == ("child", 2, False)
    assert (c.action, c.obj.key, c.place) == ("kick", "ball", "park")


# --- what they do ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, action", [
    ("他走向门口。", "walk"), ("他散步。", "walk"), ("他奔跑。", "run"), ("他慢跑。", "jog"),
    ("他偷偷溜进厨房。", "sneak"), ("他悄悄地走进厨房。", "sneak"), ("他跳起来。", "jump"),
    ("他转身。", "turn"), ("他盯着她。", "look_at"), ("他坐下。", "sit"),
    ("他站起来。", "stand_up"), ("他起身。", "stand_up"), ("他躺下。", "lie_down"),
    ("他爬起来。", "get_up"), ("他挥手。", "wave"), ("他指着门。", "point"),
    ("他点头。", "nod"), ("他摇了摇头。", "shake_head"), ("他鼓掌。", "clap"),
    ("他在说话。", "talk"), ("他拾起书。", "pick_up"), ("他放下书。", "put_down"),
    ("他端着盘子。", "carry"), ("他抛球。", "throw"), ("他接住球。", "catch"),
    ("他踢球。", "kick"), ("他揍了迈克。", "punch"), ("他推门。", "push"),
    ("他拉椅子。", "pull"), ("他拥抱她。", "hug"), ("他亲吻她。", "kiss"),
    ("他跳舞。", "dance"), ("他旋转。", "spin"), ("他在地上爬。", "crawl"),
    ("他打滚。", "roll"), ("他做了一个侧手翻。", "cartwheel"), ("他后空翻。", "backflip"),
    ("他摔倒了。", "fall"), ("他倒在地上。", "fall"), ("他打响指。", "snap_fingers"),
    ("他们欢呼。", "celebrate"),
])
def test_person_verbs_map_to_canonical_actions(text, action):
    assert actions(text) == [action]


@pytest.mark.parametrize("text, action", [
    ("球掉下来了。", "fall"), ("球滚到墙边。", "roll"), ("球弹了起来。", "bounce"),
    ("花瓶碎了。", "break"), ("椅子倒下了。", "topple"), ("椅子翻倒了。", "topple"),
    ("瓶子滑过桌子。", "slide"), ("它掉了下来。", "fall"),
])
def test_prop_subjects_get_prop_events(text, action):
    assert actions(text) == [action]


def test_the_same_verb_means_fall_for_a_person_and_topple_for_a_prop():
    assert actions("他倒下了。椅子倒下了。") == ["fall", "topple"]


def test_holding_a_glass_up_then_letting_go():
    clauses = read_zh("我把一个玻璃杯举在空中，然后松手。杯子掉到地上摔碎了。")
    assert [c.action for c in clauses] == ["carry", "drop", "fall", "break"]
    carry, drop, fall, smash = clauses
    assert (carry.subject.kind, carry.subject.key) == ("narrator", "I")
    assert (carry.obj.key, carry.obj.material, carry.obj.definite) == ("glass", "glass", False)
    assert drop.subject is None and drop.link == "after"
    assert drop.obj.key == "glass" and drop.obj.definite
    # 杯子 is the generic word; it names the glass already in the story
    assert (fall.subject.key, fall.subject.definite) == ("glass", True)
    assert fall.dest is None                          # 地上: the floor needs no spot
    assert smash.subject is None                      # same subject: the builder fills it


def test_a_new_generic_cup_stays_a_cup():
    clauses = read_zh("他拿起一个玻璃杯。她拿起一个杯子。")
    assert [c.obj.key for c in clauses] == ["glass", "cup"]


def test_hug_between_two_names():
    c = only("小明和小红拥抱。")
    assert (c.subject.key, c.action, c.obj.key) == ("小明", "hug", "小红")


def test_a_punch_that_knocks_down():
    c = only("杰克一拳把迈克打倒了。")
    assert (c.subject.key, c.action, c.obj.key, c.then_falls) == ("杰克", "punch", "迈克", True)


def test_passive_puts_the_agent_first():
    c = only("迈克被杰克打倒了。")
    assert (c.subject.key, c.obj.key, c.action, c.then_falls) == ("杰克", "迈克", "punch", True)
    assert only("他被打倒了。").action == "fall"


def test_smashing_a_vase_makes_the_vase_break():
    clauses = read_zh("他把花瓶打碎了。")
    assert [(c.subject.key, c.action) for c in clauses] == [("he", "punch"), ("vase", "break")]
    assert clauses[0].obj.key == "vase"


def test_knocking_a_chair_over():
    push, topple = read_zh("他推倒了椅子。")
    assert (push.action, push.obj.key, push.then_falls) == ("push", "chair", True)
    assert (topple.subject.key, topple.action) == ("chair", "topple")


def test_holding_a_thing_is_carry_and_holding_a_person_is_hug():
    assert only("她抱着箱子。").action == "carry"
    assert only("她抱着孩子。").action == "hug"


def test_unknown_verbs_are_named_for_a_warning():
    c = only("他咳嗽。")                                 # not in the lexicon at all
    assert (c.action, c.verb, c.subject.key) == (None, "咳嗽", "he")
    c = only("他微笑。")                                 # known, no canonical action
    assert (c.action, c.verb) == (None, "微笑")


def test_negated_actions_are_not_staged():
    assert read_zh("那个人没有跑。") == []


# --- to whom, where ---------------------------------------------------------------------------

def test_put_down_with_ba_has_object_and_destination():
    c = only("他把杯子放在桌子上。")
    assert (c.action, c.obj.key) == ("put_down", "cup")
    assert c.dest[0] == "on" and c.dest[1].key == "table"


def test_partners_and_addressees_become_the_object():
    c = only("他和老人握手。")
    assert (c.action, c.obj.key) == ("handshake", "old person")
    c = only("她跟朋友说话。")
    assert (c.action, c.obj.key) == ("talk", "friend")
    c = only("他对她挥手。")
    assert (c.action, c.obj.key) == ("wave", "she")


def test_walk_to_a_prop_or_spot():
    c = only("他走到长椅。")
    assert c.dest[0] == "to" and (c.dest[1].kind, c.dest[1].key) == ("prop", "bench")
    c = only("他跑向门口。")
    assert (c.dest[1].kind, c.dest[1].key) == ("spot", "door")
    c = only("他走到桌子旁边。")
    assert c.dest[0] == "next_to"


@pytest.mark.parametrize("word, spot", [
    ("门口", "door"), ("窗边", "window"), ("中间", "centre"), ("角落", "corner"),
])
def test_spots(word, spot):
    c = only(f"他走到{word}。")
    assert (c.dest[1].kind, c.dest[1].key) == ("spot", spot)


@pytest.mark.parametrize("word, place", [
    ("公园", "park"), ("街上", "street"), ("马路", "street"), ("厨房", "kitchen"),
    ("房间", "room"), ("客厅", "living_room"), ("办公室", "office"), ("沙滩", "beach"),
    ("舞台", "stage"), ("花园", "garden"), ("森林", "forest"),
])
def test_places(word, place):
    assert only(f"他在{word}里跳舞。").place == place


def test_place_then_spot():
    c = only("他们在房间中央跳舞了一分钟。")
    assert (c.place, c.dest[1].key, c.duration_s) == ("room", "centre", 60.0)


def test_state_sentence_places_the_prop():
    c = only("桌子上有一个杯子。")
    assert c.state is True and c.action is None
    assert (c.subject.kind, c.subject.key, c.subject.definite) == ("prop", "cup", False)
    rel, where = c.subject.placement
    assert (rel, where.key) == ("on", "table")


def test_state_sentence_with_two_things_and_other_state_forms():
    clauses = read_zh("桌子上有一个杯子和一个盘子。")
    assert [(c.state, c.subject.key) for c in clauses] == [(True, "cup"), (True, "plate")]
    for text in ("一个杯子在桌子上。", "杯子放在桌子上。"):
        c = only(text)
        assert c.state and c.subject.placement[0] == "on"
        assert c.subject.placement[1].key == "table"


# --- props -----------------------------------------------------------------------------------

@pytest.mark.parametrize("word, category", [
    ("椅子", "chair"), ("长凳", "bench"), ("沙发", "sofa"), ("书桌", "desk"),
    ("书架", "shelf"), ("马克杯", "mug"), ("瓶子", "bottle"), ("盘子", "plate"),
    ("碗", "bowl"), ("花瓶", "vase"), ("盒子", "box"), ("板条箱", "crate"),
    ("木桶", "barrel"), ("水桶", "bucket"), ("包", "bag"), ("足球", "ball"),
    ("篮球", "basketball"), ("网球", "tennis_ball"), ("球棒", "bat"), ("球拍", "racket"),
    ("台灯", "lamp"), ("书", "book"), ("手机", "phone"), ("笔记本电脑", "laptop"),
    ("雨伞", "umbrella"), ("枕头", "pillow"), ("灌木", "bush"), ("石头", "rock"),
    ("花", "flower"), ("垃圾桶", "trash_can"), ("锥桶", "traffic_cone"), ("牌子", "sign"),
    ("篱笆", "fence"), ("路灯", "street_lamp"), ("楼梯", "stairs"), ("自行车", "bicycle"),
])
def test_prop_words(word, category):
    assert category in PROP_CATEGORIES
    c = only(f"他看着{word}。")
    assert (c.obj.kind, c.obj.key) == ("prop", category)


@pytest.mark.parametrize("text, colour, material", [
    ("他捡起红色的球。", "red", ""), ("他捡起一个蓝球。", "blue", ""),
    ("他推木椅。", "", "wood"), ("他推木头椅子。", "", "wood"),
    ("他捡起陶瓷花瓶。", "", "ceramic"), ("他捡起金属盒子。", "", "metal"),
    ("他捡起一个塑料瓶子。", "", "plastic"),
])
def test_prop_colour_and_material(text, colour, material):
    obj = only(text).obj
    assert (obj.colour, obj.material) == (colour, material)


def test_definite_new_and_another():
    clauses = read_zh("这个男人挥手。一个女人挥手。另一个女人挥手。女孩挥手。")
    assert [(c.subject.definite, c.subject.another) for c in clauses] == [
        (True, False), (False, False), (False, True), (True, False)]


# --- when ------------------------------------------------------------------------------------

def test_links_after_and_with():
    assert [c.link for c in read_zh("他坐下，然后站起来。")] == ["after", "after"]
    assert [c.link for c in read_zh("他点头，同时她挥手。")] == ["after", "with"]
    assert [c.link for c in read_zh("他一边走一边说话。")] == ["after", "with"]
    clauses = read_zh("他走进房间的时候，她站了起来。")
    assert [(c.subject.key, c.action, c.link) for c in clauses] == [
        ("he", "walk", "after"), ("she", "stand_up", "with")]


def test_carrying_while_walking_is_simultaneous():
    clauses = read_zh("他拿着一个红色的球走向门口。")
    assert [(c.action, c.link) for c in clauses] == [("carry", "after"), ("walk", "with")]
    assert clauses[0].obj.colour == "red"


@pytest.mark.parametrize("text, seconds", [
    ("他跑了三秒钟。", 3.0), ("他跑了3秒。", 3.0), ("他跳舞跳了五秒。", 5.0),
    ("他跑了一分钟。", 60.0), ("他坐了一会儿。", 3.0), ("他跑了十五秒。", 15.0),
])
def test_durations(text, seconds):
    assert only(text).duration_s == seconds


@pytest.mark.parametrize("text, seconds", [
    ("三秒后，他跳了起来。", 3.0), ("过了五秒，他跳了起来。", 5.0),
    ("过了一会儿，他跳了起来。", 3.0), ("十秒钟之后，他跳了起来。", 10.0),
])
def test_delays(text, seconds):
    c = only(text)
    assert (c.delay_s, c.duration_s, c.action) == (seconds, None, "jump")


@pytest.mark.parametrize("word, tod", [
    ("黄昏", "dusk"), ("傍晚", "dusk"), ("晚上", "night"), ("夜里", "night"),
    ("早上", "morning"), ("清晨", "morning"), ("中午", "noon"), ("下午", "afternoon"),
])
def test_time_of_day(word, tod):
    assert only(f"{word}，一个男人走进公园。").time_of_day == tod


# --- manner ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, params", [
    ("他慢慢地走向门口。", {"speed": "slow"}), ("他飞快地跑向门口。", {"speed": "fast"}),
    ("他快速地转身。", {"speed": "fast"}), ("他向左转。", {"direction": "left"}),
    ("他向右转。", {"direction": "right"}),
    ("球从一米高的地方掉下来。", {"height_m": 1.0}), ("球从高处掉下来。", {"height_m": 1.0}),
    ("球从很低的地方掉下来。", {"height_m": 0.15}), ("球贴近地面落下。", {"height_m": 0.15}),
])
def test_speed_direction_and_height(text, params):
    assert only(text).params == params


def test_turning_the_head_to_look_at_someone_is_one_look():
    c = only("他转头看着她。")
    assert (c.action, c.obj.key, c.params) == ("look_at", "she", {"body_part": "head"})


# --- subjects across clauses ------------------------------------------------------------------

def test_clauses_without_a_subject_leave_it_to_the_builder():
    clauses = read_zh("那个男人走到长椅，坐了下来。")
    assert clauses[0].subject.key == "man"
    assert (clauses[1].subject, clauses[1].action) == (None, "sit")
    assert clauses[1].dest is None


def test_two_subjects_doing_one_thing_are_a_group():
    run, sit = read_zh("小明和小红跑向门口，然后坐下。")
    assert (run.subject.kind, run.subject.count, run.action) == ("group", 2, "run")
    assert [m.key for m in run.subject.members] == ["小明", "小红"]
    assert run.subject.text == "小明和小红"
    assert (sit.subject, sit.action) == (None, "sit")   # the builder keeps the group
    c = only("一个高大强壮的男人和一个苗条的女人在海滩上跳舞。")
    man, woman = c.subject.members
    assert (man.height_word, man.build, woman.build) == ("tall", "muscular", "slim")
    assert (c.action, c.place) == ("dance", "beach")


def test_descriptions_of_a_pronoun_go_to_the_builder_as_traits():
    c = only("他戴着一顶红帽子。")
    assert (c.state, c.subject.key) == (True, "he")
    assert c.params["_traits"].accessories == ["hat"]
    c = only("他很高。")
    assert c.params["_traits"].height_word == "tall"
    walk = read_zh("他走进房间，戴着头盔。")
    assert [c.action for c in walk] == ["walk"]
    assert walk[0].params["_traits"].accessories == ["helmet"]


def test_where_a_falling_thing_was():
    c = only("球从桌子上掉下来。")
    assert (c.action, c.params["_source"].key) == ("fall", "table")


def test_a_verb_before_the_noun_describes_it():
    clauses = read_zh("坐在长椅上的男人站了起来。")
    assert [(c.subject.key, c.action) for c in clauses] == [("man", "sit"), ("man", "stand_up")]
    assert clauses[0].dest[1].key == "bench"


# --- text handling ---------------------------------------------------------------------------

def test_positions_are_in_the_whole_story():
    story = "Once upon a time. 他走到长椅。然后她挥手。"
    start = story.index("他")
    clauses = read_zh(story[start:], offset=start)
    assert [c.text for c in clauses] == ["他走到长椅", "然后她挥手"[2:]]
    for c in clauses:
        assert story[c.start:c.end] == c.text
        for m in (c.subject, c.dest[1] if c.dest else None):
            if m is not None:
                assert story[m.start:m.end] == m.text
    assert clauses[0].dest[1].text == "长椅"


def test_latin_letters_emoji_and_quotes_are_skipped():
    clauses = read_zh("Tom 😀 他说：“你好。我是安娜。”然后转身。")
    assert [(c.action, c.subject.key if c.subject else None) for c in clauses] == [
        ("talk", "he"), ("turn", None)]


def test_every_action_the_reader_emits_is_canonical():
    story = ("黄昏时分，一个穿着红色夹克的高个子男人慢慢地走到长椅旁边，坐了下来。"
             "他把一个玻璃杯放在桌子上，然后松手。杯子掉到地上摔碎了。小明和小红在公园里拥抱。"
             "三秒后，球弹了起来。孩子们欢呼。她悄悄地走进厨房，打开冰箱。")
    clauses = read_zh(story)
    assert len(clauses) >= 10
    assert all(c.action is None or c.action in ACTIONS for c in clauses)
    assert {c.action for c in clauses} >= {"walk", "sit", "put_down", "drop", "fall", "break",
                                          "hug", "bounce", "celebrate", "sneak"}


def test_a_long_story_reads_in_well_under_a_few_seconds():
    story = ("黄昏时分，一个穿着红色夹克的高个子男人慢慢地走到长椅旁边，坐了下来。"
             "他把一个玻璃杯放在桌子上，然后松手。杯子掉到地上摔碎了。小明和小红在公园里拥抱。"
             "Hello 😀 三秒后，球弹了起来。")
    big = (story * (200_000 // len(story) + 1))[:200_000]
    t0 = time.perf_counter()
    clauses = read_zh(big)
    elapsed = time.perf_counter() - t0
    assert len(clauses) > 10_000
    assert elapsed < 3.0, f"{elapsed:.2f} s for 200,000 characters"


@pytest.mark.parametrize("text", [
    ("他走到桌子旁边拿起杯子" * 20_000)[:200_000],     # one sentence, 50,000 predicates
    "的" * 200_000,                                     # particles only
    "“" * 100_000 + "红色的" * 33_000,                   # unclosed quotes, modifiers, no head
    "张" * 100_000 + "一" * 100_000,                     # surnames and numerals
], ids=["unpunctuated", "particles", "quotes-and-modifiers", "surnames-and-numerals"])
def test_pathological_text_stays_linear(text):
    t0 = time.perf_counter()
    read_zh(text)
    elapsed = time.perf_counter() - t0
    assert elapsed < 5.0, f"{elapsed:.2f} s for {len(text):,} characters"


def test_one_reader_carries_what_a_story_read_in_parts_needs():
    reader = ZhReader()
    first = "我拿起一个玻璃杯。球掉到地上。"
    clauses = reader.read(first) + reader.read("杯子碎了。弹了起来。", len(first))
    assert [c.action for c in clauses] == ["pick_up", "fall", "break", "bounce"]
    assert clauses[2].subject.key == "glass"
    assert clauses[2].start == len(first)
    # read alone, a subjectless 弹 is a person's jump
    assert actions("弹了起来。") == ["jump"]


def test_existential_sentences_introduce_the_subject():
    c = only("门口站着一个人。")
    assert (c.subject.key, c.action, c.dest[1].key) == ("person", "stand", "door")
    c = only("有一个男人站在门口。")
    assert (c.subject.key, c.action, c.state) == ("man", "stand", False)
    c = only("房间里有一个男人。")
    assert (c.state, c.subject.key, c.place) == (True, "man", "room")


def test_empty_and_punctuation_only_text():
    assert read_zh("") == []
    assert read_zh("。。！？\n  ，、") == []
    assert read_zh("Hello world 😀") == []
