# The Hookyard server image (API, worker and dashboard): a build stage with the whole workspace, a small runtime stage.
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NX_NO_CLOUD=true NX_DAEMON=false CI=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx nx run-many -t build --projects=server,dashboard --outputStyle=static

FROM node:20-bookworm-slim
WORKDIR /app
# Listen on every interface inside the container. Without DATABASE_URL the image runs standalone,
# with its embedded database and admin token in the /data volume.
ENV NODE_ENV=production HOOKYARD_HOST=0.0.0.0 HOOKYARD_DATA_DIR=/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/apps/server ./dist/apps/server
COPY --from=build /app/dist/apps/dashboard ./dist/apps/dashboard
RUN mkdir /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
CMD ["node", "dist/apps/server/main.js"]
