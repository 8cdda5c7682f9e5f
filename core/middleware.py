from django.middleware.gzip import GZipMiddleware


class PublicGZipMiddleware(GZipMiddleware):
    """Compress what anyone may read; never the admin, whose pages carry CSRF tokens and
    private data that compression could leak (BREACH)."""

    def process_response(self, request, response):
        if request.path.startswith("/admin/"):
            return response
        return super().process_response(request, response)
