"""The Tripo client against a local server that follows Tripo's {code, data} protocol."""
from __future__ import annotations

import pytest

from addon.services import tripo
from addon.services.errors import (AuthError, BadAnswer, ModerationError, NoCredits,
                                   ServiceError, TaskFailed)
from service_servers import KEY, Reply, TripoServer, fbx_bytes, json_reply, make_glb, service_config

TASK = "/v2/openapi/task"


@pytest.fixture
def server():
    with TripoServer() as s:
        yield s


def config_for(server, **kw):
    return service_config("tripo", server.api_url, **kw)


def posted(server):
    return [r.json() for r in server.requests if r.method == "POST"]


def test_text_to_model_then_rig_then_retarget(server, tmp_path):
    config = config_for(server)
    model = tripo.generate_model("a robot", tmp_path, config)
    assert model.path.read_bytes() == make_glb()
    rig = tripo.rig_model(model, tmp_path, config)
    motion = tripo.animate(rig, "walk", tmp_path, config, fmt="fbx")
    assert motion.path.read_bytes() == fbx_bytes() and motion.format == "fbx"
    create = posted(server)
    assert [c["type"] for c in create] == ["text_to_model", "animate_prerigcheck",
                                           "animate_rig", "animate_retarget"]
    assert create[0]["prompt"] == "a robot"
    assert create[1] == {"type": "animate_prerigcheck", "original_model_task_id": model.task_id}
    assert create[2] == {"type": "animate_rig", "original_model_task_id": model.task_id,
                         "out_format": "glb", "spec": "mixamo", "rig_type": "biped"}
    assert create[3] == {"type": "animate_retarget", "original_model_task_id": rig.rig_task_id,
                         "animation": "preset:walk", "out_format": "fbx",
                         "bake_animation": True}
    assert all(r.headers["authorization"] == f"Bearer {KEY}"
               for r in server.requests if r.path.startswith(TASK))


def test_an_unriggable_model(server, tmp_path):
    config = config_for(server)
    model = tripo.generate_model("a teapot", tmp_path, config)
    server.riggable = False
    with pytest.raises(ServiceError, match="Tripo cannot rig this model"):
        tripo.rig_model(model, tmp_path, config)
    assert [c["type"] for c in posted(server)] == ["text_to_model", "animate_prerigcheck"]


def test_banned_is_moderation(server, tmp_path):
    server.final_status = "banned"
    with pytest.raises(ModerationError, match="Tripo refused the model under its content rules"):
        tripo.generate_model("something", tmp_path, config_for(server))


@pytest.mark.parametrize("status, message", [("expired", "the model failed: task expired"),
                                             ("failed", "the model failed: bad mesh")])
def test_failed_and_expired_tasks(server, tmp_path, status, message):
    server.final_status = status
    server.fail_message = "bad mesh" if status == "failed" else ""
    with pytest.raises(TaskFailed, match=message):
        tripo.generate_model("a chair", tmp_path, config_for(server))


def test_a_code_in_an_http_200_envelope_is_an_error(server, tmp_path):
    server.fault("POST", TASK, json_reply({"code": 2002, "message": "Unsupported task type"}))
    with pytest.raises(ServiceError) as info:
        tripo.generate_model("a chair", tmp_path, config_for(server))
    assert str(info.value) == "Tripo refused the model (code 2002): Unsupported task type"
    assert server.count("POST", TASK) == 1


def test_no_credit_and_bad_key(server, tmp_path):
    server.fault("POST", TASK, json_reply({"code": 2010, "message": "You don't have enough "
                                           "credit", "suggestion": "Buy more credit"}, 403))
    with pytest.raises(NoCredits, match="enough credit \\(Buy more credit\\)"):
        tripo.generate_model("a chair", tmp_path, config_for(server))
    with pytest.raises(AuthError, match=r"Tripo refused the API key \(HTTP 401\); check the key "
                                        r"in the add-on preferences or TRIPO_API_KEY \(server: "
                                        r"Authentication failed \(Check your API key\)\)"):
        tripo.generate_model("a chair", tmp_path, config_for(server, api_key="wrong"))


def test_500_on_create_is_never_repeated(server, tmp_path):
    server.fault("POST", TASK, Reply(500, b"<html>Bad gateway</html>"))
    with pytest.raises(ServiceError, match="^Tripo answered HTTP 500$"):
        tripo.generate_model("a chair", tmp_path, config_for(server))
    assert server.count("POST", TASK) == 1


def test_a_status_that_is_not_an_envelope(server, tmp_path):
    server.fault("GET", TASK + "/", json_reply({"status": "running"}))
    with pytest.raises(BadAnswer, match="not a \\{code, data\\} envelope"):
        tripo.generate_model("a chair", tmp_path, config_for(server))


def test_unknown_preset_sends_nothing(server, tmp_path):
    from addon.services.config import RigResult
    with pytest.raises(ServiceError, match="unknown Tripo animation 'moonwalk'; known: idle"):
        tripo.animate(RigResult("tripo", "r", tmp_path / "r.glb", "glb"), "moonwalk", tmp_path,
                      config_for(server))
    assert server.requests == []
