"""API shapes of accounts (API.md: Auth and users)."""

from marshmallow import Schema, fields, validate

from ideadb.core.permissions import ALL_ROLES


class TokenRequestSchema(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class CloseAccountSchema(Schema):
    password = fields.String(required=True, load_only=True)


class TokenSchema(Schema):
    token = fields.String()
    expires_at = fields.DateTime()


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(required=True, validate=validate.Length(min=3, max=80))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=255))
    email = fields.Email(load_default=None, allow_none=True)
    unit_id = fields.Integer(load_default=None, allow_none=True)
    roles = fields.Method("dump_roles", deserialize="load_roles", required=True)
    password = fields.String(load_only=True, required=True)
    email_verified = fields.Boolean(dump_only=True)

    def dump_roles(self, user):
        return sorted(user.roles)

    def load_roles(self, value):
        from marshmallow import ValidationError

        if not isinstance(value, list) or not value:
            raise ValidationError("Cần ít nhất một vai trò.")
        bad = [r for r in value if r not in ALL_ROLES]
        if bad:
            raise ValidationError("Vai trò không hợp lệ: " + ", ".join(map(str, bad)))
        return value


class VerificationTokenSchema(Schema):
    token = fields.String(required=True)
