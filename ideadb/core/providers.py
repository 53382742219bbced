"""Values a lower layer needs from a higher one, registered by the higher one in create_app.

Search sorts by final score, which the reviews feature computes; search must not import
reviews, so reviews registers its function here and search asks for it by role. Criteria
learn which rounds use a set the same way, and the API plumbing of ``core`` which user a
bearer token belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

FinalScores = Callable[[Session, Sequence[int]], Mapping[int, float]]
SetUsage = Callable[[Session, int], list[dict[str, Any]]]
TokenUser = Callable[[Session, str], Any]
_EXTENSION = "ideadb.final_scores"
_SET_USAGE = "ideadb.criteria_set_usage"
_TOKEN_USER = "ideadb.token_user"  # noqa: S105 (an extension key, not a secret)


def register_final_scores(app: Flask, provider: FinalScores) -> None:
    """Make ``provider(session, idea_ids) -> {idea_id: final score}`` the source of scores."""
    app.extensions[_EXTENSION] = provider


def final_scores(session: Session, idea_ids: Sequence[int]) -> dict[int, float]:
    """Final scores of these ideas that have one (empty when no provider is registered)."""
    if not has_app_context():
        return {}
    provider: FinalScores | None = current_app.extensions.get(_EXTENSION)
    if provider is None:
        return {}
    return dict(provider(session, idea_ids))


def register_set_usage(app: Flask, provider: SetUsage) -> None:
    """Make ``provider(session, set_id)`` list the rounds that use a criteria set."""
    app.extensions[_SET_USAGE] = provider


def set_usage(session: Session, set_id: int) -> list[dict[str, Any]]:
    """``[{"id", "name", "year", "status"}]`` of the rounds using this set (none without rounds)."""
    provider: SetUsage | None = (
        current_app.extensions.get(_SET_USAGE) if has_app_context() else None
    )
    return [] if provider is None else list(provider(session, set_id))


def register_token_user(app: Flask, provider: TokenUser) -> None:
    """Make ``provider(session, token)`` the user an API bearer token belongs to (or None)."""
    app.extensions[_TOKEN_USER] = provider


def token_user(session: Session, token: str) -> Any:
    """The user this API token authenticates, or None."""
    provider: TokenUser | None = current_app.extensions.get(_TOKEN_USER)
    return None if provider is None else provider(session, token)


# --- personal data (Nghị định 13/2023/NĐ-CP) ---------------------------------------------------

PersonalExport = Callable[[Session, Any], Any]
PersonalErase = Callable[[Session, Any], int]
_PERSONAL = "ideadb.personal_data"


def register_personal_data(
    app: Flask, section: str, export: PersonalExport, erase: PersonalErase | None = None
) -> None:
    """A feature's part of a person's data: ``export(session, user)`` gives what it holds about
    them (JSON-ready); ``erase(session, user)`` withdraws it when they close their account, inside
    the caller's transaction, and returns how many records it changed."""
    app.extensions.setdefault(_PERSONAL, {})[section] = (export, erase)


def personal_data_sections() -> dict[str, tuple[PersonalExport, PersonalErase | None]]:
    """Every registered section, by name."""
    return dict(current_app.extensions.get(_PERSONAL, {})) if has_app_context() else {}


# --- recognition (the reviews feature's register) ----------------------------------------------

Recognition = Callable[[Session, Any], "dict[str, Any] | None"]
_RECOGNITION = "ideadb.recognition"


def register_recognition(app: Flask, provider: Recognition) -> None:
    """Make ``provider(session, idea)`` the idea's ``recognition`` (API.md: After the decision)."""
    app.extensions[_RECOGNITION] = provider


def recognition(session: Session, idea: Any) -> dict[str, Any] | None:
    """The idea's standing recognition with its register number, or None."""
    provider: Recognition | None = (
        current_app.extensions.get(_RECOGNITION) if has_app_context() else None
    )
    return None if provider is None else provider(session, idea)
