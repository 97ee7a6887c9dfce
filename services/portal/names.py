"""Programs and groups named as a page shows them, from klien's guidance view: klien keeps the names pokmas
publishes with each client's enrollments, so a PK's pages need not list the region's whole catalogue (which
grows with the region) to name a handful. pokmas is asked, one call each, only for those klien has not named
yet (its copy follows pokmas's events)."""
from services.portal.clients import parallel


def named(pokmas, entries: list[dict], program_ids: set[str], group_ids: set[str] = frozenset()) -> tuple[dict, dict]:
    """(program id -> {id, name, guidance_type}, group id -> {id, name}) for `program_ids` and `group_ids`, from
    the guidance `entries` (klien's), else from pokmas; one it cannot name is left out (the page shows no name)."""
    programs = {e["program_id"]: {"id": e["program_id"], "name": e["program_name"],
                                  "guidance_type": e.get("guidance_type")}
                for e in entries if e["program_id"] in program_ids and e.get("program_name")}
    groups = {e["group_id"]: {"id": e["group_id"], "name": e["group_name"]}
              for e in entries if e.get("group_id") in group_ids and e.get("group_name")}
    asked = {f"programs/{pid}": programs for pid in program_ids - set(programs)}
    asked.update({f"groups/{gid}": groups for gid in group_ids - set(groups)})
    got = parallel(**{path: (lambda path=path: pokmas.get(f"/{path}")) for path in asked})
    for path, names in asked.items():
        if got[path].value_or(None):
            names[path.split("/")[1]] = got[path].value
    return programs, groups
