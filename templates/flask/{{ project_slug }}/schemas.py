"""Request and response bodies (marshmallow), shared by the API blueprints and the docs."""

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from .passwords import MAX_LENGTH, MIN_LENGTH, password_problem

# Text the database can store: PostgreSQL refuses NUL characters in strings.
NO_NUL = validate.Regexp(r"^[^\u0000]*$", error="NUL characters are not allowed.")
MAX_ID = 2_147_483_647
MAX_LIMIT = 100
MAX_OFFSET = 1_000_000


def text(**kwargs: Any) -> fields.String:
    length = kwargs.pop("length", None)
    validators = [NO_NUL] + ([length] if length else [])
    return fields.String(validate=validators, **kwargs)


def _not_common(password: str) -> None:
    # The length has its own validator, which also puts the limits in the OpenAPI schema.
    problem = password_problem(password)
    if problem and MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise ValidationError(problem)


def password(**kwargs: Any) -> fields.String:
    """Long enough and not a common one; the length limits show in the OpenAPI schema too."""
    return fields.String(
        required=True,
        load_only=True,
        validate=[NO_NUL, validate.Length(min=MIN_LENGTH, max=MAX_LENGTH), _not_common],
        metadata={"example": "plum orbit canvas 42"},
        **kwargs,
    )


class BaseSchema(Schema):
    class Meta:
        # Unknown fields are dropped, as in the other starters: is_superuser cannot sneak into
        # a registration, and thousands of them cannot buy an error listing each one back.
        # (marshmallow's default would also mark every schema additionalProperties: false,
        # which the other starters' schemas, and so the clients generated from them, lack.)
        unknown = EXCLUDE


class FieldErrorSchema(BaseSchema):
    detail = fields.String(required=True)
    pointer = fields.String(metadata={"description": "RFC 6901 pointer into the body"})
    parameter = fields.String(metadata={"description": "A query or path parameter"})


class ProblemSchema(BaseSchema):
    """An RFC 9457 problem: the body of every error answer (documentation only)."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(
        fields.Nested(FieldErrorSchema), metadata={"description": "What is invalid (422)"}
    )


class UserCreateSchema(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = password()
    full_name = text(load_default="", length=validate.Length(max=200))

    @validates_schema
    def _password_is_not_the_email(self, data: dict[str, Any], **_: Any) -> None:
        problem = password_problem(data["password"], data["email"])
        if problem:
            raise ValidationError(problem, field_name="password")


class UserUpdateSchema(BaseSchema):
    email = fields.Email(validate=validate.Length(max=254))
    full_name = text(length=validate.Length(max=200))


class PasswordChangeSchema(BaseSchema):
    current_password = text(required=True, load_only=True, length=validate.Length(max=128))
    new_password = password()


class UserSchema(BaseSchema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    is_superuser = fields.Boolean(required=True)
    email_verified = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)


class TokenRequestSchema(BaseSchema):
    """The OAuth2 password grant: the email goes in `username`."""

    grant_type = fields.String(validate=validate.Equal("password"))
    username = text(required=True, length=validate.Length(max=254))
    password = text(required=True, load_only=True, length=validate.Length(max=128))


class TokenPairSchema(BaseSchema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, validate=validate.Equal("bearer"))
    expires_in = fields.Integer(
        required=True, metadata={"description": "Seconds until the access token expires"}
    )


class RefreshRequestSchema(BaseSchema):
    refresh_token = text(required=True, length=validate.Length(max=2048))


class EmailVerificationRequestSchema(BaseSchema):
    email = text(required=True, length=validate.Length(max=254))


class EmailVerificationConfirmSchema(BaseSchema):
    """The token from the emailed link."""

    token = text(required=True, length=validate.Length(max=2048))


class PasswordResetRequestSchema(BaseSchema):
    email = text(required=True, length=validate.Length(max=254))


class PasswordResetConfirmSchema(BaseSchema):
    """The token from the emailed link, and the new password (the policy applies)."""

    token = text(required=True, length=validate.Length(max=2048))
    new_password = text(
        required=True, load_only=True, length=validate.Length(min=MIN_LENGTH, max=MAX_LENGTH)
    )


class ItemCreateSchema(BaseSchema):
    title = text(required=True, length=validate.Length(min=1, max=200))
    description = text(load_default="", length=validate.Length(max=5000))


class ItemUpdateSchema(BaseSchema):
    title = text(length=validate.Length(min=1, max=200))
    description = text(length=validate.Length(max=5000))


class ItemSchema(BaseSchema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    owner_id = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class PageArgsSchema(BaseSchema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


def page_of(schema: type[Schema], name: str) -> type[Schema]:
    """The shape every list endpoint answers with: {items, total, limit, offset}."""
    return BaseSchema.from_dict(
        {
            "items": fields.List(fields.Nested(schema), required=True),
            "total": fields.Integer(required=True, validate=validate.Range(min=0)),
            "limit": fields.Integer(required=True, validate=validate.Range(min=1)),
            "offset": fields.Integer(required=True, validate=validate.Range(min=0)),
        },
        name=name,
    )


UserPageSchema = page_of(UserSchema, "UserPage")
ItemPageSchema = page_of(ItemSchema, "ItemPage")
