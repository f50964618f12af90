"""HMPPS QA of routed reviews (officer flags, the HMPPS QA record) and benchmarking exercises

Revision ID: 0007_hmpps_qa_benchmarking
Revises: 0006_fidelity
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_hmpps_qa_benchmarking"
down_revision = "0006_fidelity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('benchmark_exercises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('framework_version', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('how_chosen', sa.String(length=16), nullable=False),
    sa.Column('draw', sa.JSON(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revealed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reveal_reason', sa.String(length=32), nullable=True),
    sa.Column('moderation_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_benchmark_exercises_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_exercises'))
    )
    with op.batch_alter_table('benchmark_exercises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benchmark_exercises_status'), ['status'], unique=False)

    op.create_table('benchmark_raters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['benchmark_exercises.id'], name=op.f('fk_benchmark_raters_exercise_id_benchmark_exercises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_benchmark_raters_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_raters')),
    sa.UniqueConstraint('exercise_id', 'user_id', name=op.f('uq_benchmark_raters_exercise_id_user_id'))
    )
    with op.batch_alter_table('benchmark_raters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benchmark_raters_exercise_id'), ['exercise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benchmark_raters_user_id'), ['user_id'], unique=False)

    op.create_table('benchmark_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('overall_rating', sa.String(length=32), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['benchmark_exercises.id'], name=op.f('fk_benchmark_ratings_exercise_id_benchmark_exercises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rater_id'], ['users.id'], name=op.f('fk_benchmark_ratings_rater_id_users')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_benchmark_ratings_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_ratings')),
    sa.UniqueConstraint('exercise_id', 'review_id', 'rater_id', name=op.f('uq_benchmark_ratings_exercise_id_review_id_rater_id'))
    )
    with op.batch_alter_table('benchmark_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benchmark_ratings_exercise_id'), ['exercise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benchmark_ratings_rater_id'), ['rater_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benchmark_ratings_review_id'), ['review_id'], unique=False)

    op.create_table('benchmark_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('agreed_ratings', sa.JSON(), nullable=True),
    sa.Column('moderation_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['exercise_id'], ['benchmark_exercises.id'], name=op.f('fk_benchmark_reviews_exercise_id_benchmark_exercises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_benchmark_reviews_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_reviews')),
    sa.UniqueConstraint('exercise_id', 'review_id', name=op.f('uq_benchmark_reviews_exercise_id_review_id'))
    )
    with op.batch_alter_table('benchmark_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benchmark_reviews_exercise_id'), ['exercise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benchmark_reviews_review_id'), ['review_id'], unique=False)

    op.create_table('hmpps_qas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('target_working_days', sa.Integer(), nullable=False),
    sa.Column('allocated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('allocated_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['allocated_by_id'], ['users.id'], name=op.f('fk_hmpps_qas_allocated_by_id_users')),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], name=op.f('fk_hmpps_qas_officer_id_users')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_hmpps_qas_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hmpps_qas')),
    sa.UniqueConstraint('review_id', name=op.f('uq_hmpps_qas_review_id'))
    )
    with op.batch_alter_table('hmpps_qas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hmpps_qas_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_hmpps_qas_officer_id'), ['officer_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hmpps_qa', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('hmpps_qa_manager', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('hmpps_qa_manager')
        batch_op.drop_column('hmpps_qa')

    with op.batch_alter_table('hmpps_qas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hmpps_qas_officer_id'))
        batch_op.drop_index(batch_op.f('ix_hmpps_qas_due_on'))

    op.drop_table('hmpps_qas')
    with op.batch_alter_table('benchmark_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_reviews_review_id'))
        batch_op.drop_index(batch_op.f('ix_benchmark_reviews_exercise_id'))

    op.drop_table('benchmark_reviews')
    with op.batch_alter_table('benchmark_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_ratings_review_id'))
        batch_op.drop_index(batch_op.f('ix_benchmark_ratings_rater_id'))
        batch_op.drop_index(batch_op.f('ix_benchmark_ratings_exercise_id'))

    op.drop_table('benchmark_ratings')
    with op.batch_alter_table('benchmark_raters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_raters_user_id'))
        batch_op.drop_index(batch_op.f('ix_benchmark_raters_exercise_id'))

    op.drop_table('benchmark_raters')
    with op.batch_alter_table('benchmark_exercises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_exercises_status'))

    op.drop_table('benchmark_exercises')
