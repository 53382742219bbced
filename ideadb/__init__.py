"""ideadb: the idea and initiative database of the "Đoàn kết sáng tạo" movement."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

FEATURES = ("accounts", "units", "audit", "ideas", "search", "criteria", "reviews", "reports")
ROOT = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Flask:
    from ideadb.config import load_config
    from ideadb.core import web
    from ideadb.core.api import make_api_blueprint
    from ideadb.core.features import optional_module
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

    from ideadb.accounts.models import User
    from ideadb.accounts.service import configure_hashing

    configure_hashing(app.config["PASSWORD_HASH_PROFILE"])

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))

    api_children = []
    for feature in FEATURES:
        for module_name in ("models", "service"):
            optional_module(f"ideadb.{feature}.{module_name}")
        views = optional_module(f"ideadb.{feature}.views")
        if views is not None:
            app.register_blueprint(views.bp)
        api = optional_module(f"ideadb.{feature}.api")
        if api is not None:
            api_children.append(api.bp)
        commands = optional_module(f"ideadb.{feature}.commands")
        if commands is not None:
            commands.register(app)
    api_bp = make_api_blueprint(api_children)
    # The API authenticates with bearer tokens, never with the session cookie for writes.
    for blueprint in (api_bp, *api_children):
        csrf.exempt(blueprint)
    app.register_blueprint(api_bp)

    from ideadb.core.pages import home

    app.add_url_rule("/", "home", home)
    web.init_app(app)
    return app
