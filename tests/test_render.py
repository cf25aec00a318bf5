"""The render stage's plain data: presets and overrides, which frames each worker and farm task
renders, the Open Job Description template, shot lists and the storyboard layout."""
from __future__ import annotations

import json

import pytest

from addon.cli import _parser
from addon.render import presets as P
from addon.render.jobs import RenderJob, chunk_argv, finish_argv
from addon.render.sheet import layout, wrap
from addon.render.shots import (Shot, ShotListError, shots_from_json, shots_from_markers,
                                still_frame)


def test_presets_and_overrides():
    preview, final = P.resolve("preview"), P.resolve("final")
    assert (final.width, final.height, final.adaptive, final.denoise, final.step) == \
        (1920, 1080, True, True, 1)
    assert preview.width * preview.height < final.width * final.height
    assert preview.samples < final.samples and preview.denoise_quality == "FAST"
    s = P.resolve("final", resolution="1280x720", samples=32, frames="10-20", step=2)
    assert (s.width, s.height, s.samples, s.step, s.frame_start, s.frame_end) == \
        (1280, 720, 32, 2, 10, 20)
    assert s.adaptive                              # what was not overridden stays the preset's


@pytest.mark.parametrize("kwargs, message", [
    ({"preset": "draft"}, "unknown preset 'draft'; presets: preview, final"),
    ({"resolution": "640by360"}, "is not WIDTHxHEIGHT"),
    ({"resolution": "8x8"}, "outside 16 to 16384"),
    ({"samples": 0}, "samples 0 is outside"),
    ({"frames": "20-10"}, "the end 10 is before the start 20"),
    ({"frames": "a-b"}, "is not A-B"),
    ({"step": 0}, "step 0 is outside"),
])
def test_bad_settings_say_what_is_wrong(kwargs, message):
    with pytest.raises(P.RenderSettingsError, match=message):
        P.resolve(**kwargs)


def test_a_chosen_range_renders_every_frame_in_it_unless_a_step_is_given():
    assert P.frames_to_render(1, 261, P.resolve("preview", frames="150-152")) == [150, 151, 152]
    assert P.resolve("preview").step > 1                    # a whole story is thinned out
    assert P.frames_to_render(1, 20, P.resolve("preview", frames="1-20", step=8)) == [1, 9, 17]


def test_stepped_frames_count_from_the_scene_start_whatever_the_range():
    s = P.resolve("preview", step=4)
    assert P.frames_to_render(1, 20, s) == [1, 5, 9, 13, 17]
    # a worker given 6-14 renders the same frames of that stretch as the whole render does
    assert P.frames_to_render(1, 20, P.resolve("preview", step=4, frames="6-14")) == [9, 13]
    assert P.frames_to_render(1, 20, P.resolve("preview", step=1, frames="30-40")) == []


@pytest.mark.parametrize("n, workers", [(10, 3), (3, 5), (1, 2), (877, 2), (100, 7)])
def test_worker_chunks_cover_every_frame_once_and_are_balanced(n, workers):
    frames = list(range(1, 3 * n + 1, 3))
    chunks = P.chunk_frames(frames, workers)
    assert len(chunks) == min(n, workers) and all(chunks)
    assert [f for c in chunks for f in c] == frames
    sizes = [len(c) for c in chunks]
    assert max(sizes) - min(sizes) <= 1
    # each chunk's --frames range selects exactly that chunk again
    for c in chunks:
        a, b = P.parse_frames(P.range_text(c))
        assert [f for f in frames if a <= f <= b] == c
    assert P.chunk_by_size(frames, 4)[0] == frames[:4]
    assert [f for c in P.chunk_by_size(frames, 4) for f in c] == frames


def test_progress_line_estimates_time_left_from_the_mean():
    line = P.progress_line(done=3, total=10, frame=9, frame_s=4.0, elapsed_s=12.0)
    assert line == "frame 9 (3/10) 4.0 s, about 28 s left"
    assert "about 1 h 00 min left" in P.progress_line(1, 361, 1, 10.0, 10.0)


def _job(**kw):
    s = P.resolve("preview", step=2, resolution="64x36", samples=1)
    frames = tuple(P.frames_to_render(1, 25, s))
    return RenderJob(blend="/data/shots/scene.blend", output="/data/out", settings=s,
                     frames=frames, chunk_size=5, **kw)


def test_task_commands_are_ones_the_cli_accepts():
    job = _job()
    argv = chunk_argv(job, job.chunks[1], threads=1)
    args = _parser().parse_args(argv)
    assert (args.command, args.frames, args.frames_only, args.step, args.threads) == \
        ("render", "11-19", True, 2, 1)
    args = _parser().parse_args(finish_argv(job))
    assert not args.frames_only and args.frames is None and args.resolution == "64x36"


def test_openjd_template_validates_and_has_a_task_per_chunk(tmp_path):
    openjd_model = pytest.importorskip("openjd.model")
    from addon.render import openjd
    job = _job()
    template = openjd.job_template(job)
    json.dumps(template)                                      # JSON as written
    openjd.validate(template, {"BlendFile": job.blend, "OutputDir": job.output})
    decoded = openjd_model.decode_job_template(template=template)
    created = openjd_model.create_job(
        job_template=decoded,
        job_parameter_values=openjd_model.preprocess_job_parameters(
            job_template=decoded, job_parameter_values={"BlendFile": job.blend,
                                                       "OutputDir": job.output},
            job_template_dir=tmp_path, current_working_dir=tmp_path))
    render, finish = created.steps
    space = openjd_model.StepParameterSpaceIterator(space=render.parameterSpace)
    tasks = [t["Frames"].value for t in space]
    assert tasks == ["1-9", "11-19", "21-25"] == [P.range_text(c) for c in job.chunks]
    assert finish.dependencies[0].dependsOn == "RenderFrames"
    args = render.script.actions.onRun.args
    assert "{{Task.Param.Frames}}" in args and "--frames-only" in args


def test_an_invalid_template_is_refused_with_openjds_reason():
    pytest.importorskip("openjd.model")
    from addon.render import openjd
    template = openjd.job_template(_job())
    template["steps"][0]["script"]["actions"]["onRun"]["args"].append("{{Param.Nope}}")
    with pytest.raises(ValueError, match="invalid Open Job Description template"):
        openjd.validate(template)


def test_shot_list_from_the_shoot_stage_and_from_markers():
    text = json.dumps({"fps": 24, "shots": [
        {"shot": "b1 wave", "beat": "b1", "camera": "Cam b1", "type": "medium",
         "start_frame": 1, "end_frame": 48, "subject": "tom"},
        {"name": "insert", "camera": "Cam 2", "frame_start": 49, "frame_end": 60,
         "text": "The glass falls."}]})
    a, b = shots_from_json(text, {"b1": "Tom waves at Anna."})
    assert (a.name, a.text, a.type, a.middle) == ("b1 wave", "Tom waves at Anna.", "medium", 24)
    assert (b.name, b.text, b.frame_start) == ("insert", "The glass falls.", 49)
    with pytest.raises(ShotListError, match=r"ShotList.json\[0\] needs camera"):
        shots_from_json('[{"shot": "x"}]')
    with pytest.raises(ShotListError, match="frame_end 3 is before frame_start 9"):
        shots_from_json('[{"camera": "c", "frame_start": 9, "frame_end": 3}]')
    shots = shots_from_markers([(30, "two", "CamB"), (1, "one", "CamA"), (10, "free", "")], 50)
    assert [(s.name, s.frame_start, s.frame_end) for s in shots] == [("one", 1, 29),
                                                                     ("two", 30, 50)]
    assert still_frame(shots[0], [1, 7, 13, 19, 25, 31]) == 13
    assert still_frame(shots[1], [1, 7, 13]) is None


def test_sheet_layout_puts_every_still_apart_and_the_table_below():
    shots = [Shot(f"shot {i}", f"cam {i}", i * 10, i * 10 + 9, "tom", "medium",
                  "Tom walks to the fountain and waves at Anna, who waits by the bench.")
             for i in range(7)]
    lay = layout(shots, 640, 360, measure=lambda t: 9.0 * len(t), line_h=24)
    boxes = [(c.x, c.y, c.x + lay.thumb_w, c.y + lay.thumb_h + len(c.caption) * 24)
             for c in lay.cells]
    for i, p in enumerate(boxes):
        assert 0 <= p[0] and p[2] <= lay.width and p[3] <= lay.table_y
        for q in boxes[i + 1:]:
            assert p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1]
    assert lay.thumb_h == round(lay.thumb_w * 360 / 640)
    assert len(lay.table_rows) == 8 and lay.height > lay.table_y + 8 * 24
    assert all(9.0 * len(line) <= lay.thumb_w for c in lay.cells for line in c.caption)
    assert lay.cells[0].caption[-1] == "medium · tom · frames 0-9"


def test_wrap_breaks_words_and_chinese():
    m = lambda t: 10.0 * len(t)
    assert wrap("one two three four", 100, m) == ["one two", "three four"]
    assert wrap("汤姆向安娜挥手", 30, m) == ["汤姆向", "安娜挥", "手"]
