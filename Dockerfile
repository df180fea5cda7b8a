# Parley: one image for signalling servers and media nodes (the command picks the role).
# Build stage: dependencies, the mediasoup worker (the postinstall fetches the prebuilt one or
# builds it against Debian libraries), TypeScript and the client bundle.
FROM node:20-bookworm AS build
WORKDIR /app
ENV PUPPETEER_SKIP_DOWNLOAD=1
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/
COPY server/package.json server/
COPY media-workers/package.json media-workers/
COPY client/package.json client/
COPY loadtest/package.json loadtest/
COPY media-workers/build media-workers/build
COPY scripts scripts
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# Runtime stage: the shared libraries the worker links, and the built app.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
      libuv1 libssl3 libsrtp2-1 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production PARLEY_SKIP_WORKER=1
COPY --from=build /app /app
EXPOSE 3000 4000 40000-40100/udp 40000-40100/tcp
CMD ["node", "server/dist/main.js"]
