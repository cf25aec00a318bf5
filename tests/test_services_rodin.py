"""The Hyper3D Rodin client against a local server: multipart submit, status by
subscription key, download links that expire."""
from __future__ import annotations

import pytest

from addon.services import rodin
from addon.services.errors import LinkExpired, ServiceError, ServiceTimeout, TaskFailed
from service_servers import KEY, Reply, RodinServer, json_reply, make_glb, service_config


@pytest.fixture
def server():
    with RodinServer() as s:
        yield s


def config_for(server, **kw):
    return service_config("rodin", server.api_url, **kw)


def test_submit_poll_download(server, tmp_path):
    config = config_for(server, options={"tier": "Sketch", "seed": 7})
    result = rodin.generate_model("a stone bench", tmp_path, config)
    assert result.path.read_bytes() == make_glb()
    (form,) = server.forms
    assert form == {"prompt": ["a stone bench"], "tier": ["Sketch"],
                    "geometry_file_format": ["glb"], "material": ["PBR"],
                    "quality": ["medium"], "seed": ["7"]}
    statuses = [r.json() for r in server.requests if r.path == "/api/v2/status"]
    assert statuses and all(s == {"subscription_key": "sub-0002"} for s in statuses)
    assert len(statuses) == 3        # Waiting, Generating, all Done
    downloads = [r.json() for r in server.requests if r.path == "/api/v2/download"]
    assert downloads == [{"task_uuid": result.task_id}]
    assert all(r.headers["authorization"] == f"Bearer {KEY}"
               for r in server.requests if r.path.startswith("/api/"))


def test_an_expired_link_is_fetched_again_once(server, tmp_path):
    server.expired_links = 1
    result = rodin.generate_model("a bench", tmp_path, config_for(server))
    assert result.path.exists()
    assert server.count("POST", "/api/v2/download") == 2


def test_links_that_keep_expiring(server, tmp_path):
    server.expired_links = 5
    with pytest.raises(LinkExpired) as info:
        rodin.generate_model("a bench", tmp_path, config_for(server))
    assert str(info.value) == (
        "the download link from 127.0.0.1 was refused (HTTP 403); it has most likely expired; "
        "a fresh link from Rodin was refused too (links last about 10 minutes)")
    assert list(tmp_path.iterdir()) == []


def test_submit_is_sent_once_after_a_500(server, tmp_path):
    server.fault("POST", "/api/v2/rodin", json_reply({"error": "InternalError",
                                                      "message": "GPU pool exhausted"}, 500))
    with pytest.raises(ServiceError, match="Hyper3D Rodin answered HTTP 500: GPU pool exhausted"):
        rodin.generate_model("a bench", tmp_path, config_for(server))
    assert server.count("POST", "/api/v2/rodin") == 1


def test_status_checks_are_retried_on_503(server, tmp_path):
    server.fault("POST", "/api/v2/status", json_reply({"error": "busy"}, 503))
    config = config_for(server)
    rodin.generate_model("a bench", tmp_path, config)
    assert config.sleeps == [1.0]


def test_a_failed_job(server, tmp_path):
    server.fail_message = "x"
    with pytest.raises(TaskFailed, match="the Rodin model failed: 1 of 2 jobs failed"):
        rodin.generate_model("a bench", tmp_path, config_for(server))


def test_an_error_in_a_200_answer(server, tmp_path):
    server.fault("POST", "/api/v2/rodin", json_reply({"error": "NO_CREDITS",
                                                      "message": "Insufficient credits"}))
    with pytest.raises(ServiceError, match="Rodin refused the model: Insufficient credits"):
        rodin.generate_model("a bench", tmp_path, config_for(server))


def test_never_done(server, tmp_path):
    server.never_finish = True
    with pytest.raises(ServiceTimeout, match="the Rodin model did not finish within 0.2 s"):
        rodin.generate_model("a bench", tmp_path, config_for(server, task_timeout_s=0.2))


def test_a_dropped_download(server, tmp_path):
    server.fault("GET", "/files/rodin.glb", Reply(drop=True))
    with pytest.raises(ServiceError, match="connection to 127.0.0.1 failed"):
        rodin.generate_model("a bench", tmp_path, config_for(server))
