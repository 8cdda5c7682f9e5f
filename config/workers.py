"""gunicorn's sync worker, answering a request line over gunicorn's own limit as the site
answers a long address (core.middleware.BadAddressMiddleware): a JSON 414 in the API's error
form instead of gunicorn's HTML 400. gunicorn stops reading such a line before its path, so
which page it asked for is unknown: every surface gets the JSON."""

import json

from gunicorn import util
from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers.sync import SyncWorker


class Worker(SyncWorker):
    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, LimitRequestLine):
            return super().handle_error(req, client, addr, exc)
        self.log.warning("Request line too long from ip=%s: %s", (addr or ("",))[0], exc)
        limit = self.cfg.limit_request_line
        body = json.dumps(
            {"status": 414, "detail": f"The request line is longer than {limit} bytes."}
        ).encode()
        head = (
            "HTTP/1.1 414 URI Too Long\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except OSError:
            self.log.debug("Failed to send the 414.")
