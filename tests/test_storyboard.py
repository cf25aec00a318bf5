"""The storyboard script renders a lit still in which the cast is in frame."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT


def test_storyboard_still_shows_the_scene(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "render_storyboards.py"), "--samples", "2",
         "--width", "192", "--out", str(tmp_path), str(ROOT / "sample_scenes" / "punch.txt")],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (still,) = json.loads(proc.stdout.strip().splitlines()[-1])["stills"]
    import bpy
    image = bpy.data.images.load(still)
    assert tuple(image.size) == (192, 108)
    pixels = list(image.pixels)
    luminance = [sum(pixels[i:i + 3]) / 3 for i in range(0, len(pixels), 4)]
    mean = sum(luminance) / len(luminance)
    spread = (sum((v - mean) ** 2 for v in luminance) / len(luminance)) ** 0.5
    assert 0.05 < mean < 0.95          # lit, not black or blown out
    assert spread > 0.05               # people and furniture, not a blank wall
