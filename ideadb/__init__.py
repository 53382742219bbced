"""ideadb: the idea and initiative database of the "Đoàn kết sáng tạo" movement."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from flask import Flask

FEATURES = ("accounts", "units", "audit", "ideas", "search", "criteria", "reviews", "reports")
ROOT = Path(__file__).resolve().parent


def _feature_module(feature: str, name: str):
    dotted = f"ideadb.{feature}.{name}"
    if importlib.util.find_spec(f"ideadb.{feature}") is None:
        return None
    if importlib.util.find_spec(dotted) is None:
        return None
    return importlib.import_module(dotted)


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

    from ideadb.accounts.models import User

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))

    api_children = []
    for feature in FEATURES:
        for module_name in ("models", "service"):
            _feature_module(feature, module_name)
        views = _feature_module(feature, "views")
        if views is not None:
            app.register_blueprint(views.bp)
        api = _feature_module(feature, "api")
        if api is not None:
            api_children.append(api.bp)
        commands = _feature_module(feature, "commands")
        if commands is not None:
            commands.register(app)
    api_bp = make_api_blueprint(api_children)
    csrf.exempt(api_bp)
    for child in api_children:  # nested blueprints are matched by their own name
        csrf.exempt(child)
    app.register_blueprint(api_bp)

    from ideadb.core.pages import home

    app.add_url_rule("/", "home", home)
    web.init_app(app)
    return app
