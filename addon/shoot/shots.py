"""Shots as plain data: what a camera does, when, and whom it is on.

Frames here are story frames (0 = the story's first frame, as in the stage plan); the Blender
glue adds the scene's first frame.  A shot's camera is one key (a still camera) or several
(a tracking or panning camera), each a position and the point it aims at.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: Shot kinds and how each is made: lens (mm), f-stop, the body points framed, camera
#: elevation (degrees above the subject's framing centre) and the distance limit (m).
#: Longer lenses and wider apertures for tighter shots put the background out of focus and
#: keep attention on the face; wide shots keep the set sharp.
KINDS = {
    "establishing": {"focal_mm": 24.0, "fstop": 8.0, "frame": ("top", "feet"),
                     "elevation": 16.0},
    "wide": {"focal_mm": 28.0, "fstop": 5.6, "frame": ("top", "feet"), "elevation": 10.0},
    "full": {"focal_mm": 35.0, "fstop": 4.0, "frame": ("top", "feet"), "elevation": 4.0},
    "medium": {"focal_mm": 50.0, "fstop": 2.8, "frame": ("top", "head", "chest", "pelvis"),
               "elevation": 2.0},
    "close_up": {"focal_mm": 85.0, "fstop": 2.0, "frame": ("top", "head", "chest"),
                 "elevation": 0.0},
    "two_shot": {"focal_mm": 35.0, "fstop": 4.0,
                 "frame": ("top", "head", "chest", "pelvis", "knees"), "elevation": 3.0},
    "over_shoulder": {"focal_mm": 50.0, "fstop": 2.8, "frame": ("top", "head", "chest"),
                      "elevation": 2.0},
    "tracking": {"focal_mm": 35.0, "fstop": 4.0, "frame": ("top", "feet"), "elevation": 5.0},
    "panning": {"focal_mm": 35.0, "fstop": 4.0, "frame": ("top", "feet"), "elevation": 6.0},
    "insert": {"focal_mm": 60.0, "fstop": 4.0, "frame": ("centre",), "elevation": 25.0},
}
MOVING = ("tracking", "panning")


@dataclass
class CameraKey:
    frame: int
    position: tuple[float, float, float]
    target: tuple[float, float, float]

    def to_dict(self) -> dict:
        return {"frame": self.frame, "position": [round(v, 4) for v in self.position],
                "target": [round(v, 4) for v in self.target]}


@dataclass
class Shot:
    """One cut: `kind` (see KINDS) of `subjects` (cast or prop ids; the first is the one in
    focus) over story frames `start_frame`..`end_frame` (end exclusive), named after its beat.
    `keys` are the camera's positions and aims (one for a still camera); `hidden` the set
    pieces (walls) taken out of the picture during the shot."""
    name: str
    beat: str | None
    kind: str
    start_frame: int
    end_frame: int
    subjects: tuple[str, ...]
    action: str = ""
    focal_mm: float = 35.0
    fstop: float = 4.0
    keys: list[CameraKey] = field(default_factory=list)
    hidden: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    priority: float = field(default=0.0, repr=False)     # the edit's: what may take frames

    @property
    def frames(self) -> int:
        return self.end_frame - self.start_frame

    @property
    def focus(self) -> str | None:
        return self.subjects[0] if self.subjects else None

    def position_at(self, frame: float):
        """The camera position and aim at `frame`, linearly between keys."""
        import numpy as np
        if not self.keys:
            raise ValueError(f"shot {self.name}: no camera yet")
        fr = np.array([k.frame for k in self.keys], float)
        pos = np.array([k.position for k in self.keys])
        tgt = np.array([k.target for k in self.keys])
        interp = lambda a: np.array([np.interp(frame, fr, a[:, i]) for i in range(3)])
        return interp(pos), interp(tgt)

    def to_dict(self) -> dict:
        return {"name": self.name, "beat": self.beat, "kind": self.kind,
                "start_frame": self.start_frame, "end_frame": self.end_frame,
                "subjects": list(self.subjects), "focus": self.focus, "action": self.action,
                "focal_mm": self.focal_mm, "fstop": self.fstop,
                "keys": [k.to_dict() for k in self.keys], "hidden": list(self.hidden),
                "notes": list(self.notes)}


@dataclass
class ShotPlan:
    fps: float
    frames: int
    shots: list[Shot] = field(default_factory=list)
    pairs: dict[str, int] = field(default_factory=dict)   # "a|b" → the camera side of a→b
    notes: list[str] = field(default_factory=list)        # what the edit changed, and why
    warnings: list[str] = field(default_factory=list)     # rules it could not keep

    def to_dict(self) -> dict:
        return {"fps": self.fps, "frames": self.frames,
                "shots": [s.to_dict() for s in self.shots], "pairs": dict(self.pairs),
                "notes": list(self.notes), "warnings": list(self.warnings)}
