"""Put the repository root on sys.path so tests can `import addon` without Blender."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Anny caches the model it builds (about a minute the first time); keep that cache in the
# checkout so both Blender versions' suites share it.
os.environ.setdefault("ANNY_CACHE_DIR", str(ROOT / ".cache" / "anny"))
