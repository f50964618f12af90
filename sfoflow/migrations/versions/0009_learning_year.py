"""learning and year summary: themes, learning entries on a QA, narratives, chosen sections, publications

Revision ID: 0009_learning_year
Revises: 0008_panels
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_learning_year'
down_revision = "0008_panels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('learning_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_themes')),
    sa.UniqueConstraint('key', name=op.f('uq_learning_themes_key'))
    )
    op.create_table('year_narratives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('author_label', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_year_narratives_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_year_narratives'))
    )
    with op.batch_alter_table('year_narratives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_year_narratives_year'), ['year'], unique=False)

    op.create_table('year_publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('publisher_label', sa.String(length=254), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('csv', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_year_publications_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_year_publications')),
    sa.UniqueConstraint('year', 'number', name=op.f('uq_year_publications_year_number'))
    )
    with op.batch_alter_table('year_publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_year_publications_year'), ['year'], unique=False)

    op.create_table('year_section_choices',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sections', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_year_section_choices_updated_by_id_users')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_year_section_choices'))
    )
    op.create_table('assessment_themes',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_assessment_themes_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['learning_themes.id'], name=op.f('fk_assessment_themes_theme_id_learning_themes')),
    sa.PrimaryKeyConstraint('assessment_id', 'theme_id', name=op.f('pk_assessment_themes'))
    )
    with op.batch_alter_table('assessment_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_themes_theme_id'), ['theme_id'], unique=False)

    op.create_table('learning_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=32), nullable=True),
    sa.Column('in_action_plan', sa.Boolean(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('outcome_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_learning_entries_assessment_id_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outcome_by_id'], ['users.id'], name=op.f('fk_learning_entries_outcome_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_entries'))
    )
    with op.batch_alter_table('learning_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_entries_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index('ix_learning_entries_kind_level', ['kind', 'level'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('learning_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_learning_entries_kind_level')
        batch_op.drop_index(batch_op.f('ix_learning_entries_assessment_id'))

    op.drop_table('learning_entries')
    with op.batch_alter_table('assessment_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_themes_theme_id'))

    op.drop_table('assessment_themes')
    op.drop_table('year_section_choices')
    with op.batch_alter_table('year_publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_year_publications_year'))

    op.drop_table('year_publications')
    with op.batch_alter_table('year_narratives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_year_narratives_year'))

    op.drop_table('year_narratives')
    op.drop_table('learning_themes')
