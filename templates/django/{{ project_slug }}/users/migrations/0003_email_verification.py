from datetime import timedelta
from typing import Any

from django.db import migrations, models
from django.utils import timezone

# The default EMAIL_VERIFICATION_GRACE.
GRACE = timedelta(days=7)


def give_grace(apps: Any, schema_editor: Any) -> None:
    # Accounts older than verification get their grace from today, not from when they
    # registered: an update must not lock anyone out at once.
    apps.get_model("users", "User").objects.update(verify_by=timezone.now() + GRACE)


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0002_login_failures"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="user",
            name="verify_by",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(give_grace, migrations.RunPython.noop),
    ]
