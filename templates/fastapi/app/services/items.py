"""Items: every query is scoped to its owner, so other users' items do not exist for you."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Item, User
from app.schemas import ItemCreate, ItemUpdate


async def create(session: AsyncSession, owner: User, data: ItemCreate) -> Item:
    item = Item(title=data.title, description=data.description, owner_id=owner.id)
    session.add(item)
    await session.commit()
    await session.refresh(item)
    return item


async def get_owned(session: AsyncSession, owner: User, item_id: int) -> Item | None:
    result = await session.execute(
        select(Item).where(Item.id == item_id, Item.owner_id == owner.id)
    )
    return result.scalar_one_or_none()


async def page(
    session: AsyncSession, owner: User, limit: int, offset: int
) -> tuple[list[Item], int]:
    mine = Item.owner_id == owner.id
    total = await session.scalar(select(func.count()).select_from(Item).where(mine))
    rows = await session.scalars(
        select(Item).where(mine).order_by(Item.id).limit(limit).offset(offset)
    )
    return list(rows), total or 0


async def update(session: AsyncSession, item: Item, data: ItemUpdate) -> Item:
    for field, value in data.items():
        setattr(item, field, value)
    await session.commit()
    await session.refresh(item)
    return item


async def delete(session: AsyncSession, item: Item) -> None:
    await session.delete(item)
    await session.commit()
