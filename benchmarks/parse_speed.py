"""Parser speed: seconds to parse stories of growing length, up to the 200,000-character cap.

    python benchmarks/parse_speed.py [--json]
"""
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from addon.story.parse import MAX_STORY_CHARS, parse_story  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "sample_scenes"


def measure(text: str) -> dict:
    t0 = time.perf_counter()
    r = parse_story(text)
    return {"chars": len(text), "seconds": round(time.perf_counter() - t0, 3),
            "beats": len(r.screenplay.beats)}


def main() -> None:
    base = {"en": (SAMPLES / "three_friends.txt").read_text(encoding="utf-8"),
            "zh": "".join((SAMPLES / f).read_text(encoding="utf-8")
                          for f in ("hug_zh.txt", "kick_ball_zh.txt", "punch_zh.txt"))}
    rows = []
    for lang, story in base.items():
        for size in (len(story), 10_000, 50_000, MAX_STORY_CHARS):
            text = (story * (size // len(story) + 1))[:size]
            rows.append({"lang": lang, **measure(text)})
    if "--json" in sys.argv:
        print(json.dumps({"runs": rows}, indent=2))
        return
    print(f"{'lang':4} {'chars':>8} {'seconds':>8} {'beats':>6}")
    for r in rows:
        print(f"{r['lang']:4} {r['chars']:>8} {r['seconds']:>8.3f} {r['beats']:>6}")


if __name__ == "__main__":
    main()
