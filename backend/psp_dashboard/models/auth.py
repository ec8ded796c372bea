from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from psp_dashboard.models.base import metadata

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "user_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    # `read` (the owner's role, safe methods only) or a role no higher than the owner's.
    Column("scope", String(20), nullable=False),
    CheckConstraint("scope IN ('read', 'viewer', 'analyst', 'admin')", name="scope"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("actor_id", UUID(as_uuid=True)),
    Column("actor_email", String(255)),
    Column("action", String(64), nullable=False),
    Column("target", String(255)),
    Column("params", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("outcome", String(20), nullable=False, server_default="success"),
    Column("ip", String(64)),
    Column("request_id", String(64)),
)
Index("ix_audit_log_at", audit_log.c.at.desc())
Index("ix_audit_log_action_at", audit_log.c.action, audit_log.c.at.desc())
Index("ix_audit_log_actor_at", audit_log.c.actor_email, audit_log.c.at.desc())
