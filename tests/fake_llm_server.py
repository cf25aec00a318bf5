"""A scriptable OpenAI-compatible chat-completions server for tests.

    with FakeLLMServer() as server:
        server.reply(chat_reply(screenplay_json))            # 200 with that message content
        server.reply(Reply(429, headers={"Retry-After": "2"}))
        config = LLMConfig(url=server.url, model="m")        # http://127.0.0.1:<port>/v1
        ...
        server.requests[0].json()["messages"]

Each POST to /v1/chat/completions takes the next scripted `Reply` (status, headers, body,
delay); an unscripted request gets HTTP 500 so a test notices.  Every request is recorded
(method, path, headers, body) before the delay.  Runs in a thread on 127.0.0.1 with a free
port; `stop()` wakes delayed handlers so tests end at once.
"""
from __future__ import annotations

import collections
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHAT_PATH = "/v1/chat/completions"


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0                 # wait before answering (for timeouts)
    content_length: bool = True          # False: no Content-Length, the body ends at close

    def body_bytes(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


def chat_completion(content: str | None, model: str = "fake-model",
                    finish_reason: str = "stop", **message) -> dict:
    """The JSON of a chat-completions answer whose first choice says `content`."""
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "finish_reason": finish_reason,
                     "message": {"role": "assistant", "content": content, **message}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def chat_reply(content: str | None, **kw) -> Reply:
    """A 200 Reply carrying `content` as choices[0].message.content."""
    return Reply(200, chat_completion(content, **kw),
                 headers={"Content-Type": "application/json"})


def error_reply(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    """An OpenAI-style error answer {"error": {"message", "type", "code"}}."""
    return Reply(status, {"error": {"message": message, "type": "fake_error", "code": status}},
                 headers={"Content-Type": "application/json", **(headers or {})})


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]              # header names lower-cased
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):      # keep test output clean
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self._record(body)
        if self.path != CHAT_PATH:
            self._send(Reply(404, {"error": {"message": f"no route {self.path}"}}))
            return
        self._send(self.server.owner._next_reply())

    def do_GET(self):
        self._record(b"")
        self._send(Reply(404, {"error": {"message": "only POST " + CHAT_PATH}}))

    def _record(self, body: bytes):
        self.server.owner.requests.append(RecordedRequest(
            self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))

    def _send(self, reply: Reply):
        if reply.delay_s and self.server.owner._stopping.wait(reply.delay_s):
            return                               # the server is stopping
        data = reply.body_bytes()
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.content_length:
                self.send_header("Content-Length", str(len(data)))
            else:
                self.close_connection = True
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass                                 # the client gave up (timeouts, size caps)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: "FakeLLMServer"


class FakeLLMServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.requests: list[RecordedRequest] = []
        self._replies: collections.deque[Reply] = collections.deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """The API base, as a user would set it: http://127.0.0.1:<port>/v1"""
        return f"http://127.0.0.1:{self.port}/v1"

    def reply(self, *replies: Reply) -> "FakeLLMServer":
        """Queue replies; each request takes the next one."""
        with self._lock:
            self._replies.extend(replies)
        return self

    def pending(self) -> int:
        with self._lock:
            return len(self._replies)

    def _next_reply(self) -> Reply:
        with self._lock:
            if self._replies:
                return self._replies.popleft()
        return Reply(500, {"error": {"message": "fake server: no scripted reply left"}})

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path == CHAT_PATH]

    def start(self) -> "FakeLLMServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> "FakeLLMServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
