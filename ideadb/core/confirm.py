"""Asking before what cannot be undone.

A form whose action cannot be undone carries ``data-confirm="…"`` on its button (or on the
form): with JavaScript (``static/js/confirm.js``) the browser asks in a dialog and adds
``confirmed=1`` before sending. Without JavaScript the first POST arrives without
``confirmed=1``; the view then answers with :func:`confirmation_page`, which shows what will
happen and a form that posts the same fields again with ``confirmed=1``. Nothing changes until
the second POST. The JSON API does not go through this (callers there act deliberately).
"""

from __future__ import annotations

from flask import render_template, request

CONFIRMED_FIELD = "confirmed"


def is_confirmed() -> bool:
    """Whether the posted form says the person has already confirmed."""
    return request.form.get(CONFIRMED_FIELD) == "1"


def confirmation_page(
    title: str,
    message: str,
    button: str,
    cancel_url: str,
    *,
    details: list[tuple[str, str]] | None = None,
):
    """The page asking to confirm: the posted fields are posted again, with ``confirmed=1``."""
    fields = [
        (name, value)
        for name, values in request.form.lists()
        for value in values
        if name != CONFIRMED_FIELD
    ]
    return render_template(
        "core/confirm.html",
        title=title,
        message=message,
        button=button,
        cancel_url=cancel_url,
        action=request.full_path.rstrip("?"),
        fields=fields,
        details=details or [],
    )
