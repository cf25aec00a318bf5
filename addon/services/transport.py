"""One HTTP transport for every service client and the LLM parser.

Standard library only (this runs inside Blender).  The rules of docs/providers.md live here so
each client cannot get them wrong: https only (plain http only to localhost); a timeout on every
request; at most `max_attempts` tries with backoff on 429, on connection refused and, for
requests that are safe to repeat, on 503 (Retry-After honoured, the waits of one request capped
together); never a repeat after a timeout or another 5xx, and a task-creating POST
(`idempotent=False`) not even after a 503, since a second one may bill twice; API redirects
refused, download redirects followed only to https; answers and downloads capped in size;
nothing at all, not even a name lookup, while the online gate is off; a cancel token checked
before each request, during waits and between download chunks.

Error messages name hosts and server messages, never headers; every message passes through
`redact` with the caller's secrets in case a server echoes a key back.
"""
from __future__ import annotations

import email.message
import email.utils
import http.client
import http.cookiejar
import json
import logging
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Union

from .errors import (AuthError, BadAnswer, Cancelled, DownloadTooLarge, LinkExpired, NoCredits,
                     RateLimited, ServiceError, ServiceOffline, ServiceTimeout, Unreachable,
                     clip, redact)

log = logging.getLogger(__name__)

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
MB = 1024 * 1024
CHUNK_BYTES = 64 * 1024
USER_AGENT = "StoryMotion-Blender-extension"

Online = Union[bool, Callable[[], bool]]
Cancel = Union[threading.Event, Callable[[], bool], None]
Progress = Callable[[str, Union[float, None]], None]      # (what is happening, 0..1 or None)


# --- gates ---------------------------------------------------------------------------------

def is_online(online: Online) -> bool:
    return bool(online() if callable(online) else online)


def is_cancelled(cancel: Cancel) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    return bool(cancel())


def wait(seconds: float, cancel: Cancel, what: str = "the wait") -> None:
    """Sleep, waking early to raise Cancelled when the token is set."""
    end = time.monotonic() + max(0.0, seconds)
    while True:
        if is_cancelled(cancel):
            raise Cancelled(f"cancelled during {what}")
        left = end - time.monotonic()
        if left <= 0:
            return
        if isinstance(cancel, threading.Event):
            cancel.wait(left)
        else:
            time.sleep(min(left, 0.1))


# --- URLs, retries, bodies -----------------------------------------------------------------

def check_url(url: str, label: str) -> urllib.parse.SplitResult:
    """The parsed URL if it may be used: https, or plain http to this machine only."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port     # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ServiceError(f"{label} URL is not valid: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not host:
        raise ServiceError(f"{label} URL must start with https:// and name a host "
                           f"(got scheme {scheme or 'none'!r})")
    if parts.username is not None or parts.password is not None:
        raise ServiceError(f"{label} URL must not contain a user name or password; "
                           f"set the API key instead")
    if scheme == "http" and host.lower() not in LOCAL_HOSTS:
        raise ServiceError(f"refusing plain http to {host}; use https")
    return parts


def join_url(base: str, path: str) -> str:
    """`base` + `/path`, whatever slashes either side has."""
    return base.rstrip("/") + "/" + path.lstrip("/")


def retry_delay(retry_after: str | None, attempt: int, base_s: float = 1.0) -> float:
    """Seconds to wait: the server's Retry-After (seconds or an HTTP date), else backoff."""
    if retry_after:
        value = retry_after.strip()
        try:
            seconds = float(value)
        except ValueError:
            try:
                seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
            except (TypeError, ValueError, IndexError, OverflowError):
                seconds = None
        if seconds is not None and seconds == seconds:          # not NaN
            return max(0.0, seconds)
    return base_s * 2 ** (attempt - 1)


def encode_multipart(fields: Iterable[tuple[str, object]]) -> tuple[bytes, str]:
    """multipart/form-data body and its Content-Type; a value is text, a number, or a
    (filename, bytes, content type) tuple for a file.  A name may repeat (Rodin's images)."""
    boundary = f"----StoryMotion{uuid.uuid4().hex}"
    out = bytearray()
    for name, value in fields:
        out += f"--{boundary}\r\n".encode()
        if isinstance(value, tuple):
            filename, data, ctype = value
            out += (f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: {ctype}\r\n\r\n").encode()
            out += data
        else:
            out += f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            out += str(value).encode("utf-8")
        out += b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed in JSON")


def server_message(body: object) -> str:
    """The human message of an error body: {"message"}, {"error": {"message"}}, {"detail"},
    Tripo's {"message", "suggestion"}, Hunyuan's {"text"}; "" when there is none."""
    if not isinstance(body, dict):
        return ""
    for key in ("message", "error", "detail", "msg", "error_msg", "text"):
        value = body.get(key)
        if isinstance(value, dict):
            value = value.get("message") or value.get("detail")
        if isinstance(value, str) and value.strip():
            suggestion = body.get("suggestion")
            if isinstance(suggestion, str) and suggestion.strip():
                value = f"{value} ({suggestion})"
            return clip(value)
    return ""


def size_text(n: int) -> str:
    if n >= MB:
        return f"{n / MB:g} MB"
    return f"{n / 1024:g} KB" if n >= 1024 else f"{n} bytes"


@dataclass
class Response:
    status: int
    headers: email.message.Message
    body: bytes
    label: str

    def json(self) -> object:
        """The body as JSON; BadAnswer with the first characters when it is not."""
        try:
            return json.loads(self.body.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError, RecursionError):
            start = self.body[:60].decode("utf-8", "replace")
            raise BadAnswer(f"{self.label} answered HTTP {self.status} with a body that is "
                            f"not JSON (starts {clip(start)!r})", status=self.status) from None


# --- the transport -------------------------------------------------------------------------

class _Redirects(urllib.request.HTTPRedirectHandler):
    """API calls: no redirect is followed (it could carry a key elsewhere or drop the body).
    Downloads: only to https; a redirect to plain http is refused before it is requested."""

    def __init__(self, follow: bool, label: str):
        super().__init__()
        self.follow = follow
        self.label = label

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not self.follow:
            return None
        target = urllib.parse.urlsplit(newurl)
        if target.scheme.lower() != "https":
            raise ServiceError(f"{self.label} redirected a download to plain http "
                               f"({target.hostname or newurl}); refused", status=code)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Transport:
    """HTTP for one service: the gates, retries, caps and a cookie jar for a session.

    `label` names the service in messages ("Meshy", "LLM endpoint"); `key_hint` says where the
    key comes from ("the preferences or MESHY_API_KEY"); `secrets` are masked in every message.
    `sleep` replaces the cancel-aware backoff sleep (tests record instead of sleeping).
    """

    def __init__(self, label: str, *, online: Online = False, cancel: Cancel = None,
                 secrets: Iterable[str] = (), key_hint: str = "", timeout_s: float = 30.0,
                 max_attempts: int = 3, max_total_wait_s: float = 30.0,
                 backoff_base_s: float = 1.0, max_response_bytes: int = 8 * MB,
                 sleep: Callable[[float], None] | None = None):
        self.label = label
        self.online = online
        self.cancel = cancel
        self.secrets = tuple(s for s in secrets if s)
        self.key_hint = key_hint
        self.timeout_s = timeout_s
        self.max_attempts = max_attempts
        self.max_total_wait_s = max_total_wait_s
        self.backoff_base_s = backoff_base_s
        self.max_response_bytes = max_response_bytes
        self.cookies = http.cookiejar.CookieJar()
        self._sleep = sleep or (lambda s: wait(s, cancel, f"a wait for {label}"))

    def __repr__(self) -> str:
        return f"Transport({self.label!r}, timeout_s={self.timeout_s!r})"

    # public calls

    def request(self, method: str, url: str, *, json_body: object = None,
                form: Iterable[tuple[str, object]] | None = None,
                headers: dict[str, str] | None = None, idempotent: bool) -> Response:
        """Send one request (retried per the rules) and read its answer, capped in size."""
        all_headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
        data = None
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            all_headers["Content-Type"] = "application/json"
        elif form is not None:
            data, all_headers["Content-Type"] = encode_multipart(form)
        try:
            with self._open(method, url, data, all_headers, idempotent) as response:
                host = urllib.parse.urlsplit(url).hostname or ""
                body = self._read_capped(response, host)
                return Response(response.status, response.headers, body, self.label)
        except ServiceError as exc:
            raise self._clean(exc) from None

    def get_json(self, url: str, **kw) -> object:
        return self.request("GET", url, idempotent=True, **kw).json()

    def post_json(self, url: str, body: object, *, idempotent: bool = False, **kw) -> object:
        return self.request("POST", url, json_body=body, idempotent=idempotent, **kw).json()

    def download(self, url: str, dest: Path, *, max_bytes: int, deadline_s: float,
                 progress: Progress | None = None, json_body: object = None,
                 headers: dict[str, str] | None = None) -> Path:
        """Stream `url` into `dest` (through dest.part), at most `max_bytes`, within
        `deadline_s`.  A plain download is a GET without credentials (links are pre-signed)
        that may follow https redirects; with `json_body` it is a POST that makes the file
        (a local Hunyuan3D server), sent once and never redirected."""
        try:
            return self._download(url, Path(dest), max_bytes, deadline_s, progress,
                                  json_body, headers or {})
        except ServiceError as exc:
            raise self._clean(exc) from None

    # internals

    def _clean(self, exc: ServiceError) -> ServiceError:
        clean = redact(str(exc), self.secrets)
        if clean == str(exc):
            return exc
        return type(exc)(clean, status=exc.status, detail=redact(exc.detail, self.secrets))

    def _check_gates(self, host: str) -> None:
        if not is_online(self.online):
            raise ServiceOffline(f"online access is off, so {self.label} ({host}) was not "
                                 f"contacted; allow online access in Blender's Preferences > "
                                 f"System > Network")
        if is_cancelled(self.cancel):
            raise Cancelled(f"cancelled before contacting {self.label}")

    def _opener(self, host: str, follow: bool) -> urllib.request.OpenerDirector:
        handlers: list = [_Redirects(follow, self.label),
                          urllib.request.HTTPCookieProcessor(self.cookies)]
        if host.lower() in LOCAL_HOSTS:
            handlers.append(urllib.request.ProxyHandler({}))   # a local server is never proxied
        return urllib.request.build_opener(*handlers)

    def _open(self, method: str, url: str, data: bytes | None, headers: dict[str, str],
              idempotent: bool, follow: bool = False, download: bool = False):
        host = check_url(url, self.label).hostname or ""
        opener = self._opener(host, follow)
        waited = 0.0
        for attempt in range(1, self.max_attempts + 1):
            self._check_gates(host)
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            log.info("%s %s %s (attempt %d)", self.label, method,
                     urllib.parse.urlsplit(url)._replace(query="").geturl(), attempt)
            retry_after = None
            try:
                return opener.open(request, timeout=self.timeout_s)
            except urllib.error.HTTPError as exc:
                with exc:
                    status = exc.code
                    if not (status == 429 or (status == 503 and idempotent)):
                        raise self._http_error(exc, host, download) from None
                    retry_after = exc.headers.get("Retry-After") if exc.headers else None
                    problem_detail = _error_detail(exc)
                    said = f": {problem_detail}" if problem_detail else ""
                    problem = f"{self.label} is busy (HTTP {status}{said})"
                    error = RateLimited if status == 429 else ServiceError
            except urllib.error.URLError as exc:
                reason = exc.reason
                if isinstance(reason, (TimeoutError, socket.timeout)):
                    raise self._timeout(host) from None
                if not isinstance(reason, ConnectionRefusedError):
                    raise Unreachable(f"could not reach {host}: {clip(reason)}") from None
                status, error, problem_detail = None, Unreachable, ""
                problem = f"{host} refused the connection (is the server running?)"
            except (TimeoutError, socket.timeout):
                raise self._timeout(host) from None
            except ConnectionRefusedError:
                status, error, problem_detail = None, Unreachable, ""
                problem = f"{host} refused the connection (is the server running?)"
            except (http.client.HTTPException, OSError) as exc:
                raise ServiceError(f"connection to {host} failed: {type(exc).__name__}: "
                                   f"{clip(exc)}") from None
            if attempt == self.max_attempts:
                raise error(f"{problem}; gave up after {self.max_attempts} attempts",
                            status=status, detail=problem_detail)
            delay = retry_delay(retry_after, attempt, self.backoff_base_s)
            if waited + delay > self.max_total_wait_s:
                raise error(f"{problem} and asks to wait {delay:g} s, more than the "
                            f"{self.max_total_wait_s:g} s allowed; try again later",
                            status=status, detail=problem_detail)
            log.warning("%s; retrying in %g s", problem, delay)
            self._sleep(delay)
            waited += delay
        raise AssertionError("unreachable")

    def _timeout(self, host: str) -> ServiceTimeout:
        return ServiceTimeout(f"no answer from {host} within {self.timeout_s:g} s")

    def _http_error(self, exc: urllib.error.HTTPError, host: str, download: bool) -> ServiceError:
        status = exc.code
        if 300 <= status < 400:
            where = exc.headers.get("Location", "") if exc.headers else ""
            return ServiceError(f"{self.label} redirected (HTTP {status}) to "
                                f"{clip(where) or 'elsewhere'}; set the final URL instead",
                                status=status)
        detail = _error_detail(exc)
        said = f" (server: {detail})" if detail else ""
        if download and status in (401, 403, 404, 410):
            return LinkExpired(f"the download link from {host} was refused (HTTP {status}); "
                               f"it has most likely expired{said}", status=status, detail=detail)
        if status == 402 or (status in (400, 403) and _about_credits(detail)):
            return NoCredits(f"{self.label} says the account has no credits left (HTTP "
                             f"{status}){said}; top it up or choose another provider",
                             status=status, detail=detail)
        if status in (401, 403):
            where = f" in {self.key_hint}" if self.key_hint else ""
            return AuthError(f"{self.label} refused the API key (HTTP {status}); check the key"
                             f"{where}{said}", status=status, detail=detail)
        return ServiceError(f"{self.label} answered HTTP {status}"
                            + (f": {detail}" if detail else ""), status=status, detail=detail)

    def _read_capped(self, response, host: str) -> bytes:
        cap = self.max_response_bytes
        declared = _declared_length(response)
        if declared is not None and declared > cap:
            raise self._too_big()
        limit_s = max(self.timeout_s, 1.0) * 2
        deadline = time.monotonic() + limit_s
        chunks, size = [], 0
        while True:
            try:
                chunk = response.read(CHUNK_BYTES)
            except (TimeoutError, socket.timeout):
                raise self._timeout(host) from None
            except (http.client.HTTPException, OSError) as exc:
                raise ServiceError(f"connection to {host} failed while reading: "
                                   f"{type(exc).__name__}: {clip(exc)}") from None
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > cap:
                raise self._too_big()
            if time.monotonic() > deadline:
                raise ServiceTimeout(f"the answer from {host} took longer than {limit_s:g} s "
                                     f"to arrive")
            chunks.append(chunk)

    def _too_big(self) -> ServiceError:
        return BadAnswer(f"{self.label}'s answer is larger than "
                         f"{size_text(self.max_response_bytes)}; refusing it")

    def _download(self, url: str, dest: Path, max_bytes: int, deadline_s: float,
                  progress: Progress | None, json_body: object,
                  extra_headers: dict[str, str]) -> Path:
        host = urllib.parse.urlsplit(url).hostname or ""
        headers = {"Accept": "*/*", "User-Agent": USER_AGENT, **extra_headers}
        if json_body is None:
            response = self._open("GET", url, None, headers, True, follow=True, download=True)
        else:
            headers["Content-Type"] = "application/json"
            data = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            response = self._open("POST", url, data, headers, False)
        part = dest.with_name(dest.name + ".part")
        too_big = DownloadTooLarge(f"the download from {host} is larger than the "
                                   f"{size_text(max_bytes)} cap; raise the cap "
                                   f"(STORY_MOTION_MAX_DOWNLOAD_MB) if that is expected")
        with response:
            declared = _declared_length(response)
            if declared is not None and declared > max_bytes:
                raise too_big
            dest.parent.mkdir(parents=True, exist_ok=True)
            deadline = time.monotonic() + deadline_s
            size = 0
            try:
                with open(part, "wb") as out:
                    while True:
                        if is_cancelled(self.cancel):
                            raise Cancelled(f"cancelled while downloading {dest.name}")
                        try:
                            chunk = response.read(CHUNK_BYTES)
                        except (TimeoutError, socket.timeout):
                            raise ServiceTimeout(f"the download from {host} stalled for "
                                                 f"{self.timeout_s:g} s") from None
                        except (http.client.HTTPException, OSError) as exc:
                            raise ServiceError(f"the download from {host} failed: "
                                               f"{type(exc).__name__}: {clip(exc)}") from None
                        if not chunk:
                            break
                        size += len(chunk)
                        if size > max_bytes:
                            raise too_big
                        if time.monotonic() > deadline:
                            raise ServiceTimeout(f"the download from {host} took longer than "
                                                 f"{deadline_s:g} s")
                        out.write(chunk)
                        if progress and declared:
                            progress(f"downloading {dest.name}", size / declared)
                if declared is not None and size < declared:
                    raise BadAnswer(f"the download from {host} ended early ({size} of "
                                    f"{declared} bytes)")
                os.replace(part, dest)
            finally:
                part.unlink(missing_ok=True)
        log.info("%s: downloaded %s (%s)", self.label, dest.name, size_text(size))
        return dest


def _declared_length(response) -> int | None:
    length = response.headers.get("Content-Length")
    return int(length) if length and length.strip().isdigit() else None


def _about_credits(message: str) -> bool:
    """Some services answer 403 for an empty balance (Tripo's "not enough credit")."""
    low = message.lower()
    return "credit" in low or "insufficient balance" in low


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """The server's message from an error answer (JSON bodies only), or ""."""
    try:
        raw = exc.read(64 * 1024)
        return server_message(json.loads(raw.decode("utf-8")))
    except Exception:            # noqa: BLE001 - the status alone is reported
        return ""
