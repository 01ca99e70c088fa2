# Atelier in a small image: a static binary (pure Go: the SQLite driver
# needs no cgo) on distroless, running as a non-root user.
#   docker build -t atelier .
#   docker run -p 8080:8080 -v atelier-data:/data atelier            # SQLite
#   docker run -p 8080:8080 -e ATELIER_DATABASE_URL=postgres://… atelier
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/atelier ./cmd/atelier && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/atelier /atelier
COPY --from=build --chown=65532:65532 /out/data /data
ENV ATELIER_ADDR=0.0.0.0:8080 ATELIER_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/atelier"]
CMD ["serve"]
