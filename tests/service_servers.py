"""Local servers that follow each service's documented protocol (docs/providers.md), for tests.

    with MeshyServer() as meshy:
        meshy.fault("POST", "/openapi/v2/text-to-3d", Reply(500, {"message": "boom"}))
        config = service_config("meshy", meshy.api_url, api_key=KEY)
        ...
        meshy.count("POST", "/openapi/v2/text-to-3d")

Each runs in a thread on 127.0.0.1 with a free port and records every request.  `fault(method,
path_prefix, *replies)` queues replies that the next matching requests get instead of the
protocol's answer (status, body, headers, a delay for timeouts, a dropped connection).  Tasks
advance one status per poll: `steps` polls in progress, then done; `never_finish` keeps them
running; `fail_message` makes them fail.  Files are served from `files` at /files/<name>.
Also here: tiny real files (a triangle GLB, a two-joint BVH, a Blender FBX).
"""
from __future__ import annotations

import base64
import collections
import email.parser
import itertools
import json
import struct
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "services"
KEY = "msy-SECRET-key-0123456789abcdef"


def service_config(name: str, base_url: str, **kw):
    """A config for tests: online, tiny poll intervals and timeouts, recorded retry sleeps
    (`config.sleeps`)."""
    from addon.services.config import ProviderConfig
    sleeps: list[float] = []
    values = {"api_key": KEY, "timeout_s": 2.0, "task_timeout_s": 5.0, "poll_interval_s": 0.01,
              "poll_backoff": 1.0, "poll_max_interval_s": 0.01, "online": True,
              "sleep": sleeps.append, **kw}
    config = ProviderConfig(name, base_url, **values)
    config.sleeps = sleeps
    return config


# --- real files ----------------------------------------------------------------------------

def make_glb() -> bytes:
    """A glTF 2.0 binary with one triangle: header, JSON chunk, BIN chunk."""
    positions = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)
    gltf = {
        "asset": {"version": "2.0", "generator": "story-motion tests"},
        "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0, "name": "triangle"}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
        "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
                       "min": [0, 0, 0], "max": [1, 1, 0]}],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(positions)}],
        "buffers": [{"byteLength": len(positions)}],
    }
    text = json.dumps(gltf, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)
    binary = positions + b"\0" * (-len(positions) % 4)
    chunks = (struct.pack("<I4s", len(text), b"JSON") + text
              + struct.pack("<I4s", len(binary), b"BIN\0") + binary)
    return struct.pack("<4sII", b"glTF", 2, 12 + len(chunks)) + chunks


def make_bvh(frames: int = 3) -> bytes:
    """A two-joint ASCII BVH with `frames` frames at 30 fps."""
    head = """HIERARCHY
ROOT Hips
{
  OFFSET 0.0 0.0 0.0
  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
  JOINT Spine
  {
    OFFSET 0.0 10.0 0.0
    CHANNELS 3 Zrotation Xrotation Yrotation
    End Site
    {
      OFFSET 0.0 10.0 0.0
    }
  }
}
MOTION
"""
    lines = [f"Frames: {frames}", "Frame Time: 0.0333333"]
    lines += [f"0.0 90.0 {i:.1f} 0.0 0.0 0.0 {i * 5:.1f} 0.0 0.0" for i in range(frames)]
    return (head + "\n".join(lines) + "\n").encode()


def fbx_bytes() -> bytes:
    return (FIXTURES / "walk.fbx").read_bytes()


# --- the server machinery ------------------------------------------------------------------

@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0                 # wait before answering (request timeouts)
    drop: bool = False                   # close the connection without any answer
    declared_length: int | None = None   # a Content-Length other than the body's; -1: none

    def body_bytes(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


def json_reply(body: object, status: int = 200, **headers: str) -> Reply:
    return Reply(status, body, {"Content-Type": "application/json", **headers})


@dataclass
class Request:
    method: str
    path: str                            # without the query
    query: dict[str, str]
    headers: dict[str, str]              # names lower-cased
    body: bytes

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, list]:
        """The fields of a multipart/form-data body: text, or bytes for a file."""
        head = f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode()
        message = email.parser.BytesParser().parsebytes(head + self.body)
        fields: dict[str, list] = collections.defaultdict(list)
        for part in message.get_payload():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True)
            fields[name].append(data if part.get_filename() else data.decode("utf-8"))
        return dict(fields)


class _Handler(BaseHTTPRequestHandler):
    server: "_HTTPServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urllib.parse.urlsplit(self.path)
        request = Request(self.command, parts.path, dict(urllib.parse.parse_qsl(parts.query)),
                          {k.lower(): v for k, v in self.headers.items()}, body)
        owner = self.server.owner
        owner.requests.append(request)
        reply = owner._fault_for(request) or owner._answer(request)
        if reply.delay_s and owner._stopping.wait(reply.delay_s):
            return
        if reply.drop:
            self.close_connection = True
            return
        data = reply.body_bytes()
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            declared = len(data) if reply.declared_length is None else reply.declared_length
            if declared >= 0:
                self.send_header("Content-Length", str(declared))
            if reply.declared_length is not None:
                self.close_connection = True
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = do_PUT = do_DELETE = _serve


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: "ServiceServer"


class ServiceServer:
    """Base: recording, faults, files; subclasses answer their protocol in `handle`."""

    api_prefix = ""

    def __init__(self, port: int = 0):
        self.requests: list[Request] = []
        self.files: dict[str, bytes] = {}
        self.steps = 2                    # polls that answer "in progress" before "done"
        self.never_finish = False
        self.fail_message = ""
        self._faults: list[tuple[str, str, collections.deque]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        self._polls: collections.Counter = collections.Counter()
        self._httpd = _HTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + self.api_prefix

    def file_url(self, name: str) -> str:
        return f"{self.url}/files/{name}"

    def fault(self, method: str, path_prefix: str, *replies: Reply) -> "ServiceServer":
        with self._lock:
            self._faults.append((method, path_prefix, collections.deque(replies)))
        return self

    def count(self, method: str, path_prefix: str = "") -> int:
        return sum(1 for r in self.requests
                   if r.method == method and r.path.startswith(path_prefix))

    def new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids):04d}"

    def poll(self, task_id: str) -> tuple[str, float]:
        """The phase of a task at this poll: ("running", fraction) or ("done" | "failed", 1)."""
        n = self._polls[task_id]
        self._polls[task_id] += 1
        if self.never_finish or n < self.steps:
            return ("queued" if n == 0 else "running"), min(0.99, n / (self.steps + 1))
        return ("failed" if self.fail_message else "done"), 1.0

    def _fault_for(self, request: Request) -> Reply | None:
        with self._lock:
            for method, prefix, replies in self._faults:
                if request.method == method and request.path.startswith(prefix) and replies:
                    return replies.popleft()
        return None

    def _answer(self, request: Request) -> Reply:
        if request.method == "GET" and request.path.startswith("/files/"):
            name = request.path[len("/files/"):]
            if name in self.files:
                return Reply(200, self.files[name], {"Content-Type": "application/octet-stream"})
            return Reply(404, b"<Error><Code>NoSuchKey</Code></Error>")
        try:
            return self.handle(request) or json_reply({"message": "not found"}, 404)
        except (KeyError, ValueError, TypeError) as exc:
            return json_reply({"message": f"bad request: {exc}"}, 400)

    def handle(self, request: Request) -> Reply | None:
        raise NotImplementedError

    def start(self) -> "ServiceServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _bearer_ok(request: Request, key: str) -> bool:
    return request.headers.get("authorization") == f"Bearer {key}"


# --- Meshy ---------------------------------------------------------------------------------

class MeshyServer(ServiceServer):
    """Meshy's OpenAPI: 202 {"result": id}; GET <endpoint>/<id> gives the flat task."""

    api_prefix = "/openapi"
    ENDPOINTS = ("/openapi/v2/text-to-3d", "/openapi/v1/rigging", "/openapi/v1/animations",
                 "/openapi/v1/text-to-motion")
    PHASES = {"queued": "PENDING", "running": "IN_PROGRESS", "done": "SUCCEEDED",
              "failed": "FAILED"}

    def __init__(self, key: str = KEY, **kw):
        super().__init__(**kw)
        self.key = key
        self.tasks: dict[str, dict] = {}
        self.files.update({"model.glb": make_glb(), "rig.glb": make_glb(),
                           "anim.glb": make_glb(), "motion.bvh": make_bvh(),
                           "motion.fbx": fbx_bytes()})

    def handle(self, request: Request) -> Reply | None:
        if not _bearer_ok(request, self.key):
            return json_reply({"message": "Invalid API key."}, 401)
        endpoint = next((e for e in self.ENDPOINTS if request.path.startswith(e)), None)
        if endpoint is None:
            return None
        if request.method == "POST" and request.path == endpoint:
            body = request.json()
            task_id = self.new_id("task")
            self.tasks[task_id] = {"endpoint": endpoint, "body": body}
            return json_reply({"result": task_id}, 202)
        task_id = request.path[len(endpoint) + 1:]
        if request.method != "GET" or task_id not in self.tasks:
            return json_reply({"message": "Task not found"}, 404)
        phase, fraction = self.poll(task_id)
        task = {"id": task_id, "type": endpoint.rsplit("/", 1)[1],
                "status": self.PHASES[phase], "progress": int(fraction * 100),
                "created_at": 1, "started_at": 2 if phase != "queued" else 0,
                "finished_at": 3 if phase in ("done", "failed") else 0,
                "preceding_tasks": 0, "task_error": {"message": ""}}
        if phase == "failed":
            task["task_error"] = {"message": self.fail_message}
        if phase == "done":
            task.update(self._results(endpoint, self.tasks[task_id]["body"]))
        return json_reply(task)

    def _results(self, endpoint: str, body: dict) -> dict:
        if endpoint.endswith("text-to-3d"):
            return {"model_urls": {"glb": self.file_url("model.glb"),
                                   "fbx": self.file_url("model.fbx")},
                    "thumbnail_url": self.file_url("thumb.png")}
        if endpoint.endswith("rigging"):
            return {"result": {"rigged_character_glb_url": self.file_url("rig.glb"),
                               "rigged_character_fbx_url": self.file_url("rig.fbx"),
                               "basic_animations": {"walking_glb_url": self.file_url("w.glb")}}}
        if endpoint.endswith("animations"):
            return {"result": {"animation_glb_url": self.file_url("anim.glb"),
                               "animation_fbx_url": self.file_url("motion.fbx")}}
        fmt = "bvh" if body.get("mode") == "swift" else "fbx"
        return {"result": {f"animation_{fmt}_url": self.file_url(f"motion.{fmt}")}}


# --- Tripo ---------------------------------------------------------------------------------

class TripoServer(ServiceServer):
    """Tripo v2: POST /task {type, ...} and GET /task/<id>, all in {code, data}."""

    api_prefix = "/v2/openapi"
    PHASES = {"queued": "queued", "running": "running", "done": "success", "failed": "failed"}

    def __init__(self, key: str = KEY, **kw):
        super().__init__(**kw)
        self.key = key
        self.riggable = True
        self.final_status = ""           # e.g. "banned", "expired" instead of success
        self.tasks: dict[str, dict] = {}
        self.files.update({"model.glb": make_glb(), "rig.glb": make_glb(),
                           "walk.fbx": fbx_bytes(), "walk.glb": make_glb()})

    def handle(self, request: Request) -> Reply | None:
        if not _bearer_ok(request, self.key):
            return json_reply({"code": 1002, "message": "Authentication failed",
                               "suggestion": "Check your API key"}, 401)
        if request.method == "POST" and request.path == "/v2/openapi/task":
            body = request.json()
            task_id = self.new_id("tripo")
            self.tasks[task_id] = body
            return json_reply({"code": 0, "data": {"task_id": task_id}})
        task_id = request.path.rsplit("/", 1)[-1]
        if request.method != "GET" or task_id not in self.tasks:
            return None
        body = self.tasks[task_id]
        phase, fraction = self.poll(task_id)
        status = self.PHASES[phase]
        if phase == "done" and self.final_status:
            status = self.final_status
        data = {"task_id": task_id, "type": body["type"], "status": status,
                "progress": int(fraction * 100), "input": body, "output": {},
                "running_left_time": 0, "queuing_num": 0}
        if status == "failed":
            data.update(error_code=2002, error_msg=self.fail_message)
        if status == "success":
            data["output"] = self._output(body)
        return json_reply({"code": 0, "data": data})

    def _output(self, body: dict) -> dict:
        kind = body["type"]
        if kind == "text_to_model":
            return {"model": self.file_url("model.glb"), "pbr_model": self.file_url("model.glb"),
                    "rendered_image": self.file_url("render.webp")}
        if kind == "animate_prerigcheck":
            return {"riggable": self.riggable, "rig_type": "biped"}
        if kind == "animate_rig":
            return {"model": self.file_url("rig.glb")}
        return {"model": self.file_url(f"walk.{body.get('out_format', 'glb')}")}


# --- Hyper3D Rodin -------------------------------------------------------------------------

class RodinServer(ServiceServer):
    """Rodin v2: multipart POST /rodin; POST /status by subscription key; POST /download."""

    api_prefix = "/api/v2"
    JOBS = {"queued": "Waiting", "running": "Generating", "done": "Done", "failed": "Failed"}

    def __init__(self, key: str = KEY, **kw):
        super().__init__(**kw)
        self.key = key
        self.expired_links = 0           # how many issued links answer 403 "expired"
        self.forms: list[dict[str, list[str]]] = []
        self.subscriptions: dict[str, str] = {}
        self._links = itertools.count(1)
        self.files["rodin.glb"] = make_glb()

    def handle(self, request: Request) -> Reply | None:
        if not _bearer_ok(request, self.key):
            return json_reply({"error": "Unauthorized", "message": "Invalid API key"}, 401)
        if request.method != "POST":
            return None
        if request.path == "/api/v2/rodin":
            if not request.headers["content-type"].startswith("multipart/form-data"):
                return json_reply({"error": "BadRequest", "message": "expected multipart"}, 400)
            self.forms.append(request.form())
            if not self.forms[-1].get("prompt"):
                return json_reply({"error": "BadRequest", "message": "prompt is required"}, 400)
            uuid = self.new_id("rodin")
            key = self.new_id("sub")
            self.subscriptions[key] = uuid
            return json_reply({"uuid": uuid, "jobs": {"uuids": [f"{uuid}-a", f"{uuid}-b"],
                                                      "subscription_key": key}})
        if request.path == "/api/v2/status":
            key = request.json()["subscription_key"]
            uuid = self.subscriptions[key]
            phase, _ = self.poll(uuid)
            second = "Done" if phase == "done" else self.JOBS[phase]
            first = "Done" if phase != "queued" else "Waiting"
            return json_reply({"jobs": [{"uuid": f"{uuid}-a", "status": first},
                                        {"uuid": f"{uuid}-b", "status": second}]})
        if request.path == "/api/v2/download":
            if request.json().get("task_uuid") not in self.subscriptions.values():
                return json_reply({"error": "NotFound", "message": "no such task"}, 404)
            token = next(self._links)
            return json_reply({"list": [
                {"url": self.file_url(f"rodin.glb?token={token}"), "name": "base_basic_pbr.glb"},
                {"url": self.file_url("preview.webp"), "name": "preview.webp"}]})
        return None

    def _answer(self, request: Request) -> Reply:
        token = request.query.get("token")
        if request.path.startswith("/files/") and token and int(token) <= self.expired_links:
            return Reply(403, b"<Error><Code>AccessDenied</Code>"
                              b"<Message>Request has expired</Message></Error>",
                         {"Content-Type": "application/xml"})
        return super()._answer(request)


# --- Hunyuan3D-2 ---------------------------------------------------------------------------

class HunyuanServer(ServiceServer):
    """Hunyuan3D-2's api_server.py: POST /generate answers the GLB bytes."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.glb = make_glb()

    def handle(self, request: Request) -> Reply | None:
        if request.method == "POST" and request.path == "/generate":
            params = request.json()
            if "text" not in params and "image" not in params:
                return json_reply({"text": "NETWORK ERROR: no text or image", "error_code": 1},
                                  404)
            return Reply(200, self.glb, {"Content-Type": "model/gltf-binary"})
        return None


# --- DeepMotion SayMotion ------------------------------------------------------------------

class SayMotionServer(ServiceServer):
    """SayMotion: Basic auth sets the dmsess cookie that every later call must send."""

    SESSION = "s%3Atest-session.abc"
    STATES = {"queued": "PROGRESS", "running": "PROGRESS", "done": "SUCCESS",
              "failed": "FAILURE"}

    def __init__(self, client_id: str = "client-id", secret: str = "client-SECRET-42", **kw):
        super().__init__(**kw)
        self.basic = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        self.jobs: dict[str, dict] = {}
        self.set_cookie = True
        self.files.update({"motion.bvh": make_bvh(), "motion.zip": b"PK\x03\x04"})

    def handle(self, request: Request) -> Reply | None:
        if request.path == "/account/v1/auth" and request.method == "GET":
            if request.headers.get("authorization") != self.basic:
                return json_reply({"message": "invalid client credentials"}, 401)
            headers = {"Set-Cookie": f"dmsess={self.SESSION}; Path=/; HttpOnly"} \
                if self.set_cookie else {}
            return Reply(200, b"", headers)
        if f"dmsess={self.SESSION}" not in request.headers.get("cookie", ""):
            return json_reply({"message": "Unauthorized: no session"}, 401)
        if request.path == "/character/v1/listModels":
            return json_reply({"count": 1, "list": [{"id": "stock-1", "name": "Male"}]})
        if request.method == "POST" and request.path == "/job/v1/process/text2motion":
            rid = self.new_id("rid")
            self.jobs[rid] = request.json()
            return json_reply({"rid": rid})
        if request.path.startswith("/job/v1/status/"):
            rid = request.path.rsplit("/", 1)[1]
            phase, fraction = self.poll(rid)
            entry = {"rid": rid, "status": self.STATES[phase]}
            if entry["status"] == "PROGRESS":
                entry.update(details={"step": int(fraction * 10), "total": 10},
                             positionInQueue=0)
            elif entry["status"] == "FAILURE":
                entry["details"] = {"exc_message": self.fail_message, "exc_type": "Error"}
            return json_reply({"count": 1, "status": [entry]})
        if request.path.startswith("/job/v1/download/"):
            rid = request.path.rsplit("/", 1)[1]
            return json_reply({"count": 1, "links": [{"rid": rid, "urls": [
                {"name": "variant1", "files": [{"fbx": self.file_url("motion.zip")},
                                               {"bvh": self.file_url("motion.bvh")}]}]}]})
        return None
