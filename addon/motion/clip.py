"""A clip of canonical motion: what every motion source produces and every rig consumes."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from . import quat
from .skeleton import JOINTS, REST_OFFSETS, forward_kinematics


@dataclass
class Clip:
    """Motion of the canonical skeleton (addon/motion/skeleton.py).

    `root` is the pelvis position per frame (T, 3), metres, Z up, in the clip's own space;
    `rotations` the local joint rotations (T, 22, 4) as (w, x, y, z), identity meaning the
    rest T-pose; `offsets` each joint's rest offset from its parent (22, 3).  `contacts`, when
    known, says per frame whether the left and right foot are planted (T, 2).
    """
    name: str
    fps: float
    root: np.ndarray
    rotations: np.ndarray
    offsets: np.ndarray = field(default_factory=lambda: REST_OFFSETS.copy())
    labels: tuple[str, ...] = ()
    contacts: np.ndarray | None = None
    source: str = ""                 # where it came from, with its licence/attribution

    def __post_init__(self):
        self.root = np.asarray(self.root, dtype=float)
        self.rotations = np.asarray(self.rotations, dtype=float)
        self.offsets = np.asarray(self.offsets, dtype=float)
        frames = len(self.root)
        if self.root.shape != (frames, 3) or self.rotations.shape != (frames, len(JOINTS), 4):
            raise ValueError(f"clip {self.name!r}: root {self.root.shape} and rotations "
                             f"{self.rotations.shape} do not match (T, 3) and (T, 22, 4)")
        if self.offsets.shape != (len(JOINTS), 3):
            raise ValueError(f"clip {self.name!r}: offsets {self.offsets.shape} is not (22, 3)")

    @property
    def frames(self) -> int:
        return len(self.root)

    @property
    def duration_s(self) -> float:
        return (self.frames - 1) / self.fps if self.frames > 1 else 0.0

    def positions(self) -> np.ndarray:
        """World joint positions (T, 22, 3)."""
        return forward_kinematics(self.root, self.rotations, self.offsets)[0]

    def sliced(self, start: int, stop: int) -> Clip:
        contacts = None if self.contacts is None else self.contacts[start:stop]
        return replace(self, root=self.root[start:stop], rotations=self.rotations[start:stop],
                       contacts=contacts)

    def resampled(self, fps: float) -> Clip:
        """The same motion at `fps`: root interpolated linearly, rotations by slerp."""
        if self.frames < 2 or fps == self.fps:
            return replace(self, fps=fps)
        times = np.arange(0.0, self.duration_s + 1e-9, 1.0 / fps) * self.fps
        low = np.minimum(np.floor(times).astype(int), self.frames - 2)
        t = times - low
        root = self.root[low] * (1 - t)[:, None] + self.root[low + 1] * t[:, None]
        rotations = quat.slerp(self.rotations[low], self.rotations[low + 1],
                               np.broadcast_to(t[:, None], (len(t), len(JOINTS))))
        contacts = None
        if self.contacts is not None:
            contacts = np.where((t < 0.5)[:, None], self.contacts[low], self.contacts[low + 1])
        return replace(self, fps=fps, root=root, rotations=rotations, contacts=contacts)


def still(pose_rotations: np.ndarray, root: np.ndarray, frames: int, fps: float,
          name: str = "still") -> Clip:
    """A clip that holds one pose (used for tests and as a neutral base)."""
    return Clip(name, fps, np.tile(root, (frames, 1)),
                np.tile(pose_rotations, (frames, 1, 1)))
