"""`psp users create EMAIL --role R | set-role EMAIL R | reset-password EMAIL | disable EMAIL
| enable EMAIL | list`.

A password is never an argument (argv shows in `ps` and shell history): it comes from
PSP_USER_PASSWORD, else a prompt (asked twice), else one line of standard input.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys

from psp_dashboard.auth.principal import ROLES, SYSTEM, as_role
from psp_dashboard.auth.service import session_store
from psp_dashboard.commands import Command
from psp_dashboard.config import Settings
from psp_dashboard.errors import AppError
from psp_dashboard.runtime import open_runtime
from psp_dashboard.serve import prepare_database
from psp_dashboard.users import repository, service

_password_variable = "PSP_USER_PASSWORD"  # noqa: S105 -- a variable name, not a secret


def _users_args(parser: argparse.ArgumentParser) -> None:
    subs = parser.add_subparsers(dest="action", required=True)
    create = subs.add_parser("create", help="create a user (password: prompt or env)")
    create.add_argument("email")
    create.add_argument("--role", choices=ROLES, required=True)
    set_role = subs.add_parser("set-role", help="change a user's role")
    set_role.add_argument("email")
    set_role.add_argument("role", choices=ROLES)
    for name, text in (
        ("reset-password", "set a new password (ends the user's sessions)"),
        ("disable", "disable a user (ends sessions; tokens stop working)"),
        ("enable", "enable a disabled user"),
    ):
        sub = subs.add_parser(name, help=text)
        sub.add_argument("email")
    subs.add_parser("list", help="list users")


def read_password() -> str:
    from_env = os.environ.get(_password_variable)
    if from_env:
        return from_env
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != first:
            raise SystemExit("passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


async def _run(args: argparse.Namespace, settings: Settings, password: str | None) -> int:
    runtime = await open_runtime(settings)
    try:
        await prepare_database(runtime, migrate=True)
        async with runtime.engine.begin() as conn:
            if args.action == "list":
                for user in await repository.list_all(conn):
                    sys.stdout.write(json.dumps(service.public(user)) + "\n")
                return 0
            if args.action == "create":
                user = await service.create_user(
                    conn, SYSTEM, args.email, as_role(args.role), password or ""
                )
            else:
                target = await service.find_by_email(conn, args.email)
                store = session_store(runtime)
                if args.action == "set-role":
                    user = await service.update_user(
                        conn, SYSTEM, target.id, store, role=as_role(args.role)
                    )
                elif args.action == "reset-password":
                    user = await service.update_user(
                        conn, SYSTEM, target.id, store, password=password or ""
                    )
                else:
                    user = await service.update_user(
                        conn, SYSTEM, target.id, store, is_active=args.action == "enable"
                    )
        sys.stdout.write(json.dumps(service.public(user)) + "\n")
        return 0
    finally:
        await runtime.close()


def _users(args: argparse.Namespace, settings: Settings) -> int:
    password = read_password() if args.action in ("create", "reset-password") else None
    try:
        return asyncio.run(_run(args, settings, password))
    except AppError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


COMMANDS = (
    Command(
        "users",
        "manage users: create, set-role, reset-password, disable, enable, list",
        _users_args,
        _users,
    ),
)
