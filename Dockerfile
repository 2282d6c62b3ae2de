# The image compose.yaml builds: planner installed from uv.lock, run as an unprivileged user.
# The web pages' htmx comes from npm (package-lock.json), installed in a stage of its own.
FROM node:22-slim AS web-assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.12-slim

# APP_ENV=production: a container started without SECRET_KEY refuses to run instead of using a known one.
ENV APP_ENV=production PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/planner PATH="/opt/planner/bin:$PATH"
RUN pip install --no-cache-dir uv && useradd --create-home --uid 10001 planner
WORKDIR /app
COPY pyproject.toml uv.lock README.md alembic.ini ./
RUN uv sync --locked --no-dev --no-install-project
COPY domain ./domain
COPY application ./application
COPY adapters ./adapters
COPY entrypoints ./entrypoints
COPY migrations ./migrations
COPY --from=web-assets /assets/node_modules ./node_modules
RUN uv sync --locked --no-dev --no-editable
USER planner
EXPOSE 8000
CMD ["planner", "run", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
