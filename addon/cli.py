"""The `story-motion` command: the same engine as the panel, headless.

JSON goes to stdout, progress to stderr, and every failure ends with one line
`story-motion: error: <reason>` and a non-zero exit code, never a traceback.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import screenplay as S
from .cast.body_kit import BodyKitError
from .story import llm
from .story.understand import StoryError, understand

log = logging.getLogger("story_motion")

FPS = 24


STAGES = ("parse", "cast", "animate", "simulate", "shoot")   # the stages `build` runs, in order


class CLIError(Exception):
    """A failure the user can fix; printed as one line."""


class UsageError(CLIError):
    """Wrong arguments: exit code 2, as argparse uses."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _seed(text: str) -> int:
    """A seed Blender can store (its integer properties are 32-bit)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= value < 2 ** 31:
        raise argparse.ArgumentTypeError(f"{value} is outside 0 to {2 ** 31 - 1}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="story-motion", description="Turn a written story into a Blender scene.")
    p.add_argument("-v", "--verbose", action="store_true", help="more progress on stderr")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def render_options(sp):
        sp.add_argument("--preset", choices=("preview", "final"), default="preview",
                        help="preview: 640x360, 8 samples, every 8th frame; final: "
                             "1920x1080, adaptive sampling, every frame (default: preview)")
        sp.add_argument("--frames", metavar="A-B", help="only frames A to B")
        sp.add_argument("--step", type=int, metavar="N",
                        help="render every N-th frame (the video plays at fps / N)")
        sp.add_argument("--samples", type=int, metavar="N", help="Cycles samples per pixel")
        sp.add_argument("--resolution", metavar="WxH", help="e.g. 1280x720")

    def source_options(sp):
        sp.add_argument("--provider", action="append", default=[], metavar="STEP=NAME",
                        help="a service for a step: props=meshy|tripo|rodin|hunyuan, "
                             "character=meshy|tripo, motion=meshy|saymotion (needs --online "
                             "and the service's key)")
        sp.add_argument("--model-folder", action="append", default=[], metavar="DIR",
                        help="a folder of your own models (GLB, FBX, OBJ, .blend) used for "
                             "the props they match; may be given more than once")
        sp.add_argument("--cache", metavar="DIR",
                        help="where downloaded models and motions are kept (default: "
                             "$STORY_MOTION_CACHE or ~/.cache/story-motion)")

    def story_options(sp):
        sp.add_argument("--parser", choices=("builtin", "llm"), default="builtin",
                        help="story understanding backend (default: builtin)")
        sp.add_argument("--lang", choices=("auto", "en", "zh"), default="auto")
        sp.add_argument("--online", action="store_true",
                        help="allow network access (the LLM parser needs it)")

    sp = sub.add_parser("parse", help="story text to Screenplay JSON")
    sp.add_argument("story", help="story text file (UTF-8)")
    sp.add_argument("-o", "--output", help="write the Screenplay JSON here instead of stdout")
    story_options(sp)

    sp = sub.add_parser("build", help="story or Screenplay JSON to a .blend file")
    sp.add_argument("story", help="story text file or screenplay .json")
    sp.add_argument("-o", "--output", required=True, help="the .blend file to write")
    sp.add_argument("--seed", type=_seed, default=0,
                    help="seed for every random choice (0 to 2147483647)")
    sp.add_argument("--stages", default=",".join(STAGES),
                    help=f"comma-separated stages to run, of: {', '.join(STAGES)}")
    sp.add_argument("--bake-motion", action="store_true",
                    help="one action per character instead of one NLA strip per beat")
    sp.add_argument("--motion-folder", action="append", default=[], metavar="DIR",
                    help="a folder of your own BVH or FBX clips (CMU, Mixamo), labelled by a "
                         "labels.json or their file names; may be given more than once")
    source_options(sp)
    story_options(sp)

    sp = sub.add_parser("render", help="Cycles frames, MP4 video and storyboard sheet of a "
                                       ".blend made by build")
    sp.add_argument("blend", help="the .blend file")
    sp.add_argument("-o", "--output", required=True, help="output folder")
    render_options(sp)
    sp.add_argument("--workers", type=int, default=1, metavar="N",
                    help="render frame chunks in N processes at once")
    sp.add_argument("--threads", type=int, metavar="N",
                    help="CPU threads for Cycles (default: all)")
    sp.add_argument("--frames-only", action="store_true",
                    help="frames only, no video or storyboard (what workers and farm tasks run)")

    sp = sub.add_parser("run", help="story to frames, video, storyboard and shot list: "
                                    "build + render")
    sp.add_argument("story", help="story text file or screenplay .json")
    sp.add_argument("-o", "--output", required=True, help="output folder (scene.blend, "
                                                          "frames/, video.mp4, storyboard.png)")
    sp.add_argument("--seed", type=_seed, default=0,
                    help="seed for every random choice (0 to 2147483647)")
    render_options(sp)
    sp.add_argument("--workers", type=int, default=1, metavar="N",
                    help="render frame chunks in N processes at once")
    source_options(sp)
    story_options(sp)

    sp = sub.add_parser("openjd", help="write an Open Job Description job bundle (AWS Deadline "
                                       "Cloud) that renders a .blend on a farm")
    sp.add_argument("blend", help="the .blend file")
    sp.add_argument("-o", "--output", required=True,
                    help="job bundle folder (template.json, parameter_values.json)")
    sp.add_argument("--render-output", metavar="DIR",
                    help="where the farm writes frames, video and storyboard "
                         "(default: <bundle>/output)")
    sp.add_argument("--chunk-size", type=int, default=10, metavar="N",
                    help="frames per task (default: 10)")
    sp.add_argument("--program", default="story-motion",
                    help="how a worker starts story-motion, e.g. 'blender -b --python "
                         "/path/blender_cli.py --' (default: story-motion)")
    render_options(sp)

    sp = sub.add_parser("inspect", help="JSON summary of a .blend made by build")
    sp.add_argument("blend", help="the .blend file")

    sp = sub.add_parser("metrics", help="JSON motion quality figures of a .blend made by build")
    sp.add_argument("blend", help="the .blend file")

    sp = sub.add_parser("bvh", help="export a character's motion as BVH")
    sp.add_argument("blend", help="the .blend file")
    sp.add_argument("character", help="the cast member's id or its rig's name")
    sp.add_argument("-o", "--output", required=True, help="the .bvh file to write")
    return p


def read_story(path: str) -> str:
    """The story file as text: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CLIError(f"story file not found: {path}")
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror}")
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CLIError(f"{path} is not UTF-8 text (bad byte at offset {exc.start}); "
                       f"save it as UTF-8")


@contextlib.contextmanager
def blender_quiet(verbose: bool = False):
    """Keep Blender's own C-level prints ("Info: Saved ...", "Error: File format ...") out of
    stdout, which carries only our JSON; with -v they go to stderr instead of nowhere."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    # Our own progress lines (the log) keep going to the real stderr.
    real_err = os.fdopen(os.dup(saved[1]), "w", buffering=1, encoding="utf-8",
                         errors="replace")
    ours = [h for h in log.handlers
            if isinstance(h, logging.StreamHandler) and h.stream is sys.stderr]
    with tempfile.TemporaryFile() as sink:
        os.dup2(2 if verbose else sink.fileno(), 1)
        if not verbose:
            os.dup2(sink.fileno(), 2)
        for h in ours:
            h.setStream(real_err)
        try:
            yield
        finally:
            for h in ours:
                h.setStream(sys.stderr)
            real_err.close()
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _online(args) -> bool:
    if args.online:
        return True
    bpy = sys.modules.get("bpy")           # Blender started with --online-mode
    return bool(bpy is not None and bpy.app.online_access)


def _understand(args, text: str):
    result = understand(text, args.lang, args.parser, llm.LLMConfig.from_env(), _online(args))
    for w in result.warnings:
        log.warning("warning: %s", w)
    return result


def cmd_parse(args) -> dict | str:
    result = _understand(args, read_story(args.story))
    text = result.screenplay.to_json()
    if not args.output:
        return text
    Path(args.output).write_text(text + "\n", encoding="utf-8")
    return {"output": str(Path(args.output).resolve()), "parser": result.parser,
            "cast": len(result.screenplay.cast), "props": len(result.screenplay.props),
            "beats": len(result.screenplay.beats), "warnings": result.warnings}


def _load_input(args):
    """Screenplay from a .json file, or from a story parsed now; returns (sp, story, notes)."""
    if args.story.lower().endswith(".json"):
        text = read_story(args.story)
        try:
            return S.from_json(text), None, {"parser": "file", "warnings": []}
        except S.ScreenplayError as exc:
            raise CLIError(f"{args.story}: {exc}")
    story = read_story(args.story)
    result = _understand(args, story)
    return result.screenplay, story, {"parser": result.parser, "warnings": result.warnings}


def cmd_build(args) -> dict:
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = [s for s in stages if s not in STAGES]
    if unknown or not stages:
        raise CLIError(f"unknown stage {unknown[0] if unknown else '(none)'!r}; "
                       f"stages: {', '.join(STAGES)}")
    out = Path(args.output)
    if out.suffix.lower() != ".blend":
        raise CLIError(f"output must be a .blend file, not {out.name}")
    sp, story, notes = _load_input(args)
    fetched, cache = _fetch_sources(args, sp)
    if "simulate" in stages:
        _one_core()
    log.info("building %s: %d cast, %d props, %d beats", out.name, len(sp.cast),
             len(sp.props), len(sp.beats))
    with blender_quiet(args.verbose):
        import bpy
        from .blender import screenplay_store
        bpy.ops.wm.read_homefile(use_empty=True)
        scene = bpy.context.scene
        screenplay_store.save_screenplay(bpy.data, sp, story=story,
                                         warnings=notes["warnings"], parser=notes["parser"])
        end_s = max((e for _, e in S.timeline(sp).values()), default=0.0)
        scene.render.fps, scene.render.fps_base = FPS, 1.0
        scene.frame_start, scene.frame_end = 1, 1 + max(1, math.ceil(end_s * FPS))
        scene["story_seed"] = args.seed
        cast = None
        if "cast" in stages:
            from .blender import cast_stage
            cast = cast_stage.run_cast(bpy.data, scene, bpy.context.view_layer, sp, args.seed)
            for warning in cast.warnings:
                log.warning("cast: %s", warning)
            if fetched is not None and fetched.models:
                from .blender.sourced_props import swap_in_models
                built, problems = swap_in_models(bpy.data, fetched, cache, sp)
                fetched.notes += built + problems
                for problem in problems:
                    log.warning("sources: %s", problem)
            if fetched is not None and fetched.characters:
                from .blender.sourced_characters import swap_in_characters
                swapped, problems = swap_in_characters(bpy.data, fetched)
                fetched.notes += [*swapped.values(), *problems]
                for problem in problems:
                    log.warning("sources: %s", problem)
                for cid in swapped:                # they wear what their model wears
                    cast.characters[cid].update(garments=[], accessories=[],
                                                source=fetched.characters[cid].origin)
        animate = None
        motion_folders = tuple(args.motion_folder)
        if fetched is not None and fetched.motion_folder is not None:
            motion_folders += (str(fetched.motion_folder),)
        if "animate" in stages:
            from .blender import animate_stage
            from .motion.library import MotionLibraryError
            from .motion.retarget import RigError
            try:
                animate = animate_stage.run_animate(bpy.data, scene, sp, args.seed,
                                                    bake=args.bake_motion,
                                                    motion_folders=motion_folders)
            except (RigError, MotionLibraryError) as exc:
                raise CLIError(str(exc))
            for warning in animate.warnings:
                log.warning("animate: %s", warning)
        simulate = None
        if "simulate" in stages:
            from .blender import simulate_stage
            try:
                simulate = simulate_stage.run_simulate(bpy.data, scene, sp, args.seed)
            except simulate_stage.SimulateError as exc:
                raise CLIError(str(exc))
        shoot = None
        if "shoot" in stages:
            from .blender import shoot_stage
            try:                        # it logs its own warnings
                shoot = shoot_stage.run_shoot(bpy.data, scene, sp, seed=args.seed)
            except shoot_stage.ShootError as exc:
                raise CLIError(str(exc))
        out.parent.mkdir(parents=True, exist_ok=True)
        bpy.ops.wm.save_as_mainfile(filepath=str(out.resolve()), check_existing=False)
        info = screenplay_store.inspect_scene(bpy.data, scene)
    log.info("wrote %s", out)
    result = {"output": str(out.resolve()), "stages": stages, "seed": args.seed, **info}
    if cast is not None:
        result["cast"] = cast.to_dict()
    if animate is not None:
        result["animate"] = animate.to_dict()
    if simulate is not None:
        result["simulate"] = simulate.to_dict()
    if shoot is not None:
        result["shoot"] = shoot.to_dict()
    if fetched is not None:
        result["sources"] = fetched.to_dict()
        if fetched.motion_folder is not None:     # read into the scene's actions by now
            shutil.rmtree(fetched.motion_folder, ignore_errors=True)
    return result


def _fetch_sources(args, sp):
    """The props and motions from the user's folders and the chosen services (before any
    Blender data is made); (None, None) when the embedded defaults do everything."""
    from . import sourcing
    from .assets.cache import AssetCache, default_folder
    try:
        choices = sourcing.parse_choices(getattr(args, "provider", []))
    except sourcing.SourcingError as exc:
        raise CLIError(str(exc))
    folders = tuple(getattr(args, "model_folder", []))
    if not choices and not folders:
        return None, None
    cache = AssetCache(getattr(args, "cache", None) or default_folder())
    fetched = sourcing.fetch(sp, choices, cache, online=_online(args), model_folders=folders,
                             progress=lambda what, frac: log.info(
                                 "%s%s", what, "" if frac is None else f" {frac:.0%}"))
    for note in fetched.notes:
        log.warning("sources: %s", note)
    return fetched, cache


def _one_core() -> None:
    """Keep this process, and the threads Blender starts when bpy loads, on one CPU.  Bullet's
    results depend on the order Blender's threads evaluate the scene in; on one core the same
    scene and seed bake bit-identically (measured: repeated bakes differ on two cores)."""
    if "bpy" in sys.modules or not hasattr(os, "sched_setaffinity"):
        log.warning("simulate: Blender already runs on several threads; the bake may differ "
                    "slightly from run to run")
        return
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _open_blend(bpy, path: Path):
    """Open `path` in Blender, or a one-line CLIError saying why not."""
    if not path.is_file():
        raise CLIError(f"blend file not found: {path}")
    try:
        bpy.ops.wm.open_mainfile(filepath=str(path.resolve()))
    except RuntimeError as exc:
        reason = str(exc).strip().splitlines()[-1].removeprefix("Error: ")
        raise CLIError(f"cannot open {path}: {reason}")


def cmd_inspect(args) -> dict:
    path = Path(args.blend)
    with blender_quiet(args.verbose):
        import bpy
        from .blender import cast_stage, screenplay_store
        _open_blend(bpy, path)
        scene = bpy.context.scene
        info = screenplay_store.inspect_scene(bpy.data, scene)
        info.update(cast_stage.inspect_cast(bpy.data))
    return {"file": str(path.resolve()), "seed": scene.get("story_seed"), **info}


def cmd_metrics(args) -> dict:
    path = Path(args.blend)
    with blender_quiet(args.verbose):
        import bpy
        from .blender import animate_stage, simulate_stage
        from .motion.metrics import motion_report
        _open_blend(bpy, path)
        scene = bpy.context.scene
        fps = scene.render.fps / scene.render.fps_base
        frames = range(scene.frame_start, scene.frame_end + 1)
        characters, nan = {}, 0
        sampled = animate_stage.sample_positions(scene, animate_stage.rigs_by_id(bpy.data),
                                                 frames)
        contacts = animate_stage.contact_errors(bpy.data, scene)
        for cid, positions in sorted(sampled.items()):
            report = motion_report(positions, fps)
            if cid in contacts:
                report["contacts"] = contacts[cid]
                report["contact_error_m"] = max(c["error_m"] for c in contacts[cid])
            nan += report["nan"]
            characters[cid] = {k: round(v, 5) if isinstance(v, float) else v
                               for k, v in report.items()}
        props = simulate_stage.prop_metrics(bpy.data, scene)
        physics = simulate_stage.physics_report(bpy.data)
    nan += sum(p["nan"] for p in props.values())
    return {"file": str(path.resolve()), "fps": fps, "frames": len(frames),
            "characters": characters, "props": props,
            "ragdolls": {k["actor"]: k for k in physics.get("knockdowns", [])},
            "physics_problems": physics.get("problems", []), "nan": nan}


def cmd_bvh(args) -> dict:
    path, out = Path(args.blend), Path(args.output)
    with blender_quiet(args.verbose):
        import bpy
        import addon_utils                  # Blender's own module: after bpy
        from .blender import animate_stage
        _open_blend(bpy, path)
        rigs = animate_stage.rigs_by_id(bpy.data)
        rig = rigs.get(args.character) or next(
            (r for r in rigs.values() if r.name == args.character), None)
        if rig is None:
            raise CLIError(f"no character {args.character!r} in {path.name}; known: "
                           f"{', '.join(sorted(rigs)) or 'none'}")
        addon_utils.enable("io_anim_bvh", default_set=False)
        scene = bpy.context.scene
        layer = bpy.context.view_layer
        for obj in layer.objects:
            obj.select_set(obj == rig)
        layer.objects.active = rig
        out.parent.mkdir(parents=True, exist_ok=True)
        bpy.ops.export_anim.bvh(filepath=str(out.resolve()), frame_start=scene.frame_start,
                                frame_end=scene.frame_end)
    return {"output": str(out.resolve()), "character": rig["story_id"],
            "frames": scene.frame_end - scene.frame_start + 1}


def _render_settings(args):
    from .render import presets
    try:
        settings = presets.resolve(args.preset, resolution=args.resolution,
                                   samples=args.samples, frames=getattr(args, "frames", None),
                                   step=args.step)
    except presets.RenderSettingsError as exc:
        raise CLIError(str(exc))
    workers = getattr(args, "workers", 1)
    if workers < 1:
        raise CLIError(f"--workers {workers} must be at least 1")
    if getattr(args, "threads", None) is not None and args.threads < 1:
        raise CLIError(f"--threads {args.threads} must be at least 1")
    return settings


def worker_program() -> tuple[list[str], dict[str, str]]:
    """How to start story-motion again in a new process (render workers, `run`'s render step),
    and its environment: Blender through blender_cli.py; the bpy module with blender_cli.py
    when this runs as an installed extension (its `bl_ext.` package exists only inside
    Blender); else this Python's module."""
    bpy = sys.modules.get("bpy")
    binary = getattr(getattr(bpy, "app", None), "binary_path", "") if bpy else ""
    env = dict(os.environ)
    root = Path(__file__).resolve().parent.parent
    if binary:
        return [binary, "-b", "--python-exit-code", "1", "--python",
                str(root / "blender_cli.py"), "--"], env
    if __package__.startswith("bl_ext."):
        return [sys.executable, str(root / "blender_cli.py"), "--"], env
    top = sys.modules[__package__.partition(".")[0]]
    parent = str(Path(list(top.__path__)[0]).resolve().parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (parent, env.get("PYTHONPATH")) if p)
    return [sys.executable, "-m", f"{__package__}.cli"], env


def _scene_title(bpy, scene, fallback: str) -> str:
    from .blender import screenplay_store
    try:
        title = screenplay_store.inspect_scene(bpy.data, scene).get("screenplay", {}).get("title")
    except Exception:                  # a hand-made scene without a screenplay
        title = None
    return title or fallback


def cmd_render(args) -> dict:
    from .render.jobs import RenderJob, chunk_argv
    from .render.shots import ShotListError
    from .render.workers import WorkerError, threads_per_worker
    settings = _render_settings(args)
    path, out = Path(args.blend), Path(args.output)
    program, env = worker_program()
    job = RenderJob(blend=str(path.resolve()), output=str(out.resolve()), settings=settings,
                    frames=())
    per_worker = args.threads or threads_per_worker(args.workers)

    def worker_command(chunk: list[int]) -> list[str]:
        return [*program, *(["-v"] if args.verbose else []),
                *chunk_argv(job, chunk, threads=per_worker)]

    with blender_quiet(args.verbose):
        import bpy
        from .blender import render_stage
        _open_blend(bpy, path)
        scene = bpy.context.scene
        out.mkdir(parents=True, exist_ok=True)
        try:
            report = render_stage.run_render(
                scene, settings, out.resolve(), frames_only=args.frames_only,
                workers=args.workers, threads=args.threads,
                title=_scene_title(bpy, scene, path.stem), worker_command=worker_command,
                worker_env=env)
        except (render_stage.RenderError, ShotListError, WorkerError) as exc:
            raise CLIError(str(exc))
    for w in report.warnings:
        log.warning("render: %s", w)
    return {"file": str(path.resolve()), **report.to_dict()}


def cmd_run(args) -> dict:
    from .render.jobs import settings_args
    settings = _render_settings(args)
    out = Path(args.output)
    blend = out / "scene.blend"
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    build_args = argparse.Namespace(
        story=args.story, output=str(blend), seed=args.seed, stages=",".join(STAGES),
        bake_motion=False, motion_folder=[], parser=args.parser, lang=args.lang,
        online=args.online, verbose=args.verbose, provider=args.provider,
        model_folder=args.model_folder, cache=args.cache)
    built = cmd_build(build_args)
    if cores:                          # the build kept itself to one core; rendering uses all
        os.sched_setaffinity(0, cores)
    program, env = worker_program()
    argv = [*program, *(["-v"] if args.verbose else []), "render", str(blend), "-o", str(out),
            *settings_args(settings), "--workers", str(args.workers)]
    if args.frames:
        argv += ["--frames", args.frames]
    log.info("rendering %s", blend.name)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, stdin=subprocess.DEVNULL)
    error = None
    try:
        for line in proc.stderr:       # pass progress through; keep the error line for us
            if line.startswith("story-motion: error: "):
                error = line.removeprefix("story-motion: error: ").strip()
            else:
                sys.stderr.write(line)
                sys.stderr.flush()
        stdout = proc.stdout.read()
        proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(__import__("signal").SIGINT)
        proc.wait()
        raise
    if proc.returncode != 0:
        raise CLIError(f"render: {error or f'exit code {proc.returncode}'}")
    # Blender 4.5 prints "Error: Not freed memory blocks" to stdout at exit, after our JSON
    rendered, _ = json.JSONDecoder().raw_decode(stdout[stdout.index("{"):])
    built.pop("screenplay", None)
    return {"output": str(out.resolve()), "blend": str(blend.resolve()),
            "video": rendered.get("video"), "storyboard": rendered.get("storyboard"),
            "shot_list": str((out / "shots.json").resolve()), "build": built,
            "render": rendered}


def cmd_openjd(args) -> dict:
    from .render import openjd
    from .render.jobs import RenderJob
    from .render.presets import frames_to_render
    settings = _render_settings(args)
    if args.chunk_size < 1:
        raise CLIError(f"--chunk-size {args.chunk_size} must be at least 1")
    path, bundle = Path(args.blend), Path(args.output)
    render_out = Path(args.render_output) if args.render_output else bundle / "output"
    program = shlex.split(args.program)
    if not program:
        raise CLIError("--program is empty")
    with blender_quiet(args.verbose):
        import bpy
        _open_blend(bpy, path)
        scene = bpy.context.scene
        frames = frames_to_render(scene.frame_start, scene.frame_end, settings)
    if not frames:
        raise CLIError(f"no frames of {scene.frame_start}-{scene.frame_end} lie in "
                       f"{args.frames}")
    job = RenderJob(blend=str(path.resolve()), output=str(render_out.resolve()),
                    settings=settings, frames=tuple(frames), chunk_size=args.chunk_size,
                    name=f"Story Motion: {path.stem}", program=tuple(program))
    template = openjd.job_template(job)
    try:
        openjd.validate(template, {"BlendFile": job.blend, "OutputDir": job.output})
        validated = True
    except ImportError:
        validated = False
        log.warning("openjd-model is not installed: the template was not validated "
                    "(pip install openjd-model)")
    except ValueError as exc:
        raise CLIError(str(exc))
    written = openjd.write_bundle(job, bundle)
    return {**written, "validated": validated, "job": job.to_dict()}


COMMANDS = {"parse": cmd_parse, "build": cmd_build, "inspect": cmd_inspect,
            "metrics": cmd_metrics, "bvh": cmd_bvh, "render": cmd_render, "run": cmd_run,
            "openjd": cmd_openjd}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("story-motion: %(message)s"))
    log.handlers[:] = [handler]
    log.propagate = False
    try:
        args = _parser().parse_args(argv)
        log.setLevel(logging.DEBUG if args.verbose else logging.INFO)
        result = COMMANDS[args.command](args)
    except (CLIError, StoryError, S.ScreenplayError, BodyKitError) as exc:
        print(f"story-motion: error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except KeyboardInterrupt:
        print("story-motion: error: interrupted", file=sys.stderr)
        return 130
    except SystemExit as exc:          # --help
        return int(exc.code or 0)
    except Exception as exc:           # a bug: one line for the user, details with -v
        log.debug("internal error", exc_info=True)
        print(f"story-motion: error: internal error ({type(exc).__name__}: {exc}); "
              f"run again with -v for details", file=sys.stderr)
        return 1
    sys.stdout.write(result if isinstance(result, str) else json.dumps(result, indent=2,
                                                                         ensure_ascii=False))
    sys.stdout.write("\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
