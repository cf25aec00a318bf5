"""Operators: thin wrappers that read the scene and preferences and call the engine."""
from . import animate, cast, parse, properties, simulate

# Registration order; unregister() runs it backwards.
_modules = (properties, parse, cast, animate, simulate)


def register() -> None:
    for module in _modules:
        module.register()


def unregister() -> None:
    for module in reversed(_modules):
        module.unregister()
