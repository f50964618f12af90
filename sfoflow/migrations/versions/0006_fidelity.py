"""fidelity: offence variation additions (per-category sampler state, rule columns), rate changes
at run boundaries (sampler_states.run_start), settings audit, the information section as data

Revision ID: 0006_fidelity
Revises: 0005_assessment
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_fidelity"
down_revision = "0005_assessment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sample_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purposive_rule", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("category_order", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("variation_threshold", sa.Integer(), nullable=True))
    op.execute("UPDATE sample_decisions SET purposive_rule = 'manager' WHERE purposive")
    with op.batch_alter_table("sampler_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("run_start", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("information", sa.JSON(), nullable=True))

    op.create_table(
        "offence_sampler_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offence_category", sa.String(length=64), nullable=False),
        sa.Column("sampling_year", sa.Integer(), nullable=False),
        sa.Column("intake", sa.Integer(), nullable=False),
        sa.Column("in_sample", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("intake >= 0 AND in_sample >= 0 AND in_sample <= intake",
                           name=op.f("ck_offence_sampler_states_counts_consistent")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offence_sampler_states")),
        sa.UniqueConstraint("offence_category", "sampling_year",
                            name=op.f("uq_offence_sampler_states_offence_category_sampling_year")),
    )

    op.create_table(
        "setting_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"], name=op.f("fk_setting_changes_changed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setting_changes")),
    )
    with op.batch_alter_table("setting_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_setting_changes_key"), ["key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("setting_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_setting_changes_key"))
    op.drop_table("setting_changes")
    op.drop_table("offence_sampler_states")
    with op.batch_alter_table("sampler_states", schema=None) as batch_op:
        batch_op.drop_column("run_start")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("information")
    with op.batch_alter_table("sample_decisions", schema=None) as batch_op:
        batch_op.drop_column("variation_threshold")
        batch_op.drop_column("category_order")
        batch_op.drop_column("purposive_rule")
