"""Work a process starts and does not await: held until done, stopped together."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class BackgroundTasks:
    def __init__(self) -> None:
        # Set when the owner shuts down: long work (syncs, backfills) takes it as its
        # `stop` and ends after the batch it is on.
        self.stop = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, work: Coroutine[Any, Any, T], *, name: str | None = None) -> asyncio.Task[T]:
        # The event loop holds tasks weakly: one that nobody references can be collected
        # mid-run.
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def pending(self) -> list[asyncio.Task[Any]]:
        return [task for task in self._tasks if not task.done()]

    async def join(self) -> None:
        """Wait for everything started so far (its failures are the work's to log)."""
        await asyncio.gather(*self.pending(), return_exceptions=True)

    async def close(self) -> None:
        """Ask the work to stop at its next safe point, and wait for it."""
        self.stop.set()
        # Until nothing is left: work may start while we wait (a job that fired as
        # shutdown began), and it must not be cut off when the process ends.
        while pending := self.pending():
            await asyncio.gather(*pending, return_exceptions=True)
