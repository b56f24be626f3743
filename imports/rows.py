"""Rows as records and back, for the parts of the export that follow the schema as it grows
(the moderation app's models, whatever they are when the export runs).

A foreign key is written as a stable reference — a member's login, a slug, a comment's key,
a vote's "<comment key>|<voter login>", a content type's "app.model" — and a generic foreign key's object id as a reference to the
row it names; other rows keep their primary key, which the import preserves.
"""

import base64
import datetime as dt
import decimal
import uuid

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from accounts.models import Member
from discussion.models import Comment, Vote
from newsroom.models import Article, Author, Section, Tag

GENERIC_APP = "moderation"  # the only app whose rows a file may create generically
_BY_SLUG = (Article, Section, Tag, Author)


def comment_key(pk: int, source_key: str | None) -> str:
    return source_key or f"veche:{pk}"


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = value.astimezone(dt.UTC)
    return value.isoformat()


def moderation_models() -> list[type[models.Model]]:
    """The moderation app's models, found at run time: the export follows the app as it grows."""
    return [m for m in apps.get_models() if m._meta.app_label == GENERIC_APP]


def stable_ref(model, pk):
    """How a record names a row of `model`: a login, a slug, a comment key, or its pk."""
    if pk is None:
        return None
    if issubclass(model, Member):
        return Member.objects.filter(pk=pk).values_list("login", flat=True).first()
    if model in _BY_SLUG:
        return model.objects.filter(pk=pk).values_list("slug", flat=True).first()
    if model is Comment:
        sk = Comment.objects.filter(pk=pk).values_list("source_key", flat=True).first()
        return comment_key(pk, sk)
    if model is ContentType:
        ct = ContentType.objects.get_for_id(pk)
        return f"{ct.app_label}.{ct.model}"
    if model is Vote:  # one member's vote on one comment: "<comment key>|<voter login>"
        row = Vote.objects.filter(pk=pk).values_list("comment_id", "comment__source_key", "voter__login").first()
        return f"{comment_key(row[0], row[1])}|{row[2]}" if row else None
    return pk


def resolve_ref(model, ref):
    """The primary key a stable reference names in this site, or None."""
    if ref is None:
        return None
    if issubclass(model, Member):
        return Member.objects.filter(login=ref).values_list("pk", flat=True).first()
    if model in _BY_SLUG:
        return model.objects.filter(slug=ref).values_list("pk", flat=True).first()
    if model is Comment:
        found = Comment.objects.filter(source_key=ref).values_list("pk", flat=True).first()
        if found is None and str(ref).startswith("veche:") and str(ref)[6:].isdigit():
            found = Comment.objects.filter(pk=int(ref[6:]), source_key=None).values_list("pk", flat=True).first()
        return found
    if model is ContentType:
        app_label, _, name = str(ref).partition(".")
        ct = ContentType.objects.filter(app_label=app_label, model=name).first()
        return ct.pk if ct else None
    if model is Vote:  # logins have no "|"; a comment key may
        key, _, login = str(ref).rpartition("|")
        comment = resolve_ref(Comment, key)
        return Vote.objects.filter(comment_id=comment, voter__login=login).values_list("pk", flat=True).first()
    return ref


def plain(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return iso(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def generic_fks(model) -> dict[str, str]:
    """{object-id field attname: content-type field name} of the model's generic foreign keys."""
    return {f.fk_field: f.ct_field for f in model._meta.private_fields
            if hasattr(f, "ct_field") and hasattr(f, "fk_field")}


def row_record(obj: models.Model) -> dict:
    meta = obj._meta
    record = {"type": f"{meta.app_label}.{meta.model_name}", "id": plain(obj.pk)}
    generic = generic_fks(type(obj))
    for f in meta.concrete_fields:
        if f.primary_key:
            continue
        value = getattr(obj, f.attname)
        if f.is_relation:
            record[f.name] = stable_ref(f.related_model, value)
        elif f.attname in generic:
            ct_id = getattr(obj, meta.get_field(generic[f.attname]).attname)
            target = ContentType.objects.get_for_id(ct_id).model_class() if ct_id else None
            record[f.name] = stable_ref(target, value) if target is not None else plain(value)
        else:
            record[f.name] = plain(value)
    for f in meta.many_to_many:
        record[f.name] = sorted(str(stable_ref(f.related_model, pk))
                                for pk in getattr(obj, f.name).values_list("pk", flat=True))
    return record


def model_for(record_type: str) -> type[models.Model] | None:
    app_label, _, name = record_type.partition(".")
    if app_label != GENERIC_APP:
        return None
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def create_row(model, record: dict) -> tuple[bool, str]:
    """Create the row a record describes, keeping its primary key. Returns (created, why not).
    Rows are restored as they were, not re-enacted: there is no action to replay a past
    moderation decision, and its log must say what happened then, not now."""
    pk = model._meta.pk.to_python(record.get("id"))
    if pk is None:
        return False, "it has no id"
    if model._default_manager.filter(pk=pk).exists():
        return False, "a row with its id exists"
    generic = generic_fks(model)
    values, stamped = {}, {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name not in record:
            continue
        raw = record[f.name]
        if f.is_relation:
            value = resolve_ref(f.related_model, raw)
            if value is None and raw is not None:
                return False, f"its {f.name} {raw!r} is not in this site"
            values[f.attname] = value
        elif f.attname in generic:
            ct_ref = record.get(generic[f.attname])
            target = resolve_ref(ContentType, ct_ref)
            target_model = ContentType.objects.get_for_id(target).model_class() if target else None
            values[f.attname] = resolve_ref(target_model, raw) if target_model else raw
        else:
            values[f.attname] = f.to_python(raw)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            stamped[f.attname] = values[f.attname]
    obj = model(pk=pk, **values)
    obj.save(force_insert=True)
    if stamped:  # auto_now fields took "now" on save; a restored row keeps its own times
        model._default_manager.filter(pk=pk).update(**stamped)
    for f in model._meta.many_to_many:
        if f.name in record:
            ids = [resolve_ref(f.related_model, ref) for ref in record[f.name]]
            getattr(obj, f.name).set([i for i in ids if i is not None])
    return True, ""


def reset_sequences(touched: list[type[models.Model]]) -> None:
    """After rows were inserted with their own ids, PostgreSQL's sequences must move past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), touched)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
