"""Panels and add-on preferences: drawing only, the work is done by the operators."""
from . import preferences, story_panel

# Registration order; unregister() runs it backwards.
_modules = (preferences, story_panel)


def register() -> None:
    for module in _modules:
        module.register()


def unregister() -> None:
    for module in reversed(_modules):
        module.unregister()
