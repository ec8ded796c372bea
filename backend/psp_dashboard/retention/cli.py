"""`psp retention run` (archive what RETENTION_MONTHS no longer keeps), `psp retention
restore YYYY-MM` (load an archived month back), `psp retention list`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from sqlalchemy import select

from psp_dashboard.commands import Command
from psp_dashboard.config import Settings
from psp_dashboard.models import partition_archives
from psp_dashboard.retention.archive import ArchiveMismatch, run_retention
from psp_dashboard.retention.restore import NothingArchived, restore_month
from psp_dashboard.retention.store import archive_store
from psp_dashboard.runtime import open_runtime


def _month(value: str) -> date:
    try:
        return date.fromisoformat(f"{value}-01")
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a month (YYYY-MM): {value!r}") from None


def _args(parser: argparse.ArgumentParser) -> None:
    subs = parser.add_subparsers(dest="retention_command", required=True)
    subs.add_parser("run", help="archive and drop the months RETENTION_MONTHS does not keep")
    restore = subs.add_parser("restore", help="load an archived month back into the database")
    restore.add_argument("month", type=_month, help="the month, YYYY-MM")
    subs.add_parser("list", help="the archived months and their files")


async def _main(args: argparse.Namespace, settings: Settings) -> int:
    runtime = await open_runtime(settings)
    try:
        store = archive_store(settings)
        if args.retention_command == "run":
            if settings.retention_months is None:
                print("RETENTION_MONTHS is not set: every month is kept", file=sys.stderr)
                return 0
            archived = await run_retention(runtime.engine, store, settings.retention_months)
            if archived is None:
                print("another retention run holds the lock; nothing done", file=sys.stderr)
                return 1
            for month in archived:
                print(f"{month.month:%Y-%m}: {month.rows} rows archived to {month.files}")
            if not archived:
                print("nothing to archive")
            return 0
        if args.retention_command == "restore":
            restored = await restore_month(runtime.engine, store, args.month)
            how = "merged into the existing partition" if restored.merged else "attached"
            print(f"{restored.month:%Y-%m}: {restored.rows} rows restored ({how})")
            return 0
        async with runtime.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(partition_archives).order_by(
                        partition_archives.c.month, partition_archives.c.source
                    )
                )
            ).mappings()
            for row in rows:
                restored = row["restored_at"]
                state = f"restored {restored:%Y-%m-%d}" if restored else "archived"
                month, source, count = row["month"], row["source"], row["rows"]
                print(f"{month:%Y-%m} {source:<9} {count:>10} rows  {state}  {row['path']}")
        return 0
    except (NothingArchived, ArchiveMismatch, ValueError) as exc:
        print(f"psp retention: {exc}", file=sys.stderr)
        return 1
    finally:
        await runtime.close()


def _retention(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_main(args, settings))


COMMANDS = (
    Command("retention", "archive old months to Parquet, or restore one", _args, _retention),
)
