"""A `psp` sub-command as a domain's CLI declares it; cli.py lists every domain's."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from psp_dashboard.config import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def no_args(_: argparse.ArgumentParser) -> None:
    return None


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_args: Callable[[argparse.ArgumentParser], None]
    handler: Handler
