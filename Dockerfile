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
# A young generation of 4 MiB (V8's default tops out at 16): each scavenge copies what a quarter
# as many AddPods left alive, so its pause, which lands in whichever AddPod is waiting, is about
# a third as long; GC time over a run of AddPods stays level and the RSS at start-up is ~20 MiB
# lower. It costs the start-up: a restart with 250 pods and 1,000 peers scavenges 25 times
# instead of 12, ~150 ms instead of ~105 (--trace-gc, 2 starts each).
# The benchmarks read these flags from here (scripts/agent-node-flags.js).
ENTRYPOINT ["node", "--max-semi-space-size=4", "bin/ipnet-agent.js"]
CMD ["--config", "/etc/ipnet/ipnet.yaml"]
