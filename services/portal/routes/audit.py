"""Audit trails of the services, for auditors and the head of office: filterable, each entry linked to
the portal page of what it touched."""
import re

from flask import Blueprint, g, render_template, request, url_for

from services.portal.clients import ApiError
from services.portal.forms import AuditForm
from services.portal.security import roles

blp = Blueprint("audit", __name__)
PAGE = 200
LINKS = ((re.compile(r"^/clients/([0-9a-f-]{36})"), "klien.show", "client_id"),
         (re.compile(r"^/agreements/([0-9a-f-]{36})"), "pokmas.agreement", "agreement_id"),
         (re.compile(r"^/groups/([0-9a-f-]{36})"), "pokmas.group", "group_id"),
         (re.compile(r"^/sessions/([0-9a-f-]{36})"), "sesi.attendance", "session_id"))


def link_of(path: str | None) -> str | None:
    for pattern, endpoint, arg in LINKS:
        found = pattern.match(path or "")
        if found:
            return url_for(endpoint, **{arg: found.group(1)})
    return None


@blp.get("/audit")
@roles("admin", "auditor")
def trail():
    form = AuditForm(request.args)
    service = form.service.data if form.service.data in ("klien", "pokmas", "bimbingan") else "klien"
    after = request.args.get("setelah") or None
    error = None
    api = g.api.by_name(service)
    # Auditors read the latest first; a service whose trail pages only oldest first is read that way.
    newest_first = api.offers("/audit", "order")
    try:
        page = api.get("/audit", after=after, limit=PAGE, order="newest" if newest_first else None)
    except ApiError as refused:
        if refused.status != 422:
            raise
        page, error = {"items": [], "next_after": None}, refused
    who, action = (form.who.data or "").strip(), (form.action.data or "").strip()
    items = [e for e in page["items"]
             if (not who or e.get("sub") == who) and (not action or action in (e.get("action") or ""))]
    return render_template("audit/jejak.html", form=form, service=service, items=items, link_of=link_of,
                           next_after=page.get("next_after"), error=error,
                           newest_first=newest_first)
