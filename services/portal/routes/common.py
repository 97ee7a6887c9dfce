"""What every area's pages share: turning a service's refusal into what a person can act on."""
from flask import abort, flash, render_template, request
from flask_babel import gettext as _

from services.portal import labels
from services.portal.clients import ApiError
from services.portal.refusals import localise


def refuse_or_raise(error: ApiError) -> None:
    """A refusal about the page itself (no such record, not allowed, service away) ends the page."""
    if error.status in (403, 404):
        abort(error.status)
    if error.status in (401, 503) or error.status >= 500:
        abort(503)


def apply_problem(form, error: ApiError, field_map: dict | None = None) -> None:
    """Put a service's refusal of a form beside the fields it names, and its gist above them.

    The service's message says exactly what to change; it is shown in the page's language."""
    refuse_or_raise(error)
    field_map = field_map or {}
    placed = False
    for name, messages in error.field_errors.items():
        field = getattr(form, field_map.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [localise(m) for m in messages]
            placed = True
    if error.status == 412:
        form.form_errors.append(_("Someone else changed this record meanwhile. Open it again and redo "
                                  "your change."))
    elif not placed:
        form.form_errors.append(_("The service refused this: %(detail)s", detail=localise(error.detail)))


def saved(message: str) -> None:
    flash(message, "success")


def form_page(template: str, form, **context):
    """A form page: 400 when what was sent is refused, so the answer says so as well as the page."""
    status = 400 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, labels=labels, **context), status
