"""BVH motion files in and out, without Blender.

Reading keeps the file as it is (hierarchy, offsets, channels in any order, rotation orders,
frames); `bvh_to_clip` then maps it onto the canonical skeleton through `source.py`, which
works in world space, so the file's up axis, facing, units and rest pose (T-pose, A-pose,
arms down) do not matter.  Built-in joint-name mappings cover CMU mocap, Mixamo and our own
canonical names; any other rig takes a dict.

`clip_to_bvh` writes the canonical skeleton with Y up and the body facing +Z by default,
which is what most tools (Blender's importer with its defaults, MotionBuilder, Maya, Mixamo)
expect; `up="z"` keeps Blender's axes.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import quat
from .clip import Clip
from .skeleton import JOINTS, PARENTS
from .source import SMPL_LEG_M, SourceError, SourceMotion, to_canonical

log = logging.getLogger(__name__)

_AXES = {"x": np.array([1.0, 0.0, 0.0]), "y": np.array([0.0, 1.0, 0.0]),
         "z": np.array([0.0, 0.0, 1.0])}


class BVHError(ValueError):
    """A BVH file that cannot be read or mapped; the message names the file and the line."""


@dataclass
class BVHMotion:
    """A BVH file as read: joints in file order (parents before children), each joint's
    OFFSET and CHANNELS, end sites, and the frames (T, channel count)."""
    names: list[str]
    parents: list[int]
    offsets: np.ndarray
    channels: list[tuple[str, ...]]
    frame_time: float
    data: np.ndarray
    end_sites: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict)
    path: str = ""

    @property
    def fps(self) -> float:
        return 1.0 / self.frame_time

    @property
    def frames(self) -> int:
        return len(self.data)

    def _columns(self) -> list[int]:
        starts, column = [], 0
        for channels in self.channels:
            starts.append(column)
            column += len(channels)
        return starts

    def local_rotations(self) -> np.ndarray:
        """Local rotations (T, J, 4), each joint's rotation channels composed in file order
        (the BVH convention: "Zrotation Xrotation Yrotation" means Rz * Rx * Ry)."""
        rotations = np.tile(quat.IDENTITY, (self.frames, len(self.names), 1))
        for j, (channels, start) in enumerate(zip(self.channels, self._columns())):
            for c, channel in enumerate(channels):
                if channel.endswith("rotation"):
                    angle = np.radians(self.data[:, start + c])
                    turn = quat.from_axis_angle(_AXES[channel[0]], angle)
                    rotations[:, j] = quat.multiply(rotations[:, j], turn)
        return quat.normalize(rotations)

    def root_positions(self) -> np.ndarray:
        """The root's position per frame (T, 3): its position channels, which replace its
        OFFSET as Blender's importer reads them, or the OFFSET when it has none."""
        root = np.tile(self.offsets[0], (self.frames, 1))
        for c, channel in enumerate(self.channels[0]):
            if channel.endswith("position"):
                root[:, "xyz".index(channel[0])] = self.data[:, c]
        return root

    def to_source(self) -> SourceMotion:
        moving = [self.names[j] for j in range(1, len(self.names))
                  if any(c.endswith("position") for c in self.channels[j])]
        if moving:
            log.info("%s: position channels of %s are ignored (their OFFSET is used)",
                     self.path or "BVH", ", ".join(moving[:5]))
        times = np.arange(self.frames) * self.frame_time
        return SourceMotion(list(self.names), list(self.parents), self.offsets,
                            self.local_rotations(), self.root_positions(), times,
                            dict(self.end_sites))


# --- reading -------------------------------------------------------------------------------

def _tokens(text: str) -> list[tuple[str, int]]:
    return [(token, number) for number, line in enumerate(text.splitlines(), 1)
            for token in line.split()]


def read_bvh(text_or_path: str | Path) -> BVHMotion:
    """A BVH file (a path, or the text itself) as a BVHMotion; BVHError says what is wrong
    and on which line."""
    path = ""
    if isinstance(text_or_path, Path) or "\n" not in str(text_or_path):
        path = str(text_or_path)
        try:
            text = Path(text_or_path).read_text(errors="replace")
        except OSError as error:
            raise BVHError(f"{path}: cannot read the BVH file ({error.strerror})") from None
    else:
        text = str(text_or_path)
    where = path or "BVH text"
    # Tokenise the hierarchy and the frame header only; the frames (often a million numbers)
    # go to numpy in one piece.
    header_end = re.search(r"^[ \t]*Frame\s+Time:[^\n]*(\n|$)", text, re.M | re.I)
    split = header_end.end() if header_end else len(text)
    tokens = _tokens(text[:split])
    first_frame_line = text.count("\n", 0, split) + 1
    position = 0

    def fail(message: str, at: int | None = None) -> BVHError:
        line = tokens[min(at if at is not None else position, len(tokens) - 1)][1] if tokens else 0
        return BVHError(f"{where}: line {line}: {message}")

    def take(expected: str | None = None) -> str:
        nonlocal position
        if position >= len(tokens):
            raise fail(f"the file ends early{f', expected {expected!r}' if expected else ''}")
        token = tokens[position][0]
        if expected is not None and token.upper().rstrip(":") != expected.upper().rstrip(":"):
            raise fail(f"expected {expected!r}, found {token!r}")
        position += 1
        return token

    def number() -> float:
        token = take()
        try:
            return float(token)
        except ValueError:
            raise fail(f"expected a number, found {token!r}", position - 1) from None

    names, parents, offsets, channels = [], [], [], []
    end_sites: dict[str, tuple[int, np.ndarray]] = {}
    take("HIERARCHY")

    def joint(parent: int) -> None:
        index = len(names)
        name_tokens = []
        while position < len(tokens) and tokens[position][0] != "{":
            name_tokens.append(take())
        name = " ".join(name_tokens)
        if not name:
            raise fail("a joint has no name")
        if name in names:
            raise fail(f"joint {name!r} appears twice")
        take("{")
        names.append(name)
        parents.append(parent)
        take("OFFSET")
        offsets.append([number(), number(), number()])
        take("CHANNELS")
        count_token = take()
        if not count_token.isdigit():
            raise fail(f"expected the channel count, found {count_token!r}", position - 1)
        first_channel = position
        joint_channels = tuple(take().lower() for _ in range(int(count_token)))
        bad = [c for c in joint_channels
               if not re.fullmatch(r"[xyz](rotation|position)", c)]
        if bad:
            raise fail(f"joint {name!r} has unknown channels {bad}", first_channel)
        channels.append(joint_channels)
        while True:
            keyword = take().upper()
            if keyword == "}":
                return
            if keyword == "JOINT":
                joint(index)
            elif keyword == "END":
                take("Site")
                take("{")
                take("OFFSET")
                end_sites[f"{name}_end"] = (index, np.array([number(), number(), number()]))
                take("}")
            else:
                raise fail(f"expected JOINT, End Site or '}}' in joint {name!r}, "
                           f"found {tokens[position - 1][0]!r}", position - 1)

    take("ROOT")
    joint(-1)
    take("MOTION")
    take("Frames:")
    count = number()
    take("Frame")
    take("Time:")
    frame_time = number()
    if frame_time <= 0 or count != int(count) or count < 1:
        raise fail(f"bad frame count {count} or frame time {frame_time}")
    width = sum(len(c) for c in channels)
    try:
        data = np.array(text[split:].split(), dtype=float)
    except ValueError:
        raise BVHError(f"{where}: line {first_frame_line}: the frames hold something that is "
                       f"not a number") from None
    if data.size != int(count) * width:
        raise BVHError(f"{where}: line {first_frame_line}: expected {int(count)} frames of "
                       f"{width} numbers, found {data.size} numbers")
    data = data.reshape(int(count), width)
    if not np.isfinite(data).all():
        raise BVHError(f"{where}: the frames hold NaN or infinite values")
    return BVHMotion(names, parents, np.array(offsets, dtype=float), channels, frame_time,
                     data, end_sites, path)


# --- mapping onto the canonical skeleton ----------------------------------------------------

def _sided(table: dict[str, str]) -> dict[str, str]:
    """Expand "left_x": "LeftX" entries to the right side too."""
    out = dict(table)
    for canonical, name in table.items():
        if canonical.startswith("left_"):
            out["right_" + canonical[5:]] = name.replace("Left", "Right")
    return out


_LIMBS = {"left_hip": "LeftUpLeg", "left_knee": "LeftLeg", "left_ankle": "LeftFoot",
          "left_foot": "LeftToeBase", "left_collar": "LeftShoulder", "left_shoulder": "LeftArm",
          "left_elbow": "LeftForeArm", "left_wrist": "LeftHand"}
#: Canonical joint -> BVH joint name, per known skeleton.  Names match without case and
#: without a namespace prefix ("mixamorig:Hips" matches "Hips").
MAPPINGS: dict[str, dict[str, str]] = {
    "canonical": {name: name for name in JOINTS},
    # CMU mocap as converted to BVH (cgspeed): LowerBack, Spine, Spine1 is SMPL's spine1..3;
    # LHipJoint, Neck1 and the fingers are skipped.
    "cmu": _sided({"pelvis": "Hips", "spine1": "LowerBack", "spine2": "Spine",
                   "spine3": "Spine1", "neck": "Neck", "head": "Head", **_LIMBS}),
    "mixamo": _sided({"pelvis": "Hips", "spine1": "Spine", "spine2": "Spine1",
                      "spine3": "Spine2", "neck": "Neck", "head": "Head", **_LIMBS}),
}


def _plain(name: str) -> str:
    return name.rsplit(":", 1)[-1].strip().lower()


def detect_mapping(names: list[str]) -> str:
    """Which built-in mapping fits these joint names: "canonical", "mixamo" or "cmu"."""
    plain = {_plain(n) for n in names}
    if {"pelvis", "left_hip", "left_knee"} <= plain:
        return "canonical"
    if any(n.lower().startswith("mixamorig") for n in names) or "spine2" in plain:
        return "mixamo"
    if "hips" in plain:
        return "cmu"
    raise BVHError(f"cannot tell which skeleton joints {sorted(names)[:8]}... belong to; pass "
                   f"mapping= one of {sorted(MAPPINGS)} or a dict canonical -> BVH joint name")


def resolve_mapping(motion: BVHMotion, mapping: str | dict[str, str] | None) -> dict[str, str]:
    """The mapping as canonical joint -> this file's exact joint names (missing ones dropped:
    they become virtual joints)."""
    if mapping is None:
        mapping = detect_mapping(motion.names)
    if isinstance(mapping, str):
        if mapping not in MAPPINGS:
            raise BVHError(f"unknown mapping {mapping!r}; known: {', '.join(sorted(MAPPINGS))}")
        table = MAPPINGS[mapping]
    else:
        table = dict(mapping)
    by_plain = {_plain(n): n for n in list(motion.names) + list(motion.end_sites)}
    resolved, absent = {}, []
    for canonical, name in table.items():
        known = name in motion.names or name in motion.end_sites
        exact = name if known else by_plain.get(_plain(name))
        if exact is None:
            absent.append(name)
        else:
            resolved[canonical] = exact
    if absent:
        log.info("%s: no joints %s; the canonical joints they stand for follow their parents",
                 motion.path or "BVH", ", ".join(absent))
    return resolved


def _unit_scale(motion: BVHMotion, mapping: dict[str, str]) -> float:
    """Metres per file unit, judged from the leg length (hip to ankle): metres and
    centimetres are recognised; anything else (CMU's ~2.2-inch units, inches) is scaled to
    the canonical body's legs."""
    source = motion.to_source()
    rest = source.rest()
    legs = []
    for side in ("left", "right"):
        hip, knee, ankle = (rest[source.point_index(mapping[f"{side}_{p}"])]
                            for p in ("hip", "knee", "ankle"))
        legs.append(np.linalg.norm(knee - hip) + np.linalg.norm(ankle - knee))
    leg = float(np.mean(legs))
    if 0.5 <= leg <= 1.3:
        return 1.0
    if 50.0 <= leg <= 130.0:
        return 0.01
    if leg <= 1e-6:
        raise BVHError(f"{motion.path or 'BVH'}: the legs have no length")
    return SMPL_LEG_M / leg


def is_loop(clip: Clip, max_angle_deg: float = 12.0, max_height_m: float = 0.03) -> bool:
    """Whether the last frame repeats the first pose (up to where the root has travelled and
    which way it faces), so the clip can play in a loop."""
    if clip.frames < 3:
        return False
    first, last = clip.rotations[0, 1:], clip.rotations[-1, 1:]
    angles = 2 * np.degrees(np.arccos(np.clip(np.abs(np.sum(first * last, axis=-1)), 0, 1)))
    return bool(angles.max() < max_angle_deg
                and abs(clip.root[-1, 2] - clip.root[0, 2]) < max_height_m)


def bvh_to_clip(motion: BVHMotion, mapping: str | dict[str, str] | None = None, *,
                name: str | None = None, scale: float | None = None, normalize: bool = True,
                labels: tuple[str, ...] = ()) -> Clip:
    """A BVH motion as a canonical clip.

    `mapping`: a built-in name ("cmu", "mixamo", "canonical"), a dict canonical joint -> BVH
    joint name, or None to detect it from the names.  `scale`: metres per file unit (None:
    judged from the legs).  With `normalize` the clip starts at x = y = 0 facing -Y with its
    feet on the floor; without it the file's own placement is kept (only the axes change).
    A clip whose last frame repeats its first pose gets the label "loop".
    """
    resolved = resolve_mapping(motion, mapping)
    where = motion.path or "BVH"
    try:
        if scale is None:
            missing = [j for j in ("left_hip", "left_knee", "left_ankle", "right_hip",
                                   "right_knee", "right_ankle") if j not in resolved]
            if missing:
                raise SourceError(f"the source has no joint mapped to {', '.join(missing)}")
            scale = _unit_scale(motion, resolved)
        clip = to_canonical(motion.to_source(), resolved, name or Path(where).stem,
                            scale=scale, normalize=normalize, labels=tuple(labels),
                            source=where)
    except SourceError as error:
        raise BVHError(f"{where}: {error}") from None
    if "loop" not in clip.labels and is_loop(clip):
        clip.labels = clip.labels + ("loop",)
    return clip


# --- writing -------------------------------------------------------------------------------

#: Blender axes -> BVH axes for up="y": (x, y, z) -> (x, z, -y); the body then faces +Z.
_Y_UP = quat.from_matrix(np.array([[1.0, 0, 0], [0, 0, 1.0], [0, -1.0, 0]]))
#: End sites of the leaves, in the canonical rest frame (metres): finger tips, toes, crown.
_END_SITES = {"head": (0.0, 0.0, 0.15), "left_wrist": (0.08, 0.0, 0.0),
              "right_wrist": (-0.08, 0.0, 0.0), "left_foot": (0.0, -0.06, 0.0),
              "right_foot": (0.0, -0.06, 0.0)}


def euler_from_quat(q: np.ndarray, order: str) -> np.ndarray:
    """Angles (..., 3) in radians, one per axis of `order` (e.g. "ZXY": R = Rz Rx Ry)."""
    m = quat.to_matrix(q)
    i, j, k = ("XYZ".index(a) for a in order.upper())
    odd = (j - i) % 3 != 1
    sign = -1.0 if odd else 1.0
    middle = np.arcsin(np.clip(sign * m[..., i, k], -1.0, 1.0))
    first = np.arctan2(-sign * m[..., j, k], m[..., k, k])
    last = np.arctan2(-sign * m[..., i, j], m[..., i, i])
    # Gimbal lock: the first and last axes coincide; put the whole turn on the first.
    locked = np.abs(sign * m[..., i, k]) > 1 - 1e-9
    first = np.where(locked, np.arctan2(sign * m[..., k, j], m[..., j, j]), first)
    last = np.where(locked, 0.0, last)
    return np.stack([first, middle, last], axis=-1)


def clip_to_bvh(clip: Clip, *, up: str = "y", scale: float = 1.0, order: str = "ZXY") -> str:
    """The clip as BVH text: canonical joint names, root with 6 channels, the others with 3
    rotation channels in `order`; `up` "y" (default: Y up, facing +Z) or "z" (Blender's
    axes); `scale` file units per metre (100 for centimetres)."""
    if up not in ("y", "z"):
        raise ValueError(f"up must be 'y' or 'z', not {up!r}")
    order = order.upper()
    if sorted(order) != ["X", "Y", "Z"]:
        raise ValueError(f"rotation order must be a permutation of XYZ, not {order!r}")
    axes = _Y_UP if up == "y" else quat.IDENTITY

    def turn(v) -> np.ndarray:
        return quat.rotate(axes, np.asarray(v, dtype=float)) * scale
    rotations = quat.multiply(quat.multiply(axes, clip.rotations), quat.inverse(axes))
    angles = np.degrees(np.unwrap(euler_from_quat(rotations, order), axis=0))
    root = turn(clip.root)
    rotation_channels = " ".join(f"{a}rotation" for a in order)

    lines = ["HIERARCHY"]
    children = {j: [c for c, p in enumerate(PARENTS) if p == j] for j in range(len(JOINTS))}

    def write(j: int, depth: int) -> None:
        pad = "\t" * depth
        keyword = "ROOT" if j == 0 else "JOINT"
        offset = (0.0, 0.0, 0.0) if j == 0 else turn(clip.offsets[j])
        channels = ("6 Xposition Yposition Zposition " if j == 0 else "3 ") + rotation_channels
        lines.extend([f"{pad}{keyword} {JOINTS[j]}", f"{pad}{{",
                      f"{pad}\tOFFSET {offset[0]:.6f} {offset[1]:.6f} {offset[2]:.6f}",
                      f"{pad}\tCHANNELS {channels}"])
        for child in children[j]:
            write(child, depth + 1)
        if not children[j]:
            end = turn(_END_SITES[JOINTS[j]])
            lines.extend([f"{pad}\tEnd Site", f"{pad}\t{{",
                          f"{pad}\t\tOFFSET {end[0]:.6f} {end[1]:.6f} {end[2]:.6f}",
                          f"{pad}\t}}"])
        lines.append(f"{pad}}}")

    # BVH lists a joint's whole subtree before its next sibling, and so do the frames.
    write(0, 0)
    in_file: list[int] = []

    def visit(j: int) -> None:
        in_file.append(j)
        for child in children[j]:
            visit(child)
    visit(0)
    table = np.concatenate([root] + [angles[:, j] for j in in_file], axis=1)
    lines.extend(["MOTION", f"Frames: {clip.frames}", f"Frame Time: {1.0 / clip.fps:.8f}"])
    lines.extend(" ".join(f"{v:.6f}" for v in row) for row in table)
    return "\n".join(lines) + "\n"
