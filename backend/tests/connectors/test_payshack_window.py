"""The shared PayShack sync model through the api transport and the API stand-in:
completeness against the stated totals, watermarks from the data, the early end below
the window, and the late-change sweep."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import httpx

from psp_dashboard.sync.connectors.payshack.late import OpenPayIn
from psp_dashboard.sync.connectors.payshack.listing import LATE, WATERMARK
from tests.connectors.payshack_fake import NOW, FakePayShack, run, transport, txn_ids


def incomplete(pages: list) -> list:  # type: ignore[type-arg]
    return [p.report for p in pages if p.report is not None and not p.report.complete]


async def test_a_walk_cut_short_is_retried_once_then_reported_incomplete(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    for minutes in range(45):
        payshack.add(NOW - timedelta(minutes=minutes))
    payshack.drop_from_page = 4  # the provider drops the last two pages of five
    pages = await run(transport(http), {})
    (report,) = incomplete(pages)
    assert (report.count.expected, report.count.accounted, report.attempts) == (45, 30, 2)
    assert report.ending == "empty-page"
    assert all(WATERMARK not in p.checkpoint for p in pages)  # the watermark stays
    assert [q["page"] for q in payshack.queries] == ["1", "2", "3", "4"] * 2


async def test_a_short_first_attempt_that_reads_all_on_the_retry_is_complete(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    for minutes in range(25):
        payshack.add(NOW - timedelta(minutes=minutes))
    payshack.drop_from_page = 3

    def heal(page: int) -> None:
        if len(payshack.queries) > 3:  # the provider recovers for the second walk
            payshack.drop_from_page = None

    payshack.before_page = heal
    pages = await run(transport(http), {})
    assert not incomplete(pages)
    assert txn_ids(pages) == {r["txnId"] for r in payshack.rows}
    assert pages[-1].checkpoint[WATERMARK] == NOW.isoformat()


async def test_rows_arriving_during_the_walk_are_neither_lost_nor_a_shortfall(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    for minutes in range(1, 36):
        payshack.add(NOW - timedelta(minutes=minutes))
    original = {r["txnId"] for r in payshack.rows}

    def arrivals(page: int) -> None:
        for _ in range(3):
            payshack.add(NOW)

    payshack.before_page = arrivals
    pages = await run(transport(http), {WATERMARK: (NOW - timedelta(hours=1)).isoformat()})
    assert original <= txn_ids(pages)
    assert not incomplete(pages)
    assert pages[-1].report is not None and pages[-1].report.attempts == 1


async def test_a_listing_that_states_no_total_cannot_be_complete(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    payshack.add(NOW - timedelta(minutes=1))
    payshack.hide_totals = True
    pages = await run(transport(http), {})
    (report,) = incomplete(pages)
    assert report.count.expected is None and report.count.rows_read == 1
    assert report.attempts == 1  # reading again cannot prove more


async def test_watermark_follows_a_provider_clock_behind_ours(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    past = NOW - timedelta(days=200)  # a provider (or world) on a fixed date
    for minutes in range(0, 300, 10):
        payshack.add(past + timedelta(minutes=minutes))
    first = await run(transport(http), {})
    mark = first[-1].checkpoint[WATERMARK]
    assert mark == (past + timedelta(minutes=290)).isoformat()
    late = payshack.add(past + timedelta(minutes=295))  # the world moves on a little
    second = await run(transport(http), {WATERMARK: mark})
    assert late in txn_ids(second)
    assert second[-1].checkpoint[WATERMARK] == (past + timedelta(minutes=295)).isoformat()


async def test_watermark_follows_a_provider_clock_ahead_of_ours(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    ahead = NOW + timedelta(minutes=40)  # inside the tolerance (1 h)
    payshack.add(ahead)
    pages = await run(transport(http), {WATERMARK: (NOW - timedelta(hours=3)).isoformat()})
    assert pages[-1].checkpoint[WATERMARK] == ahead.isoformat()
    newer = payshack.add(ahead + timedelta(minutes=5))
    again = await run(transport(http), {WATERMARK: ahead.isoformat()})
    assert newer in txn_ids(again)


async def test_one_future_dated_record_does_not_move_the_watermark(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    past = NOW - timedelta(days=30)
    payshack.add(past)
    payshack.add(datetime(2099, 1, 1, tzinfo=NOW.tzinfo))  # one mis-dated record
    pages = await run(transport(http), {})
    assert pages[-1].checkpoint[WATERMARK] == past.isoformat()
    later = payshack.add(past + timedelta(minutes=10))
    again = await run(transport(http), {WATERMARK: past.isoformat()})
    assert later in txn_ids(again)


async def test_only_future_dated_records_cap_the_watermark_at_our_clock_plus_tolerance(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    payshack.add(NOW + timedelta(days=3))
    pages = await run(transport(http), {})
    assert pages[-1].checkpoint[WATERMARK] == (NOW + timedelta(hours=1)).isoformat()


async def test_the_walk_ends_below_the_window_instead_of_paging_the_padding_day(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    for minutes in range(0, 24 * 60, 6):  # a day of history, 240 rows, 24 pages of 10
        payshack.add(NOW - timedelta(minutes=minutes))
    watermark = NOW - timedelta(minutes=30)
    pages = await run(transport(http), {WATERMARK: watermark.isoformat()})  # overlap 2 h
    # [09:30, now] is 26 rows: 3 pages hold them, the 4th is wholly older: the end.
    assert len(payshack.queries) == 4
    assert len(txn_ids(pages)) == 26
    report = pages[-1].report
    assert report is not None and report.complete and report.ending == "boundary"


async def test_a_listing_not_newest_first_is_read_to_its_end(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    for minutes in range(0, 600, 6):
        payshack.add(NOW - timedelta(minutes=minutes))
    payshack.oldest_first = True
    pages = await run(transport(http), {WATERMARK: (NOW - timedelta(minutes=30)).isoformat()})
    assert len(payshack.queries) == 10
    assert len(txn_ids(pages)) == 26  # 09:30 .. 12:00


class Open:
    """Our stored open pay-ins, as the sweep asks for them."""

    def __init__(self, payshack: FakePayShack, stored: dict[str, str]) -> None:
        self.payshack, self.stored = payshack, stored  # txnId → status we hold

    async def open_between(self, start: datetime, end: datetime) -> list[OpenPayIn]:
        found = []
        for row in self.payshack.rows:
            status = self.stored.get(row["txnId"])
            created = datetime.fromisoformat(row["createdAt"])
            if status in ("INITIATED", "Pending") and start <= created < end:
                found.append(OpenPayIn(row["txnId"], status, created))
        return found


async def test_the_sweep_finds_late_changes_with_status_walks_and_look_ups(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    ids = {
        age: payshack.add(NOW - age, "INITIATED")
        for age in (timedelta(hours=1), timedelta(hours=5), timedelta(days=2))
    }
    still_open = payshack.add(NOW - timedelta(hours=30), "INITIATED")
    refunded_later = payshack.add(NOW - timedelta(hours=20), "Success")
    for minutes in range(0, 3 * 24 * 60, 20):  # other pay-ins that do not change
        payshack.add(NOW - timedelta(minutes=minutes, seconds=7))
    stored = {r["txnId"]: r["txnStatus"] for r in payshack.rows}
    for txn in ids.values():  # the provider's changes, unseen by our window
        next(r for r in payshack.rows if r["txnId"] == txn)["txnStatus"] = "Success"
    next(r for r in payshack.rows if r["txnId"] == refunded_later)["txnStatus"] = "Refunded"
    conn = transport(
        http, late_change_days=3, open_payins=Open(payshack, stored), overlap=timedelta(minutes=30)
    )
    pages = await run(conn, {WATERMARK: (NOW - timedelta(minutes=5)).isoformat()})
    late = [p for p in pages if p.stream == "late"]
    returned = {r["txnId"]: r["txnStatus"] for p in late for r in p.records}
    assert {returned[t] for t in ids.values()} == {"Success"}
    assert returned[refunded_later] == "Refunded"
    assert returned[still_open] == "INITIATED"
    assert not incomplete(pages)
    assert late[-1].checkpoint == {LATE: ""}  # the sweep finished
    sweep = conn.last_sweep
    assert sweep is not None and sweep.lookups == 3
    # Far fewer requests than re-reading the horizon (217 rows, 22 pages) would take.
    statuses = [q.get("status") for q in payshack.queries if "status" in q]
    assert set(statuses) == {"INITIATED", "Refunded", "Cb_Refunded"}
    assert len(payshack.queries) < 15


async def test_the_sweep_continues_in_the_next_run_when_its_budget_ends(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    for minutes in range(60, 3 * 24 * 60, 30):
        payshack.add(NOW - timedelta(minutes=minutes), "Pending")
    stored = {r["txnId"]: r["txnStatus"] for r in payshack.rows}
    # 142 open pay-ins, newest first: the 71st is on page 8, which the second run reads.
    changed = payshack.rows[70]["txnId"]
    payshack.rows[70]["txnStatus"] = "Failed"
    options = {"late_change_days": 3, "late_change_max_pages": 5, "overlap": timedelta(0)}
    conn = transport(http, open_payins=Open(payshack, stored), **options)
    first = await run(conn, {WATERMARK: NOW.isoformat()})
    progress = json.loads(first[-1].checkpoint[LATE])
    assert progress["step"] == 0 and progress["page"] == 6
    assert changed not in txn_ids(first)
    second = await run(conn, {WATERMARK: NOW.isoformat(), LATE: first[-1].checkpoint[LATE]})
    found = {r["txnId"]: r["txnStatus"] for p in second for r in p.records}
    assert found[changed] == "Failed"


async def test_a_provider_that_ignores_the_status_filter_ends_the_sweep_after_one_walk(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    pending = payshack.add(NOW - timedelta(hours=6), "Pending")
    done = payshack.add(NOW - timedelta(hours=7), "INITIATED")
    stored = {pending: "Pending", done: "INITIATED"}
    next(r for r in payshack.rows if r["txnId"] == done)["txnStatus"] = "Success"
    payshack.ignore_filters = True
    conn = transport(http, late_change_days=3, open_payins=Open(payshack, stored))
    pages = await run(conn, {WATERMARK: NOW.isoformat()})
    statuses = [q.get("status") for q in payshack.queries if "status" in q]
    assert statuses == ["INITIATED"]  # the first walk returned every status: a full read
    found = {r["txnId"]: r["txnStatus"] for p in pages for r in p.records}
    assert found[done] == "Success"
