"""The report as an .xlsx workbook (openpyxl): one sheet per table, a title block on each, Indonesian
headings, numbers as numbers, the attendance rate as a percentage and dates as dates."""
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from services.laporan.tables import DATE, PERCENT, tables, title_block

HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
TITLE_ROWS = 5  # report name, office, month, produced, blank


def render(report: dict, tz) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables(report):
        sheet = book.create_sheet(table["sheet"])
        sheet.append([f"Laporan Bulanan BAPAS: {table['title']}"])
        sheet["A1"].font = Font(bold=True, size=13)
        for label, value in title_block(report, tz):
            sheet.append([label, value])
        sheet.append([])
        sheet.append(table["head"])
        for cell in sheet[TITLE_ROWS + 1]:
            cell.font, cell.fill = Font(bold=True), HEAD_FILL
        for row in table["rows"]:
            sheet.append(_cells(row, table.get("formats", {})))
            for column, kind in table.get("formats", {}).items():
                sheet.cell(row=sheet.max_row, column=column + 1).number_format = \
                    "0.0%" if kind == PERCENT else "DD-MM-YYYY"
        for index, heading in enumerate(table["head"], start=1):
            width = max([len(str(heading))] + [len(str(r[index - 1])) for r in table["rows"]]) + 2
            sheet.column_dimensions[get_column_letter(index)].width = max(width, 14 if index > 1 else 24)
        sheet.freeze_panes = sheet.cell(row=TITLE_ROWS + 2, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(row: list, formats: dict) -> list:
    return [date.fromisoformat(v) if formats.get(i) == DATE and v else v for i, v in enumerate(row)]
