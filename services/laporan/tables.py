"""The report as titled tables with Indonesian headings, the one layout the workbook and the PDF
both print (pure). Numbers stay numbers; the attendance rate is a fraction (shown as a percentage)."""
from datetime import datetime
from zoneinfo import ZoneInfo

MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember")
SUPERVISION_ID = {"PB": "Pembebasan Bersyarat (PB)", "CB": "Cuti Bersyarat (CB)",
                  "CMB": "Cuti Menjelang Bebas (CMB)", "ASIMILASI": "Asimilasi",
                  "PIDANA_BERSYARAT": "Pidana Bersyarat", "DIVERSI": "Diversi"}
GUIDANCE_ID = {"kepribadian": "Bimbingan kepribadian", "kemandirian": "Bimbingan kemandirian"}
STATUS_ID = {"active": "aktif", "suspended": "ditangguhkan", "expired": "berakhir"}
ATTENDANCE_HEAD = ["Hadir", "Terlambat", "Tidak hadir", "Izin"]
ATTENDANCE = ("present", "late", "absent", "excused")
PERCENT, DATE = "percent", "date"


def month_title(month: str) -> str:
    return f"{MONTHS_ID[int(month[5:]) - 1]} {month[:4]}"


def produced_title(instant: str, tz: ZoneInfo) -> str:
    moment = datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(tz)
    return f"{moment:%d-%m-%Y %H:%M} {moment.tzname()}"


def title_block(report: dict, tz: ZoneInfo) -> list[tuple[str, str]]:
    return [("Kantor BAPAS", report["bapas_office"]), ("Bulan", month_title(report["month"])),
            ("Dibuat", produced_title(report["produced_at"], tz))]


def file_name(report: dict, extension: str) -> str:
    office = "".join(c if c.isascii() and c.isalnum() else "-" for c in report["bapas_office"].lower()).strip("-") \
        or "kantor"
    if not office.startswith("bapas"):
        office = f"bapas-{office}"
    return f"laporan-bulanan-{report['month']}-{office}.{extension}"


def tables(report: dict) -> list[dict]:
    """[{"sheet", "title", "head", "rows", "formats"}]: formats name a column's kind (PERCENT, DATE)."""
    c, e, a, r = report["clients"], report["enrollments"], report["attendance"], report["reporting"]
    groups = report["groups"]
    return [
        {"sheet": "Klien", "title": "Klien pemasyarakatan", "head": ["Uraian", "Jumlah"], "rows": [
            ["Mulai dibimbing bulan ini", c["registered"]], ["Aktif di akhir bulan", c["active_at_end"]],
            ["Selesai (pengakhiran bimbingan)", c["ended"]["completed"]], ["Dicabut", c["ended"]["revoked"]],
            ["Dipindahkan", c["ended"]["transferred"]]]},
        {"sheet": "Jenis Pembimbingan", "title": "Klien aktif di akhir bulan menurut jenis pembimbingan",
         "head": ["Jenis pembimbingan", "Jumlah"],
         "rows": [[SUPERVISION_ID[k], n] for k, n in c["by_supervision_type"].items()]},
        {"sheet": "Program Bimbingan", "title": "Keikutsertaan program bimbingan", "head": ["Uraian", "Jumlah"],
         "rows": [["Pendaftaran baru", e["created"]], ["Selesai", e["completed"]], ["Ditarik", e["withdrawn"]],
                  ["Aktif di akhir bulan", e["active_at_end"]]]},
        {"sheet": "Jenis Bimbingan", "title": "Menurut jenis bimbingan",
         "head": ["Jenis bimbingan", "Pendaftaran baru", "Selesai", "Ditarik", "Sesi terlaksana", *ATTENDANCE_HEAD],
         "rows": [[GUIDANCE_ID[k], g["enrollments_created"], g["enrollments_completed"], g["enrollments_withdrawn"],
                   g["sessions_held"], *[g["attendance"][x] for x in ATTENDANCE]]
                  for k, g in report["by_guidance_type"].items()]},
        {"sheet": "Kehadiran", "title": "Kehadiran sesi bimbingan", "head": ["Kehadiran", "Jumlah"],
         "rows": [[h, a[x]] for h, x in zip(ATTENDANCE_HEAD, ATTENDANCE)]},
        {"sheet": "Wajib Lapor", "title": "Wajib lapor", "head": ["Uraian", "Jumlah"],
         "rows": [["Ditepati", r["kept"]], ["Terlewat", r["missed"]]]},
        {"sheet": "Kelompok", "title": "POKMAS LIPAS",
         "head": ["Nama kelompok", "Sesi terlaksana", "Peserta", "Tingkat kehadiran", "Selesai", "Tercapai",
                  "Tercapai sebagian", "Tidak tercapai"],
         "formats": {3: PERCENT},
         "rows": [[g["name"] or g["group_id"], g["sessions_held"], g["participants"], g["attendance_rate"],
                   g["completed"], g["outcomes"]["achieved"], g["outcomes"]["partially_achieved"],
                   g["outcomes"]["not_achieved"]] for g in groups]},
        {"sheet": "PKS Berakhir", "title": "PKS yang berakhir dalam 60 hari",
         "head": ["Nomor PKS", "Kelompok", "Berlaku sampai", "Status"],
         "formats": {2: DATE},
         "rows": [[x["number"], x["group_name"] or x["group_id"], x["valid_until"],
                   STATUS_ID.get(x["status"], x["status"])] for x in report["agreements_expiring"]]},
    ]
