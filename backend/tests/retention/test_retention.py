"""Retention: old months archived to Parquet, their partitions dropped, the overview still
covering them (rollups), and a restore bringing back exactly the rows that left."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.config import load_settings
from psp_dashboard.partitions import add_months, current_month, existing_partitions, partition_name
from psp_dashboard.retention.archive import run_retention
from psp_dashboard.retention.restore import restore_month
from psp_dashboard.retention.store import ArchiveStore, archive_store
from psp_dashboard.runtime import Runtime
from tests.api.conftest import Api
from tests.api.factory import load, make_transaction

THIS_MONTH = current_month()
OLD_MONTHS = [add_months(THIS_MONTH, -n) for n in (4, 3, 2)]
KEPT_MONTHS = [add_months(THIS_MONTH, -1), THIS_MONTH]
# The overview's figures that come from the rollups alone.
ROLLUP_FIGURES = ("total", "by_status", "by_source", "payments", "linked")


def seed_rows(months: list[date], per_month: int) -> list[Any]:
    rng = random.Random(18)
    rows = []
    for month_index, month in enumerate(months):
        start = datetime.combine(month, datetime.min.time(), UTC)
        span = int((datetime.combine(add_months(month, 1), datetime.min.time(), UTC) - start)
                   .total_seconds() * 1_000_000)  # fmt: skip
        instants = [start, start + timedelta(microseconds=span - 1)]  # the month's edges
        instants += [start + timedelta(microseconds=rng.randrange(span)) for _ in range(per_month)]
        for n, at in enumerate(instants):
            index = month_index * 10_000 + n
            rows.append(make_transaction(rng, index, at))
    return rows


async def all_rows(runtime: Runtime) -> dict[str, dict[str, Any]]:
    """Every row by id, every column (raw_data as PostgreSQL's jsonb text)."""
    async with runtime.engine.connect() as conn:
        result = await conn.execute(
            text("SELECT *, raw_data::text AS raw_text FROM transactions ORDER BY id")
        )
        return {str(r["id"]): dict(r) for r in result.mappings()}


async def sums(runtime: Runtime) -> list[tuple[Any, ...]]:
    async with runtime.engine.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT date_trunc('month', created_at), source, status, COUNT(*), SUM(amount), "
                "SUM(fee) FROM transactions GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            )
        )
        return [tuple(r) for r in result]


async def overviews(api: Api, runtime: Runtime) -> dict[date, dict[str, Any]]:
    await runtime.cache.invalidate_metrics()
    out = {}
    for month in OLD_MONTHS:
        last_day = add_months(month, 1) - timedelta(days=1)
        data = await api.data(
            "/metrics/overview", from_date=month.isoformat(), to_date=last_day.isoformat()
        )
        out[month] = {key: data[key] for key in ROLLUP_FIGURES}
        trends = await api.data(
            "/metrics/trends", from_date=month.isoformat(), to_date=last_day.isoformat()
        )
        out[month]["trends"] = trends
    return out


async def partitions(runtime: Runtime) -> set[str]:
    async with runtime.engine.connect() as conn:
        return await existing_partitions(conn)


@pytest.fixture
async def seeded(clean_db: Runtime) -> AsyncIterator[Runtime]:
    async with clean_db.engine.begin() as conn:
        await conn.execute(text("TRUNCATE partition_archives"))
    await load(clean_db, seed_rows(OLD_MONTHS + KEPT_MONTHS, per_month=120))
    yield clean_db


@pytest.fixture
def local_store(tmp_path: Path) -> ArchiveStore:
    return archive_store(load_settings(archive_dir=str(tmp_path / "archive"), _env_file=None))


@pytest.fixture
async def api(seeded: Runtime, client: AsyncClient) -> AsyncIterator[Api]:
    yield Api(client, seeded)


async def test_archive_detach_restore_round_trip(
    seeded: Runtime, api: Api, local_store: ArchiveStore
) -> None:
    before_rows, before_sums = await all_rows(seeded), await sums(seeded)
    before_overview = await overviews(api, seeded)
    assert all(figures["total"]["count"] > 100 for figures in before_overview.values())
    assert {partition_name(m) for m in OLD_MONTHS} <= await partitions(seeded)

    archived = await run_retention(seeded.engine, local_store, 1, today_month=THIS_MONTH)
    assert archived is not None
    # (Other tests of the session may have left empty partitions of older months: they
    # go too, with no file.)
    months = {a.month: a for a in archived}
    assert set(OLD_MONTHS) <= set(months) and max(months) < KEPT_MONTHS[0]
    assert all(months[m].rows > 100 for m in OLD_MONTHS)

    # Files per month and source, with every column and exact decimals.
    for month in OLD_MONTHS:
        for source in ("vima", "payshack"):
            table = pq.read_table(local_store.path(month, source))
            assert str(table.schema.field("amount").type) == "decimal128(18, 4)"
            assert "raw_data" in table.column_names
        folder = Path(local_store.path(month, "vima")).parent
        assert sorted(p.name for p in folder.iterdir()) == ["payshack.parquet", "vima.parquet"]
    # The partitions are gone, the kept months are not; the rollups still cover the past.
    left = await partitions(seeded)
    assert not {partition_name(m) for m in OLD_MONTHS} & left
    assert {partition_name(m) for m in KEPT_MONTHS} <= left
    kept = {i for i, r in before_rows.items() if r["created_at"] >= datetime.combine(
        KEPT_MONTHS[0], datetime.min.time(), UTC)}  # fmt: skip
    assert set(await all_rows(seeded)) == kept
    assert await overviews(api, seeded) == before_overview

    # Running again finds nothing left to do.
    again = await run_retention(seeded.engine, local_store, 1, today_month=THIS_MONTH)
    assert again == []

    for month in OLD_MONTHS:
        restored = await restore_month(seeded.engine, local_store, month)
        assert not restored.merged
    after_rows = await all_rows(seeded)
    assert after_rows == before_rows  # every column of every row, raw_data included
    assert await sums(seeded) == before_sums
    assert await overviews(api, seeded) == before_overview
    async with seeded.engine.connect() as conn:
        states = (
            await conn.execute(text("SELECT COUNT(*), COUNT(restored_at) FROM partition_archives"))
        ).one()
    assert tuple(states) == (len(OLD_MONTHS) * 2, len(OLD_MONTHS) * 2)


async def test_a_failed_archive_drops_nothing(seeded: Runtime, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the archive directory should be")
    store = archive_store(load_settings(archive_dir=str(blocker), _env_file=None))
    before = await sums(seeded)
    with pytest.raises(OSError):
        await run_retention(seeded.engine, store, 1, today_month=THIS_MONTH)
    assert {partition_name(m) for m in OLD_MONTHS} <= await partitions(seeded)
    assert await sums(seeded) == before
    async with seeded.engine.connect() as conn:
        recorded = (await conn.execute(text("SELECT COUNT(*) FROM partition_archives"))).scalar()
    assert recorded == 0


async def test_rows_arriving_after_the_archive_are_kept_on_restore(
    seeded: Runtime, local_store: ArchiveStore
) -> None:
    month = OLD_MONTHS[0]
    before = await all_rows(seeded)
    await run_retention(seeded.engine, local_store, 1, today_month=THIS_MONTH)
    late = make_transaction(
        random.Random(5), 99_999, datetime.combine(month, datetime.min.time(), UTC)
        + timedelta(days=3), amount=Decimal("7.0001"))  # fmt: skip
    await load(seeded, [late])  # the month's partition exists again, with one row
    restored = await restore_month(seeded.engine, local_store, month)
    assert restored.merged
    rows = await all_rows(seeded)
    in_month = [r for r in before.values() if r["created_at"].month == month.month]
    assert all(rows[str(r["id"])] == r for r in in_month)
    assert any(
        (r["source_id"], r["amount"]) == (late.source_id, late.amount) for r in rows.values()
    )


@pytest.fixture
def s3_settings() -> Iterator[dict[str, Any]]:
    moto_server = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
        region_name="us-east-1",
    ).create_bucket(Bucket="psp-archive")
    yield {
        "archive_dir": "s3://psp-archive/prod",
        "archive_s3_endpoint": endpoint,
        "archive_s3_key": "test-key",
        "archive_s3_secret": "test-secret",
    }
    server.stop()


async def test_s3_archive_round_trip(seeded: Runtime, s3_settings: dict[str, Any]) -> None:
    store = archive_store(load_settings(**s3_settings, _env_file=None))
    before = await all_rows(seeded)
    archived = await run_retention(seeded.engine, store, 1, today_month=THIS_MONTH)
    assert archived is not None and archived[0].files["vima"].startswith("s3://psp-archive/prod/")
    assert len(await all_rows(seeded)) < len(before)
    for month in OLD_MONTHS:
        await restore_month(seeded.engine, store, month)
    assert await all_rows(seeded) == before
