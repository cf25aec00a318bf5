"""The DeepMotion SayMotion client: Basic auth, the dmsess cookie session, a text2motion job."""
from __future__ import annotations

import pytest

from addon.services import saymotion
from addon.services.errors import AuthError, BadAnswer, ServiceError, TaskFailed
from service_servers import SayMotionServer, make_bvh, service_config

SECRET = "client-SECRET-42"


@pytest.fixture
def server():
    with SayMotionServer(secret=SECRET) as s:
        yield s


def config_for(server, **kw):
    return service_config("saymotion", server.url,
                          **{"api_key": "client-id", "secret": SECRET, **kw})


def test_session_job_and_bvh(server, tmp_path):
    seen = []
    result = saymotion.generate_motion("a woman dances", 6, tmp_path, config_for(server),
                                       progress=lambda what, f: seen.append(f))
    assert result.format == "bvh" and result.path.read_bytes() == make_bvh()
    assert result.task_id == "rid-0001" and result.duration_s == 6.0
    auth = server.requests[0]
    assert auth.path == "/account/v1/auth" and auth.headers["authorization"].startswith("Basic ")
    for request in server.requests[1:]:
        if not request.path.startswith("/files/"):
            assert "dmsess=" in request.headers["cookie"]
            assert "authorization" not in request.headers
    (job,) = [r.json() for r in server.requests if r.method == "POST"]
    assert job == {"params": ["prompt=a woman dances", "model=stock-1", "footLockingMode=auto",
                              "requestedAnimationDuration=6"]}
    assert seen[-1] == 1.0


def test_a_chosen_model_skips_the_model_list(server, tmp_path):
    saymotion.generate_motion("jump", 3, tmp_path, config_for(server, options={"model": "m9"}))
    assert server.count("GET", "/character/") == 0
    assert "model=m9" in [r for r in server.requests if r.method == "POST"][0].json()["params"]


def test_wrong_credentials_never_show_the_secret(server, tmp_path, caplog):
    caplog.set_level("DEBUG")
    with pytest.raises(AuthError) as info:
        saymotion.generate_motion("jump", 3, tmp_path, config_for(server, secret="WRONG-secret"))
    assert str(info.value).startswith("SayMotion refused the client id and secret (HTTP 401)")
    assert "WRONG-secret" not in str(info.value) and "WRONG-secret" not in caplog.text
    assert server.count("POST") == 0


def test_no_session_cookie(server, tmp_path):
    server.set_cookie = False
    with pytest.raises(BadAnswer, match="started no session \\(no dmsess cookie\\)"):
        saymotion.generate_motion("jump", 3, tmp_path, config_for(server))


def test_a_failed_job(server, tmp_path):
    server.fail_message = "prompt could not be understood"
    with pytest.raises(TaskFailed, match="the SayMotion motion failed: prompt could not be "
                                         "understood"):
        saymotion.generate_motion("jump", 3, tmp_path, config_for(server))


def test_missing_credentials_send_nothing(server, tmp_path):
    with pytest.raises(ServiceError, match="DEEPMOTION_CLIENT_ID and DEEPMOTION_CLIENT_SECRET"):
        saymotion.generate_motion("jump", 3, tmp_path, config_for(server, secret=""))
    assert server.requests == []


def test_a_truncated_bvh(server, tmp_path):
    server.files["motion.bvh"] = make_bvh(10)[:-60]
    with pytest.raises(BadAnswer, match=r"saymotion_rid-0001.bvh is truncated: \d of 10 frames"):
        saymotion.generate_motion("jump", 3, tmp_path, config_for(server))
    assert list(tmp_path.iterdir()) == []
