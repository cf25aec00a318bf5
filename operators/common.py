"""What the operators share: the poll on a scene, how they report, and the step-by-step job
that Generate and Render run without freezing Blender."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable, Generator

log = logging.getLogger(__name__)

#: The job a modal operator is running now (at most one): the panel's progress line and
#: Cancel button act on it, and the stage buttons wait for it.
_running: list["StageJob"] = []


def one_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def running_job() -> "StageJob | None":
    return _running[0] if _running else None


def has_scene(cls, context) -> bool:
    # The story Text, its settings and the Screenplay all live on the scene.
    if context.scene is None:
        cls.poll_message_set("No active scene")
        return False
    # A running Generate or Render owns the scene between its steps.
    job = running_job()
    if job is not None and not job.stepping:
        cls.poll_message_set(f"{job.title} is running: wait, or press Esc to stop it")
        return False
    return True


def has_screenplay(cls, context) -> bool:
    """`has_scene`, and a stored Screenplay: what every stage after parse starts from."""
    from ..addon.blender.screenplay_store import SCREENPLAY_TEXT
    if not has_scene(cls, context):
        return False
    if SCREENPLAY_TEXT not in context.blend_data.texts:
        cls.poll_message_set("No Screenplay yet: parse the story first")
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


@dataclass
class Stage:
    """One stage of a job.  `run()` makes a generator that does the work, yields its progress
    (0 to 1) at each point where it may be stopped, and returns a one-line status; `clear()`
    removes everything the stage made (None: it leaves nothing half-made to remove)."""
    name: str
    label: str
    run: Callable[[], Generator[float, None, str]]
    clear: Callable[[], None] | None = None
    weight: float = 1.0


def single_step(work: Callable[[], str]) -> Generator[float, None, str]:
    """A stage that cannot be stopped half-way: all its work is one step of the job."""
    yield from ()
    return work()


class StageJob:
    """Stages run in order, one piece of work per `step()`, so a modal operator can draw and
    read Esc between pieces and a test can drive it directly.  Stopping (`cancel()`) or a
    failure leaves a consistent scene: the stages done stay, the stage interrupted and the later
    ones are cleared (their results from an earlier run no longer fit what was just made)."""

    def __init__(self, title: str, stages: list[Stage]):
        self.title = title
        self.stages = stages
        self.messages: list[str] = []       # each finished stage's status line
        self.error: str | None = None
        self.stopped = False
        self.stop_requested = False         # the panel's Cancel button; the modal stops
        self.stepping = False               # inside step(): the job's own operators may run
        self.started = time.monotonic()
        self._index = 0
        self._work: Generator[float, None, str] | None = None
        self._fraction = 0.0

    @property
    def done(self) -> list[str]:
        return [s.name for s in self.stages[:self._index]]

    @property
    def finished(self) -> bool:
        return self.stopped or self.error is not None or self._index >= len(self.stages)

    @property
    def progress(self) -> float:
        total = sum(s.weight for s in self.stages) or 1.0
        done = sum(s.weight for s in self.stages[:self._index])
        if self._index < len(self.stages):
            done += self.stages[self._index].weight * self._fraction
        return min(1.0, done / total)

    @property
    def status(self) -> str:
        """What runs now, e.g. "Building the cast (2/6)"; empty once finished."""
        if self.finished:
            return ""
        stage = self.stages[self._index]
        return f"{stage.label} ({self._index + 1}/{len(self.stages)})"

    def step(self) -> bool:
        """Do the next piece of work; False once the job has ended (done, failed or stopped)."""
        if self.finished:
            return False
        stage = self.stages[self._index]
        self.stepping = True
        try:
            if self._work is None:
                self._work = stage.run()
            self._fraction = next(self._work)
        except StopIteration as end:
            self.messages.append(end.value or stage.label)
            self._index += 1
            self._work, self._fraction = None, 0.0
        except Exception as exc:  # Reported in one line; the trace goes to the debug log.
            log.debug("%s failed", stage.name, exc_info=True)
            self._work = None
            self.error = one_line(exc)
            self._clear(started=True)
        finally:
            self.stepping = False
        return not self.finished

    def cancel(self) -> None:
        """Stop between two pieces of work: what is complete stays, the rest is cleared."""
        if self.finished:
            return
        started = self._work is not None
        if started:
            self._work.close()             # its `finally` blocks tidy up
            self._work = None
        self.stopped = True
        self.stepping = True
        try:
            self._clear(started=started)
        finally:
            self.stepping = False

    def _clear(self, started: bool) -> None:
        """Clear the stage stopped at and every later one, latest first, when the job changed
        the scene: a finished stage, or this one having started to write."""
        stage = self.stages[self._index]
        if not self._index and not (started and stage.clear is not None):
            return
        for later in reversed(self.stages[self._index:]):
            if later.clear is None:
                continue
            try:
                later.clear()
            except Exception as exc:  # the first problem is what the user needs to hear
                log.debug("clearing %s failed", later.name, exc_info=True)
                self.messages.append(f"could not clear {later.name}: {one_line(exc)}")


class JobOperator:
    """Mixin for an operator that runs a `StageJob` (made by `make_job(context)`, which returns
    the job or a one-line error): a step per timer event with progress in the status bar, the
    panel and the cursor, Esc or the panel's Cancel to stop; all at once in the background,
    where there is no event loop.  A job that changed the scene finishes (one undo step) even
    when stopped or failed; the report says how it ended."""

    def execute(self, context):
        job = self.make_job(context)
        if isinstance(job, str):
            return fail(self, context.scene.story_motion, job)
        while job.step():
            _show(context, job)
        return self._end(context, job)

    def invoke(self, context, event):
        if not has_event_loop(context):
            return self.execute(context)
        job = self.make_job(context)
        if isinstance(job, str):
            return fail(self, context.scene.story_motion, job)
        wm = context.window_manager
        self._job = job
        self._timer = wm.event_timer_add(0.05, window=context.window)
        wm.modal_handler_add(self)
        wm.progress_begin(0, 100)
        _running[:] = [job]
        _show(context, job)
        return {'RUNNING_MODAL'}

    def modal(self, context, event):
        job = self._job
        if (event.type == 'ESC' and event.value == 'PRESS') or job.stop_requested:
            job.cancel()
        elif event.type == 'TIMER':
            job.step()
        elif _is_undo(event):          # undo would pull the scene from under the job
            self.report({'WARNING'}, f"{job.title} is running: press Esc to stop it first")
            return {'RUNNING_MODAL'}
        else:
            return {'PASS_THROUGH'}    # Blender stays usable while the job runs
        if not job.finished:
            _show(context, job)
            return {'RUNNING_MODAL'}
        self._stop_modal(context)
        return self._end(context, job)

    def cancel(self, context):
        """Blender ended the operator (a file was loaded, the window closed): the scene the job
        worked on may be gone, so only the job's own state is dropped."""
        self._job.stopped = True
        self._stop_modal(context)

    def _stop_modal(self, context) -> None:
        wm = context.window_manager
        wm.event_timer_remove(self._timer)
        wm.progress_end()
        if context.workspace is not None:
            context.workspace.status_text_set(None)
        _running.clear()
        _redraw(context)

    def _end(self, context, job: StageJob) -> set[str]:
        settings = context.scene.story_motion
        settings.progress, settings.progress_text = job.progress, ""
        seconds = time.monotonic() - job.started
        last = f"; {job.messages[-1]}" if job.messages else ""
        if job.error is not None:
            stage = job.stages[len(job.done)].label
            settings.last_status = f"{job.title} failed at {stage}: {job.error}"
            self.report({'ERROR'}, settings.last_status)
        elif job.stopped:
            kept = f"kept {', '.join(job.done)}" if job.done else "nothing changed"
            settings.last_status = f"{job.title} stopped: {kept}"
            self.report({'WARNING'}, settings.last_status)
        else:
            settings.last_status = f"{job.title} finished in {seconds:.0f} s{last}"
            self.report({'INFO'}, settings.last_status)
        return {'FINISHED'} if job.done or job.error is not None else {'CANCELLED'}


def _is_undo(event) -> bool:
    """Ctrl-Z, Ctrl-Shift-Z (Cmd on a Mac) or Ctrl-Y pressed."""
    return event.value == 'PRESS' and (event.ctrl or event.oskey) and event.type in ('Z', 'Y')


def has_event_loop(context) -> bool:
    """Timers fire only in Blender with windows; `blender -b` and the bpy module have none."""
    import bpy
    return not bpy.app.background and context.window is not None


def _show(context, job: StageJob) -> None:
    """The job's progress on the scene (the panel draws it), the status bar and the cursor."""
    settings = context.scene.story_motion
    settings.progress, settings.progress_text = job.progress, job.status
    if context.window is not None:
        context.window_manager.progress_update(int(100 * job.progress))
        if context.workspace is not None:
            context.workspace.status_text_set(
                f"{job.title}: {job.status}, {job.progress:.0%} (Esc to stop)")
    _redraw(context)


def _redraw(context) -> None:
    if context.screen is None:
        return
    for area in context.screen.areas:
        if area.type == 'VIEW_3D':
            area.tag_redraw()
