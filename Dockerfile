# Summit container image.
#
# Build:
#   docker build -t summit .
#
# The database schema is NOT created when the server starts. Migrations are a
# separate, explicit step: run `summit migrate` once before the first start
# (and again after every upgrade), against the same database the server uses:
#
#   docker volume create summit-data
#   docker run --rm -v summit-data:/data summit summit migrate
#   docker run --rm -v summit-data:/data summit summit seed     # demo data only
#   docker run -d --name summit -p 8000:8000 -v summit-data:/data \
#       -e SUMMIT_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" \
#       summit
#
# With PostgreSQL (and Redis for live updates across several processes), pass
# the same settings to the migrate step and to the server, e.g.
#   -e SUMMIT_DATABASE_URL=postgresql+psycopg://summit:...@db:5432/summit
#   -e SUMMIT_BROKER_URL=redis://redis:6379/0
# For a real deployment also set SUMMIT_ENVIRONMENT=production (which requires
# a SUMMIT_SECRET_KEY of at least 32 characters) and SUMMIT_BASE_URL.

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# Unprivileged runtime user, and the data directory it owns. The ownership is
# set before VOLUME so a fresh named volume is created owned by `summit`.
RUN groupadd --system --gid 10001 summit \
    && useradd --system --uid 10001 --gid summit --home-dir /home/summit --create-home \
       --shell /usr/sbin/nologin summit \
    && mkdir -p /data \
    && chown summit:summit /data

WORKDIR /app

# The project (see .dockerignore). It is installed as a regular (non-editable)
# wheel: templates, static files and seed data are packaged inside `summit`.
# Its dependencies bring uvicorn[standard] (uvloop and httptools, which
# `summit serve` runs on) and starlette-compress (brotli, zstandard): all
# ship manylinux wheels, so the slim image needs no compiler.
COPY . .
RUN pip install --no-cache-dir '.[postgres,redis]'

ENV SUMMIT_DATABASE_URL=sqlite:////data/summit.db

VOLUME ["/data"]

USER summit

EXPOSE 8000

# slim has no curl: probe with the standard library. urlopen raises on any
# non-2xx status or connection error, which makes python exit non-zero.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).close()"]

CMD ["summit", "serve", "--host", "0.0.0.0", "--port", "8000"]
