"""core: indexes for the review list's high-profile and reference-search filters

Every filter of GET /api/v1/reviews can use an index (tests/api/test_query_counts.py checks the
plans on PostgreSQL). The reference search is "contains", which a b-tree cannot serve: on
PostgreSQL it gets a trigram (pg_trgm) GIN index.

Revision ID: 0002_core_indexes
Revises: 0001_core
"""
from alembic import op

revision = "0002_core_indexes"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_is_high_profile"), ["is_high_profile"], unique=False)
        batch_op.create_index("ix_reviews_reference_trgm", ["reference"], unique=False,
                              postgresql_using="gin", postgresql_ops={"reference": "gin_trgm_ops"})


def downgrade() -> None:
    # The pg_trgm extension stays: other objects may use it, and it holds no data.
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_reference_trgm")
        batch_op.drop_index(batch_op.f("ix_reviews_is_high_profile"))
