"""The LLM story parser against a local OpenAI-compatible fake server (no network, no Blender)."""
from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from addon import screenplay
from addon.screenplay import Beat, CastMember, Screenplay
from addon.story import llm
from addon.story.vocabulary import ACCESSORIES, ACTIONS, PROP_CATEGORIES
from fake_llm_server import FakeLLMServer, Reply, chat_reply, error_reply

KEY = "sk-test-SECRET-0123456789"
STORY = "Tom waves at the camera."
VALID = Screenplay(cast=[CastMember("tom", "Tom")], beats=[Beat("b1", "tom", "wave")])
VALID_JSON = VALID.to_json()


@pytest.fixture
def server():
    with FakeLLMServer() as s:
        yield s


@pytest.fixture
def sleeps():
    """An injected sleep that records instead of sleeping."""
    return []


def config_for(server: FakeLLMServer, **kw) -> llm.LLMConfig:
    return llm.LLMConfig(**{"url": server.url, "model": "fake-model", "api_key": KEY,
                            "timeout_s": 5.0, **kw})


def parse(server, sleeps, **kw) -> Screenplay:
    return llm.parse_with_llm(STORY, "en", config_for(server, **kw), sleep=sleeps.append)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- answers -------------------------------------------------------------------------------

def test_valid_answer_gives_the_screenplay_and_the_request_follows_the_protocol(server, sleeps):
    server.reply(chat_reply(VALID_JSON))
    sp = parse(server, sleeps)
    assert sp == VALID
    (req,) = server.requests
    assert (req.method, req.path) == ("POST", "/v1/chat/completions")
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.headers["content-type"] == "application/json"
    body = req.json()
    assert body["model"] == "fake-model"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "screenplay", "strict": True,
                        "schema": screenplay.json_schema()}}
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user"]
    assert body["messages"][0]["content"] == llm.system_prompt("en")
    assert STORY in body["messages"][1]["content"]
    assert sleeps == []


def test_no_authorization_header_without_a_key(server, sleeps):
    server.reply(chat_reply(VALID_JSON))
    parse(server, sleeps, api_key="")
    assert "authorization" not in server.requests[0].headers


def test_trailing_slash_and_full_endpoint_urls_reach_the_same_path(server, sleeps):
    server.reply(chat_reply(VALID_JSON), chat_reply(VALID_JSON))
    parse(server, sleeps, url=server.url + "/")
    parse(server, sleeps, url=server.url + "/chat/completions")
    assert [r.path for r in server.requests] == ["/v1/chat/completions"] * 2


@pytest.mark.parametrize("wrap", [
    "```json\n{}\n```",
    "```\n{}\n```",
    "  ```JSON\n{}```  \n",
    "<think>The user wants JSON.</think>\n```json\n{}\n```",
])
def test_fenced_json_is_accepted(server, sleeps, wrap):
    server.reply(chat_reply(wrap.replace("{}", VALID_JSON)))
    assert parse(server, sleeps) == VALID
    assert len(server.requests) == 1


def test_invalid_json_is_retried_once_with_the_error(server, sleeps):
    bad = '{"cast": [ oops'
    server.reply(chat_reply(bad), chat_reply(VALID_JSON))
    assert parse(server, sleeps) == VALID
    first, second = (r.json() for r in server.requests)
    assert second["messages"][:2] == first["messages"]
    assistant, retry = second["messages"][2:]
    assert assistant == {"role": "assistant", "content": bad}
    assert retry["role"] == "user"
    assert "not JSON" in retry["content"] and "line 1 column" in retry["content"]
    assert second["response_format"] == first["response_format"]


def test_wrong_schema_twice_raises_with_the_first_error(server, sleeps):
    server.reply(chat_reply('{"cast": "tom"}'), chat_reply('{"cast": "tom"}'))
    with pytest.raises(llm.LLMError) as info:
        parse(server, sleeps)
    msg = str(info.value)
    assert "still invalid after a retry" in msg
    assert "cast: expected a list" in msg
    assert "\n" not in msg
    assert len(server.requests) == 2
    assert "cast: expected a list" in server.requests[1].json()["messages"][-1]["content"]


def test_validation_errors_are_sent_back(server, sleeps):
    unknown_action = VALID_JSON.replace('"wave"', '"moonwalk"')
    server.reply(chat_reply(unknown_action), chat_reply(VALID_JSON))
    assert parse(server, sleeps) == VALID
    retry = server.requests[1].json()["messages"][-1]["content"]
    assert "beats[0].action: 'moonwalk' is not a canonical action" in retry


def test_wrong_language_is_retried(server, sleeps):
    zh = Screenplay(language="zh", cast=[CastMember("tom", "Tom")],
                    beats=[Beat("b1", "tom", "wave")]).to_json()
    server.reply(chat_reply(zh), chat_reply(zh))
    with pytest.raises(llm.LLMError, match="language: must be 'en'"):
        parse(server, sleeps)
    assert len(server.requests) == 2


@pytest.mark.parametrize("content", [
    "import pathlib; pathlib.Path({marker!r}).touch()",
    "__import__('pathlib').Path({marker!r}).touch()",
    '{{"__import__": "os", "system": "touch {marker}"}}',
    json.dumps("__import__('pathlib').Path({marker!r}).touch()"),
])
def test_an_answer_that_is_code_is_invalid_data_and_never_run(server, sleeps, tmp_path,
                                                               content):
    marker = str(tmp_path / "pwned")
    evil = content.format(marker=marker)
    server.reply(chat_reply(evil), chat_reply(evil))
    with pytest.raises(llm.LLMError, match="still invalid"):
        parse(server, sleeps)
    assert not (tmp_path / "pwned").exists()
    assert len(server.requests) == 2


def test_nan_and_huge_numbers_are_invalid_not_a_crash(server, sleeps):
    nan = VALID_JSON.replace('"duration_s": 2.0', '"duration_s": NaN')
    huge = VALID_JSON.replace('"duration_s": 2.0', '"duration_s": 1' + "0" * 400)
    assert nan != VALID_JSON and huge != VALID_JSON
    server.reply(chat_reply(nan), chat_reply(huge))
    with pytest.raises(llm.LLMError, match="still invalid"):
        parse(server, sleeps)


def test_a_refusal_is_reported(server, sleeps):
    server.reply(chat_reply(None, refusal="I can't help with that."))
    with pytest.raises(llm.LLMError, match="refused: I can't help with that"):
        parse(server, sleeps)
    assert len(server.requests) == 1


def test_an_answer_without_choices_is_an_error(server, sleeps):
    server.reply(Reply(200, {"object": "list", "data": []}))
    with pytest.raises(llm.LLMError, match=r"no choices\[0\]\.message"):
        parse(server, sleeps)


def test_a_body_that_is_not_json_is_an_error(server, sleeps):
    server.reply(Reply(200, "<html><body>Welcome to nginx</body></html>",
                       headers={"Content-Type": "text/html"}))
    with pytest.raises(llm.LLMError, match="not JSON"):
        parse(server, sleeps)
    assert len(server.requests) == 1


# --- HTTP behaviour ------------------------------------------------------------------------

def test_429_honours_retry_after_then_succeeds(server, sleeps):
    server.reply(error_reply(429, "slow down", {"Retry-After": "7"}), chat_reply(VALID_JSON))
    assert parse(server, sleeps) == VALID
    assert sleeps == [7.0]
    assert len(server.requests) == 2


def test_429_asking_to_wait_too_long_gives_up_without_waiting(server, sleeps):
    server.reply(error_reply(429, "slow down", {"Retry-After": "3600"}))
    with pytest.raises(llm.LLMError, match="HTTP 429.*3600 s"):
        parse(server, sleeps)
    assert sleeps == []
    assert len(server.requests) == 1


def test_503_backs_off_then_succeeds(server, sleeps):
    server.reply(error_reply(503, "loading model"), error_reply(503, "loading model"),
                 chat_reply(VALID_JSON))
    assert parse(server, sleeps) == VALID
    assert sleeps == [1.0, 2.0]
    assert len(server.requests) == 3


def test_503_three_times_gives_up(server, sleeps):
    server.reply(*[error_reply(503, "loading model")] * 4)
    with pytest.raises(llm.LLMError, match="HTTP 503.*3 attempts"):
        parse(server, sleeps)
    assert len(server.requests) == 3
    assert server.pending() == 1


def test_connection_refused_is_retried_then_reported(sleeps):
    port = free_port()
    config = llm.LLMConfig(url=f"http://127.0.0.1:{port}/v1", model="m", timeout_s=2)
    with pytest.raises(llm.LLMError, match="refused the connection.*3 attempts"):
        llm.parse_with_llm(STORY, "en", config, sleep=sleeps.append)
    assert sleeps == [1.0, 2.0]


def test_connection_refused_then_the_server_comes_up(sleeps):
    port = free_port()
    started: list[FakeLLMServer] = []

    def sleep_then_start(seconds):
        sleeps.append(seconds)
        if not started:
            started.append(FakeLLMServer(port=port).reply(chat_reply(VALID_JSON)).start())

    config = llm.LLMConfig(url=f"http://127.0.0.1:{port}/v1", model="m", timeout_s=2)
    try:
        assert llm.parse_with_llm(STORY, "en", config, sleep=sleep_then_start) == VALID
    finally:
        for s in started:
            s.stop()
    assert sleeps == [1.0]
    assert len(started[0].requests) == 1


def test_500_is_not_retried(server, sleeps):
    server.reply(error_reply(500, "model crashed"), chat_reply(VALID_JSON))
    with pytest.raises(llm.LLMError, match="HTTP 500: model crashed"):
        parse(server, sleeps)
    assert len(server.requests) == 1
    assert sleeps == []


def test_a_timeout_is_reported_quickly_and_not_retried(server, sleeps):
    server.reply(Reply(200, {"never": "read"}, delay_s=3.0), chat_reply(VALID_JSON))
    began = time.monotonic()
    with pytest.raises(llm.LLMError, match="no answer from 127.0.0.1 within 0.5 s"):
        parse(server, sleeps, timeout_s=0.5)
    assert time.monotonic() - began < 2.0
    assert len(server.requests) == 1
    assert sleeps == []


@pytest.mark.parametrize("error, message", [
    (urllib.error.URLError(socket.timeout("timed out")), "no answer from api.example.com"),
    (TimeoutError("timed out"), "no answer from api.example.com"),
    (urllib.error.URLError(socket.gaierror(-2, "Name or service not known")),
     "could not reach api.example.com: .*Name or service not known"),
    (ConnectionResetError(104, "Connection reset by peer"), "connection to api.example.com failed"),
])
def test_connect_timeouts_and_other_network_errors_are_not_retried(monkeypatch, sleeps, error,
                                                                   message):
    calls = []

    def fail(self, request, *args, **kwargs):
        calls.append(request.full_url)
        raise error

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", fail)
    config = llm.LLMConfig(url="https://api.example.com/v1", model="m", api_key=KEY)
    with pytest.raises(llm.LLMError, match=message):
        llm.parse_with_llm(STORY, "en", config, sleep=sleeps.append)
    assert calls == ["https://api.example.com/v1/chat/completions"]
    assert sleeps == []


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_key_names_the_status_but_never_the_key(server, sleeps, caplog, status):
    caplog.set_level("DEBUG")
    server.reply(error_reply(status, f"Incorrect API key provided: {KEY}"))
    with pytest.raises(llm.LLMError) as info:
        parse(server, sleeps)
    msg = str(info.value)
    assert f"endpoint refused the API key (HTTP {status})" in msg
    assert KEY not in msg and KEY not in repr(info.value)
    assert KEY not in caplog.text
    assert len(server.requests) == 1


def test_a_key_echoed_in_a_server_error_is_redacted(server, sleeps):
    server.reply(error_reply(400, f"bad request for key {KEY}"))
    with pytest.raises(llm.LLMError) as info:
        parse(server, sleeps)
    assert "HTTP 400" in str(info.value) and "***" in str(info.value)
    assert KEY not in str(info.value)


def test_a_redirect_is_not_followed(server, sleeps):
    server.reply(Reply(302, b"", headers={"Location": "http://example.com/steal"}))
    with pytest.raises(llm.LLMError, match="redirected"):
        parse(server, sleeps)
    assert len(server.requests) == 1


@pytest.mark.parametrize("content_length", [True, False])
def test_an_oversized_answer_is_refused(server, sleeps, content_length):
    big = chat_reply("x" * (llm.MAX_RESPONSE_BYTES + 10))
    big.content_length = content_length
    server.reply(big)
    with pytest.raises(llm.LLMError, match="larger than 2 MB"):
        parse(server, sleeps)


def test_a_declared_oversized_answer_is_refused_before_reading(server, sleeps):
    server.reply(Reply(200, b"{}", content_length=False,
                       headers={"Content-Length": str(llm.MAX_RESPONSE_BYTES + 1)}))
    with pytest.raises(llm.LLMError, match="larger than 2 MB"):
        parse(server, sleeps)


@pytest.fixture
def no_network(monkeypatch):
    """Any name lookup or connection attempt is recorded and refused."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError(f"network used: {args}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    return calls


@pytest.mark.parametrize("url, message", [
    ("http://api.example.com/v1", "refusing plain http to api.example.com; use https"),
    ("http://127.0.0.1.evil.example/v1", "refusing plain http to 127.0.0.1.evil.example"),
    ("http://10.0.0.5:11434/v1", "refusing plain http to 10.0.0.5; use https"),
    ("file:///etc/passwd", "must start with https://"),
    ("ftp://example.com/v1", "must start with https://"),
    ("https://user:pw@example.com/v1", "must not contain a user name"),
    ("", "no LLM endpoint is set"),
])
def test_disallowed_urls_are_refused_without_any_network(no_network, sleeps, url, message):
    config = llm.LLMConfig(url=url, model="m", api_key=KEY)
    with pytest.raises(llm.LLMError, match=message):
        llm.parse_with_llm(STORY, "en", config, sleep=sleeps.append)
    assert no_network == [] and sleeps == []


@pytest.mark.parametrize("url, endpoint", [
    ("http://localhost:11434/v1", "http://localhost:11434/v1/chat/completions"),
    ("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080/v1/chat/completions"),
    ("http://[::1]:8000/v1", "http://[::1]:8000/v1/chat/completions"),
    ("https://api.example.com/v1", "https://api.example.com/v1/chat/completions"),
    ("https://api.example.com/v1/chat/completions",
     "https://api.example.com/v1/chat/completions"),
])
def test_allowed_urls(url, endpoint):
    assert llm.chat_completions_url(url) == endpoint


def test_a_missing_model_is_reported_before_any_request(server, sleeps):
    with pytest.raises(llm.LLMError, match="no LLM model"):
        parse(server, sleeps, model="")
    assert server.requests == []


def test_retry_after_as_an_http_date():
    soon = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 5))
    assert 3.0 <= llm._retry_delay(soon, 1) <= 5.0
    assert llm._retry_delay("garbage", 2) == 2.0
    assert llm._retry_delay(None, 1) == 1.0


# --- configuration and prompt --------------------------------------------------------------

def test_config_from_env():
    env = {"STORY_MOTION_LLM_URL": " http://localhost:11434/v1 ",
           "STORY_MOTION_LLM_MODEL": "qwen2.5:7b", "STORY_MOTION_LLM_KEY": KEY,
           "STORY_MOTION_LLM_TIMEOUT": "12.5", "UNRELATED": "x"}
    assert llm.LLMConfig.from_env(env) == llm.LLMConfig(
        "http://localhost:11434/v1", "qwen2.5:7b", KEY, 12.5)
    assert llm.LLMConfig.from_env({}) == llm.LLMConfig()


@pytest.mark.parametrize("bad", ["soon", "0", "-3", "inf", "nan"])
def test_config_from_env_ignores_an_unusable_timeout(bad):
    config = llm.LLMConfig.from_env({"STORY_MOTION_LLM_TIMEOUT": bad})
    assert config.timeout_s == 60.0


def test_repr_never_shows_the_key():
    config = llm.LLMConfig("https://api.example.com/v1", "gpt", KEY, 30)
    for text in (repr(config), str(config), f"{config}", f"{config!r}", repr([config])):
        assert KEY not in text
        assert "https://api.example.com/v1" in text and "'***'" in text
    assert "api_key=''" in repr(llm.LLMConfig())


def test_system_prompt_explains_the_vocabulary_and_the_language():
    prompt = llm.system_prompt("zh")
    for name in (*ACTIONS, *PROP_CATEGORIES, *ACCESSORIES):
        assert name in prompt, name
    for words in ('language: "zh"', "start_s", "after", "with", "duration_s",
                  "lowercase ASCII letters, digits and underscores", "metres"):
        assert words in prompt, words
    messages = llm.build_messages(STORY, "zh")
    assert messages[0]["content"] == prompt
    assert messages[1]["content"].endswith(STORY)
