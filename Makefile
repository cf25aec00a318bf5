# Story Motion: development tasks.  `make test PY=.venv45/bin/python` runs the suite on the
# Blender 4.5 LTS module instead of 5.0.
VENV ?= .venv
PY ?= $(VENV)/bin/python
PYTHON311 ?= python3.11
BPY ?= bpy==5.0.1

.PHONY: setup test build demo clean

setup:
	test -x $(VENV)/bin/python || $(PYTHON311) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q "$(BPY)" pytest
	$(VENV)/bin/python -m pip install -q -e ".[test]"

test:
	$(PY) -m pytest -q tests

build:
	$(PY) tools/build_extension.py --output-dir dist

demo:
	mkdir -p out
	$(VENV)/bin/story-motion build sample_scenes/helmet_turn.txt -o out/demo.blend

clean:
	rm -rf dist out build *.egg-info .pytest_cache
