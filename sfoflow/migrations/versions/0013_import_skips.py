"""import jobs know how far they have got (rows written or skipped) and which rows they skipped;
one review whatever the case of its reference, held by the database

A row whose reference someone else registered after the job checked the file is skipped and
listed, not written twice; ``rows_done`` (not ``rows_written``) is where a task delivered again
carries on. The unique index on lower(reference) makes "UX/2023/0001 and ux/2023/0001 are the
same reference" hold however two registrations meet; a database that already has such a pair
is not changed, and the message names the references to put right first.

Revision ID: 0013_import_skips
Revises: 0012_list_indexes
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_import_skips"
down_revision = "0012_list_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    twice = bind.execute(sa.text(
        "SELECT min(reference) FROM reviews GROUP BY lower(reference) HAVING count(*) > 1 ORDER BY 1")).scalars().all()
    if twice:
        shown = ", ".join(twice[:20]) + (f" and {len(twice) - 20} more" if len(twice) > 20 else "")
        raise RuntimeError(f"{len(twice)} reference(s) are registered more than once in different case ({shown}). "
                           "Rename or remove the extra reviews, then migrate again.")
    with op.batch_alter_table("import_jobs") as batch:
        batch.add_column(sa.Column("rows_done", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("skipped", sa.JSON(), nullable=True))
    op.execute("UPDATE import_jobs SET rows_done = rows_written")
    with op.batch_alter_table("import_jobs") as batch:
        batch.alter_column("rows_done", server_default=None)
    op.create_index("uq_reviews_reference_lower", "reviews", [sa.text("lower(reference)")], unique=True)


def downgrade() -> None:
    op.drop_index("uq_reviews_reference_lower", table_name="reviews")
    with op.batch_alter_table("import_jobs") as batch:
        batch.drop_column("skipped")
        batch.drop_column("rows_done")
