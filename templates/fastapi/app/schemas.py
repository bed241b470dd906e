"""Request and response bodies (Pydantic), shared by the routers and the docs."""

from datetime import datetime
from typing import Annotated, Literal, Required, Self, TypedDict

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema, WithJsonSchema

from app.core.passwords import MAX_LENGTH, MIN_LENGTH, password_problem

# Text the database can store: PostgreSQL refuses NUL characters in strings.
Text = Annotated[str, StringConstraints(pattern=r"^[^\u0000]*$")]


def one_value(value: str) -> WithJsonSchema:
    """A one-value Literal as the other starters' schemas write it, `enum: [value]`: Pydantic
    writes `const`, and client generators turn the two into different types."""
    return WithJsonSchema({"type": "string", "enum": [value]})


def _not_common(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    return password


# Long enough and not a common one; the length limits show in the OpenAPI schema too.
Password = Annotated[
    Text,
    Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH, examples=["plum orbit canvas 42"]),
    AfterValidator(_not_common),
]


# The error body app.errors writes, for the schema: a key left out is absent, never null.
class FieldError(TypedDict, total=False):
    detail: Required[str]
    pointer: Annotated[str, Field(description="RFC 6901 pointer into the body")]
    parameter: Annotated[str, Field(description="A query or path parameter")]


class Problem(TypedDict, total=False):
    """An RFC 9457 problem: the body of every error answer."""

    type: Required[str]
    title: Required[str]
    status: Required[int]
    detail: Required[str]
    errors: Annotated[list[FieldError], Field(description="What is invalid (422)")]


class UserCreate(BaseModel):
    # Unknown fields such as is_superuser are ignored: registration cannot grant privileges.
    model_config = ConfigDict(extra="ignore")

    email: EmailStr = Field(max_length=254, examples=["ada@example.com"])
    password: Password
    full_name: Text = Field(default="", max_length=200, examples=["Ada Lovelace"])

    @model_validator(mode="after")
    def _password_is_not_the_email(self) -> Self:
        problem = password_problem(self.password, self.email)
        if problem:
            raise ValueError(problem)
        return self


class UserUpdate(TypedDict, total=False):
    """A partial update: the fields sent change, the rest stay. null is refused, not read as
    "no change" (a dict, not a model, so that "left out" needs no None)."""

    email: Annotated[EmailStr, Field(max_length=254, examples=["ada@example.org"])]
    full_name: Annotated[Text, Field(max_length=200, examples=["Ada King"])]


class PasswordChange(BaseModel):
    current_password: Text = Field(max_length=128)
    new_password: Password


class User(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str
    is_active: bool
    is_superuser: bool
    email_verified: bool
    created_at: datetime


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Annotated[Literal["bearer"], one_value("bearer")]
    expires_in: int = Field(description="Seconds until the access token expires")


class TokenRequest(BaseModel):
    """The OAuth2 password grant (a form): the email goes in `username`; other fields are ignored."""

    grant_type: Annotated[Literal["password"], one_value("password")] | SkipJsonSchema[None] = None
    username: Text = Field(max_length=254)
    password: Text = Field(max_length=128)


class RefreshRequest(BaseModel):
    refresh_token: Text = Field(max_length=2048)


class EmailVerificationRequest(BaseModel):
    email: Text = Field(max_length=254, examples=["ada@example.com"])


class EmailVerificationConfirm(BaseModel):
    """The token from the emailed link."""

    token: Text = Field(max_length=2048)


class PasswordResetRequest(BaseModel):
    email: Text = Field(max_length=254, examples=["ada@example.com"])


class PasswordResetConfirm(BaseModel):
    """The token from the emailed link, and the new password (the policy applies)."""

    token: Text = Field(max_length=2048)
    new_password: Text = Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH)


class ItemCreate(BaseModel):
    title: Text = Field(min_length=1, max_length=200, examples=["Buy milk"])
    description: Text = Field(default="", max_length=5000, examples=["Two litres, semi-skimmed"])


class ItemUpdate(TypedDict, total=False):
    """A partial update, as UserUpdate."""

    title: Annotated[Text, Field(min_length=1, max_length=200)]
    description: Annotated[Text, Field(max_length=5000)]


class Item(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str
    owner_id: int
    created_at: datetime
    updated_at: datetime


class Page[T](BaseModel):
    items: list[T]
    total: int = Field(ge=0)
    limit: int = Field(ge=1)
    offset: int = Field(ge=0)


class UserPage(Page[User]):
    pass


class ItemPage(Page[Item]):
    pass
