"""Ad-hoc breakdowns of transactions: one declarative spec, SQL for both engines.

Each dimension is an expression per dialect that yields the same value on PostgreSQL
and ClickHouse (text, integer or date; NULL stays NULL); the metrics are exact (money
sums are NUMERIC / Decimal(38,4)). Groups come back in one order decided in Python, so
the two engines' answers compare equal row for row (tests/analytics/).

Rows, not payments: a payment seen by both providers is two rows, one per source
(docs/payments.md); the `source` dimension separates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from psp_dashboard.analytics.schema import READ_SETTINGS, TABLE, code_column

Dialect = Literal["postgresql", "clickhouse"]

# Amount bands, in rupees, lower edge inclusive: [0, 100), [100, 500), …, [50000, ∞).
# Anything below 100 (a negative adjustment too) is "<100".
BAND_EDGES: tuple[int, ...] = (100, 500, 1_000, 5_000, 10_000, 50_000)
BAND_LABELS: tuple[str, ...] = (
    "<100", "100-500", "500-1000", "1000-5000", "5000-10000", "10000-50000", "50000+",
)  # fmt: skip


def _band_index(dialect: Dialect, column: str) -> str:
    """The band's position in BAND_LABELS (0 … 6), named in Python (`_key`): grouping
    by a small integer instead of a text label. ClickHouse adds up the comparisons as
    vectors (a CASE yielding strings took a third of the whole breakdown's time)."""
    if dialect == "clickhouse":
        return "toUInt8(" + " + ".join(f"({column} >= {edge})" for edge in BAND_EDGES) + ")"
    arms = " ".join(f"WHEN {column} < {edge} THEN {i}" for i, edge in enumerate(BAND_EDGES))
    return f"CASE {arms} ELSE {len(BAND_EDGES)} END"


@dataclass(frozen=True, slots=True)
class Dimension:
    postgresql: str
    clickhouse: str
    kind: Literal["text", "int", "date", "band"] = "text"
    # On ClickHouse the column's code (analytics_codes), named after grouping: see
    # `name_codes`.
    coded: str | None = None


def _coded(column: str) -> Dimension:
    return Dimension(column, code_column(column), coded=column)


# `{tz}` is the dashboard's zone (a quoted IANA name): hours, weekdays and days are
# local wall-clock ones. Weekday: ISO, 1 = Monday … 7 = Sunday.
DIMENSIONS: dict[str, Dimension] = {
    "project": _coded("project"),
    "source": _coded("source"),
    "status": _coded("status"),
    "direction": _coded("direction"),
    "method": _coded("payment_method"),
    "merchant": Dimension("merchant_id", "merchant_id"),
    "original_status": _coded("original_status"),
    "currency": _coded("currency"),
    "hour": Dimension(
        "EXTRACT(HOUR FROM created_at AT TIME ZONE {tz})::int", "toHour(created_at, {tz})", "int"
    ),
    "weekday": Dimension(
        "EXTRACT(ISODOW FROM created_at AT TIME ZONE {tz})::int",
        "toDayOfWeek(created_at, 0, {tz})",
        "int",
    ),
    "day": Dimension("(created_at AT TIME ZONE {tz})::date", "toDate(created_at, {tz})", "date"),
    "amount_band": Dimension(
        _band_index("postgresql", "amount"), _band_index("clickhouse", "amount"), "band"
    ),
}
MAX_GROUPS = 10_000


@dataclass(frozen=True, slots=True)
class BreakdownSpec:
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    tz: ZoneInfo
    dimensions: tuple[str, ...]
    project: str | None = None
    source: str | None = None
    status: str | None = None
    direction: str | None = None
    method: str | None = None
    merchant: str | None = None
    payer: str | None = None  # e-mail (any case), phone or name (any case), exact
    vpa: str | None = None  # PayShack's payer VPA (`user_id`), any case, exact
    utr: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    keys: dict[str, Any]
    count: int
    amount: Decimal
    success_count: int
    success_amount: Decimal


def quote(value: str) -> str:
    """A string literal both dialects read the same way (backslash and quote escaped;
    PostgreSQL takes the E'' form for backslash escapes)."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _literal(dialect: Dialect, value: str) -> str:
    return ("E" if dialect == "postgresql" else "") + quote(value)


def _instant(dialect: Dialect, value: datetime) -> str:
    text = value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if dialect == "postgresql":
        return f"TIMESTAMPTZ '{text}+00'"
    return f"toDateTime64('{text}', 6, 'UTC')"


def _time_conds(dialect: Dialect, spec: BreakdownSpec) -> list[str]:
    return [
        f"created_at >= {_instant(dialect, spec.start)}",
        f"created_at < {_instant(dialect, spec.end)}",
    ]


def _filter_conds(dialect: Dialect, spec: BreakdownSpec) -> list[str]:

    def lit(value: str) -> str:
        return _literal(dialect, value)

    conds = []
    for column, value in (
        ("project", spec.project),
        ("source", spec.source),
        ("status", spec.status),
        ("direction", spec.direction),
        ("payment_method", spec.method),
        ("merchant_id", spec.merchant),
        ("utr", spec.utr),
    ):
        if value is not None:
            conds.append(f"{column} = {lit(value)}")
    if spec.vpa is not None:
        conds.append(f"lower(user_id) = {lit(spec.vpa.lower())}")
    if spec.payer is not None:
        conds.append(
            f"(lower(user_email) = {lit(spec.payer.lower())} OR user_phone = {lit(spec.payer)}"
            f" OR lower(user_name) = {lit(spec.payer.lower())})"
        )
    return conds


def whole_months(start: datetime, end: datetime) -> list[str]:
    """The mirror's partitions (UTC months, `YYYYMM`) lying wholly inside [start, end)."""
    months: list[str] = []
    month = date(start.year, start.month, 1)
    while True:
        first = datetime.combine(month, datetime.min.time(), UTC)
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        last = datetime.combine(following, datetime.min.time(), UTC)
        if first >= end:
            return months
        if first >= start and last <= end:
            months.append(f"{month:%Y%m}")
        month = following


def _postgresql_sql(spec: BreakdownSpec, keys: list[str], group: str) -> str:
    metrics = (
        "COUNT(*), SUM(amount)::text, COUNT(*) FILTER (WHERE status = 'success'), "
        "COALESCE(SUM(amount) FILTER (WHERE status = 'success'), 0)::text"
    )
    where = " AND ".join([*_time_conds("postgresql", spec), *_filter_conds("postgresql", spec)])
    sql = f"SELECT {', '.join([*keys, metrics])} FROM transactions WHERE {where}"
    if group:
        sql += f" GROUP BY {group} ORDER BY count(*) DESC LIMIT {MAX_GROUPS + 1}"
    return sql


def _clickhouse_sql(
    spec: BreakdownSpec, keys: list[str], group: str, database: str, success_code: int | None
) -> str:
    """Months wholly inside the period are read without a per-row time test (a third
    of the breakdown's time on 20M rows); only the edge months are filtered by time.
    Partial sums of the two parts are added up by group."""
    source = f"{database}.{TABLE} FINAL"
    filters = _filter_conds("clickhouse", spec)
    # The status's code where it has one (codes never change): an integer test per row.
    success = "status = 'success'" if success_code is None else f"status_code = {success_code}"
    inner = (
        f"count() AS n, sum(amount) AS a, countIf({success}) AS sn, sumIf(amount, {success}) AS sa"
    )
    by = f" GROUP BY {group}" if group else ""
    select = f"SELECT {', '.join([*keys, inner])} FROM {source} WHERE"
    edge = [*_time_conds("clickhouse", spec), *filters]
    parts = []
    if months := whole_months(spec.start, spec.end):
        listed = ", ".join(f"'{m}'" for m in months)
        whole = " AND ".join([f"_partition_id IN ({listed})", *filters])
        parts.append(f"{select} {whole}{by}")
        edge.insert(0, f"_partition_id NOT IN ({listed})")
    parts.append(f"{select} {' AND '.join(edge)}{by}")
    names = [f"d{i}" for i in range(len(keys))]
    outer = ", ".join([*names, "sum(n)", "toString(sum(a))", "sum(sn)", "toString(sum(sa))"])
    sql = f"SELECT {outer} FROM ({' UNION ALL '.join(parts)})"
    if group:
        sql += f" GROUP BY {group} ORDER BY sum(n) DESC LIMIT {MAX_GROUPS + 1}"
    return f"{sql} {READ_SETTINGS}"


def breakdown_sql(
    dialect: Dialect, spec: BreakdownSpec, database: str = "", success_code: int | None = None
) -> str:
    """Groups (dimension values, count, amount, success count, success amount), money as
    text; at most MAX_GROUPS + 1 (one more tells the caller it was cut). `success_code`:
    the code of status `success` in analytics_codes, if it has one (ClickHouse)."""
    tz = quote(spec.tz.key)
    keys = [
        getattr(DIMENSIONS[name], dialect).format(tz=tz) + f" AS d{i}"
        for i, name in enumerate(spec.dimensions)
    ]
    group = ", ".join(f"d{i}" for i in range(len(spec.dimensions)))
    if dialect == "postgresql":
        return _postgresql_sql(spec, keys, group)
    return _clickhouse_sql(spec, keys, group, database, success_code)


def _key(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "int":
        return int(value)
    if kind == "band":
        return BAND_LABELS[int(value)]
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return str(value)


def coded_columns(spec: BreakdownSpec) -> list[str]:
    """The columns whose codes a ClickHouse answer for `spec` holds."""
    return [c for name in spec.dimensions if (c := DIMENSIONS[name].coded) is not None]


def name_codes(
    spec: BreakdownSpec, rows: list[list[Any]], names: Mapping[str, Mapping[int, str]]
) -> list[list[Any]]:
    """A ClickHouse answer with each code replaced by its value (0: NULL). A code with
    no name is an error, never a group shown under the wrong name."""
    coded = [
        (i, column)
        for i, name in enumerate(spec.dimensions)
        if (column := DIMENSIONS[name].coded) is not None
    ]
    out = []
    for row in rows:
        row = list(row)
        for i, column in coded:
            code = int(row[i])
            row[i] = None if code == 0 else names[column][code]
        out.append(row)
    return out


def parse_groups(spec: BreakdownSpec, rows: list[Any]) -> list[Group]:
    n = len(spec.dimensions)
    kinds = [DIMENSIONS[name].kind for name in spec.dimensions]
    return [
        Group(
            keys={
                name: _key(kind, value)
                for name, kind, value in zip(spec.dimensions, kinds, row[:n], strict=True)
            },
            count=int(row[n]),
            amount=Decimal(row[n + 1] or 0),
            success_count=int(row[n + 2]),
            success_amount=Decimal(row[n + 3] or 0),
        )
        for row in rows
    ]


def _sort_key(group: Group) -> tuple[Any, ...]:
    # Biggest first; ties by the keys, NULL last: one order whatever the engine's collation.
    keys = tuple(
        (v is None, "" if v is None else str(v).zfill(12) if isinstance(v, int) else str(v))
        for v in group.keys.values()
    )
    return (-group.count, -group.amount, keys)


def ordered(groups: list[Group]) -> list[Group]:
    return sorted(groups, key=_sort_key)
