"""A day of 1,000,000 payments: built in seconds, held in compact arrays, and pages of
100 operations generated in a few milliseconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import psutil
import pytest

from psp_dashboard.sandbox import Sandbox, SandboxConfig, WorldConfig
from psp_dashboard.sandbox.http_common import dumps
from psp_dashboard.sandbox.payshack_api import page_data
from psp_dashboard.sandbox.payshack_query import PayShackQuery, select_payshack
from psp_dashboard.sandbox.vima_query import VimaQuery, select_vima
from psp_dashboard.sandbox.vima_render import render_vima

MILLION = 1_000_000


@pytest.fixture(scope="module")
def big() -> Sandbox:
    return Sandbox(
        SandboxConfig(world=WorldConfig(start=date(2026, 2, 1), days=1, per_day=MILLION))
    )


def cpu_ms(work: Callable[[], bytes], runs: int = 15) -> float:
    """Best CPU time of this thread over `runs` (other processes do not count, and the
    best run is the one least slowed by what shares the core's caches: under a loaded CI
    the median drifted past the bound while the work itself had not changed)."""
    samples = []
    for _ in range(runs):
        started = time.thread_time()
        work()
        samples.append((time.thread_time() - started) * 1000)
    return min(samples)


def test_a_million_payments_fit_in_compact_arrays() -> None:
    rss = psutil.Process().memory_info().rss
    started = time.perf_counter()
    sb = Sandbox(SandboxConfig(world=WorldConfig(start=date(2026, 2, 1), days=1, per_day=MILLION)))
    elapsed = time.perf_counter() - started
    grown_mb = (psutil.Process().memory_info().rss - rss) / 1e6
    assert len(sb.world) == MILLION
    assert elapsed < 15  # about one second on a quiet machine
    assert grown_mb < 200  # a million dicts would take gigabytes


def test_pages_of_100_render_in_milliseconds(big: Sandbox) -> None:
    w = big.world
    middle = w.ids.create_id(MILLION // 2)

    def vima_create_page() -> bytes:
        rows = select_vima(w, VimaQuery(count=100, descending=False, after_create_id=middle))
        assert len(rows) == 100
        return dumps([render_vima(w, f) for f in rows])

    def vima_update_page() -> bytes:
        query = VimaQuery(count=100, descending=False, after_update_id=w.ids.update_id(700_000))
        return dumps([render_vima(w, f) for f in select_vima(w, query)])

    def payshack_deep_page() -> bytes:
        page = select_payshack(w, PayShackQuery(page=4000, limit=100))
        assert len(page.rows) == 100
        return dumps(page_data(big, page))

    for work in (vima_create_page, vima_update_page, payshack_deep_page):
        # ~5 ms each on a quiet machine; 10-11 ms when the other test worker loads
        # both cores (CI), so the bound leaves room for that and still fails at ~4x.
        assert cpu_ms(work) < 20, work.__name__
