"""The review fixtures (rounds, panels, scoring) serve the home pages' tests too."""

from tests.reviews.conftest import (  # noqa: F401
    create_reviewer,
    create_round,
    criteria_set_id,
    ready_round,
    score_all,
)
