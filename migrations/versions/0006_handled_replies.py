"""handled_reply: responders' SMS replies already acted on, by Twilio MessageSid

Revision ID: 0006_handled_replies
Revises: 0005_message_edited_at
Create Date: 2026-11-30 00:25:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0006_handled_replies"
down_revision = "0005_message_edited_at"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "handled_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("responder_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["responder_id"], ["responder.id"], name=op.f("fk_handled_reply_responder_id_responder")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handled_reply")),
        sa.UniqueConstraint("message_sid", name=op.f("uq_handled_reply_message_sid")),
    )
    with op.batch_alter_table("handled_reply", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handled_reply_responder_id"), ["responder_id"], unique=False)


def downgrade():
    with op.batch_alter_table("handled_reply", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handled_reply_responder_id"))
    op.drop_table("handled_reply")
