# sfoflow: one image for the web, the Celery worker, beat and the migration job.
# Build: docker compose build   (see docker-compose.yml and the README's "Docker compose").

# --- build: install the package and the GOV.UK Frontend assets --------------------------------
FROM python:3.11-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md package.json package-lock.json alembic.ini ./
COPY config ./config
COPY sfoflow ./sfoflow
# Editable, because sfoflow reads config/ beside the package.
RUN python -m venv /venv && /venv/bin/pip install -e . \
    && /venv/bin/sfoflow assets \
    && rm -rf node_modules

# --- run ------------------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SFOFLOW_INSTANCE_DIR=/data \
    SFOFLOW_BIND=0.0.0.0:8000
RUN useradd --create-home --uid 10001 sfoflow && mkdir /data && chown sfoflow /data
COPY --from=build /venv /venv
COPY --from=build /app /app
WORKDIR /app
USER sfoflow
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["sfoflow", "web"]
