"""The Meshy client against a local server that follows Meshy's documented protocol."""
from __future__ import annotations

import threading

import pytest

from addon.services import meshy
from addon.services.config import ModelResult
from addon.services.errors import (AuthError, BadAnswer, Cancelled, DownloadTooLarge,
                                   ModerationError, NoCredits, RateLimited, ServiceError,
                                   ServiceOffline, ServiceTimeout, TaskFailed)
from service_servers import KEY, MeshyServer, Reply, json_reply, make_bvh, make_glb, service_config

T23D = "/openapi/v2/text-to-3d"


@pytest.fixture
def server():
    with MeshyServer() as s:
        yield s


def config_for(server, **kw):
    return service_config("meshy", server.api_url, **kw)


def test_preview_then_refine_downloads_a_checked_glb(server, tmp_path):
    seen = []
    result = meshy.generate_model("a wooden chair", tmp_path, config_for(server),
                                  progress=lambda what, f: seen.append((what, f)))
    assert result.provider == "meshy" and result.format == "glb"
    assert result.path.read_bytes() == make_glb()
    posts = [r for r in server.requests if r.method == "POST"]
    assert [p.json()["mode"] for p in posts] == ["preview", "refine"]
    assert posts[0].json()["prompt"] == "a wooden chair"
    preview_id = "task-0001"
    assert posts[1].json()["preview_task_id"] == preview_id
    assert result.task_id == "task-0002"
    assert all(r.headers.get("authorization") == f"Bearer {KEY}"
               for r in server.requests if not r.path.startswith("/files/"))
    assert ("the preview model: queued", 0.0) in seen
    assert ("the textured model: done", 1.0) in seen


def test_character_pose_mode_then_rig(server, tmp_path):
    config = config_for(server)
    model = meshy.generate_model("a knight", tmp_path, config, refine=False, pose_mode="t-pose")
    assert server.requests[0].json()["pose_mode"] == "t-pose"
    rig = meshy.rig_model(model, tmp_path, config, height_m=1.8)
    body = [r for r in server.requests if r.path == "/openapi/v1/rigging"][0].json()
    assert body == {"input_task_id": model.task_id, "height_meters": 1.8}
    assert rig.path.read_bytes() == make_glb() and rig.path.name.endswith(".glb")
    anim = meshy.animate(rig, 3, tmp_path, config)
    body = [r for r in server.requests if r.path == "/openapi/v1/animations"][0].json()
    assert body == {"rig_task_id": rig.rig_task_id, "action_id": 3}
    assert anim.format == "glb" and anim.path.exists()


@pytest.mark.parametrize("mode, fmt", [("swift", "bvh"), ("prime", "fbx")])
def test_text_to_motion(server, tmp_path, mode, fmt):
    result = meshy.generate_motion("a man waves", 4, tmp_path, config_for(server), mode=mode)
    body = [r for r in server.requests if r.method == "POST"][0].json()
    assert body == {"prompt": "a man waves", "duration": 4.0, "mode": mode}
    assert result.format == fmt and result.path.suffix == f".{fmt}"
    if fmt == "bvh":
        assert result.path.read_bytes() == make_bvh()


def test_motion_duration_is_kept_in_range(server, tmp_path):
    result = meshy.generate_motion("a man runs", 30, tmp_path, config_for(server))
    assert server.requests[0].json()["duration"] == 10.0 and result.duration_s == 10.0


def test_401_names_the_key_setting_never_the_key(server, tmp_path, caplog):
    caplog.set_level("DEBUG")
    bad = "msy-WRONG-key-9999"
    with pytest.raises(AuthError) as info:
        meshy.generate_model("a chair", tmp_path, config_for(server, api_key=bad))
    msg = str(info.value)
    assert msg == ("Meshy refused the API key (HTTP 401); check the key in the add-on "
                   "preferences or MESHY_API_KEY (server: Invalid API key.)")
    assert bad not in msg and bad not in caplog.text and KEY not in caplog.text


def test_402_no_credits(server, tmp_path):
    server.fault("POST", T23D, json_reply({"message": "Insufficient funds"}, 402))
    with pytest.raises(NoCredits, match=r"Meshy says the account has no credits left "
                                        r"\(HTTP 402\) \(server: Insufficient funds\)"):
        meshy.generate_model("a chair", tmp_path, config_for(server))
    assert server.count("POST", T23D) == 1


def test_403_on_a_motion_prompt_is_moderation(server, tmp_path):
    server.fault("POST", "/openapi/v1/text-to-motion",
                 json_reply({"message": "The prompt violates our content policy"}, 403))
    with pytest.raises(ModerationError) as info:
        meshy.generate_motion("something violent", 5, tmp_path, config_for(server))
    assert str(info.value) == ("Meshy refused the prompt for the motion (HTTP 403): "
                               "The prompt violates our content policy")


def test_429_no_more_concurrent_tasks_waits_as_asked(server, tmp_path):
    config = config_for(server)
    server.fault("POST", T23D, json_reply({"message": "NoMoreConcurrentTasks"}, 429,
                                          **{"Retry-After": "0.01"}))
    meshy.generate_model("a chair", tmp_path, config, refine=False)
    assert config.sleeps == [0.01]
    assert server.count("POST", T23D) == 2


def test_429_rate_limit_that_does_not_clear(server, tmp_path):
    server.fault("POST", T23D, *[json_reply({"message": "RateLimitExceeded"}, 429,
                                            **{"Retry-After": "0"})] * 3)
    with pytest.raises(RateLimited, match=r"Meshy is busy \(HTTP 429: RateLimitExceeded\); "
                                          r"gave up after 3 attempts"):
        meshy.generate_model("a chair", tmp_path, config_for(server))


def test_500_on_create_is_never_repeated(server, tmp_path):
    server.fault("POST", T23D, json_reply({"message": "Internal Server Error"}, 500))
    with pytest.raises(ServiceError, match="Meshy answered HTTP 500: Internal Server Error"):
        meshy.generate_model("a chair", tmp_path, config_for(server))
    assert server.count("POST", T23D) == 1


def test_a_timeout_on_create_is_never_repeated(server, tmp_path):
    server.fault("POST", T23D, Reply(202, {"result": "late"}, delay_s=2))
    with pytest.raises(ServiceTimeout, match="no answer from 127.0.0.1 within 0.3 s"):
        meshy.generate_model("a chair", tmp_path, config_for(server, timeout_s=0.3))
    assert server.count("POST", T23D) == 1


def test_a_failed_task(server, tmp_path):
    server.fail_message = "The model could not be generated"
    with pytest.raises(TaskFailed, match="the preview model failed: The model could not be "
                                         "generated"):
        meshy.generate_model("a chair", tmp_path, config_for(server))


def test_a_task_that_never_finishes(server, tmp_path):
    server.never_finish = True
    with pytest.raises(ServiceTimeout, match="the preview model did not finish within 0.3 s"):
        meshy.generate_model("a chair", tmp_path, config_for(server, task_timeout_s=0.3))


def test_cancel_while_waiting(server, tmp_path):
    server.never_finish = True
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    with pytest.raises(Cancelled, match="cancelled while waiting for the preview model"):
        meshy.generate_model("a chair", tmp_path, config_for(server), cancel=cancel)


def test_malformed_status_json(server, tmp_path):
    server.fault("GET", T23D + "/", Reply(200, "{oops", {"Content-Type": "application/json"}))
    with pytest.raises(BadAnswer, match="Meshy answered HTTP 200 with a body that is not JSON"):
        meshy.generate_model("a chair", tmp_path, config_for(server))


def test_a_corrupt_glb_is_refused_and_removed(server, tmp_path):
    server.files["model.glb"] = b"glTF" + b"\x02\0\0\0" + b"\xff\xff\0\0" + make_glb()[12:]
    with pytest.raises(BadAnswer, match=r"meshy_task-0002.glb is truncated or corrupt"):
        meshy.generate_model("a chair", tmp_path, config_for(server))
    assert list(tmp_path.iterdir()) == []


def test_an_oversized_download(server, tmp_path):
    with pytest.raises(DownloadTooLarge, match="larger than the 100 bytes cap"):
        meshy.generate_model("a chair", tmp_path, config_for(server, max_download_bytes=100))


def test_an_expired_result_link(server, tmp_path):
    server.fault("GET", "/files/model.glb", Reply(403, b"<Error>Request has expired</Error>"))
    with pytest.raises(ServiceError, match=r"refused \(HTTP 403\); it has most likely expired"):
        meshy.generate_model("a chair", tmp_path, config_for(server), refine=False)


def test_offline_sends_nothing(server, tmp_path):
    with pytest.raises(ServiceOffline):
        meshy.generate_model("a chair", tmp_path, config_for(server, online=False))
    assert server.requests == []


def test_a_missing_key_or_a_long_prompt_sends_nothing(server, tmp_path):
    with pytest.raises(ServiceError, match="no Meshy API key is set; add it in the add-on "
                                           "preferences or MESHY_API_KEY"):
        meshy.generate_model("a chair", tmp_path, config_for(server, api_key=""))
    with pytest.raises(ServiceError, match="1 to 600 characters"):
        meshy.generate_model("x" * 601, tmp_path, config_for(server))
    assert server.requests == []


def test_rig_of_a_model_from_elsewhere_uses_its_task_id(server, tmp_path):
    model = ModelResult("meshy", "task-given", tmp_path / "m.glb", "glb")
    meshy.rig_model(model, tmp_path, config_for(server))
    assert server.requests[0].json()["input_task_id"] == "task-given"


def test_a_result_link_redirecting_to_plain_http_is_refused(server, tmp_path):
    server.fault("GET", "/files/model.glb",
                 Reply(302, headers={"Location": server.url + "/files/plain.glb"}))
    with pytest.raises(ServiceError, match=r"Meshy redirected a download to plain http"):
        meshy.generate_model("a chair", tmp_path, config_for(server), refine=False)
    assert server.count("GET", "/files/plain.glb") == 0
