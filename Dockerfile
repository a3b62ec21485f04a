# Multi-stage build of every IMS binary on Debian 12, matching scripts/lib/install-deps.
FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config ccache ca-certificates \
      librestinio-dev libasio-dev libhttp-parser-dev libfmt-dev nlohmann-json3-dev libexpected-dev \
      libpqxx-dev libpq-dev librabbitmq-dev libhiredis-dev libjwt-dev libsodium-dev libssl-dev \
      libspdlog-dev prometheus-cpp-dev libzint-dev libcurl4-openssl-dev libxlsxwriter-dev nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The commit ims_build_info reports (.git is not copied): docker compose build --build-arg IMS_REVISION=$(git rev-parse --short=12 HEAD)
ARG IMS_REVISION=unknown
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DIMS_BUILD_TESTS=OFF \
    && cmake --build /build -j"$(nproc)" \
    && scripts/lib/web-assets

FROM debian:bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpqxx-6.4 librabbitmq4 libhiredis0.14 libjwt0 libsodium23 libspdlog1.10 libfmt9 \
      libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libzint2.11 libxlsxwriter4 libcurl4 libhttp-parser2.9 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /nonexistent ims \
    && mkdir -p /var/lib/ims/reports && chown ims /var/lib/ims/reports  # the reports volume
COPY --from=build /build/api/ims-api /build/api/ims /build/workers/ims-worker /build/scheduler/ims-scheduler /usr/local/bin/
COPY --from=build /src/web /usr/share/ims/web
# Production unless told otherwise: no process starts with the development JWT secret.
ENV IMS_WEB_DIR=/usr/share/ims/web IMS_HTTP_HOST=0.0.0.0 IMS_ENV=production
USER ims
EXPOSE 8080
CMD ["ims-api"]
