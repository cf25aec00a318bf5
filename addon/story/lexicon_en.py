"""English words the built-in reader knows, mapped to the canonical vocabulary.

Verbs are listed by lemma; `verb_forms` expands them to every inflection, so the reader
looks words up in one dict instead of stemming on the fly.
"""
from __future__ import annotations

# lemma -> canonical action.  Phrasal verbs and light-verb nouns are in PHRASES below.
VERBS = {
    "walk": "walk", "stroll": "walk", "wander": "walk", "step": "walk", "head": "walk",
    "approach": "walk", "amble": "walk", "march": "walk", "pace": "walk", "hike": "walk",
    "go": "walk", "come": "walk", "move": "walk", "return": "walk", "enter": "walk",
    "cross": "walk", "follow": "walk", "leave": "walk", "limp": "walk", "saunter": "walk",
    "run": "run", "dash": "run", "sprint": "run", "rush": "run", "race": "run", "hurry": "run",
    "charge": "run", "flee": "run", "bolt": "run", "chase": "run",
    "jog": "jog", "trot": "jog",
    "sneak": "sneak", "creep": "sneak", "tiptoe": "sneak", "prowl": "sneak", "tip-toe": "sneak",
    "jump": "jump", "leap": "jump", "hop": "jump", "bound": "jump",
    "turn": "turn", "pivot": "turn", "rotate": "turn",
    "look": "look_at", "watch": "look_at", "glance": "look_at", "stare": "look_at",
    "gaze": "look_at", "peek": "look_at", "peer": "look_at", "observe": "look_at",
    "sit": "sit", "perch": "sit", "settle": "sit",
    "stand": "stand", "wait": "idle", "rest": "idle", "pause": "idle", "stay": "idle",
    "relax": "idle", "breathe": "idle", "linger": "idle", "think": "idle", "remain": "idle",
    "rise": "stand_up",
    "lie": "lie_down", "sleep": "lie_down", "nap": "lie_down",
    "wave": "wave", "beckon": "wave",
    "point": "point",
    "nod": "nod",
    "clap": "clap", "applaud": "clap",
    "talk": "talk", "say": "talk", "speak": "talk", "chat": "talk", "tell": "talk",
    "ask": "talk", "shout": "talk", "yell": "talk", "whisper": "talk", "call": "talk",
    "greet": "talk", "argue": "talk", "reply": "talk", "answer": "talk", "explain": "talk",
    "sing": "talk", "laugh": "talk", "scream": "talk", "chatter": "talk",
    "grab": "pick_up", "take": "pick_up", "lift": "pick_up", "seize": "pick_up",
    "grasp": "pick_up", "collect": "pick_up", "fetch": "pick_up", "raise": "pick_up",
    "put": "put_down", "place": "put_down", "set": "put_down", "lower": "put_down",
    "carry": "carry", "hold": "carry", "bring": "carry", "lug": "carry",
    "throw": "throw", "toss": "throw", "hurl": "throw", "fling": "throw", "pitch": "throw",
    "lob": "throw", "chuck": "throw",
    "catch": "catch",
    "drop": "drop", "release": "drop",
    "kick": "kick", "punt": "kick",
    "punch": "punch", "hit": "punch", "strike": "punch", "smack": "punch", "slap": "punch",
    "attack": "punch", "beat": "punch", "box": "punch", "knock": "punch",
    "push": "push", "shove": "push", "nudge": "push",
    "pull": "pull", "drag": "pull", "tug": "pull", "yank": "pull", "haul": "pull",
    "hug": "hug", "embrace": "hug", "cuddle": "hug",
    "kiss": "kiss",
    "dance": "dance", "waltz": "dance", "boogie": "dance", "tango": "dance",
    "spin": "spin", "twirl": "spin", "pirouette": "spin", "whirl": "spin",
    "crawl": "crawl",
    "roll": "roll", "tumble": "roll",
    "cartwheel": "cartwheel",
    "backflip": "backflip", "somersault": "backflip", "flip": "backflip",
    "fall": "fall", "collapse": "fall", "trip": "fall", "stumble": "fall", "slip": "fall",
    "faint": "fall",
    "snap": "snap_fingers",
    "celebrate": "celebrate", "cheer": "celebrate", "rejoice": "celebrate",
    "bounce": "bounce", "rebound": "bounce",
    "break": "break", "shatter": "break", "smash": "break", "crack": "break",
    "splinter": "break", "burst": "break",
    "topple": "topple", "tip": "topple", "overturn": "topple",
    "slide": "slide", "skid": "slide", "glide": "slide",
    "shake": "shake_head",
}

# (lemma, particle or noun) -> action, taking precedence over VERBS.  The second word may
# come right after the verb or after its object ("picks the ball up").
PHRASES = {
    ("pick", "up"): "pick_up", ("put", "down"): "put_down", ("set", "down"): "put_down",
    ("lay", "down"): "lie_down", ("lie", "down"): "lie_down", ("let", "go"): "drop",
    ("sit", "down"): "sit", ("stand", "up"): "stand_up", ("get", "up"): "get_up",
    ("climb", "up"): "get_up", ("turn", "head"): "look_at", ("turn", "around"): "turn",
    ("shake", "hands"): "handshake", ("shake", "hand"): "handshake",
    ("shake", "head"): "shake_head", ("snap", "fingers"): "snap_fingers",
    ("fall", "down"): "fall", ("fall", "over"): "fall", ("knock", "down"): "punch",
    ("knock", "over"): "push", ("tip", "over"): "topple", ("fall", "apart"): "break",
    ("jump", "up"): "jump", ("take", "seat"): "sit", ("look", "around"): "look_at",
    ("high", "five"): "clap", ("pump", "fist"): "celebrate", ("wave", "goodbye"): "wave",
    ("point", "finger"): "point",
}

# Light verbs: "gives him a hug", "does a cartwheel", "takes a walk", "goes for a run".
LIGHT_VERBS = {"give", "do", "take", "make", "have", "go", "perform", "pull", "throw", "land"}
ACTION_NOUNS = {
    "hug": "hug", "kiss": "kiss", "kick": "kick", "punch": "punch", "push": "push",
    "shove": "push", "wave": "wave", "nod": "nod", "cartwheel": "cartwheel",
    "backflip": "backflip", "flip": "backflip", "somersault": "backflip", "dance": "dance",
    "spin": "spin", "twirl": "spin", "jump": "jump", "leap": "jump", "walk": "walk",
    "stroll": "walk", "run": "run", "jog": "jog", "bow": "nod", "speech": "talk",
    "handshake": "handshake", "seat": "sit", "nap": "lie_down", "rest": "idle",
    "look": "look_at", "glance": "look_at", "step": "walk", "turn": "turn", "roll": "roll",
}

PARTICLES = {"up", "down", "over", "around", "away", "back", "off", "go", "apart", "out",
             "forward", "aside", "round"}
BODY_PARTS = {"head": "head", "hand": "hand", "hands": "hands", "fingers": "fingers",
              "finger": "fingers", "fist": "fist", "arm": "arm", "arms": "arm", "foot": "foot",
              "feet": "foot", "leg": "foot", "legs": "foot", "side": "side"}

# Verbs that describe, not act: "is wearing a helmet", "has a backpack", "there is a cup".
STATE_VERBS = {"be", "wear", "have", "own", "sport", "put on"}
AUXILIARIES = {"is", "are", "was", "were", "be", "been", "being", "am", "'s", "'re", "will", "would", "can", "could", "should", "must", "may", "might",
               "shall"}
# "starts to dance", "begins walking", "tries to jump": the second verb is the action.
CATENATIVES = {"start", "begin", "try", "decide", "want", "continue", "keep", "manage",
               "stop", "need", "like", "love", "seem", "attempt", "prepare", "go", "finish",
               "hurry", "rush", "stoop", "bend", "reach", "lean", "proceed", "seem"}

IRREGULAR = {
    "ran": "run", "running": "run", "threw": "throw", "thrown": "throw", "caught": "catch",
    "fell": "fall", "fallen": "fall", "sat": "sit", "stood": "stand", "took": "take",
    "taken": "take", "gave": "give", "given": "give", "broke": "break", "broken": "break",
    "shook": "shake", "shaken": "shake", "went": "go", "gone": "go", "came": "come",
    "got": "get", "gotten": "get", "held": "hold", "let": "let", "put": "put", "hit": "hit",
    "began": "begin", "begun": "begin", "lay": "lie", "lain": "lie", "lying": "lie",
    "laid": "lay", "rose": "rise", "risen": "rise", "swung": "swing", "struck": "strike",
    "slid": "slide", "spun": "spin", "slept": "sleep", "brought": "bring", "bought": "buy",
    "leapt": "leap", "crept": "creep", "did": "do", "done": "do", "made": "make",
    "said": "say", "told": "tell", "spoke": "speak", "sang": "sing", "wore": "wear",
    "worn": "wear", "has": "have", "had": "have", "is": "be", "are": "be", "was": "be",
    "were": "be", "am": "be", "fled": "flee", "knelt": "kneel", "flung": "fling",
    "kept": "keep", "left": "leave", "saw": "see", "seen": "see", "dove": "dive",
    "set": "set", "shut": "shut", "burst": "burst", "beat": "beat", "beaten": "beat",
    "thought": "think", "sought": "seek", "tore": "tear", "led": "lead", "lit": "light",
    "stepping": "step", "dropping": "drop", "dropped": "drop",
}

# Person nouns: (sex, typical age in years).
PERSONS = {
    "man": ("male", 35), "woman": ("female", 35), "boy": ("male", 10), "girl": ("female", 10),
    "child": ("", 8), "kid": ("", 8), "baby": ("", 1.5), "toddler": ("", 2.5),
    "person": ("", 30), "guy": ("male", 30), "gentleman": ("male", 45), "lady": ("female", 45),
    "teenager": ("", 16), "teen": ("", 16), "youth": ("", 18), "adult": ("", 35),
    "grandfather": ("male", 72), "grandpa": ("male", 72), "grandmother": ("female", 72),
    "grandma": ("female", 72), "granny": ("female", 75), "father": ("male", 40),
    "dad": ("male", 40), "mother": ("female", 38), "mom": ("female", 38),
    "mum": ("female", 38), "son": ("male", 12), "daughter": ("female", 12),
    "brother": ("male", 20), "sister": ("female", 20), "husband": ("male", 40),
    "wife": ("female", 38), "uncle": ("male", 45), "aunt": ("female", 45),
    "friend": ("", 28), "stranger": ("", 35), "teacher": ("", 40), "student": ("", 20),
    "doctor": ("", 45), "nurse": ("female", 35), "police": ("", 35), "policeman": ("male", 35),
    "policewoman": ("female", 35), "officer": ("", 35), "soldier": ("male", 25),
    "knight": ("male", 30), "king": ("male", 55), "queen": ("female", 50),
    "prince": ("male", 22), "princess": ("female", 20), "waiter": ("male", 28),
    "waitress": ("female", 26), "chef": ("", 40), "cook": ("", 40), "worker": ("", 35),
    "player": ("", 24), "dancer": ("", 25), "athlete": ("", 25), "runner": ("", 28),
    "boxer": ("male", 28), "fighter": ("", 28), "thief": ("", 30), "robber": ("male", 30),
    "farmer": ("", 50), "builder": ("male", 40), "driver": ("", 40), "tourist": ("", 35),
    "customer": ("", 35), "neighbour": ("", 40), "neighbor": ("", 40), "boss": ("", 45),
    "musician": ("", 30), "singer": ("", 28), "actor": ("male", 32), "actress": ("female", 30),
    "girlfriend": ("female", 25), "boyfriend": ("male", 26), "couple": ("", 30),
    "gardener": ("", 45), "cyclist": ("", 30), "pedestrian": ("", 35), "goalkeeper": ("", 24),
    "footballer": ("", 24), "coach": ("", 45), "detective": ("", 40), "janitor": ("", 45),
    "mailman": ("male", 40), "postman": ("male", 40), "scientist": ("", 40),
    "businessman": ("male", 45), "businesswoman": ("female", 42), "clown": ("", 35),
    "ninja": ("", 28), "pirate": ("male", 35), "cowboy": ("male", 35), "grandson": ("male", 10),
    "granddaughter": ("female", 10), "villager": ("", 40), "guard": ("male", 32),
    "warrior": ("", 28), "teammate": ("", 24), "classmate": ("", 16),
    "colleague": ("", 35), "partner": ("", 30), "opponent": ("", 28), "passenger": ("", 35),
    "visitor": ("", 35), "grandchild": ("", 8), "niece": ("female", 12),
    "nephew": ("male", 12), "magician": ("", 40), "wizard": ("male", 60), "witch": ("female", 50),
    "referee": ("", 40), "hero": ("", 28), "sailor": ("male", 30),
}
PLURAL_PERSONS = {"men": "man", "women": "woman", "boys": "boy", "girls": "girl",
                  "children": "child", "kids": "kid", "people": "person", "friends": "friend",
                  "students": "student", "players": "player", "soldiers": "soldier",
                  "dancers": "dancer", "teenagers": "teenager", "guys": "guy",
                  "ladies": "lady", "persons": "person", "workers": "worker",
                  "knights": "knight", "brothers": "brother", "sisters": "sister"}

# Well-known given names and the sex they usually signal; other capitalised words before a
# verb are names too, of unknown sex until a pronoun says.
NAMES = {
    **dict.fromkeys(
        "tom jack john mike michael bob ben sam david james peter paul mark luke leo max "
        "adam chris dan daniel eric frank george harry henry ian jake jim joe kevin "
        "liam lucas matt nick noah oliver oscar owen ryan steve tim tony will william "
        "charlie arthur hugo felix victor carlos pedro juan ahmed omar raj ken hiro li wei "
        "ming jun bill fred ted ethan mason logan ray ron dave andy edward carl walter "
        "roger simon martin robert richard thomas kai finn".split(), "male"),
    **dict.fromkeys(
        "anna mary alice emma lucy sarah kate jane lisa maria sophie emily olivia mia "
        "amy ella grace hannah julia laura linda nina rose ruth zoe chloe eva lily lucia "
        "susan helen claire diana elena fiona irene jenny karen lena molly nora paula rita "
        "sofia tina vera wendy yuki mei lin amelia isabella ava charlotte harper evelyn "
        "abigail ellie sara kim ann annie beth betty carol donna jess jessica judy kelly "
        "megan nancy pam sally tara".split(), "female"),
}

PROPS = {
    "chair": "chair", "stool": "chair", "armchair": "chair", "seat": "chair",
    "table": "table", "bench": "bench", "sofa": "sofa", "couch": "sofa", "bed": "bed",
    "desk": "desk", "shelf": "shelf", "bookshelf": "shelf", "bookcase": "shelf",
    "glass": "glass", "tumbler": "glass", "cup": "cup", "teacup": "cup", "mug": "mug",
    "bottle": "bottle", "plate": "plate", "dish": "plate", "bowl": "bowl", "vase": "vase",
    "box": "box", "parcel": "box", "package": "box", "crate": "crate", "barrel": "barrel",
    "bucket": "bucket", "pail": "bucket", "bag": "bag", "suitcase": "bag", "basket": "bag",
    "ball": "ball", "football": "ball", "basketball": "basketball", "bat": "bat",
    "racket": "racket", "racquet": "racket", "lamp": "lamp", "book": "book", "phone": "phone",
    "smartphone": "phone", "laptop": "laptop", "computer": "laptop", "umbrella": "umbrella",
    "pillow": "pillow", "cushion": "pillow", "tree": "tree", "bush": "bush", "shrub": "bush",
    "rock": "rock", "stone": "rock", "boulder": "rock", "flower": "flower",
    "bin": "trash_can", "trashcan": "trash_can", "dustbin": "trash_can", "cone": "traffic_cone",
    "sign": "sign", "signpost": "sign", "fence": "fence", "streetlight": "street_lamp",
    "lamppost": "street_lamp", "wall": "wall", "stairs": "stairs", "staircase": "stairs",
    "steps": "stairs", "car": "car", "taxi": "car", "truck": "car", "bicycle": "bicycle",
    "bike": "bicycle", "wineglass": "glass", "jar": "bottle", "pot": "bowl", "frisbee": "plate",
    "domino": "domino",
}
# Two-word props, checked before single words.
PROP_COMPOUNDS = {
    ("soccer", "ball"): "ball", ("tennis", "ball"): "tennis_ball",
    ("beach", "ball"): "ball", ("rubber", "ball"): "ball", ("trash", "can"): "trash_can",
    ("garbage", "can"): "trash_can", ("traffic", "cone"): "traffic_cone",
    ("street", "lamp"): "street_lamp", ("street", "light"): "street_lamp",
    ("wine", "glass"): "glass", ("glass", "cup"): "glass", ("drinking", "glass"): "glass",
    ("coffee", "cup"): "cup", ("tea", "cup"): "cup", ("coffee", "mug"): "mug",
    ("water", "bottle"): "bottle", ("baseball", "bat"): "bat", ("tennis", "racket"): "racket",
    ("cardboard", "box"): "box", ("flower", "pot"): "vase", ("park", "bench"): "bench",
    ("dining", "table"): "table", ("coffee", "table"): "table", ("desk", "lamp"): "lamp",
    ("mobile", "phone"): "phone", ("cell", "phone"): "phone", ("wooden", "crate"): "crate",
}
PROP_PLURALS = {"chairs": "chair", "tables": "table", "benches": "bench", "cups": "cup", "plates": "plate", "bowls": "bowl", "boxes": "box",
                "balls": "ball", "books": "book", "trees": "tree", "rocks": "rock",
                "stones": "rock", "flowers": "flower", "bottles": "bottle", "cones": "traffic_cone",
                "crates": "crate", "barrels": "barrel", "pillows": "pillow", "bushes": "bush",
                "dominoes": "domino", "dominos": "domino",
                "mugs": "mug", "cartons": "box", "parcels": "box", "packages": "box",
                "buckets": "bucket", "bats": "bat", "lamps": "lamp", "vases": "vase",
                "cushions": "pillow", "stools": "chair"}
# "a row of ten dominoes", "a stack of boxes": a noun that says how the things stand.
ARRANGEMENT_NOUNS = {"row": "row", "line": "row", "column": "row", "chain": "row",
                     "stack": "stack", "pile": "stack", "tower": "stack", "heap": "stack"}
# "five boxes stacked on the table", "dominoes lined up": a participle that says it.
ARRANGED_WORDS = {"stacked": "stack", "piled": "stack", "heaped": "stack", "lined": "row",
                  "aligned": "row"}
# "in a row", "on top of each other": phrases after the noun or the verb that say it.
ARRANGED_PHRASES = {("in", "a", "row"): "row", ("in", "a", "line"): "row",
                    ("in", "a", "column"): "row", ("in", "rows"): "row", ("in", "a", "stack"):
                    "stack", ("in", "a", "pile"): "stack", ("in", "a", "tower"): "stack",
                    ("on", "top", "of", "each", "other"): "stack",
                    ("on", "top", "of", "one", "another"): "stack",
                    ("one", "on", "top", "of", "another"): "stack",
                    ("one", "behind", "the", "other"): "row",
                    ("one", "behind", "another"): "row"}

# Words that make the prop's material explicit ("a glass cup" is made of glass).
MATERIALS = {"glass": "glass", "wooden": "wood", "wood": "wood", "metal": "metal",
             "metallic": "metal", "steel": "metal", "iron": "metal", "plastic": "plastic",
             "ceramic": "ceramic", "porcelain": "porcelain", "china": "porcelain",
             "rubber": "rubber", "leather": "leather", "stone": "stone", "cardboard": "cardboard",
             "paper": "paper", "crystal": "glass", "clay": "ceramic", "cotton": "fabric",
             "wool": "fabric", "woolen": "fabric", "woollen": "fabric", "golden": "metal",
             "silver": "metal", "marble": "stone", "concrete": "stone", "brick": "stone"}

ACCESSORY_WORDS = {
    "helmet": "helmet", "hat": "hat", "cap": "cap", "beret": "hat", "beanie": "hat",
    "glasses": "glasses", "spectacles": "glasses", "eyeglasses": "glasses",
    "sunglasses": "sunglasses", "shades": "sunglasses", "backpack": "backpack",
    "rucksack": "backpack", "bag": "bag", "handbag": "bag", "purse": "bag", "sword": "sword",
    "umbrella": "umbrella", "scarf": "scarf", "crown": "crown", "mask": "mask",
    "watch": "watch", "headphones": "headphones", "headset": "headphones",
}
GARMENTS = {
    "jacket": "top", "coat": "outer", "shirt": "top", "t-shirt": "top", "tshirt": "top",
    "sweater": "top", "jumper": "top", "hoodie": "top", "blouse": "top", "top": "top",
    "vest": "top", "suit": "top", "uniform": "top", "raincoat": "outer", "cardigan": "top",
    "trousers": "bottom", "pants": "bottom", "jeans": "bottom", "shorts": "bottom",
    "skirt": "bottom", "dress": "dress", "gown": "dress", "robe": "dress",
    "shoes": "shoes", "boots": "shoes", "sneakers": "shoes", "trainers": "shoes",
    "sandals": "shoes", "heels": "shoes", "slippers": "shoes", "tracksuit": "top",
    "onesie": "dress", "overalls": "dress", "apron": "top", "pyjamas": "dress",
    "pajamas": "dress", "tuxedo": "top", "kimono": "dress", "costume": "dress",
}
COLOURS = {c: c for c in (
    "red", "green", "blue", "yellow", "orange", "purple", "pink", "black", "white", "grey",
    "brown", "beige", "navy", "cyan", "teal", "maroon", "gold", "silver", "violet")}
COLOURS.update({"gray": "grey", "golden": "gold", "crimson": "red", "scarlet": "red",
                "dark": "", "light": ""})

HEIGHT_WORDS = {"tall": "tall", "lanky": "tall", "towering": "tall", "giant": "tall",
                "short": "short", "tiny": "short", "petite": "short", "small": "short"}
BUILD_WORDS = {
    "heavy": "heavy", "fat": "heavy", "stout": "heavy", "chubby": "heavy", "plump": "heavy",
    "overweight": "heavy", "big": "heavy", "large": "heavy", "portly": "heavy",
    "bulky": "heavy", "hefty": "heavy", "obese": "heavy", "round": "heavy",
    "slim": "slim", "thin": "slim", "skinny": "slim", "slender": "slim", "lean": "slim",
    "wiry": "slim", "frail": "slim", "muscular": "muscular", "strong": "muscular",
    "burly": "muscular", "athletic": "muscular", "brawny": "muscular", "buff": "muscular",
    "beefy": "muscular", "powerful": "muscular", "fit": "average", "average": "average",
}
AGE_WORDS = {"old": 72, "elderly": 75, "aged": 70, "ancient": 85, "senior": 68,
             "middle-aged": 50, "young": 22, "little": 6, "teenage": 16, "baby": 1.5,
             "infant": 1, "grown": 35}

PLACES = {
    "park": "park", "street": "street", "road": "street", "sidewalk": "street",
    "pavement": "street", "alley": "street", "square": "street", "crossroads": "street",
    "kitchen": "kitchen", "room": "room", "bedroom": "bedroom", "hall": "room",
    "hallway": "room", "house": "room", "home": "room", "apartment": "room",
    "office": "office", "beach": "beach", "shore": "beach", "seaside": "beach",
    "stage": "stage", "theater": "stage", "theatre": "stage", "studio": "stage",
    "garden": "garden", "backyard": "yard", "yard": "yard", "forest": "forest",
    "woods": "forest", "bar": "bar", "pub": "bar", "restaurant": "restaurant",
    "cafe": "restaurant", "café": "restaurant", "classroom": "classroom", "school": "classroom",
    "gym": "gym", "field": "field", "meadow": "field", "pitch": "field", "playground": "park",
}
PLACE_COMPOUNDS = {("living", "room"): "living_room", ("dining", "room"): "room",
                   ("football", "field"): "field", ("soccer", "field"): "field"}
OUTDOOR = {"park", "street", "beach", "garden", "forest", "yard", "field"}

SPOTS = {"door": "door", "doorway": "door", "entrance": "door", "exit": "door",
         "window": "window", "centre": "centre", "center": "centre", "middle": "centre",
         "corner": "corner", "fountain": "fountain", "counter": "counter",
         "gate": "gate", "fireplace": "fireplace", "edge": "edge"}

TIMES_OF_DAY = {"dawn": "dawn", "sunrise": "dawn", "morning": "morning", "noon": "noon",
                "midday": "noon", "afternoon": "afternoon", "evening": "dusk", "dusk": "dusk",
                "sunset": "dusk", "twilight": "dusk", "night": "night", "midnight": "night",
                "nighttime": "night"}

NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
           "seventy": 70, "eighty": 80, "ninety": 90, "half": 0.5, "few": 3, "several": 4,
           "couple": 2, "both": 2, "thirteen": 13, "fourteen": 14, "sixteen": 16,
           "seventeen": 17, "eighteen": 18, "nineteen": 19, "hundred": 100}
TIME_UNITS = {"second": 1, "seconds": 1, "sec": 1, "secs": 1, "s": 1, "minute": 60,
              "minutes": 60, "min": 60, "mins": 60, "moment": 1, "hour": 3600, "hours": 3600}

SPEED_WORDS = {"slowly": "slow", "gently": "slow", "carefully": "slow", "calmly": "slow",
               "leisurely": "slow", "quickly": "fast", "fast": "fast", "rapidly": "fast",
               "hurriedly": "fast", "swiftly": "fast", "suddenly": "fast", "hastily": "fast",
               "briskly": "fast", "angrily": "fast", "hard": "fast", "softly": "slow"}
DIRECTION_WORDS = {"left": "left", "right": "right", "around": "around", "round": "around",
                   "back": "back", "backwards": "back", "backward": "back", "forward": "forward",
                   "forwards": "forward", "up": "up", "upward": "up", "down": "down",
                   "sideways": "left"}

DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "his", "her", "their",
               "my", "our", "your", "its", "some", "another", "one", "each", "every", "any"}
DEFINITE = {"the", "this", "that", "these", "those", "his", "her", "their", "my", "our",
            "your", "its"}
PRONOUNS = {"he": "he", "him": "he", "himself": "he", "she": "she", "her": "she",
            "herself": "she", "it": "it", "itself": "it", "they": "they", "them": "they",
            "themselves": "they", "i": "I", "me": "I", "myself": "I"}
POSSESSIVES = {"his", "her", "their", "my", "its", "our", "your"}

# Words that join two predicates, and what they say about timing.
WITH_WORDS = {"while", "meanwhile", "simultaneously", "as", "whilst", "together"}
AFTER_WORDS = {"then", "afterwards", "afterward", "next", "later", "finally", "eventually",
               "subsequently", "soon"}
RELATIONS = {"to": "to", "towards": "to", "toward": "to", "into": "in", "onto": "on",
             "on": "on", "upon": "on", "at": "at", "near": "near", "by": "near",
             "beside": "next_to", "under": "under", "underneath": "under", "below": "under",
             "beneath": "under", "behind": "behind", "in": "in", "inside": "in",
             "across": "to", "through": "to", "past": "to", "over": "over", "from": "from",
             "with": "with", "around": "around", "up": "to", "down": "to", "off": "from",
             "against": "at", "for": "for", "of": "of", "within": "in", "outside": "near",
             "along": "to"}

SKIP_WORDS = {"just", "then", "again", "also", "still", "even", "really", "very", "so",
              "immediately", "instantly", "finally", "suddenly", "quietly", "happily",
              "sadly", "slowly", "quickly", "gently", "carefully", "together", "back",
              "away", "off", "once", "twice", "almost", "nearly", "only", "soon", "now",
              "loudly", "proudly", "excitedly", "nervously", "eagerly",
              "joyfully", "cheerfully", "not", "never", "always", "already", "first", "both",
              "all"}

# Things people sit or lie on, preferred when "sits on it" could mean several props.
SEATS = {"chair", "bench", "sofa", "bed", "stool", "rock", "box", "crate", "stairs"}


def _inflections(lemma: str) -> set[str]:
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    elif lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        forms |= {lemma + "es", lemma + "ed", lemma + "ing"}
    else:
        forms |= {lemma + "s", lemma + "ed", lemma + "ing"}
        if (len(lemma) >= 3 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou"
                and lemma[-3] not in "aeiou"):
            forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    if lemma.endswith("ie"):
        forms.add(lemma[:-2] + "ying")
    return forms


def verb_forms() -> dict[str, str]:
    """Every inflected form of every known verb, mapped to its lemma."""
    lemmas = set(VERBS) | {v for v, _ in PHRASES} | LIGHT_VERBS | STATE_VERBS | CATENATIVES
    lemmas |= {"get", "let", "knock", "lay", "climb", "pump", "see", "give", "wear", "have",
               "hold", "kneel", "dive", "swing", "help"}
    out: dict[str, str] = {}
    for lemma in sorted(lemmas):
        if " " in lemma:
            continue
        for form in _inflections(lemma):
            out.setdefault(form, lemma)
    out.update(IRREGULAR)
    return out


VERB_FORMS = verb_forms()
