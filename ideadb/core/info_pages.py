"""Pages that belong to no single feature: the accessibility statement and the API reference."""

from __future__ import annotations

from flask import Flask, render_template, url_for


def accessibility():
    return render_template("pages/accessibility.html")


def api_docs():
    # Swagger UI is served from ideadb/static/vendor/swagger-ui (swagger-ui-dist from npm): no
    # asset leaves the site, and the page's script reads the spec's address from a data attribute.
    return render_template("pages/api_docs.html", spec_url=url_for("api.openapi"))


def init_app(app: Flask) -> None:
    app.add_url_rule("/kha-nang-tiep-can", "accessibility", accessibility)
    app.add_url_rule("/tai-lieu-api", "api_docs", api_docs)
