# syntax=docker/dockerfile:1
# One image for every service and job of the pipeline: `SERVICE=detector` (or the first argument:
# detector, alert-sink, blocker, soc, generator, schema-registry, replay, generate, create-topics,
# register-schemas; deploy/docker/commands.json). See docs/deployment.md.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: every workspace compiled, the SOC console assembled
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY services/common/package.json services/common/
COPY services/core/package.json services/core/
COPY services/schema-registry/package.json services/schema-registry/
COPY services/detector/package.json services/detector/
COPY services/alert-sink/package.json services/alert-sink/
COPY services/generator/package.json services/generator/
COPY services/blocker/package.json services/blocker/
COPY services/soc/package.json services/soc/
# As the Makefile: where npm ci refuses a lock written by a newer npm, install the same locked versions.
RUN npm ci --no-audit --no-fund || npm install --no-save --no-audit --no-fund
COPY tsconfig.base.json tsconfig.build.json ./
COPY schemas/ schemas/
COPY services/ services/
RUN npm run -s build \
 && mkdir -p /out/services \
 && for s in services/*/; do mkdir -p "/out/$s" && cp -r "$s/package.json" "$s/dist" "/out/$s"; done \
 && cp -r services/blocker/policy /out/services/blocker/ \
 && find /out -name '*.map' -delete -o -name '*.d.ts' -delete -o -name '.tsbuildinfo' -delete

# ---- prod-deps: runtime dependencies only (workspace links included)
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /out/services/ services/
RUN (npm ci --omit=dev --ignore-scripts --no-audit --no-fund || npm install --omit=dev --ignore-scripts --no-save --no-audit --no-fund) \
 && npm cache clean --force

# ---- runtime: node, the compiled services, their dependencies, the schemas and the topic list
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0
WORKDIR /app
COPY --from=prod-deps /app/ ./
COPY schemas/ schemas/
COPY infra/kafka/topics.txt infra/kafka/topics.txt
COPY deploy/docker/ deploy/docker/
# Owned by root, run as node (uid 1000): the service cannot change its own code.
USER node
# /readyz of the service named by SERVICE or the argument (its port setting), with node's fetch.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "/app/deploy/docker/healthcheck.mjs"]
ENTRYPOINT ["node", "/app/deploy/docker/entrypoint.mjs"]
