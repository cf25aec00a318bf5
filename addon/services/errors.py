"""One error hierarchy for every service client.

Each error carries a one-line message meant for the user (the CLI prints it, the panel reports
it); `status` is the HTTP status when there was one, `detail` the server's own message.
Messages never contain API keys: the transport builds them from host names and server
messages, and `redact` removes any secret a server echoed back.
"""
from __future__ import annotations

import contextlib
from typing import Iterator


class ServiceError(Exception):
    """A service could not do what was asked; str() is one user-readable line."""

    def __init__(self, message: str, *, status: int | None = None, detail: str = ""):
        super().__init__(one_line(message))
        self.status = status
        self.detail = detail            # the server's own message, when it gave one


class ServiceOffline(ServiceError):
    """Blender's online access is off (or the caller said offline); nothing was sent."""


class AuthError(ServiceError):
    """The service refused the credentials (HTTP 401 or 403)."""


class NoCredits(ServiceError):
    """The account has no credits left (HTTP 402)."""


class ModerationError(ServiceError):
    """The prompt or the result was refused by the service's content rules."""


class RateLimited(ServiceError):
    """HTTP 429 that did not clear within the allowed retries and wait."""


class ServiceTimeout(ServiceError):
    """A request or a whole task took longer than allowed."""


class Unreachable(ServiceError):
    """The host could not be reached (connection refused, name lookup failed)."""


class BadAnswer(ServiceError):
    """The service answered something unusable: not JSON, missing fields, a corrupt file."""


class DownloadTooLarge(ServiceError):
    """A download is bigger than the configured cap."""


class LinkExpired(ServiceError):
    """A download link was refused (HTTP 403/404/410), usually because it expired."""


class TaskFailed(ServiceError):
    """The service ran the task and reported failure."""


class Cancelled(ServiceError):
    """The user cancelled; the remote task may still run (and bill) on the service."""


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def clip(text: object, limit: int = 200) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def redact(text: str, secrets) -> str:
    """`text` with every non-empty secret replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


@contextlib.contextmanager
def redacting(*secrets: str) -> Iterator[None]:
    """Re-raise any ServiceError from the block with the secrets masked (same class)."""
    try:
        yield
    except ServiceError as exc:
        clean = redact(str(exc), secrets)
        if clean == str(exc):
            raise
        raise type(exc)(clean, status=exc.status, detail=redact(exc.detail, secrets)) from None
