# syntax=docker/dockerfile:1
# Build a static cofre binary, then ship it alone in an empty, non-root image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/cofre . \
 && echo 'cofre:x:65532:65532:cofre:/nonexistent:/sbin/nologin' > /out/passwd \
 && echo 'cofre:x:65532:' > /out/group

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/passwd /etc/passwd
COPY --from=build /out/group /etc/group
COPY --from=build /out/cofre /usr/local/bin/cofre
USER 65532:65532
EXPOSE 8200 8201
ENTRYPOINT ["/usr/local/bin/cofre"]
CMD ["server", "-config=/etc/cofre/config.hcl"]
