"""Waiting for a remote task: polling with backoff, progress, cancellation, a deadline.

Every provider's status answer is first turned into a `TaskState` by its client; the loop here
is the same for all.  A status check that times out or meets a 5xx is tried again at the next
poll (reading a status is safe to repeat), but not more than `MAX_POLL_FAILURES` times in a row.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable

from .config import ProviderConfig
from .errors import (Cancelled, ModerationError, ServiceError, ServiceTimeout, TaskFailed,
                     Unreachable)
from .transport import Cancel, Progress, is_cancelled, wait

log = logging.getLogger(__name__)

MAX_POLL_FAILURES = 3

# the states a client maps its provider's statuses to
QUEUED, RUNNING, DONE, FAILED, MODERATED, CANCELLED = (
    "queued", "running", "done", "failed", "moderated", "cancelled")


@dataclass(frozen=True)
class TaskState:
    state: str                      # one of the constants above
    fraction: float | None = None   # 0..1 when the service reports progress
    message: str = ""               # the service's reason on failure
    data: dict = field(default_factory=dict)   # the provider's answer, for the result fields


def wait_for_task(check: Callable[[], TaskState], config: ProviderConfig, what: str, *,
                  progress: Progress | None = None, cancel: Cancel = None) -> TaskState:
    """Call `check` until the task is done; return its final state.

    Raises TaskFailed / ModerationError when the service says so, ServiceTimeout after
    `config.task_timeout_s`, Cancelled when the token is set (the remote task may go on)."""
    deadline = time.monotonic() + config.task_timeout_s
    interval = config.poll_interval_s
    failures = 0
    while True:
        if is_cancelled(cancel):
            raise _cancelled(what)
        try:
            state = check()
            failures = 0
        except (ServiceTimeout, Unreachable) as exc:
            state, failures = None, failures + 1
            problem = exc
        except ServiceError as exc:
            if exc.status is None or exc.status < 500:
                raise
            state, failures = None, failures + 1
            problem = exc
        if state is None:
            if failures >= MAX_POLL_FAILURES:
                raise type(problem)(f"{problem} (checking {what}, {failures} times in a row)",
                                    status=problem.status)
            log.warning("checking %s failed (%s); trying again", what, problem)
        elif state.state == DONE:
            if progress:
                progress(f"{what}: done", 1.0)
            return state
        elif state.state == MODERATED:
            raise ModerationError(f"{config.label} refused {what} under its content rules"
                                  + (f": {state.message}" if state.message else ""))
        elif state.state in (FAILED, CANCELLED):
            verb = "failed" if state.state == FAILED else "was cancelled on the service"
            raise TaskFailed(f"{what} {verb}" + (f": {state.message}" if state.message else ""))
        elif progress:
            progress(f"{what}: {state.state}", state.fraction)
        left = deadline - time.monotonic()
        if left <= 0:
            raise ServiceTimeout(f"{what} did not finish within {config.task_timeout_s:g} s; "
                                 f"try again later or raise the task timeout")
        try:
            wait(min(interval, left), cancel)
        except Cancelled:
            raise _cancelled(what) from None
        interval = min(interval * config.poll_backoff, config.poll_max_interval_s)


def _cancelled(what: str) -> Cancelled:
    return Cancelled(f"cancelled while waiting for {what}; the remote task may still finish "
                     f"and be billed")
