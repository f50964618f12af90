"""an index for the balance's list of a year's purposive additions (a few rows among many)

Revision ID: 0012_list_indexes
Revises: 0011_import_jobs
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_list_indexes"
down_revision = "0011_import_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sample_decisions_purposive_year", "sample_decisions", ["sampling_year"],
                    postgresql_where=sa.text("purposive"), sqlite_where=sa.text("purposive"))


def downgrade() -> None:
    op.drop_index("ix_sample_decisions_purposive_year", table_name="sample_decisions")
