"""Which database a query reads from: searches and feeds may read from a PostgreSQL replica.

With DATABASE_REPLICA_URL set, settings add the "replica" database and this router. Views that
only read listings for visitors (the search, the feed, exports) run inside ``reads_from_replica``;
everything else, every write, and all of admin uses the primary. A replica may lag the primary by
a moment, so a change made in admin can take that long to show in a search.
"""

import contextvars
import functools

from django.conf import settings

REPLICA = "replica"
_reading_from_replica = contextvars.ContextVar("reading_from_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None  # The primary.

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # Both hold the same data.

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # Replication copies the schema.


def reads_from_replica(view):
    """Run a read-only view's queries on the replica, when there is one."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        token = _reading_from_replica.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _reading_from_replica.reset(token)

    return wrapped


def without_jit(sender, connection, **kwargs):
    """PostgreSQL compiles a query it plans as costly to machine code before running it: for the
    feed's 100,000 rows that took 0.9 s of a 2.3 s query, and no query of this site runs long
    enough to win it back. Set per connection, not as a startup option, which poolers such as
    PgBouncer refuse."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
