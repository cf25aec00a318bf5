"""What the operators share: the poll on a scene, and how they report."""


def one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def has_scene(cls, context) -> bool:
    # The story Text, its settings and the Screenplay all live on the scene.
    if context.scene is None:
        cls.poll_message_set("No active scene")
        return False
    return True


def fail(operator, settings, message: str) -> set[str]:
    """Show `message` in the panel and the status bar; the operator is cancelled."""
    settings.last_status = message
    operator.report({'ERROR'}, message)
    return {'CANCELLED'}
