"""The shared service transport, the task poller, file checks and provider configs, against a
local server (no network, no Blender)."""
from __future__ import annotations

import logging
import socket
import threading
import time
import urllib.request

import pytest

from addon.services import config as cfg
from addon.services import files, tasks, transport
from addon.services.errors import (AuthError, BadAnswer, Cancelled, DownloadTooLarge,
                                   LinkExpired, NoCredits, RateLimited, ServiceError,
                                   ServiceOffline, ServiceTimeout, TaskFailed, Unreachable)
from service_servers import (KEY, Reply, ServiceServer, fbx_bytes, json_reply, make_bvh,
                             make_glb, service_config)


class EchoServer(ServiceServer):
    """Answers {"ok": true, "method": ...} to anything; faults do the rest."""

    def handle(self, request):
        return json_reply({"ok": True, "method": request.method})


@pytest.fixture
def server():
    with EchoServer() as s:
        s.files["a.glb"] = make_glb()
        yield s


@pytest.fixture
def sleeps():
    return []


def make(sleeps, **kw) -> transport.Transport:
    values = {"online": True, "secrets": (KEY,), "key_hint": "the preferences or TEST_KEY",
              "timeout_s": 2.0, "sleep": sleeps.append, **kw}
    return transport.Transport("Test", **values)


def post(t, server, path="/tasks", **kw):
    return t.post_json(server.url + path, {"prompt": "x"}, headers={"Authorization":
                                                                    f"Bearer {KEY}"}, **kw)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_network(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError(f"network used: {args}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return calls


# --- gates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("online", [False, lambda: False])
def test_offline_sends_nothing_at_all(server, sleeps, no_network, tmp_path, online):
    t = make(sleeps, online=online)
    with pytest.raises(ServiceOffline, match="online access is off, so Test .* not contacted"):
        post(t, server)
    with pytest.raises(ServiceOffline):
        t.download(server.file_url("a.glb"), tmp_path / "a.glb", max_bytes=10, deadline_s=1)
    assert server.requests == [] and no_network == []


def test_cancel_before_the_request_sends_nothing(server, sleeps):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled, match="cancelled before contacting Test"):
        post(make(sleeps, cancel=cancel), server)
    assert server.requests == []


@pytest.mark.parametrize("url, message", [
    ("http://api.example.com/v1", "refusing plain http to api.example.com; use https"),
    ("http://127.0.0.1.evil.example/x", "refusing plain http to 127.0.0.1.evil.example"),
    ("ftp://example.com/x", "must start with https://"),
    ("https://user:pw@example.com/x", "must not contain a user name"),
])
def test_unsafe_urls_are_refused_without_any_network(sleeps, no_network, url, message):
    with pytest.raises(ServiceError, match=message):
        make(sleeps).get_json(url)
    assert no_network == []


# --- retries -------------------------------------------------------------------------------

def test_429_honours_retry_after_even_for_a_task_creating_post(server, sleeps):
    server.fault("POST", "/tasks", json_reply({"message": "NoMoreConcurrentTasks"}, 429,
                                              **{"Retry-After": "0.05"}))
    assert post(make(sleeps), server)["ok"] is True
    assert sleeps == [0.05]
    assert server.count("POST", "/tasks") == 2


def test_429_asking_for_too_long_gives_up_at_once(server, sleeps):
    server.fault("POST", "/tasks", json_reply({"message": "RateLimitExceeded"}, 429,
                                              **{"Retry-After": "3600"}))
    with pytest.raises(RateLimited) as info:
        post(make(sleeps), server)
    assert str(info.value) == ("Test is busy (HTTP 429: RateLimitExceeded) and asks to wait "
                               "3600 s, more than the 30 s allowed; try again later")
    assert sleeps == [] and server.count("POST") == 1


def test_429_three_times_gives_up_with_backoff(server, sleeps):
    server.fault("GET", "/x", *[json_reply({"message": "slow"}, 429)] * 3)
    with pytest.raises(RateLimited, match=r"HTTP 429: slow\); gave up after 3 attempts"):
        make(sleeps, backoff_base_s=0.01).get_json(server.url + "/x")
    assert sleeps == [0.01, 0.02]


def test_503_is_retried_for_a_read_but_never_for_a_task_creating_post(server, sleeps):
    server.fault("GET", "/status", json_reply({"message": "busy"}, 503))
    assert make(sleeps).get_json(server.url + "/status")["ok"]
    assert server.count("GET", "/status") == 2
    server.fault("POST", "/tasks", json_reply({"message": "busy"}, 503))
    with pytest.raises(ServiceError, match="Test answered HTTP 503: busy"):
        post(make(sleeps), server)
    assert server.count("POST", "/tasks") == 1


def test_a_500_on_a_task_creating_post_is_sent_exactly_once(server, sleeps):
    server.fault("POST", "/tasks", json_reply({"message": "internal error"}, 500))
    with pytest.raises(ServiceError) as info:
        post(make(sleeps), server)
    assert str(info.value) == "Test answered HTTP 500: internal error"
    assert info.value.status == 500
    assert server.count("POST", "/tasks") == 1 and sleeps == []


def test_a_timeout_on_a_task_creating_post_is_sent_exactly_once(server, sleeps):
    server.fault("POST", "/tasks", Reply(200, {"late": True}, delay_s=2.0))
    began = time.monotonic()
    with pytest.raises(ServiceTimeout) as info:
        post(make(sleeps, timeout_s=0.3), server)
    assert str(info.value) == "no answer from 127.0.0.1 within 0.3 s"
    assert time.monotonic() - began < 1.5
    assert server.count("POST", "/tasks") == 1 and sleeps == []


def test_connection_refused_is_retried_then_reported(sleeps):
    url = f"http://127.0.0.1:{free_port()}/x"
    with pytest.raises(Unreachable) as info:
        make(sleeps, backoff_base_s=0.01).get_json(url)
    assert str(info.value) == ("127.0.0.1 refused the connection (is the server running?); "
                               "gave up after 3 attempts")
    assert sleeps == [0.01, 0.02]


def test_a_dropped_connection_is_a_clear_error(server, sleeps):
    server.fault("POST", "/tasks", Reply(drop=True))
    with pytest.raises(ServiceError, match="connection to 127.0.0.1 failed"):
        post(make(sleeps), server)
    assert server.count("POST") == 1


def test_retry_after_as_an_http_date():
    soon = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 5))
    assert 3.0 <= transport.retry_delay(soon, 1) <= 5.0
    assert transport.retry_delay("garbage", 2, 0.5) == 1.0


# --- answers -------------------------------------------------------------------------------

def test_malformed_json_is_a_bad_answer(server, sleeps):
    server.fault("GET", "/x", Reply(200, '{"status": "SUCC', {"Content-Type": "application/json"}))
    with pytest.raises(BadAnswer) as info:
        make(sleeps).get_json(server.url + "/x")
    assert str(info.value) == ("Test answered HTTP 200 with a body that is not JSON "
                               "(starts '{\"status\": \"SUCC')")


def test_an_oversized_answer_is_refused(server, sleeps):
    server.fault("GET", "/x", json_reply({"pad": "x" * 5000}))
    with pytest.raises(BadAnswer, match="Test's answer is larger than 1 KB; refusing it"):
        make(sleeps, max_response_bytes=1024).get_json(server.url + "/x")


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_is_named_but_never_shown(server, sleeps, caplog, status):
    caplog.set_level(logging.DEBUG)
    server.fault("POST", "/tasks", json_reply({"message": f"bad key {KEY}"}, status))
    with pytest.raises(AuthError) as info:
        post(make(sleeps), server)
    assert str(info.value) == (f"Test refused the API key (HTTP {status}); check the key in "
                               f"the preferences or TEST_KEY (server: bad key ***)")
    assert KEY not in repr(info.value) and KEY not in info.value.detail
    assert KEY not in caplog.text


@pytest.mark.parametrize("status, body", [
    (402, {"message": "Payment required"}),
    (403, {"code": 2010, "message": "You don't have enough credit"}),
])
def test_no_credits(server, sleeps, status, body):
    server.fault("POST", "/tasks", json_reply(body, status))
    with pytest.raises(NoCredits, match=f"no credits left \\(HTTP {status}\\)"):
        post(make(sleeps), server)


def test_an_api_redirect_is_not_followed(server, sleeps):
    server.fault("GET", "/x", Reply(302, headers={"Location": server.url + "/y"}))
    with pytest.raises(ServiceError, match=r"redirected \(HTTP 302\) to http://127.0.0.1"):
        make(sleeps).get_json(server.url + "/x")
    assert server.count("GET", "/y") == 0


# --- downloads -----------------------------------------------------------------------------

def fetch(server, sleeps, tmp_path, name="a.glb", **kw):
    return make(sleeps).download(server.file_url(name), tmp_path / "out.glb",
                                 **{"max_bytes": 10_000, "deadline_s": 5.0, **kw})


def test_a_download_streams_to_the_file_and_reports_progress(server, sleeps, tmp_path):
    seen = []
    path = fetch(server, sleeps, tmp_path, progress=lambda what, f: seen.append(f))
    assert path.read_bytes() == make_glb()
    assert seen[-1] == 1.0
    assert "authorization" not in server.requests[-1].headers
    assert [p.name for p in tmp_path.iterdir()] == ["out.glb"]


@pytest.mark.parametrize("declared_length", [None, -1])
def test_the_size_cap(server, sleeps, tmp_path, declared_length):
    server.files["big.bin"] = b"x" * 5000
    if declared_length is not None:
        server.fault("GET", "/files/big.bin", Reply(200, b"x" * 5000, declared_length=-1))
    with pytest.raises(DownloadTooLarge) as info:
        fetch(server, sleeps, tmp_path, "big.bin", max_bytes=1024)
    assert str(info.value) == ("the download from 127.0.0.1 is larger than the 1 KB cap; "
                               "raise the cap (STORY_MOTION_MAX_DOWNLOAD_MB) if that is expected")
    assert list(tmp_path.iterdir()) == []


def test_a_truncated_download_is_an_error_and_leaves_nothing(server, sleeps, tmp_path):
    glb = make_glb()
    server.fault("GET", "/files/a.glb", Reply(200, glb[:50], declared_length=len(glb)))
    with pytest.raises(BadAnswer, match=f"ended early \\(50 of {len(glb)} bytes\\)"):
        fetch(server, sleeps, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_redirect_to_plain_http_is_refused_before_it_is_followed(server, sleeps, tmp_path):
    server.fault("GET", "/files/a.glb", Reply(302, headers={"Location": server.url + "/plain"}))
    with pytest.raises(ServiceError, match=r"redirected a download to plain http \(127.0.0.1\)"):
        fetch(server, sleeps, tmp_path)
    assert server.count("GET", "/plain") == 0


def test_a_download_redirect_to_https_is_followed():
    handler = transport._Redirects(True, "Test")
    request = urllib.request.Request("https://cdn.example.com/a")
    new = handler.redirect_request(request, None, 302, "Found", {}, "https://cdn2.example.com/b")
    assert new.full_url == "https://cdn2.example.com/b"
    assert transport._Redirects(False, "Test").redirect_request(
        request, None, 302, "Found", {}, "https://cdn2.example.com/b") is None


def test_an_expired_link_is_its_own_error(server, sleeps, tmp_path):
    server.fault("GET", "/files/a.glb", Reply(403, b"<Error><Message>Request has expired"))
    with pytest.raises(LinkExpired, match=r"download link from 127.0.0.1 was refused "
                                          r"\(HTTP 403\); it has most likely expired"):
        fetch(server, sleeps, tmp_path)


def test_cancel_during_a_download(server, sleeps, tmp_path):
    server.files["big.bin"] = b"x" * 300_000
    cancel = threading.Event()
    with pytest.raises(Cancelled, match="while downloading out.glb"):
        make(sleeps, cancel=cancel).download(server.file_url("big.bin"), tmp_path / "out.glb",
                                             max_bytes=10**6, deadline_s=5,
                                             progress=lambda *a: cancel.set())
    assert list(tmp_path.iterdir()) == []


def test_multipart_encoding_round_trips():
    body, ctype = transport.encode_multipart([("prompt", "a red chair"), ("images", "1"),
                                              ("images", ("a.png", b"\x89PNG", "image/png"))])
    from service_servers import Request
    form = Request("POST", "/", {}, {"content-type": ctype}, body).form()
    assert form == {"prompt": ["a red chair"], "images": ["1", b"\x89PNG"]}


# --- files ---------------------------------------------------------------------------------

def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_real_files_pass_their_checks(tmp_path):
    files.check_glb(write(tmp_path, "a.glb", make_glb()))
    files.check_fbx(write(tmp_path, "a.fbx", fbx_bytes()))
    files.check_fbx(write(tmp_path, "b.fbx", b"; FBX 7.4.0 project file\nFBXHeaderExtension"))
    files.check_bvh(write(tmp_path, "a.bvh", make_bvh()))


@pytest.mark.parametrize("name, data, message", [
    ("a.glb", make_glb()[:-8], "a.glb is truncated or corrupt: the header says"),
    ("a.glb", b"<html>not found</html>" * 2, "a.glb is not a GLB file"),
    ("a.glb", make_glb()[:20] + b"\xff" * (len(make_glb()) - 20), "a.glb is corrupt"),
    ("a.fbx", fbx_bytes()[:-100], "a.fbx is a truncated FBX file"),
    ("a.fbx", b"PK\x03\x04 zip archive" * 20, "a.fbx is not an FBX file"),
    ("a.bvh", make_bvh(5)[:-40], "a.bvh is truncated: 4 of 5 frames"),
    ("a.bvh", b"<html></html>", "a.bvh is not a BVH file"),
])
def test_corrupt_files_are_refused(tmp_path, name, data, message):
    with pytest.raises(BadAnswer, match=message):
        files.check_file(write(tmp_path, name, data), name.rsplit(".", 1)[1])


# --- the task poller -----------------------------------------------------------------------

def poller_config(**kw):
    return service_config("meshy", "http://127.0.0.1:1", **kw)


def test_a_task_that_never_finishes_times_out():
    config = poller_config(task_timeout_s=0.2)
    began = time.monotonic()
    with pytest.raises(ServiceTimeout, match=r"the model did not finish within 0.2 s"):
        tasks.wait_for_task(lambda: tasks.TaskState(tasks.RUNNING, 0.5), config, "the model")
    assert time.monotonic() - began < 1.0


def test_cancel_while_polling():
    cancel = threading.Event()
    polls = []

    def check():
        polls.append(1)
        if len(polls) == 3:
            cancel.set()
        return tasks.TaskState(tasks.RUNNING)

    with pytest.raises(Cancelled, match="cancelled while waiting for the model"):
        tasks.wait_for_task(check, poller_config(), "the model", cancel=cancel)
    assert len(polls) == 3


def test_progress_and_failures_while_polling():
    states = iter([tasks.TaskState(tasks.QUEUED, 0.0), tasks.TaskState(tasks.RUNNING, 0.5),
                   tasks.TaskState(tasks.FAILED, message="mesh too complex")])
    seen = []
    with pytest.raises(TaskFailed, match="the model failed: mesh too complex"):
        tasks.wait_for_task(lambda: next(states), poller_config(), "the model",
                            progress=lambda what, f: seen.append((what, f)))
    assert seen == [("the model: queued", 0.0), ("the model: running", 0.5)]


def test_a_flaky_status_check_is_tried_again_but_not_forever():
    answers = [ServiceTimeout("no answer"), ServiceError("HTTP 502", status=502),
               tasks.TaskState(tasks.DONE, data={"ok": 1})]

    def check():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert tasks.wait_for_task(check, poller_config(), "x").data == {"ok": 1}

    def always_down():
        raise ServiceError("Test answered HTTP 500", status=500)

    with pytest.raises(ServiceError, match=r"HTTP 500 \(checking x, 3 times in a row\)"):
        tasks.wait_for_task(always_down, poller_config(), "x")


# --- configuration -------------------------------------------------------------------------

def test_config_from_env_and_overrides():
    env = {"STORY_MOTION_MESHY_URL": "http://127.0.0.1:9/openapi", "MESHY_API_KEY": KEY,
           "STORY_MOTION_MAX_DOWNLOAD_MB": "5"}
    config = cfg.config_from_env("meshy", {"online": True, "api_key": ""}, env)
    assert (config.base_url, config.api_key, config.online) == (
        "http://127.0.0.1:9/openapi", KEY, True)
    assert config.max_download_bytes == 5 * transport.MB
    assert cfg.config_from_env("meshy", environ={}).base_url == "https://api.meshy.ai/openapi"
    assert cfg.config_from_env("meshy", environ={}).online is False
    assert cfg.config_from_env("meshy", {"api_key": "pref"}, env).api_key == "pref"
    sm = cfg.config_from_env("saymotion", environ={"DEEPMOTION_CLIENT_ID": "id",
                                                   "DEEPMOTION_CLIENT_SECRET": "sec"})
    assert (sm.api_key, sm.secret) == ("id", "sec")
    hy = cfg.config_from_env("hunyuan", environ={"HUNYUAN3D_URL": "http://localhost:8080"})
    assert hy.base_url == "http://localhost:8080"
    rodin = cfg.config_from_env("rodin", environ={"HYPER3D_API_KEY": "r"})
    assert rodin.api_key == "r"
    with pytest.raises(ServiceError, match="unknown provider 'nope'; known: meshy, tripo"):
        cfg.config_from_env("nope")
    with pytest.raises(ServiceError, match="unknown provider settings: colour"):
        cfg.config_from_env("meshy", {"colour": "red"})


def test_repr_never_shows_keys():
    config = cfg.ProviderConfig("saymotion", "https://x", api_key=KEY, secret="SECRET-2")
    for text in (repr(config), str(config), f"{config!r}", repr([config])):
        assert KEY not in text and "SECRET-2" not in text and "'***'" in text
    assert KEY not in repr(config.transport())


# --- the registry --------------------------------------------------------------------------

def test_the_registry_finds_providers_by_capability():
    from addon import services
    assert services.provider_for("motion", "saymotion").generate_motion is not None
    assert services.provider_for("rig", "tripo").rig_model is not None
    for name, provider in services.PROVIDERS.items():
        assert provider.name == name and name in cfg.DEFAULTS
        assert ("props" in provider.capabilities) == (provider.generate_model is not None)
        assert ("rig" in provider.capabilities) == (provider.rig_model is not None)
        assert ("motion" in provider.capabilities) == (provider.generate_motion is not None)
    with pytest.raises(ServiceError, match="'rodin' cannot provide motion; choose one of "
                                           "meshy, saymotion"):
        services.provider_for("motion", "rodin")
    with pytest.raises(ServiceError, match="unknown capability 'sound'"):
        services.provider_for("sound", "meshy")
