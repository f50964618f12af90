"""merge the feature branches (core indexes, sampling, allocation and notifications, assessment)

Each feature was developed as its own branch from 0001_core; this joins them into one head so
`alembic upgrade head` and `migration_status` have a single target.

Revision ID: 0005_merge_features
Revises: 0001_core_indexes, 0002_sampling, 0004_assessment
"""

revision = "0005_merge_features"
down_revision = ("0001_core_indexes", "0002_sampling", "0004_assessment")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
