"""`psp sync vima|payshack [--backfill FROM TO] [--transport api|browser]` and `psp worker`."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from datetime import date

from psp_dashboard.cli import command
from psp_dashboard.config import Settings
from psp_dashboard.runtime import Runtime, open_runtime
from psp_dashboard.serve import prepare_database


def _sync_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", choices=["vima", "payshack"])
    parser.add_argument("--transport", choices=["api", "browser"], default=None)
    parser.add_argument(
        "--backfill",
        nargs=2,
        metavar=("FROM", "TO"),
        type=date.fromisoformat,
        help="load the days FROM..TO (YYYY-MM-DD) without touching the incremental cursor",
    )
    parser.add_argument("--resume", default=None, help="resume the backfill with this id")
    parser.add_argument("--wait", action="store_true", help="wait for a running sync to end")


async def _sync(args: argparse.Namespace, settings: Settings) -> int:
    from psp_dashboard.sync.backfill import create_backfill, run_backfill
    from psp_dashboard.sync.service import sync_source

    runtime = await open_runtime(settings)
    try:
        await prepare_database(runtime, migrate=True)
        stop = _stop_on_signals()
        if args.backfill or args.resume:
            import uuid

            if args.resume:
                backfill_id = uuid.UUID(args.resume)
            else:
                start, end = args.backfill
                backfill_id = await create_backfill(runtime, args.source, start, end, "cli")
            backfill = await run_backfill(runtime, backfill_id, transport=args.transport, stop=stop)
            _print(
                {
                    "backfill_id": str(backfill.backfill_id),
                    "status": backfill.status,
                    "error": backfill.error,
                    **backfill.counts.as_params(),
                }
            )
            return 0 if backfill.status == "success" else 1
        result = await sync_source(
            runtime,
            args.source,
            transport=args.transport,
            trigger="cli",
            wait_for_lock=args.wait,
            stop=stop,
        )
        _print(
            {
                "source": result.source,
                "status": result.status,
                "error": result.error,
                "run_id": str(result.run_id) if result.run_id else None,
                **result.counts.as_params(),
            }
        )
        return {"success": 0, "skipped": 3}.get(result.status, 1)
    finally:
        await runtime.close()


def _print(payload: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")


def _stop_on_signals() -> asyncio.Event:
    """SIGTERM/SIGINT: finish the current batch, then stop (graceful shutdown)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


@command("sync", "run one sync of a source now (or a backfill)")(_sync_args)
def _sync_command(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_sync(args, settings))


def _worker_args(_: argparse.ArgumentParser) -> None:
    return None


async def run_worker(runtime: Runtime, stop: asyncio.Event) -> None:
    from psp_dashboard.sync.jobs import extra_jobs
    from psp_dashboard.sync.scheduler import SyncScheduler

    scheduler = SyncScheduler(runtime)
    runtime.extras["scheduler"] = scheduler
    scheduler.start(extra_jobs(runtime))
    await stop.wait()
    await scheduler.shutdown()


async def _worker(settings: Settings) -> int:
    runtime = await open_runtime(settings)
    try:
        await prepare_database(runtime, migrate=True)
        await run_worker(runtime, _stop_on_signals())
    finally:
        await runtime.close()
    return 0


@command("worker", "run the scheduler: syncs on their intervals, daily reconciliation")(
    _worker_args
)
def _worker_command(_: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_worker(settings))
