# syntax=docker/dockerfile:1
# Codex app-server (TypeScript) as a remote backend.
#   docker build -t codex-app-server .
#   head -c 32 /dev/urandom | base64 > ws-token
#   docker run -p 127.0.0.1:4500:4500 -v codex-home:/home/node/.codex -v "$PWD:/workspace" \
#     -v "$PWD/ws-token:/run/secrets/codex-ws-token:ro" codex-app-server
# The listener binds 0.0.0.0 inside the container, so websocket auth is mandatory (the server refuses to start
# a non-loopback listener without it); the default command expects a capability token file at
# /run/secrets/codex-ws-token. Beyond loopback, serve wss:// (--tls-cert-file/--tls-key-file, or a TLS proxy):
# the Codex terminal UI only sends its token over wss:// or to a loopback ws://. GET /metrics asks for the same
# token (--metrics-require-auth). See docs/deployment.md.
# Agent commands run in bubblewrap, which needs user namespaces that Docker's default seccomp profile refuses:
# either let the container be the sandbox (add `-c sandbox_mode="danger-full-access"` to CMD's arguments — words
# after the image name replace CMD, so repeat them), or allow bubblewrap (`--security-opt seccomp=unconfined
# --security-opt apparmor=unconfined`). docs/deployment.md explains both.
# Podman/Buildah read this file as it is: `podman build -t codex-app-server .` (see docs/deployment.md).
# test/integration/dockerfile.test.ts lints this file and runs what its runtime stage runs.
#
# The base image is pinned by digest so a rebuild gets the same OS and Node. To move to a newer node:22 image,
# look its digest up and replace it in both FROM lines:
#   docker buildx imagetools inspect node:22-bookworm-slim --format '{{json .Manifest.Digest}}'
#   (or: skopeo inspect docker://docker.io/library/node:22-bookworm-slim | jq -r .Digest)

FROM node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c AS build
WORKDIR /app
# node-pty (terminal sessions) compiles its native addon with node-gyp.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Everything the build needs, without what only the tests use: @openai/codex (the reference binary the tests
# compare against, ~400 MB with its platform package), tsx, ajv and dockerfile-utils. The lockfile still
# fixes every version that stays.
RUN npm pkg delete devDependencies.@openai/codex devDependencies.tsx devDependencies.ajv devDependencies.dockerfile-utils \
 && npm install --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build

FROM node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c AS runtime
ENV NODE_ENV=production \
    CODEX_HOME=/home/node/.codex \
    LOG_FORMAT=json
# bubblewrap sandboxes the agent's commands under read-only and workspace-write (inside a container it needs user
# namespaces: docs/deployment.md); git and ripgrep are what a coding agent reaches for first (git brings perl,
# which git itself needs); ca-certificates lets git and curl-like tools trust HTTPS. tini is PID 1: it forwards
# SIGTERM to the server (which drains) and reaps the orphaned processes agent commands leave behind, which node
# as PID 1 would not. Nothing recommended-only is installed.
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap git ripgrep ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*
WORKDIR /app
# Production dependencies only: the build bundles every dependency into dist/app-server.cjs except the two native
# ones. Of node-pty (terminals) only the loader and the compiled addon are copied; sharp (prompt images) comes with
# the two small packages it requires and @img/, which holds its prebuilt addon and libvips for the build stage's
# platform only (npm installs the one matching package). package.json is copied for `"type": "module"`, which the
# launcher (dist/src/launch.cjs) needs.
COPY package.json ./
COPY --from=build /app/node_modules/node-pty/package.json ./node_modules/node-pty/package.json
COPY --from=build /app/node_modules/node-pty/lib ./node_modules/node-pty/lib
COPY --from=build /app/node_modules/node-pty/build/Release ./node_modules/node-pty/build/Release
COPY --from=build /app/node_modules/sharp ./node_modules/sharp
COPY --from=build /app/node_modules/@img ./node_modules/@img
COPY --from=build /app/node_modules/detect-libc ./node_modules/detect-libc
COPY --from=build /app/node_modules/semver ./node_modules/semver
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
ENTRYPOINT ["/usr/bin/tini", "--", "app-server"]
CMD ["--listen", "ws://0.0.0.0:4500", "--ws-auth", "capability-token", "--ws-token-file", "/run/secrets/codex-ws-token", "--metrics-require-auth"]
