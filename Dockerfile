# One image for every role: APP_ROLE=api | worker | all (the default) picks what runs.
#   docker build -t paycheck .
#   docker run -e APP_ROLE=api -e DATABASE_URL=... -e REDIS_URL=... -p 8080:8080 paycheck
#
# Node 22 LTS on Debian slim: Node's musl (Alpine) builds are an experimental platform,
# glibc is the tier-1 one, and slim keeps the image small all the same.
#
# Install scripts are skipped (--ignore-scripts): none is needed. msgpackr-extract (a BullMQ
# speed-up) falls back to pure JavaScript; @scarf/scarf's script is install-time analytics and
# @parcel/watcher comes with jest (dev only).

# --- all dependencies, for the TypeScript build ---------------------------------------------
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# --- compile to dist/ -----------------------------------------------------------------------
FROM deps AS build
COPY tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npm run build

# --- production dependencies only ------------------------------------------------------------
# --omit=optional as well: TypeScript and ts-node arrive as optional peers of typeorm and
# valibot, and the rest are native speed-ups with JavaScript fallbacks (about 30 MB saved).
FROM node:22-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund

# --- runtime: compiled code + production node_modules, no sources or tests ------------------
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
# Owned by root and read-only for the app user: the process cannot rewrite its own code.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The base image's unprivileged user (uid 1000).
USER node
EXPOSE 8080
# Liveness only (no dependency checks), same path for every role: the worker serves /health/* too.
# Node's built-in fetch, because the slim image has neither curl nor wget.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health/live',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself; the app drains and exits 0 on it.
# Migrations only (e.g. a pre-deploy step): node dist/apps/server/libs/database/src/migrate.js
CMD ["node", "dist/apps/server/apps/server/src/main.js"]
