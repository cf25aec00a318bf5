# SPDX-License-Identifier: GPL-3.0-or-later
"""Story Motion: turn a written story into animated, physically staged shots.

The repository root is the extension root.  Inside Blender this package is
``bl_ext.<repo>.story_motion``; the ``story-motion`` command imports the same folder as
``story_motion``.  Importing this package must not import ``bpy``: the engine in ``addon/`` is
used without Blender, so the Blender modules are imported only by ``register()``.
"""


def _forget_submodules() -> None:
    import sys

    for name in [n for n in sys.modules if n.startswith(__name__ + ".")]:
        del sys.modules[name]
    for attr in ("addon", "operators", "panels"):
        globals().pop(attr, None)


if "register" in globals():
    # Re-executed by importlib.reload ("Reload Scripts"): forget the submodules so that
    # register() imports the edited files instead of the cached ones.
    _forget_submodules()


def _modules():
    """The Blender-side modules in registration order."""
    from . import operators, panels

    return (operators, panels)


def register() -> None:
    for module in _modules():
        module.register()


def unregister() -> None:
    for module in reversed(_modules()):
        module.unregister()
