"""A space archived before chat rooms could be archived keeps a writable room: archive it
with its space, as ``hub_space_archived`` does from now on. Its messages leave default
search at the next ``hub reindex`` (``make run`` runs one after migrating)."""

from django.db import migrations


def archive_rooms_of_archived_spaces(apps, schema_editor):
    Room = apps.get_model("chat", "Room")
    Message = apps.get_model("chat", "Message")
    rooms = Room.objects.filter(
        kind="space", archived_at__isnull=True, space__archived_at__isnull=False
    ).select_related("space")
    for room in rooms:
        room.archived_at = room.space.archived_at
        room.save(update_fields=["archived_at"])
        Message.objects.filter(room=room).update(archived=True)


def restore_nothing(apps, schema_editor):
    """Going back removes the columns (0002); nothing to undo here."""


class Migration(migrations.Migration):
    dependencies = [
        ("chat", "0002_archiving"),
        ("core", "0006_space_archived_at"),
    ]

    operations = [migrations.RunPython(archive_rooms_of_archived_spaces, restore_nothing)]
