"""The review rounds' factories, shared with the export tests (rounds are built through the
reviews service so the ranking is the real one)."""

from tests.reviews.conftest import (  # noqa: F401
    create_reviewer,
    create_round,
    criteria_set_id,
    ready_round,
    score_all,
)
