"""`psp` command line: serve | run | migrate | sandbox | openapi | … (later issues add more)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence

from psp_dashboard.config import ConfigError, Settings, load_settings
from psp_dashboard.logs import configure_logging

Handler = Callable[[argparse.Namespace, Settings], int]
EXTENSIONS: list[str] = [
    "psp_dashboard.sync.cli",
    "psp_dashboard.auth.cli",
    "psp_dashboard.reconciliation.cli",
]
_COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Handler, str]] = {}


def command(
    name: str, help_text: str
) -> Callable[[Callable[[argparse.ArgumentParser], None]], Callable[[Handler], Handler]]:
    """Register a sub-command: `@command("x", "...")(add_args)(handler)`."""

    def with_args(
        add_args: Callable[[argparse.ArgumentParser], None],
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            _COMMANDS[name] = (add_args, handler, help_text)
            return handler

        return register

    return with_args


def _no_args(_: argparse.ArgumentParser) -> None:
    return None


def _serve_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=None, help="bind address (default: HOST)")
    parser.add_argument("--port", type=int, default=None, help="port (default: PORT)")
    parser.add_argument("--no-migrate", action="store_true", help="do not migrate at start-up")


@command("serve", "serve the API (and the dashboard when built)")(_serve_args)
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from psp_dashboard.serve import serve

    return asyncio.run(
        serve(settings, host=args.host, port=args.port, migrate=not args.no_migrate, demo=False)
    )


@command("run", "the demo: embedded defaults, sandboxes as sources, API + dashboard")(_serve_args)
def _run(args: argparse.Namespace, settings: Settings) -> int:
    from psp_dashboard.serve import serve

    return asyncio.run(
        serve(settings, host=args.host, port=args.port, migrate=not args.no_migrate, demo=True)
    )


def _migrate_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("direction", choices=["up", "down", "current"], nargs="?", default="up")
    parser.add_argument("--revision", default=None, help="target (default head / base)")


@command("migrate", "apply (or revert) database migrations")(_migrate_args)
def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    from psp_dashboard import migrate
    from psp_dashboard.runtime import resolve_urls

    database_url, _ = asyncio.run(resolve_urls(settings))
    if args.direction == "up":
        migrate.upgrade(database_url, args.revision or "head")
    elif args.direction == "down":
        migrate.downgrade(database_url, args.revision or "base")
    else:
        migrate.current(database_url)
    return 0


@command("openapi", "print the OpenAPI document (for the frontend's generated types)")(_no_args)
def _openapi(_: argparse.Namespace, settings: Settings) -> int:
    from psp_dashboard.main import create_app

    app = create_app(settings)
    sys.stdout.write(json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n")
    return 0


def _sandbox_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="sandbox options (see --help)")


@command("sandbox", "run the Vima and PayShack sandboxes on loopback ports")(_sandbox_args)
def _sandbox(args: argparse.Namespace, _: Settings) -> int:
    from psp_dashboard.sandbox.cli import main as sandbox_main

    return sandbox_main(list(args.rest))


def _load_extensions() -> None:
    """Domain CLIs register their sub-commands on import."""
    import importlib

    for module in EXTENSIONS:
        importlib.import_module(module)


def build_parser() -> argparse.ArgumentParser:
    _load_extensions()
    parser = argparse.ArgumentParser(prog="psp", description="PSP Dashboard")
    subs = parser.add_subparsers(dest="command", required=True)
    for name, (add_args, _, help_text) in _COMMANDS.items():
        add_args(subs.add_parser(name, help=help_text, description=help_text))
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
    _, handler, _ = _COMMANDS[args.command]
    try:
        return handler(args, settings)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    # Run as `python -m psp_dashboard.cli`: dispatch through the imported module so that
    # the domain CLIs register on the same registry they import.
    from psp_dashboard.cli import main as imported_main

    raise SystemExit(imported_main())
