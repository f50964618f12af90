"""indexes for lists at any size: a year's purposive additions (a few rows among many, for the
balance); an inspector's open reviews by state and due date (My tasks, workload), which replaces
the index on the inspector alone

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
    op.create_index("ix_reviews_inspector_id_state_due_on", "reviews", ["inspector_id", "state", "due_on"])
    op.drop_index("ix_reviews_inspector_id", table_name="reviews")
    op.create_index("ix_sample_decisions_purposive_year", "sample_decisions", ["sampling_year"],
                    postgresql_where=sa.text("purposive"), sqlite_where=sa.text("purposive"))


def downgrade() -> None:
    op.drop_index("ix_sample_decisions_purposive_year", table_name="sample_decisions")
    op.create_index("ix_reviews_inspector_id", "reviews", ["inspector_id"])
    op.drop_index("ix_reviews_inspector_id_state_due_on", table_name="reviews")
