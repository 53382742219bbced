"""Helpers shared by the WTForms of every feature."""

from __future__ import annotations

from wtforms import Form, SelectChoice

from ideadb.core.errors import DomainError


def apply_errors(form: Form, exc: DomainError) -> None:
    """Show a service's field errors beside the fields, the rest at the top of the form."""
    placed = False
    for name, messages in exc.fields.items():
        field = getattr(form, name.split(".")[0], None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
            placed = True
        else:
            form.form_errors.extend(messages)
            placed = True
    if not placed:
        form.form_errors.append(exc.message)


def choices(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]
