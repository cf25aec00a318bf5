"""DeepMotion SayMotion: text to a BVH motion.

GET /account/v1/auth with HTTP Basic (client id, secret) sets the `dmsess` session cookie that
every later call sends; POST /job/v1/process/text2motion {"params": ["prompt=...", ...]} (sent
once) answers {rid}; GET /job/v1/status/<rid> until SUCCESS; GET /job/v1/download/<rid> lists
the files per variant ({"bvh": url}, {"fbx": url of a zip}, ...).  BVH is taken: it needs no
unzipping and imports with Blender's BVH importer.
"""
from __future__ import annotations

import base64
import logging
from pathlib import Path

from .config import MotionResult, ProviderConfig
from .errors import AuthError, BadAnswer, ServiceError, redacting
from .files import fetch
from .tasks import DONE, FAILED, RUNNING, TaskState, wait_for_task
from .transport import Cancel, Progress, join_url

log = logging.getLogger(__name__)

STATES = {"PROGRESS": RUNNING, "SUCCESS": DONE, "FAILURE": FAILED}
SESSION_COOKIE = "dmsess"
MAX_DURATION_S = 10.0


def generate_motion(prompt: str, duration_s: float, out_dir: Path, config: ProviderConfig, *,
                    progress: Progress | None = None, cancel: Cancel = None) -> MotionResult:
    """Text to a BVH of about `duration_s` seconds (SayMotion allows up to 10; 0 lets it
    choose).  `config.options["model"]` picks the character; else the first stock one."""
    if not prompt.strip():
        raise ServiceError("a SayMotion prompt must not be empty")
    if not config.api_key or not config.secret:
        raise ServiceError("SayMotion needs a client id and secret; add them in the add-on "
                           "preferences or DEEPMOTION_CLIENT_ID and DEEPMOTION_CLIENT_SECRET")
    duration = min(max(float(duration_s), 0.0), MAX_DURATION_S)
    with redacting(config.api_key, config.secret):
        http = config.transport(cancel)

        def url(path: str) -> str:
            return join_url(config.base_url, path)

        _start_session(http, url("account/v1/auth"), config)
        model = config.options.get("model") or _stock_model(http, url)
        params = [f"prompt={prompt}", f"model={model}", "footLockingMode=auto"]
        if duration > 0:
            params.append(f"requestedAnimationDuration={duration:g}")
        answer = http.post_json(url("job/v1/process/text2motion"), {"params": params})
        rid = answer.get("rid") if isinstance(answer, dict) else None
        if not isinstance(rid, str) or not rid:
            raise BadAnswer("SayMotion's answer to the motion job has no rid")
        log.info("SayMotion: job %s", rid)

        def check() -> TaskState:
            answer = http.get_json(url(f"job/v1/status/{rid}"))
            entries = answer.get("status") if isinstance(answer, dict) else None
            entry = entries[0] if isinstance(entries, list) and entries else None
            status = entry.get("status") if isinstance(entry, dict) else None
            if status not in STATES:
                raise BadAnswer(f"SayMotion's status of the motion job is not understood: "
                                f"{status!r}")
            details = entry.get("details") if isinstance(entry.get("details"), dict) else {}
            fraction = None
            if status == "PROGRESS" and details.get("total"):
                fraction = min(1.0, float(details.get("step", 0)) / float(details["total"]))
            return TaskState(STATES[status], fraction, str(details.get("exc_message") or ""))

        wait_for_task(check, config, "the SayMotion motion", progress=progress, cancel=cancel)
        links = http.get_json(url(f"job/v1/download/{rid}"))
        path = fetch(http, _bvh_url(links), Path(out_dir) / f"saymotion_{rid}.bvh", "bvh",
                     config, progress)
        return MotionResult("saymotion", rid, path, "bvh", duration or None)


def _start_session(http, auth_url: str, config: ProviderConfig) -> None:
    token = base64.b64encode(f"{config.api_key}:{config.secret}".encode()).decode("ascii")
    try:
        http.request("GET", auth_url, headers={"Authorization": f"Basic {token}"},
                     idempotent=True)
    except AuthError as exc:
        raise AuthError(f"SayMotion refused the client id and secret (HTTP {exc.status}); "
                        f"check DEEPMOTION_CLIENT_ID and DEEPMOTION_CLIENT_SECRET or the "
                        f"preferences", status=exc.status, detail=exc.detail) from None
    if not any(c.name == SESSION_COOKIE for c in http.cookies):
        raise BadAnswer("SayMotion accepted the credentials but started no session "
                        f"(no {SESSION_COOKIE} cookie)")


def _stock_model(http, url) -> str:
    answer = http.get_json(url("character/v1/listModels?stockModel=deepmotion"))
    models = answer.get("list") if isinstance(answer, dict) else None
    model_id = models[0].get("id") if isinstance(models, list) and models and isinstance(
        models[0], dict) else None
    if not isinstance(model_id, str) or not model_id:
        raise BadAnswer("SayMotion lists no stock character model; set one in the options")
    return model_id


def _bvh_url(links: object) -> object:
    """The first BVH link of the first variant in a download answer."""
    for link in links.get("links", []) if isinstance(links, dict) else []:
        for variant in link.get("urls", []) if isinstance(link, dict) else []:
            for entry in variant.get("files", []) if isinstance(variant, dict) else []:
                if isinstance(entry, dict) and entry.get("bvh"):
                    return entry["bvh"]
    return None
