#!/bin/sh
# Brings the schema up to date before gunicorn serves. Any other command
# (python manage.py createsuperuser, shell, ...) runs as given.
set -e
if [ "$1" = "gunicorn" ]; then
    python manage.py migrate --noinput
fi
exec "$@"
