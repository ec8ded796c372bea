"""`psp recon run --date D` and `--from D1 --to D2`."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from psp_dashboard.cli import main
from psp_dashboard.reconciliation.cli import days_of
from tests.conftest import TEST_REDIS_URL


def _ns(**kw: object) -> argparse.Namespace:
    return argparse.Namespace(**{"date": None, "from_date": None, "to_date": None, **kw})


def test_days_of_a_range_and_of_one_day() -> None:
    assert days_of(_ns(date=date(2026, 1, 5))) == [date(2026, 1, 5)]
    got = days_of(_ns(from_date=date(2026, 1, 30), to_date=date(2026, 2, 1)))
    assert got == [date(2026, 1, 30), date(2026, 1, 31), date(2026, 2, 1)]


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"from_date": date(2026, 1, 2)},
        {"from_date": date(2026, 1, 2), "to_date": date(2026, 1, 1)},
        {"date": date(2026, 1, 1), "to_date": date(2026, 1, 2)},
        {"from_date": date(2020, 1, 1), "to_date": date(2026, 1, 1)},
    ],
)
def test_bad_day_arguments(kw: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        days_of(_ns(**kw))


def test_cli_reconciles_a_range(
    database_url: str,
    session_tag: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", TEST_REDIS_URL)
    monkeypatch.setenv("REDIS_KEY_PREFIX", f"test:{session_tag}:cli:")
    assert main(["recon", "run", "--from", "2025-06-01", "--to", "2025-06-02"]) == 0
    out = capsys.readouterr().out
    assert out.count(": completed: ") == 2
    assert main(["recon", "run", "--date", "2025-06-03"]) == 0
    with pytest.raises(SystemExit) as refused:  # argparse refuses a non-ISO date
        main(["recon", "run", "--date", "06/03/2025"])
    assert refused.value.code == 2

    async def days() -> list[date]:
        dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
        conn = await asyncpg.connect(dsn)
        try:
            rows = await conn.fetch(
                "SELECT recon_date FROM reconciliation_runs WHERE is_current "
                "AND recon_date BETWEEN '2025-06-01' AND '2025-06-03' ORDER BY 1"
            )
        finally:
            await conn.close()
        return [r[0] for r in rows]

    assert asyncio.run(days()) == [date(2025, 6, 1), date(2025, 6, 2), date(2025, 6, 3)]
