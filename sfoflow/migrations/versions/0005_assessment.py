"""assessment: the QA form, the feedback report, high-profile queries, email attachments

Revision ID: 0005_assessment
Revises: 0004_allocation_notifications
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_assessment"
down_revision = "0004_allocation_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("framework_version", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("feedback", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("overall_score", sa.Integer(), nullable=True),
        sa.Column("overall_rating", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name=op.f("fk_assessments_review_id_reviews"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_assessments_created_by_id_users")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_assessments_updated_by_id_users")),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["users.id"],
                                name=op.f("fk_assessments_submitted_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
        sa.UniqueConstraint("review_id", name=op.f("uq_assessments_review_id")),
    )
    op.create_table(
        "qa_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("framework_version", sa.String(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_filename", sa.String(length=200), nullable=False),
        sa.Column("overall_score", sa.Integer(), nullable=False),
        sa.Column("overall_rating", sa.String(length=32), nullable=False),
        sa.Column("inspector_name", sa.String(length=200), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_to", sa.String(length=254), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name=op.f("fk_qa_reports_review_id_reviews"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessments.id"],
                                name=op.f("fk_qa_reports_assessment_id_assessments"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["approved_by_id"], ["users.id"], name=op.f("fk_qa_reports_approved_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_reports")),
        sa.UniqueConstraint("review_id", name=op.f("uq_qa_reports_review_id")),
    )
    with op.batch_alter_table("qa_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qa_reports_assessment_id"), ["assessment_id"], unique=False)

    op.create_table(
        "high_profile_queries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("proposed_value", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"],
                                name=op.f("fk_high_profile_queries_review_id_reviews"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["raised_by_id"], ["users.id"],
                                name=op.f("fk_high_profile_queries_raised_by_id_users")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_high_profile_queries_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_high_profile_queries")),
    )
    with op.batch_alter_table("high_profile_queries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_high_profile_queries_review_id"), ["review_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_high_profile_queries_status"), ["status"], unique=False)

    op.create_table(
        "notification_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"],
                                name=op.f("fk_notification_attachments_notification_id_notifications"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_attachments")),
    )
    with op.batch_alter_table("notification_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notification_attachments_notification_id"), ["notification_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("notification_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_attachments_notification_id"))
    op.drop_table("notification_attachments")
    with op.batch_alter_table("high_profile_queries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_high_profile_queries_status"))
        batch_op.drop_index(batch_op.f("ix_high_profile_queries_review_id"))
    op.drop_table("high_profile_queries")
    with op.batch_alter_table("qa_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qa_reports_assessment_id"))
    op.drop_table("qa_reports")
    op.drop_table("assessments")
