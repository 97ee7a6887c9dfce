"""`bapas migrate <service>`: upgrade the service's stored records to the data version its code
expects (shared/migrate.py). Idempotent and resumable: run it again after an interruption.
`--status` only says where the data stands (exit 1 while a migration is pending); `--review`
lists the notes a migration left for a person (a value no rule could map), `--forget-review`
deletes them once done; `--from VERSION` runs the later migrations again."""
from shared import migrate, redis_tx
from shared.config import SERVICES, load_settings


def cmd_migrate(args) -> int:
    settings = load_settings()
    migrator = migrate.Migrator(redis_tx.connect(settings.redis_url), args.service,
                                migrate.declared(args.service), settings)
    if args.review:
        return _review(migrator)
    if args.forget_review:
        print(f"{args.service}: {migrator.forget_notes()} note(s) deleted")
        return 0
    if args.again_from is not None:
        migrator.restart_from(args.again_from)
    pending = migrator.pending()
    print(f"{args.service}: data version {migrator.current()}, code expects {migrator.target()}")
    if args.status:
        for migration in pending:
            print(f"  pending {migration.version}: {migration.description}")
        _count_notes(migrator)
        return 1 if pending else 0
    for done in migrator.run(batch=args.batch, max_batches=args.max_batches):
        print(f"  {done.migration.version}: {done.migration.description}: {done.rewritten} key(s) rewritten"
              + (f", {done.noted} to review" if done.noted else ""))
    left = migrator.pending()
    print(f"{args.service}: data version {migrator.current()}"
          + (f", {len(left)} pending: run it again to resume" if left else ""))
    _count_notes(migrator)
    return 1 if left else 0


def _count_notes(migrator) -> None:
    count = sum(len(notes) for notes in migrator.notes().values())
    if count:
        print(f"{migrator.service}: {count} record(s) to review: bapas migrate {migrator.service} --review")


def _review(migrator) -> int:
    for version, notes in sorted(migrator.notes().items()):
        for key, note in sorted(notes.items()):
            print(f"{version}\t{key}\t{note}")
    return 0


def register(sub) -> None:
    command = sub.add_parser("migrate", help="upgrade a service's stored records to its code's data version")
    command.add_argument("service", choices=SERVICES)
    command.add_argument("--status", action="store_true", help="only show the data version and what is pending")
    command.add_argument("--review", action="store_true",
                         help="list what the migrations left for a person to review (tab-separated)")
    command.add_argument("--forget-review", action="store_true",
                         help="delete those notes once reviewed (they may quote what the record held)")
    command.add_argument("--batch", type=int, default=200, help="keys asked of each SCAN (default 200)")
    command.add_argument("--max-batches", type=int, default=None,
                         help="stop after this many SCAN batches (a later run resumes)")
    command.add_argument("--from", dest="again_from", type=int, metavar="VERSION", default=None,
                         help="run the migrations above VERSION again (after older code wrote to migrated data)")
    command.set_defaults(func=cmd_migrate)
