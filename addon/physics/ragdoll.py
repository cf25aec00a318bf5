"""A character's ragdoll as plain data: body segments, their capsules and masses, and joints.

From a rig's rest bones (Anny/MakeHuman names) and the skinned body, `plan_ragdoll` cuts the
body into 16 segments (pelvis, abdomen, chest, head with neck, upper arms, forearms, hands,
thighs, shins, feet).  Each segment gets:

- a capsule fitted to its skin: the vertices mostly weighted to the segment's bones, each
  counted by the skin area around it (so a dense face does not pull the head's capsule
  forward), with the radius that keeps three quarters of that skin inside it, so a body at
  rest on the floor shows little skin sunk into it.  Limbs and the head lie along their bone
  chain; the three trunk capsules lie across the body, so a body on its back rests on a
  flat-ish back instead of rolling off a single upright capsule;
- a mass: the body's mass (skin volume x 1010 kg/m^3 unless given) split by the segment mass
  fractions of de Leva (1996), "Adjustments to Zatsiorsky-Seluyanov's segment inertia
  parameters", J. Biomechanics 29(9):1223-1230, Table 4, blended between the male and female
  columns;
- a joint to its parent segment at the child's first bone head, with angular limits from the
  usual clinical ranges of motion (American Academy of Orthopaedic Surgeons, "Joint Motion:
  Method of Measuring and Recording", 1965), expressed relative to the rig's rest pose (Anny
  rests in an A-pose with bent elbows).

Joint frames follow Bullet's generic 6-DoF constraint, which measures the child's rotation in
the joint frame as Euler angles R = Rx(x) Ry(y) Rz(z) and can only limit y to +-90 degrees: X is
the flexion axis (positive = flexion), Y the child's long axis (twist, the smallest range) and
Z = X x Y the side swing (positive = abduction, away from the body's midline).  Big swings
(hip and shoulder flexion, shoulder abduction) therefore land on X and Z.  Knees and elbows
are hinges about X: three tight Euler limits on one joint fight each other and jitter.

Everything is in the rig's armature space at rest; nothing here imports Blender.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Whole-body density with normal lung volume (kg/m^3).
BODY_DENSITY_KGM3 = 1010.0

#: de Leva (1996) Table 4 segment masses, % of body mass: (male, female).  The trunk is split
#: into upper (UPT), middle (MPT) and lower (LPT) parts.
MASS_PERCENT = {
    "head": (6.94, 6.68), "chest": (15.96, 15.45), "abdomen": (16.33, 14.65),
    "pelvis": (11.17, 12.47), "upperarm": (2.71, 2.55), "forearm": (1.62, 1.38),
    "hand": (0.61, 0.56),
    "thigh": (14.16, 14.78), "shin": (4.33, 4.81), "foot": (1.37, 1.29),
}


@dataclass(frozen=True)
class RigBones:
    """A rig at rest in armature space: names, parent indices (-1: none), heads and tails."""
    names: tuple[str, ...]
    parents: tuple[int, ...]
    heads: np.ndarray
    tails: np.ndarray

    def index(self, name: str) -> int:
        return self.names.index(name)

    def head(self, name: str) -> np.ndarray:
        return self.heads[self.index(name)]

    def tail(self, name: str) -> np.ndarray:
        return self.tails[self.index(name)]


@dataclass(frozen=True)
class Skin:
    """The skinned body at rest: vertices (V, 3), faces (F, k) and per-vertex bone weights
    (V, K) with the bone index (into RigBones.names) of each weight, -1 where unused."""
    vertices: np.ndarray
    faces: np.ndarray
    weights: np.ndarray
    bones: np.ndarray


@dataclass(frozen=True)
class Capsule:
    """A capsule: its centre, unit axis, half the length of its straight part, radius."""
    center: np.ndarray
    axis: np.ndarray
    half_length_m: float
    radius_m: float

    def ends(self) -> tuple[np.ndarray, np.ndarray]:
        """The two ends of the capsule's core segment."""
        return (self.center - self.axis * self.half_length_m,
                self.center + self.axis * self.half_length_m)

    def signed_distance(self, points: np.ndarray) -> np.ndarray:
        """Distance of `points` (N, 3) from the capsule's surface, negative inside."""
        a, _ = self.ends()
        t = np.clip((points - a) @ self.axis, 0.0, 2 * self.half_length_m)
        return np.linalg.norm(points - a - t[:, None] * self.axis, axis=1) - self.radius_m


@dataclass(frozen=True)
class Segment:
    """A rigid piece of the body.  `matrix` is the body's rest matrix (origin at the capsule's
    centre, Z along its axis, as Blender's capsule shape expects); `bones` are the rig bones it
    carries and `anchor` the one whose pose it follows while animated (the bone with the most
    skin in the segment)."""
    name: str
    bones: tuple[str, ...]
    anchor: str
    parent: str | None
    capsule: Capsule
    mass_kg: float
    matrix: np.ndarray


@dataclass(frozen=True)
class JointLimits:
    """Angular limits (radians, lower <= upper) about the joint frame's X (flexion), Y
    (twist) and Z (abduction) axes, Bullet's Euler XYZ convention."""
    x: tuple[float, float]
    y: tuple[float, float]
    z: tuple[float, float]

    def as_array(self) -> np.ndarray:
        return np.array([self.x, self.y, self.z], dtype=float)


@dataclass(frozen=True)
class Joint:
    """Where `child` hangs from `parent`: the joint frame at rest (armature space, origin at
    the child's first bone head) and its limits, relative to the rest pose.  A "hinge" (knee,
    elbow) turns about X only; its y and z limits are zero."""
    name: str
    parent: str
    child: str
    matrix: np.ndarray
    limits: JointLimits
    kind: str = "generic"


@dataclass(frozen=True)
class RagdollPlan:
    segments: tuple[Segment, ...]
    joints: tuple[Joint, ...]
    total_mass_kg: float
    #: Segments not joined to each other whose capsules touch at rest: their collisions must
    #: be off, or the ragdoll pushes itself apart the moment it goes limp.
    ignored_pairs: tuple[tuple[str, str], ...]

    def segment(self, name: str) -> Segment:
        for s in self.segments:
            if s.name == name:
                return s
        raise KeyError(f"no segment {name!r}; known: {', '.join(s.name for s in self.segments)}")

    def names(self) -> list[str]:
        return [s.name for s in self.segments]


@dataclass(frozen=True)
class _SegmentSpec:
    name: str
    start: str                      # the segment's first bone: its head is the joint
    parent: str | None
    mass_key: str
    axis: str                       # "chain": along start head -> end; "across": left-right;
                                    # "spread": the skin's principal direction, signed like end
    end: tuple[str, str]            # (bone, "head" | "tail"): the far end of the long axis
    flex: str                       # the direction flexion moves the child's long axis
                                    # ("fold": towards the parent; "none": symmetric ranges)
    neutral: str | None             # the child's direction at anatomical zero (None: its rest)
    ranges_deg: tuple               # (flexion lo, hi), (twist lo, hi), (abduction lo, hi)
    hinge: tuple[str, str] | None = None    # flexion axis from one bone head to another
    kind: str = "generic"           # "hinge": flexion only (knee, elbow)
    anchor: str | None = None       # the bone it follows (None: the one with the most skin)
    radius_quantile: float | None = None    # None: plan_ragdoll's


def _specs() -> list[_SegmentSpec]:
    """The segments, parents before children.  Ranges are anatomical, in degrees: flexion
    positive (knee: bending; ankle: toes up), abduction positive (away from the midline)."""
    trunk = [
        _SegmentSpec("pelvis", "root", None, "pelvis", "across", ("spine04", "head"),
                     "forward", None, ((0, 0), (0, 0), (0, 0))),
        # AAOS thoracolumbar: flexion 80, extension 25, side bend 35, rotation 45; split over
        # the two spine joints.
        _SegmentSpec("abdomen", "spine04", "pelvis", "abdomen", "across", ("spine02", "head"),
                     "forward", None, ((-12, 40), (-22, 22), (-18, 18))),
        _SegmentSpec("chest", "spine02", "abdomen", "chest", "across", ("neck01", "head"),
                     "forward", None, ((-12, 40), (-22, 22), (-18, 18))),
        # Cervical: flexion 45, extension 45, rotation 60, side bend 45.
        _SegmentSpec("head", "neck01", "chest", "head", "chain", ("head", "tail"),
                     "forward", None, ((-45, 45), (-60, 60), (-40, 40))),
    ]
    limbs = []
    for s in ("L", "R"):
        limbs += [
            # Shoulder: flexion 180, extension 60, abduction 180, adduction to the side
            # (the arm cannot pass through the chest), rotation 70 in / 90 out.
            _SegmentSpec(f"upperarm.{s}", f"upperarm01.{s}", "chest", "upperarm", "chain",
                         (f"lowerarm01.{s}", "head"), "forward", "down",
                         ((-60, 170), (-80, 80), (-5, 170))),
            # Elbow: a hinge, flexion 150, no hyperextension.
            _SegmentSpec(f"forearm.{s}", f"lowerarm01.{s}", f"upperarm.{s}", "forearm",
                         "chain", (f"wrist.{s}", "head"), "fold", "parent",
                         ((-2, 145), (0, 0), (0, 0)), kind="hinge"),
            # Wrist: flexion 80, extension 70, radial 20 / ulnar 30 deviation, and the
            # forearm's pronation/supination (80/90), which a hinged elbow cannot take, kept
            # to 60 so the skin of the wrist does not wring.  Palm-ward flexion and the
            # deviations are given as symmetric ranges, so their signs need no palm.
            _SegmentSpec(f"hand.{s}", f"wrist.{s}", f"forearm.{s}", "hand", "chain",
                         (f"finger3-3.{s}", "tail"), "none", None,
                         ((-70, 70), (-60, 60), (-25, 25)),
                         hinge=(f"finger2-1.{s}", f"finger5-1.{s}"), anchor=f"wrist.{s}",
                         radius_quantile=0.9),      # spread fingers: keep them in
            # Hip: flexion 120, extension 30, abduction 45, adduction 30, rotation 45.
            _SegmentSpec(f"thigh.{s}", f"upperleg01.{s}", "pelvis", "thigh", "chain",
                         (f"lowerleg01.{s}", "head"), "forward", "down",
                         ((-25, 120), (-40, 40), (-25, 45))),
            # Knee: a hinge, flexion 135-150, no hyperextension.
            _SegmentSpec(f"shin.{s}", f"lowerleg01.{s}", f"thigh.{s}", "shin", "chain",
                         (f"foot.{s}", "head"), "backward", "parent",
                         ((-2, 145), (0, 0), (0, 0)), kind="hinge"),
            # Ankle: dorsiflexion 20, plantarflexion 50, inversion/eversion, toe in/out.
            _SegmentSpec(f"foot.{s}", f"foot.{s}", f"shin.{s}", "foot", "spread",
                         (f"foot.{s}", "tail"), "up", None,
                         ((-45, 20), (-25, 25), (-20, 20))),
        ]
    return trunk + limbs


def body_mass_kg(vertices: np.ndarray, faces: np.ndarray,
                 density_kgm3: float = BODY_DENSITY_KGM3) -> float:
    """Mass of a closed skin: its enclosed volume (divergence theorem over a fan of each
    face) times the density of the human body."""
    faces = np.asarray(faces)
    a = vertices[faces[:, 0]]
    volume = 0.0
    for k in range(1, faces.shape[1] - 1):
        b, c = vertices[faces[:, k]], vertices[faces[:, k + 1]]
        volume += np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0
    return float(abs(volume) * density_kgm3)


def vertex_areas(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Skin area around each vertex: each face's area shared among its corners."""
    faces = np.asarray(faces)
    area = np.zeros(len(faces))
    for k in range(1, faces.shape[1] - 1):
        e1 = vertices[faces[:, k]] - vertices[faces[:, 0]]
        e2 = vertices[faces[:, k + 1]] - vertices[faces[:, 0]]
        area += 0.5 * np.linalg.norm(np.cross(e1, e2), axis=1)
    out = np.zeros(len(vertices))
    for k in range(faces.shape[1]):
        np.add.at(out, faces[:, k], area / faces.shape[1])
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _frame(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A right-handed rotation (columns X, Y, Z) with Y along `y` and X as close to `x`."""
    y = _unit(y)
    x = _unit(x - (x @ y) * y)
    return np.column_stack([x, y, np.cross(x, y)])


def _matrix(rotation: np.ndarray, origin: np.ndarray) -> np.ndarray:
    m = np.eye(4)
    m[:3, :3], m[:3, 3] = rotation, origin
    return m


def euler_xyz(rotation: np.ndarray) -> np.ndarray:
    """Bullet's decomposition of a 3x3 rotation as Rx(x) Ry(y) Rz(z), y in [-pi/2, pi/2]."""
    r = np.asarray(rotation)
    y = np.arcsin(np.clip(r[0, 2], -1.0, 1.0))
    return np.array([np.arctan2(-r[1, 2], r[2, 2]), y, np.arctan2(-r[0, 1], r[0, 0])])


def _rotation_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation taking unit vector a to unit vector b."""
    axis = np.cross(a, b)
    s, c = np.linalg.norm(axis), float(a @ b)
    if s < 1e-9:
        return np.eye(3) if c > 0 else -np.eye(3) + 2 * np.outer(_perpendicular(a),
                                                                _perpendicular(a))
    k = axis / s
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + s * kx + (1 - c) * kx @ kx


def _perpendicular(a: np.ndarray) -> np.ndarray:
    other = np.array([1.0, 0.0, 0.0]) if abs(a[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    return _unit(np.cross(a, other))


def _segment_of_bone(bones: RigBones, starts: dict[str, str]) -> list[str | None]:
    """For each bone, the segment of its nearest ancestor (itself included) that starts one."""
    out: list[str | None] = []
    for i, name in enumerate(bones.names):
        j = i
        while j >= 0 and bones.names[j] not in starts:
            j = bones.parents[j]
        out.append(starts[bones.names[j]] if j >= 0 else None)
    return out


def _quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][min(np.searchsorted(cumulative, q * cumulative[-1]),
                                   len(values) - 1)])


def _fit_capsule(points: np.ndarray, area: np.ndarray, axis: np.ndarray,
                 radius_quantile: float) -> Capsule:
    """The capsule along `axis` through the skin's area-weighted centre, with the radius
    that holds `radius_quantile` of the skin's area, spanning the skin along the axis (1st to
    99th percentile of area)."""
    w = area / area.sum()
    centre = w @ points
    t = (points - centre) @ axis
    radial = np.linalg.norm(points - centre - t[:, None] * axis, axis=1)
    radius = _quantile(radial, w, radius_quantile)
    lo, hi = _quantile(t, w, 0.01), _quantile(t, w, 0.99)
    half = max((hi - lo) / 2 - radius, 0.0)
    return Capsule(centre + axis * (lo + hi) / 2, axis, float(half), radius)


def _capsule_gap(a: Capsule, b: Capsule, samples: int = 41) -> float:
    """Distance between two capsules' surfaces (negative: they overlap), to a few mm."""
    s = np.linspace(0.0, 1.0, samples)[:, None]
    pa = a.ends()[0] + s * (a.ends()[1] - a.ends()[0])
    pb = b.ends()[0] + s * (b.ends()[1] - b.ends()[0])
    d = np.linalg.norm(pa[:, None] - pb[None], axis=2).min()
    return float(d - a.radius_m - b.radius_m)


def plan_ragdoll(bones: RigBones, skin: Skin, total_mass_kg: float | None = None,
                 female: float = 0.5, radius_quantile: float = 0.75,
                 contact_margin_m: float = 0.01) -> RagdollPlan:
    """The ragdoll of a rigged body at rest.  `female` (0 male … 1 female, Anny's gender
    parameter) blends de Leva's two mass tables; without `total_mass_kg` the mass comes from
    the skin's volume."""
    specs = _specs()
    missing = [b for sp in specs for b in (sp.start, sp.end[0]) if b not in bones.names]
    if missing:
        raise ValueError(f"rig lacks the bones a ragdoll needs: {', '.join(sorted(set(missing)))}"
                         " (expected Anny/MakeHuman names)")
    if total_mass_kg is None:
        total_mass_kg = body_mass_kg(skin.vertices, skin.faces)
    left = _unit(bones.head("upperleg01.L") - bones.head("upperleg01.R"))
    up = np.array([0.0, 0.0, 1.0])            # rigs stand on the floor, Z up
    up = _unit(up - (up @ left) * left)
    forward = np.cross(left, up)              # Anny faces -Y: left +X, up +Z -> forward -Y
    directions = {"forward": forward, "backward": -forward, "up": up, "down": -up}

    owner = _segment_of_bone(bones, {sp.start: sp.name for sp in specs})
    names = [sp.name for sp in specs]
    bone_segment = np.array([names.index(o) if o is not None else -1 for o in owner])
    valid = skin.bones >= 0
    seg_of_weight = np.where(valid, bone_segment[np.where(valid, skin.bones, 0)], -1)
    area = vertex_areas(skin.vertices, skin.faces)
    fractions = {k: (1 - female) * m + female * f for k, (m, f) in MASS_PERCENT.items()}
    fraction_total = sum(fractions[sp.mass_key] for sp in specs)

    segments: list[Segment] = []
    long_axes: dict[str, np.ndarray] = {}
    for k, sp in enumerate(specs):
        start = bones.head(sp.start)
        end = bones.head(sp.end[0]) if sp.end[1] == "head" else bones.tail(sp.end[0])
        long_axes[sp.name] = _unit(end - start)
        share = np.where(seg_of_weight == k, skin.weights, 0.0).sum(axis=1)
        mine = share >= 0.5
        if mine.sum() < 8:
            raise ValueError(f"segment {sp.name!r} has almost no skin weighted to its bones")
        points = skin.vertices[mine]
        if sp.axis == "across":
            axis = left
        elif sp.axis == "spread":
            centred = points - points.mean(axis=0)
            axis = np.linalg.eigh(centred.T @ (centred * area[mine, None]))[1][:, -1]
            axis = axis if axis @ long_axes[sp.name] > 0 else -axis
            long_axes[sp.name] = axis
        else:
            axis = long_axes[sp.name]
        capsule = _fit_capsule(points, area[mine], axis, sp.radius_quantile or radius_quantile)
        members = tuple(b for b, o in zip(bones.names, owner) if o == sp.name)
        weight_per_bone = [skin.weights[(skin.bones == bones.index(b))].sum() for b in members]
        anchor = sp.anchor or members[int(np.argmax(weight_per_bone))]
        reference = up if abs(axis @ up) < 0.9 else forward
        rotation = _frame(reference, axis)[:, [0, 2, 1]] * np.array([1, -1, 1])
        segments.append(Segment(sp.name, members, anchor, sp.parent, capsule,
                                total_mass_kg * fractions[sp.mass_key] / fraction_total,
                                _matrix(rotation, capsule.center)))
    joints = tuple(_joint(sp, bones, long_axes, directions, left, _hinge(sp, bones))
                   for sp in specs if sp.parent is not None)
    joined = {frozenset((j.parent, j.child)) for j in joints}
    ignored = tuple((a.name, b.name) for i, a in enumerate(segments) for b in segments[i + 1:]
                    if frozenset((a.name, b.name)) not in joined
                    and _capsule_gap(a.capsule, b.capsule) < contact_margin_m)
    return RagdollPlan(tuple(segments), joints, float(total_mass_kg), ignored)


def _hinge(sp: _SegmentSpec, bones: RigBones) -> np.ndarray | None:
    if sp.hinge is None:
        return None
    return _unit(bones.head(sp.hinge[0]) - bones.head(sp.hinge[1]))


def _joint(sp: _SegmentSpec, bones: RigBones, long_axes: dict, directions: dict,
           left: np.ndarray, hinge: np.ndarray | None) -> Joint:
    """The joint frame of `sp` on its parent, oriented so that +X is flexion and +Z
    abduction, with the anatomical ranges moved to be relative to the rest pose."""
    child = long_axes[sp.name]
    parent = long_axes[sp.parent]
    flex = -parent if sp.flex == "fold" else directions.get(sp.flex)
    if hinge is not None:
        x_ref = hinge
    elif sp.flex == "fold":
        bend = np.cross(parent, child)        # a bent elbow: its own hinge axis
        x_ref = bend if np.linalg.norm(bend) > 0.15 else left
    else:
        x_ref = left
    rotation = _frame(x_ref, child)
    # Rotating about +X moves Y towards +Z: make that the flexion direction.
    if flex is not None and rotation[:, 2] @ flex < 0:
        rotation[:, 0] *= -1
        rotation[:, 2] *= -1
    side = 1.0 if sp.name.endswith(".L") else -1.0 if sp.name.endswith(".R") else 0.0
    # Rotating about +Z moves Y towards -X: make that the outward direction (flip Y and Z).
    if side and -rotation[:, 0] @ (side * left) < 0:
        rotation[:, 1] *= -1
        rotation[:, 2] *= -1
    ranges = np.radians(np.array(sp.ranges_deg, dtype=float))
    if sp.neutral is not None:
        neutral = parent if sp.neutral == "parent" else directions[sp.neutral]
        current = rotation.T @ child              # the child's axis in the joint frame
        rest = euler_xyz(_rotation_between(rotation.T @ neutral, current))
        ranges = ranges - np.array([rest[0], 0.0, rest[2]])[:, None]
    # Rest must lie inside the limits, or Bullet snaps the body the moment it goes limp.
    ranges[:, 0] = np.minimum(ranges[:, 0], 0.0)
    ranges[:, 1] = np.maximum(ranges[:, 1], 0.0)
    ranges[1] = np.clip(ranges[1], -np.radians(85), np.radians(85))
    if sp.kind == "hinge":
        ranges[1:] = 0.0
    return Joint(sp.name, sp.parent, sp.name, _matrix(rotation, bones.head(sp.start)),
                 JointLimits(*(tuple(map(float, r)) for r in ranges)), sp.kind)


def shifted_limits(limits: JointLimits, start_rotation: np.ndarray,
                   margin_rad: float = np.radians(2.0)) -> JointLimits:
    """Limits for a constraint whose zero is a pose other than rest.

    Blender builds a constraint's frames from where the bodies are when the simulation
    starts, so Bullet measures angles from that pose, not from rest.  `start_rotation` is the
    child's rotation then, relative to rest, in the joint frame (3x3); the limits move by its
    Euler angles (exact for a rotation about one axis, close for small ones) and are widened
    to keep the start pose `margin_rad` inside them.
    """
    offset = euler_xyz(start_rotation)
    ranges = limits.as_array() - offset[:, None]
    ranges[:, 0] = np.minimum(ranges[:, 0], -margin_rad)
    ranges[:, 1] = np.maximum(ranges[:, 1], margin_rad)
    ranges[1] = np.clip(ranges[1], -np.radians(89), np.radians(89))
    return JointLimits(*(tuple(map(float, r)) for r in ranges))
