"""The report as a workbook and as a PDF: same figures, Indonesian headings, numbers as numbers."""
import io
from datetime import date

from openpyxl import load_workbook

from services.laporan.api import XLSX
from tests.integration.laporan.conftest import bearer
from tests.integration.laporan.test_figures import month_of_activity

QUERY = {"month": "2026-11", "bapas_office": "palembang"}
SHEETS = ["Klien", "Jenis Pembimbingan", "Program Bimbingan", "Jenis Bimbingan", "Kehadiran", "Wajib Lapor",
          "Kelompok", "PKS Berakhir"]


def rows(sheet) -> dict:
    """Label -> the row's other cells, below the title block and the heading row."""
    return {row[0]: list(row[1:]) for row in sheet.iter_rows(min_row=7, values_only=True) if row[0] is not None}


def test_the_workbook_by_accept_header(world, applier, http):
    month_of_activity(world)
    for event in world.events:
        applier.apply(event)
    applier.redis.hset("laporan:group-names", world.events[0]["subject"], "Yayasan Bina Insan")
    response = http.get("/reports/monthly", query_string=QUERY, headers={**bearer("officer"), "Accept": XLSX})
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="laporan-bulanan-2026-11-bapas-palembang.xlsx"'
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == SHEETS
    clients = book["Klien"]
    assert clients["A2"].value == "Kantor BAPAS" and clients["B2"].value == "palembang"
    assert clients["B3"].value == "November 2026" and clients["A4"].value == "Dibuat"
    assert [c.value for c in clients[6]] == ["Uraian", "Jumlah"]
    assert rows(clients) == {"Mulai dibimbing bulan ini": [2], "Aktif di akhir bulan": [2],
                             "Selesai (pengakhiran bimbingan)": [0], "Dicabut": [1], "Dipindahkan": [0]}
    assert rows(book["Jenis Pembimbingan"])["Pembebasan Bersyarat (PB)"] == [1]
    assert rows(book["Kehadiran"]) == {"Hadir": [1], "Terlambat": [0], "Tidak hadir": [0], "Izin": [1]}
    group = rows(book["Kelompok"])["Yayasan Bina Insan"]
    assert group == [2, 1, 1.0, 1, 1, 0, 0]
    assert book["Kelompok"]["D7"].number_format == "0.0%"
    pks = rows(book["PKS Berakhir"])["PKS-7/2026"]
    assert pks[0] == "Yayasan Bina Insan" and pks[1].date() == date(2026, 12, 20) and pks[2] == "aktif"


def test_the_workbook_and_pdf_by_format(world, applier, http):
    month_of_activity(world)
    for event in world.events:
        applier.apply(event)
    xlsx = http.get("/reports/monthly", query_string={**QUERY, "format": "xlsx"}, headers=bearer())
    assert xlsx.mimetype == XLSX and load_workbook(io.BytesIO(xlsx.data)).sheetnames == SHEETS
    pdf = http.get("/reports/monthly", query_string={**QUERY, "format": "pdf"}, headers=bearer("admin"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"].endswith('laporan-bulanan-2026-11-bapas-palembang.pdf"')
    by_accept = http.get("/reports/monthly", query_string=QUERY, headers={**bearer(), "Accept": "application/pdf"})
    assert by_accept.mimetype == "application/pdf"
    as_json = http.get("/reports/monthly", query_string=QUERY, headers={**bearer(), "Accept": "*/*"})
    assert as_json.get_json()["clients"]["registered"] == 2


def test_an_empty_month_is_all_zeros_in_every_format(http):
    report = http.get("/reports/monthly", query_string=QUERY, headers=bearer()).get_json()
    assert report["clients"]["registered"] == 0 and report["groups"] == []
    book = load_workbook(io.BytesIO(http.get("/reports/monthly", query_string={**QUERY, "format": "xlsx"},
                                             headers=bearer()).data))
    assert rows(book["Kelompok"]) == {}
    assert http.get("/reports/monthly", query_string={**QUERY, "format": "pdf"}, headers=bearer()).status_code == 200
