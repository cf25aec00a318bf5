"""Word lists for the simplified-Chinese reader (`read_zh`).

Plain tables: the reader builds one longest-match dictionary from them.  Keys of people and
props are English so the builder can make ASCII ids; the categories, accessories and actions
are the canonical ones from `vocabulary`.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class VerbSense:
    """What a verb means, depending on who does it and to what."""
    person: str | None              # action when a person does it (None: not canonical)
    prop: str | None = None         # action when a prop is the subject
    post: str = "obj"               # the noun after the verb: obj, or dest (where to)
    rel: str = "to"                 # relation of a destination with no locative word
    params: dict = field(default_factory=dict)
    with_person: str | None = None  # action when the object is a person (抱着孩子 -> carry)
    with_prop: str | None = None    # action when the object is a thing (抱着箱子 -> carry)
    then_falls: bool = False        # 打倒, 推倒: the object falls afterwards
    obj_event: str | None = None    # 打碎杯子: the object then does this (break)
    have: bool = False              # 有, 放着: a state sentence, not an action


def _v(person, prop=None, **kw) -> VerbSense:
    return VerbSense(person, prop, **kw)


# --- people ----------------------------------------------------------------------------------

#: word -> (key, sex, age_years)
PERSON_NOUNS: dict[str, tuple[str, str, float | None]] = {
    "男人": ("man", "male", None), "男子": ("man", "male", None), "男士": ("man", "male", None),
    "先生": ("man", "male", None), "男的": ("man", "male", None), "男生": ("man", "male", 18.0),
    "小伙子": ("young man", "male", 22.0), "小伙": ("young man", "male", 22.0),
    "女人": ("woman", "female", None), "女子": ("woman", "female", None),
    "女士": ("woman", "female", None), "小姐": ("woman", "female", None),
    "女的": ("woman", "female", None), "女生": ("woman", "female", 18.0),
    "姑娘": ("woman", "female", 20.0), "妇女": ("woman", "female", None),
    "老人": ("old person", "", 70.0), "老年人": ("old person", "", 70.0),
    "老头": ("old man", "male", 70.0), "老头儿": ("old man", "male", 70.0),
    "老爷爷": ("old man", "male", 75.0), "老大爷": ("old man", "male", 70.0),
    "大爷": ("old man", "male", 65.0), "老先生": ("old man", "male", 70.0),
    "老奶奶": ("old woman", "female", 75.0), "老太太": ("old woman", "female", 75.0),
    "老妇人": ("old woman", "female", 70.0), "老太婆": ("old woman", "female", 75.0),
    "男孩": ("boy", "male", 10.0), "男孩子": ("boy", "male", 10.0),
    "小男孩": ("boy", "male", 6.0),
    "女孩": ("girl", "female", 10.0), "女孩子": ("girl", "female", 10.0),
    "小女孩": ("girl", "female", 6.0),
    "孩子": ("child", "", 8.0), "小孩": ("child", "", 8.0), "小孩子": ("child", "", 8.0),
    "儿童": ("child", "", 8.0), "小朋友": ("child", "", 8.0),
    "婴儿": ("baby", "", 1.0), "宝宝": ("baby", "", 1.0),
    "少年": ("teenager", "male", 15.0), "少女": ("teenager", "female", 15.0),
    "年轻人": ("young person", "", 22.0),
    "警察": ("police officer", "", None), "医生": ("doctor", "", None),
    "护士": ("nurse", "", None), "老师": ("teacher", "", None),
    "学生": ("student", "", 16.0), "同学": ("student", "", 16.0),
    "士兵": ("soldier", "", None), "军人": ("soldier", "", None),
    "骑士": ("knight", "male", None), "厨师": ("chef", "", None),
    "服务员": ("waiter", "", None), "司机": ("driver", "", None), "工人": ("worker", "", None),
    "农民": ("farmer", "", None), "演员": ("actor", "", None), "歌手": ("singer", "", None),
    "运动员": ("athlete", "", None), "拳击手": ("boxer", "", None), "球员": ("player", "", None),
    "舞者": ("dancer", "", None), "舞蹈演员": ("dancer", "", None),
    "保安": ("guard", "", None), "小偷": ("thief", "", None), "顾客": ("customer", "", None),
    "客人": ("guest", "", None), "邻居": ("neighbour", "", None),
    "陌生人": ("stranger", "", None), "朋友": ("friend", "", None),
    "队友": ("teammate", "", None), "对手": ("opponent", "", None),
    "妈妈": ("mother", "female", None), "妈": ("mother", "female", None),
    "母亲": ("mother", "female", None),
    "爸爸": ("father", "male", None), "爸": ("father", "male", None),
    "父亲": ("father", "male", None),
    "爷爷": ("grandfather", "male", 70.0), "外公": ("grandfather", "male", 70.0),
    "奶奶": ("grandmother", "female", 70.0), "外婆": ("grandmother", "female", 70.0),
    "哥哥": ("brother", "male", None), "弟弟": ("brother", "male", 10.0),
    "姐姐": ("sister", "female", None), "妹妹": ("sister", "female", 10.0),
    "儿子": ("son", "male", None), "女儿": ("daughter", "female", None),
    "丈夫": ("husband", "male", None), "老公": ("husband", "male", None),
    "妻子": ("wife", "female", None), "老婆": ("wife", "female", None),
    "男朋友": ("boyfriend", "male", None), "女朋友": ("girlfriend", "female", None),
    "王子": ("prince", "male", None), "公主": ("princess", "female", None),
    "国王": ("king", "male", None), "女王": ("queen", "female", None),
    "王后": ("queen", "female", None),
    "人": ("person", "", None), "人们": ("person", "", None),
}

#: Names spelled out, with the sex they suggest ("" when they do not).
NAMES: dict[str, str] = {
    "小明": "male", "小红": "female", "小刚": "male", "小强": "male", "小华": "",
    "小丽": "female", "小美": "female", "小芳": "female", "小军": "male", "小龙": "male",
    "小王": "", "小李": "", "小张": "",
    "李雷": "male", "韩梅梅": "female", "张三": "male", "李四": "male", "王五": "male",
    "王芳": "female", "张伟": "male", "王伟": "male", "李娜": "female", "刘洋": "",
    "阿明": "male", "阿强": "male", "阿花": "female", "阿美": "female",
    "杰克": "male", "迈克": "male", "麦克": "male", "汤姆": "male", "约翰": "male",
    "大卫": "male", "彼得": "male", "保罗": "male", "詹姆斯": "male", "托尼": "male",
    "鲍勃": "male", "山姆": "male", "马克": "male", "亚当": "male", "丹尼尔": "male",
    "乔治": "male", "查理": "male", "威廉": "male", "亨利": "male", "本杰明": "male",
    "安娜": "female", "玛丽": "female", "莉莉": "female", "露西": "female", "艾米": "female",
    "爱丽丝": "female", "萨拉": "female", "莎拉": "female", "艾玛": "female", "凯特": "female",
    "朱莉": "female", "琳达": "female", "苏珊": "female", "海伦": "female", "劳拉": "female",
    "索菲亚": "female", "米娅": "female", "杰西卡": "female", "艾莉": "female",
}

#: Family names the reader accepts before one or two given-name characters (张伟, 韩梅梅).
#: Names that are also everyday words (高, 白, 黄, 马, 石, 方...) are left out on purpose.
SURNAMES = frozenset(
    "李王张刘陈杨赵吴徐孙胡郭何罗梁宋郑谢韩唐冯董萧程曹袁邓傅沈彭吕苏卢蒋蔡贾魏薛阎潘杜"
    "汪姜姚谭廖邹熊郝崔邱侯邵孟尹黎贺赖龚")
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "慕容")
#: Prefixes of familiar names: 小明, 阿强, 老王.
NAME_PREFIXES = frozenset("小阿老")
FEMALE_NAME_CHARS = frozenset("芳红梅丽娜婷静美娟霞玲燕雪秀兰琳莉慧萍珍倩颖艳妍花月凤英晶洁"
                              "薇菲蓉琴芬丹")
MALE_NAME_CHARS = frozenset("明雷刚强伟军勇杰涛斌磊鹏超辉龙峰浩东亮飞虎宇俊波健彬豪")

#: pronoun -> (kind, key)
PRONOUNS: dict[str, tuple[str, str]] = {
    "他": ("pronoun", "he"), "她": ("pronoun", "she"), "它": ("pronoun", "it"),
    "他们": ("pronoun", "they"), "她们": ("pronoun", "they"), "它们": ("pronoun", "they"),
    "我": ("narrator", "I"), "我们": ("narrator", "we"),
}

#: Words before a person that describe the body; values are Mention fields.
PERSON_ADJECTIVES: dict[str, dict] = {
    "高": {"height_word": "tall"}, "高大": {"height_word": "tall"},
    "高个": {"height_word": "tall"}, "高个子": {"height_word": "tall"},
    "高高": {"height_word": "tall"}, "个子高": {"height_word": "tall"},
    "矮": {"height_word": "short"}, "矮小": {"height_word": "short"},
    "矮个": {"height_word": "short"}, "矮个子": {"height_word": "short"},
    "胖": {"build": "heavy"}, "肥胖": {"build": "heavy"}, "壮硕": {"build": "heavy"},
    "胖胖": {"build": "heavy"}, "胖乎乎": {"build": "heavy"},
    "瘦": {"build": "slim"}, "苗条": {"build": "slim"}, "瘦小": {"build": "slim"},
    "瘦瘦": {"build": "slim"}, "纤细": {"build": "slim"}, "消瘦": {"build": "slim"},
    "强壮": {"build": "muscular"}, "健壮": {"build": "muscular"},
    "魁梧": {"build": "muscular"}, "肌肉发达": {"build": "muscular"},
    "结实": {"build": "muscular"}, "壮": {"build": "muscular"},
    "年老": {"age_years": 70.0}, "年迈": {"age_years": 70.0}, "苍老": {"age_years": 70.0},
    "上了年纪": {"age_years": 70.0}, "年轻": {"age_years": 22.0},
    "中年": {"age_years": 45.0}, "年幼": {"age_years": 6.0},
    # words that belong to a noun phrase but say nothing the screenplay keeps
    "漂亮": {}, "美丽": {}, "英俊": {}, "帅气": {}, "可爱": {}, "大": {}, "小": {},
    "巨大": {}, "小小": {}, "大大": {}, "新": {}, "旧": {}, "破旧": {}, "空": {},
}

COLOURS: dict[str, str] = {}
for _words, _colour in (
        ("红色 红 大红 深红", "red"), ("蓝色 蓝 深蓝 天蓝色 浅蓝", "blue"),
        ("绿色 绿 深绿", "green"), ("黄色 黄", "yellow"), ("黑色 黑", "black"),
        ("白色 白", "white"), ("灰色 灰", "grey"), ("紫色 紫", "purple"),
        ("粉色 粉红色 粉红 粉", "pink"), ("橙色 橘色 橙", "orange"),
        ("棕色 褐色 咖啡色", "brown"), ("金色", "gold"), ("银色", "silver")):
    for _w in _words.split():
        COLOURS[_w] = _colour

MATERIALS: dict[str, str] = {}
for _words, _material in (
        ("玻璃", "glass"), ("木头 木制 木质 木", "wood"), ("陶瓷 瓷", "ceramic"),
        ("金属 铁 钢 铁制 钢制", "metal"), ("塑料", "plastic"), ("石制 石", "stone"),
        ("纸", "paper"), ("布", "fabric"), ("皮革", "leather"), ("橡胶", "rubber")):
    for _w in _words.split():
        MATERIALS[_w] = _material

#: garment word -> (slot, item)
GARMENTS: dict[str, tuple[str, str]] = {
    "夹克": ("top", "jacket"), "夹克衫": ("top", "jacket"), "衬衫": ("top", "shirt"),
    "衬衣": ("top", "shirt"), "T恤": ("top", "t-shirt"), "t恤": ("top", "t-shirt"),
    "毛衣": ("top", "sweater"), "卫衣": ("top", "hoodie"), "上衣": ("top", "top"),
    "衣服": ("top", "clothes"), "西装": ("top", "suit"), "背心": ("top", "vest"),
    "外套": ("outer", "coat"), "大衣": ("outer", "coat"), "风衣": ("outer", "trench coat"),
    "雨衣": ("outer", "raincoat"),
    "裤子": ("bottom", "trousers"), "长裤": ("bottom", "trousers"),
    "牛仔裤": ("bottom", "jeans"), "短裤": ("bottom", "shorts"), "短裙": ("bottom", "skirt"),
    "裙子": ("dress", "dress"), "连衣裙": ("dress", "dress"), "长裙": ("dress", "dress"),
    "鞋": ("shoes", "shoes"), "鞋子": ("shoes", "shoes"), "靴子": ("shoes", "boots"),
    "运动鞋": ("shoes", "sneakers"), "皮鞋": ("shoes", "shoes"), "高跟鞋": ("shoes", "heels"),
}

#: worn-or-carried word -> accessory (see vocabulary.ACCESSORIES)
ACCESSORY_NOUNS: dict[str, str] = {
    "头盔": "helmet", "帽子": "hat", "帽": "hat", "草帽": "hat", "礼帽": "hat",
    "棒球帽": "cap", "鸭舌帽": "cap", "眼镜": "glasses", "墨镜": "sunglasses",
    "太阳镜": "sunglasses", "背包": "backpack", "书包": "backpack", "双肩包": "backpack",
    "围巾": "scarf", "皇冠": "crown", "王冠": "crown", "面具": "mask", "口罩": "mask",
    "手表": "watch", "耳机": "headphones", "剑": "sword", "宝剑": "sword",
}

#: Verbs that put clothes or accessories on someone (a description, not an action).
WEAR_VERBS = ("戴着", "戴", "戴了", "戴上", "穿着", "穿", "穿了", "穿上", "背着", "背上",
              "系着", "挎着", "披着")

# --- things ----------------------------------------------------------------------------------

#: prop word -> (category, material, generic).  A generic word (杯子, 球) names a family;
#: without a numeral it refers back to the last member of that family (玻璃杯 ... 杯子).
PROPS: dict[str, tuple[str, str, bool]] = {}
for _words, _cat, _mat, _generic in (
        ("椅子 椅 凳子 凳 板凳 木椅", "chair", "", False),
        ("桌子 桌 餐桌 茶几 木桌 桌面", "table", "", False),
        ("长椅 长凳", "bench", "", False), ("沙发", "sofa", "", False),
        ("床", "bed", "", False), ("书桌 办公桌 写字台", "desk", "", False),
        ("架子 书架 货架 柜子", "shelf", "", False),
        ("玻璃杯 酒杯", "glass", "glass", False),
        ("杯子 杯 水杯 茶杯", "cup", "", True), ("马克杯", "mug", "", False),
        ("瓶子 瓶 水瓶 酒瓶 玻璃瓶", "bottle", "", False),
        ("盘子 盘 碟子", "plate", "", False), ("碗", "bowl", "", False),
        ("花瓶", "vase", "", False),
        ("箱子 盒子 纸箱 纸盒 箱 盒", "box", "", True), ("板条箱 木箱", "crate", "", False),
        ("木桶 油桶", "barrel", "", False), ("水桶 铁桶", "bucket", "", False),
        ("桶", "bucket", "", True),
        ("包 袋子 包包 手提包 书包 背包 提包", "bag", "", False),
        ("球 皮球 足球 排球 棒球 乒乓球", "ball", "", True), ("篮球", "basketball", "", False),
        ("网球", "tennis_ball", "", False), ("球棒 棒球棒 球棍", "bat", "", False),
        ("球拍 网球拍 羽毛球拍", "racket", "", False),
        ("多米诺骨牌 多米诺 骨牌 多米诺牌", "domino", "", False),
        ("灯 台灯 落地灯 灯泡", "lamp", "", True), ("书 书本 课本 本子", "book", "", False),
        ("手机 电话", "phone", "", False), ("笔记本电脑 电脑", "laptop", "", False),
        ("伞 雨伞", "umbrella", "", False), ("枕头", "pillow", "", False),
        ("树 大树 树木 小树", "tree", "", False), ("灌木 灌木丛 树丛", "bush", "", False),
        ("石头 岩石 石块 大石头", "rock", "", False), ("花 花朵 鲜花", "flower", "", False),
        ("垃圾桶", "trash_can", "", False), ("路障 锥桶 雪糕筒 交通锥", "traffic_cone", "", False),
        ("牌子 标志 指示牌 路牌 招牌", "sign", "", False),
        ("栅栏 篱笆 围栏", "fence", "", False), ("路灯", "street_lamp", "", False),
        ("墙 墙壁 围墙", "wall", "", False), ("楼梯 台阶", "stairs", "", False),
        ("汽车 车 轿车 小汽车", "car", "", True), ("自行车 单车 脚踏车", "bicycle", "", False)):
    for _w in _words.split():
        PROPS[_w] = (_cat, _mat, _generic)

#: A generic prop word refers back to the last prop of one of these categories.
PROP_FAMILIES: dict[str, tuple[str, ...]] = {
    "cup": ("cup", "glass", "mug"), "ball": ("ball", "basketball", "tennis_ball"),
    "box": ("box", "crate"), "bucket": ("bucket", "barrel", "trash_can"),
    "lamp": ("lamp", "street_lamp"), "car": ("car", "bicycle"),
}

#: Spots on the set (kind "spot").
SPOTS: dict[str, str] = {
    "门": "door", "门口": "door", "大门": "door", "房门": "door", "门边": "door",
    "窗户": "window", "窗边": "window", "窗前": "window", "窗口": "window", "窗": "window",
    "窗外": "window", "窗台": "window",
    "中间": "centre", "中央": "centre", "正中间": "centre", "正中央": "centre",
    "角落": "corner", "墙角": "corner", "街角": "corner",
}

#: Set places (Set.place).
PLACES: dict[str, str] = {}
for _words, _place in (
        ("公园", "park"),
        ("街上 街道 马路 大街 街 路上 路边 十字路口 车站 公交站 停车场", "street"),
        ("厨房", "kitchen"), ("房间 屋里 屋子 房子 家里 室内", "room"),
        ("客厅", "living_room"), ("卧室", "bedroom"), ("办公室", "office"),
        ("海滩 沙滩 海边", "beach"), ("舞台 台上", "stage"), ("花园", "garden"),
        ("森林 树林", "forest"), ("酒吧", "bar"), ("餐厅 饭店 餐馆", "restaurant"),
        ("教室", "classroom"), ("健身房 体育馆", "gym"), ("院子 庭院", "yard"),
        ("操场 球场 田野 草地 足球场", "field")):
    for _w in _words.split():
        PLACES[_w] = _place

#: The floor: a destination there needs no spot.
FLOOR_WORDS = ("地上", "地面", "地板", "地板上", "地面上", "地下")
#: "in the air": held up, no destination.
AIR_WORDS = ("空中", "半空", "半空中", "头顶", "头上")

#: Locative words after a noun -> placement relation.
LOCATIVES: dict[str, str] = {
    "上": "on", "上面": "on", "上边": "on", "顶上": "on",
    "里": "in", "里面": "in", "里边": "in", "内": "in", "中": "in",
    "下": "under", "下面": "under", "下边": "under", "底下": "under",
    "旁边": "next_to", "旁": "next_to", "边": "next_to", "边上": "next_to", "身边": "next_to",
    "身旁": "next_to", "前": "in_front_of", "前面": "in_front_of", "前边": "in_front_of",
    "跟前": "in_front_of", "面前": "in_front_of", "后": "behind", "后面": "behind",
    "后边": "behind", "背后": "behind", "身后": "behind", "附近": "near", "周围": "near",
    "那里": "at", "那儿": "at", "这里": "at", "这儿": "at", "处": "at",
    "对面": "in_front_of", "左边": "next_to", "右边": "next_to",
}

BODY_PARTS = ("头", "脸", "手", "脚", "腿", "胳膊", "手臂", "肩膀", "肩", "背", "腰", "肚子",
              "胸口", "鼻子", "眼睛", "嘴", "嘴巴", "手指", "下巴", "头发", "后背", "手掌")

#: Nouns the reader knows are neither people nor props (so they are not read as verbs).
OTHER_NOUNS = ("狗", "小狗", "猫", "小猫", "鸟", "小鸟", "马", "水", "饭", "咖啡", "茶", "歌",
               "东西", "地方", "方向", "天空", "太阳", "月亮", "雨", "风", "雪", "声音",
               "话", "手里", "怀里", "身上", "机器人", "时间", "面包", "走廊", "红绿灯")

# --- time, manner ------------------------------------------------------------------------------

TIMES_OF_DAY: dict[str, str] = {}
for _words, _tod in (
        ("黄昏 傍晚 日落 黄昏时分 傍晚时分 夕阳西下", "dusk"),
        ("晚上 夜里 夜晚 深夜 半夜 今晚 夜间 黑夜 午夜", "night"),
        ("早上 清晨 早晨 上午 今天早上 一大早", "morning"), ("中午 正午", "noon"),
        ("下午", "afternoon"), ("黎明 拂晓 日出 破晓", "dawn")):
    for _w in _words.split():
        TIMES_OF_DAY[_w] = _tod

SPEEDS: dict[str, str] = {}
for _w in ("慢慢地 慢慢 缓缓地 缓缓 缓慢地 缓慢 慢吞吞地 慢吞吞 轻轻地 轻轻 徐徐 从容地"
           " 悠闲地 慢悠悠地").split():
    SPEEDS[_w] = "slow"
for _w in ("快速地 快速 飞快地 飞快 迅速地 迅速 快快地 急忙 匆忙地 匆匆 赶紧 赶快 猛地"
           " 快步 急速 飞速 一溜烟").split():
    SPEEDS[_w] = "fast"

DIRECTIONS: dict[str, str] = {}
for _pre in ("向", "往", "朝"):
    for _suf, _dir in (("左", "left"), ("左边", "left"), ("右", "right"), ("右边", "right"),
                       ("后", "back"), ("后面", "back"), ("前", "forward"),
                       ("前面", "forward"), ("上", "up"), ("下", "down")):
        DIRECTIONS[_pre + _suf] = _dir
DIRECTIONS.update({"四周": "around", "一圈": "around"})

#: How high something starts when it falls or is dropped.
HEIGHTS: dict[str, float] = {
    "从高处": 1.0, "从高的地方": 1.0, "从很高的地方": 2.0, "从高空": 3.0, "从空中": 1.0,
    "从很低的地方": 0.15, "从低处": 0.15, "从低的地方": 0.15, "从很低处": 0.15,
    "贴近地面": 0.15, "贴着地面": 0.15, "从地面附近": 0.15,
}

SNEAK_WORDS = ("悄悄地", "悄悄", "偷偷地", "偷偷", "蹑手蹑脚地", "轻手轻脚地")
TOGETHER_WORDS = ("一起", "一同", "一块儿", "互相", "彼此")

LINK_AFTER = ("然后", "接着", "之后", "随后", "后来", "最后", "于是", "紧接着", "接下来",
              "然后又", "再然后", "这时", "这时候", "此时", "就在这时", "不久", "但是", "可是",
              "那时", "那时候", "不过", "然而", "而是", "并且", "而且", "以后", "终于")
LINK_WITH = ("同时", "与此同时", "就在同时", "同一时间", "此刻")
WHEN_WORDS = ("的时候", "时候", "时", "之时", "的同时")
WHILE_WORDS = ("一边", "一面")

#: Seconds per unit after a number.
DURATION_UNITS: dict[str, float] = {
    "秒钟": 1.0, "秒": 1.0, "分钟": 60.0, "分": 60.0, "小时": 3600.0, "个小时": 3600.0,
}
#: Metres per unit after a number.
LENGTH_UNITS: dict[str, float] = {"米": 1.0, "公尺": 1.0, "厘米": 0.01, "公分": 0.01}
AGE_UNITS = ("岁", "周岁")
MOMENT_WORDS: dict[str, float] = {"一会儿": 3.0, "一会": 3.0, "片刻": 3.0, "一下子": 1.0,
                                  "一瞬间": 0.5, "一阵子": 5.0}

CLASSIFIERS = frozenset("个只位名张把件条本辆棵朵块杯瓶盏台部双顶副群些堆支根扇座间头匹颗枚排行列摞叠")
#: Classifiers that say how the things stand: 一排多米诺骨牌 (a row), 一摞箱子 (a stack).  The
#: number before them counts rows or stacks, so a number after them counts the things.
ARRANGE_CLASSIFIERS = {"排": "row", "行": "row", "列": "row", "摞": "stack", "叠": "stack",
                       "堆": "stack"}
#: Words after the things that say how they stand: 三个箱子叠在一起, 骨牌排成一排.  Those that
#: end in 在 go on to where: 叠在桌子上.
ARRANGE_WORDS = {
    **dict.fromkeys("叠在一起 摞在一起 堆在一起 叠起来 摞起来 堆起来 叠成一摞 摞成一摞 堆成一堆 "
                    "叠成一堆 叠放着 叠着 摞着 堆着 叠放 叠在 摞在 堆在 叠放在".split(), "stack"),
    **dict.fromkeys("排成一排 排成一行 排成一列 排成一条线 排成一长排 排成一队 一字排开 排列着 "
                    "排列成一排 立成一排 竖成一排 排在 排列在".split(), "row"),
}
#: Classifiers that say "several" without a number.
PLURAL_CLASSIFIERS = {"群": 5, "些": 3, "堆": 3}
#: 孩子们: a plural with no number (as the English reader reads "children").
PLURAL_SUFFIX_COUNT = 2

NUMERAL_CHARS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9,
}
NUMERAL_MULTIPLIERS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
QUANTITY_WORDS: dict[str, int] = {"许多": 3, "很多": 3, "好多": 3, "一些": 3, "几个": 3,
                                  "好几个": 4, "一群": 5, "几": 3, "一对": 2, "俩": 2}

DEMONSTRATIVES = ("这个", "那个", "这", "那", "这些", "那些", "这位", "那位", "这只", "那只",
                  "这把", "那把", "这张", "那张", "这本", "那本", "这辆", "那辆")
ANOTHER_WORDS = ("另一个", "另外一个", "另一只", "另一位", "另一张", "另一把", "另一本",
                 "另一辆", "另一", "另外的", "另")

#: prepositions and coverbs -> role of the noun after them
PREPOSITIONS: dict[str, str] = {
    "把": "ba", "将": "ba", "被": "bei", "给": "give",
    "和": "with", "跟": "with", "与": "with", "同": "with", "还有": "with", "以及": "with",
    "对": "to", "对着": "to", "向": "to", "朝": "to", "朝着": "to", "冲着": "to", "面向": "to",
    "在": "at", "正在": "at", "于": "at", "待在": "at",
    "从": "from", "自": "from", "离": "from",
    "到": "dest", "往": "dest",
    "用": "use", "让": "make", "使": "make",
}

NEGATIONS = ("不", "没", "没有", "别", "未", "不要", "不会")
BE_WORDS = ("是", "就是", "正是")
STATURE_WORDS = ("身高", "个子", "个头")
PUNCH_ADVERBS = ("一拳", "一脚", "一眼", "一口")

#: Particles and adverbs skipped where they are not part of a longer word.
PARTICLES = tuple("的地得了着过很就也又都还再才便已正真挺太最更呢吗吧啊呀哦嘛么当") + (
    "已经", "曾经", "突然", "忽然", "立刻", "马上", "立即", "终于", "渐渐", "一直", "继续",
    "开始", "准备", "想要", "要", "会", "能", "可以", "打算", "试图", "试着", "决定",
    "先", "首先", "刚", "刚刚", "正好", "恰好", "仍然", "依然", "还是", "不停地", "不断地",
    "不停", "不断", "高兴地", "开心地", "兴奋地", "生气地", "愤怒地", "紧张地", "小心地",
    "小心翼翼地", "认真地", "大声地", "大声", "小声地", "小声", "默默地", "静静地",
    "用力", "用力地", "使劲", "狠狠地", "猛然", "一下", "几下", "一次", "两次", "三次",
    "好像", "似乎", "看起来", "一样", "然", "之", "高兴", "自己", "一点", "有点",
    "有些", "非常", "十分", "特别", "真的", "又一次", "再次", "连忙", "随即", "顺手",
    "白天", "今天", "那天", "有一天", "一天", "当时", "的话", "所以", "因为", "如果",
    "想", "现在", "到处", "原来", "来回", "有时", "其他", "以前", "之前", "开心地", "小心",
    "第二天", "第一次", "谢谢", "看上去", "一样地", "们")

#: Directional complements: absorbed after a verb; alone, 起来 is getting up.
DIRECTIONAL_COMPLEMENTS = ("起来", "下来", "下去", "过去", "过来", "上去", "上来", "出去",
                           "出来", "进去", "进来", "回去", "回来")

# --- verbs ---------------------------------------------------------------------------------

VERBS: dict[str, VerbSense] = {}


def _add(words: str, sense: VerbSense) -> None:
    for w in words.split():
        VERBS[w] = sense


_add("走 走路 行走 散步 步行 漫步 迈步 踱步 走动 走来走去", _v("walk", post="dest"))
_add("走向 走到 走进 走入 走出 走过 走去 走来 走回 走开 走近 走过去 走过来 走进来 走出去 "
     "走上 走下 来到 到达 回到 离开 前往 穿过 经过 靠近 接近 进入 去 来 走回来 走回去 走上前",
     _v("walk", post="dest"))
_add("快步走 快走 大步走 大步流星", _v("walk", post="dest", params={"speed": "fast"}))
_add("慢走 缓步", _v("walk", post="dest", params={"speed": "slow"}))
_add("跑 跑步 奔跑 跑向 跑到 跑进 跑出 跑过 跑去 跑来 跑回 跑开 跑走 跑过去 跑过来 奔向 冲 "
     "冲向 冲到 冲进 冲出 冲过去 冲过来 逃跑 逃走 逃 跑回来 跑出去 跑进来",
     _v("run", post="dest"))
_add("飞奔 狂奔 飞奔向 疾跑 冲刺", _v("run", post="dest", params={"speed": "fast"}))
_add("慢跑 小跑", _v("jog", post="dest"))
_add("悄悄走 偷偷溜 溜 溜走 溜进 溜出 潜行 蹑手蹑脚 悄悄溜 偷偷走 溜过去 溜进来 溜到 潜入",
     _v("sneak", post="dest"))
_add("爬 爬行 爬向 爬到 爬过 爬进 爬上 匍匐 匍匐前进", _v("crawl", post="dest"))
_add("跳 跳起来 跳起 跳跃 蹦 蹦起来 跳了一下 蹦蹦跳跳 跳了起来", _v("jump", "bounce"))
_add("跳过 跳上 跳下 跳到 跳向 跳进", _v("jump", "bounce", post="dest"))
_add("转身 转过身 转过身来 转过身去 回身 掉头 转了个身", _v("turn"))
_add("转 转向", _v("turn"))
_add("转头 扭头 回头 转过头 扭过头 回过头 转头看 回头看",
     _v("look_at", params={"body_part": "head"}))
_add("抬头 抬起头 抬头看", _v("look_at", params={"body_part": "head", "direction": "up"}))
_add("低头 低下头 低头看", _v("look_at", params={"body_part": "head", "direction": "down"}))
_add("看 看着 看向 望 望着 望向 盯着 盯 注视 凝视 瞧 瞧着 看了看 看了一眼 瞥 瞥了一眼 打量 "
     "观察 看见 看到 望了望 注视着 凝视着 环顾", _v("look_at"))
_add("环顾四周", _v("look_at", params={"direction": "around"}))
_add("坐 坐下 坐下来 就座 入座 坐了下来", _v("sit", post="dest", rel="on"))
_add("坐在 坐到 坐上", _v("sit", post="dest", rel="on"))
_add("站起来 站起 起身 站起身 起立 站了起来 站起身来", _v("stand_up"))
_add("站 站着 站在 站立 站住 停下 停住 停下来 停 停了下来 站到", _v("stand", post="dest", rel="at"))
_add("等 等着 等待 等候", _v("idle"))
_add("躺下 躺在 躺 躺到 躺下来 卧倒 躺了下来 躺着", _v("lie_down", post="dest", rel="on"))
_add("爬起来 爬起 起床 爬了起来", _v("get_up"))
_add("挥手 招手 挥了挥手 摆手 挥挥手 招了招手 挥舞 挥手致意 招招手", _v("wave"))
_add("指 指着 指向 指了指 用手指着 用手指向", _v("point"))
_add("点头 点了点头 点点头", _v("nod"))
_add("摇头 摇了摇头 摇摇头", _v("shake_head"))
_add("鼓掌 拍手 拍了拍手 拍拍手", _v("clap"))
_add("说 说话 聊天 交谈 谈话 讲话 对话 谈 聊 讲 喊 大喊 喊道 叫 叫道 说道 问 问道 回答 答道 "
     "告诉 打招呼 打电话 商量 争吵 吵架 低语 耳语 道歉 解释 宣布 大叫 尖叫 说了几句 聊了起来",
     _v("talk"))
_add("捡起 拿起 拾起 捡 拿 拾 抓起 提起 端起 抱起 捧起 拎起 拿走 捡起来 拿起来 取 取出 拿出 "
     "掏出 举起 搬起 抓 接过 拿来", _v("pick_up"))
_add("放下 放 放下来 摆 搁", _v("put_down", post="dest", rel="on"))
_add("放在 放到 放回 摆在 摆到 搁在 放进 放入 装进 扔进", _v("put_down", post="dest", rel="on"))
_add("拿着 提着 端着 举着 举 扛着 扛 带着 捧着 拎着 握着 搬 搬着 抓着", _v("carry"))
_add("举在 搬到 拿到 带到", _v("carry", post="dest", rel="at"))
_add("抱着 抱", _v("carry", with_person="hug"))
_add("抱住 搂住 搂着 紧紧抱住", _v("hug", with_prop="carry"))
_add("拥抱 相拥 抱在一起 拥抱在一起", _v("hug"))
_add("扔 抛 投 扔出 扔出去 扔过去 丢 投掷 掷 甩 传 丢出", _v("throw"))
_add("扔向 扔给 丢给 丢向 抛向 抛给 投向 传给 踢给", _v("throw", post="dest"))
_add("接住 接到 接 抓住", _v("catch"))
_add("松手 放手 扔下 丢下 松开 失手 扔掉 丢掉 放开 掉下了", _v("drop"))
_add("踢 踢了一脚 踢开 踢飞 踹 射门", _v("kick"))
_add("踢向", _v("kick", post="dest"))
_add("踢倒 踢翻", _v("kick", then_falls=True))
_add("打 揍 一拳打 打了一拳 击打 捶 出拳 挥拳 打中 击中 猛击 痛打 殴打 拳打", _v("punch"))
_add("打倒 击倒 打翻在地 打晕 击败 撂倒", _v("punch", then_falls=True))
_add("推 推开 推了一把 撞 推动 撞到", _v("push"))
_add("推向", _v("push", post="dest"))
_add("推倒 撞倒 撞翻 打翻 碰倒 弄倒 推翻 碰翻", _v("push", "topple", then_falls=True))
_add("拉 拉开 拖 拽 拉住 拖着 拉着 扯 拖动", _v("pull"))
_add("握手 握了握手 握握手", _v("handshake"))
_add("握住", _v("carry", with_person="handshake"))
_add("亲吻 吻 亲 亲了亲 吻了吻 亲了一下", _v("kiss"))
_add("跳舞 起舞 跳起舞来 舞蹈 跳着舞 跳了一支舞 跳起舞", _v("dance"))
_add("旋转 转圈 转了一圈 转圈圈 原地转圈 转了个圈 打转 转起圈来", _v("spin"))
_add("打滚 翻滚 翻跟头 翻跟斗 滚 滚动 滚下 滚走 滚过 滚开 滚来滚去", _v("roll", "roll"))
_add("滚到 滚向 滚进", _v("roll", "roll", post="dest"))
_add("侧手翻", _v("cartwheel"))
_add("后空翻 后翻", _v("backflip"))
_add("摔倒 跌倒 倒在地上 倒地 摔了一跤 栽倒 滑倒 绊倒 跌 摔 倒在地 跌了一跤", _v("fall", "topple"))
_add("倒下 倒 倒下去 倒了下去 倒了下来 倒下来", _v("fall", "topple"))
_add("翻倒 倾倒 翻了", _v("fall", "topple"))
_add("掉 掉下 落下 掉下来 掉下去 掉落 坠落 跌落 落 摔下 摔落 掉了下来 掉了下去 落了下来 "
     "摔下来 摔了下来",
     _v("fall", "fall", with_prop="drop"))
_add("掉到 掉在 落到 落在 摔到 摔在 掉进 落进", _v("fall", "fall", post="dest", with_prop="drop"))
_add("打响指 打了个响指 打了一个响指", _v("snap_fingers"))
_add("欢呼 庆祝 欢庆 雀跃 欢呼雀跃", _v("celebrate"))
_add("弹 弹起来 弹起 弹跳 反弹 弹了一下 弹开 弹了起来 弹了几下", _v("jump", "bounce"))
_add("碎 破碎 碎裂 碎掉 裂开 粉碎 摔成碎片 碎成", _v(None, "break"))
_add("摔碎 摔坏 摔得粉碎 摔成了碎片", _v(None, "break", with_prop="drop", obj_event="break"))
_add("打碎 砸碎 砸坏 打破 砸烂 打烂 弄碎 弄坏", _v(None, "break", with_prop="punch",
                                                 obj_event="break"))
_add("滑 滑动 滑行 滑过 滑走 滑开", _v(None, "slide"))
_add("滑到 滑向", _v(None, "slide", post="dest"))
_add("滑落", _v("fall", "fall"))    # slips and falls: 落 is the fall
# known verbs with no canonical action: read as verbs so the builder can name them in a warning
_add("笑 微笑 大笑 笑了笑 哭 哭泣 喝 吃 唱歌 唱 打开 开 关 关上 关掉 睡觉 睡 思考 听 写 读 "
     "开车 骑 骑车 游泳 飞 叹气 呼吸 喘气 发抖 颤抖 打哈欠 伸懒腰 伸手 弯腰 蹲下 蹲 跪下 鞠躬 "
     "眨眼 吹 敲门 敲 打扫 洗 做饭 玩 玩耍 画画 拍照 打篮球 打网球 打球 打排球 喝水 吃饭 "
     "哭了起来 笑了起来 大笑起来 拍了拍 拍 摸 抚摸 喂 闻 找 寻找 数 藏 躲 躲起来 "
     "停顿 休息 发呆 愣住 喝了一口 递 递给 碰到 遇到 遇见", _v(None))
VERBS["有"] = _v(None, have=True)
for _w in ("放着", "摆着", "挂着", "立着", "停着", "堆着", "摆放着"):
    VERBS[_w] = _v(None, have=True)


def _with_le(word: str) -> str | None:
    """站起来 -> 站了起来: a verb with a directional complement also reads with 了 inside."""
    for comp in DIRECTIONAL_COMPLEMENTS:
        if word.endswith(comp) and len(word) > len(comp):
            return word[:-len(comp)] + "了" + comp
    return None


for _w, _s in list(VERBS.items()):
    _le = _with_le(_w)
    if _le and _le not in VERBS:
        VERBS[_le] = _s
