"""The report as a printable A4 PDF (ReportLab): the title block, then every table, fitted to the page
width (headings wrap; numbers right-aligned, text left)."""
import io
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.laporan.tables import DATE, PERCENT, month_title, tables, title_block

MARGIN = 15 * mm
KEEP_WHOLE = 15
WIDTH = A4[0] - 2 * MARGIN
HEAD = ParagraphStyle("head", fontName="Helvetica-Bold", fontSize=8.5, leading=10)
CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=8.5, leading=10)
BASE = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8C9BAB")),
        ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]


def _shown(value, kind) -> str:
    if value is None:
        return "-"
    if kind == PERCENT:
        return f"{value * 100:.1f}%".replace(".", ",")
    if kind == DATE:
        return date.fromisoformat(value).strftime("%d-%m-%Y")
    return str(value)


def _widths(head: list[str], rows: list[list[str]]) -> list[float]:
    """Every column but the first as wide as its longest heading word or value; the first takes the rest
    (up to what it needs), so headings wrap between words, never inside one."""
    padding = 12

    def need(i: int) -> float:
        words = [stringWidth(w, HEAD.fontName, HEAD.fontSize) for w in head[i].split()]
        values = [stringWidth(r[i], CELL.fontName, CELL.fontSize) for r in rows]
        return max(words + values) + padding

    rest = [need(i) for i in range(1, len(head))]
    first = max(stringWidth(r[0], CELL.fontName, CELL.fontSize) for r in rows) + padding
    first = max(min(first, WIDTH - sum(rest)), need(0))
    return [first, *[max(w, 16 * mm) for w in rest]]


def _table(table: dict) -> Table:
    formats, rows = table.get("formats", {}), table["rows"]
    numeric = [i for i in range(len(table["head"]))
               if rows and all(isinstance(r[i], (int, float)) or r[i] is None for r in rows)]
    head = [Paragraph(h, HEAD) for h in table["head"]]
    body = [[v if i in numeric else Paragraph(v, CELL) for i, v in
             enumerate(_shown(v, formats.get(i)) for i, v in enumerate(row))] for row in rows]
    widths = _widths(table["head"], [[_shown(v, formats.get(i)) for i, v in enumerate(r)] for r in rows])
    style = BASE + [("ALIGN", (i, 1), (i, -1), "RIGHT") for i in numeric]
    return Table([head, *body], colWidths=widths, hAlign="LEFT", repeatRows=1, style=TableStyle(style))


def render(report: dict, tz) -> bytes:
    out = io.BytesIO()
    styles = getSampleStyleSheet()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                 bottomMargin=MARGIN, title=f"Laporan Bulanan {report['bapas_office']} "
                                                            f"{month_title(report['month'])}")
    heading = ParagraphStyle("section", parent=styles["Heading3"], keepWithNext=1)
    story = [Paragraph("Laporan Bulanan BAPAS", styles["Title"]),
             Table([[label, value] for label, value in title_block(report, tz)], hAlign="LEFT",
                   style=[("FONT", (0, 0), (0, -1), "Helvetica-Bold", 10)])]
    for table in tables(report):
        shown = _table(table) if table["rows"] else Paragraph("Tidak ada data pada bulan ini.", styles["Italic"])
        section = [Paragraph(table["title"], heading), shown]
        # A short table stays whole on one page; a long one (every group) flows on with its heading row.
        story += [Spacer(1, 5 * mm), *([KeepTogether(section)] if len(table["rows"]) <= KEEP_WHOLE else section)]
    document.build(story)
    return out.getvalue()
