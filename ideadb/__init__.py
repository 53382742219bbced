"""ideadb: the idea and initiative database of the "Đoàn kết sáng tạo" movement."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

FEATURES = (  # in dependency order
    "accounts",
    "units",
    "audit",
    "ideas",
    "search",
    "criteria",
    "reviews",
    "reports",
)
ROOT = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Flask:
    from ideadb.config import load_config
    from ideadb.core import web
    from ideadb.core.api import make_api_blueprint
    from ideadb.extensions import babel, csrf, db, limiter, login_manager, migrate

    settings = load_config(config)
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_DIR"],
        template_folder=str(ROOT.parent / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(ROOT / "translations"))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT.parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app, locale_selector=web.select_locale, timezone_selector=lambda: "Asia/Ho_Chi_Minh"
    )
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"

    from sqlalchemy.orm import joinedload

    from ideadb.accounts.models import User
    from ideadb.accounts.service import configure_hashing

    configure_hashing(app.config["PASSWORD_HASH_PROFILE"])

    @login_manager.user_loader
    def load_user(user_id: str):
        # the roles come in the same query: every page asks for them
        return db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])

    _register_features(app)
    api_bp = make_api_blueprint(app.extensions["ideadb.api_blueprints"])
    # The API authenticates with bearer tokens, never with the session cookie for writes.
    for blueprint in (api_bp, *app.extensions["ideadb.api_blueprints"]):
        csrf.exempt(blueprint)
    app.register_blueprint(api_bp)

    from ideadb.home import views as home_views

    app.register_blueprint(home_views.bp)
    app.add_url_rule("/", "home", home_views.home)
    from ideadb.core import info_pages

    info_pages.init_app(app)
    web.init_app(app)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        # Behind nginx: the client's address (rate limits per address, the audit log) and
        # scheme come from the X-Forwarded-* headers that the trusted proxies set.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    return app


def _register_features(app: Flask) -> None:
    """Pages, API, commands of every feature, and the providers that connect them."""
    # Every feature's models, so that the metadata (and Alembic) knows all tables.
    import ideadb.accounts.models
    import ideadb.audit.chain  # installs the hooks that chain every audit event
    import ideadb.audit.models
    import ideadb.core.changes
    import ideadb.criteria.models
    import ideadb.ideas.models
    import ideadb.reviews.models
    import ideadb.units.models  # noqa: F401
    from ideadb.accounts import api as accounts_api
    from ideadb.accounts import notify as accounts_notify
    from ideadb.accounts import service as accounts_service
    from ideadb.accounts import views as accounts_views
    from ideadb.audit import api as audit_api
    from ideadb.audit import commands as audit_commands
    from ideadb.audit import views as audit_views
    from ideadb.core import changes, jobs, providers
    from ideadb.core import commands as core_commands
    from ideadb.criteria import api as criteria_api
    from ideadb.criteria import views as criteria_views
    from ideadb.ideas import api as ideas_api
    from ideadb.ideas import commands as ideas_commands
    from ideadb.ideas import import_jobs as ideas_import_jobs
    from ideadb.ideas import personal_data as ideas_personal_data
    from ideadb.ideas import views as ideas_views
    from ideadb.jobs import api as jobs_api
    from ideadb.jobs import views as jobs_views
    from ideadb.reports import api as reports_api
    from ideadb.reports import commands as reports_commands
    from ideadb.reports import decision_api as reports_decision_api
    from ideadb.reports import decision_views as reports_decision_views
    from ideadb.reports import export_jobs as reports_export_jobs
    from ideadb.reports import views as reports_views
    from ideadb.reviews import api as reviews_api
    from ideadb.reviews import appeal_api as reviews_appeal_api
    from ideadb.reviews import appeal_views as reviews_appeal_views
    from ideadb.reviews import register as reviews_register
    from ideadb.reviews import results as reviews_results
    from ideadb.reviews import rounds as reviews_rounds
    from ideadb.reviews import views as reviews_views
    from ideadb.reviews import vote_views as reviews_vote_views
    from ideadb.reviews import votes as reviews_votes
    from ideadb.reviews import votes_api as reviews_votes_api
    from ideadb.search import api as search_api
    from ideadb.search import commands as search_commands
    from ideadb.search import service as search_service
    from ideadb.search import views as search_views
    from ideadb.units import api as units_api
    from ideadb.units import views as units_views

    for views in (
        accounts_views,
        units_views,
        audit_views,
        jobs_views,
        ideas_views,
        search_views,
        criteria_views,
        reviews_views,
        reviews_appeal_views,
        reviews_vote_views,
        reports_views,
        reports_decision_views,
    ):
        app.register_blueprint(views.bp)
    app.extensions["ideadb.api_blueprints"] = [
        api.bp
        for api in (
            accounts_api,
            units_api,
            audit_api,
            jobs_api,
            ideas_api,
            search_api,
            criteria_api,
            reviews_api,
            reviews_appeal_api,
            reviews_votes_api,
            reports_api,
            reports_decision_api,
        )
    ]
    for commands in (
        core_commands,
        audit_commands,
        ideas_commands,
        search_commands,
        reports_commands,
    ):
        commands.register(app)
    # Search keeps a derived copy of ideas per host: it follows the shared change log.
    changes.subscribe(app, search_service.apply_after_commit)
    changes.subscribe_units(app, search_service.follow_unit_change)
    jobs.on_tick(app, "search.follow", search_service.catch_up)
    jobs.on_tick(app, "search.prune", search_service.prune_log, every=3600)
    jobs.register(app, "mail", accounts_notify.deliver)
    reports_export_jobs.register(app)
    ideas_import_jobs.register(app)
    # Lower layers ask for what higher ones know through providers, never by importing them.
    providers.register_token_user(app, accounts_service.user_for_token)
    providers.register_set_usage(app, reviews_rounds.criteria_set_usage)
    providers.register_personal_data(
        app, "ideas", ideas_personal_data.export, ideas_personal_data.erase
    )
    providers.register_final_scores(app, reviews_results.final_scores)
    providers.register_recognition(app, reviews_register.recognition_of)
    providers.register_personal_data(app, "public_votes", reviews_votes.export_personal_data)
