"""Structured JSON logs with the request id of the request being served."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            payload["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info and record.exc_info[1] is not None:
            payload["exc"] = format_exception_safely(record.exc_info[1])
        return json.dumps(payload, default=str, ensure_ascii=False)


def _is_database_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError

    # The driver's exception, SQLAlchemy's adapter around it, and the DBAPIError on top.
    module = type(exc).__module__
    return isinstance(exc, DBAPIError) or module.startswith(_DRIVER_MODULES)


_DRIVER_MODULES = ("asyncpg", "sqlalchemy.dialects", "sqlalchemy.connectors")


def safe_error_message(exc: BaseException) -> str:
    """`exc`'s message, except a database error's: the driver quotes bound values in it
    ("invalid input for query argument $1: '<a note, an e-mail, a token hash>'"), and
    SQLAlchemy appends the parameters unless the engine hides them."""
    if not _is_database_error(exc):
        return str(exc)
    orig = getattr(exc, "orig", None) or exc
    sqlstate = getattr(orig, "sqlstate", None) or getattr(
        getattr(orig, "__cause__", None), "sqlstate", None
    )
    kind = type(orig).__name__
    return f"{kind} (sqlstate {sqlstate or 'unknown'}; message withheld: it may quote values)"


def format_exception_safely(exc: BaseException) -> str:
    """A traceback like the standard one (causes first), with database errors' messages
    replaced by `safe_error_message`."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        cause = current.__cause__
        current = (
            cause
            if cause is not None
            else (None if current.__suppress_context__ else current.__context__)
        )
    parts: list[str] = []
    for index, item in enumerate(reversed(chain)):
        if index:
            parts.append("\nThe above exception led to the following exception:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(item.__traceback__))
        name = f"{type(item).__module__}.{type(item).__qualname__}"
        parts.append(f"{name}: {safe_error_message(item)}\n")
    return "".join(parts).rstrip("\n")


def configure_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs full request URLs at INFO; a Vima URL can carry the API key.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
