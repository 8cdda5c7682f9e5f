"""Public reads from a read replica, when ``DATABASE_REPLICA_URL`` is set.

Only the pages and the API that anyone may read go to the replica: GET and HEAD outside the
admin. Every write, every admin page (an editor must see what they just saved) and every
command run outside a request use the primary. A replica lagging a moment behind serves
pages a moment old, consistently: the content version the page cache is keyed by is read
from the same replica as the page.
"""

import contextvars

REPLICA = "replica"
_public_read = contextvars.ContextVar("public_read", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _public_read.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class PublicReadMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = request.method in ("GET", "HEAD") and not request.path.startswith("/admin/")
        token = _public_read.set(public)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)
