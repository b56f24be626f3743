from django.db import migrations


def backfill(apps, schema_editor):
    Comment = apps.get_model("discussion", "Comment")
    roots: dict[int, int] = {}
    pending = []
    for pk, parent in Comment.objects.order_by("id").values_list("id", "parent_id").iterator(chunk_size=5000):
        if parent is None:
            continue
        root = roots.get(parent, parent)
        roots[pk] = root
        pending.append((pk, root))
        if len(pending) >= 2000:
            for cid, rid in pending:
                Comment.objects.filter(pk=cid).update(root_id=rid)
            pending = []
    for cid, rid in pending:
        Comment.objects.filter(pk=cid).update(root_id=rid)


class Migration(migrations.Migration):
    dependencies = [("discussion", "0003_comment_root")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
