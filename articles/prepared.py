"""Queries compiled to SQL once per process and run many times with new values.

Django compiles a queryset to SQL anew each time it is evaluated. For the public pages'
small, fixed-shape queries that was most of their cost: on a cold article page (2,000
articles, SQLite) 0.35–0.85 ms to build and compile each query against 0.03–0.25 ms to run
its SQL, about a quarter of the page in all. Their shape never changes, only a few values
do (the article's id, the time now): those become named slots, the queryset is built and
compiled once per database connection and shape, and each run binds the values into that
SQL and hands the rows to Django's own iterable, so instances, select_related objects and
field converters are exactly what the plain queryset gives (tests compare the two).

    ARTICLE = PreparedQuery(lambda: Article.objects.filter(pk=Slot("pk", IntegerField())))
    articles = ARTICLE.run(pk=42)

Only what a queryset compiles once may vary between runs by being a slot: a slot can stand
for one value compared in a filter (an id, a time), or for one parameter of RawSQL. An
integer outside its column's range makes the run find nothing (no query is run): right for
a filter by id, so slots are not for exclude(). A list whose
length varies (tag ids) is a shape: `run(shape=len(ids), ...)` builds one query per length.
Results are lists; the queryset itself is never handed out, so nothing can chain onto it.
"""

import copy
import weakref

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import IntegerField, Value
from django.db.models.query import RawQuerySet


class Slot(Value):
    """A value of a prepared query, given when it runs: `filter(pk=Slot("pk", IntegerField()))`.

    output_field converts the value for the database as a literal in a filter would be.
    """

    def __init__(self, name, output_field):
        super().__init__(None, output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [Bound(self.name, self.output_field)]

    def __repr__(self):
        return f"Slot({self.name!r})"


class Constant(Value):
    """A fixed word written into the SQL itself instead of bound as a parameter.

    For `status = 'published'` in live(). With `status = ?`, SQLite reads the bound value to
    decide whether the partial index on live articles (its WHERE names 'published') applies,
    and a statement planned with a bound value is prepared anew each time that parameter is
    bound again: on every run, so its cached prepared statement was never reused. The article
    row's query took 0.095 instead of 0.023 ms, the related articles' 0.30 instead of 0.18.
    PostgreSQL gets the same SQL text (psycopg binds on the client: it always saw the word).
    """

    def __init__(self, word):
        if not (isinstance(word, str) and word.isascii() and word.isidentifier()):
            raise ValueError(f"not a plain word, so not written into SQL: {word!r}")
        super().__init__(str(word))

    def as_sql(self, compiler, connection):
        return f"'{self.value}'", []


class Bound:
    """Where a slot's value goes among a compiled query's parameters."""

    __slots__ = ("field", "name")

    def __init__(self, name, field):
        self.name, self.field = name, field

    def value(self, values, connection):
        try:
            value = values[self.name]
        except KeyError:
            raise TypeError(f"prepared query run without a value for {self.name!r}") from None
        value = self.field.get_db_prep_value(value, connection, prepared=False)
        if isinstance(self.field, IntegerField) and value is not None:
            low, high = connection.ops.integer_field_range(self.field.get_internal_type())
            if (low is not None and value < low) or (high is not None and value > high):
                raise OutOfRange  # the database would refuse it (SQLite: OverflowError)
        return value


class OutOfRange(Exception):
    """A slot's value no row of its column can hold: the query finds nothing, as Django's
    own exact lookups find nothing for an id from an address like /article/9999…9/."""


def raw_param(value):
    """A value, or a slot, as one parameter of RawSQL (which passes its parameters on as
    they are, so a Slot there must already be its Bound)."""
    return Bound(value.name, value.output_field) if isinstance(value, Slot) else value


class PreparedQuery:
    """A queryset built by `build(shape)` (or `build()`) with Slots for its varying values.

    A RawQuerySet works too (its parameters may be raw_param()s): its SQL is kept as it is.
    """

    every = weakref.WeakSet()

    def __init__(self, build):
        self.build = build
        self.compiled = {}  # (database alias, shape) -> (queryset, compiler, sql, params)
        self.every.add(self)

    @classmethod
    def forget_all(cls):
        """Compile every prepared query anew when next run: for tests that change what the
        builders read (module constants), which compiled SQL keeps otherwise."""
        for prepared in cls.every:
            prepared.compiled.clear()

    def run(self, shape=None, using=DEFAULT_DB_ALIAS, **values):
        """The query's rows for these slot values: a list, as `list(queryset)` gives."""
        key = (using, shape)
        compiled = self.compiled.get(key) or self.compile(key)
        queryset, compiler, sql, params = compiled
        connection = connections[using]
        try:
            bound = [p.value(values, connection) if type(p) is Bound else p for p in params]
        except OutOfRange:
            return []
        if compiler is None:  # raw SQL: nothing to compile, the values go straight in
            return list(RawQuerySet(
                sql, model=queryset.model, params=bound, translations=queryset.translations,
                using=using,
            ))
        # A copy per run: the compiler knows the columns and how to convert them (filled in
        # by compiling); only the connection (one per thread) and the values change.
        run = copy.copy(compiler)
        run.connection = connection
        run.as_sql = lambda *args, **kwargs: (sql, bound)
        run.get_converters = lambda expressions: compiler.converters
        query = copy.copy(queryset.query)
        query.get_compiler = lambda *args, **kwargs: run
        # As QuerySet._clone() copies one, without its query.chain() (a deep copy of the
        # query is most of what compiling costs, and this query is never changed).
        evaluation = type(queryset)(model=queryset.model, query=query, using=using)
        evaluation._iterable_class = queryset._iterable_class
        evaluation._fetch_mode = queryset._fetch_mode
        evaluation._fields = queryset._fields
        evaluation._prefetch_related_lookups = queryset._prefetch_related_lookups
        return list(evaluation)

    def compile(self, key):
        using, shape = key
        queryset = (self.build() if shape is None else self.build(shape)).using(using)
        if isinstance(queryset, RawQuerySet):
            self.compiled[key] = compiled = (queryset, None, queryset.raw_query, queryset.params)
            return compiled
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        # Which columns need converting (dates, decimals) and how: the same for every run,
        # and ~20 % of running the article page's main query when worked out each time.
        selected = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        compiler.converters = compiler.get_converters(selected)
        self.compiled[key] = compiled = (queryset, compiler, sql, tuple(params))
        return compiled
