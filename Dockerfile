# sfoflow: one image for the web, the Celery worker, beat and the migration job.
# Build: docker compose build   (see docker-compose.yml and the README's "Docker compose").

# --- build: install the package and the GOV.UK Frontend assets --------------------------------
FROM python:3.11-slim AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml setup.py MANIFEST.in README.md requirements.lock package.json package-lock.json ./
COPY config ./config
COPY sfoflow ./sfoflow
# A normal (not editable) install: the wheel carries config/ (as sfoflow/_config), the templates,
# the migrations and the page assets, so the image needs nothing from this folder at run time.
# 1. sfoflow and its dependencies at the versions in requirements.lock (used as constraints);
# 2. the GOV.UK Frontend assets, copied by the source tree's `sfoflow assets` (run here, so
#    `python -m sfoflow` is the tree beside package.json) into sfoflow/web/static/govuk/;
# 3. sfoflow again, now with the assets; 4. check the installed package, from outside /app.
RUN python -m venv /venv \
    && /venv/bin/pip install -c requirements.lock . \
    && /venv/bin/python -m sfoflow assets \
    && rm -rf build node_modules \
    && /venv/bin/pip install --no-deps --force-reinstall . \
    && cd / \
    && test "$(/venv/bin/sfoflow due-date 2023-04-27)" = 2023-05-22 \
    && /venv/bin/python -c "import pathlib, sfoflow; p = pathlib.Path(sfoflow.__file__).parent; \
assert (p / '_config' / 'regions.json').is_file() and (p / 'web/static/govuk/govuk-frontend.min.css').is_file(), p"

# --- run ------------------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SFOFLOW_INSTANCE_DIR=/data \
    SFOFLOW_BIND=0.0.0.0:8000
RUN useradd --create-home --uid 10001 sfoflow && mkdir /data && chown sfoflow /data
COPY --from=build /venv /venv
WORKDIR /data
USER sfoflow
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["sfoflow", "web"]
