# Scholarfolio on gunicorn, static files served by whitenoise. docker-compose.yml runs it
# beside PostgreSQL and Redis; the settings come from the environment (.env.example).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    WEB_CONCURRENCY=2

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /app \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies from pyproject.toml alone first, so a change to the code reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# Editable, so the settings' BASE_DIR is /app, where templates/ and static/ are.
# collectstatic: DEBUG=false picks whitenoise's compressed manifest storage, and a
# DATABASE_URL keeps the settings from starting the embedded PostgreSQL (it never connects).
# media/: a new named volume mounted there takes its owner, so uploads can be written.
RUN pip install --no-deps -e . \
    && DEBUG=false SECRET_KEY=build-only-dummy ALLOWED_HOSTS=localhost \
        DATABASE_URL=postgres://build:build@localhost:5432/build \
        python manage.py collectstatic --noinput \
    && mkdir -p media \
    && chown app:app media
USER 10001:10001

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

ENTRYPOINT ["/app/docker-entrypoint.sh"]
# gunicorn takes its number of workers from WEB_CONCURRENCY. The timeout is above the
# admin imports' own limits (publications/admin_import.py), which answer before it.
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
