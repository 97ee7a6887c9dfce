"""The monthly report of a BAPAS office, read from laporan as the signed-in user: its figures as tables,
and the workbook and the PDF laporan renders, passed through."""
from flask import Blueprint, abort, g, render_template, request
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from services.portal import dates
from services.portal.clients import ApiError
from services.portal.forms import ReportForm
from services.portal.refusals import localise
from services.portal.routes.common import apply_problem, refuse_or_raise
from services.portal.security import STAFF

blp = Blueprint("laporan", __name__)
FORMATS = ("xlsx", "pdf")


def _form() -> ReportForm:
    """The month and office asked for; without a question, this month (in BAPAS_TIMEZONE) and the
    user's own office."""
    defaults = MultiDict({"month": dates.today().strftime("%Y-%m"), "bapas_office": g.user.bapas_office or ""})
    return ReportForm(CombinedMultiDict([request.args, defaults]))


def _not_for_partners():
    # laporan refuses partners (403): say so plainly instead of offering a form that cannot work.
    return render_template("laporan/bulanan.html", form=None, report=None, refused=True), 403


@blp.get("/laporan")
def monthly():
    if g.user.role not in STAFF:
        return _not_for_partners()
    form = _form()
    report = None
    # Asked for (or both defaults known): read it. An account without an office gets the empty form.
    asked = bool(request.args) or bool(form.bapas_office.data)
    if asked and form.validate():
        try:
            report = g.api.laporan.get("/reports/monthly", month=form.month.data,
                                       bapas_office=form.bapas_office.data.strip())
        except ApiError as refused:
            apply_problem(form, refused)          # 403 / 404 / 503 end the page as everywhere
    return render_template("laporan/bulanan.html", form=form, report=report, refused=False)


@blp.get("/laporan/unduh.<fmt>")
def download(fmt):
    if fmt not in FORMATS:
        abort(404)
    if g.user.role not in STAFF:
        return _not_for_partners()
    form = ReportForm(request.args)
    if not form.validate():
        abort(400, ", ".join(f"{form[name].label.text}: {messages[0]}" for name, messages in form.errors.items()))
    try:
        file = g.api.laporan.file("/reports/monthly", month=form.month.data, bapas_office=form.bapas_office.data.strip(),
                                  format=fmt)
    except ApiError as refused:
        if refused.status == 422:
            abort(400, localise(refused.detail))
        refuse_or_raise(refused)
        raise
    headers = {"Content-Disposition": file.disposition} if file.disposition else {}
    return file.content, 200, {"Content-Type": file.content_type, **headers}
