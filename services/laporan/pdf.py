"""The report as a printable A4 PDF (ReportLab): the title block, then every table."""
import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.laporan.tables import PERCENT, month_title, tables, title_block

STYLE = TableStyle([
    ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5), ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8C9BAB")),
    ("ALIGN", (1, 1), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
])


def _shown(value, kind) -> str:
    if value is None:
        return "-"
    if kind == PERCENT:
        return f"{value * 100:.1f}%".replace(".", ",")
    return str(value)


def render(report: dict, tz) -> bytes:
    out = io.BytesIO()
    styles = getSampleStyleSheet()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                                 bottomMargin=15 * mm, title=f"Laporan Bulanan {report['bapas_office']} "
                                                             f"{month_title(report['month'])}")
    story = [Paragraph("Laporan Bulanan BAPAS", styles["Title"])]
    story.append(Table([[label, value] for label, value in title_block(report, tz)], hAlign="LEFT",
                       style=[("FONT", (0, 0), (0, -1), "Helvetica-Bold", 10)]))
    for table in tables(report):
        formats = table.get("formats", {})
        rows = [[_shown(v, formats.get(i)) for i, v in enumerate(row)] for row in table["rows"]]
        story += [Spacer(1, 5 * mm), Paragraph(table["title"], styles["Heading3"])]
        if not rows:
            story.append(Paragraph("Tidak ada data pada bulan ini.", styles["Italic"]))
            continue
        story.append(Table([table["head"], *rows], hAlign="LEFT", repeatRows=1, style=STYLE))
    document.build(story)
    return out.getvalue()
