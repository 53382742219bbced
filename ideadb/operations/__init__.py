"""Operations on a whole instance: backup, verification of a backup, restore."""

from __future__ import annotations


class OperationFailed(Exception):
    """A check failed or a step could not be done; the message is for the operator."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])
