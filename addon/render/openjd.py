"""A render job as an Open Job Description template (the job format of AWS Deadline Cloud).

One step renders the frames, one task per frame chunk; a second step, after it, encodes the
video and draws the storyboard.  The .blend and the output folder are job parameters (PATH,
with data flow IN and OUT, so Deadline Cloud's job attachments upload the one and download the
other), as are the story-motion command on the worker, the preset, samples and resolution.

Run it locally:   openjd run template.json -p BlendFile=scene.blend -p OutputDir=out
Deadline Cloud:   the folder written by `write_bundle` is a job bundle (template.json +
                  parameter_values.json): `deadline bundle submit <folder>` (deadline-cloud
                  CLI, with a farm and queue set by `deadline config`) sends it to the farm;
                  the workers need story-motion (or a wrapper that starts it in Blender) on
                  PATH, or set the StoryMotion parameter to its full path.
"""
from __future__ import annotations

import json
from pathlib import Path

from .jobs import BACKENDS, RenderJob, chunk_argv, finish_argv
from .presets import PRESETS, range_text

SPEC = "jobtemplate-2023-09"


def _templated(argv: list[str], job: RenderJob) -> list[str]:
    """Replace the job's own values in a task's argv by the template's parameters."""
    swap = {job.blend: "{{Param.BlendFile}}", job.output: "{{Param.OutputDir}}"}
    out = [swap.get(a, a) for a in argv]
    for flag, value in (("--preset", "{{Param.Preset}}"), ("--samples", "{{Param.Samples}}"),
                        ("--resolution", "{{Param.Resolution}}")):
        out[out.index(flag) + 1] = value
    return out


def job_template(job: RenderJob) -> dict:
    """The Open Job Description template (a JSON-able dict) of `job`."""
    s = job.settings
    chunks = [range_text(c) for c in job.chunks]
    if not chunks:
        raise ValueError("the job has no frames to render")
    first = chunk_argv(job, job.chunks[0])
    first[first.index("--frames") + 1] = "{{Task.Param.Frames}}"
    return {
        "specificationVersion": SPEC,
        "name": job.name,
        "description": f"Story Motion: render {Path(job.blend).name} with the {s.preset} "
                       f"preset, {len(job.frames)} frames in {len(chunks)} tasks, then the "
                       f"video and the storyboard sheet.",
        "parameterDefinitions": [
            {"name": "BlendFile", "type": "PATH", "objectType": "FILE", "dataFlow": "IN",
             "description": "The .blend to render (built by story-motion build).",
             "default": job.blend},
            {"name": "OutputDir", "type": "PATH", "objectType": "DIRECTORY", "dataFlow": "OUT",
             "description": "Where frames/, the video and the storyboard go.",
             "default": job.output},
            {"name": "StoryMotion", "type": "STRING", "default": job.program[0],
             "description": "The story-motion command on the worker."},
            {"name": "Preset", "type": "STRING", "allowedValues": sorted(PRESETS),
             "default": s.preset},
            {"name": "Samples", "type": "INT", "minValue": 1, "maxValue": 65536,
             "default": s.samples},
            {"name": "Resolution", "type": "STRING", "default": f"{s.width}x{s.height}",
             "description": "WIDTHxHEIGHT in pixels."},
        ],
        "steps": [
            {"name": "RenderFrames",
             "parameterSpace": {"taskParameterDefinitions": [
                 {"name": "Frames", "type": "STRING", "range": chunks}]},
             "script": {"actions": {"onRun": {
                 "command": "{{Param.StoryMotion}}",
                 "args": [*job.program[1:], *_templated(first, job)]}}}},
            {"name": "VideoAndStoryboard",
             "dependencies": [{"dependsOn": "RenderFrames"}],
             "script": {"actions": {"onRun": {
                 "command": "{{Param.StoryMotion}}",
                 "args": [*job.program[1:], *_templated(finish_argv(job), job)]}}}},
        ],
    }


def validate(template: dict, parameters: dict[str, str] | None = None) -> None:
    """Check `template` with openjd-model (the reference implementation), and that `parameters`
    make a job of it; raises ValueError with openjd's reason.  Needs `pip install openjd-model`."""
    from openjd.model import (DecodeValidationError, create_job, decode_job_template,
                              preprocess_job_parameters)
    try:
        decoded = decode_job_template(template=template)
        if parameters is not None:
            values = preprocess_job_parameters(job_template=decoded,
                                               job_parameter_values=parameters,
                                               job_template_dir=Path.cwd(),
                                               current_working_dir=Path.cwd())
            create_job(job_template=decoded, job_parameter_values=values)
    except (DecodeValidationError, ValueError) as exc:
        raise ValueError(f"invalid Open Job Description template: "
                         f"{' '.join(str(exc).split())}") from None


def write_bundle(job: RenderJob, folder: Path) -> dict:
    """Write a Deadline Cloud job bundle (template.json, parameter_values.json) to `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    template = job_template(job)
    (folder / "template.json").write_text(json.dumps(template, indent=2) + "\n",
                                          encoding="utf-8")
    values = {"parameterValues": [{"name": "BlendFile", "value": job.blend},
                                  {"name": "OutputDir", "value": job.output}]}
    (folder / "parameter_values.json").write_text(json.dumps(values, indent=2) + "\n",
                                                  encoding="utf-8")
    return {"template": str(folder / "template.json"),
            "parameter_values": str(folder / "parameter_values.json"),
            "tasks": len(job.chunks), "frames": len(job.frames),
            "run_locally": f"openjd run {folder / 'template.json'} "
                           f"-p BlendFile={job.blend} -p OutputDir={job.output}",
            "deadline_cloud": f"deadline bundle submit {folder}"}


BACKENDS["openjd"] = write_bundle
