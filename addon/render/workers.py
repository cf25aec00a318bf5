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


def run_workers(commands: list[list[str]], frames_dir: Path, todo: list[int],
                log_dir: Path, env: dict[str, str] | None = None,
                poll_s: float = 0.25) -> WorkerRun:
    """Run `commands` (one per worker) at once; wait for all; progress from `frames_dir`."""
    log_dir.mkdir(parents=True, exist_ok=True)
    procs, logs = [], []
    start = time.monotonic()
    try:
        for i, argv in enumerate(commands):
            path = log_dir / f"worker-{i + 1}.log"
            fh = open(path, "w", encoding="utf-8")
            logs.append((path, fh))
            procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=fh,
                                          stdin=subprocess.DEVNULL, env=env))
        seen: set[int] = set()
        last = start
        while True:
            running = [p for p in procs if p.poll() is None]
            for f in todo:
                if f not in seen and (frames_dir / frame_name(f)).exists():
                    seen.add(f)
                    now = time.monotonic()
                    log.info("%s", progress_line(len(seen), len(todo), f, now - last,
                                                 now - start))
                    last = now
            if not running:
                break
            time.sleep(poll_s)
    except KeyboardInterrupt:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                p.kill()
        raise
    finally:
        for _, fh in logs:
            fh.close()
    for i, p in enumerate(procs):
        if p.returncode != 0:
            raise WorkerError(f"render worker {i + 1} failed (exit {p.returncode}): "
                              f"{_last_line(logs[i][0])}")
    return WorkerRun(len(procs), len(todo), time.monotonic() - start)


def threads_per_worker(workers: int) -> int:
    """CPU threads for each worker's Cycles, so N workers share the cores, not fight for them."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, (cores or 1) // max(1, workers))
