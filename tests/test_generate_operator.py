"""Generate, Render, Shoot and the shot operators of the installed extension, run on `bpy`:
the whole pipeline to rendered shots, stopping part-way, and what every operator promises
(undo, a tooltip, one-line errors)."""
from __future__ import annotations

import importlib.util
import sys
from types import SimpleNamespace

import pytest

import blender_proc
from test_extension_install import INSTALL

STORY = "A man wearing a helmet turns his head."


def load_common():
    """operators/common.py without Blender: the job and the modal driver need no bpy."""
    spec = importlib.util.spec_from_file_location("story_common",
                                                  blender_proc.ROOT / "operators" / "common.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module     # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


common = load_common()


def fake_stages(log: list, fail_at: str = ""):
    """parse (no clear), cast, animate and a three-frame render, recording what they do."""
    def work(name):
        def run():
            log.append(f"run {name}")
            if name == fail_at:
                raise RuntimeError(f"{name} broke\nsecond line")
            return f"{name} done"
        return lambda: common.single_step(run)

    def frames():
        for f in range(3):
            log.append(f"frame {f}")
            yield (f + 1) / 3
        return "rendered"

    def clear(name):
        return lambda: log.append(f"clear {name}")

    return [common.Stage("parse", "Parsing", work("parse")),
            common.Stage("cast", "Casting", work("cast"), clear("cast"), weight=2.0),
            common.Stage("animate", "Animating", work("animate"), clear("animate")),
            common.Stage("render", "Rendering", frames, weight=4.0)]


def test_a_job_runs_a_piece_per_step_and_reports_progress():
    log = []
    job = common.StageJob("Generate", fake_stages(log))
    seen = [(job.status, job.progress)]
    while job.step():
        seen.append((job.status, round(job.progress, 3)))
    assert seen[:3] == [("Parsing (1/4)", 0.0), ("Casting (2/4)", 0.125),
                        ("Animating (3/4)", 0.375)]
    assert [p for _, p in seen] == sorted(p for _, p in seen)
    assert job.done == ["parse", "cast", "animate", "render"] and job.progress == 1.0
    assert job.messages[-1] == "rendered" and job.status == ""
    assert not any(line.startswith("clear") for line in log)


def test_stopping_keeps_the_stages_done_and_clears_the_later_ones():
    log = []
    job = common.StageJob("Generate", fake_stages(log))
    job.step(), job.step()
    job.cancel()
    assert job.done == ["parse", "cast"] and job.stopped and job.finished
    assert log[-1:] == ["clear animate"] and "clear cast" not in log
    assert job.step() is False


def test_stopping_before_anything_is_done_changes_nothing():
    log = []
    job = common.StageJob("Generate", fake_stages(log))
    job.cancel()
    assert job.stopped and log == []


def test_stopping_mid_render_keeps_whole_frames_and_nothing_is_cleared_after_it():
    log = []
    job = common.StageJob("Render", fake_stages(log)[3:])
    job.step(), job.step()
    job.cancel()
    assert log == ["frame 0", "frame 1"] and job.done == [] and job.stopped


def test_a_failed_stage_is_cleared_with_the_later_ones_and_the_error_is_one_line():
    log = []
    job = common.StageJob("Generate", fake_stages(log, fail_at="cast"))
    while job.step():
        pass
    assert job.error == "cast broke" and job.done == ["parse"]
    assert log[-2:] == ["clear animate", "clear cast"]


def test_a_failed_parse_leaves_the_scene_alone():
    log = []
    job = common.StageJob("Generate", fake_stages(log, fail_at="parse"))
    job.step()
    assert job.error == "parse broke" and log == ["run parse"]


class FakeWindowManager:
    def __init__(self):
        self.calls = []

    def event_timer_add(self, step, window=None):
        self.calls.append("timer")
        return "timer"

    def event_timer_remove(self, timer):
        self.calls.append("timer removed")

    def modal_handler_add(self, op):
        self.calls.append("modal")

    def progress_begin(self, lo, hi):
        self.calls.append("progress")

    def progress_update(self, value):
        self.calls.append(f"progress {value}")

    def progress_end(self):
        self.calls.append("progress end")


class FakeOperator(common.JobOperator):
    def __init__(self, stages):
        self.stages, self.reports = stages, []

    def make_job(self, context):
        return common.StageJob("Generate", self.stages)

    def report(self, level, message):
        self.reports.append((sorted(level)[0], message))


def fake_context():
    status = []
    workspace = SimpleNamespace(status_text_set=status.append)
    settings = SimpleNamespace(progress=0.0, progress_text="", last_status="")
    return SimpleNamespace(window="window", window_manager=FakeWindowManager(),
                           workspace=workspace, screen=None,
                           scene=SimpleNamespace(story_motion=settings)), status


def event(kind, value="NOTHING", ctrl=False):
    return SimpleNamespace(type=kind, value=value, ctrl=ctrl, oskey=False)


def test_the_modal_operator_steps_on_timers_passes_other_events_and_stops_on_esc(monkeypatch):
    monkeypatch.setattr(common, "has_event_loop", lambda context: True)
    log = []
    op, (context, status) = FakeOperator(fake_stages(log)), fake_context()
    assert op.invoke(context, event("LEFTMOUSE")) == {'RUNNING_MODAL'}
    assert common.running_job() is op._job and log == []
    assert op.modal(context, event("MOUSEMOVE")) == {'PASS_THROUGH'}
    assert op.modal(context, event("TIMER")) == {'RUNNING_MODAL'}
    assert op.modal(context, event("TIMER")) == {'RUNNING_MODAL'}
    settings = context.scene.story_motion
    assert settings.progress_text == "Animating (3/4)" and settings.progress == 0.375
    assert status[-1] == "Generate: Animating (3/4), 38% (Esc to stop)"
    assert op.modal(context, event("ESC", "PRESS")) == {'FINISHED'}   # an undo step
    assert common.running_job() is None and status[-1] is None
    assert context.window_manager.calls[-2:] == ["timer removed", "progress end"]
    assert op.reports == [("WARNING", "Generate stopped: kept parse, cast")]
    assert settings.last_status == "Generate stopped: kept parse, cast"
    assert log[-1] == "clear animate"


def test_undo_waits_while_a_job_runs(monkeypatch):
    """Ctrl-Z mid-job would take the scene from under it: the modal keeps the key and says
    to stop first; plain Z (a shortcut elsewhere) passes through."""
    monkeypatch.setattr(common, "has_event_loop", lambda context: True)
    op, (context, _) = FakeOperator(fake_stages([])), fake_context()
    op.invoke(context, event("LEFTMOUSE"))
    assert op.modal(context, event("Z", "PRESS", ctrl=True)) == {'RUNNING_MODAL'}
    assert op.reports == [("WARNING", "Generate is running: press Esc to stop it first")]
    assert op.modal(context, event("Z", "PRESS")) == {'PASS_THROUGH'}
    assert op.modal(context, event("ESC", "PRESS")) == {'CANCELLED'}   # nothing was done


def test_the_cancel_button_stops_the_modal_at_its_next_event(monkeypatch):
    monkeypatch.setattr(common, "has_event_loop", lambda context: True)
    op, (context, _) = FakeOperator(fake_stages([])), fake_context()
    op.invoke(context, event("LEFTMOUSE"))
    common.running_job().stop_requested = True
    assert op.modal(context, event("TIMER")) == {'CANCELLED'}     # nothing was done
    assert op.reports == [("WARNING", "Generate stopped: nothing changed")]


def test_without_an_event_loop_the_operator_runs_to_the_end_at_once(monkeypatch):
    monkeypatch.setattr(common, "has_event_loop", lambda context: False)
    op, (context, _) = FakeOperator(fake_stages([], fail_at="animate")), fake_context()
    assert op.invoke(context, event("LEFTMOUSE")) == {'FINISHED'}
    assert op.reports == [("ERROR", "Generate failed at Animating: animate broke")]
    assert common.running_job() is None

ISSUE_STORY = "A little girl kicks a red ball across the park and her father catches it."
TINY = dict(resolution="64x36", samples=1, step=12)    # a render of seconds

SETUP = INSTALL + '''
import sys
install()
package = sys.modules[MODULE]
scene = bpy.context.scene
settings = scene.story_motion
settings.story_text = bpy.data.texts.new("Story")
settings.story_text.from_string(STORY)


def call(op, *args, **kwargs):
    """The operator's result, or its error report (bpy.ops raises it as RuntimeError)."""
    try:
        return sorted(op(*args, **kwargs))
    except RuntimeError as exc:
        return str(exc)


def generated():
    """What the stages left in the scene."""
    objects = bpy.data.objects
    return {
        "rigs": sorted(o.name for o in objects if o.type == "ARMATURE"),
        "tracks": sum(len(o.animation_data.nla_tracks) for o in objects if o.animation_data),
        "texts": sorted(t.name for t in bpy.data.texts),
        "animate_actions": len([a for a in bpy.data.actions
                                if a.get("story_stage") == "animate"]),
        "cameras": len([o for o in objects
                        if o.type == "CAMERA" and o.get("story_stage") == "shoot"]),
        "markers": len(scene.timeline_markers),
    }
'''


@pytest.fixture(scope="module")
def extension_zip(tmp_path_factory):
    return blender_proc.load_build_tool().build(tmp_path_factory.mktemp("dist"))


def run(code, tmp_path, extension_zip, **values):
    return blender_proc.run(SETUP + code, tmp_path, ZIP=str(extension_zip), STORY=STORY,
                            **values)


def test_generate_turns_the_issue_story_into_rendered_preview_shots(tmp_path,
                                                                    extension_zip):
    out = run('''
import os
settings.story_text.from_string(ISSUE_STORY)
settings.output_folder = OUT
ret = call(bpy.ops.story.generate, **TINY)
preview = os.path.join(OUT, "preview")
emit({"ret": ret, "status": settings.last_status, "progress": settings.progress,
      "scene": generated(), "camera": scene.camera.name if scene.camera else None,
      "files": sorted(os.listdir(preview)), "frames": sorted(os.listdir(preview + "/frames"))})
''', tmp_path, extension_zip, OUT=str(tmp_path / "renders"), TINY=TINY,
              ISSUE_STORY=ISSUE_STORY)

    assert out["ret"] == ["FINISHED"], out["status"]
    assert out["status"].startswith("Generate finished"), out["status"]
    assert out["progress"] == pytest.approx(1.0)
    scene = out["scene"]
    assert len(scene["rigs"]) == 2 and scene["tracks"] >= 2      # the girl, her father
    assert {"Screenplay.json", "StagePlan.json", "PhysicsReport.json",
            "ShotList.json"} <= set(scene["texts"])
    assert scene["cameras"] >= 1 and scene["markers"] >= 1 and out["camera"]
    assert {"frames", "video.mp4", "storyboard.png", "shots.json"} <= set(out["files"])
    assert out["frames"] and all(f.endswith(".png") for f in out["frames"])


def test_stopping_after_cast_keeps_the_characters_and_clears_the_stale_animation(
        tmp_path, extension_zip):
    out = run('''
make = package.operators.generate.generate_job
first = make(scene)                      # an earlier Generate that got as far as animate
for _ in range(3):
    first.step()
first.cancel()
before = generated()
job = make(scene)
progress = []
while job.done != ["parse", "cast"]:
    job.step()
    progress.append(job.progress)
status = job.status
job.cancel()
emit({"first": [first.done, first.stopped], "before": before, "after": generated(),
      "progress": progress, "status": status, "done": job.done, "stopped": job.stopped,
      "finished": job.finished, "error": job.error, "step": job.step()})
''', tmp_path, extension_zip)

    assert out["first"] == [["parse", "cast", "animate"], True]
    assert out["before"]["tracks"] >= 1 and "StagePlan.json" in out["before"]["texts"]
    after = out["after"]
    assert len(after["rigs"]) == 1                        # the stage done stays
    assert after["tracks"] == 0 and after["animate_actions"] == 0
    assert not {"StagePlan.json", "MotionEvents.json"} & set(after["texts"])
    assert after["cameras"] == 0 and after["markers"] == 0
    assert out["status"].startswith("Staging and animating")
    assert 0 < out["progress"][0] < out["progress"][-1] < 1
    assert out["done"] == ["parse", "cast"] and out["stopped"] and out["finished"]
    assert out["error"] is None and out["step"] is False


def test_cancel_button_asks_the_running_job_to_stop_and_stage_buttons_wait(
        tmp_path, extension_zip):
    out = run('''
common = package.operators.common
job = package.operators.generate.generate_job(scene)
idle = call(bpy.ops.story.generate_cancel)
common._running[:] = [job]               # as the modal Generate registers itself
polls = {name: getattr(bpy.ops.story, name).poll()
         for name in ("parse", "generate", "render", "shoot")}
ret = call(bpy.ops.story.generate_cancel)
job.step()                               # the job's own operators may run inside a step
common._running.clear()
emit({"idle": idle, "polls": polls, "ret": ret, "requested": job.stop_requested,
      "parsed": job.done})
''', tmp_path, extension_zip)

    assert "Nothing is running" in out["idle"]
    assert out["polls"] == {"parse": False, "generate": False, "render": False, "shoot": False}
    assert out["ret"] == ["FINISHED"] and out["requested"]
    assert out["parsed"] == ["parse"]


def test_every_operator_has_a_tooltip_undo_and_shows_in_search(tmp_path, extension_zip):
    out = run('''
ops = {}
for cls in bpy.types.Operator.__subclasses__():
    if cls.__name__.startswith("STORY_OT") and cls.is_registered:
        ops[cls.bl_idname] = {"label": cls.bl_label, "description": cls.bl_description,
                              "options": sorted(cls.bl_options)}
emit(ops)
''', tmp_path, extension_zip)

    expected = {"story.parse", "story.open_story", "story.cast", "story.animate",
                "story.simulate", "story.shoot", "story.render", "story.generate",
                "story.generate_cancel", "story.jump_to_shot", "story.lock_shot_camera",
                "story.open_output_folder"}
    assert expected <= set(out)
    no_data_change = {"story.generate_cancel", "story.open_output_folder", "story.clear_cache"}
    for idname, op in out.items():
        assert op["label"] and len(op["description"]) > 20, idname
        assert "INTERNAL" not in op["options"], idname          # F3 search lists it
        assert "REGISTER" in op["options"], idname
        if idname not in no_data_change:
            assert "UNDO" in op["options"], idname
    assert "stage" in out["story.animate"]["description"].lower()


def test_errors_are_reported_in_one_line(tmp_path, extension_zip):
    out = run('''
settings.story_text.from_string("The sky is blue and quiet.")
errors = {"generate": call(bpy.ops.story.generate)}
errors["generate_status"] = settings.last_status
for obj in [o for o in bpy.data.objects if o.type == "CAMERA"]:   # the startup file's
    bpy.data.objects.remove(obj)
errors["render_poll"] = call(bpy.ops.story.render)
cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
scene.collection.objects.link(cam)
scene.camera = cam
errors["render_bad"] = call(bpy.ops.story.render, resolution="huge")
errors["jump"] = call(bpy.ops.story.jump_to_shot, frame=3, camera="Gone")
errors["shoot_poll"] = call(bpy.ops.story.shoot)
settings.output_folder = "//nowhere_yet/"
errors["open_poll"] = call(bpy.ops.story.open_output_folder)
emit(errors)
''', tmp_path, extension_zip)

    for name, error in out.items():
        assert isinstance(error, str) and "Traceback" not in error, (name, error)
        assert len(error.strip().splitlines()) == 1, (name, error)
    assert "Generate failed at Parsing the story: Could not parse the story" in out["generate"]
    assert out["generate_status"].startswith("Generate failed at Parsing the story")
    assert "No camera" in out["render_poll"]
    assert "Could not render: resolution 'huge'" in out["render_bad"]
    assert 'No camera "Gone"' in out["jump"]
    assert "animate the story first" in out["shoot_poll"]
    assert "output folder does not exist" in out["open_poll"]


def test_jump_to_shot_and_camera_lock(tmp_path, extension_zip):
    out = run('''
settings.render_after_generate = False
bpy.ops.story.generate()
shots = package.panels.shots_panel.scene_shots(scene, bpy.data)[0]
last = shots[-1]
jump = call(bpy.ops.story.jump_to_shot, frame=last.frame_start, camera=last.camera)
cam = bpy.data.objects[last.camera]
lock = call(bpy.ops.story.lock_shot_camera, camera=last.camera)
locked = [list(cam.lock_location), list(cam.lock_rotation), list(cam.lock_scale)]
call(bpy.ops.story.lock_shot_camera, camera=last.camera)
emit({"shots": len(shots), "jump": jump, "frame": scene.frame_current,
      "start": last.frame_start, "camera": scene.camera.name, "shot_camera": last.camera,
      "lock": lock, "locked": locked, "unlocked": list(cam.lock_location)})
''', tmp_path, extension_zip)

    assert out["shots"] >= 1 and out["jump"] == ["FINISHED"]
    assert out["frame"] == out["start"] and out["camera"] == out["shot_camera"]
    assert out["lock"] == ["FINISHED"] and out["locked"] == [[True] * 3] * 3
    assert out["unlocked"] == [False] * 3


def test_stopping_a_render_keeps_only_whole_frames_and_the_next_render_finishes(
        tmp_path, extension_zip):
    out = run('''
import os
settings.render_after_generate = False
settings.output_folder = OUT
bpy.ops.story.generate()
tiny = package.addon.render.presets.resolve("preview", resolution="64x36", samples=1, step=4)
job = package.operators.common.StageJob(
    "Render", [package.operators.render.render_stage_for(scene, tiny)])
job.step(); job.step()
job.cancel()
folder = os.path.join(OUT, "preview")
stopped = {"files": sorted(os.listdir(folder)), "frames": sorted(os.listdir(folder + "/frames")),
           "done": job.done, "stopped": job.stopped}
again = call(bpy.ops.story.render, **TINY)
emit({"stopped": stopped, "again": again, "status": settings.last_status,
      "files": sorted(os.listdir(folder))})
''', tmp_path, extension_zip, OUT=str(tmp_path / "renders"), TINY=dict(TINY, step=4))

    stopped = out["stopped"]
    assert stopped["frames"] == ["0001.png", "0005.png"]      # whole frames, no partial ones
    assert stopped["files"] == ["frames"] and stopped["done"] == [] and stopped["stopped"]
    assert out["again"] == ["FINISHED"]
    assert "(2 already there)" in out["status"], out["status"]
    assert {"video.mp4", "storyboard.png", "shots.json"} <= set(out["files"])


def test_render_workers_from_the_preferences_render_chunks_in_background_processes(
        tmp_path, extension_zip):
    """Render Workers = 2: two `story-motion render --frames-only` processes on a copy of the
    file render the frames; the panel's render then makes the video and storyboard as usual."""
    out = run('''
import os
settings.render_after_generate = False
settings.output_folder = OUT
bpy.ops.story.generate()
bpy.context.preferences.addons[MODULE].preferences.render_workers = 2
ret = call(bpy.ops.story.render, **TINY)
folder = os.path.join(OUT, "preview")
emit({"ret": ret, "status": settings.last_status, "files": sorted(os.listdir(folder)),
      "frames": sorted(os.listdir(folder + "/frames")),
      "logs": sorted(os.listdir(folder + "/logs"))})
''', tmp_path, extension_zip, OUT=str(tmp_path / "renders"), TINY=dict(TINY, step=4))

    assert out["ret"] == ["FINISHED"], out["status"]
    assert "in 2 workers" in out["status"]
    assert out["logs"] == ["worker-1.log", "worker-2.log"]
    assert len(out["frames"]) >= 2 and all(f.endswith(".png") for f in out["frames"])
    assert {"video.mp4", "storyboard.png", "shots.json"} <= set(out["files"])
    assert not any(f.endswith(".blend") for f in out["files"])     # the copy is gone


def test_the_stage_button_draws_the_blocking_without_animating(tmp_path, extension_zip):
    out = run('''
before = call(bpy.ops.story.stage)          # nothing cast yet: the poll says why
bpy.ops.story.parse()
bpy.ops.story.cast()
ret = call(bpy.ops.story.stage)
emit({"before": before, "ret": ret, "status": settings.last_status,
      "blocking": sorted(o.name for o in bpy.data.collections["Story Blocking"].objects),
      "animated": "StagePlan.json" in bpy.data.texts})
''', tmp_path, extension_zip)
    assert "No Screenplay yet" in out["before"]
    assert out["ret"] == ["FINISHED"] and out["status"].startswith("Staged 1 character")
    assert out["blocking"] and not out["animated"]
