"""Every label of a code (status, scope, role, kind...) reads in English when English is chosen."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from ideadb.accounts import labels as account_labels
from ideadb.criteria import labels as criteria_labels
from ideadb.ideas import labels as idea_labels
from ideadb.reviews import labels as review_labels
from ideadb.units import labels as unit_labels

TABLES = {
    "account roles": account_labels.ROLE_LABELS,
    "criteria set statuses": criteria_labels.STATUS_LABELS,
    "idea statuses": idea_labels.STATUS_LABELS,
    "recognition scopes": idea_labels.SCOPE_LABELS,
    "co-author invitations": idea_labels.INVITATION_LABELS,
    "adoption statuses": idea_labels.ADOPTION_STATUS_LABELS,
    "round levels": review_labels.LEVEL_LABELS,
    "round statuses": review_labels.STATUS_LABELS,
    "aggregations": review_labels.AGGREGATION_LABELS,
    "assignment statuses": review_labels.ASSIGNMENT_LABELS,
    "conflict kinds": review_labels.CONFLICT_LABELS,
    "unit kinds": unit_labels.KIND_LABELS,
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_labels_have_an_english_translation(app, name):
    with app.test_request_context():
        with force_locale("vi"):
            vietnamese = {code: str(label) for code, label in TABLES[name].items()}
        with force_locale("en"):
            english = {code: str(label) for code, label in TABLES[name].items()}
    untranslated = [code for code in vietnamese if english[code] == vietnamese[code]]
    assert untranslated == [], f"{name}: {untranslated}"


def test_area_names_read_in_english_unless_an_admin_renamed_them(app):
    from ideadb.units.labels import area_label
    from ideadb.units.reference import AREAS

    code, name, _ = AREAS[0]
    with app.test_request_context():
        with force_locale("en"):
            assert area_label(code, name) == (
                "Better work and simpler administrative procedures in the bodies of the "
                "political system"
            )
            # A name an admin edited is user data: shown as written.
            assert area_label(code, "Cải cách hành chính") == "Cải cách hành chính"
        with force_locale("vi"):
            assert area_label(code, name) == name
    # Files and jobs (no request) keep the Vietnamese name.
    assert area_label(code, name) == name
