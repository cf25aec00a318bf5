"""Backend choice and fallbacks, against a real OpenAI-compatible HTTP server on 127.0.0.1."""
from addon import screenplay as S
from addon.story import llm
from addon.story.understand import understand
from fake_llm_server import FakeLLMServer, chat_reply

STORY = "Anna waves at Ben."


def config(server):
    return llm.LLMConfig(url=server.url, model="m", api_key="k", timeout_s=5)


def test_llm_answer_is_used_when_online_and_valid():
    answer = S.Screenplay(cast=[S.CastMember("anna", "Anna"), S.CastMember("ben", "Ben")],
                          beats=[S.Beat("b1", "anna", "hug", "ben")])
    with FakeLLMServer() as server:
        server.reply(chat_reply(answer.to_json()))
        r = understand(STORY, parser="llm", llm_config=config(server), online=True)
    assert r.parser == "llm" and r.screenplay == answer and r.warnings == []


def test_invalid_llm_answers_fall_back_to_the_builtin_parser_with_a_warning():
    with FakeLLMServer() as server:
        server.reply(chat_reply('{"cast": "everyone"}'), chat_reply("import os; os.system('x')"))
        r = understand(STORY, parser="llm", llm_config=config(server), online=True)
        assert len(server.chat_requests()) == 2        # the answer, then one retry
    assert r.parser == "builtin" and r.warnings[0].startswith("LLM parser not used:")
    assert [b.action for b in r.screenplay.beats] == ["wave"]


def test_offline_means_no_request_at_all():
    with FakeLLMServer() as server:
        r = understand(STORY, parser="llm", llm_config=config(server), online=False)
        assert server.chat_requests() == []
    assert r.parser == "builtin" and "online access is off" in r.warnings[0]


def test_missing_endpoint_is_reported():
    r = understand(STORY, parser="llm", llm_config=llm.LLMConfig(), online=True)
    assert "no LLM endpoint is set" in r.warnings[0]
