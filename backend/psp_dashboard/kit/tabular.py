"""CSV and XLSX in constant memory, for every export: one set of cell rules, so every
path writes the same bytes (the producers that feed them are in `streaming.py`).

- `sql_csv_cell`: the rules as SQL, for PostgreSQL's own `COPY … (FORMAT csv)`.
- `csv_chunks`: rows from an async iterator to CSV, for rows that pass through Python
  first (masking).
- `XlsxSink` + `stream_file`: xlsxwriter in `constant_memory` mode writes rows to a temp
  file as they come (an XLSX is a zip, finished only at close), which is then streamed.

Cell rules: NULL is an empty field, '' a quoted empty one (as COPY writes them); money
is exact text with its currency's decimals (`money.format_amount`: `100.00` INR, `100`
JPY; non-zero digits beyond them are kept, never rounded away); timestamps are ISO-8601
UTC with `Z`; free text that a spreadsheet would run as a formula (starting with = + - @
tab CR, OWASP's list) gets a leading apostrophe in CSV. XLSX cells are typed (strings
are never formulas), so they keep the text as is: money is a number written with its
exact digits and a `#,##0.00`-style format of its currency's decimals, timestamps and
dates real Excel date-times in UTC (`EXPORT_TIMEZONE`; Excel keeps no zone).
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import tempfile
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import xlsxwriter
from sqlalchemy import ColumnElement, Text, case, cast, func, literal_column

from psp_dashboard.kit.json import format_datetime
from psp_dashboard.kit.money import (
    DEFAULT_EXPONENT,
    currency_exponent,
    currency_exponents,
    format_amount,
)

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Lets Excel open UTF-8 (payer names, ₹) correctly; CSV readers skip it as utf-8-sig.
UTF8_BOM = b"\xef\xbb\xbf"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_BYTES = 256 * 1024
# Stands for an empty string until the line is written (text from PostgreSQL never
# holds NUL, so it cannot collide with data).
_EMPTY = "\x00"
XLSX_MAX_ROWS = 1_048_576  # per sheet, header included
# A double holds 15 significant decimal digits exactly; beyond that a numeric cell would
# round, so such an amount is written as text instead.
XLSX_EXACT_DIGITS = 15
# The zone of every timestamp an export writes (CSV text ends in `Z`; XLSX date-times
# have no zone of their own, so the response says it: `X-Export-Timezone`).
EXPORT_TIMEZONE = "UTC"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
XLSX_DATE_FORMAT = "yyyy-mm-dd"

# text: free text from a provider or payer (formula-neutralized); code: identifiers and
# enumerations the system controls (UUIDs, source, status, ISO codes), written as is.
Kind = Literal["text", "code", "money", "timestamp", "date"]


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind = "text"
    width: int = 18
    # money: the column of the same row that holds its currency code; None: INR's 2
    # decimals (PayShack and the reconciliation are rupees only).
    currency: str | None = None


def xlsx_money_format(exponent: int) -> str:
    """`#,##0.00` for 2 decimals, `#,##0` for none."""
    return "#,##0" + ("." + "0" * exponent if exponent > 0 else "")


def _currency_index(columns: Sequence[Column]) -> list[int | None]:
    """For each column, the index of the column holding its currency (money only)."""
    names = [c.name for c in columns]
    return [names.index(c.currency) if c.currency else None for c in columns]


# ---------------------------------------------------------------- cells (Python side)


def neutralize(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_cell(value: Any, kind: Kind, currency: str | None = None) -> str:
    if value is None:
        return ""
    if value == "":
        return _EMPTY  # COPY writes "" for an empty string (and nothing for NULL)
    if kind == "money":
        return format_amount(Decimal(value), currency)
    if kind == "timestamp":
        return format_datetime(value) if isinstance(value, datetime) else str(value)
    if kind in ("code", "date"):
        return str(value)
    return neutralize(str(value))


def csv_row(
    values: Sequence[Any],
    columns: Sequence[Column],
    currencies: Sequence[int | None] | None = None,
) -> list[str]:
    """`currencies`: `_currency_index(columns)`, when the caller writes many rows."""
    if currencies is None:
        currencies = _currency_index(columns)
    return [
        csv_cell(v, c.kind, None if i is None else values[i])
        for v, c, i in zip(values, columns, currencies, strict=True)
    ]


# ---------------------------------------------------------------- cells (SQL side)


# Constants are SQL literals, not bind parameters: 24 columns would otherwise need ~70.
_SQL_UTC: ColumnElement[Any] = literal_column("'UTC'")
_SQL_ISO: ColumnElement[Any] = literal_column("""'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'""")
_SQL_ZERO_FRACTION: ColumnElement[Any] = literal_column("'.000000Z'")
_SQL_Z: ColumnElement[Any] = literal_column("'Z'")
_SQL_APOSTROPHE: ColumnElement[Any] = literal_column("''''")
# FORMULA_PREFIXES as character codes, for `ascii(value) IN (...)`.
_SQL_FORMULA_CODES: ColumnElement[Any] = literal_column(
    "(" + ", ".join(str(ord(c)) for c in FORMULA_PREFIXES) + ")"
)


def sql_exponent(currency: ColumnElement[Any] | None) -> ColumnElement[Any]:
    """`money.currency_exponent` as SQL (a literal CASE: no bind parameters)."""
    if currency is None:
        return literal_column(str(DEFAULT_EXPONENT))
    by_exponent: dict[int, list[str]] = {}
    for code, exponent in currency_exponents().items():
        by_exponent.setdefault(exponent, []).append(f"'{code}'")
    # Rupees first: nearly every row is INR, and one equality is far cheaper than the
    # IN lists (measured: about half the cost of a money cell).
    whens: list[tuple[ColumnElement[bool], ColumnElement[Any]]] = [
        (currency == literal_column("'INR'"), literal_column(str(currency_exponent("INR"))))
    ]
    whens += [
        (currency.op("IN")(literal_column("(" + ", ".join(codes) + ")")), literal_column(str(e)))
        for e, codes in sorted(by_exponent.items())
    ]
    return case(*whens, else_=literal_column(str(DEFAULT_EXPONENT)))


def sql_csv_cell(
    expr: ColumnElement[Any], kind: Kind, currency: ColumnElement[Any] | None = None
) -> ColumnElement[Any]:
    """The same rules as `csv_cell`, as SQL, for `COPY`. Kept cheap (this runs for every
    cell of a million-row export): `ascii()` reads one character, where `left()` or a
    regular expression would copy or scan the text."""
    if kind == "money":
        # As `format_amount`: the currency's decimals, or more when the value has more
        # non-zero digits (`min_scale`), so the rounding never drops one.
        places = func.greatest(sql_exponent(currency), func.min_scale(expr))
        return cast(func.round(expr, places), Text)
    if kind == "date":
        return cast(expr, Text)
    if kind == "timestamp":
        text = func.to_char(func.timezone(_SQL_UTC, expr), _SQL_ISO)
        return func.replace(text, _SQL_ZERO_FRACTION, _SQL_Z)  # as format_datetime
    if kind == "code":
        return expr
    formula = func.ascii(expr).op("IN")(_SQL_FORMULA_CODES)
    return case((formula, _SQL_APOSTROPHE.op("||")(expr)), else_=expr)


# ---------------------------------------------------------------- CSV


class CsvLines:
    """Rows to CSV text exactly as PostgreSQL's COPY writes them: "\n" line ends, and a
    field quoted when it holds a delimiter, quote, CR or LF. (The csv module quotes only
    characters of its line terminator, so it writes with "\r\n" and the end is swapped.)"""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def line(self, fields: Sequence[str]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(fields)
        return self._buffer.getvalue()[:-2].replace(_EMPTY, '""') + "\n"


def csv_header(columns: Sequence[Column]) -> bytes:
    return UTF8_BOM + CsvLines().line([c.name for c in columns]).encode()


async def csv_chunks(
    columns: Sequence[Column], rows: AsyncIterator[Sequence[Any]]
) -> AsyncIterator[bytes]:
    yield csv_header(columns)
    lines = CsvLines()
    currencies = _currency_index(columns)
    pending: list[str] = []
    size = 0
    async for row in rows:
        text = lines.line(csv_row(row, columns, currencies))
        pending.append(text)
        size += len(text)
        if size >= CHUNK_BYTES:
            yield "".join(pending).encode()
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode()


# ---------------------------------------------------------------- XLSX


class XlsxSink:
    """Rows appended in batches (call from a worker thread: xlsxwriter is CPU-bound)."""

    def __init__(self, path: Path, columns: Sequence[Column], sheet: str = "Data") -> None:
        self.columns = list(columns)
        self.sheet_name = sheet
        self.book = xlsxwriter.Workbook(
            str(path),
            {"constant_memory": True, "tmpdir": str(path.parent), "strings_to_numbers": False},
        )
        self.money: dict[int, Any] = {}
        self.datetime_format = self.book.add_format({"num_format": XLSX_DATETIME_FORMAT})
        self.date_format = self.book.add_format({"num_format": XLSX_DATE_FORMAT})
        self.bold = self.book.add_format({"bold": True})
        self.currencies = _currency_index(self.columns)
        self.sheets = 0
        self.rows = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.sheets += 1
        name = self.sheet_name if self.sheets == 1 else f"{self.sheet_name} {self.sheets}"
        self.sheet = self.book.add_worksheet(name)
        for index, column in enumerate(self.columns):
            self.sheet.set_column(index, index, column.width)
            self.sheet.write_string(0, index, column.name, self.bold)
        self.sheet.freeze_panes(1, 0)
        self.row = 1

    def add(self, batch: Iterable[Sequence[Any]]) -> None:
        for values in batch:
            if self.row >= XLSX_MAX_ROWS:
                self._new_sheet()
            for index, (value, column) in enumerate(zip(values, self.columns, strict=True)):
                at = self.currencies[index]
                self._cell(self.row, index, value, column.kind, None if at is None else values[at])
            self.row += 1
            self.rows += 1

    def _money_format(self, currency: str | None) -> Any:
        exponent = currency_exponent(currency)
        if exponent not in self.money:
            self.money[exponent] = self.book.add_format({"num_format": xlsx_money_format(exponent)})
        return self.money[exponent]

    def _cell(
        self, row: int, col: int, value: Any, kind: Kind, currency: str | None = None
    ) -> None:
        if value is None or value == "":
            return
        if kind == "money":
            amount = Decimal(value)
            if len(amount.normalize().as_tuple().digits) <= XLSX_EXACT_DIGITS:
                # A Decimal is written with its own digits (`{:.16G}`), never via float.
                self.sheet.write_number(row, col, amount, self._money_format(currency))
            else:
                self.sheet.write_string(row, col, format_amount(amount, currency))
        elif kind == "timestamp" and isinstance(value, datetime):
            naive = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
            self.sheet.write_datetime(row, col, naive, self.datetime_format)
        elif kind == "date" and isinstance(value, date):
            self.sheet.write_datetime(row, col, value, self.date_format)
        else:
            self.sheet.write_string(row, col, str(value))

    def close(self) -> None:
        self.book.close()


def temp_path(suffix: str) -> Path:
    handle, name = tempfile.mkstemp(prefix="psp-export-", suffix=suffix)
    os.close(handle)
    return Path(name)


async def stream_file(path: Path, *, chunk: int = 1024 * 1024) -> AsyncIterator[bytes]:
    """The file's bytes, then the file is removed (also when the client goes away)."""
    try:
        with path.open("rb") as handle:
            while data := await asyncio.to_thread(handle.read, chunk):
                yield data
    finally:
        await asyncio.to_thread(path.unlink, missing_ok=True)
