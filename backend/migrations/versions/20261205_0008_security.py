"""API tokens: a scope, a bounded lifetime, and no revival of a disabled user's tokens.

- `api_tokens.scope`: what a token may do, chosen at creation: `read` (the owner's role,
  safe methods only) or a role no higher than the owner's. Existing tokens keep what
  they could do: the owner's role at the time of this migration.
- `api_tokens.expires_at` becomes NOT NULL: tokens that never expired end 90 days after
  this migration (TOKEN_MAX_DAYS' default), those set to end later end then too.
- Tokens of users disabled today are revoked: they would otherwise work again the day
  the user is re-enabled.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE api_tokens ADD COLUMN scope VARCHAR(20)")
    op.execute("UPDATE api_tokens t SET scope = u.role FROM users u WHERE u.id = t.user_id")
    op.execute("ALTER TABLE api_tokens ALTER COLUMN scope SET NOT NULL")
    op.execute(
        "ALTER TABLE api_tokens ADD CONSTRAINT ck_api_tokens_scope "
        "CHECK (scope IN ('read', 'viewer', 'analyst', 'admin'))"
    )
    op.execute(
        "UPDATE api_tokens SET expires_at = LEAST(COALESCE(expires_at, 'infinity'), "
        "now() + interval '90 days')"
    )
    op.execute("ALTER TABLE api_tokens ALTER COLUMN expires_at SET NOT NULL")
    op.execute(
        "UPDATE api_tokens t SET revoked_at = now() FROM users u "
        "WHERE u.id = t.user_id AND NOT u.is_active AND t.revoked_at IS NULL"
    )


def downgrade() -> None:
    op.execute("ALTER TABLE api_tokens ALTER COLUMN expires_at DROP NOT NULL")
    op.execute("ALTER TABLE api_tokens DROP CONSTRAINT ck_api_tokens_scope")
    op.execute("ALTER TABLE api_tokens DROP COLUMN scope")
