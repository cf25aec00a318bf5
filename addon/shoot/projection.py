"""Pinhole camera maths the way Blender's camera sees: aim, project, fit.

A camera looks down its local −Z with +Y up (Blender's convention).  The sensor fit is
Blender's AUTO: the sensor width spans the longer side of the picture.  `project` returns
coordinates like `bpy_extras.object_utils.world_to_camera_view`: (0, 0) is the bottom-left
corner, (1, 1) the top-right, and the depth is the distance in front of the camera, so the
framing checks run on plain arrays without Blender.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Lens:
    """Focal length and sensor in millimetres, picture size in pixels."""
    focal_mm: float = 35.0
    sensor_mm: float = 36.0
    width_px: int = 1920
    height_px: int = 1080

    @property
    def aspect(self) -> float:
        return self.width_px / self.height_px

    def half_tangents(self) -> tuple[float, float]:
        """tan of half the horizontal and vertical field of view."""
        wide = self.sensor_mm / 2 / self.focal_mm
        if self.aspect >= 1:
            return wide, wide / self.aspect
        return wide * self.aspect, wide

    def with_focal(self, focal_mm: float) -> Lens:
        return Lens(focal_mm, self.sensor_mm, self.width_px, self.height_px)


def look_at(position, target, up=(0.0, 0.0, 1.0)) -> np.ndarray:
    """World rotation (3×3, columns = camera X right, Y up, Z back) of a camera at `position`
    aimed at `target`, level (no roll)."""
    forward = np.asarray(target, float) - np.asarray(position, float)
    n = np.linalg.norm(forward)
    if n < 1e-9:
        raise ValueError("look_at: the camera stands on its target")
    back = -forward / n
    right = np.cross(np.asarray(up, float), back)
    if np.linalg.norm(right) < 1e-6:            # looking straight up or down
        right = np.array([1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    upv = np.cross(back, right)
    return np.column_stack([right, upv, back])


def camera_matrix(position, target) -> np.ndarray:
    """The camera's 4×4 world matrix (what Blender's `matrix_world` holds)."""
    m = np.eye(4)
    m[:3, :3] = look_at(position, target)
    m[:3, 3] = position
    return m


def project(points, matrix_world, lens: Lens) -> tuple[np.ndarray, np.ndarray]:
    """Frame coordinates (N, 2) and depths (N,) of world `points` (N, 3) seen through a camera
    whose world matrix is `matrix_world`.  Points behind the camera get depth ≤ 0 and
    meaningless coordinates: check the depth."""
    p = np.atleast_2d(np.asarray(points, float))
    m = np.asarray(matrix_world, float)
    local = (p - m[:3, 3]) @ m[:3, :3]             # rotation is orthonormal: inverse = T
    depth = -local[:, 2]
    safe = np.where(np.abs(depth) < 1e-9, 1e-9, depth)
    tx, ty = lens.half_tangents()
    u = 0.5 + local[:, 0] / safe / (2 * tx)
    v = 0.5 + local[:, 1] / safe / (2 * ty)
    return np.column_stack([u, v]), depth


def box_corners(low, high) -> np.ndarray:
    """The 8 corners (8, 3) of an axis-aligned box."""
    lo, hi = np.asarray(low, float), np.asarray(high, float)
    return np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1])
                     for z in (lo[2], hi[2])])


@dataclass(frozen=True)
class Margins:
    """How much of the frame must stay clear around the subject (fractions of the frame):
    `headroom` above the top of the head, `side` left and right, `foot` below."""
    headroom: float = 0.04
    side: float = 0.03
    foot: float = 0.02


def in_frame(uv: np.ndarray, depth: np.ndarray, margins: Margins = Margins(),
             near_m: float = 0.1) -> np.ndarray:
    """Per point: in front of the camera and inside the frame less the margins."""
    return ((depth > near_m) & (uv[:, 0] >= margins.side) & (uv[:, 0] <= 1 - margins.side)
            & (uv[:, 1] >= margins.foot) & (uv[:, 1] <= 1 - margins.headroom))


def fit_distance(points, target, direction, lens: Lens, margins: Margins = Margins()
                 ) -> float:
    """How far back along `direction` (unit, from `target` towards the camera) a camera aimed
    at `target` must stand so every point lies inside the frame less the margins."""
    d = np.asarray(direction, float)
    d = d / np.linalg.norm(d)
    target = np.asarray(target, float)
    rot = look_at(target + d, target)
    rel = (np.atleast_2d(np.asarray(points, float)) - target) @ rot
    x, y, z = rel[:, 0], rel[:, 1], rel[:, 2]      # z: towards the camera
    tx, ty = lens.half_tangents()
    # at distance D the point's depth is D - z; need |x| ≤ (D - z)·kx, etc.
    kx = tx * (1 - 2 * margins.side)
    k_top = ty * (1 - 2 * margins.headroom)
    k_bottom = ty * (1 - 2 * margins.foot)
    need = np.concatenate([np.abs(x) / kx + z,
                           np.where(y > 0, y / k_top, -y / k_bottom) + z])
    return float(max(need.max(), 0.3))


def direction(azimuth: float, elevation: float) -> np.ndarray:
    """Unit vector from a subject towards a camera at `azimuth` (radians from +X,
    anticlockwise) and `elevation` (radians above the horizon)."""
    ce = math.cos(elevation)
    return np.array([ce * math.cos(azimuth), ce * math.sin(azimuth), math.sin(elevation)])


def segment_hits_box(start, end, low, high) -> bool:
    """Does the segment start→end pass through the axis-aligned box low..high (slab test)?"""
    s, e = np.asarray(start, float), np.asarray(end, float)
    d = e - s
    t0, t1 = 0.0, 1.0
    for i in range(3):
        if abs(d[i]) < 1e-12:
            if s[i] < low[i] or s[i] > high[i]:
                return False
            continue
        a, b = (low[i] - s[i]) / d[i], (high[i] - s[i]) / d[i]
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
        if t0 > t1:
            return False
    return True


def segment_sphere_distance(start, end, centres) -> np.ndarray:
    """Closest distance from the segment start→end to each of `centres` (N, 3)."""
    s, e = np.asarray(start, float), np.asarray(end, float)
    c = np.atleast_2d(np.asarray(centres, float))
    d = e - s
    t = np.clip((c - s) @ d / max(d @ d, 1e-12), 0.0, 1.0)
    return np.linalg.norm(s + t[:, None] * d - c, axis=1)


def edge_rays(matrix_world, lens: Lens, v: float = 1.0, us=(0.0, 0.5, 1.0)) -> np.ndarray:
    """World directions (n, 3) of the rays through the frame at height `v` (1 = top edge)
    and each of `us` across it."""
    m = np.asarray(matrix_world, float)
    tx, ty = lens.half_tangents()
    local = np.array([[(2 * u - 1) * tx, (2 * v - 1) * ty, -1.0] for u in us])
    d = local @ m[:3, :3].T
    return d / np.linalg.norm(d, axis=1, keepdims=True)


def sees_over_walls(matrix_world, lens: Lens, low_xy, high_xy, ceiling_m: float) -> bool:
    """Would the top of the frame show what is above the walls of a room without a ceiling
    (the room's footprint low_xy..high_xy, walls `ceiling_m` high)?"""
    m = np.asarray(matrix_world, float)
    o = m[:3, 3]
    for d in edge_rays(m, lens):
        if d[2] <= 0:
            continue
        t_exit = np.inf
        for i in range(2):
            if abs(d[i]) > 1e-9:
                t_exit = min(t_exit, max((low_xy[i] - o[i]) / d[i], (high_xy[i] - o[i]) / d[i]))
        if np.isfinite(t_exit) and o[2] + d[2] * max(t_exit, 0.0) > ceiling_m:
            return True
    return False
