"""Local render workers: frame chunks rendered by N `story-motion render --frames-only`
processes at once, with one progress line per finished frame for the whole render.

Each worker writes its frames under a temporary name and renames them when complete, so the
parent learns of a finished frame by its final name appearing; Ctrl-C is passed on to every
worker, which leaves only complete frames.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .presets import frame_name, progress_line

log = logging.getLogger("story_motion.render")


class WorkerError(RuntimeError):
    """A worker process failed; the message carries its last line of output."""


@dataclass(frozen=True)
class WorkerRun:
    workers: int
    frames: int
    seconds: float


def _last_line(path: Path) -> str:
    try:
        lines = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "(no output)"
    return lines[-1] if lines else "(no output)"


class WorkerPool:
    """Worker processes rendering at once, watched without blocking: `poll()` returns the
    frames finished since the last look (a progress line each), `stop()` passes Ctrl-C on
    (only complete frames stay), `close()` checks how every worker ended."""

    def __init__(self, commands: list[list[str]], frames_dir: Path, todo: list[int],
                 log_dir: Path, env: dict[str, str] | None = None):
        self.frames_dir, self.todo, self.seen = frames_dir, todo, set()
        self.started = self._last = time.monotonic()
        log_dir.mkdir(parents=True, exist_ok=True)
        self._procs, self._logs = [], []
        try:
            for i, argv in enumerate(commands):
                path = log_dir / f"worker-{i + 1}.log"
                fh = open(path, "w", encoding="utf-8")
                self._logs.append((path, fh))
                self._procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                                                    stderr=fh, stdin=subprocess.DEVNULL,
                                                    env=env))
        except BaseException:
            self.stop()
            self._close_logs()
            raise

    @property
    def running(self) -> bool:
        return any(p.poll() is None for p in self._procs)

    def poll(self) -> list[int]:
        new = [f for f in self.todo
               if f not in self.seen and (self.frames_dir / frame_name(f)).exists()]
        for f in new:
            self.seen.add(f)
            now = time.monotonic()
            log.info("%s", progress_line(len(self.seen), len(self.todo), f, now - self._last,
                                         now - self.started))
            self._last = now
        return new

    def stop(self) -> None:
        for p in self._procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in self._procs:
            try:
                p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                p.kill()

    def close(self) -> WorkerRun:
        """Wait for the workers; WorkerError (with its last line of output) for one that
        failed."""
        for p in self._procs:
            p.wait()
        self.poll()
        self._close_logs()
        for i, p in enumerate(self._procs):
            if p.returncode != 0:
                raise WorkerError(f"render worker {i + 1} failed (exit {p.returncode}): "
                                  f"{_last_line(self._logs[i][0])}")
        return WorkerRun(len(self._procs), len(self.todo), time.monotonic() - self.started)

    def _close_logs(self) -> None:
        for _, fh in self._logs:
            fh.close()


def run_workers(commands: list[list[str]], frames_dir: Path, todo: list[int],
                log_dir: Path, env: dict[str, str] | None = None,
                poll_s: float = 0.25) -> WorkerRun:
    """Run `commands` (one per worker) at once; wait for all; progress from `frames_dir`."""
    pool = WorkerPool(commands, frames_dir, todo, log_dir, env)
    try:
        while pool.running:
            pool.poll()
            time.sleep(poll_s)
    except KeyboardInterrupt:
        pool.stop()
        pool._close_logs()
        raise
    return pool.close()


def threads_per_worker(workers: int) -> int:
    """CPU threads for each worker's Cycles, so N workers share the cores, not fight for them."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) // max(1, workers))
