"""PayShack reference data (docs/payshack-reference.md, migration 0014): clients with
their balance history, resellers, service providers, the refresh's state, and the
admin-set client → project map."""

from sqlalchemy import (
    CHAR,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Numeric,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from psp_dashboard.models.base import metadata

payshack_clients = Table(
    "payshack_clients",
    metadata,
    Column("client_id", String(100), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("reseller_id", String(100)),
    Column("balance", Numeric(18, 4)),
    Column("currency", CHAR(3), nullable=False, server_default="INR"),
    Column("raw", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("first_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("refreshed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # False once a refresh no longer lists the client (kept: history and map stay).
    Column("active", Boolean, nullable=False, server_default="true"),
)

# A row when a client is first seen and whenever a refresh sees its balance change.
payshack_client_balances = Table(
    "payshack_client_balances",
    metadata,
    Column(
        "client_id",
        String(100),
        ForeignKey("payshack_clients.client_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("observed_at", DateTime(timezone=True), nullable=False),
    Column("balance", Numeric(18, 4), nullable=False),
    PrimaryKeyConstraint("client_id", "observed_at", name="pk_payshack_client_balances"),
)


def _directory(name: str, key: str) -> Table:
    return Table(
        name,
        metadata,
        Column(key, String(100), primary_key=True),
        Column("name", String(255)),
        Column("raw", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("first_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("refreshed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("active", Boolean, nullable=False, server_default="true"),
    )


payshack_resellers = _directory("payshack_resellers", "reseller_id")
payshack_service_providers = _directory("payshack_service_providers", "sp_id")

# One row (id = 1): when the refresh last ran, last succeeded, and its last error.
payshack_reference_state = Table(
    "payshack_reference_state",
    metadata,
    Column("id", SmallInteger, primary_key=True, server_default="1"),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_success_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("last_error_at", DateTime(timezone=True)),
    Column("last_counts", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    CheckConstraint("id = 1", name="single"),
)

# Client name as pay-ins carry it (`clientName`) → project; beats PAYSHACK_CLIENT_PROJECTS.
client_project_map = Table(
    "client_project_map",
    metadata,
    Column("client_key", String(255), primary_key=True),
    Column("client_id", String(100)),
    Column("project", String(100), nullable=False),
    Column("set_by", String(255)),
    Column("set_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("project ~ '^[a-z0-9][a-z0-9_-]{0,99}$'", name="project"),
)
