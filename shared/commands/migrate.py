"""`bapas migrate <service>`: upgrade the service's stored records to the data version its code
expects (shared/migrate.py). Idempotent and resumable: run it again after an interruption.
`--status` only says where the data stands (exit 1 while a migration is pending)."""
from shared import migrate, redis_tx
from shared.config import SERVICES, load_settings


def cmd_migrate(args) -> int:
    migrator = migrate.Migrator(redis_tx.connect(load_settings().redis_url), args.service,
                                migrate.declared(args.service))
    pending = migrator.pending()
    print(f"{args.service}: data version {migrator.current()}, code expects {migrator.target()}")
    if args.status:
        for migration in pending:
            print(f"  pending {migration.version}: {migration.description}")
        return 1 if pending else 0
    for migration, rewritten in migrator.run():
        print(f"  {migration.version}: {migration.description}: {rewritten} record(s) rewritten")
    left = migrator.pending()
    print(f"{args.service}: data version {migrator.current()}" + (f", {len(left)} pending" if left else ""))
    return 1 if left else 0


def register(sub) -> None:
    command = sub.add_parser("migrate", help="upgrade a service's stored records to its code's data version")
    command.add_argument("service", choices=SERVICES)
    command.add_argument("--status", action="store_true", help="only show the data version and what is pending")
    command.set_defaults(func=cmd_migrate)
