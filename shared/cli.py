"""The `bapas` command: run the stack, serve one API, run one worker, issue tokens, and
the operator's tools (each in shared/commands/)."""
import argparse
import importlib
import os
import sys
from pathlib import Path

from shared.config import SERVICES, WEB_APPS, load_settings, service_port

# Operator commands live in shared/commands/<name>.py, each with register(subparsers).
COMMAND_MODULES = ("dead", "replay", "rebuild_views", "docs_events", "migrate", "user")


def data_dir() -> Path:
    return Path(os.environ.get("BAPAS_DATA_DIR") or Path.cwd() / ".data")


def _require_secret(settings) -> None:
    if not settings.jwt_secret and not settings.jwt_public_key:
        raise SystemExit("BAPAS_JWT_SECRET is not set: the services refuse to start without it "
                         "(`make run` generates one for local use)")
    if settings.jwt_public_key and not (settings.jwt_audience and settings.jwt_issuer):
        raise SystemExit("BAPAS_JWT_PUBLIC_KEY is set without BAPAS_JWT_AUDIENCE and BAPAS_JWT_ISSUER: the "
                         "services would accept a token the identity provider issued for another application")


def cmd_run(_args) -> int:
    from shared import supervisor
    return supervisor.run(data_dir())


def cmd_serve(args) -> int:
    from shared import http_server, metrics
    settings = load_settings()
    _require_secret(settings)
    access_log = bool(os.environ.get("BAPAS_ACCESS_LOG"))
    if settings.http_server == "gunicorn":
        argv = http_server.gunicorn_argv(args.service, settings, access_log)
    else:
        argv = http_server.granian_argv(args.service)
    os.environ["BAPAS_SERVICE"] = args.service
    metrics.prepare_multiprocess(args.service, service_port(args.service), settings.http_workers)
    os.execv(sys.executable, argv)
    return 0


def cmd_worker(args) -> int:
    from shared import logs, service
    from shared.runtime import build_runtime
    from shared.worker import run_worker
    settings = load_settings()
    _require_secret(settings)
    logs.configure(args.service)
    definition = service.load(args.service)
    run_worker(build_runtime(args.service, definition.catalog, settings), definition)
    return 0


def cmd_worker_health(args) -> int:
    from shared import redis_tx
    from shared.worker import healthy_here
    return 0 if healthy_here(redis_tx.connect(load_settings().redis_url), args.service) else 1


def _token_secret(settings) -> str:
    """The configured secret, else the one `make run` keeps for its local stack; never a new one:
    a token signed with a secret the target stack does not have only ever gets 401 there."""
    if settings.jwt_secret:
        return settings.jwt_secret
    kept = data_dir() / "jwt-secret"
    if kept.is_file():
        print(f"bapas: BAPAS_JWT_SECRET is not set: signing with the local stack's secret kept in {kept}",
              file=sys.stderr)
        return kept.read_text().strip()
    raise SystemExit("bapas token: no secret is configured (BAPAS_JWT_SECRET or BAPAS_JWT_SECRET_FILE) and no "
                     f"local stack keeps one in {kept}. Run it where the stack's secret is set, e.g. "
                     "`docker compose exec klien bapas token --role admin` for a compose stack")


def cmd_token(args) -> int:
    from shared import auth
    settings = load_settings()
    print(auth.token_for(settings, secret=_token_secret(settings), role=args.role, sub=args.sub,
                         region=args.region, group_id=args.group, ttl_seconds=args.ttl))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bapas", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the whole stack locally (embedded Redis unless REDIS_URL)").set_defaults(
        func=cmd_run)
    for name, func, text, choices in (
            ("serve", cmd_serve, "serve one service's HTTP API (or the portal) under gunicorn, or granian "
                                 "(BAPAS_HTTP_SERVER)", SERVICES + WEB_APPS),
            ("worker", cmd_worker, "run one service's worker (relay, consumer, tasks)", SERVICES),
            ("worker-health", cmd_worker_health, "exit 0 if a worker on this host is alive", SERVICES)):
        command = sub.add_parser(name, help=text)
        command.add_argument("service", choices=choices)
        command.set_defaults(func=func)
    token = sub.add_parser("token", help="print a JWT signed with the configured secret")
    token.add_argument("--role", required=True, choices=("admin", "officer", "partner", "auditor"))
    token.add_argument("--sub", default="cli-user")
    token.add_argument("--region", default=None, help="defaults to BAPAS_REGION")
    token.add_argument("--group", default=None, help="the group id, for a partner")
    token.add_argument("--ttl", type=int, default=None,
                       help="seconds until it expires (default and most: BAPAS_JWT_MAX_LIFETIME_SECONDS)")
    token.set_defaults(func=cmd_token)
    for module in COMMAND_MODULES:
        importlib.import_module(f"shared.commands.{module}").register(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except ValueError as exc:
        print(f"bapas: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
