"""`psp recon run --date D` / `psp recon run --from D1 --to D2`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, timedelta

from psp_dashboard.auth.principal import SYSTEM
from psp_dashboard.commands import Command
from psp_dashboard.config import Settings
from psp_dashboard.errors import AppError
from psp_dashboard.reconciliation.runs import run_day
from psp_dashboard.runtime import open_runtime

MAX_DAYS = 366


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _args(parser: argparse.ArgumentParser) -> None:
    subs = parser.add_subparsers(dest="recon_command", required=True)
    run = subs.add_parser("run", help="reconcile one day or a range of days, oldest first")
    run.add_argument("--date", type=_day, help="the day (YYYY-MM-DD, RECON_TIMEZONE)")
    run.add_argument("--from", dest="from_date", type=_day, help="first day of a range")
    run.add_argument("--to", dest="to_date", type=_day, help="last day of a range")


def days_of(args: argparse.Namespace) -> list[date]:
    if args.date is not None:
        if args.from_date is not None or args.to_date is not None:
            raise ValueError("give --date, or --from and --to, not both")
        return [args.date]
    if args.from_date is None or args.to_date is None:
        raise ValueError("give --date, or both --from and --to")
    if args.to_date < args.from_date:
        raise ValueError("--to is before --from")
    count = (args.to_date - args.from_date).days + 1
    if count > MAX_DAYS:
        raise ValueError(f"at most {MAX_DAYS} days at once")
    return [args.from_date + timedelta(days=i) for i in range(count)]


async def _run(days: list[date], settings: Settings) -> int:
    runtime = await open_runtime(settings)
    failures = 0
    try:
        for day in days:
            try:
                outcome = await run_day(runtime, day, SYSTEM, trigger="cli")
            except AppError as exc:
                print(f"{day.isoformat()}: {exc.code}: {exc.message}", file=sys.stderr)
                failures += 1
                continue
            print(f"{day.isoformat()}: {outcome.status}: {outcome.message} (run {outcome.run_id})")
            failures += outcome.status != "completed"
    finally:
        await runtime.close()
    return 1 if failures else 0


def _recon(args: argparse.Namespace, settings: Settings) -> int:
    try:
        days = days_of(args)
    except ValueError as exc:
        print(f"psp recon run: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_run(days, settings))


COMMANDS = (Command("recon", "reconciliation: run days by hand", _args, _recon),)
