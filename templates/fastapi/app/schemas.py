"""Request and response bodies (Pydantic), shared by the routers and the docs."""

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    model_validator,
)

from app.core.passwords import MAX_LENGTH, MIN_LENGTH, password_problem

# Text the database can store: PostgreSQL refuses NUL characters in strings.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]


def _not_common(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise ValueError(problem)
    return password


# Long enough and not a common one; the length limits show in the OpenAPI schema too.
Password = Annotated[
    Text,
    Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH, examples=["correct horse battery staple"]),
    AfterValidator(_not_common),
]


class ErrorResponse(BaseModel):
    detail: str = Field(examples=["Item not found"])


class UserCreate(BaseModel):
    # Unknown fields such as is_superuser are ignored: registration cannot grant privileges.
    model_config = ConfigDict(extra="ignore")

    email: EmailStr = Field(examples=["ada@example.com"])
    password: Password
    full_name: Text = Field(default="", max_length=200, examples=["Ada Lovelace"])

    @model_validator(mode="after")
    def _password_is_not_the_email(self) -> Self:
        problem = password_problem(self.password, self.email)
        if problem:
            raise ValueError(problem)
        return self


class UserUpdate(BaseModel):
    email: EmailStr | None = Field(default=None, examples=["ada@example.org"])
    full_name: Text | None = Field(default=None, max_length=200, examples=["Ada King"])


class PasswordChange(BaseModel):
    current_password: Text = Field(max_length=128)
    new_password: Password


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str
    is_active: bool
    is_superuser: bool
    created_at: datetime


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type
    expires_in: int = Field(description="Seconds until the access token expires")


class RefreshRequest(BaseModel):
    refresh_token: Text = Field(max_length=2048)


class ItemCreate(BaseModel):
    title: Text = Field(min_length=1, max_length=200, examples=["Buy milk"])
    description: Text = Field(default="", max_length=5000, examples=["Two litres, semi-skimmed"])


class ItemUpdate(BaseModel):
    title: Text | None = Field(default=None, min_length=1, max_length=200)
    description: Text | None = Field(default=None, max_length=5000)


class ItemPublic(BaseModel):
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
