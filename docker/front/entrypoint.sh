#!/bin/sh
# Writes the front's nginx.conf from the environment, then runs the command (nginx).
#
#   BAPAS_FRONT_SERVICES     "name:port ..." each API the front serves on the same port
#                            (default: klien:5001 pokmas:5002 bimbingan:5003)
#   BAPAS_TLS_CERT, _KEY     certificate chain and key (default /etc/bapas/tls/tls.crt, tls.key);
#                            both present: every port speaks HTTPS only, else plain HTTP
#   BAPAS_FRONT_HEADER_TIMEOUT, BAPAS_FRONT_BODY_TIMEOUT   (default 10s each)
#   BAPAS_FRONT_MAX_BODY     largest request body (default 1m; the APIs refuse over 1,000,000 bytes)
#   BAPAS_FRONT_RESOLVER     DNS server that names the replicas (default: the container's own)
#   BAPAS_FRONT_UPSTREAM_SUFFIX  appended to each name (Kubernetes: .<namespace>.svc.cluster.local,
#                            as nginx's resolver does not use the search domains)
set -eu

SERVICES="${BAPAS_FRONT_SERVICES:-klien:5001 pokmas:5002 bimbingan:5003}"
CERT="${BAPAS_TLS_CERT:-/etc/bapas/tls/tls.crt}"
KEY="${BAPAS_TLS_KEY:-/etc/bapas/tls/tls.key}"
SUFFIX="${BAPAS_FRONT_UPSTREAM_SUFFIX:-}"
RESOLVER="${BAPAS_FRONT_RESOLVER:-$(awk '/^nameserver/ { print $2; exit }' /etc/resolv.conf)}"
CONF=/tmp/nginx/nginx.conf

mkdir -p /tmp/nginx
if [ -f "$CERT" ] && [ -f "$KEY" ]; then
    LISTEN=" ssl"
    TLS="ssl_certificate $CERT; ssl_certificate_key $KEY; ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:tls:10m; ssl_session_timeout 1h;"
    echo "front: HTTPS with $CERT" >&2
else
    LISTEN=""
    TLS=""
    echo "front: no certificate at $CERT and $KEY: serving plain HTTP (see docs/deploy-compose.md, TLS)" >&2
fi

{
cat <<CONF
worker_processes auto;
pid /tmp/nginx/nginx.pid;
error_log stderr warn;
events { worker_connections 4096; }

http {
    server_tokens off;
    # Ids and codes only: the path without its query string, which may hold a name being searched.
    log_format bapas escape=json '{"time":"\$time_iso8601","service":"front","remote_addr":"\$remote_addr",'
        '"request_id":"\$trace_id","method":"\$request_method","path":"\$uri","status":\$status,'
        '"upstream":"\$upstream_addr","request_time":\$request_time}';
    access_log /dev/stdout bapas;
    client_body_temp_path /tmp/nginx/body;
    proxy_temp_path /tmp/nginx/proxy;
    fastcgi_temp_path /tmp/nginx/fastcgi;
    uwsgi_temp_path /tmp/nginx/uwsgi;
    scgi_temp_path /tmp/nginx/scgi;

    client_header_timeout ${BAPAS_FRONT_HEADER_TIMEOUT:-10s};
    client_body_timeout ${BAPAS_FRONT_BODY_TIMEOUT:-10s};
    send_timeout 30s;
    keepalive_timeout 30s;
    keepalive_requests 1000;
    client_max_body_size ${BAPAS_FRONT_MAX_BODY:-1m};
    client_body_buffer_size ${BAPAS_FRONT_MAX_BODY:-1m};
    large_client_header_buffers 4 16k;
    proxy_request_buffering on;
    proxy_buffering on;
    proxy_http_version 1.1;
    proxy_connect_timeout 5s;
    proxy_read_timeout 60s;
    proxy_send_timeout 60s;
    proxy_next_upstream error timeout;

    resolver $RESOLVER valid=5s ipv6=off;
    resolver_timeout 3s;

    # The caller's request id when it sent a usable one, else nginx's own: the APIs take it as the
    # request's correlation id, so one id finds the front's line, the API's lines and the events.
    map \$http_x_request_id \$trace_id {
        "~^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}\$" \$http_x_request_id;
        default \$request_id;
    }
    proxy_set_header Host \$host;
    proxy_set_header X-Request-ID \$trace_id;
    # The front is the edge: what a client wrote in X-Forwarded-For is dropped, the APIs get the
    # address the front saw (and trust it from the front only: BAPAS_TRUSTED_PROXIES).
    proxy_set_header X-Forwarded-For \$remote_addr;
    proxy_set_header X-Forwarded-Proto \$scheme;
    proxy_set_header Connection "";

    server {
        listen 127.0.0.1:8099;
        location = /healthz { access_log off; return 200 "ok\n"; }
    }
CONF
for entry in $SERVICES; do
    name=${entry%%:*}
    port=${entry##*:}
    cat <<CONF

    server {
        listen $port$LISTEN;
        $TLS
        error_page 413 @too_large;
        # A request line over a header buffer (16 KB): nginx cannot go to a named location without a URI.
        error_page 414 /.problem/uri-too-long;
        # =503: the answer is the 503 below, with its body (without it nginx keeps the 502 or 504).
        error_page 502 503 504 =503 @unavailable;
        location / {
            # A variable makes nginx resolve the name again (every 5 s): replicas added with
            # --scale are balanced over without a reload.
            set \$upstream $name$SUFFIX:$port;
            proxy_pass http://\$upstream;
        }
        location = /.problem/uri-too-long {
            internal;
            default_type application/problem+json;
            return 414 '{"type":"urn:bapas:problem:uri-too-long","title":"URI Too Long","status":414,"detail":"the request line is over 16 KB: ask for fewer items per request"}';
        }
        location @too_large {
            default_type application/problem+json;
            return 413 '{"type":"urn:bapas:problem:request-entity-too-large","title":"Request Entity Too Large","status":413,"detail":"the body is over the size limit"}';
        }
        location @unavailable {
            default_type application/problem+json;
            add_header Retry-After 2 always;
            return 503 '{"type":"urn:bapas:problem:unavailable","title":"Service Unavailable","status":503,"detail":"$name did not answer; if it went away while handling the request, the change may have been made: read it before sending it again"}';
        }
    }
CONF
done
echo "}"
} > "$CONF"

exec "$@"
