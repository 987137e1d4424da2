"""Rows read and written with the ORM's own SQL and converters, without building the query on every request.

The busiest requests (every signed-in page reads the user and membership; casting a vote reads the proposal
and writes the vote and its audit entry) spend several times longer in Django's query building than the
database spends answering. Here the SQL is worked out once per connection and model (for inserts by Django's
own insert compiler), and values go through the same field and database converters the ORM applies, so the
objects and rows are the ORM's (coop/governance/tests/test_fast_paths.py compares them field by field).
"""
import weakref

from django.db import connections, router, transaction
from django.db.models import signals
from django.db.models.sql import InsertQuery

_SELECTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # per connection (one per thread): per model
_INSERTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def select(model, alias, connection):
    """The model's columns under a table alias, with the converters the ORM applies to each (worked out once
    per connection and model)."""
    known = _SELECTS.setdefault(connection, {})
    if (model, alias) not in known:
        known[model, alias] = _work_out_select(model, alias, connection)
    return known[model, alias]


def _work_out_select(model, alias, connection):
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = [f"{alias}.{quote(f.column)}" for f in fields]
    converters = []
    for field in fields:
        col = field.get_col(alias)
        converters.append((col, connection.ops.get_db_converters(col) + field.get_db_converters(connection)))
    return columns, (converters, [field.attname for field in fields])


def instance(model, db, converters, values, connection):
    """A model instance from a row, as the ORM builds it (Model.from_db, values converted). `converters`: the
    second item select() returns."""
    functions_of, attnames = converters
    converted = []
    for (col, functions), value in zip(functions_of, values, strict=True):
        for function in functions:
            value = function(value, col, connection)
        converted.append(value)
    return model.from_db(db, attnames, converted)


def with_reverse_one(model, related_name, pk, extra_joins="", extra_columns=()):
    """The row of `model` with primary key `pk` (or None) with its reverse one-to-one `related_name`
    (`user.member`, `proposal.result`) already loaded or known to be absent, in one query.

    Returns (obj, extra): `extra_columns` are further SQL expressions selected (after `extra_joins`), one row
    per match of those joins, returned as a list of tuples (empty without them)."""
    db = router.db_for_read(model)
    connection = connections[db]
    reading = reverse_one(model, related_name, connection, extra_joins, extra_columns)
    with connection.cursor() as cursor:
        cursor.execute(reading.by_pk, [model._meta.pk.get_db_prep_value(pk, connection)])
        rows = cursor.fetchall() if extra_columns else cursor.fetchmany(1)
    return reading.parse(rows, db, connection)


class ReverseOne:
    """How to read a model's row with its reverse one-to-one (worked out once per connection): `columns` (the
    model's table as `t`, the related one's as `r`, then the extra columns), `joins` (the LEFT JOIN of the
    related table and the extra joins), `by_pk` (the whole query by the model's primary key) and parse()."""

    def __init__(self, model, related_name, connection, extra_joins, extra_columns):
        self.model, self.relation = model, model._meta.get_field(related_name)
        self.related, link = self.relation.related_model, self.relation.field
        quote = connection.ops.quote_name
        own_columns, self.own_converters = select(model, "t", connection)
        related_columns, self.related_converters = select(self.related, "r", connection)
        pk_column = quote(model._meta.pk.column)
        self.extra = bool(extra_columns)
        self.columns = ", ".join([*own_columns, *related_columns, *extra_columns])
        self.joins = f"LEFT JOIN {quote(self.related._meta.db_table)} r ON r.{quote(link.column)} = t.{pk_column}{extra_joins}"
        self.by_pk = f"SELECT {self.columns} FROM {quote(model._meta.db_table)} t {self.joins} WHERE t.{pk_column} = %s"
        self.split = len(own_columns)
        self.end = self.split + len(related_columns)
        self.own_pk = model._meta.concrete_fields.index(model._meta.pk)
        self.related_pk = self.split + self.related._meta.concrete_fields.index(self.related._meta.pk)

    def parse(self, rows, db, connection):
        """(obj or None, the extra columns of each row) from the rows read with `columns` (a row whose model
        columns are NULL, as a LEFT JOIN to the model gives, means no object)."""
        if not rows or rows[0][self.own_pk] is None:
            return None, []
        row = rows[0]
        obj = instance(self.model, db, self.own_converters, row[:self.split], connection)
        other = None
        if row[self.related_pk] is not None:
            other = instance(self.related, db, self.related_converters, row[self.split:self.end], connection)
            self.relation.field.set_cached_value(other, obj)
        self.relation.set_cached_value(obj, other)
        return obj, [r[self.end:] for r in rows] if self.extra else []


def reverse_one(model, related_name, connection, extra_joins="", extra_columns=()):
    """The ReverseOne reading for this connection (worked out on first use)."""
    known = _SELECTS.setdefault(connection, {})
    key = (model, related_name, extra_joins, tuple(extra_columns))
    if key not in known:
        known[key] = ReverseOne(model, related_name, connection, extra_joins, extra_columns)
    return known[key]


def insert(obj, using=None):
    """Save a new `obj` as Model.save() would (pre_save and post_save signals, auto_now_add, defaults, the
    primary key and other returned columns set on it), with the INSERT statement Django's compiler wrote for
    the model the first time on this connection."""
    model = type(obj)
    meta = model._meta
    assert obj._state.adding and not meta.parents, "insert() only adds rows of a model without parents"
    using = using or router.db_for_write(model, instance=obj)
    connection = connections[using]
    obj._prepare_related_fields_for_save(operation_name="save")
    signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    sql, fields, returning, columns, converters = _insert_statement(model, obj, connection)
    params = []
    for field in fields:
        value = field.pre_save(obj, add=True)
        if hasattr(value, "resolve_expression"):
            raise ValueError(f"insert() writes plain values; {field.name} is an expression (use save()).")
        params.append(field.get_db_prep_save(value, connection=connection))
    with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:  # as Model.save_base
        cursor.execute(sql, params)
        if connection.features.can_return_columns_from_insert:
            values = connection.ops.fetch_returned_insert_columns(cursor, ())
        else:
            values = (connection.ops.last_insert_id(cursor, meta.db_table, returning[0].column),)
    for field, col, functions, value in zip(returning, columns, converters, values, strict=True):
        for function in functions:
            value = function(value, col, connection)
        setattr(obj, field.attname, value)
    obj._state.adding = False
    obj._state.db = using
    signals.post_save.send(sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using)
    return obj


def _insert_statement(model, obj, connection):
    known = _INSERTS.setdefault(connection, {})
    if model not in known:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
        returning = list(meta.db_returning_fields)
        if not connection.features.can_return_columns_from_insert:
            returning = [meta.auto_field]
        query = InsertQuery(model)
        query.insert_values(fields, [obj])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = returning if connection.features.can_return_columns_from_insert else None
        [(sql, _params)] = compiler.as_sql()
        assert not compiler.returning_params, compiler.returning_params
        columns = [field.get_col(meta.db_table) for field in returning]
        converters = [connection.ops.get_db_converters(col) + field.get_db_converters(connection)
                      for field, col in zip(returning, columns, strict=True)]
        known[model] = (sql, fields, returning, columns, converters)
    return known[model]
