"""Users: registration, lookup, profile and password changes."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import burn_verification_time, hash_password, verify_password
from app.models import User
from app.schemas import UserCreate, UserUpdate


class EmailTakenError(Exception):
    pass


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    if "\x00" in email:  # cannot be stored, so cannot match (and PostgreSQL would refuse it)
        return None
    result = await session.execute(select(User).where(User.email == email.lower()))
    return result.scalar_one_or_none()


async def create(session: AsyncSession, data: UserCreate, *, superuser: bool = False) -> User:
    if await get_by_email(session, data.email):
        raise EmailTakenError(data.email)
    user = User(
        email=data.email.lower(),
        full_name=data.full_name,
        hashed_password=await hash_password(data.password),
        is_superuser=superuser,
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        # Another registration of the same email won the race since the check above.
        await session.rollback()
        raise EmailTakenError(data.email) from None
    await session.refresh(user)
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User | None:
    user = await get_by_email(session, email)
    if user is None:
        await burn_verification_time(password)
        return None
    if not await verify_password(password, user.hashed_password) or not user.is_active:
        return None
    return user


async def update(session: AsyncSession, user: User, data: UserUpdate) -> User:
    if data.email is not None and data.email.lower() != user.email:
        if await get_by_email(session, data.email):
            raise EmailTakenError(data.email)
        user.email = data.email.lower()
    if data.full_name is not None:
        user.full_name = data.full_name
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise EmailTakenError(str(data.email)) from None
    await session.refresh(user)
    return user


async def set_password(session: AsyncSession, user: User, password: str) -> None:
    user.hashed_password = await hash_password(password)
    await session.commit()


async def page(session: AsyncSession, limit: int, offset: int) -> tuple[list[User], int]:
    total = await session.scalar(select(func.count()).select_from(User))
    rows = await session.scalars(select(User).order_by(User.id).limit(limit).offset(offset))
    return list(rows), total or 0
