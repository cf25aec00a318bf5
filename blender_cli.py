"""Run the story-motion command inside Blender:

    blender -b --python-exit-code 1 --python <extension folder>/blender_cli.py -- parse story.txt

Uses the installed Story Motion extension (enabled or not); run from a source checkout that is
not installed, it loads the checkout itself.  Exits Blender with the command's exit code.  A
plain Python with the bpy module runs it the same way (`python blender_cli.py -- render ...`):
how the panel starts render workers there.
"""
import importlib
import importlib.util
import sys
from pathlib import Path

import bpy  # noqa: F401  first: with the bpy module it puts Blender's own modules on sys.path

PACKAGE = "story_motion"


def _package():
    import addon_utils
    for mod in addon_utils.modules():
        if mod.__name__.rpartition(".")[2] == PACKAGE:
            return importlib.import_module(mod.__name__)
    root = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location(PACKAGE, root / "__init__.py",
                                                  submodule_search_locations=[str(root)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    spec.loader.exec_module(module)
    return module


def main() -> int:
    argv = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []
    cli = importlib.import_module(_package().__name__ + ".addon.cli")
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main())
