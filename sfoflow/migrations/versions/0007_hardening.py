"""hardening: a session version per user (sign-out, a new password or deactivation ends sessions);
the sign-in throttle's counters (when there is no Redis); providers written as their codes

Free-text providers are mapped to the code they spell ("n54", "N54." and "N 54" become N54, in
reviews and conflicts of interest); a value that names no provider, or another region's, is left
as it was and listed in the migration's log for the central team to fix
(``services.providers.unmapped`` lists them again at any time).

Revision ID: 0007_hardening
Revises: 0006_fidelity
"""
import logging

import sqlalchemy as sa
from alembic import op

from sfoflow import reference

log = logging.getLogger("alembic.runtime.migration")

revision = "0007_hardening"
down_revision = "0006_fidelity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "throttle_counters",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_counters")),
    )
    map_providers(op.get_bind())


def map_providers(conn) -> list[str]:
    """Write each provider as its code where it spells one; returns (and logs) what it could not map."""
    left = []
    for table, label in (("reviews", "reference"), ("conflicts", "id")):
        region_col = "region" if table == "reviews" else "NULL"
        rows = conn.execute(sa.text(f"SELECT id, {label}, provider, {region_col} FROM {table} "
                                    "WHERE provider IS NOT NULL ORDER BY id")).all()
        for row_id, name, provider, region in rows:
            code = reference.provider_code(provider)
            if code is not None and (region is None or reference.providers()[code]["region"] == region):
                if code != provider:
                    conn.execute(sa.text(f"UPDATE {table} SET provider = :code WHERE id = :id"),
                                 {"code": code, "id": row_id})
                continue
            left.append(f"{table} {name}: provider {provider!r}")
    for line in left:
        log.warning("provider not mapped to a code; the central team must fix it: %s", line)
    return left


def downgrade() -> None:
    op.drop_table("throttle_counters")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
