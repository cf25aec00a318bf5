# Story Motion: development tasks.  `make test` sets up .venv (bpy 5.0.1) and runs the suite;
# `make test VENV=.venv45 BPY="bpy==4.5.*"` does the same on the Blender 4.5 LTS module.
VENV ?= .venv
PY ?= $(VENV)/bin/python
PYTHON311 ?= python3.11
BPY ?= bpy==5.0.1

.PHONY: setup test build demo clean

setup:
	test -x $(VENV)/bin/python || $(PYTHON311) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q "$(BPY)" pytest
	$(VENV)/bin/python -m pip install -q -e ".[test]"

test: setup
	$(PY) -m pytest -q tests

build:
	$(PY) tools/build_extension.py --output-dir dist

demo: setup
	mkdir -p out
	$(VENV)/bin/story-motion parse sample_scenes/three_friends.txt -o out/demo.screenplay.json
	$(VENV)/bin/story-motion build sample_scenes/three_friends.txt -o out/demo.blend --seed 1
	$(VENV)/bin/story-motion inspect out/demo.blend
	$(VENV)/bin/story-motion metrics out/demo.blend
	$(PY) tools/render_storyboards.py sample_scenes/three_friends.txt --out out

clean:
	rm -rf dist out build *.egg-info .pytest_cache
