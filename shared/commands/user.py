"""`bapas user add`: a portal account, its password printed once (or read from stdin)."""
import sys

from shared.auth import ROLES


def register(subparsers) -> None:
    user = subparsers.add_parser("user", help="portal accounts")
    actions = user.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create a portal account and print its password once")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--group", default=None, help="the group's id, for a partner")
    add.add_argument("--name", default="")
    add.add_argument("--bapas-office", default="")
    add.add_argument("--nip", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    add.set_defaults(func=cmd_add)


def cmd_add(args) -> int:
    from services.portal.accounts import Account, AccountError, AccountStore
    from shared import redis_tx
    from shared.config import load_settings
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else None
    store = AccountStore(redis_tx.connect(load_settings().redis_url))
    account = Account(username=args.username, role=args.role, name=args.name, group_id=args.group,
                      bapas_office=args.bapas_office, nip=args.nip)
    try:
        password_made = store.add(account, password)
    except AccountError as error:
        print(f"bapas: {error}", file=sys.stderr)
        return 2
    if not args.password_stdin:
        print(password_made)
    print(f"account {args.username} ({args.role}) created", file=sys.stderr)
    return 0
