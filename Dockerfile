# syntax=docker/dockerfile:1
# Build stage: a virtual environment with the runtime dependencies exactly as uv.lock has them
# (every file checked against its hash) by uv, pinned as in the Makefile and removed after; the
# project itself runs from /srv/app.
FROM python:3.11.7-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 UV_NO_CACHE=1 UV_PYTHON_DOWNLOADS=never
WORKDIR /src
COPY pyproject.toml uv.lock ./
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-compile uv==0.13.9 \
    && UV_PROJECT_ENVIRONMENT=/opt/venv /opt/venv/bin/uv sync --locked --no-install-project \
    && /opt/venv/bin/pip uninstall --yes uv

# Runtime stage: non-root; migrates (an explicit step), loads data/ and serves on port 8000.
FROM python:3.11.7-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATABASE_URL=sqlite:////srv/var/treaty.db
RUN useradd --system --uid 10001 --user-group --home-dir /srv --shell /usr/sbin/nologin api
WORKDIR /srv
COPY --from=build /opt/venv /opt/venv
COPY alembic.ini pyproject.toml ./
COPY app ./app
COPY migrations ./migrations
COPY data ./data
RUN mkdir -p /srv/var && chown 10001:10001 /srv/var
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["sh", "-c", "python -m app migrate && python -m app load && exec python -m app serve --host \"${HOST:-0.0.0.0}\" --port \"${PORT:-8000}\" --workers \"${WORKERS:-1}\""]
