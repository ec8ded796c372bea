"""The Pay-In table's shell as the server sends it: the element, its header row and an
empty body. The page's script only adds rows, so the headers are in the HTML as they
always were, and a table never shows rows its own fetch did not bring."""

from __future__ import annotations

import html

from psp_dashboard.sandbox.dashboard_columns import ShownColumn
from psp_dashboard.sandbox.dashboard_variants import DashboardVariant

_BUSY = 'aria-label="Pay-In transactions" aria-busy="true" data-state="loading"'


def _header(column: ShownColumn) -> str:
    text = html.escape(column.label)
    if column.sort:
        active = " active" if column.sort == "▼" else ""
        text += f' <span class="sort{active}">{column.sort}</span>'
    return text


def table_shell(variant: DashboardVariant, columns: list[ShownColumn]) -> str:
    if variant.table == "table":
        cells = "".join(f'<th scope="col">{_header(c)}</th>' for c in columns)
        return (
            f'<table id="payins" {_BUSY}>\n  <thead>\n    <tr>{cells}</tr>\n  </thead>\n'
            "  <tbody></tbody>\n</table>"
        )
    cells = "".join(f'<div role="columnheader" class="th">{_header(c)}</div>' for c in columns)
    header_row = f'<div role="row" class="tr">{cells}</div>'
    if variant.table == "grid":  # a data grid nests plain divs around its rows
        head, body = '<div class="thead">', '<div class="tbody">'
        role = "grid"
    else:
        head, body = '<div role="rowgroup" class="thead">', '<div role="rowgroup" class="tbody">'
        role = "table"
    return (
        f'<div id="payins" role="{role}" class="dtable {variant.table}" {_BUSY}>'
        f"{head}{header_row}</div>{body}</div></div>"
    )
