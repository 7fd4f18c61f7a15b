"""Shared form plumbing: Chinese messages for common validators, domain errors onto fields."""

from __future__ import annotations

from flask import render_template
from flask_wtf import FlaskForm

from portal.errors import DomainError


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's error next to the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
    else:
        form.form_errors.append(error.message)


def render_form(template: str, form: FlaskForm, **context):
    """Render a form page; a submitted form with errors answers 400 (409 for conflicts)."""
    status = 200
    if form.is_submitted() and (form.errors or form.form_errors):
        status = context.pop("status", 400)
    return render_template(template, form=form, **context), status
