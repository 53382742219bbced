"""Helpers shared by the WTForms of every feature."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext
from wtforms import Form, SelectChoice

from ideadb.core.errors import DomainError
from scoring.messages import Message


def shown(message: str) -> str:
    """A service's Vietnamese message (a msgid marked with ``N_``) in the reader's language,
    its values that are messages too; a message the catalogue does not hold (one with values
    written in) stays as it is."""
    if isinstance(message, Message):
        # A value that is a message itself (a status's name, a joined list) is translated too.
        params = {k: shown(v) if isinstance(v, Message) else v for k, v in message.params.items()}
        return gettext(message.msgid, **params)
    return gettext(message) if isinstance(message, str) and message else message


def shown_all(messages: Iterable[str]) -> list[str]:
    return [shown(m) for m in messages]


def apply_errors(form: Form, exc: DomainError) -> None:
    """Show a service's field errors beside the fields, the rest at the top of the form."""
    placed = False
    for name, messages in exc.fields.items():
        field = getattr(form, name.split(".")[0], None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + shown_all(messages)
            placed = True
        else:
            form.form_errors.extend(shown_all(messages))
            placed = True
    if not placed:
        form.form_errors.append(shown(exc.message))


def choices(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs (WTForms 3.3 deprecates bare tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]
