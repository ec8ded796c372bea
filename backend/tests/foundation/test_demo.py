"""The demo's sources: sandboxes for unconfigured providers, decided before the runtime."""

from __future__ import annotations

from contextlib import AsyncExitStack

import pytest
from pydantic import SecretStr

from psp_dashboard.config import Settings, load_settings
from psp_dashboard.demo import start_demo_sources
from psp_dashboard.sync.scheduler import interval_seconds

SMALL = "--days 1 --per-day 20"


async def test_unconfigured_providers_get_sandboxes_and_no_politeness_pause(
    test_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEMO_SANDBOX_ARGS", SMALL)
    async with AsyncExitStack() as stack:
        sources = await start_demo_sources(test_settings, stack)
    endpoints = sources.endpoints
    assert endpoints.sandbox == {"vima", "payshack", "payshack_payouts"}
    assert endpoints.configured("vima") and endpoints.configured("payshack")
    assert sources.settings.payshack_page_pause_ms == 0
    assert test_settings.payshack_page_pause_ms > 0  # the caller's settings stay as they were


async def test_a_configured_provider_keeps_its_endpoint_and_pauses(
    test_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEMO_SANDBOX_ARGS", SMALL)
    settings = load_settings(
        redis_key_prefix=test_settings.redis_key_prefix,
        database_url=None,
        redis_url=None,
        payshack_base_url="https://merchant.payshack.example",
        payshack_email=SecretStr("ops@example.com"),
        payshack_password=SecretStr("not-a-real-one"),
        _env_file=None,
    )
    async with AsyncExitStack() as stack:
        sources = await start_demo_sources(settings, stack)
    assert sources.endpoints.sandbox == {"vima"}
    assert str(sources.endpoints.payshack_base_url).startswith("https://merchant.payshack")
    assert sources.settings.payshack_page_pause_ms == settings.payshack_page_pause_ms
    assert "payshack: configured provider" in sources.lines


async def test_the_demo_syncs_its_sandboxes_every_30_seconds(
    test_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEMO_SANDBOX_ARGS", SMALL)
    async with AsyncExitStack() as stack:
        sources = await start_demo_sources(test_settings, stack)
    demo = sources.settings
    assert demo.sync_interval_seconds == 30
    assert [interval_seconds(demo, s) for s in ("vima", "payshack")] == [30, 30]
    # Outside the demo the minutes apply; an explicit SYNC_INTERVAL_SECONDS is kept.
    assert test_settings.sync_interval_seconds is None
    assert interval_seconds(test_settings, "vima") == 60 * test_settings.vima_sync_interval_minutes
    chosen = test_settings.model_copy(update={"sync_interval_seconds": 7})
    async with AsyncExitStack() as stack:
        assert (await start_demo_sources(chosen, stack)).settings.sync_interval_seconds == 7
