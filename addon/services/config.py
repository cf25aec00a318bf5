"""Per-provider settings and the plain results every client returns.

Keys come from the add-on preferences (passed in as overrides) or the environment, never from
the .blend; `ProviderConfig.__repr__` masks them.  `online` defaults to False: a caller must
pass Blender's `bpy.app.online_access` (or the CLI's decision) for anything to be sent.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Callable, Mapping

from .errors import ServiceError
from .transport import MB, Cancel, Online, Transport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProviderDefaults:
    label: str
    base_url: str
    key_envs: tuple[str, ...] = ()        # first set one wins
    secret_envs: tuple[str, ...] = ()
    url_envs: tuple[str, ...] = ()        # besides STORY_MOTION_<NAME>_URL


DEFAULTS: dict[str, ProviderDefaults] = {
    "meshy": ProviderDefaults("Meshy", "https://api.meshy.ai/openapi", ("MESHY_API_KEY",)),
    "tripo": ProviderDefaults("Tripo", "https://api.tripo3d.ai/v2/openapi", ("TRIPO_API_KEY",)),
    "rodin": ProviderDefaults("Hyper3D Rodin", "https://api.hyper3d.com/api/v2",
                              ("RODIN_API_KEY", "HYPER3D_API_KEY")),
    "hunyuan": ProviderDefaults("Hunyuan3D server", "http://localhost:8081",
                                ("HUNYUAN3D_API_KEY",), url_envs=("HUNYUAN3D_URL",)),
    "saymotion": ProviderDefaults("DeepMotion SayMotion", "https://service.deepmotion.com",
                                  ("DEEPMOTION_CLIENT_ID",), ("DEEPMOTION_CLIENT_SECRET",)),
}


@dataclass
class ProviderConfig:
    """What one client needs: where, who, and how long to wait.  `options` holds
    provider-specific request fields (Meshy ai_model, Rodin tier, SayMotion model id)."""
    name: str
    base_url: str
    api_key: str = ""
    secret: str = ""                       # a second credential (SayMotion client secret)
    timeout_s: float = 30.0                # one request
    task_timeout_s: float = 1200.0         # one remote task, from submit to finished
    poll_interval_s: float = 3.0
    poll_backoff: float = 1.5
    poll_max_interval_s: float = 20.0
    retry_base_s: float = 1.0              # backoff of a retried request
    max_retry_wait_s: float = 30.0
    max_download_bytes: int = 300 * MB
    online: Online = False
    options: dict = field(default_factory=dict)
    sleep: Callable[[float], None] | None = None    # tests: replaces the backoff sleep

    @property
    def label(self) -> str:
        return DEFAULTS[self.name].label if self.name in DEFAULTS else self.name

    @property
    def key_hint(self) -> str:
        envs = DEFAULTS[self.name].key_envs if self.name in DEFAULTS else ()
        return "the add-on preferences" + (f" or {envs[0]}" if envs else "")

    def transport(self, cancel: Cancel = None) -> Transport:
        return Transport(self.label, online=self.online, cancel=cancel,
                         secrets=(self.api_key, self.secret), key_hint=self.key_hint,
                         timeout_s=self.timeout_s, max_total_wait_s=self.max_retry_wait_s,
                         backoff_base_s=self.retry_base_s, sleep=self.sleep)

    def require_key(self) -> None:
        if not self.api_key:
            raise ServiceError(f"no {self.label} API key is set; add it in {self.key_hint}")

    def __repr__(self) -> str:
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("api_key", "secret"):
                value = "***" if value else ""
            shown.append(f"{f.name}={value!r}")
        return f"ProviderConfig({', '.join(shown)})"


def config_from_env(provider: str, overrides: Mapping[str, object] | None = None,
                    environ: Mapping[str, str] = os.environ) -> ProviderConfig:
    """The config of `provider`: defaults, then the environment (STORY_MOTION_<NAME>_URL, the
    provider's key variables, STORY_MOTION_MAX_DOWNLOAD_MB), then `overrides` (preferences,
    CLI) whose empty values are ignored."""
    if provider not in DEFAULTS:
        raise ServiceError(f"unknown provider {provider!r}; known: {', '.join(DEFAULTS)}")
    d = DEFAULTS[provider]

    def first(names) -> str:
        return next((environ[n].strip() for n in names if environ.get(n, "").strip()), "")

    config = ProviderConfig(
        name=provider,
        base_url=first((f"STORY_MOTION_{provider.upper()}_URL", *d.url_envs)) or d.base_url,
        api_key=first(d.key_envs), secret=first(d.secret_envs))
    raw_cap = environ.get("STORY_MOTION_MAX_DOWNLOAD_MB", "").strip()
    if raw_cap:
        try:
            config.max_download_bytes = int(float(raw_cap) * MB)
        except ValueError:
            log.warning("STORY_MOTION_MAX_DOWNLOAD_MB=%r is not a number; keeping %d MB",
                        raw_cap, config.max_download_bytes // MB)
    known = {f.name for f in fields(ProviderConfig)}
    unknown = set(overrides or ()) - known
    if unknown:
        raise ServiceError(f"unknown provider settings: {', '.join(sorted(unknown))}")
    return replace(config, **{k: v for k, v in (overrides or {}).items()
                              if v not in ("", None)})


# --- results -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ModelResult:
    """A generated model, downloaded and checked."""
    provider: str
    task_id: str                # the id a later rig call needs
    path: Path
    format: str                 # "glb", "fbx"


@dataclass(frozen=True)
class RigResult:
    """A rigged character, downloaded and checked; `rig_task_id` feeds animation calls."""
    provider: str
    rig_task_id: str
    path: Path
    format: str


@dataclass(frozen=True)
class MotionResult:
    """A motion clip (BVH or FBX/GLB with an armature), downloaded and checked."""
    provider: str
    task_id: str
    path: Path
    format: str                 # "bvh", "fbx", "glb"
    duration_s: float | None = None

