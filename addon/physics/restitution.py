"""Blender restitution for a wanted real coefficient of restitution (COR), from a measured table.

Bullet's restitution is not a physical coefficient.  At our world settings (world.py) a contact
is found either just after touching, when penetration recovery adds a kick (boxes rebound about
0.1 above their restitution), or just before, when Bullet spends part of the approach speed
closing the gap (large spheres rebound well below theirs, sometimes not at all).  Both depend on
where in a substep the impact falls, so the same drop bounces differently from different heights.
`tools/calibrate_restitution.py` drops spheres, boxes and squat cylinders (convex hulls) of
four sizes from 96 heights (impacts evenly spread over 1.5-6.5 m/s) onto the floor box at every restitution
0, 0.05, ..., 1 and records the mean and spread of the first rebound's COR;
`addon/data/restitution_calibration.json` holds the result and the Blender version.

Convention: Bullet multiplies the two bodies' restitution.  The floor holds 1.0
(world.FLOOR_RESTITUTION) and the prop carries the whole product for the floor it lands on
(`surfaces.pair` gives the wanted COR).  Prop-on-prop contacts then get the product of two prop
values, lower than either: acceptable, they are stacks, dominoes and shards, where little bounce
is right.

The trajectory helpers (`apex_heights`, `rebound_cors`) turn sampled heights into bounces and
are shared by the calibration tool, the tests and the benchmark.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .world import FLOOR_RESTITUTION

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "restitution_calibration.json"
SHAPES = ("sphere", "box", "hull")
#: Blender collision shapes and the props' collision hints -> the calibration's shape class.
SHAPE_ALIASES = {"sphere": "sphere", "box": "box", "hull": "hull", "convex_hull": "hull",
                 "mesh": "hull", "cylinder": "hull", "capsule": "hull", "cone": "hull",
                 "compound": "hull"}
#: Rebounds lower than this (m) are contact jitter, not a bounce.
MIN_APEX_M = 0.002


@dataclass(frozen=True)
class ShapeCalibration:
    sizes_m: np.ndarray       # largest dimension of each calibrated body, ascending
    mean: np.ndarray          # sizes x restitution: mean first-rebound COR over drop heights
    std: np.ndarray           # the same, its spread (population standard deviation)


@dataclass(frozen=True)
class Calibration:
    blender_version: str
    fps: int
    substeps_per_frame: int
    solver_iterations: int
    restitution: np.ndarray   # the swept Blender restitution values, ascending
    drop_heights_m: np.ndarray
    shapes: dict[str, ShapeCalibration]

    def curve(self, shape: str, size_m: float) -> tuple[np.ndarray, np.ndarray]:
        """Mean COR and its spread against `restitution` for a body of this shape and size,
        interpolated in log size between the calibrated sizes (clamped outside them)."""
        cal = self.shapes[shape_class(shape)]
        logs = np.log(cal.sizes_m)
        x = float(np.clip(np.log(max(size_m, 1e-6)), logs[0], logs[-1]))
        i = int(np.clip(np.searchsorted(logs, x) - 1, 0, len(logs) - 2)) if len(logs) > 1 else 0
        if len(logs) == 1:
            return cal.mean[0], cal.std[0]
        w = (x - logs[i]) / (logs[i + 1] - logs[i])
        return ((1 - w) * cal.mean[i] + w * cal.mean[i + 1],
                (1 - w) * cal.std[i] + w * cal.std[i + 1])


def shape_class(shape: str) -> str:
    """"SPHERE", "convex_hull", "MESH" ... -> sphere, box or hull."""
    try:
        return SHAPE_ALIASES[str(shape).lower()]
    except KeyError:
        raise KeyError(f"unknown collision shape {shape!r}; known: "
                       f"{', '.join(sorted(SHAPE_ALIASES))}") from None


def from_dict(data: dict) -> Calibration:
    shapes = {name: ShapeCalibration(np.asarray(s["sizes_m"], float),
                                     np.asarray(s["mean"], float), np.asarray(s["std"], float))
              for name, s in data["shapes"].items()}
    missing = set(SHAPES) - set(shapes)
    if missing:
        raise ValueError(f"calibration lacks shapes {sorted(missing)}")
    return Calibration(str(data["blender_version"]), int(data["fps"]),
                       int(data["substeps_per_frame"]), int(data["solver_iterations"]),
                       np.asarray(data["restitution"], float),
                       np.asarray(data["drop_heights_m"], float), shapes)


@functools.lru_cache(maxsize=4)
def load(path: str | Path = DEFAULT_PATH) -> Calibration:
    """The calibration table (cached); regenerate it with tools/calibrate_restitution.py."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run tools/calibrate_restitution.py")
    return from_dict(json.loads(path.read_text(encoding="utf-8")))


def _monotone(mean: np.ndarray) -> np.ndarray:
    """The mean curve made strictly increasing, so it can be inverted: measured dips are noise
    (the spread is 0.05-0.1), a tiny ramp breaks ties where nothing bounces."""
    return np.maximum.accumulate(mean) + 1e-9 * np.arange(len(mean))


def effective_cor(blender_restitution_value: float, shape: str, size_m: float,
                  table: Calibration | None = None) -> float:
    """The real COR a body gets on the floor (restitution 1) with this Blender restitution."""
    table = table or load()
    mean, _ = table.curve(shape, size_m)
    return float(np.interp(blender_restitution_value, table.restitution, _monotone(mean)))


def spread(blender_restitution_value: float, shape: str, size_m: float,
           table: Calibration | None = None) -> float:
    """How much a single bounce's COR scatters around `effective_cor` (one standard deviation):
    where the impact falls within a substep changes it."""
    table = table or load()
    _, std = table.curve(shape, size_m)
    return float(np.interp(blender_restitution_value, table.restitution, std))


def blender_restitution(target_cor: float, shape: str, size_m: float,
                        table: Calibration | None = None) -> float:
    """The Blender restitution (with the floor at 1) whose mean rebound is `target_cor`.

    Targets beyond what the table reaches are clamped: a box never rebounds below about 0.1
    (the penetration kick), and restitution stays within Blender's [0, 1].
    """
    table = table or load()
    mean, _ = table.curve(shape, size_m)
    curve = _monotone(mean)
    value = float(np.interp(target_cor, curve, table.restitution))
    return float(np.clip(value, 0.0, 1.0))


def body_values(target_cor: float, shape: str, size_m: float,
                table: Calibration | None = None) -> tuple[float, float]:
    """(prop restitution, floor restitution) for a prop and the floor it lands on."""
    prop = blender_restitution(target_cor, shape, size_m, table) / FLOOR_RESTITUTION
    return prop, FLOOR_RESTITUTION


# --- reading bounces from sampled heights ---------------------------------------------------

def apex_heights(bottom_z: np.ndarray, min_apex_m: float = MIN_APEX_M) -> np.ndarray:
    """Heights of the rebound apexes in a body's sampled height above the floor (one sample
    per frame), refined with the parabola through the three samples around each peak, which is
    exact for a ballistic flight.  The release (the first sample) is not an apex."""
    z = np.asarray(bottom_z, float)
    if len(z) < 3:
        return np.zeros(0)
    a, b, c = z[:-2], z[1:-1], z[2:]
    peak = (b > a) & (b >= c) & (b > min_apex_m)
    a, b, c = a[peak], b[peak], c[peak]
    den = a - 2 * b + c
    safe = np.where(den < 0, den, -1.0)
    refined = np.where(den < 0, b - (a - c) ** 2 / (8 * safe), b)
    return refined


def rebound_cors(drop_height_m: float, apexes: np.ndarray) -> np.ndarray:
    """COR of each bounce, sqrt(h_next / h): the drop height, then the apexes in order."""
    heights = np.concatenate([[drop_height_m], np.asarray(apexes, float)])
    if len(heights) < 2:
        return np.zeros(0)
    return np.sqrt(np.clip(heights[1:], 0, None) / heights[:-1])


def first_rebound_cor(drop_height_m: float, bottom_z: np.ndarray) -> float:
    """COR of the first bounce of a body let go at rest `drop_height_m` above the floor;
    0 when it does not leave the floor again."""
    apexes = apex_heights(bottom_z)
    return float(rebound_cors(drop_height_m, apexes[:1])[0]) if len(apexes) else 0.0
