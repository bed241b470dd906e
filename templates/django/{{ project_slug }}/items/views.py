"""Items: each user sees and changes only their own; anyone else's answer 404."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.serializers import BaseSerializer

from ..core.openapi import INVALID, NOT_FOUND, UNAUTHORIZED
from ..users.views import current_user
from .models import Item
from .serializers import ItemSerializer

ITEM_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The item's id"
)


@extend_schema_view(
    list=extend_schema(
        summary="Your items, oldest first", responses={200: ItemSerializer, **UNAUTHORIZED}
    ),
    create=extend_schema(
        summary="Create an item", responses={201: ItemSerializer, **INVALID, **UNAUTHORIZED}
    ),
    retrieve=extend_schema(
        summary="One of your items",
        parameters=[ITEM_ID],
        responses={200: ItemSerializer, **UNAUTHORIZED, **NOT_FOUND},
    ),
    partial_update=extend_schema(
        summary="Change one of your items",
        parameters=[ITEM_ID],
        responses={200: ItemSerializer, **INVALID, **UNAUTHORIZED, **NOT_FOUND},
    ),
    destroy=extend_schema(
        summary="Delete one of your items",
        parameters=[ITEM_ID],
        responses={204: None, **UNAUTHORIZED, **NOT_FOUND},
    ),
)
@extend_schema(tags=["items"])
class ItemViewSet(viewsets.ModelViewSet[Item]):
    serializer_class = ItemSerializer
    queryset = Item.objects.all()
    # No PUT: PATCH changes what it is given and leaves the rest.
    http_method_names = ("get", "post", "patch", "delete", "head", "options")
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Item]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Item.objects.none()
        return Item.objects.filter(owner=current_user(self.request))

    def perform_create(self, serializer: BaseSerializer[Item]) -> None:
        serializer.save(owner=current_user(self.request))
