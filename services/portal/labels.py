"""What a person reads for each code the services answer (translated through the catalogues)."""
import sys
from types import SimpleNamespace

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from markupsafe import Markup

SUPERVISION_TYPES = {
    "PB": _l("Parole (PB)"), "CB": _l("Conditional leave (CB)"), "CMB": _l("Leave before release (CMB)"),
    "ASIMILASI": _l("Assimilation"), "PIDANA_BERSYARAT": _l("Conditional sentence"),
    "DIVERSI": _l("Diversion (child)"),
}
OFFENCE_CATEGORIES = {
    "narkotika": _l("Narcotics"), "terorisme": _l("Terrorism"), "korupsi": _l("Corruption"),
    "pencurian": _l("Theft"), "penipuan_penggelapan": _l("Fraud and embezzlement"), "kekerasan": _l("Violence"),
    "kesusilaan": _l("Sexual offences"), "pembunuhan": _l("Homicide"), "lalu_lintas": _l("Traffic"),
    "lainnya": _l("Other"),
}
SEX = {"L": _l("Male"), "P": _l("Female")}
CLIENT_STATUS = {"active": _l("Active"), "completed": _l("Completed"), "revoked": _l("Revoked"),
                 "transferred": _l("Transferred")}
END_STATUSES = {k: v for k, v in CLIENT_STATUS.items() if k != "active"}
ENROLLMENT_STATUS = {"enrolled": _l("Enrolled"), "completed": _l("Completed"), "withdrawn": _l("Withdrawn")}
ATTENDANCE = {"present": _l("Present"), "late": _l("Late"), "absent": _l("Absent"), "excused": _l("Excused")}
OUTCOMES = {"achieved": _l("Achieved"), "partially_achieved": _l("Partially achieved"),
            "not_achieved": _l("Not achieved")}
WITHDRAW_REASONS = {"client_moved": _l("Client moved"), "client_request": _l("At the client's request"),
                    "non_attendance": _l("Did not attend"), "other": _l("Other reason")}
REASON_CODES = {**WITHDRAW_REASONS, "client_ended": _l("Supervision ended"),
                "agreement_ended": _l("Agreement ended")}
DELIVERY = {"in_person": _l("In person"), "online": _l("Online")}
SESSION_STATUS = {"scheduled": _l("Scheduled"), "cancelled": _l("Cancelled")}
GUIDANCE_TYPES = {"kepribadian": _l("Personality guidance (kepribadian)"),
                  "kemandirian": _l("Independence guidance (kemandirian)")}
LEGAL_FORMS = {"yayasan": _l("Foundation (yayasan)"), "pesantren": _l("Pesantren"), "company": _l("Company"),
               "training_centre": _l("Training centre"), "religious_org": _l("Religious organisation"),
               "individual": _l("Individual"), "other": _l("Other")}
AGREEMENT_STATUS = {"draft": _l("Draft"), "active": _l("Active"), "suspended": _l("Suspended"),
                    "terminated": _l("Terminated"), "expired": _l("Expired")}
ROLES = {"admin": _l("Head of office (admin)"), "officer": _l("Probation officer (PK)"),
         "auditor": _l("Auditor"), "partner": _l("Partner group (POKMAS LIPAS)")}
FREQUENCIES = {"weekly": _l("Every week"), "biweekly": _l("Every two weeks"), "monthly": _l("Every month")}
CHECK_IN_KINDS = {"lapor_diri": _l("In person at the BAPAS (lapor diri)"),
                  "kunjungan_rumah": _l("Home visit by the PK"), "daring": _l("Video call (daring)")}
DUE_STATUS = {"due": _l("Due"), "kept": _l("Kept"), "missed": _l("Missed")}
HISTORY_ACTIONS = {"registered": _l("Registered"), "updated": _l("Corrected"), "status_changed": _l("Status changed")}
CLIENT_FIELDS = {
    "register_number": _l("Register number"), "name": _l("Full name"), "nik": _l("NIK"),
    "birth_date": _l("Date of birth"), "sex": _l("Sex"), "address": _l("Address"),
    "supervision_type": _l("Supervision type"), "offence_category": _l("Offence category"),
    "decree": _l("Decree (SK)"), "supervision_start": _l("Supervision start"),
    "supervision_end": _l("Supervision end"), "officer_id": _l("Supervising PK"), "bapas_office": _l("BAPAS office"),
}


def choices(mapping: dict) -> list[tuple[str, object]]:
    return list(mapping.items())


def label(mapping: dict, code):
    return mapping.get(code, code) if code is not None else ""


def in_language() -> SimpleNamespace:
    """This module with every table's labels as text in the request's language, for a page that shows a label per
    row: the catalogue is asked once per language, not once per row (about 12 µs a label). Marked safe, as a lazy
    label renders (its __html__ is its text), so the page is the same."""
    cache = current_app.extensions.setdefault("portal.labels", {})
    language = str(get_locale())
    if language not in cache:
        module = sys.modules[__name__]
        cache[language] = SimpleNamespace(**{
            name: ({code: Markup(str(text)) for code, text in value.items()}
                   if isinstance(value, dict) and all(isinstance(t, LazyString) for t in value.values()) else value)
            for name, value in vars(module).items() if not name.startswith("_")})
    return cache[language]
