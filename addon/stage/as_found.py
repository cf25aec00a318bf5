"""The set as the user left it: the planned set with props, dressing and spots moved to where
their objects now stand.

The cast stage plans the set from the seed; an animator may then drag a chair or a table
elsewhere in Blender.  Staging from the seed's plan alone would walk the actors to empty
floor, so the animate stage reads each tagged object's pose and this module moves the plan's
boxes, poses and spots with it and redraws the nav map around them.  A thing within
`TOLERANCE_M` / `TOLERANCE_RAD` of its planned pose counts as not moved, so an untouched
scene stages exactly as planned.
"""
from __future__ import annotations

import dataclasses
import math
from typing import Mapping

from ..cast.placement import Box, Pose, wrap_angle
from ..cast.sets import SetPlan, rasterize

TOLERANCE_M = 1e-3
TOLERANCE_RAD = math.radians(0.5)


def _moved(planned: Pose, found: Pose) -> bool:
    return (math.dist((planned.x, planned.y, planned.z), (found.x, found.y, found.z))
            > TOLERANCE_M or abs(wrap_angle(found.rot_z - planned.rot_z)) > TOLERANCE_RAD)


def carried_box(box: Box, planned: Pose, found: Pose) -> Box:
    """`box` moved rigidly with its object from `planned` to `found` (turned about Z)."""
    turn = wrap_angle(found.rot_z - planned.rot_z)
    c, s = math.cos(turn), math.sin(turn)
    dx, dy = box.x - planned.x, box.y - planned.y
    return dataclasses.replace(box, x=found.x + c * dx - s * dy, y=found.y + s * dx + c * dy,
                               z=box.z + found.z - planned.z,
                               rot_z=wrap_angle(box.rot_z + turn))


def carried_pose(pose: Pose, planned: Pose, found: Pose) -> Pose:
    """`pose` moved rigidly with an object from `planned` to `found` (turned about Z)."""
    box = carried_box(Box(pose.x, pose.y, pose.z, 0.0, 0.0, 0.0, pose.rot_z), planned, found)
    return Pose(box.x, box.y, box.z, box.rot_z)


def set_as_found(set_plan: SetPlan, found: Mapping[str, Pose]) -> tuple[SetPlan, list[str]]:
    """`set_plan` with every story prop, dressing prop and spot in `found` (id → the pose of
    its object now) moved there, and the nav map redrawn when anything moved; also the ids
    that moved.  Props held by a cast member are where the hand is, not moved here.  A
    counted prop is found by its first member and moves as a whole with it."""
    props, boxes = dict(set_plan.props), dict(set_plan.prop_boxes)
    dressing, spots, moved = list(set_plan.dressing), dict(set_plan.spots), []
    members = dict(set_plan.members)
    for pid, planned in set_plan.props.items():
        pose = found.get(pid)
        first = set_plan.members.get(pid, (planned,))[0]      # a group goes by its first
        if pose is None or pid in set_plan.held or not _moved(first, pose):
            continue
        props[pid] = carried_pose(planned, first, pose)
        if pid in boxes:
            boxes[pid] = carried_box(boxes[pid], first, pose)
        if pid in members:
            members[pid] = tuple(carried_pose(m, first, pose) for m in members[pid])
        moved.append(pid)
    for k, piece in enumerate(dressing):
        pose = found.get(piece.id)
        if pose is not None and _moved(piece.pose, pose):
            dressing[k] = dataclasses.replace(piece, pose=pose)
            moved.append(piece.id)
    for sid, spot in spots.items():
        pose = found.get(sid)
        if pose is not None and _moved(spot.pose, Pose(pose.x, pose.y, 0.0, pose.rot_z)):
            spots[sid] = dataclasses.replace(spot, x=pose.x, y=pose.y, rot_z=pose.rot_z)
            moved.append(sid)
    if not moved:
        return set_plan, []
    plan = dataclasses.replace(set_plan, props=props, prop_boxes=boxes, dressing=dressing,
                               spots=spots, members=members)
    plan.nav = rasterize(plan.nav_boxes(), plan.ground.box, plan.area, set_plan.nav.cell_m,
                         set_plan.nav.body_radius_m)
    return plan, moved
