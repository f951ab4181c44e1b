# Node 24 LTS, pinned. Keep it equal to .ci/node24/package.json: CI runs the test suite on that same version.
# Build stage: every dependency, compile TypeScript. docker-compose.yml (development) runs this stage.
FROM node:24.22.3-bookworm-slim AS build
# swagger-ui-dist's install-time analytics stay off.
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
COPY emulators/package.json emulators/package.json
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Production stage: production dependencies only, non-root, under an init process.
FROM node:24.22.3-bookworm-slim AS production
ENV NODE_ENV=production SCARF_ANALYTICS=false
# tini as PID 1 forwards SIGTERM to Node and reaps zombies; orchestrators without `--init` get it too.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY emulators/package.json emulators/package.json
# --omit=optional as well: typescript is an optional peer of a CLI dependency (23 MB), never loaded at run time.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 5000
# Liveness only: a MongoDB outage must not make the orchestrator restart every instance (see docs/operations.md).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 5000) + '/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# A capped old space keeps peak RSS under load near 215 MB instead of ~420 MB. Under a small old-space cap V8 also
# shrinks the young generation, and the token route then ran at 0.15-0.2x the uncapped rate (p99 380-455 ms); a
# 16 MB semi-space (V8's own 64-bit maximum) gives back most of it: 0.6-0.75x, p99 75-108 ms (docs/benchmarks.md).
CMD ["node", "--max-old-space-size=128", "--max-semi-space-size=16", "dist/main.js"]
