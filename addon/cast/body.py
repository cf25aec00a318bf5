"""From the Screenplay's body (sex, age, height, build) to an Anny phenotype and a rest body.

The phenotype gives the shape: a child's proportions, an old man's posture, a heavy or a
muscular build.  Anny's height parameter is then searched so the body comes out near the
stated height, and a final uniform scale makes it exact, so "1.88 m" measures 1.88 m.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace

import numpy as np

from ..screenplay import Body
from .body_kit import BodyKit, Phenotype, RestBody

#: Ages in years at Anny's age anchors: newborn, baby, child, young adult, old.
AGE_ANCHORS_YEARS = (0.0, 1.0, 11.0, 25.0, 90.0)
AGE_ANCHORS = (-1 / 3, 0.0, 1 / 3, 2 / 3, 1.0)
GENDER = {"male": 0.0, "female": 1.0, "unknown": 0.5}
#: (muscle, weight) for each Screenplay build.
BUILD = {"slim": (0.35, 0.15), "average": (0.5, 0.5), "heavy": (0.45, 0.95),
         "muscular": (1.0, 0.6)}
MIN_HEIGHT_M, MAX_HEIGHT_M = 0.45, 2.5


@dataclass(frozen=True)
class BodyPlan:
    """A body ready to build: feet on z = 0, centred on x = 0, facing -Y."""
    phenotype: Phenotype
    scale: float              # the uniform scale applied after the phenotype
    height_m: float           # measured: top of the head to the soles
    rest: RestBody


def age_parameter(age_years: float) -> float:
    return float(np.interp(age_years, AGE_ANCHORS_YEARS, AGE_ANCHORS))


def phenotype_for(body: Body, seed: int = 0) -> Phenotype:
    """Anny's phenotype for `body`; the seed varies build and proportions a little, so two
    "average men" are not twins."""
    rng = random.Random(seed)
    muscle, weight = BUILD.get(body.build, BUILD["average"])
    jitter = lambda v, d: min(1.0, max(0.0, v + rng.uniform(-d, d)))  # noqa: E731
    return Phenotype(gender=GENDER.get(body.sex, 0.5), age=age_parameter(body.age_years),
                     muscle=jitter(muscle, 0.05), weight=jitter(weight, 0.05),
                     proportions=jitter(0.5, 0.15))


def _height(vertices: np.ndarray) -> float:
    return float(vertices[:, 2].max() - vertices[:, 2].min())


def plan_body(body: Body, kit: BodyKit, seed: int = 0) -> BodyPlan:
    """The rest body for `body`, at the stated height to well under a millimetre."""
    target = min(max(body.height_m, MIN_HEIGHT_M), MAX_HEIGHT_M)
    phenotype = phenotype_for(body, seed)
    # Height grows monotonically with Anny's height parameter: bisect towards the target.
    low, high = 0.0, 1.0
    for _ in range(12):
        middle = (low + high) / 2
        rest = kit.rest(replace(phenotype, height=middle))
        low, high = (middle, high) if _height(rest.vertices) < target else (low, middle)
    phenotype = replace(phenotype, height=(low + high) / 2)
    rest = kit.rest(phenotype)
    scale = target / _height(rest.vertices)
    origin = np.array([0.0, 0.0, rest.vertices[:, 2].min()])
    place = lambda p: (p - origin) * scale  # noqa: E731
    matrices = rest.matrices.copy()
    matrices[:, :3, 3] = place(rest.heads)
    placed = RestBody(place(rest.vertices), place(rest.heads), place(rest.tails), matrices)
    return BodyPlan(phenotype, scale, _height(placed.vertices), placed)
