"""One pass of the simulation: rigid bodies built, frames stepped in order, paths recorded.

`PhysicsPass` owns every rigid body it adds and takes them all away again in `teardown`, so a
failure half-way never leaves Bullet state in the user's scene.  Props are keyed in a working
action ("<name> physics") that the pass fills with what Bullet needs (hand-held and ballistic
stretches as kinematic keys); `bake` overwrites it with the recorded path.
"""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass

import numpy as np

from ..cast.props import CATALOG
from ..physics import fracture, world
from ..physics.mass import mass_properties
from ..physics.paths import (ROLLING_DECEL, SLIDING_DECEL, Problem, ballistic_arc, check_path,
                             impacts, penetration, rolling_path)
from ..physics.scenario import SHOE, SimulationPlan
from ..physics.surfaces import SURFACES, pair, surface
from . import body_physics_build, keys, rigid_world, shards_build
from .animate_build import place_strips
from .tags import tag

STAGE = "simulate"
COLLECTION = "Story Physics"
BEFORE_KEY = "story_before_simulate"
#: The set's walls collide as passive boxes; the floor is a thick box of this size.
WALL_PREFIX = "wall_"
FLOOR_SIZE_M = 200.0
#: Shards per breakable prop, and how much of the impact speed the fracture throws them out.
SHARDS = 24
BURST_SHARE = 0.25
#: A prop this far from where a later pick-up expects it is steered there; it counts as set
#: moving (by a kick) above this speed, and comes to rest this long before the pick-up.
MARK_TOLERANCE_M = 0.05
#: Bullet's collision collections in Blender.
COLLISION_LAYERS = 20
#: A punch's blow on the head, N·s (a boxer's straight punch delivers about 10-30), and how
#: long a knocked-down body's ragdoll fades into the get-up that follows.
PUNCH_IMPULSE_NS = 12.0
GET_UP_BLEND_S = 0.5
SET_MOVING_MPS = 0.3
SETTLE_S = 0.5


@dataclass(frozen=True)
class Break:
    """A breakable prop hits something at `frame` (the first frame after the collision)."""
    prop: str
    frame: int
    speed_mps: float
    point_local: tuple[float, float, float]     # where it hit, in the prop's own space
    path: np.ndarray                            # its world matrices up to the hit (frame, 4, 4)


@dataclass(frozen=True)
class Character:
    """A character for the pass: its rig, skinned body, ragdoll plan and the poses read once
    for all passes (body_physics_build.follow_poses)."""
    rig: object
    body: object
    plan: object
    followed: tuple


@dataclass(frozen=True)
class Roll:
    """A prop a later beat needs at a mark: from `start` to `end` its path (frame, 4, 4), in
    the simulation's centre-of-mass frame, is keyed instead of simulated."""
    prop: str
    start: int
    end: int
    path: np.ndarray


class PhysicsPass:
    def __init__(self, blend_data, scene, sim: SimulationPlan, props: dict, seed: int,
                 breaks: dict[str, Break] | None = None,
                 rolls: dict[str, list[Roll]] | None = None,
                 characters: dict[str, Character] | None = None,
                 substeps: int | None = None):
        self.data, self.scene, self.sim, self.props, self.seed = (blend_data, scene, sim,
                                                                  props, seed)
        self.breaks = breaks or {}
        self.fps = scene.render.fps / scene.render.fps_base
        self.first = scene.frame_start
        self.bodies: dict[str, object] = {}        # recorded body name -> object
        self.shards: dict[str, list] = {}          # broken prop -> shard objects
        self.with_body: list = []                  # objects this pass gave a rigid body
        self.made: list = []                       # objects this pass created (colliders)
        self.own_world = False
        self.collection = None
        self.floor = "concrete"
        self.offsets: dict[str, np.ndarray] = {}   # body name -> matrix from its origin to the base
        self.keyed: dict[str, np.ndarray] = {}     # body name -> its pre-stage path, centre frame
        self.original_coords: dict[str, np.ndarray] = {}
        self.rolls = rolls or {}
        self.characters = characters or {}
        self.substeps = substeps             # None: the calibrated world.substeps_for(fps)
        self.people: dict[str, body_physics_build.CharacterBodies] = {}
        self.layers: dict[str, int] = {}          # character -> its collision collection
        self.hidden_until: dict[str, int] = {}    # shard -> the frame it shows from

    # -- building ------------------------------------------------------------------------
    def build(self):
        scene = self.scene
        self.own_world = scene.rigidbody_world is None
        rigid_world.ensure_world(scene, scene.frame_start, scene.frame_end)
        if self.substeps is not None:
            scene.rigidbody_world.substeps_per_frame = self.substeps
        self.collection = self.data.collections.get(COLLECTION)
        if self.collection is None:
            self.collection = tag(self.data.collections.new(COLLECTION), STAGE, "physics")
            scene.collection.children.link(self.collection)
        self.floor = ground_preset(self.data)
        floor = rigid_world.add_floor(self.data, scene, self.collection, self.floor, FLOOR_SIZE_M)
        floor.rigid_body.collision_collections = [True] * COLLISION_LAYERS
        self.made.append(floor)
        for obj in self.data.objects:
            if obj.get("story_stage") == "cast" and obj.type == "MESH" and \
                    str(obj.get("story_id", "")).startswith(WALL_PREFIX):
                self._passive(obj, "BOX")
        for layer, (cid, who) in enumerate(self.characters.items()):
            people = body_physics_build.build_bodies(
                self.data, scene, who.rig, who.body, self.collection, cid, scene.frame_start,
                scene.frame_end, plan=who.plan, followed=who.followed)
            self.people[cid] = people
            self.made.extend(people.objects())
            # Each character's own collision collection: bodies pass through each other (an
            # unstoppable kinematic fist would shove a ragdoll on for metres) while props,
            # the floor and the walls, in every collection, meet them all.
            self.layers[cid] = 1 + layer % (COLLISION_LAYERS - 1)
            own = [i == self.layers[cid] for i in range(COLLISION_LAYERS)]
            for obj in people.objects():
                obj.rigid_body.collision_collections = own
        for down in self.sim.knockdowns:
            if down.actor in self.people:
                self._knock_down(down)
        for pid, role in self.sim.props.items():
            obj = self.props[pid]
            if role.body == "passive":
                self._passive(obj, "MESH")
            elif pid in self.breaks:
                self._shards(pid, obj)
            else:
                self._dynamic(pid, obj, role)

    def _knock_down(self, down):
        """The actor's capsules go limp at the knockdown frame, pushed away from whoever hit
        them (a punch lands on the head)."""
        people = self.people[down.actor]
        frame = self.first + down.frame
        push, impulse, hit = np.zeros(3), np.zeros(3), None
        if down.by in self.people:
            index = people.frame_index(frame)
            pelvis = people.plan.names().index("pelvis")
            away = people.follow[index, pelvis, :3, 3] - \
                self.people[down.by].follow[index, pelvis, :3, 3]
            away[2] = 0.0
            away /= max(np.linalg.norm(away), 1e-9)
            push, impulse, hit = away * down.push_mps, away * PUNCH_IMPULSE_NS, "head"
        self.made.extend(body_physics_build.switch_to_ragdoll(
            self.data, self.scene, people, frame, push, hit=hit, impulse_ns=impulse))

    def _add_body(self, obj, kind: str, shape: str, mass_kg: float | None = None,
                  material: str = "plastic", cor: float | None = None):
        rigid_world.add_rigid_body(obj, self.scene, body_type=kind, shape=shape,
                                   mass_kg=mass_kg)
        obj.rigid_body.collision_collections = [True] * COLLISION_LAYERS
        self.with_body.append(obj)
        rigid_world.apply_surface(obj, material if material in SURFACES else "plastic",
                                  floor_preset=self.floor, cor=cor)
        return obj.rigid_body

    def _passive(self, obj, shape: str):
        self._add_body(obj, "PASSIVE", shape, material=str(obj.get("story_material", "wood")))

    def _dynamic(self, pid: str, obj, role):
        _remember(obj)
        self._recentre(obj)
        shape = {"sphere": "SPHERE", "box": "BOX"}.get(str(obj.get("story_collision", "")),
                                                       "CONVEX_HULL")
        category = CATALOG.get(str(obj.get("story_category", "")))
        own_cor = category.restitution if category is not None else None   # balls
        self._add_body(obj, "ACTIVE", shape, float(obj.get("story_mass_kg", 1.0)),
                       str(obj.get("story_material", "plastic")), cor=own_cor)
        # A prop let go from inside its holder's hand capsule would be shot out of it.
        layers = list(obj.rigid_body.collision_collections)
        for hold in role.holds:
            if hold.actor in self.layers:
                layers[self.layers[hold.actor]] = False
        obj.rigid_body.collision_collections = layers
        self._key_kinematic(pid, obj, role)
        self.bodies[obj.name] = obj

    def _recentre(self, obj):
        """Bullet turns a body about its origin and centres its shape there, but a prop's
        origin is its base: move the mesh so the origin is the centre of mass for the pass
        (the working action's keys place the object; teardown puts the mesh back, and
        `offsets` turn recorded matrices back to the base)."""
        from mathutils import Matrix
        verts, faces, _, _ = shards_build.mesh_arrays(obj)
        try:
            com = mass_properties(verts, faces).centre_of_mass
        except ValueError:                  # open or flat: the middle of its bounds
            com = (verts.min(axis=0) + verts.max(axis=0)) / 2 if len(verts) else np.zeros(3)
        coords = np.empty(len(obj.data.vertices) * 3)
        obj.data.vertices.foreach_get("co", coords)
        self.original_coords[obj.name] = coords
        obj.data.transform(Matrix.Translation((-com).tolist()))
        offset = np.eye(4)
        offset[:3, 3] = -com
        self.offsets[obj.name] = offset

    def user_path(self, obj) -> np.ndarray:
        """The prop's world matrices per frame before this stage (base origin): where the
        animate stage keyed it, or where it stood."""
        before = json.loads(obj[BEFORE_KEY])
        source = self.data.actions.get(before["action"]) if before["action"] else None
        path = np.repeat(np.reshape(before["matrix"], (4, 4))[None], self.sim.frames, axis=0)
        if source is not None:
            for f in range(self.sim.frames):
                m = keys.evaluate_matrix(source, self.first + f)
                if m is not None:
                    path[f] = m
        return path

    def _key_kinematic(self, pid: str, obj, role):
        """Held, thrown and steered stretches follow keys (kinematic); the rest is Bullet's.
        The hand-held path comes from the action the animate stage keyed on the prop."""
        frames = self.sim.frames
        self.keyed[obj.name] = self.user_path(obj) @ np.linalg.inv(self.offsets[obj.name])
        path = self.keyed[obj.name].copy()
        kinematic = np.zeros(frames, dtype=bool)
        for hold in role.holds:
            kinematic[hold.start:hold.end + 1] = True
        for flight in role.flights:
            start = path[flight.release, :3, 3]
            end = path[min(flight.catch, frames - 1), :3, 3]
            arc = ballistic_arc(start, end, flight.catch - flight.release, self.fps)
            path[flight.release:flight.catch + 1, :3, 3] = arc[:frames - flight.release]
            kinematic[flight.release:flight.catch + 1] = True
        for roll in self.rolls.get(pid, ()):
            path[roll.start:roll.end] = roll.path
            kinematic[roll.start:roll.end] = True
        action, bag = keys.new_action(self.data, obj, f"{obj.name} physics", STAGE, pid)
        changes = [0] + [f for f in range(1, frames) if kinematic[f] != kinematic[f - 1]]
        moving = np.flatnonzero(kinematic)
        keyed = sorted(set(changes) | set(moving.tolist()) | {frames - 1})
        keys.key_matrices(bag, obj, self.first + np.array(keyed), path[keyed])
        keys.key_curve(bag, "rigid_body.kinematic", 0, "Physics",
                       self.first + np.array(changes), kinematic[changes].astype(float),
                       keys.CONSTANT)
        self._replace_action(obj, action)

    def _replace_action(self, obj, action):
        """Assign `action`; a working action of this stage it replaces is deleted, and the new
        one takes its name."""
        name = f"{obj.name} physics"
        old = keys.assign(obj, action)
        if old is not None and old != action and old.get("story_stage") == STAGE \
                and old.users == 0:
            self.data.actions.remove(old)
        action.name = name

    def _shards(self, pid: str, obj):
        """The broken prop leaves the world; its shards follow its recorded path (kinematic)
        until the frame before the hit, then fly with its velocity plus a burst outwards."""
        _remember(obj)
        hit = self.breaks[pid]
        mesh = obj.data
        verts = np.array([v.co[:] for v in mesh.vertices])
        faces = [tuple(p.vertices) for p in mesh.polygons]
        slots = [p.material_index for p in mesh.polygons]
        seed = zlib.crc32(f"{self.seed}:{pid}".encode())
        pieces = fracture.fracture(verts, faces, slots, SHARDS, seed,
                                   impact=np.array(hit.point_local))
        objects = shards_build.build_shards(self.data, obj, pieces, self.collection)
        self.made.extend(objects)
        self.shards[pid] = objects
        release = hit.frame - 1
        path = hit.path
        velocity = (path[release, :3, 3] - path[release - 1, :3, 3]) * self.fps
        centre = path[release, :3, :3] @ np.array(hit.point_local) + path[release, :3, 3]
        for shard, piece in zip(objects, pieces):
            local = np.eye(4)
            local[:3, 3] = piece.centre_of_mass
            self._add_body(shard, "ACTIVE", "CONVEX_HULL",
                           piece.volume * float(obj.get("story_density_kgm3", 2500.0)),
                           str(obj.get("story_material", "glass")))
            track = path[:release + 1] @ local
            out = track[release, :3, 3] - centre
            out[2] = abs(out[2]) + 0.5 * np.linalg.norm(out)      # outwards and up
            out /= max(np.linalg.norm(out), 1e-9)
            burst = out * BURST_SHARE * hit.speed_mps
            track[release - 1, :3, 3] = track[release, :3, 3] - (velocity + burst) / self.fps
            action, bag = keys.new_action(self.data, shard, f"{shard.name} physics", STAGE,
                                          pid)
            keyed = np.arange(release + 1)
            keys.key_matrices(bag, shard, self.first + keyed, track)
            keys.key_curve(bag, "rigid_body.kinematic", 0, "Physics",
                           self.first + np.array([0, release + 1]), [1.0, 0.0], keys.CONSTANT)
            self._replace_action(shard, action)
            self.bodies[shard.name] = shard
            self.hidden_until[shard.name] = release

    # -- running -------------------------------------------------------------------------
    def run(self) -> dict[str, np.ndarray]:
        """Build the world, step every frame in order and return each body's world matrices
        per story frame."""
        self.build()
        recording = {name: np.zeros((self.sim.frames, 4, 4)) for name in self.bodies}
        capsules = {cid: people.objects() for cid, people in self.people.items()}
        self.limbs = {cid: np.zeros((self.sim.frames, len(objs), 4, 4))
                      for cid, objs in capsules.items()}
        # The capsules carry their own keys: the rigs and skins need no evaluating meanwhile.
        hidden = [o for o in self.data.objects if o.get("story_stage") == "cast" and not
                  o.hide_viewport and (o.type == "ARMATURE" or (o.parent is not None and
                                                                o.parent.type == "ARMATURE"))]
        for obj in hidden:
            obj.hide_viewport = True
        try:
            for f in range(self.sim.frames):
                self.scene.frame_set(self.first + f)
                for name, obj in self.bodies.items():
                    recording[name][f] = np.array(obj.matrix_world)
                for cid, objs in capsules.items():
                    self.limbs[cid][f] = [np.array(o.matrix_world) for o in objs]
        finally:
            for obj in hidden:
                obj.hide_viewport = False
        return recording

    def find_breaks(self, recording) -> dict[str, Break]:
        """Breakable props whose first hit in free flight is faster than their material
        stands on what struck it: the floor, or a kicking foot's shoe."""
        out = {}
        for pid, role in self.sim.props.items():
            obj = self.props[pid]
            if not role.breakable or obj.name not in recording:
                continue
            path = recording[obj.name]
            held = np.zeros(len(path), dtype=bool)
            for hold in role.holds:
                held[hold.start:hold.end + 1] = True
            material = str(obj.get("story_material", "glass"))
            if pair(material, self.floor).break_speed_mps is None:
                continue
            cor = surface(material).cor          # struck at rest (a kick): Δv / (1 + e)
            for hit in impacts(path[:, :3, 3], self.fps, cor=cor):
                struck = SHOE if role.kicked_at(hit.frame) else self.floor
                if hit.struck_speed(cor) <= pair(material, struck).break_speed_mps:
                    continue
                if hit.frame >= 2 and not held[hit.frame - 1] and not held[hit.frame]:
                    before = path[hit.frame - 1]
                    verts = np.array([v.co[:] for v in obj.data.vertices])
                    world = verts @ before[:3, :3].T + before[:3, 3]
                    contact = world[np.argmin(world @ np.array(hit.normal))]
                    user = path[:hit.frame] @ self.offsets[obj.name]
                    inverse = np.linalg.inv(user[-1])
                    local = inverse[:3, :3] @ contact + inverse[:3, 3]
                    out[pid] = Break(pid, hit.frame, hit.struck_speed(cor),
                                     tuple(float(c) for c in local), user)
                    break
        return out

    def find_rolls(self, recording) -> dict[str, list[Roll]]:
        """Props a later beat picks up from a mark (where the plan left them) that the
        simulation sent somewhere else: from the frame they were set moving (the kick) to the
        pick-up, their path is keyed as an even roll (a ball) or slide that ends on the mark.
        Without a kick it sets off when the plan's cue says it rolls; a prop neither kicked nor
        cued is left alone."""
        out: dict[str, list[Roll]] = {}
        for pid, role in self.sim.props.items():
            obj = self.props[pid]
            if obj.name not in recording:
                continue
            simulated = recording[obj.name]
            wanted = self.keyed[obj.name]
            busy = np.zeros(len(simulated), dtype=bool)
            for hold in role.holds:
                busy[hold.start:hold.end + 1] = True
            for flight in role.flights:
                busy[flight.release:flight.catch + 1] = True
            caught = {f.catch for f in role.flights}
            for hold in role.holds:
                mark = wanted[hold.start, :3, 3]
                here = simulated[max(hold.start - 1, 0), :3, 3]      # the last free frame
                if hold.start in caught or hold.start == 0 or \
                        np.linalg.norm((mark - here)[:2]) < MARK_TOLERANCE_M:
                    continue
                free = int(np.flatnonzero(busy[:hold.start])[-1]) + 1 if busy[:hold.start].any() \
                    else 0
                speeds = np.linalg.norm(np.diff(simulated[free:hold.start, :3, 3], axis=0),
                                        axis=1) * self.fps
                moving = np.flatnonzero(speeds > SET_MOVING_MPS)
                cued = [f for f in role.moves if free <= f < hold.start]
                if len(moving):
                    launch = free + int(moving[0])
                elif cued:                  # nothing kicked it: it goes when the plan says
                    launch = cued[0]
                else:
                    continue
                out.setdefault(pid, []).append(self._roll(obj, simulated, launch, hold.start,
                                                          mark))
        return out

    def _roll(self, obj, simulated, launch: int, until: int, mark) -> Roll:
        arrive = max(launch + 1, until - int(round(SETTLE_S * self.fps)))
        ball = str(obj.get("story_collision", "")) == "sphere"
        start = simulated[launch].copy()
        if ball:                             # rolling on the floor, whatever its kick's hop
            start[2, 3] = max(obj.dimensions) / 2
        end = np.array([mark[0], mark[1], start[2, 3]])
        positions, _ = rolling_path(start[:3, 3], end, arrive - launch, self.fps,
                                    decel_mps2=ROLLING_DECEL if ball else SLIDING_DECEL)
        positions = np.vstack([positions, np.repeat(positions[-1:], until - arrive, axis=0)])
        path = np.repeat(start[None], until - launch + 1, axis=0)
        path[:, :3, 3] = positions[:until - launch + 1]
        if ball:
            radius = max(obj.dimensions) / 2
            heading = end - start[:3, 3]
            axis = np.cross([0.0, 0.0, 1.0], heading / max(np.linalg.norm(heading), 1e-9))
            travelled = np.linalg.norm(positions - positions[0], axis=1) / max(radius, 1e-3)
            for i, angle in enumerate(travelled[:len(path)]):
                path[i, :3, :3] = _axis_angle(axis, angle) @ start[:3, :3]
        return Roll(str(obj["story_id"]), launch, until, path[:-1])

    def check(self, recording) -> list[Problem]:
        """Sanity of every recorded path: finite, not absurdly fast, not through the floor,
        and the bodies at rest at the end not inside each other.  A shard counts from the
        frame it shows (the frame before, keyed only to hand it its velocity, may dip below
        the floor when a kick bursts a standing glass upwards)."""
        out = []
        for name, path in recording.items():
            obj = self.bodies[name]
            first = self.hidden_until.get(name, 0)
            path = path[first:]
            verts = np.array([v.co[:] for v in obj.data.vertices])
            lowest = np.einsum("tij,nj->tni", path[:, :3, :3], verts).min(axis=1)[:, 2] \
                + path[:, 2, 3] if len(verts) else path[:, 2, 3]
            out += [Problem(p.body, p.frame + first, p.what) for p in check_path(
                name, path[:, :3, 3], self.fps, lowest_z=lowest,
                speed_limit_mps=world.MAX_SPEED_MPS, sink_tolerance_m=world.MAX_PENETRATION_M)]
        return out + self._resting_overlaps(recording)

    def _resting_overlaps(self, recording) -> list[Problem]:
        """Bodies resting at the last frame whose hulls hold each other's points deeper than
        the tolerance (a hull over-fills a hollow prop, so this errs on the side of a report)."""
        last = self.sim.frames - 1
        resting = []
        for name, path in recording.items():
            if last < 1 or np.linalg.norm(path[last, :3, 3] - path[last - 1, :3, 3]) * self.fps \
                    > world.REST_SPEED_MPS:
                continue
            obj = self.bodies[name]
            verts = np.array([v.co[:] for v in obj.data.vertices])
            world_verts = verts @ path[last, :3, :3].T + path[last, :3, 3]
            normals, offsets = _hull_planes(verts)
            resting.append((name, world_verts, normals @ path[last, :3, :3].T,
                            offsets + normals @ path[last, :3, :3].T @ path[last, :3, 3]
                            if len(normals) else offsets))
        out = []
        for i, (a, points, _, _) in enumerate(resting):
            centre = points.mean(axis=0)
            reach = np.linalg.norm(points - centre, axis=1).max()
            for b, other, normals, offsets in resting[i + 1:]:
                if np.linalg.norm(other.mean(axis=0) - centre) > reach + \
                        np.linalg.norm(other - other.mean(axis=0), axis=1).max():
                    continue
                depth = max(penetration(points, normals, offsets),
                            penetration(other, *resting[i][2:]))
                if depth > world.MAX_PENETRATION_M:
                    out.append(Problem(a, last, f"rests {depth:.3f} m inside {b}"))
        return out

    # -- baking --------------------------------------------------------------------------
    def bake(self, recording):
        """Key every recorded body on every frame and show shards only from their release."""
        frames = self.first + np.arange(self.sim.frames)
        for name, path in recording.items():
            obj = self.bodies[name]
            action, bag = keys.new_action(self.data, obj, f"{obj.name} physics", STAGE,
                                          str(obj.get("story_id", name)))
            keys.key_matrices(bag, obj, frames, path @ self.offsets.get(name, np.eye(4)))
            self._replace_action(obj, action)
        for down in self.sim.knockdowns:
            people = self.people.get(down.actor)
            if people is None:
                continue
            end = self.sim.frames - 1 if down.until is None else down.until
            _motion_to_strip(people.rig)
            body_physics_build.key_rig_from_bodies(
                self.data, people, self.limbs[down.actor][down.frame:end + 1],
                blend_out=0 if down.until is None else int(round(GET_UP_BLEND_S * self.fps)))
        for pid, hit in self.breaks.items():
            intact = self.props[pid]
            action, bag = keys.new_action(self.data, intact, f"{intact.name} physics", STAGE,
                                          pid)
            keys.key_matrices(bag, intact, frames[:len(hit.path)], hit.path)
            _key_visible(bag, [self.first, self.first + hit.frame - 1], [True, False])
            self._replace_action(intact, action)
            for shard in self.shards[pid]:
                bag = keys.action_channelbag(shard.animation_data.action)
                _key_visible(bag, [self.first, self.first + hit.frame - 1], [False, True])

    def teardown(self, *, keep_shards: bool = True):
        """Take away every rigid body and collider this pass added, and the world if it
        made it; the shards too unless they are the result being kept."""
        import bpy
        for name, offset in self.offsets.items():
            obj = self.data.objects.get(name)
            if obj is not None:              # the exact coordinates, not a shift back
                obj.data.vertices.foreach_set("co", self.original_coords[name])
                obj.data.update()
        self.offsets.clear()
        self.original_coords.clear()
        for obj in self.with_body:
            if obj.name in self.data.objects and obj.rigid_body is not None:
                with bpy.context.temp_override(scene=self.scene, object=obj, active_object=obj,
                                               selected_objects=[obj]):
                    bpy.ops.rigidbody.object_remove()
        self.with_body.clear()
        shards = [o for objs in self.shards.values() for o in objs] if keep_shards else []
        for obj in self.made:                # colliders, capsules, joints; shards stay
            if obj not in shards:
                _delete(self.data, obj)
        self.made = shards
        constraints = self.data.collections.get(body_physics_build.CONSTRAINTS_COLLECTION)
        if constraints is not None and not constraints.objects:
            self.data.collections.remove(constraints)
        if self.own_world and self.scene.rigidbody_world is not None:
            with bpy.context.temp_override(scene=self.scene):
                bpy.ops.rigidbody.world_remove()
        self.own_world = False


def _motion_to_strip(rig):
    """A rig's baked story motion (`build --bake-motion`: its active action) would be played
    over every NLA track, the ragdoll's too: lay it as the one strip of "Story Motion"."""
    animation = rig.animation_data
    action = animation.action if animation is not None else None
    if action is None or action.get("story_stage") != "animate":
        return
    place_strips(rig, [(action.name, action.frame_range[0], action)])
    animation.action = None


def _delete(blend_data, obj):
    """Remove an object this pass made, with its mesh and actions."""
    data = obj.data
    action = obj.animation_data.action if obj.animation_data else None
    blend_data.objects.remove(obj)
    if data is not None and data.users == 0:
        blend_data.meshes.remove(data)
    if action is not None and action.users == 0:
        blend_data.actions.remove(action)


def _remember(obj):
    """Note what the prop was before this stage touched it (see clear_simulation)."""
    if BEFORE_KEY in obj:
        return
    action = obj.animation_data.action if obj.animation_data else None
    # From its channels, not matrix_world, which lags until the depsgraph next runs.
    world = obj.matrix_basis if obj.parent is None else \
        obj.parent.matrix_world @ obj.matrix_parent_inverse @ obj.matrix_basis
    obj[BEFORE_KEY] = json.dumps({
        "action": action.name if action else "",
        "matrix": np.array(world).ravel().tolist(),
        # the channels themselves: a matrix written back re-derives them a rounding away
        "channels": {"rotation_mode": obj.rotation_mode, "location": obj.location[:],
                     "rotation_euler": obj.rotation_euler[:],
                     "rotation_quaternion": obj.rotation_quaternion[:], "scale": obj.scale[:]},
        "hide": [obj.hide_render, obj.hide_viewport]})


def _key_visible(bag, frames, visible):
    for path in ("hide_render", "hide_viewport"):
        keys.key_curve(bag, path, 0, "Visibility", frames,
                       [0.0 if v else 1.0 for v in visible], keys.CONSTANT)


def ground_preset(blend_data) -> str:
    """The material preset of the set's ground ("Story Grass #5a7d3a" is grass), for how
    things bounce and break on it; concrete when there is no ground."""
    ground = next((o for o in blend_data.objects if o.get("story_stage") == "cast"
                   and o.get("story_id") == "ground"), None)
    words = ground.active_material.name.split() if ground and ground.active_material else []
    name = words[1].lower() if len(words) > 2 and words[0] == "Story" else ""
    return name if name in SURFACES else "concrete"


def _hull_planes(verts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Outward normals and offsets of the convex hull of `verts` (Blender's bmesh hull)."""
    import bmesh
    bm = bmesh.new()
    for v in verts:
        bm.verts.new(v.tolist())
    if len(bm.verts) < 4:
        bm.free()
        return np.zeros((0, 3)), np.zeros(0)
    hull = [g for g in bmesh.ops.convex_hull(bm, input=bm.verts)["geom"]
            if isinstance(g, bmesh.types.BMFace)]
    for face in hull:
        face.normal_update()
    normals = np.array([f.normal[:] for f in hull]).reshape(-1, 3)
    offsets = np.array([f.normal.dot(f.verts[0].co) for f in hull])
    bm.free()
    return normals, offsets


def _axis_angle(axis, angle: float) -> np.ndarray:
    """Rotation matrix about a unit `axis` by `angle` radians (Rodrigues)."""
    x, y, z = axis
    k = np.array([[0, -z, y], [z, 0, -x], [-y, x, 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k
