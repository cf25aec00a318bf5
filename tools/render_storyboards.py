"""Render a storyboard still of each sample story: the cast stage's scene, seen by Cycles.

    .venv/bin/python tools/render_storyboards.py [--samples 24] [--width 640]
        [--out docs/storyboards] [--frames N ...] [story.txt ...]

Each story is built (parse + cast) into a fresh scene, a camera is placed in front of the
characters and story props so all of them are in frame, and the still is written as
<out>/<story>.png.  Prints one JSON line per story (path, seconds) on stdout.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))


def frame_camera(scene, targets, lens_mm: float = 35.0):
    """A camera in front (-Y) of `targets`, slightly above eye level, fitting them all."""
    import bpy
    from mathutils import Vector
    points = [o.matrix_world @ Vector(c) for o in targets for c in o.bound_box]
    low = Vector([min(p[i] for p in points) for i in range(3)])
    high = Vector([max(p[i] for p in points) for i in range(3)])
    centre = (low + high) / 2
    camera = bpy.data.objects.new("Storyboard Camera", bpy.data.cameras.new("Storyboard"))
    camera.data.lens = lens_mm
    scene.collection.objects.link(camera)
    aspect = scene.render.resolution_x / scene.render.resolution_y
    half_fov = math.atan(camera.data.sensor_width / 2 / lens_mm)
    width = max(high.x - low.x, (high.z - low.z) * aspect, 1.0)
    distance = (width / 2) / math.tan(half_fov) * 1.25 + (high.y - low.y) / 2
    direction = Vector((0.25, -1.0, 0.18)).normalized()
    camera.location = centre + direction * distance
    # Indoors the front wall comes out of the picture and the camera stays between the
    # side walls, so it looks into the room.
    walls = {o["story_id"]: o for o in scene.objects if str(o.get("story_id")).startswith("wall_")}
    if "wall_front" in walls:
        walls["wall_front"].hide_render = True
    sides = [walls[k].matrix_world.translation.x for k in ("wall_left", "wall_right") if k in walls]
    if len(sides) == 2:
        margin = 0.3
        camera.location.x = min(max(camera.location.x, min(sides) + margin), max(sides) - margin)
    camera.rotation_euler = (centre - camera.location).to_track_quat("-Z", "Y").to_euler()
    scene.camera = camera
    return camera


def render_story(story: Path, out_dir: Path, samples: int, width: int = 640,
                 frames: list[int] = ()) -> dict:
    """The cast stage's still, or with `frames` the animated scene at each of those frames
    (<story>_<frame>.png), the camera framing the characters where they are then."""
    import bpy
    from story_motion.addon.blender import animate_stage, cast_stage
    from story_motion.addon.story.understand import understand
    started = time.perf_counter()
    screenplay = understand(story.read_text(encoding="utf-8")).screenplay
    bpy.ops.wm.read_homefile(use_empty=True)
    scene = bpy.context.scene
    cast_stage.run_cast(bpy.data, scene, bpy.context.view_layer, screenplay, seed=1)
    if frames:
        animate_stage.run_animate(bpy.data, scene, screenplay, seed=1)
    bodies = [o for o in bpy.data.objects if o.get("story_stage") == "cast" and
              o.type == "MESH" and o.name.endswith(" Body")]
    props = [o for o in bpy.data.objects if o.users_collection
             and o.users_collection[0].name == "Story Props"]
    scene.render.resolution_x, scene.render.resolution_y = width, width * 9 // 16
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.cycles.use_denoising = True
    scene.render.image_settings.file_format = "PNG"
    scene.render.image_settings.color_depth = "8"
    scene.render.image_settings.compression = 100
    stills = []
    for frame in frames or [None]:
        if frame is not None:
            scene.frame_set(frame)
        if scene.camera is not None:
            bpy.data.objects.remove(scene.camera)
        frame_camera(scene, bodies + ([] if frames else props))
        out = out_dir / (f"{story.stem}.png" if frame is None else
                         f"{story.stem}_{frame:04d}.png")
        scene.render.filepath = str(out)
        bpy.ops.render.render(write_still=True)
        stills.append(str(out))
    return {"story": story.name, "stills": stills,
            "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stories", nargs="*", type=Path)
    parser.add_argument("--samples", type=int, default=24)
    parser.add_argument("--width", type=int, default=640, help="pixels; the height is 9/16")
    parser.add_argument("--frames", type=int, nargs="*", default=[],
                        help="animate the story and render these frames instead of the still")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "storyboards")
    args = parser.parse_args()
    stories = args.stories or sorted((ROOT / "sample_scenes").glob("*.txt"))
    args.out.mkdir(parents=True, exist_ok=True)
    from story_motion.addon.cli import blender_quiet
    for story in stories:
        with blender_quiet():
            result = render_story(story.resolve(), args.out.resolve(), args.samples,
                                  args.width, args.frames)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
