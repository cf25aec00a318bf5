"""Clients for the optional generation services (docs/providers.md), standard library only.

`PROVIDERS` maps a provider name to what it can do, so the CLI's `--provider props=meshy
--provider motion=saymotion` and the preferences can look a client up:

    provider = provider_for("props", "meshy")
    config = config_from_env("meshy", {"online": bpy.app.online_access})
    result = provider.generate_model("a wooden chair", out_dir, config, progress=report)

Capabilities: "props" and "character" (generate_model; a character is asked for in a T-pose
where the service allows it), "rig" (rig_model on a generated character), "motion"
(generate_motion: text to a BVH/FBX clip).  Every failure is a ServiceError whose str() is one
line for the user.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import hunyuan, meshy, rodin, saymotion, tripo
from .config import (ModelResult, MotionResult, ProviderConfig, RigResult,  # noqa: F401
                     config_from_env)
from .errors import (AuthError, BadAnswer, Cancelled, DownloadTooLarge,  # noqa: F401
                     LinkExpired, ModerationError, NoCredits, RateLimited, ServiceError,
                     ServiceOffline, ServiceTimeout, TaskFailed, Unreachable)

CAPABILITIES = ("props", "character", "rig", "motion")


@dataclass(frozen=True)
class Provider:
    name: str
    capabilities: frozenset[str]
    generate_model: Callable[..., ModelResult] | None = None
    rig_model: Callable[..., RigResult] | None = None
    generate_motion: Callable[..., MotionResult] | None = None
    animate: Callable[..., MotionResult] | None = None    # a library/preset action on a rig


PROVIDERS: dict[str, Provider] = {
    "meshy": Provider("meshy", frozenset({"props", "character", "rig", "motion"}),
                      meshy.generate_model, meshy.rig_model, meshy.generate_motion,
                      meshy.animate),
    "tripo": Provider("tripo", frozenset({"props", "character", "rig"}),
                      tripo.generate_model, tripo.rig_model, animate=tripo.animate),
    "rodin": Provider("rodin", frozenset({"props"}), rodin.generate_model),
    "hunyuan": Provider("hunyuan", frozenset({"props"}), hunyuan.generate_model),
    "saymotion": Provider("saymotion", frozenset({"motion"}),
                          generate_motion=saymotion.generate_motion),
}


def provider_for(capability: str, name: str) -> Provider:
    """The provider `name` if it offers `capability`; a ServiceError naming the choices."""
    if capability not in CAPABILITIES:
        raise ServiceError(f"unknown capability {capability!r}; known: "
                           f"{', '.join(CAPABILITIES)}")
    able = [p for p in PROVIDERS if capability in PROVIDERS[p].capabilities]
    if name not in PROVIDERS or name not in able:
        raise ServiceError(f"{name!r} cannot provide {capability}; choose one of "
                           f"{', '.join(able)}")
    return PROVIDERS[name]
