from sqlalchemy import Boolean, CheckConstraint, Column, DateTime, String, Table, func, text
from sqlalchemy.dialects.postgresql import UUID

from psp_dashboard.models.base import metadata

users = Table(
    "users",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("email", String(255), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(20), nullable=False),
    Column("is_active", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_login_at", DateTime(timezone=True)),
    CheckConstraint("role IN ('admin', 'analyst', 'viewer')", name="role"),
)
