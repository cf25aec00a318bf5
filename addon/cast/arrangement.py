"""How the members of a counted prop stand: a row of dominoes, a stack of boxes, a loose group.

A Screenplay prop with `count` N > 1 is N copies of one library prop (one `PropSpec`).  The set
planner places the whole group as one footprint; `arrange()` says where each member stands
inside it, so the physics stage gets a setup that plays out: dominoes close enough that each
one reaches the next as it falls, boxes resting on each other a millimetre apart.

Frame: the group's own, like any placed thing's (see placement.py): origin at the centre of
the footprint at its base, front towards −Y.  A row runs along the front: member 0 stands at
the back end (+Y) and is the one a push reaches first; each next member stands further
forward, so a push from behind topples the row forwards, one into the next.  A stack's
member 0 is the bottom one.  numpy only, deterministic for a generator's seed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .placement import Pose

#: Centre-to-centre spacing of a row, as a share of a member's height: a domino reaches the
#: next one while it is still steep enough to push it over (0.5-0.8 topples reliably).
ROW_PITCH_OF_HEIGHT = 0.65
#: The least air between two members of a row (things that are not tall and thin).
ROW_MIN_GAP_M = 0.01
#: Air between two stacked members: they rest on each other without touching at the start.
STACK_GAP_M = 0.001
#: How far a stacked member may sit off the one below (each axis) and turn (degrees).
STACK_JITTER_M = 0.01
STACK_TURN_DEG = 2.0
#: A loose group: members side by side on a grid, this much air between them.
LOOSE_GAP_M = 0.05


@dataclass(frozen=True)
class GroupShape:
    """The arrangement in the group's frame: the footprint of all members together and each
    member's origin pose in it (member 0 first)."""
    width: float
    depth: float
    height: float
    members: tuple[Pose, ...]
    pitch_m: float = 0.0          # a row's centre-to-centre spacing; 0 for other arrangements


def arrange(dimensions_m, count: int, arrangement: str, rng: np.random.Generator,
            offset=(0.0, 0.0)) -> GroupShape:
    """Where `count` members of size `dimensions_m` (x, y, z) stand for `arrangement`
    ("row", "stack", or "" for a loose group).  `offset` is where a member's footprint centre
    lies from its origin (placement's `_offset`), so lopsided props still line up."""
    if count < 1:
        raise ValueError(f"a group needs at least one member, got {count}")
    w, d, h = (float(v) for v in dimensions_m)
    if arrangement == "row":
        centres, pitch = _row(w, d, h, count)
    elif arrangement == "stack":
        centres, pitch = _stack(w, d, h, count, rng), 0.0
    elif arrangement == "":
        centres, pitch = _loose(w, d, count), 0.0
    else:
        raise ValueError(f"unknown arrangement {arrangement!r}; use row, stack or ''")
    width, depth, height = _extent(centres, w, d, h)
    members = []
    for x, y, z, rot in centres:
        ox, oy = offset
        c, s = math.cos(rot), math.sin(rot)
        members.append(Pose(x - (c * ox - s * oy), y - (s * ox + c * oy), z, rot))
    return GroupShape(width, depth, height, tuple(members), pitch)


def row_pitch(depth: float, height: float) -> float:
    """Centre-to-centre spacing of a row of things `depth` thick along the row and `height`
    tall: tall thin things at ROW_PITCH_OF_HEIGHT of their height, others just apart."""
    return max(depth + ROW_MIN_GAP_M, ROW_PITCH_OF_HEIGHT * height)


def _row(w, d, h, count):
    pitch = row_pitch(d, h)
    length = (count - 1) * pitch
    return [(0.0, length / 2 - i * pitch, 0.0, 0.0) for i in range(count)], pitch


def _stack(w, d, h, count, rng):
    out = [(0.0, 0.0, 0.0, 0.0)]
    for i in range(1, count):
        jx, jy = rng.uniform(-STACK_JITTER_M, STACK_JITTER_M, 2)
        turn = math.radians(float(rng.uniform(-STACK_TURN_DEG, STACK_TURN_DEG)))
        out.append((float(jx), float(jy), i * (h + STACK_GAP_M), turn))
    # centre the pile over its footprint so the group box is tight around it
    cx = (max(x for x, *_ in out) + min(x for x, *_ in out)) / 2
    cy = (max(y for _, y, *_ in out) + min(y for _, y, *_ in out)) / 2
    return [(x - cx, y - cy, z, r) for x, y, z, r in out]


def _loose(w, d, count):
    cols = math.ceil(math.sqrt(count))
    rows = math.ceil(count / cols)
    step_x, step_y = w + LOOSE_GAP_M, d + LOOSE_GAP_M
    out = []
    for i in range(count):
        r, c = divmod(i, cols)
        in_row = min(cols, count - r * cols)         # a short last row stays centred
        x = (c - (in_row - 1) / 2) * step_x
        y = ((rows - 1) / 2 - r) * step_y
        out.append((x, y, 0.0, 0.0))
    return out


def _extent(centres, w, d, h):
    """Footprint (width, depth) around the group origin and height of all members."""
    hx = hy = 0.0
    for x, y, _, rot in centres:
        c, s = abs(math.cos(rot)), abs(math.sin(rot))
        hx = max(hx, abs(x) + (c * w + s * d) / 2)
        hy = max(hy, abs(y) + (s * w + c * d) / 2)
    top = max(z for _, _, z, _ in centres) + h
    return round(2 * hx, 5), round(2 * hy, 5), round(top, 5)


def member_world(group: Pose, local: Pose) -> Pose:
    """A member's pose in the world, from the group's pose and the member's in the group."""
    c, s = math.cos(group.rot_z), math.sin(group.rot_z)
    return Pose(group.x + c * local.x - s * local.y, group.y + s * local.x + c * local.y,
                group.z + local.z, group.rot_z + local.rot_z)
