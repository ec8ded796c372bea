"""`psp sync vima|payshack [--backfill FROM TO | --resume ID] [--transport api|browser]`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from datetime import date

from psp_dashboard.commands import Command
from psp_dashboard.config import Settings
from psp_dashboard.runtime import open_runtime
from psp_dashboard.serve import prepare_database
from psp_dashboard.sync.backfill import create_backfill, run_backfill
from psp_dashboard.sync.service import sync_source
from psp_dashboard.worker import stop_on_signals


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
    runtime = await open_runtime(settings)
    try:
        await prepare_database(runtime, migrate=True)
        # SIGTERM/SIGINT: finish the current batch, then stop (graceful shutdown).
        stop = asyncio.Event()
        stop_on_signals(stop)
        if args.backfill or args.resume:
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


def _sync_command(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_sync(args, settings))


COMMANDS = (
    Command("sync", "run one sync of a source now (or a backfill)", _sync_args, _sync_command),
)
