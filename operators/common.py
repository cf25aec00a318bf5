"""What the operators share: the poll on a scene, and how they report."""
import logging

log = logging.getLogger(__name__)


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


def run_stage(operator, context, verb: str, stage, expected: tuple, status) -> set[str]:
    """Run `stage()` for an operator: expected errors (`expected`) and anything else become
    one line in the panel and the status bar; the report's warnings are shown; `status(report)`
    says what was done."""
    settings = context.scene.story_motion
    try:
        report = stage()
    except expected as exc:
        return fail(operator, settings, f"Could not {verb}: {one_line(exc)}")
    except Exception as exc:  # Reported in one line; the trace goes to the debug log.
        log.debug("%s failed", verb, exc_info=True)
        return fail(operator, settings, f"Could not {verb}: {type(exc).__name__}: "
                                        f"{one_line(exc)}")
    for warning in report.warnings:
        operator.report({'WARNING'}, warning)
    message = status(report)
    if report.warnings:
        message += f", {count(len(report.warnings), 'warning')}"
    settings.last_status = message
    operator.report({'INFO'}, message)
    return {'FINISHED'}
