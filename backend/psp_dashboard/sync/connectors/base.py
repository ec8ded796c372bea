"""The interface every connector implements, whatever its transport.

A connector reads its source two ways, both as a stream of raw pages:
- `pages(state)`: the incremental run, from "what the pipeline last persisted";
- `window_pages(start, end, checkpoint=)`: one bounded range of creation time (an open
  end reads on to now), the one range mode behind backfills and re-reads — like a dlt
  resource with an end value. Its pages carry the range's own checkpoint (resumable),
  never the incremental state.
Each page carries the checkpoint to persist *in the same transaction* as that page's
rows, so a crash repeats a page but never skips one: the pipeline must upsert the page,
then store `page.checkpoint`, then commit, before asking for the next page.
`held()` keeps what concurrent windows share (an HTTP client, a browser) open.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from psp_dashboard.sync.connectors.completeness import WindowReport
from psp_dashboard.sync.records import NormalizedTransaction, Stream


@dataclass(frozen=True, slots=True)
class RawPage:
    """One page of raw provider records and the state that is safe to persist with it."""

    records: list[dict[str, Any]]
    # Cursor/watermark values (all text) valid once this page's rows are stored. Keys
    # not present are left as they were; a connector never clears a stored key.
    checkpoint: dict[str, str] = field(default_factory=dict)
    page_no: int = 1  # 1-based position within this run, across streams
    stream: str = ""  # which walk produced it, e.g. "create", "update", "window"
    # On the last page of a window: what the provider said the window holds and what the
    # walk accounted for. A report that is not complete makes the run `incomplete`.
    report: WindowReport | None = None


class Connector(Protocol):
    """What the sync pipeline needs from a source."""

    @property
    def source(self) -> Stream:
        """What a run is of: names its state, runs, lock and quarantine (read-only here,
        so a connector may declare a narrower literal)."""
        ...

    def pages(self, state: Mapping[str, str]) -> AsyncGenerator[RawPage, None]:
        """Raw pages from `state` onwards; an async generator, iterate it to the end
        (or close it with `contextlib.aclosing`) so its HTTP client is released."""
        ...

    def window_pages(
        self,
        start: datetime | None,
        end: datetime | None,
        *,
        checkpoint: Mapping[str, str] | None = None,
    ) -> AsyncGenerator[RawPage, None]:
        """Raw pages of the rows created in [start, end) (None: unbounded), resuming
        from a checkpoint an earlier call's pages carried."""
        ...

    def held(self) -> AbstractAsyncContextManager[None]:
        """Keep what several walks share open for the block (re-entrant)."""
        ...

    def normalize(self, raw: dict[str, Any]) -> NormalizedTransaction:
        """The source's pure normalizer, bound to the connector's configuration."""
        ...
