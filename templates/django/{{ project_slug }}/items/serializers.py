from rest_framework import serializers

from .models import Item


class ItemSerializer(serializers.ModelSerializer[Item]):
    owner_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Item
        fields = ("id", "title", "description", "owner_id", "created_at", "updated_at")
        read_only_fields = ("created_at", "updated_at")
