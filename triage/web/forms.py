"""Forms (Flask-WTF: every one carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from triage.staff import Role

EMAIL_RE = r"^[^@\s]+@[^@\s]+$"
OUTCOMES = ("safe_contacted", "referred", "emergency_services", "no_action_needed", "duplicate", "false_alarm")
URGENCY_CHOICES = ("P1", "P2", "P3", "none")
LABEL_CHOICES = ("self_harm", "domestic_violence", "child_protection", "imminent_danger", "disaster")


class LoginForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(_l("Email"), validators=[DataRequired(), Regexp(EMAIL_RE), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A bare form for buttons that carry nothing but the CSRF token."""


class NoteForm(FlaskForm):  # type: ignore[misc]
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=4000)])


class ResolveForm(FlaskForm):  # type: ignore[misc]
    outcome = SelectField(_l("Outcome"), choices=[(o, o) for o in OUTCOMES], validators=[DataRequired()])


class ReassignForm(FlaskForm):  # type: ignore[misc]
    responder_id = SelectField(_l("Hand over to"), coerce=int, validators=[DataRequired()])


class LabelsForm(FlaskForm):  # type: ignore[misc]
    labels = SelectMultipleField(_l("Labels"), choices=[(x, x) for x in LABEL_CHOICES])
    urgency = SelectField(_l("Urgency"), choices=[(x, x) for x in URGENCY_CHOICES])


class ReasonForm(FlaskForm):  # type: ignore[misc]
    reason = StringField(_l("Reason for reading this case"), validators=[DataRequired(), Length(min=10, max=500)])


class LanguageForm(FlaskForm):  # type: ignore[misc]
    language = SelectField(_l("Language"), choices=[("ar", "العربية"), ("en", "English")])


class UserForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(_l("Email"), validators=[DataRequired(), Regexp(EMAIL_RE), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[(r.value, r.value) for r in Role])
    team_id = SelectField(_l("Team"), coerce=int)
    language = SelectField(_l("Language"), choices=[("ar", "العربية"), ("en", "English")])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(min=10, max=200)])
    active = BooleanField(_l("Active"), default=True)
