"""Meshy: text-to-3D (preview, then refine), rigging, animation and text-to-motion.

Every call creates a task (POST answers 202 {"result": id}), polls `<endpoint>/<id>` until
SUCCEEDED, then downloads the result at once (Meshy keeps results about three days).  A 403
on a motion prompt is Meshy's moderation; on other endpoints it is a refused key unless the
message says otherwise.  Which text-to-motion result field holds the file is not in our notes,
so the first `*_url` field that names the wanted format is taken.
"""
from __future__ import annotations

import logging
from pathlib import Path

from .config import ModelResult, MotionResult, ProviderConfig, RigResult
from .errors import AuthError, BadAnswer, ModerationError, ServiceError, redacting
from .files import fetch
from .tasks import CANCELLED, DONE, FAILED, QUEUED, RUNNING, TaskState, wait_for_task
from .transport import Cancel, Progress, join_url

log = logging.getLogger(__name__)

TEXT_TO_3D = "v2/text-to-3d"
RIGGING = "v1/rigging"
ANIMATIONS = "v1/animations"
TEXT_TO_MOTION = "v1/text-to-motion"

STATES = {"PENDING": QUEUED, "IN_PROGRESS": RUNNING, "SUCCEEDED": DONE, "FAILED": FAILED,
          "CANCELED": CANCELLED, "EXPIRED": FAILED}
MAX_PROMPT_CHARS = 600
MAX_MOTION_PROMPT_CHARS = 400
MOTION_DURATION_S = (2.0, 10.0)
MOTION_FORMATS = {"swift": "bvh", "prime": "fbx"}
_MODERATION_WORDS = ("moderat", "inappropriate", "policy", "sensitive", "nsfw")


class _Meshy:
    def __init__(self, config: ProviderConfig, progress: Progress | None, cancel: Cancel):
        config.require_key()
        self.config = config
        self.progress = progress
        self.cancel = cancel
        self.http = config.transport(cancel)
        self.headers = {"Authorization": f"Bearer {config.api_key}"}

    def url(self, path: str) -> str:
        return join_url(self.config.base_url, path)

    def create(self, endpoint: str, body: dict, what: str) -> str:
        """POST a task once (never repeated after a timeout or 5xx); its id."""
        try:
            answer = self.http.post_json(self.url(endpoint), body, headers=self.headers)
        except AuthError as exc:
            said = exc.detail.lower()
            if exc.status == 403 and (endpoint == TEXT_TO_MOTION
                                      or any(w in said for w in _MODERATION_WORDS)):
                raise ModerationError(f"Meshy refused the prompt for {what} (HTTP 403)"
                                      + (f": {exc.detail}" if exc.detail else ""),
                                      status=403, detail=exc.detail) from None
            raise
        task_id = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(task_id, str) or not task_id:
            raise BadAnswer(f"Meshy's answer to {what} has no task id (\"result\")")
        log.info("Meshy %s: task %s", what, task_id)
        return task_id

    def wait(self, endpoint: str, task_id: str, what: str) -> dict:
        def check() -> TaskState:
            task = self.http.get_json(self.url(f"{endpoint}/{task_id}"), headers=self.headers)
            status = task.get("status") if isinstance(task, dict) else None
            if status not in STATES:
                raise BadAnswer(f"Meshy's status of {what} is not understood: {status!r}")
            error = task.get("task_error")
            message = error.get("message", "") if isinstance(error, dict) else ""
            percent = task.get("progress")
            fraction = percent / 100 if isinstance(percent, (int, float)) else None
            return TaskState(STATES[status], fraction, str(message or ""), task)

        return wait_for_task(check, self.config, what, progress=self.progress,
                             cancel=self.cancel).data

    def fetch(self, url: object, dest: Path, fmt: str) -> Path:
        return fetch(self.http, url, dest, fmt, self.config, self.progress)


def _result_url(task: dict, *keys: str) -> object:
    """The first of `keys` found in the task's `result` object or on the task itself."""
    for source in (task.get("result"), task):
        if isinstance(source, dict):
            for key in keys:
                if source.get(key):
                    return source[key]
    return None


def generate_model(prompt: str, out_dir: Path, config: ProviderConfig, *, refine: bool = True,
                   pose_mode: str = "", progress: Progress | None = None,
                   cancel: Cancel = None) -> ModelResult:
    """Text to a GLB: a preview (geometry), then, with `refine`, the textured refine task.
    `pose_mode` "t-pose" or "a-pose" readies a character for rigging."""
    if not prompt.strip() or len(prompt) > MAX_PROMPT_CHARS:
        raise ServiceError(f"a Meshy prompt must have 1 to {MAX_PROMPT_CHARS} characters "
                           f"(got {len(prompt)})")
    with redacting(config.api_key):
        meshy = _Meshy(config, progress, cancel)
        opts = config.options
        body = {"mode": "preview", "prompt": prompt,
                "ai_model": opts.get("ai_model", "latest"),
                "topology": opts.get("topology", "triangle"),
                "target_polycount": opts.get("target_polycount", 30000),
                "symmetry_mode": opts.get("symmetry_mode", "auto")}
        if pose_mode:
            body["pose_mode"] = pose_mode
        task_id = meshy.create(TEXT_TO_3D, body, "the preview model")
        task = meshy.wait(TEXT_TO_3D, task_id, "the preview model")
        if refine:
            body = {"mode": "refine", "preview_task_id": task_id,
                    "enable_pbr": opts.get("enable_pbr", True)}
            if opts.get("texture_prompt"):
                body["texture_prompt"] = opts["texture_prompt"]
            task_id = meshy.create(TEXT_TO_3D, body, "the textured model")
            task = meshy.wait(TEXT_TO_3D, task_id, "the textured model")
        urls = task.get("model_urls")
        url = urls.get("glb") if isinstance(urls, dict) else None
        path = meshy.fetch(url, Path(out_dir) / f"meshy_{task_id}.glb", "glb")
        return ModelResult("meshy", task_id, path, "glb")


def rig_model(model: ModelResult, out_dir: Path, config: ProviderConfig, *,
              height_m: float = 1.7, progress: Progress | None = None,
              cancel: Cancel = None) -> RigResult:
    """Rig a textured humanoid made by `generate_model` (Meshy refuses over 300,000 faces)."""
    with redacting(config.api_key):
        meshy = _Meshy(config, progress, cancel)
        body = {"input_task_id": model.task_id, "height_meters": height_m}
        task_id = meshy.create(RIGGING, body, "the rig")
        task = meshy.wait(RIGGING, task_id, "the rig")
        url = _result_url(task, "rigged_character_glb_url")
        path = meshy.fetch(url, Path(out_dir) / f"meshy_rig_{task_id}.glb", "glb")
        return RigResult("meshy", task_id, path, "glb")


def animate(rig: RigResult, action_id: int, out_dir: Path, config: ProviderConfig, *,
            fmt: str = "glb", progress: Progress | None = None,
            cancel: Cancel = None) -> MotionResult:
    """Apply an action of Meshy's animation library (GET v1/animations/library) to a rig."""
    with redacting(config.api_key):
        meshy = _Meshy(config, progress, cancel)
        body = {"rig_task_id": rig.rig_task_id, "action_id": int(action_id)}
        task_id = meshy.create(ANIMATIONS, body, f"animation {action_id}")
        task = meshy.wait(ANIMATIONS, task_id, f"animation {action_id}")
        url = _result_url(task, f"animation_{fmt}_url")
        path = meshy.fetch(url, Path(out_dir) / f"meshy_anim_{task_id}.{fmt}", fmt)
        return MotionResult("meshy", task_id, path, fmt)


def generate_motion(prompt: str, duration_s: float, out_dir: Path, config: ProviderConfig, *,
                    mode: str = "swift", progress: Progress | None = None,
                    cancel: Cancel = None) -> MotionResult:
    """Text to motion: mode "swift" gives BVH, "prime" FBX; 2 to 10 seconds."""
    if not prompt.strip() or len(prompt) > MAX_MOTION_PROMPT_CHARS:
        raise ServiceError(f"a Meshy motion prompt must have 1 to {MAX_MOTION_PROMPT_CHARS} "
                           f"characters (got {len(prompt)})")
    if mode not in MOTION_FORMATS:
        raise ServiceError(f"Meshy motion mode must be one of {', '.join(MOTION_FORMATS)}")
    low, high = MOTION_DURATION_S
    duration = min(max(float(duration_s), low), high)
    if duration != duration_s:
        log.warning("Meshy motion lasts %g-%g s; asking for %g s instead of %g s",
                    low, high, duration, duration_s)
    fmt = MOTION_FORMATS[mode]
    with redacting(config.api_key):
        meshy = _Meshy(config, progress, cancel)
        body = {"prompt": prompt, "duration": duration, "mode": mode}
        task_id = meshy.create(TEXT_TO_MOTION, body, "the motion")
        task = meshy.wait(TEXT_TO_MOTION, task_id, "the motion")
        path = meshy.fetch(_format_url(task, fmt), Path(out_dir) / f"meshy_motion_{task_id}.{fmt}",
                           fmt)
        return MotionResult("meshy", task_id, path, fmt, duration)


def _format_url(task: dict, fmt: str) -> object:
    """The first URL field naming `fmt`: model_urls[fmt], or a `*_url` key containing it."""
    for source in (task.get("result"), task):
        if not isinstance(source, dict):
            continue
        urls = source.get("model_urls")
        if isinstance(urls, dict) and urls.get(fmt):
            return urls[fmt]
        for key, value in source.items():
            if key.endswith("_url") and fmt in key.split("_") and value:
                return value
    return None
