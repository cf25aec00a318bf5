"""The local Hunyuan3D-2 client: POST /generate answers the GLB bytes."""
from __future__ import annotations

import pytest

from addon.services import hunyuan
from addon.services.errors import BadAnswer, ServiceError, ServiceOffline, ServiceTimeout
from service_servers import HunyuanServer, Reply, make_glb, service_config


@pytest.fixture
def server():
    with HunyuanServer() as s:
        yield s


def config_for(server, **kw):
    return service_config("hunyuan", server.url, **{"api_key": "", **kw})


def test_generate_returns_a_checked_glb(server, tmp_path):
    config = config_for(server, options={"octree_resolution": 256, "ignored": 1})
    result = hunyuan.generate_model("a lamp", tmp_path, config)
    assert result.path.read_bytes() == make_glb()
    (request,) = server.requests
    assert request.json() == {"text": "a lamp", "texture": True, "octree_resolution": 256}
    assert "authorization" not in request.headers


@pytest.mark.parametrize("answer, message", [
    (b'{"text": "CUDA out of memory"}', "is not a GLB file"),
    (make_glb()[:-20], "is truncated or corrupt"),
])
def test_a_corrupt_answer_is_refused_and_removed(server, tmp_path, answer, message):
    server.glb = answer
    with pytest.raises(BadAnswer, match=message):
        hunyuan.generate_model("a lamp", tmp_path, config_for(server))
    assert list(tmp_path.iterdir()) == []


def test_a_server_error_message(server, tmp_path):
    server.fault("POST", "/generate", Reply(404, b'{"text": "NETWORK ERROR: no text or image", '
                                                 b'"error_code": 1}'))
    with pytest.raises(ServiceError, match="Hunyuan3D server answered HTTP 404: NETWORK ERROR"):
        hunyuan.generate_model("a lamp", tmp_path, config_for(server))


def test_the_generation_is_not_repeated_after_a_timeout(server, tmp_path):
    server.fault("POST", "/generate", Reply(200, make_glb(), delay_s=2))
    with pytest.raises(ServiceTimeout, match="no answer from 127.0.0.1 within 0.3 s"):
        hunyuan.generate_model("a lamp", tmp_path, config_for(server, task_timeout_s=0.3))
    assert server.count("POST") == 1


def test_offline_even_for_localhost(server, tmp_path):
    with pytest.raises(ServiceOffline):
        hunyuan.generate_model("a lamp", tmp_path, config_for(server, online=False))
    assert server.requests == []


def test_a_remote_server_needs_https(tmp_path):
    with pytest.raises(ServiceError, match="refusing plain http to gpu.example.com"):
        hunyuan.generate_model("a lamp", tmp_path, service_config("hunyuan",
                                                                  "http://gpu.example.com:8081"))


def test_a_server_that_is_not_running(tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = service_config("hunyuan", f"http://127.0.0.1:{port}", api_key="")
    with pytest.raises(ServiceError) as info:
        hunyuan.generate_model("a lamp", tmp_path, config)
    assert str(info.value) == ("127.0.0.1 refused the connection (is the server running?); "
                               "gave up after 3 attempts")
    assert config.sleeps == [1.0, 2.0]
