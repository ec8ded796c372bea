"""Reports: the e-mail arrives once at the scheduled time with exact figures equal to
the API; a webhook that fails once is retried and then delivered; a crashed sender's
row is retaken after its lease; the XLSX attachment opens and its sums equal the API."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email import message_from_bytes
from email.message import Message
from html.parser import HTMLParser
from typing import Any

import openpyxl
from sqlalchemy import text

from psp_dashboard.reports import deliver
from psp_dashboard.reports.deliver import LEASE, deliver_due, tick
from psp_dashboard.runtime import Runtime
from tests.alerts.conftest import Caller
from tests.alerts.test_deliveries import Receiver, Sink
from tests.reconciliation.support import at, insert, payshack, run, vima

DAY = date(2026, 11, 20)
ZONE = "Asia/Kolkata"
# 08:00 in Kolkata the day after DAY.
DUE = datetime(2026, 11, 21, 2, 30, tzinfo=UTC)


async def _load_day(rt: Runtime, day: date = DAY) -> None:
    """A day of both sources: matched pairs, an amount and a status mismatch, a missing
    side, odd 4-decimal amounts, two projects; then the day's reconciliation."""
    rows = [
        vima("k1", at(day, 6), "100.1234"), payshack("k1", at(day, 6, 1), "100.1234"),
        vima("k2", at(day, 7), "250.50"), payshack("k2", at(day, 7, 2), "249.75"),
        vima("k3", at(day, 8), "999.99"), payshack("k3", at(day, 8), "999.99", "failed"),
        vima("k4", at(day, 9), "0.0001"),
        payshack("k5", at(day, 10), "1234.5678"),
        vima("k6", at(day, 11), "42.00", "failed"), payshack("k6", at(day, 11), "42.00", "failed"),
        vima("m1", at(day, 12), "77.77", project="monetix"),
        vima("m2", at(day, 12, 30), "13.13", "pending", project="monetix"),
    ]  # fmt: skip
    await insert(rt, rows)
    await run(rt, day)


class Tables(HTMLParser):
    """The HTML body's tables: name → rows of cell texts (header row first)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._table = dict(attrs)["data-table"] or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None


def _dicts(rows: list[list[str]]) -> list[dict[str, str]]:
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _parts(mail: Message) -> tuple[str, dict[str, bytes]]:
    html, files = "", {}
    for part in mail.walk():
        if part.get_content_type() == "text/html":
            html = part.get_payload(decode=True).decode()  # type: ignore[union-attr]
        elif part.get_filename():
            files[part.get_filename() or ""] = part.get_payload(decode=True)  # type: ignore[assignment]
    return html, files


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


async def _api(caller: Caller, path: str) -> Any:
    response = await caller.call("GET", path, role="analyst")
    assert response.status_code == 200, response.text
    return json.loads(response.content, parse_float=Decimal)["data"]


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


async def _schedule(caller: Caller, rt: Runtime, **body: Any) -> dict[str, Any]:
    base = {"name": "Finance daily", "kind": "daily_summary", "channel": "email",
            "recipients": ["finance@ops.test", "cfo@ops.test"], "formats": ["csv", "xlsx"],
            "send_at": "08:00", "timezone": ZONE}  # fmt: skip
    response = await caller.call("POST", "/reports/schedules", json={**base, **body})
    assert response.status_code == 201, response.text
    schedule: dict[str, Any] = response.json()["data"]
    # Created an hour before the due time (its creation is the real clock's now).
    async with rt.engine.begin() as conn:
        await conn.execute(
            text("UPDATE report_schedules SET not_before = :t WHERE id = :id"),
            {"t": DUE - timedelta(hours=1), "id": schedule["id"]},
        )
    return schedule


async def test_the_email_arrives_once_at_the_scheduled_time_with_the_api_figures(
    caller: Caller, reports_rt: Runtime, smtp_sink: Sink
) -> None:
    await _load_day(reports_rt)
    schedule = await _schedule(caller, reports_rt)
    engine, settings = reports_rt.engine, reports_rt.settings

    early = await tick(engine, settings, DUE - timedelta(seconds=1))
    assert (early.enqueued, early.sent) == (0, 0) and smtp_sink.messages == []

    on_time = await tick(engine, settings, DUE)
    assert (on_time.enqueued, on_time.sent, on_time.failed) == (1, 1, 0)

    # The same due time seen again, and by two workers at once: nothing more is sent.
    again = await asyncio.gather(
        tick(engine, settings, DUE), tick(engine, settings, DUE + timedelta(seconds=1))
    )
    later = await tick(engine, settings, DUE + timedelta(hours=3))
    assert [(t.enqueued, t.sent) for t in (*again, later)] == [(0, 0)] * 3
    assert len(smtp_sink.messages) == 1

    envelope = smtp_sink.messages[0]
    assert sorted(envelope.rcpt_tos) == ["cfo@ops.test", "finance@ops.test"]
    mail = message_from_bytes(envelope.content)  # type: ignore[arg-type]
    assert mail["Subject"] == f"[PSP] Daily summary, {DAY.isoformat()}"
    assert mail["From"] == "psp@ops.test"
    html, files = _parts(mail)
    stem = f"daily-summary-{DAY.isoformat()}"
    assert set(files) == {
        f"{stem}-kpis.csv", f"{stem}-projects.csv", f"{stem}-reconciliation.csv",
        f"{stem}-exceptions.csv", f"{stem}.xlsx",
    }  # fmt: skip
    tables = Tables()
    tables.feed(html)

    # KPIs: the CSV and the HTML body both equal GET /metrics/overview, per source.
    q = f"from_date={DAY}&to_date={DAY}&timezone={ZONE}"
    kpi_csv = {r["source"]: r for r in _csv(files[f"{stem}-kpis.csv"])}
    kpi_html = {r["source"]: r for r in _dicts(tables.tables["kpis"])}
    for source in ("all", "vima", "payshack"):
        where = "" if source == "all" else f"&source={source}"
        api = await _api(caller, f"/metrics/overview?{q}{where}")
        assert api["total"]["count"] > 0
        for row in (kpi_csv[source], kpi_html[source]):
            assert int(row["count"]) == api["total"]["count"]
            assert _dec(row["amount"]) == api["total"]["amount"]
            for status in ("success", "failed", "pending", "refunded"):
                assert int(row[f"{status}_count"]) == api["by_status"][status]["count"]
            assert _dec(row["conversion_rate"]) == api["conversion_rate"]
            assert _dec(row["avg_ticket"]) == api["avg_ticket"]
    # An amount the e-mail shows as exact text: 4 decimals are not rounded away.
    assert (
        kpi_csv["all"]["amount"]
        == f"{(await _api(caller, f'/metrics/overview?{q}'))['total']['amount']:f}"
    )

    # Per project and source: GET /metrics/by-project?source=….
    projects = _csv(files[f"{stem}-projects.csv"])
    for source in ("vima", "payshack"):
        api_rows = (await _api(caller, f"/metrics/by-project?{q}&source={source}"))["projects"]
        mine = [r for r in projects if r["source"] == source]
        assert [(r["project"], int(r["count"]), _dec(r["amount"])) for r in mine] == [
            (p["project"], p["count"], p["amount"]) for p in api_rows
        ]

    # Reconciliation and money at risk: GET /reconciliation/summary.
    summary = await _api(caller, f"/reconciliation/summary?date={DAY}")
    recon = {r["figure"]: r["value"] for r in _csv(files[f"{stem}-reconciliation.csv"])}
    assert summary["reconciled"] and summary["money_at_risk"]["total"] > 0
    assert _dec(recon["money_at_risk"]) == summary["money_at_risk"]["total"]
    for kind, amount in summary["money_at_risk"]["by_type"].items():
        assert _dec(recon[f"money_at_risk_{kind}"]) == amount
    assert int(recon["matched"]) == summary["matched"]["count"]
    assert int(recon["discrepancies"]) == summary["discrepancies"]["count"]
    assert _dec(recon["awaiting_amount"]) == summary["money_at_risk"]["awaiting"]["amount"]
    html_recon = {r["figure"]: r["value"] for r in _dicts(tables.tables["reconciliation"])}
    assert _dec(html_recon["money_at_risk"]) == summary["money_at_risk"]["total"]

    # Top exceptions: the listed rows as GET /reconciliation/discrepancies has them; the
    # biggest risk first, and their risk adds up to the summary's.
    listed = await _api(caller, f"/reconciliation/discrepancies?from_date={DAY}&to_date={DAY}")
    by_key = {d["client_operation_id"]: d for d in listed}
    exceptions = _csv(files[f"{stem}-exceptions.csv"])
    assert len(exceptions) == len(listed)
    for row in exceptions:
        api_row = by_key[row["client_operation_id"]]
        assert row["type"] == api_row["type"]
        for field in ("vima_amount", "payshack_amount", "amount_diff"):
            assert _dec(row[field]) == api_row[field]
    risks = [_dec(r["at_risk"]) or Decimal(0) for r in exceptions]
    assert risks == sorted(risks, reverse=True)
    assert sum(risks, Decimal(0)) == summary["money_at_risk"]["total"]

    # The XLSX holds the same figures as numbers.
    book = openpyxl.load_workbook(io.BytesIO(files[f"{stem}.xlsx"]), read_only=True)
    assert book.sheetnames == ["kpis", "projects", "reconciliation", "exceptions"]
    sheet = list(book["kpis"].iter_rows(values_only=True))
    header, rows = sheet[0], sheet[1:]
    xlsx_all = dict(zip(header, next(r for r in rows if r[0] == "all"), strict=True))
    api_all = await _api(caller, f"/metrics/overview?{q}")
    assert xlsx_all["count"] == api_all["total"]["count"]
    assert Decimal(str(xlsx_all["amount"])) == api_all["total"]["amount"]
    project_rows = list(book["projects"].iter_rows(values_only=True))[1:]
    assert sum(Decimal(str(r[3])) for r in project_rows) == api_all["total"]["amount"]

    # The history says so.
    history = await caller.call("GET", f"/reports/deliveries?schedule_id={schedule['id']}")
    [delivery] = history.json()["data"]
    assert delivery["status"] == "sent" and delivery["attempts"] == 1
    assert delivery["trigger"] == "schedule" and delivery["due_at"] == "2026-11-21T02:30:00Z"
    assert (delivery["period_from"], delivery["period_to"]) == (DAY.isoformat(),) * 2


async def test_a_missed_due_time_is_sent_late_once(
    caller: Caller, reports_rt: Runtime, smtp_sink: Sink
) -> None:
    """Workers down for three days: the next tick sends the latest due report only."""
    await _schedule(caller, reports_rt, formats=[])
    engine, settings = reports_rt.engine, reports_rt.settings
    back = DUE + timedelta(days=3, hours=5)
    assert (await tick(engine, settings, back)).sent == 1
    assert (await tick(engine, settings, back + timedelta(minutes=1))).sent == 0
    assert len(smtp_sink.messages) == 1
    mail = message_from_bytes(smtp_sink.messages[0].content)  # type: ignore[arg-type]
    assert mail["Subject"] == "[PSP] Daily summary, 2026-11-23"


async def test_a_webhook_failing_once_is_retried_then_delivered(
    caller: Caller, reports_rt: Runtime, flaky_receiver: Receiver
) -> None:
    # A manual run covers the 7 days before today: the data is on one of them.
    day = datetime.now(UTC).date() - timedelta(days=2)
    await _load_day(reports_rt, day)
    body = {"name": "Ops hook", "kind": "weekly_reconciliation", "channel": "webhook",
            "webhook_url": flaky_receiver.url, "send_at": "09:00", "timezone": "UTC",
            "weekday": 5}  # fmt: skip
    created = await caller.call("POST", "/reports/schedules", json=body)
    assert created.status_code == 201, created.text
    schedule = created.json()["data"]
    assert schedule["webhook_url_set"] and "webhook_url" not in schedule
    assert "secret-token" not in created.text

    ran = await caller.call("POST", f"/reports/schedules/{schedule['id']}/run")
    assert ran.status_code == 202
    queued = ran.json()["data"]
    assert (queued["status"], queued["trigger"]) == ("pending", "manual")
    now = datetime.now(UTC) + timedelta(seconds=1)

    first = await deliver_due(reports_rt.engine, reports_rt.settings, now)
    assert (first.sent, first.retrying) == (0, 1)
    # Not before its back-off.
    early = await deliver_due(reports_rt.engine, reports_rt.settings, now + timedelta(seconds=59))
    assert (early.sent, early.retrying) == (0, 0)
    second = await deliver_due(reports_rt.engine, reports_rt.settings, now + deliver.BACKOFF[0])
    assert second.sent == 1
    assert len(flaky_receiver.requests) == 2 and len(flaky_receiver.delivered) == 1

    payload = json.loads(flaky_receiver.delivered[0], parse_float=Decimal)
    assert payload["report"] == "weekly_reconciliation"
    days = payload["tables"]["days"]
    assert len(days["rows"]) == 7
    summary = await _api(caller, f"/reconciliation/summary?date={day}")
    assert summary["money_at_risk"]["total"] > 0
    columns = days["columns"]
    [row] = [r for r in days["rows"] if r[0] == day.isoformat()]
    assert row[columns.index("money_at_risk")] == summary["money_at_risk"]["total"]

    [delivery] = (await caller.call("GET", "/reports/deliveries")).json()["data"]
    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == ("sent", 2, None)
    listed = (await caller.call("GET", "/reports/schedules")).json()["data"][0]
    assert listed["last_delivery"]["id"] == delivery["id"]


async def test_a_crashed_senders_row_is_retaken_after_its_lease(
    caller: Caller, reports_rt: Runtime, smtp_sink: Sink
) -> None:
    schedule = await _schedule(caller, reports_rt, formats=["csv"])
    await deliver.enqueue_due(reports_rt.engine, DUE)
    claimed = await deliver._claim(reports_rt.engine, DUE)  # then the worker dies
    assert len(claimed) == 1
    assert (await deliver_due(reports_rt.engine, reports_rt.settings, DUE + LEASE / 2)).sent == 0
    assert (await deliver_due(reports_rt.engine, reports_rt.settings, DUE + LEASE)).sent == 1
    history = await caller.call("GET", f"/reports/deliveries?schedule_id={schedule['id']}")
    [delivery] = history.json()["data"]
    assert (delivery["status"], delivery["attempts"]) == ("sent", 2)
    assert len(smtp_sink.messages) == 1


async def test_without_smtp_the_delivery_fails_with_a_clear_error(
    caller: Caller, reports_rt: Runtime
) -> None:
    schedule = await _schedule(caller, reports_rt)
    now = DUE
    for _ in range(deliver.MAX_ATTEMPTS + 1):
        await tick(reports_rt.engine, reports_rt.settings, now)
        now += timedelta(hours=2)
    history = await caller.call("GET", f"/reports/deliveries?schedule_id={schedule['id']}")
    assert [(d["status"], d["attempts"], d["last_error"]) for d in history.json()["data"]][-1] == (
        "failed",
        deliver.MAX_ATTEMPTS,
        "SMTP_URL is not set",
    )
