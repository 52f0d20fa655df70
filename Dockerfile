# coserver in a container: a static binary on distroless, run as a non-root
# user, the database in the /data volume.
#
#   docker build -t coserver .
#   docker run -d --name coserver -p 9958:9958 -p 5816:5816 -v coserver-data:/data \
#     -e COSERVER_GAME_HOST=203.0.113.5 coserver
#
# COSERVER_GAME_HOST must be the address clients reach this host at: inside
# a container the detected address is the container's own. Every setting is
# a COSERVER_* variable or a flag after the image name (docs/CONFIG.md). The
# admin endpoint listens on the container's loopback only; reach it with
# `docker exec`, or publish it with COSERVER_ADMIN_ADDR=:9100 and -p
# 127.0.0.1:9100:9100. Tools run in the same container:
#   docker exec coserver coserver account list
#   docker exec coserver coserver backup /data/backup-2026-12-01.db

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static, no cgo (the SQLite driver is pure Go); the VCS commit is stamped
# from .git for `coserver version`.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/coserver ./cmd/coserver && \
    mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/coserver /usr/local/bin/coserver
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
WORKDIR /data
VOLUME ["/data"]
ENV COSERVER_DB=/data/coserver.db \
    COSERVER_ADMIN_ADDR=127.0.0.1:9100
# 9958 account (login) server, 5816 game server.
EXPOSE 9958 5816
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/coserver"]
CMD ["serve"]
