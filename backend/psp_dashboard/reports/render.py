"""A report as people and programs read it: an HTML e-mail body (with a plain-text
part), one CSV per table, one XLSX workbook with a sheet per table, a JSON body for
webhooks. Cells follow the exports' rules (`kit/tabular.py`): money is exact text with
its currency's decimals in CSV and HTML, an exact number in XLSX; timestamps UTC.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from psp_dashboard.kit.json import dumps
from psp_dashboard.kit.tabular import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Column,
    CsvLines,
    Kind,
    XlsxSink,
    csv_header,
    csv_row,
    temp_path,
)
from psp_dashboard.reports.compose import Report, Table


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str
    content: bytes


def _stem(report: Report) -> str:
    name = report.kind.replace("_", "-")
    if report.period_from == report.period_to:
        return f"{name}-{report.period_to.isoformat()}"
    return f"{name}-{report.period_from.isoformat()}-to-{report.period_to.isoformat()}"


# ---------------------------------------------------------------- CSV


def table_csv(table: Table) -> bytes:
    lines = CsvLines()
    body = "".join(lines.line(csv_row(row, table.columns)) for row in table.rows)
    return csv_header(table.columns) + body.encode()


# ---------------------------------------------------------------- XLSX


class _Workbook(XlsxSink):
    """The export's workbook, one sheet per table; counts and percentages as numbers."""

    def __init__(self, path: Path, first: Table) -> None:
        super().__init__(path, first.columns, first.name)

    def add_table(self, table: Table) -> None:
        self.columns = list(table.columns)
        self.currencies = [None] * len(self.columns)
        self.sheet_name, self.sheets = table.name, 0
        self._new_sheet()

    def _cell(
        self, row: int, col: int, value: Any, kind: Kind, currency: str | None = None
    ) -> None:
        if kind == "code" and isinstance(value, int | Decimal) and not isinstance(value, bool):
            self.sheet.write_number(row, col, value)
        else:
            super()._cell(row, col, value, kind, currency)


def _xlsx_file(report: Report, path: Path) -> None:
    book = _Workbook(path, report.tables[0])
    for index, table in enumerate(report.tables):
        if index:
            book.add_table(table)
        book.add(table.rows)
    book.close()


async def xlsx_bytes(report: Report) -> bytes:
    path = temp_path(".xlsx")
    try:
        await asyncio.to_thread(_xlsx_file, report, path)
        return await asyncio.to_thread(path.read_bytes)
    finally:
        await asyncio.to_thread(path.unlink, missing_ok=True)


async def attachments(report: Report, formats: list[str]) -> list[Attachment]:
    out: list[Attachment] = []
    stem = _stem(report)
    if "csv" in formats:
        out += [
            Attachment(f"{stem}-{t.name}.csv", CSV_MEDIA_TYPE, table_csv(t)) for t in report.tables
        ]
    if "xlsx" in formats:
        out.append(Attachment(f"{stem}.xlsx", XLSX_MEDIA_TYPE, await xlsx_bytes(report)))
    return out


# ---------------------------------------------------------------- HTML and text


def _cell_text(value: Any, kind: Kind) -> str:
    """The CSV cell's text (an empty string is CSV's quoted "", here just empty)."""
    text = csv_row([value], [Column("value", kind)])[0]
    return "" if text == "\x00" else text


_CELL = "padding:4px 10px;border-bottom:1px solid #e5e7eb;"
_HEAD = _CELL + "text-align:left;background:#f3f4f6;font-weight:600;"


def _html_table(table: Table) -> str:
    head = "".join(f'<th style="{_HEAD}">{escape(c.name)}</th>' for c in table.columns)
    body = []
    for row in table.rows:
        cells = []
        for value, column in zip(row, table.columns, strict=True):
            align = "right" if column.kind == "money" or isinstance(value, int) else "left"
            cells.append(
                f'<td style="{_CELL}text-align:{align}" data-column="{escape(column.name)}">'
                f"{escape(_cell_text(value, column.kind))}</td>"
            )
        body.append(f"<tr>{''.join(cells)}</tr>")
    if not body:
        span = len(table.columns)
        body.append(f'<tr><td style="{_CELL}" colspan="{span}">Nothing to report.</td></tr>')
    note = f'<p style="color:#6b7280;font-size:12px">{escape(table.note)}</p>' if table.note else ""
    return (
        f'<h2 style="font-size:16px;margin:24px 0 8px">{escape(table.title)}</h2>'
        f'<table data-table="{escape(table.name)}" style="border-collapse:collapse;'
        f'font-size:13px"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
        f"</table>{note}"
    )


def html(report: Report, schedule_name: str, generated_at: datetime) -> str:
    tables = "".join(_html_table(t) for t in report.tables)
    return (
        '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111827">'
        f'<h1 style="font-size:20px">{escape(report.title)}</h1>'
        f'<p style="color:#6b7280">Schedule “{escape(schedule_name)}”. Days in '
        f"{escape(report.timezone)}; amounts exact, in the currency shown (INR unless "
        f"stated); generated {generated_at:%Y-%m-%d %H:%M} UTC.</p>{tables}</body></html>"
    )


def plain_text(report: Report, schedule_name: str) -> str:
    lines = [report.title, f"Schedule: {schedule_name}", ""]
    for table in report.tables:
        lines.append(table.title)
        lines.append(",".join(c.name for c in table.columns))
        lines += [
            ",".join(_cell_text(v, c.kind) for v, c in zip(r, table.columns, strict=True))
            for r in table.rows
        ]
        lines.append("")
    return "\n".join(lines)


def webhook_body(report: Report, schedule_id: str, schedule_name: str, delivery_id: int) -> bytes:
    """JSON (exact decimals) with every table; the file formats go by e-mail only."""
    return dumps(
        {
            "report": report.kind,
            "title": report.title,
            "schedule": {"id": schedule_id, "name": schedule_name},
            "delivery_id": delivery_id,
            "period": {
                "from": report.period_from,
                "to": report.period_to,
                "timezone": report.timezone,
            },
            "tables": {
                t.name: {
                    "title": t.title,
                    "columns": [c.name for c in t.columns],
                    "rows": t.rows,
                }
                for t in report.tables
            },
        }
    ).encode()
