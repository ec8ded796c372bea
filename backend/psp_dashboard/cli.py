"""`psp` command line: serve | run | worker | migrate | openapi | sandbox, and each
domain's commands (sync, users, recon)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence

from psp_dashboard import migrate
from psp_dashboard.auth import cli as auth_cli
from psp_dashboard.commands import Command, no_args
from psp_dashboard.config import ConfigError, Settings, load_settings
from psp_dashboard.jobs import start_worker
from psp_dashboard.logs import configure_logging
from psp_dashboard.main import create_app
from psp_dashboard.reconciliation import cli as reconciliation_cli
from psp_dashboard.retention import cli as retention_cli
from psp_dashboard.runtime import open_runtime, resolve_urls
from psp_dashboard.sandbox.cli import main as sandbox_main
from psp_dashboard.serve import prepare_database, serve, serve_processes
from psp_dashboard.sync import cli as sync_cli
from psp_dashboard.worker import stop_on_signals


def _serve_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=None, help="bind address (default: HOST)")
    parser.add_argument("--port", type=int, default=None, help="port (default: PORT)")
    parser.add_argument("--no-migrate", action="store_true", help="do not migrate at start-up")


def _serve_only_args(parser: argparse.ArgumentParser) -> None:
    _serve_args(parser)
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="API processes on the port (default 1: one process, as before)",
    )


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.workers < 1:
        print("--workers must be at least 1", file=sys.stderr)
        return 2
    if args.workers > 1:
        return serve_processes(
            settings,
            host=args.host,
            port=args.port,
            migrate=not args.no_migrate,
            workers=args.workers,
        )
    return asyncio.run(
        serve(settings, host=args.host, port=args.port, migrate=not args.no_migrate, demo=False)
    )


def _run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(
        serve(settings, host=args.host, port=args.port, migrate=not args.no_migrate, demo=True)
    )


async def _run_worker(settings: Settings) -> int:
    runtime = await open_runtime(settings)
    try:
        await prepare_database(runtime, migrate=True)
        worker = start_worker(runtime)
        stop_on_signals(worker.stop)
        await worker.run_until_stopped()
    finally:
        await runtime.close()
    return 0


def _worker(_: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run_worker(settings))


def _migrate_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("direction", choices=["up", "down", "current"], nargs="?", default="up")
    parser.add_argument("--revision", default=None, help="target (default head / base)")


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    database_url, _ = asyncio.run(resolve_urls(settings))
    if args.direction == "up":
        migrate.upgrade(database_url, args.revision or "head")
    elif args.direction == "down":
        migrate.downgrade(database_url, args.revision or "base")
    else:
        migrate.current(database_url)
    return 0


def _openapi(_: argparse.Namespace, settings: Settings) -> int:
    app = create_app(settings)
    sys.stdout.write(json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n")
    return 0


def _sandbox_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="sandbox options (see --help)")


def _sandbox(args: argparse.Namespace, _: Settings) -> int:
    return sandbox_main(list(args.rest))


COMMANDS: tuple[Command, ...] = (
    Command("serve", "serve the API (and the dashboard when built)", _serve_only_args, _serve),
    Command(
        "run",
        "the demo: embedded defaults, sandboxes as sources, worker, API + dashboard",
        _serve_args,
        _run,
    ),
    Command(
        "worker",
        "run the worker: syncs on their intervals, manual triggers, daily reconciliation",
        no_args,
        _worker,
    ),
    Command("migrate", "apply (or revert) database migrations", _migrate_args, _migrate),
    Command(
        "openapi",
        "print the OpenAPI document (for the frontend's generated types)",
        no_args,
        _openapi,
    ),
    Command(
        "sandbox",
        "run the Vima and PayShack sandboxes on loopback ports",
        _sandbox_args,
        _sandbox,
    ),
    *sync_cli.COMMANDS,
    *auth_cli.COMMANDS,
    *reconciliation_cli.COMMANDS,
    *retention_cli.COMMANDS,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="psp", description="PSP Dashboard")
    subs = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_args(subs.add_parser(command.name, help=command.help, description=command.help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    handler = next(c.handler for c in COMMANDS if c.name == args.command)
    try:
        return handler(args, settings)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
