"""Email verification: whether the address is proven, and until when it may go unproven.

Revision ID: 0003
Revises: 0002
Created: 2026-12-03
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The default EMAIL_VERIFICATION_GRACE, in days.
GRACE = timedelta(days=7)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_verified", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("verify_by", sa.DateTime(timezone=True), nullable=True))
    # Accounts older than verification get their grace from today, not from when they
    # registered: an update must not lock anyone out at once.
    users = sa.table("users", sa.column("verify_by", sa.DateTime(timezone=True)))
    op.execute(users.update().values(verify_by=datetime.now(UTC) + GRACE))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("verify_by")
        batch_op.drop_column("email_verified")
