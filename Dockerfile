# syntax=docker/dockerfile:1
# Codex app-server (TypeScript) as a remote backend.
#   docker build -t codex-app-server .
#   head -c 32 /dev/urandom | base64 > ws-token
#   docker run -p 127.0.0.1:4500:4500 -v codex-home:/home/node/.codex -v "$PWD:/workspace" \
#     -v "$PWD/ws-token:/run/secrets/codex-ws-token:ro" codex-app-server
# The listener binds 0.0.0.0 inside the container, so websocket auth is mandatory (the server refuses to start
# a non-loopback listener without it); the default command expects a capability token file at
# /run/secrets/codex-ws-token. Beyond loopback, serve wss:// (--tls-cert-file/--tls-key-file, or a TLS proxy):
# the Codex terminal UI only sends its token over wss:// or to a loopback ws://. See README.md, "Docker".
# test/integration/dockerfile.test.ts lints this file and runs what its runtime stage runs.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# node-pty (terminal sessions) compiles its native addon with node-gyp.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    CODEX_HOME=/home/node/.codex \
    LOG_FORMAT=json
# bubblewrap sandboxes the agent's commands under read-only and workspace-write; git and ripgrep are what a coding
# agent reaches for first.
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap git ripgrep ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Production dependencies only: the build bundles every dependency into dist/app-server.cjs except node-pty (a
# native addon), of which only the loader and the compiled addon are copied. package.json is copied for
# `"type": "module"`, which the launcher (dist/src/launch.cjs) needs.
COPY package.json ./
COPY --from=build /app/node_modules/node-pty/package.json ./node_modules/node-pty/package.json
COPY --from=build /app/node_modules/node-pty/lib ./node_modules/node-pty/lib
COPY --from=build /app/node_modules/node-pty/build/Release ./node_modules/node-pty/build/Release
COPY --from=build /app/dist/app-server.cjs ./dist/app-server.cjs
COPY --from=build /app/dist/src/launch.cjs ./dist/src/launch.cjs
COPY schema ./schema
# `app-server` on PATH, as package.json's bin declares it.
RUN chmod 755 /app/dist/src/launch.cjs && ln -s /app/dist/src/launch.cjs /usr/local/bin/app-server \
 && mkdir -p /home/node/.codex /workspace && chown node:node /home/node/.codex /workspace \
 && chmod 700 /home/node/.codex
USER node
# Threads (rollouts, names, config) live in CODEX_HOME; the agent works in /workspace, the server's working
# directory and so the default cwd of every thread.
VOLUME ["/home/node/.codex", "/workspace"]
WORKDIR /workspace
EXPOSE 4500
# /readyz answers 503 while the server drains, so an orchestrator stops routing to it before it exits.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4500/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful drain: running turns get --drain-timeout-seconds (default 10) to finish before they
# are interrupted and saved. Give `docker stop` more than that (`docker stop -t 15`, compose `stop_grace_period`).
STOPSIGNAL SIGTERM
ENTRYPOINT ["app-server"]
CMD ["--listen", "ws://0.0.0.0:4500", "--ws-auth", "capability-token", "--ws-token-file", "/run/secrets/codex-ws-token"]
