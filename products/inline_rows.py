"""A row and its child rows in one statement: each child relation read inline, as a JSON array built by a subquery
of the parent's query, and put into Django's prefetch cache, so ``parent.children.all()`` reads no more.

On PostgreSQL every relation named by an :class:`Inline` becomes a ``JSONB_AGG`` subquery of the parent's query
(forward foreign keys of the child joined in, a many-to-many of the child nested as a subquery of its own). On
another database (the embedded SQLite default) the same relations are prefetched, one query each: the same
objects, in the same order, only more statements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.aggregates import JSONBAgg
from django.db import connections
from django.db.models import F, JSONField, Model, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import JSONObject

# Where a nested relation's rows sit in a row's JSON object (no field's attname starts so).
NESTED_PREFIX = "__inline__"


@dataclass(frozen=True)
class Inline:
    """A relation read inline: a reverse foreign key of the parent (``"skus"``), or, nested in another
    ``Inline``, a forward many-to-many of its rows (``"values"``)."""

    relation: str
    # Forward foreign keys of each row joined in, as select_related paths ("attribute__category", "value").
    joined: tuple[str, ...] = ()
    order_by: tuple[str, ...] = ("pk",)
    nested: tuple[Inline, ...] = ()


def inline_rows_fetch(queryset: QuerySet, inlines: Iterable[Inline]) -> list[Model]:
    """The rows of ``queryset`` with the relations of ``inlines`` already in their prefetch caches."""
    inlines = tuple(inlines)
    if connections[queryset.db].vendor != "postgresql":
        return inline_rows_prefetched(queryset, inlines)
    annotated = queryset.annotate(
        **{_key(inline): _aggregate(queryset.model, inline, OuterRef("pk")) for inline in inlines}
    )
    rows = list(annotated)
    for row in rows:
        for inline in inlines:
            _cache_children(row, inline, getattr(row, _key(inline)) or [], queryset.db)
            delattr(row, _key(inline))
    return rows


def inline_rows_prefetched(queryset: QuerySet, inlines: Iterable[Inline]) -> list[Model]:
    """The same rows and caches as :func:`inline_rows_fetch`, by ``prefetch_related``: one query per relation."""
    return list(queryset.prefetch_related(*_prefetches(queryset.model, tuple(inlines))))


def _key(inline: Inline) -> str:
    return f"{NESTED_PREFIX}{inline.relation}"


def _relation(model: type[Model], inline: Inline):
    """(child model, the filter of the child rows of one parent, the path of the child's own fields or "")."""
    field = model._meta.get_field(inline.relation)
    if field.many_to_many and not field.auto_created:
        # A forward many-to-many: its through rows, the target's fields read through the join.
        through = field.remote_field.through
        return field.related_model, through, field.m2m_field_name(), field.m2m_reverse_field_name() + "__"
    return field.related_model, field.related_model, field.field.name, ""


def _fields(model: type[Model], prefix: str) -> dict[str, F]:
    return {f"{prefix}{f.attname}": F(f"{prefix}{f.attname}") for f in model._meta.concrete_fields}


def _aggregate(model: type[Model], inline: Inline, parent_ref) -> Subquery:
    child, source, parent_field, own = _relation(model, inline)
    columns = _fields(child, own)
    for path in inline.joined:
        columns.update(_fields(_joined_model(child, path), f"{own}{path}__"))
    for nested in inline.nested:
        columns[_key(nested)] = _aggregate(child, nested, OuterRef(f"{own}pk"))
    rows = (
        source._default_manager.filter(**{parent_field: parent_ref})
        .order_by()
        .values(parent_field)
        .annotate(rows=JSONBAgg(JSONObject(**columns), order_by=[f"{own}{name}" for name in inline.order_by]))
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def _joined_model(model: type[Model], path: str) -> type[Model]:
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def _instance(model: type[Model], data: dict, prefix: str, db: str) -> Model:
    fields = model._meta.concrete_fields
    values = [f.to_python(data[f"{prefix}{f.attname}"]) for f in fields]
    return model.from_db(db, [f.attname for f in fields], values)


def _cache_children(parent: Model, inline: Inline, data: list[dict], db: str) -> None:
    child, _, _, own = _relation(type(parent), inline)
    back = None if own else type(parent)._meta.get_field(inline.relation).field
    children = []
    for item in data:
        row = _instance(child, item, own, db)
        if back is not None:
            back.set_cached_value(row, parent)
        for path in inline.joined:
            _cache_joined(row, item, path, f"{own}{path}__", db)
        for nested in inline.nested:
            _cache_children(row, nested, item[_key(nested)] or [], db)
        children.append(row)
    queryset = getattr(parent, inline.relation).all()
    queryset._result_cache = children
    queryset._prefetch_done = True
    if not hasattr(parent, "_prefetched_objects_cache"):
        parent._prefetched_objects_cache = {}
    parent._prefetched_objects_cache[inline.relation] = queryset


def _cache_joined(row: Model, data: dict, path: str, prefix: str, db: str) -> None:
    """Put the object at ``path`` (joined through forward foreign keys) into the field caches along the path."""
    holder = row
    names = path.split("__")
    for name in names[:-1]:
        holder = getattr(holder, name)
        if holder is None:
            return
    field = type(holder)._meta.get_field(names[-1])
    if getattr(holder, field.attname) is None:
        field.set_cached_value(holder, None)
        return
    field.set_cached_value(holder, _instance(field.related_model, data, prefix, db))


def _prefetches(model: type[Model], inlines: tuple[Inline, ...], prefix: str = "") -> list[Prefetch]:
    prefetches = []
    for inline in inlines:
        child = _relation(model, inline)[0]
        queryset = child._default_manager.select_related(*inline.joined).order_by(*inline.order_by)
        prefetches.append(Prefetch(f"{prefix}{inline.relation}", queryset=queryset))
        prefetches += _prefetches(child, inline.nested, f"{prefix}{inline.relation}__")
    return prefetches
