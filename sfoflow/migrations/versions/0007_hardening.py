"""hardening: a session version per user (sign-out, a new password or deactivation ends sessions)

Revision ID: 0007_hardening
Revises: 0005_assessment
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_hardening"
down_revision = "0005_assessment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
