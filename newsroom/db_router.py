"""The optional read replica (active only when DATABASE_REPLICA_URL is set).

Reads go to the replica only inside a request that ReplicaReadsMiddleware marked: an anonymous
reader's GET on a public page. The desk, previews, every write, everything inside a transaction
and every management command use the primary, so an editor always reads what they just saved.

The replica's lag is the price: see "Read replica" in docs/deploy.md before turning it on.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
PRIMARY_PREFIXES = ("/admin/", "/preview/")

read_database = ContextVar("newsroom_read_database", default=PRIMARY)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return read_database.get()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both hold the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def reads_from_replica(request):
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(PRIMARY_PREFIXES)
    )


class ReplicaReadsMiddleware:
    """Let anonymous readers' GET requests read from the replica; all else reads the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not reads_from_replica(request):
            return self.get_response(request)
        token = read_database.set(REPLICA)
        try:
            return self.get_response(request)
        finally:
            read_database.reset(token)
