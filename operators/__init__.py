"""Operators: thin wrappers that read the scene and preferences and call the engine."""
from . import (animate, cast, generate, parse, properties, render, shoot, simulate, sources,
               stage)
from . import rebuild, screenplay_edit, screenplay_props

# Registration order; unregister() runs it backwards.
_modules = (properties, parse, sources, cast, stage, animate, simulate, shoot, render,
            generate)
_modules += (screenplay_props, screenplay_edit, rebuild)


def register() -> None:
    for module in _modules:
        module.register()


def unregister() -> None:
    for module in reversed(_modules):
        module.unregister()
