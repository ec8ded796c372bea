"""What every export hands its route: a streamed file, its name and its row count."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from starlette.responses import StreamingResponse

from psp_dashboard.errors import ValidationFailed
from psp_dashboard.kit.tabular import CSV_MEDIA_TYPE, EXPORT_TIMEZONE, XLSX_MEDIA_TYPE


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    media_type: str
    rows: int
    body: AsyncIterator[bytes]


def too_large(rows: int, cap: int, field: str, hint: str | None = None) -> ValidationFailed:
    message = f"The export would hold {rows:,} rows; at most {cap:,} can be exported at once"
    return ValidationFailed(
        f"{message}. {hint}" if hint else message,
        {"field": field, "reason": "export_too_large", "rows": rows, "max_rows": cap},
    )


def file_responses(description: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI's 200 of a download: either format, streamed."""
    return {
        200: {
            "description": description,
            "headers": {
                "X-Export-Rows": {"description": "Rows in the file", "schema": {"type": "integer"}},
                "X-Export-Timezone": {
                    "description": "Zone of every date and time in the file (UTC)",
                    "schema": {"type": "string"},
                },
            },
            "content": {
                CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }


def download(export: Export) -> StreamingResponse:
    return StreamingResponse(
        export.body,
        media_type=export.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "X-Export-Rows": str(export.rows),
            # The zone of every date and time in the file (XLSX date-times carry none).
            "X-Export-Timezone": EXPORT_TIMEZONE,
            # A file of payment data: never kept by a browser or proxy cache.
            "Cache-Control": "no-store",
        },
    )
