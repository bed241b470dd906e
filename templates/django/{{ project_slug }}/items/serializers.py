from rest_framework import serializers

from ..core.fields import Text
from .models import Item


class ItemSerializer(serializers.ModelSerializer[Item]):
    owner_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Item
        fields = ("id", "title", "description", "owner_id", "created_at", "updated_at")
        read_only_fields = fields


class ItemCreateSerializer(serializers.ModelSerializer[Item]):
    title = Text(min_length=1, max_length=200)
    description = Text(max_length=5000, required=False, allow_blank=True, default="")

    class Meta:
        model = Item
        fields = ("title", "description")


class ItemUpdateSerializer(serializers.ModelSerializer[Item]):
    """A partial update: the fields sent change, the rest stay."""

    title = Text(min_length=1, max_length=200, required=False)
    description = Text(max_length=5000, required=False, allow_blank=True)

    class Meta:
        model = Item
        fields = ("title", "description")
