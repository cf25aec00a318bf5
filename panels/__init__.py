"""Panels and add-on preferences: drawing only, the work is done by the operators."""
from . import preferences, shots_panel, story_panel
from . import menus, screenplay_panel

# Registration order; unregister() runs it backwards.
_modules = (preferences, story_panel, shots_panel, screenplay_panel, menus)


def register() -> None:
    for module in _modules:
        module.register()


def unregister() -> None:
    for module in reversed(_modules):
        module.unregister()
