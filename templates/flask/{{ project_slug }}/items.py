"""Items: each user sees and changes only their own; anyone else's answer 404."""

from typing import Any

from flask.views import MethodView
from sqlalchemy import func, select

from .errors import abort
from .extensions import Blueprint, db
from .guards import authenticated, me
from .models import Item
from .schemas import ItemCreateSchema, ItemPageSchema, ItemSchema, ItemUpdateSchema, PageArgsSchema

blp = Blueprint("items", __name__, url_prefix="/api/v1/items", description="Your items")


def owned(item_id: int) -> Item:
    item = db.session.scalar(select(Item).where(Item.id == item_id, Item.owner_id == me().id))
    if item is None:
        abort(404, "Item not found.")
    return item


@blp.route("")
class Items(MethodView):
    @authenticated(blp)
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, ItemPageSchema)
    @blp.doc(operationId="list_items")
    def get(self, args: dict[str, int]) -> dict[str, Any]:
        """Your items, oldest first"""
        mine = select(Item).where(Item.owner_id == me().id)
        rows = db.session.scalars(
            mine.order_by(Item.id).limit(args["limit"]).offset(args["offset"])
        )
        total = db.session.scalar(select(func.count()).select_from(mine.subquery())) or 0
        return {"items": list(rows), "total": total, **args}

    @authenticated(blp)
    @blp.arguments(ItemCreateSchema)
    @blp.response(201, ItemSchema)
    @blp.doc(operationId="create_item")
    def post(self, data: dict[str, str]) -> Item:
        """Create an item"""
        item = Item(owner_id=me().id, **data)
        db.session.add(item)
        db.session.commit()
        return item


# Ids are stored as 32-bit integers; larger ones cannot exist (and would not match the route).
@blp.route("/<int(min=1, max=2147483647):item_id>")
class ItemById(MethodView):
    @authenticated(blp)
    @blp.response(200, ItemSchema)
    @blp.problem(404, "Not found, or not yours")
    @blp.doc(operationId="read_item")
    def get(self, item_id: int) -> Item:
        """One of your items"""
        return owned(item_id)

    @authenticated(blp)
    @blp.arguments(ItemUpdateSchema)
    @blp.response(200, ItemSchema)
    @blp.problem(404, "Not found, or not yours")
    @blp.doc(operationId="update_item")
    def patch(self, data: dict[str, str], item_id: int) -> Item:
        """Change one of your items"""
        item = owned(item_id)
        for name, value in data.items():
            setattr(item, name, value)
        db.session.commit()
        return item

    @authenticated(blp)
    @blp.response(204)
    @blp.problem(404, "Not found, or not yours")
    @blp.doc(operationId="delete_item")
    def delete(self, item_id: int) -> None:
        """Delete one of your items"""
        db.session.delete(owned(item_id))
        db.session.commit()
