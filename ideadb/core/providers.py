"""Values a lower feature needs from a higher one, registered by the higher one in create_app.

Search sorts by final score, which the reviews feature computes; search must not import
reviews, so reviews registers its function here and search asks for it by role.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

FinalScores = Callable[[Session, Sequence[int]], Mapping[int, float]]
_EXTENSION = "ideadb.final_scores"


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
