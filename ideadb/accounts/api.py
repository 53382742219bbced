"""JSON API of accounts: tokens, the current user, user creation."""

from datetime import timedelta

from flask import Blueprint, current_app, g, request

from ideadb.accounts import service, verification
from ideadb.accounts.schemas import (
    CloseAccountSchema,
    TokenRequestSchema,
    TokenSchema,
    UserSchema,
    VerificationTokenSchema,
)
from ideadb.accounts.views import login_limits
from ideadb.core.api import doc, load_json, signed_in_actor
from ideadb.core.errors import NotAuthenticated
from ideadb.core.text import N_
from ideadb.extensions import db, limiter

bp = Blueprint("accounts_api", __name__)


def _caller_key() -> str:
    header = request.headers.get("Authorization") or ""
    return header[-16:] if header else (request.remote_addr or "?")


@bp.post("/auth/tokens")
@login_limits
@doc("Issue an API token", body=TokenRequestSchema, response=TokenSchema, status=201, auth=False)
def create_token():
    data = load_json(TokenRequestSchema())
    user = service.authenticate(db.session(), data["username"], data["password"])
    if user is None:
        g.login_failed = True
        raise NotAuthenticated(service.BAD_CREDENTIALS)
    hours = current_app.config["TOKEN_LIFETIME_HOURS"]
    token, expires_at = service.issue_token(db.session(), user, timedelta(hours=hours))
    return TokenSchema().dump({"token": token, "expires_at": expires_at}), 201


@bp.delete("/auth/tokens/current")
@doc("Revoke the token of this request", status=204)
def delete_token():
    user = signed_in_actor()
    token = g.get("api_token")
    if token is None:
        raise NotAuthenticated(N_("Cần gửi mã truy cập cần thu hồi trong tiêu đề Authorization."))
    service.revoke_token(db.session(), user, token)
    return "", 204


@bp.get("/users/me")
@doc("The signed-in user", response=UserSchema)
def me():
    return UserSchema().dump(signed_in_actor())


@bp.post("/users")
@doc("Create a user (admin)", body=UserSchema, response=UserSchema, status=201)
def create_user():
    actor = signed_in_actor()
    data = load_json(UserSchema())
    user = service.create_user(db.session(), actor, **data)
    return UserSchema().dump(user), 201


@bp.get("/users/me/personal-data")
@doc("Everything the system holds about the signed-in user")
def my_personal_data():
    return service.export_personal_data(db.session(), signed_in_actor())


@bp.post("/users/me/close")
@doc("Close the signed-in user's account (anonymised; names withdrawn)", body=CloseAccountSchema)
def close_my_account():
    actor = signed_in_actor()
    data = load_json(CloseAccountSchema())
    service.close_account(db.session(), actor, data["password"])
    return "", 204


@bp.post("/users/me/email-verification")
@limiter.limit("5 per hour", key_func=lambda: "verify:" + _caller_key())
@doc("Send the e-mail verification link again", status=202)
def resend_verification():
    sent = verification.send_verification(db.session(), signed_in_actor())
    return {"sent": sent}, 202


@bp.post("/auth/email-verification")
@doc(
    "Confirm an e-mail address with the token of its link", body=VerificationTokenSchema, auth=False
)
def confirm_email():
    data = load_json(VerificationTokenSchema())
    return UserSchema().dump(verification.confirm(db.session(), data["token"]))
