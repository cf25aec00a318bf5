"""Tripo (v2 OpenAPI): text_to_model, and for humanoids animate_prerigcheck, animate_rig (spec
mixamo) and animate_retarget with a preset animation.

Every answer is the envelope {"code", "data"}; a code other than 0 is an error even with HTTP
200.  Tasks are created with POST /task {"type", ...} (sent once) and polled with GET
/task/<id> until status "success"; "banned" is Tripo's moderation.
"""
from __future__ import annotations

import logging
from pathlib import Path

from .config import ModelResult, MotionResult, ProviderConfig, RigResult
from .errors import BadAnswer, NoCredits, ServiceError, redacting
from .files import fetch
from .tasks import (CANCELLED, DONE, FAILED, MODERATED, QUEUED, RUNNING, TaskState,
                    wait_for_task)
from .transport import Cancel, Progress, join_url, server_message

log = logging.getLogger(__name__)

STATES = {"queued": QUEUED, "running": RUNNING, "success": DONE, "failed": FAILED,
          "cancelled": CANCELLED, "banned": MODERATED, "expired": FAILED, "unknown": FAILED}
PRESETS = ("idle", "walk", "run", "dive", "climb", "jump", "slash", "shoot", "hurt", "fall",
           "turn")
FORMATS = ("glb", "fbx")


class _Tripo:
    def __init__(self, config: ProviderConfig, progress: Progress | None, cancel: Cancel):
        config.require_key()
        self.config = config
        self.progress = progress
        self.cancel = cancel
        self.http = config.transport(cancel)
        self.headers = {"Authorization": f"Bearer {config.api_key}"}

    def data(self, answer: object, what: str) -> dict:
        """The envelope's data, or the error it carries."""
        if not isinstance(answer, dict) or "code" not in answer:
            raise BadAnswer(f"Tripo's answer to {what} is not a {{code, data}} envelope")
        if answer["code"] != 0:
            said = server_message(answer) or "no message"
            error = NoCredits if "credit" in said.lower() else ServiceError
            raise error(f"Tripo refused {what} (code {answer['code']}): {said}", detail=said)
        data = answer.get("data")
        if not isinstance(data, dict):
            raise BadAnswer(f"Tripo's answer to {what} has no data object")
        return data

    def run(self, body: dict, what: str) -> tuple[str, dict]:
        """Create a task (once), wait for it; its id and final data."""
        url = join_url(self.config.base_url, "task")
        data = self.data(self.http.post_json(url, body, headers=self.headers), what)
        task_id = data.get("task_id")
        if not isinstance(task_id, str) or not task_id:
            raise BadAnswer(f"Tripo's answer to {what} has no task_id")
        log.info("Tripo %s: task %s", what, task_id)

        def check() -> TaskState:
            answer = self.http.get_json(f"{url}/{task_id}", headers=self.headers)
            task = self.data(answer, f"the status of {what}")
            status = task.get("status")
            if status not in STATES:
                raise BadAnswer(f"Tripo's status of {what} is not understood: {status!r}")
            percent = task.get("progress")
            fraction = percent / 100 if isinstance(percent, (int, float)) else None
            message = task.get("error_msg") or ("" if status != "expired" else "task expired")
            return TaskState(STATES[status], fraction, str(message or ""), task)

        final = wait_for_task(check, self.config, what, progress=self.progress,
                              cancel=self.cancel).data
        output = final.get("output")
        return task_id, output if isinstance(output, dict) else {}

    def fetch(self, output: dict, dest: Path, fmt: str) -> Path:
        url = output.get("pbr_model") or output.get("model") or output.get("base_model")
        return fetch(self.http, url, dest, fmt, self.config, self.progress)


def generate_model(prompt: str, out_dir: Path, config: ProviderConfig, *,
                   progress: Progress | None = None, cancel: Cancel = None) -> ModelResult:
    """Text to a textured GLB (PBR when Tripo gives one)."""
    if not prompt.strip():
        raise ServiceError("a Tripo prompt must not be empty")
    with redacting(config.api_key):
        tripo = _Tripo(config, progress, cancel)
        body = {"type": "text_to_model", "prompt": prompt, "texture": True, "pbr": True,
                **{k: v for k, v in config.options.items()
                   if k in ("model_version", "negative_prompt", "face_limit")}}
        task_id, output = tripo.run(body, "the model")
        path = tripo.fetch(output, Path(out_dir) / f"tripo_{task_id}.glb", "glb")
        return ModelResult("tripo", task_id, path, "glb")


def rig_model(model: ModelResult, out_dir: Path, config: ProviderConfig, *,
              progress: Progress | None = None, cancel: Cancel = None) -> RigResult:
    """Check the model can be rigged, then rig it with a Mixamo-named skeleton (GLB)."""
    with redacting(config.api_key):
        tripo = _Tripo(config, progress, cancel)
        _, check = tripo.run({"type": "animate_prerigcheck",
                              "original_model_task_id": model.task_id}, "the rig check")
        if not check.get("riggable"):
            raise ServiceError("Tripo cannot rig this model (its rig check says it is not a "
                               "riggable humanoid); generate a character in a T- or A-pose")
        body = {"type": "animate_rig", "original_model_task_id": model.task_id,
                "out_format": "glb", "spec": "mixamo"}
        if check.get("rig_type"):
            body["rig_type"] = check["rig_type"]
        task_id, output = tripo.run(body, "the rig")
        path = tripo.fetch(output, Path(out_dir) / f"tripo_rig_{task_id}.glb", "glb")
        return RigResult("tripo", task_id, path, "glb")


def animate(rig: RigResult, preset: str, out_dir: Path, config: ProviderConfig, *,
            fmt: str = "glb", progress: Progress | None = None,
            cancel: Cancel = None) -> MotionResult:
    """Retarget one of Tripo's preset animations (walk, run, jump, ...) onto a rig."""
    if preset not in PRESETS:
        raise ServiceError(f"unknown Tripo animation {preset!r}; known: {', '.join(PRESETS)}")
    if fmt not in FORMATS:
        raise ServiceError(f"Tripo animation format must be one of {', '.join(FORMATS)}")
    with redacting(config.api_key):
        tripo = _Tripo(config, progress, cancel)
        body = {"type": "animate_retarget", "original_model_task_id": rig.rig_task_id,
                "animation": f"preset:{preset}", "out_format": fmt, "bake_animation": True}
        task_id, output = tripo.run(body, f"the {preset} animation")
        path = tripo.fetch(output, Path(out_dir) / f"tripo_{preset}_{task_id}.{fmt}", fmt)
        return MotionResult("tripo", task_id, path, fmt)
