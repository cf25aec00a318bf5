"""Hyper3D Rodin: text to a GLB.

Submit is multipart/form-data (POST /rodin, sent once); status is POST /status with the
subscription key (safe to repeat) and is finished only when every job is Done; POST /download
lists files whose links expire after about ten minutes, so an expired link is fetched again
once with a fresh list.
"""
from __future__ import annotations

import logging
from pathlib import Path

from .config import ModelResult, ProviderConfig
from .errors import BadAnswer, LinkExpired, ServiceError, redacting
from .files import fetch
from .tasks import DONE, FAILED, QUEUED, RUNNING, TaskState, wait_for_task
from .transport import Cancel, Progress, join_url, server_message

log = logging.getLogger(__name__)

JOB_STATES = {"Waiting": QUEUED, "Generating": RUNNING, "Done": DONE, "Failed": FAILED}


def _checked(answer: object, what: str) -> dict:
    if not isinstance(answer, dict):
        raise BadAnswer(f"Rodin's answer to {what} is not a JSON object")
    if answer.get("error"):
        said = server_message(answer) or str(answer["error"])
        raise ServiceError(f"Rodin refused {what}: {said}", detail=said)
    return answer


def _state(jobs: object) -> TaskState:
    """All jobs Done is done; any Failed is failed; else running with the share done."""
    if not isinstance(jobs, list) or not jobs or not all(
            isinstance(j, dict) and j.get("status") in JOB_STATES for j in jobs):
        raise BadAnswer(f"Rodin's status answer has no understood jobs: {jobs!r:.120}")
    states = [JOB_STATES[j["status"]] for j in jobs]
    done = states.count(DONE)
    if FAILED in states:
        return TaskState(FAILED, message=f"{states.count(FAILED)} of {len(jobs)} jobs failed")
    if done == len(states):
        return TaskState(DONE, 1.0)
    return TaskState(RUNNING if RUNNING in states or done else QUEUED, done / len(states))


def generate_model(prompt: str, out_dir: Path, config: ProviderConfig, *,
                   progress: Progress | None = None, cancel: Cancel = None) -> ModelResult:
    """Text to a GLB with PBR materials."""
    if not prompt.strip():
        raise ServiceError("a Rodin prompt must not be empty")
    config.require_key()
    with redacting(config.api_key):
        http = config.transport(cancel)
        headers = {"Authorization": f"Bearer {config.api_key}"}
        opts = config.options
        form = [("prompt", prompt), ("tier", opts.get("tier", "Regular")),
                ("geometry_file_format", "glb"), ("material", opts.get("material", "PBR")),
                ("quality", opts.get("quality", "medium"))]
        if "seed" in opts:
            form.append(("seed", int(opts["seed"])))
        answer = _checked(http.request("POST", join_url(config.base_url, "rodin"), form=form,
                                       headers=headers, idempotent=False).json(), "the model")
        jobs = answer.get("jobs")
        task_uuid = answer.get("uuid")
        key = jobs.get("subscription_key") if isinstance(jobs, dict) else None
        if not isinstance(task_uuid, str) or not isinstance(key, str):
            raise BadAnswer("Rodin's answer to the model has no uuid or subscription_key")
        log.info("Rodin: task %s", task_uuid)

        def check() -> TaskState:
            status = _checked(http.post_json(join_url(config.base_url, "status"),
                                             {"subscription_key": key}, idempotent=True,
                                             headers=headers), "the status check")
            return _state(status.get("jobs"))

        wait_for_task(check, config, "the Rodin model", progress=progress, cancel=cancel)
        dest = Path(out_dir) / f"rodin_{task_uuid}.glb"
        for attempt in (1, 2):
            listing = _checked(http.post_json(join_url(config.base_url, "download"),
                                              {"task_uuid": task_uuid}, idempotent=True,
                                              headers=headers), "the download list")
            files = listing.get("list")
            url = next((f.get("url") for f in files if isinstance(f, dict)
                        and str(f.get("name", "")).lower().endswith(".glb")), None) \
                if isinstance(files, list) else None
            try:
                path = fetch(http, url, dest, "glb", config, progress)
                return ModelResult("rodin", task_uuid, path, "glb")
            except LinkExpired as exc:
                if attempt == 2:
                    raise LinkExpired(f"{exc}; a fresh link from Rodin was refused too "
                                      f"(links last about 10 minutes)", status=exc.status,
                                      detail=exc.detail) from None
                log.warning("Rodin's download link expired; asking for a fresh one")
        raise AssertionError("unreachable")
