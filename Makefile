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

# The demo: the main sample story built (parse, cast, animate, simulate, shoot) into
# out/demo/scene.blend and rendered with the preview preset (640x360, 8 samples, every 8th
# frame): out/demo/frames/, video.mp4, storyboard.png, shots.json.  About 9 minutes on two
# idle cores (benchmarks/render_bench.py); two workers do not help on two cores.
demo: setup
	$(VENV)/bin/story-motion run sample_scenes/three_friends.txt -o out/demo --seed 1

clean:
	rm -rf dist out build *.egg-info .pytest_cache
