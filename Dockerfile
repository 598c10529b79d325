# Multi-stage image for the node agent, the VPP bridge, the CLI and the CNI forwarder.
# Build stage runs as an unprivileged user; the runtime image carries only dist/, config/,
# production node_modules and the compiled CNI forwarder.
# Both stages on one Node release: the V8 code cache made in the build stage is refused by any
# other V8, and the agent would then compile at every start (bin/code-cache.js).
FROM node:20.20.2-bookworm AS build
RUN useradd --create-home --uid 10001 builder
USER builder
WORKDIR /home/builder/ipnet
COPY --chown=builder:builder package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY --chown=builder:builder . .
# the agent's V8 code cache goes into the image: a restarted container starts from the image,
# so one written at run time would be gone by the next start (scripts/warm-code-cache.js)
RUN npm run build \
 && node scripts/warm-code-cache.js \
 && if [ -x native/build.sh ]; then native/build.sh; fi \
 && npm prune --omit=dev

FROM node:20.20.2-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends iproute2 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/ipnet
COPY --from=build /home/builder/ipnet/package.json ./
COPY --from=build /home/builder/ipnet/node_modules ./node_modules
COPY --from=build /home/builder/ipnet/dist ./dist
COPY --from=build /home/builder/ipnet/bin ./bin
COPY --from=build /home/builder/ipnet/config ./config
COPY --from=build /home/builder/ipnet/native ./native
ENV NODE_ENV=production
# The agent needs NET_ADMIN and the host's netns mounts in a cluster (config/k8s/ipnet.yaml is the DaemonSet);
# it runs as root there for the same reason every CNI agent does.
EXPOSE 9999
# A young generation of 8 MiB (V8's default tops out at 16): a scavenge copies what half as
# many AddPods left alive, so its pause, which lands in whichever AddPod waits, is about half as
# long. In 4 alternating agent.bench runs each: max pause 5-10 ms against 9-13, embedded AddPod
# p99 over 10 ms once against three times, p50 no higher. 4 MiB cut the pauses further, but
# each AddPod took ~0.2 ms more CPU and its p50 rose ~0.1 ms.
# The cost is at start-up: a restart with 250 pods and 1,000 peers scavenges ~15 times for
# ~130 ms before ready, against 12 for ~105 ms (25 for ~155 ms with 4 MiB; --trace-gc, 2 each).
# The benchmarks read these flags from here (scripts/agent-node-flags.js).
ENTRYPOINT ["node", "--max-semi-space-size=8", "bin/ipnet-agent.js"]
CMD ["--config", "/etc/ipnet/ipnet.yaml"]
