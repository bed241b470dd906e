"""Items: each user sees and changes only their own; anyone else's answer 404."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from ..core.openapi import INVALID_BODY, INVALID_QUERY, NOT_FOUND, UNAUTHORIZED
from ..core.problems import require_body
from ..users.views import current_user
from .models import Item
from .serializers import ItemCreateSerializer, ItemSerializer, ItemUpdateSerializer

ITEM_ID = OpenApiParameter(
    "item_id",
    {"type": "integer", "minimum": 1, "maximum": 2_147_483_647},
    OpenApiParameter.PATH,
    description="The item's id; one that is not a positive 32-bit integer is a 404",
)


@extend_schema_view(
    list=extend_schema(
        operation_id="list_items",
        summary="Your items, oldest first",
        responses={200: ItemSerializer, **INVALID_QUERY, **UNAUTHORIZED},
    ),
    create=extend_schema(
        operation_id="create_item",
        summary="Create an item",
        request=ItemCreateSerializer,
        responses={201: ItemSerializer, **INVALID_BODY, **UNAUTHORIZED},
    ),
    retrieve=extend_schema(
        operation_id="read_item",
        summary="One of your items",
        parameters=[ITEM_ID],
        responses={200: ItemSerializer, **UNAUTHORIZED, **NOT_FOUND},
    ),
    partial_update=extend_schema(
        operation_id="update_item",
        summary="Change one of your items",
        parameters=[ITEM_ID],
        request=ItemUpdateSerializer,
        responses={200: ItemSerializer, **INVALID_BODY, **UNAUTHORIZED, **NOT_FOUND},
    ),
    destroy=extend_schema(
        operation_id="delete_item",
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
    lookup_url_kwarg = "item_id"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> QuerySet[Item]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Item.objects.none()
        return Item.objects.filter(owner=current_user(self.request))

    def create(self, request: Request) -> Response:
        given = ItemCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        item = given.save(owner=current_user(request))
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, item_id: str) -> Response:
        item = self.get_object()
        require_body(request)
        given = ItemUpdateSerializer(item, data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        return Response(ItemSerializer(given.save()).data)
