/**
 * The configuration files of a production set-up (HAProxy, PgBouncer, the app's systemd unit and
 * environment), written by one function each. `npm run cluster` runs them on loopback; the copies
 * a city edits and installs are docs/deploy/*, rendered by the same functions with the example
 * machines of docs/deploy/README.md (`npm run cluster -- --write-docs` rewrites them, and a test
 * fails when they differ). See docs/decisions/018-the-production-cluster.md.
 */

export interface Backend {
  /** Name in HAProxy's logs and stickiness cookie (app1, app2, …). */
  name: string;
  host: string;
  port: number;
}

export interface HaproxyOptions {
  /** Where people connect: plain HTTP on loopback locally; TLS on :443 (and :80 redirecting) in production. */
  listen: { host: string; port: number } | { tls: { certificate: string } };
  servers: Backend[];
  /** HAProxy's runtime API (drain, disable, show stat). */
  statsSocket: string;
  /** Loopback address of the Prometheus exporter built into Debian's HAProxy. */
  metrics: { host: string; port: number };
  /** Production: syslog, the haproxy user; local: stderr, whoever runs it. */
  production: boolean;
}

export function haproxyConfig(o: HaproxyOptions): string {
  const tls = "tls" in o.listen ? o.listen.tls : null;
  const plain = "host" in o.listen ? o.listen : null;
  const binds = tls
    ? [
        `    # TLS ends here: one PEM file with the certificate, its chain and the private key.`,
        `    bind :443 ssl crt ${tls.certificate} alpn h2,http/1.1`,
        `    bind :80`,
        `    http-request redirect scheme https code 301 unless { ssl_fc }`,
        `    # Tell the app how the visitor came in; it trusts one proxy hop (TRUST_PROXY=1).`,
        `    http-request set-header X-Forwarded-Proto https if { ssl_fc }`,
        `    http-response set-header Strict-Transport-Security "max-age=31536000"`,
      ]
    : [
        `    bind ${plain!.host}:${plain!.port}`,
        `    # Tell the app how the visitor came in; it trusts one proxy hop (TRUST_PROXY=1).`,
        `    http-request set-header X-Forwarded-Proto http`,
      ];
  return `# HAProxy in front of the Mahalleh instances (Debian's haproxy 2.6).
#
# What it does:
# - spreads visitors over the instances, and keeps each browser on one instance with a cookie
#   (socket.io's long-polling fallback needs every request of a session on the same instance;
#   behind carrier NAT many people share one address, so the address is no key to hash on);
# - passes WebSocket upgrades through (a connection then stays open for hours: timeout tunnel);
# - asks every instance /readyz each second and sends nothing to one that answers otherwise:
#   an instance that is shutting down answers 503 "draining" first, so a rolling restart drops
#   nothing (docs/deploy/README.md, "Upgrading");
# - retries a connection that an instance refused on another instance (never a request that
#   an instance already received: that one is answered by the instance).
${o.production ? "#\n# Install: /etc/haproxy/haproxy.cfg, then `haproxy -c -f /etc/haproxy/haproxy.cfg` and\n# `systemctl reload haproxy` (a reload keeps open connections).\n" : ""}
global
${o.production ? "    log /dev/log local0\n    user haproxy\n    group haproxy\n    ssl-default-bind-options ssl-min-ver TLSv1.2" : "    log stderr format raw local0 notice"}
    # Open connections at once (each WebSocket is one); the file-descriptor limit must allow twice this.
    maxconn ${o.production ? 20000 : 4000}
    # The runtime API: \`echo "show stat" | socat stdio ${o.statsSocket}\`, or
    # \`set server app/app1 state drain\` by hand.
    stats socket ${o.statsSocket} mode 600 level admin

defaults
    mode http
    log global
    option httplog
    option dontlognull
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    timeout http-keep-alive 10s
    timeout queue 10s
    # A check answered late is a failed check: generous, so a busy instance is not taken out.
    timeout check 3s
    # A WebSocket (live updates) is one long tunnel: socket.io pings every 20 s.
    timeout tunnel 1h
    timeout client-fin 5s
    # A refused connection (an instance stopping or starting) is tried again, on another instance.
    retries 3
    option redispatch 1

frontend www
${binds.join("\n")}
    # The visitor's address, for rate limits and the audit log.
    option forwardfor
    # Which instance answered (app1, app2, …): handy when reading a visitor's report.
    http-response set-header X-Served-By %s
    default_backend app

backend app
    # Long-lived sockets make least-connections fairer than round robin.
    balance leastconn
    # Stickiness by cookie, not by address. "indirect" keeps the cookie from the app; "nocache"
    # keeps shared caches from storing it; a browser whose instance is down is sent to another
    # (option redispatch) and gets a new cookie.
    cookie mahalleh_instance insert indirect nocache httponly attr "SameSite=Lax"${tls ? " secure" : ""}
    # Ready = the database answers and the instance is not shutting down. One failed check
    # takes an instance out at once; two good ones bring it back.
    option httpchk
    http-check send meth GET uri /readyz
    http-check expect status 200
    default-server check inter 1s fall 1 rise 2 slowstart 5s
${o.servers.map((s) => `    server ${s.name} ${s.host}:${s.port} cookie ${s.name}`).join("\n")}

# Prometheus metrics of HAProxy itself (requests, 5xx, queue, per-instance state), loopback only.
frontend metrics
    bind ${o.metrics.host}:${o.metrics.port}
    http-request use-service prometheus-exporter if { path /metrics }
    stats enable
    stats uri /stats
    stats refresh 5s
`;
}

export interface PgbouncerOptions {
  listen: { host: string; port: number };
  /** The PostgreSQL server behind it. */
  server: { host: string; port: number; database: string; user: string; password?: string };
  /** The name clients use for the database. */
  database: string;
  /** Users allowed in (userlist.txt). */
  authFile: string;
  /** trust: anyone on loopback (the local cluster); scram-sha-256: passwords in authFile (production). */
  authType: "trust" | "scram-sha-256";
  logfile?: string;
  pidfile?: string;
  unixSocketDir: string;
  /** Server connections per instance pool: what PostgreSQL sees however many app connections there are. */
  poolSize: number;
  production: boolean;
}

export function pgbouncerIni(o: PgbouncerOptions): string {
  const s = o.server;
  return `; PgBouncer in front of PostgreSQL (Debian's pgbouncer 1.18), transaction pooling.
;
; Each app instance keeps DATABASE_POOL_SIZE connections to PgBouncer; PgBouncer lends a real
; PostgreSQL connection for one transaction at a time, so many instances share a few server
; connections. In transaction mode a connection carries no session: the app therefore
; - sends no prepared statements on DATABASE_URL (it does this by itself when
;   DATABASE_DIRECT_URL is set and differs from DATABASE_URL);
; - uses DATABASE_DIRECT_URL, straight to PostgreSQL, for what needs a session: migrations and
;   their advisory lock, and the LISTEN of socket.io's PostgreSQL adapter.
; Advisory locks taken inside a transaction (pg_advisory_xact_lock) are fine here.
${o.production ? ";\n; Install: /etc/pgbouncer/pgbouncer.ini and /etc/pgbouncer/userlist.txt, then\n; `systemctl restart pgbouncer`.\n" : ""}
[databases]
${o.database} = host=${s.host} port=${s.port} dbname=${s.database} user=${s.user}${s.password ? ` password=${s.password}` : ""}

[pgbouncer]
listen_addr = ${o.listen.host}
listen_port = ${o.listen.port}
unix_socket_dir = ${o.unixSocketDir}
${o.logfile ? `logfile = ${o.logfile}\n` : ""}${o.pidfile ? `pidfile = ${o.pidfile}\n` : ""}
auth_type = ${o.authType}
auth_file = ${o.authFile}

pool_mode = transaction
; Server connections per database and user. Keep the sum under PostgreSQL's max_connections,
; leaving room for each instance's direct connections (migrations, LISTEN: about 5 each).
default_pool_size = ${o.poolSize}
min_pool_size = 0
reserve_pool_size = 5
reserve_pool_timeout = 3
; App connections: instances × DATABASE_POOL_SIZE, with room to spare.
max_client_conn = 1000
; A transaction left open this long (a bug, a stuck client) is ended.
idle_transaction_timeout = 60
; A client waits at most this long for a server connection, then gets an error (the app answers 503).
query_wait_timeout = 30
server_reset_query =
server_check_query = select 1
server_lifetime = 3600
server_idle_timeout = 600
; The app names itself; this keeps the name visible in pg_stat_activity.
application_name_add_host = 1
ignore_startup_parameters = extra_float_digits,options
; SHOW STATS / SHOW POOLS on the admin console (psql -p ${o.listen.port} pgbouncer).
admin_users = ${o.server.user}
stats_users = ${o.server.user}
`;
}

export interface AppEnvironment {
  databaseUrl: string;
  directUrl: string;
  origin: string;
  host: string;
  port: number;
  poolSize: number;
}

/** The environment file of one instance (systemd's EnvironmentFile). */
export function appEnvironmentFile(o: AppEnvironment): string {
  return `# Environment of one Mahalleh instance (/etc/mahalleh/mahalleh.env, mode 600: it holds secrets).
# Every variable is described in the README's Configuration table.
NODE_ENV=production
# Each instance listens on its own machine; only HAProxy reaches it.
HOST=${o.host}
PORT=${o.port}
# Through PgBouncer (transaction pooling) …
DATABASE_URL=${o.databaseUrl}
# … and straight to PostgreSQL for migrations and live events (LISTEN).
DATABASE_DIRECT_URL=${o.directUrl}
DATABASE_POOL_SIZE=${o.poolSize}
# The same on every instance: 32+ random characters (openssl rand -base64 48).
SESSION_SECRET=change-me-to-48-random-characters-from-openssl-rand
# The address people use; forms and sockets from elsewhere are refused.
APP_ORIGIN=${o.origin}
# HAProxy is the one proxy in front: the visitor's address is the last X-Forwarded-For hop.
TRUST_PROXY=1
LOG_LEVEL=info
# The SMS gateway for sign-up and password codes.
SMS_PROVIDER=http
SMS_HTTP_URL=https://sms-gateway.example/send
SMS_HTTP_TOKEN=change-me
`;
}

/** The systemd unit of the app (one instance per machine). */
export function systemdUnit(): string {
  return `# /etc/systemd/system/mahalleh.service — one Mahalleh instance.
#
#   useradd --system --home /srv/mahalleh mahalleh
#   (the release in /srv/mahalleh/current: npm ci && npm run build, as the mahalleh user)
#   systemctl daemon-reload && systemctl enable --now mahalleh
#
# \`systemctl restart mahalleh\` sends SIGTERM: the instance answers /readyz with 503 until
# HAProxy has heard, stops listening, closes its sockets (their clients reconnect to another
# instance and catch up), finishes the requests it has, then exits. Restart instances one at a
# time (docs/deploy/README.md, "Upgrading").

[Unit]
Description=Mahalleh (neighborhood councils)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=mahalleh
Group=mahalleh
WorkingDirectory=/srv/mahalleh/current
EnvironmentFile=/etc/mahalleh/mahalleh.env
ExecStart=/usr/bin/node --import tsx server.ts
# Draining takes up to 5 s for HAProxy to hear and up to 15 s for requests in flight.
KillSignal=SIGTERM
TimeoutStopSec=30
Restart=on-failure
RestartSec=2
# Node's heap; the process also holds socket buffers.
Environment=NODE_OPTIONS=--max-old-space-size=1024
LimitNOFILE=65536
NoNewPrivileges=true
PrivateTmp=true
ProtectSystem=full
ProtectHome=true

[Install]
WantedBy=multi-user.target
`;
}

/** The example machines of docs/deploy/README.md. */
export const EXAMPLE = {
  origin: "https://mahalleh.example",
  apps: [
    { name: "app1", host: "10.0.0.11", port: 3000 },
    { name: "app2", host: "10.0.0.12", port: 3000 },
  ],
  postgres: { host: "10.0.0.21", port: 5432 },
  pgbouncer: { host: "10.0.0.21", port: 6432 },
};

/** The files of docs/deploy/, by name. */
export function exampleFiles(): Record<string, string> {
  return {
    "haproxy.cfg": haproxyConfig({
      listen: { tls: { certificate: "/etc/haproxy/certs/mahalleh.pem" } },
      servers: EXAMPLE.apps,
      statsSocket: "/run/haproxy/admin.sock",
      metrics: { host: "127.0.0.1", port: 8404 },
      production: true,
    }),
    "pgbouncer.ini": pgbouncerIni({
      listen: { host: EXAMPLE.pgbouncer.host, port: EXAMPLE.pgbouncer.port },
      server: { host: "127.0.0.1", port: EXAMPLE.postgres.port, database: "mahalleh", user: "mahalleh" },
      database: "mahalleh",
      authFile: "/etc/pgbouncer/userlist.txt",
      authType: "scram-sha-256",
      unixSocketDir: "/var/run/postgresql",
      poolSize: 20,
      production: true,
    }),
    "mahalleh.service": systemdUnit(),
    "mahalleh.env": appEnvironmentFile({
      host: "0.0.0.0",
      port: 3000,
      databaseUrl: `postgres://mahalleh:change-me@${EXAMPLE.pgbouncer.host}:${EXAMPLE.pgbouncer.port}/mahalleh`,
      directUrl: `postgres://mahalleh:change-me@${EXAMPLE.postgres.host}:${EXAMPLE.postgres.port}/mahalleh`,
      origin: EXAMPLE.origin,
      poolSize: 10,
    }),
  };
}
