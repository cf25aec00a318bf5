"""A self-hosted Hunyuan3D-2 server (its api_server.py): POST <base>/generate with JSON
{text | image, ...} answers the GLB bytes directly.

Generation takes the whole answer time, so the request timeout is the task timeout; the POST
is sent once (a GPU job is not repeated after a timeout).  Plain http is allowed only because
the server is on this machine (localhost); online access must still be on.
"""
from __future__ import annotations

import dataclasses
import logging
import uuid
from pathlib import Path

from .config import ModelResult, ProviderConfig
from .errors import ServiceError, redacting
from .files import check_file
from .transport import Cancel, Progress, join_url

log = logging.getLogger(__name__)

OPTION_KEYS = ("octree_resolution", "num_inference_steps", "guidance_scale", "texture", "seed")


def generate_model(prompt: str, out_dir: Path, config: ProviderConfig, *,
                   progress: Progress | None = None, cancel: Cancel = None) -> ModelResult:
    """Text to a GLB on the local server; options pass the server's generation settings."""
    if not prompt.strip():
        raise ServiceError("a Hunyuan3D prompt must not be empty")
    with redacting(config.api_key):
        http = dataclasses.replace(config, timeout_s=config.task_timeout_s).transport(cancel)
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        body = {"text": prompt, "texture": True,
                **{k: v for k, v in config.options.items() if k in OPTION_KEYS}}
        task_id = uuid.uuid4().hex[:12]
        if progress:
            progress("Hunyuan3D: generating", None)
        path = http.download(join_url(config.base_url, "generate"),
                             Path(out_dir) / f"hunyuan_{task_id}.glb",
                             max_bytes=config.max_download_bytes,
                             deadline_s=config.task_timeout_s, json_body=body, headers=headers)
        try:
            check_file(path, "glb")
        except ServiceError:
            path.unlink(missing_ok=True)
            raise
        return ModelResult("hunyuan", task_id, path, "glb")
