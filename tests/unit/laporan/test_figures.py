"""The report from kept counters: flows of the month, running totals for what is active at its end."""
from services.laporan import figures, tables

BY_MONTH = {
    "2026-09": {"clients.started": 3, "clients.started.PB": 2, "clients.started.CB": 1,
                "enrollments.created": 2},
    "2026-10": {"clients.started": 1, "clients.started.PB": 1, "clients.ended.completed": 1,
                "clients.ended_type.PB": 1, "enrollments.completed": 1},
    "2026-11": {"clients.started": 2, "clients.started.DIVERSI": 2, "clients.ended.revoked": 1,
                "clients.ended_type.CB": 1, "attendance.present": 7, "reporting.missed": 2,
                "enrollments.created": 1, "enrollments.withdrawn": 1},
    "2026-12": {"clients.started": 5, "clients.started.PB": 5},
}


def test_flows_are_the_months_own_and_stocks_run_up_to_its_end():
    got = figures.monthly("palembang", "2026-11", BY_MONTH, [], [])
    assert got["clients"] == {"registered": 2, "active_at_end": 4,
                              "ended": {"completed": 0, "revoked": 1, "transferred": 0},
                              "by_supervision_type": {"PB": 2, "CB": 0, "CMB": 0, "ASIMILASI": 0,
                                                      "PIDANA_BERSYARAT": 0, "DIVERSI": 2}}
    assert got["enrollments"] == {"created": 1, "completed": 0, "withdrawn": 1, "active_at_end": 1}
    assert got["attendance"] == {"present": 7, "late": 0, "absent": 0, "excused": 0}
    assert got["reporting"] == {"kept": 0, "missed": 2}


def test_a_month_without_counters_still_has_its_running_totals():
    assert figures.monthly("palembang", "2027-03", BY_MONTH, [], [])["clients"]["active_at_end"] == 9
    assert figures.monthly("palembang", "2026-08", BY_MONTH, [], [])["clients"]["active_at_end"] == 0


def test_attendance_rate_leaves_excused_out_and_is_none_without_marks():
    assert figures.attendance_rate({"present": 2, "late": 1, "absent": 1, "excused": 5}) == 0.75
    assert figures.attendance_rate({"excused": 3}) is None
    g = figures.group("g1", "Yayasan", {"marks.present": 1, "marks.absent": 2, "sessions_held": 3,
                                        "participants": 1})
    assert g["attendance_rate"] == 0.3333 and g["sessions_held"] == 3 and g["participants"] == 1


def test_file_names_and_titles_are_indonesian_and_safe():
    report = {"month": "2026-11", "bapas_office": "Palembang", "produced_at": "2026-11-28T17:30:00.000Z"}
    assert tables.file_name(report, "xlsx") == "laporan-bulanan-2026-11-bapas-palembang.xlsx"
    assert tables.file_name({**report, "bapas_office": "BAPAS Kelas I Palembang"}, "pdf") == \
        "laporan-bulanan-2026-11-bapas-kelas-i-palembang.pdf"
    assert tables.file_name({**report, "bapas_office": '"; rm'}, "pdf") == "laporan-bulanan-2026-11-bapas-rm.pdf"
    assert tables.file_name({**report, "bapas_office": "Bandar Lampung é"}, "pdf") == \
        "laporan-bulanan-2026-11-bapas-bandar-lampung.pdf"
    assert tables.month_title("2026-02") == "Februari 2026"


def test_regions_sum_their_offices_and_the_total_sums_every_office():
    palembang = figures.monthly("palembang", "2026-11", BY_MONTH, [], [])
    bandung = figures.monthly("bandung", "2026-11", {"2026-11": {"clients.started": 4, "attendance.present": 1}},
                              [], [])
    unplaced = figures.monthly("baturaja", "2026-11", {"2026-11": {"clients.started": 1}}, [], [])
    got = figures.by_region("2026-11", {"palembang": palembang, "bandung": bandung, "baturaja": unplaced},
                            {"palembang": "sumsel", "bandung": "jabar"})
    regions = {entry["region"]: entry for entry in got["regions"]}
    assert [entry["region"] for entry in got["regions"]] == ["jabar", "sumsel", "unknown"]
    assert regions["sumsel"]["offices"] == ["palembang"] and regions["sumsel"]["clients"] == palembang["clients"]
    assert regions["jabar"]["clients"]["registered"] == 4 and regions["unknown"]["offices"] == ["baturaja"]
    assert got["total"]["offices"] == ["bandung", "baturaja", "palembang"]
    assert got["total"]["clients"]["registered"] == 2 + 4 + 1
    assert got["total"]["clients"]["active_at_end"] == 4 + 4 + 1
    assert got["total"]["attendance"] == {"present": 8, "late": 0, "absent": 0, "excused": 0}
    assert got["total"]["by_guidance_type"]["kemandirian"]["attendance"]["present"] == 0


def test_no_office_yet_is_zeros_not_an_error():
    got = figures.by_region("2026-11", {}, {})
    assert got["regions"] == [] and got["total"]["offices"] == [] and got["total"]["clients"]["registered"] == 0
