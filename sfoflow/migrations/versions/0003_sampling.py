"""sampling: sampler state per region and year, and the audit record of every sample decision

Revision ID: 0003_sampling
Revises: 0002_core_indexes
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_sampling"
down_revision = "0002_core_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sampler_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("sampling_year", sa.Integer(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("arrivals", sa.Integer(), nullable=False),
        sa.Column("run_has_selection", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("k >= 1", name=op.f("ck_sampler_states_k_positive")),
        sa.CheckConstraint("arrivals >= 0", name=op.f("ck_sampler_states_arrivals_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sampler_states")),
        sa.UniqueConstraint("region", "sampling_year", name=op.f("uq_sampler_states_region_sampling_year")),
    )
    op.create_table(
        "sample_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("offence_category", sa.String(length=64), nullable=False),
        sa.Column("sampling_year", sa.Integer(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=True),
        sa.Column("arrival_order", sa.Integer(), nullable=True),
        sa.Column("run_number", sa.Integer(), nullable=True),
        sa.Column("run_position", sa.Integer(), nullable=True),
        sa.Column("uniform", sa.Double(), nullable=True),
        sa.Column("threshold", sa.Double(), nullable=True),
        sa.Column("selected", sa.Boolean(), nullable=True),
        sa.Column("algorithm_version", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("purposive", sa.Boolean(), nullable=False),
        sa.Column("purposive_reason", sa.Text(), nullable=True),
        sa.Column("purposive_by_id", sa.Integer(), nullable=True),
        sa.Column("purposive_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("arrival_order IS NOT NULL OR purposive",
                           name=op.f("ck_sample_decisions_random_or_purposive")),
        sa.CheckConstraint(
            "(arrival_order IS NULL) = (selected IS NULL) AND (arrival_order IS NULL) = (uniform IS NULL)",
            name=op.f("ck_sample_decisions_design_columns_together")),
        sa.ForeignKeyConstraint(["purposive_by_id"], ["users.id"],
                                name=op.f("fk_sample_decisions_purposive_by_id_users")),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"],
                                name=op.f("fk_sample_decisions_review_id_reviews"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sample_decisions")),
        sa.UniqueConstraint("review_id", name=op.f("uq_sample_decisions_review_id")),
        sa.UniqueConstraint("region", "sampling_year", "arrival_order",
                            name=op.f("uq_sample_decisions_region_sampling_year_arrival_order")),
    )
    with op.batch_alter_table("sample_decisions", schema=None) as batch_op:
        batch_op.create_index("ix_sample_decisions_sampling_year_region", ["sampling_year", "region"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sample_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_sample_decisions_sampling_year_region")
    op.drop_table("sample_decisions")
    op.drop_table("sampler_states")
