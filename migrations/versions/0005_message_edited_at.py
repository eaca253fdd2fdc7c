"""message.edited_at: the platform's time of the edit a message's stored text comes from

Revision ID: 0005_message_edited_at
Revises: 0004_users_and_case_views
Create Date: 2026-11-30 00:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0005_message_edited_at"
down_revision = "0004_users_and_case_views"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("edited_at")
