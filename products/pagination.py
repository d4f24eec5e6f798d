"""A paginator for admin changelists of large tables: exact counts where they are cheap, estimates beyond.

``COUNT(*)`` on PostgreSQL reads every matching row: on 100,000 products it is the slowest part of a page. Up
to ``exact_limit`` rows are counted exactly (a count over ``LIMIT exact_limit + 1``, which stops early); beyond,
the page shows the planner's estimate: ``pg_class.reltuples`` for an unfiltered table, the plan's row estimate
for a filtered one. Other databases (the embedded SQLite default) count exactly, as Django does.
"""

import json
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections

# A count this far reads at most this many index entries or rows: a few milliseconds.
EXACT_COUNT_LIMIT = 1_000


class EstimatedCountPaginator(Paginator):
    exact_limit = EXACT_COUNT_LIMIT

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        connection = connections[getattr(queryset, "db", "default")]
        if not hasattr(queryset, "query") or connection.vendor != "postgresql":
            return super().count
        query = queryset.query
        if not query.where and not query.distinct and not query.combinator:
            estimate = self._table_estimate(connection, queryset.model._meta.db_table)
            if estimate > self.exact_limit:
                return estimate
        capped = queryset.order_by().values("pk")[: self.exact_limit + 1]
        sql, params = capped.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS capped", params)
            exact = cursor.fetchone()[0]
        if exact <= self.exact_limit:
            return exact
        return max(self._plan_estimate(connection, queryset), exact)

    @staticmethod
    def _table_estimate(connection, table: str) -> int:
        with connection.cursor() as cursor:
            # reltuples is -1 for a table never analysed: then the exact path decides.
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table])
            row = cursor.fetchone()
        return int(row[0]) if row and row[0] is not None else -1

    @staticmethod
    def _plan_estimate(connection, queryset) -> int:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])
