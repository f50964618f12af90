"""indexes for lists at any size: a year's purposive additions (a few rows among many, for the
balance); the open QA each inspector holds, by state and due date (My tasks, workload), a partial
index that leaves the closed reviews out

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
    open_qa = sa.text("state IN ('allocated', 'awaiting_sign_off', 'in_qa', 'selected_for_hmip')")
    op.create_index("ix_reviews_open_qa_inspector", "reviews", ["state", "inspector_id", "due_on"],
                    postgresql_where=open_qa, sqlite_where=open_qa)
    op.create_index("ix_sample_decisions_purposive_year", "sample_decisions", ["sampling_year"],
                    postgresql_where=sa.text("purposive"), sqlite_where=sa.text("purposive"))


def downgrade() -> None:
    op.drop_index("ix_sample_decisions_purposive_year", table_name="sample_decisions")
    op.drop_index("ix_reviews_open_qa_inspector", table_name="reviews")
