"""gunicorn's settings beyond the command line (Dockerfile); gunicorn reads this file from
the directory it starts in."""

# gunicorn answers a request line longer than this with a plain HTML 400 of its own, before
# Django sees it; 8190 is the most it allows short of unlimited (0, which would buffer an
# endless line). Django refuses addresses above core.middleware.MAX_URL_LENGTH (4096) with
# a 414 in the page's own form (JSON on the API), so everything up to this limit gets that.
limit_request_line = 8190
# Longer lines still: a JSON 414 from the worker, not gunicorn's HTML (config/workers.py).
worker_class = "config.workers.Worker"
# Above the admin imports' own limits (publications/admin_import.py), which answer first;
# the Dockerfile passes the same.
timeout = 60
