"""Change the session's shared runtime for one test, and put it back afterwards."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import fields
from typing import Any

from psp_dashboard.runtime import Runtime

_FIELDS = frozenset(f.name for f in fields(Runtime))


@contextmanager
def runtime_with(
    runtime: Runtime, *, settings: Mapping[str, Any] | None = None, **changes: Any
) -> Iterator[Runtime]:
    """`runtime` with these fields (`endpoints=…`, `login_limits=…`) and settings
    changed. The settings are restored too, so a test body may change them further."""
    unknown = set(changes) - _FIELDS
    assert not unknown, f"Runtime has no {sorted(unknown)}"
    before = {name: getattr(runtime, name) for name in {*changes, "settings"}}
    if settings:
        runtime.settings = runtime.settings.model_copy(update=dict(settings))
    for name, value in changes.items():
        setattr(runtime, name, value)
    try:
        yield runtime
    finally:
        for name, value in before.items():
            setattr(runtime, name, value)
