"""laporan HTTP: the monthly report as JSON, an Excel workbook or a PDF; the months it holds."""
from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from services.laporan import tables, usecases
from services.laporan.schemas import HeldMonths, MonthlyReport, RegionsArgs, RegionsReport, ReportArgs
from shared import clock
from shared.authz import READ_REPORTS, requires

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _rendered(wanted: str, report: dict, tz) -> tuple[str, bytes]:
    # openpyxl and ReportLab load when a file is first asked for, not at start: every service's worker
    # loads this module (its relay declares laporan's queue too) and should not pay ~0.7 s for them.
    if wanted == "xlsx":
        from services.laporan import workbook
        return XLSX, workbook.render(report, tz)
    from services.laporan import pdf
    return PDF, pdf.render(report, tz)


def _wanted(args: dict) -> str:
    """`format` wins; otherwise the Accept header chooses between JSON, xlsx and PDF."""
    if args["format"]:
        return args["format"]
    best = request.accept_mimetypes.best_match(["application/json", XLSX, PDF], default="application/json")
    return {XLSX: "xlsx", PDF: "pdf"}.get(best, "json")


def blueprint(reader, tz) -> Blueprint:
    blp = Blueprint("reports", __name__, description="Monthly reports per BAPAS office, kept from events")

    @blp.route("/reports/monthly")
    class Monthly(MethodView):
        @requires(READ_REPORTS)
        # A parameter the report does not know is 422 naming it, never silently ignored.
        @blp.arguments(ReportArgs, location="query", unknown=RAISE)
        @blp.response(200, MonthlyReport)
        @blp.doc(description=f"JSON by default; `format=xlsx` or `Accept: {XLSX}` answers an Excel workbook, "
                             "`format=pdf` (or `Accept: application/pdf`) a printable PDF. Months are calendar "
                             "months in BAPAS_TIMEZONE.",
                 responses={"200": {"description": "The report: JSON, an Excel workbook or a PDF", "content": {
                     "application/json": {"schema": {"$ref": "#/components/schemas/MonthlyReport"}},
                     **{mimetype: {"schema": {"type": "string", "format": "binary"}} for mimetype in (XLSX, PDF)}}}})
        def get(self, args):
            report = usecases.monthly_report(reader, args["bapas_office"], args["month"], clock.instant())
            wanted = _wanted(args)
            if wanted == "json":
                return report
            mimetype, body = _rendered(wanted, report, tz)
            name = tables.file_name(report, wanted)
            return Response(body, mimetype=mimetype,
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @blp.route("/reports/regions")
    class Regions(MethodView):
        @requires(READ_REPORTS)
        @blp.arguments(RegionsArgs, location="query", unknown=RAISE)
        @blp.response(200, RegionsReport)
        def get(self, args):
            """The month's figures of every office summed per region (the region of the events that named
            the office) and in total: a national view gathers several regions' events (docs/operations.md)."""
            return usecases.regions_report(reader, args["month"], clock.instant())

    @blp.route("/reports/months")
    class Months(MethodView):
        @requires(READ_REPORTS)
        @blp.response(200, HeldMonths)
        def get(self):
            """Every (office, month) laporan holds figures for, oldest first."""
            return {"items": [{"bapas_office": office, "month": month} for office, month in reader.held()]}

    return blp
