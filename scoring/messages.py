"""Messages for people, in Vietnamese, that still know their msgid and values.

A :class:`Message` is the filled Vietnamese text (a ``str``: APIs and logs see the text as
before) and keeps the msgid (marked with :func:`N_` for the catalogue) and its values, so that a
page can show it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def N_(message: str) -> str:
    """Mark a Vietnamese message for the catalogue; it is translated where it is shown."""
    return message


class Message(str):
    """``Message(N_("Chưa chấm tiêu chí “%(name)s”."), name="Tính mới")``.

    A value may itself be a Message (a word such as a field's name, or :func:`joined` parts):
    it is translated too where the message is shown.
    """

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        obj = super().__new__(cls, msgid % params if params else msgid)
        obj.msgid = msgid
        obj.params = params
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.msgid, self.params))


def _rebuild(msgid: str, params: dict[str, Any]) -> Message:
    return Message(msgid, **params)


# A list of messages, each translated on its own, in the order written.
_JOINS = {
    "; ": N_("%(first)s; %(rest)s"),
    ", ": N_("%(first)s, %(rest)s"),
    " ": N_("%(first)s %(rest)s"),
}


def joined(parts: Iterable[str], separator: str = "; ") -> str:
    """``separator.join(parts)`` as a Message whose parts stay translatable ("" when empty)."""
    items = list(parts)
    if not items:
        return ""
    result = items[-1]
    for part in reversed(items[:-1]):
        result = Message(_JOINS[separator], first=part, rest=result)
    return result
