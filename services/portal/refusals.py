"""A service's refusal text (English, as its API writes it) as a sentence of the portal's catalogue.

The services answer integrators in English; a person on a portal page reads the language they
chose. Fixed texts are looked up exactly, parameterised ones by pattern, and a text this module
does not know is still framed in the page's language ("Isian ini tidak dapat diterima: ...") so
nothing English appears unannounced on an Indonesian page. No I/O: only the catalogue lookup.
"""
import re

from flask_babel import gettext as _

from services.portal import labels

STATUSES = {**labels.CLIENT_STATUS, **labels.ENROLLMENT_STATUS, **labels.SESSION_STATUS,
            **labels.AGREEMENT_STATUS}
# The record fields that date rules name, as a person calls them.
FIELDS = {"supervision_start": lambda: _("the start of supervision"),
          "supervision_end": lambda: _("the end of supervision"),
          "valid_from": lambda: _("the start of the agreement's validity"),
          "from": lambda: _("the first day")}


def _exact() -> dict:
    date_text = _("Not a valid date: use the form YYYY-MM-DD, e.g. 2026-12-05.")
    instant_text = _("Not a valid date and time: use the form YYYY-MM-DD HH:MM.")
    return {
        "Missing data for required field.": _("Enter this"),
        "Field may not be null.": _("Enter this"),
        "must not be blank": _("Enter this"),
        "Not a valid string.": _("Enter text here."),
        "Not a valid integer.": _("Enter a whole number."),
        "Not a valid number.": _("Enter a number."),
        "Not a valid date.": date_text,
        "Not a valid date: use YYYY-MM-DD, e.g. 2026-12-05.": date_text,
        "Not a valid datetime.": instant_text,
        "Not a valid date and time: use YYYY-MM-DDTHH:MM, with an offset (+07:00, Z) or without one for "
        "local time where the BAPAS is.": instant_text,
        "Not a valid email address.": _("Enter a valid email address."),
        "Not a valid UUID.": _("Choose a record from the list."),
        "Not a valid boolean.": _("Choose yes or no."),
        "Unknown field.": _("This field is not known to the service."),
        "String does not match expected pattern.": _("This is not in the expected form."),
        "Invalid value.": _("This value is not accepted."),
        "NIK must be exactly 16 digits (0-9), as on the KTP": _("The NIK must be exactly 16 digits (0-9), as on "
                                                                 "the KTP."),
        "use 1 to 64 letters, digits, spaces and . / _ -, starting with a letter or digit":
            _("Use 1 to 64 letters, digits, spaces and . / _ -, starting with a letter or digit."),
        "use 1 to 64 letters, digits and . @ : _ -": _("Use 1 to 64 letters, digits and . @ : _ -."),
        "must be L (laki-laki) or P (perempuan)": _("Choose laki-laki or perempuan."),
        "must be weekly, biweekly or monthly": _("Choose weekly, every two weeks or monthly."),
        "must be lapor_diri, kunjungan_rumah or daring": _("Choose how the client reported."),
        "must be completed, revoked or transferred (or active, by an admin, to undo)":
            _("Choose completed, revoked or transferred."),
        "must not be blank nor hold control characters (NUL, ESC, ...)":
            _("Enter this, without control characters."),
        "must not contain control characters": _("Remove the control characters from this."),
        "must be a month as YYYY-MM": _("Enter a month as YYYY-MM."),
        "must be after valid_from": _("Must be after the start of the agreement's validity."),
        "no group with this id": _("There is no such group."),
        "no enrollment with this id": _("There is no such enrollment."),
        "this enrollment appears more than once in the request": _("This enrollment is listed more than once."),
        "this enrollment is not in the session's program": _("This enrollment is not in the session's program."),
        "send at least one field to correct": _("Change at least one field."),
        "search with at least one letter or digit": _("Search with at least one letter or digit."),
        "the client is already active": _("The client is already active."),
        "the client is not active": _("The client is not active."),
        "the client already has an open enrollment in this program":
            _("The client is already enrolled in this program."),
        "the program's agreement is not active": _("The program's agreement (PKS) is not active."),
        "the enrollment is not open": _("The enrollment is not open."),
        "this enrollment is not open": _("This enrollment is not open."),
        "the session is not scheduled": _("The session is not scheduled."),
        "only an active client can be ended": _("Only an active client's supervision can be ended."),
        "an ended client has no reporting schedule": _("A client whose supervision ended has no reporting "
                                                       "schedule."),
        "check-ins are recorded for active clients only": _("Reports are recorded for active clients only."),
        "this client has no open wajib lapor attention flag": _("This client has no open wajib lapor flag."),
        "the record changed too often while it was being written; try again":
            _("The record was being changed by others; try again."),
        "Invalid fields": _("Some fields are not accepted."),
        # Keys and cursors the portal itself sends: a person can only start the page again.
        "not a cursor of these due dates; use next_cursor from the previous page": _("The list changed; open it "
                                                                                     "again."),
        "8 to 128 letters, digits and . _ : -": _("The form's sending key is not valid; open the form again."),
        "this key was used for another batch; use a new key for a new batch":
            _("These marks were already sent with other content; open the register again."),
    }


def _field(name: str) -> str:
    return FIELDS[name]() if name in FIELDS else name


def _status(code: str) -> str:
    return str(STATUSES.get(code, code))


ORDER_WORDS = {"not be before": lambda f, d: _("Must not be before %(field)s (%(day)s).", field=f, day=d),
               "not be after": lambda f, d: _("Must not be after %(field)s (%(day)s).", field=f, day=d),
               "be after": lambda f, d: _("Must be after %(field)s (%(day)s).", field=f, day=d),
               "be before": lambda f, d: _("Must be before %(field)s (%(day)s).", field=f, day=d)}

PATTERNS = [
    (r"Length must be between (\d+) and (\d+)\.",
     lambda m: _("Use %(min)s to %(max)s characters.", min=m[1], max=m[2])),
    (r"Shorter than minimum length (\d+)\.", lambda m: _("Use at least %(min)s characters.", min=m[1])),
    (r"Longer than maximum length (\d+)\.", lambda m: _("Use at most %(max)s characters.", max=m[1])),
    (r"Length must be (\d+)\.", lambda m: _("Use exactly %(count)s characters.", count=m[1])),
    (r"(?:Must|must) be one of:? (.+?)\.?", lambda m: _("Choose one of: %(choices)s.", choices=m[1])),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.",
     lambda m: _("Enter a number from %(min)s to %(max)s.", min=m[1], max=m[2])),
    (r"Must be greater than or equal to (\S+)\.", lambda m: _("Enter %(min)s or more.", min=m[1])),
    (r"Must be less than or equal to (\S+)\.", lambda m: _("Enter %(max)s or less.", max=m[1])),
    (r"must not be before today \((.+)\)", lambda m: _("Must not be before today (%(day)s).", day=m[1])),
    (r"must not be in the future \(today is (.+)\)",
     lambda m: _("Must not be in the future (today is %(day)s).", day=m[1])),
    (r"must (not be before|not be after|be after|be before) (?:the client's )?(\w+) \((.+)\)",
     lambda m: ORDER_WORDS[m[1]](_field(m[2]), m[3])),
    (r"must lie within the agreement's validity, (\S+) to (\S+)",
     lambda m: _("Must lie within the agreement's validity, %(start)s to %(end)s.", start=m[1], end=m[2])),
    (r"must not be after valid_from \((.+)\): a PKS is signed before it holds",
     lambda m: _("Must not be after the start of the agreement's validity (%(day)s): a PKS is signed "
                 "before it holds.", day=m[1])),
    (r"the decree's date must not be after supervision_start \((.+)\)",
     lambda m: _("The decree's date must not be after the start of supervision (%(day)s).", day=m[1])),
    (r"DIVERSI is for children at least (\d+) and under (\d+) on supervision_start \((.+)\); this client is (\d+)",
     lambda m: _("DIVERSI is for children at least %(young)s and under %(old)s when supervision starts "
                 "(%(day)s); this client is %(age)s.", young=m[1], old=m[2], day=m[3], age=m[4])),
    (r"(\w+) needs its decree \(SK\):.*", lambda m: _("%(type)s needs its decree (SK): enter its number and "
                                                       "date.", type=m[1])),
    (r"(.+); (?:current status is|this client's status is) (\w+)",
     lambda m: _("%(reason)s Current status: %(status)s.", reason=localise(m[1]).rstrip(". ") + ".",
                 status=_status(m[2]))),
    (r"the program is full: (\d+) of (\d+) places taken",
     lambda m: _("The program is full: %(taken)s of %(capacity)s places taken.", taken=m[1], capacity=m[2])),
    (r"the session has not started yet; it starts at (.+)",
     lambda m: _("The session has not started yet; it starts at %(at)s.", at=m[1])),
    (r"this enrollment starts after the session \((.+)\)",
     lambda m: _("This enrollment starts after the session (%(day)s).", day=m[1])),
    (r"register number (.+) is already registered \(client (.+)\)",
     lambda m: _("Register number %(number)s is already registered.", number=m[1])),
    (r"an active client \(client (.+)\) already has this NIK; .*",
     lambda m: _("An active client already has this NIK: end that supervision or correct the NIK.")),
    (r"PKS number (.+) is already recorded \(agreement (.+)\)",
     lambda m: _("PKS number %(number)s is already recorded.", number=m[1])),
    (r"a group with this name is already registered in the region \(group (.+)\)",
     lambda m: _("A group with this name is already registered in the region.")),
    (r"the agreement cannot be (\w+) from its current status",
     lambda m: _("The agreement cannot be changed this way from its current status.")),
    (r"the agreement can only be activated within its validity period (\S+) to (\S+); today is (\S+)",
     lambda m: _("The agreement can only be activated within its validity, %(start)s to %(end)s; today is "
                 "%(day)s.", start=m[1], end=m[2], day=m[3])),
    (r"the agreement is valid until (\S+); today is (\S+)",
     lambda m: _("The agreement is valid until %(end)s; today is %(day)s.", end=m[1], day=m[2])),
    (r"only capacity may change while the agreement is active .*",
     lambda m: _("Only the capacity may change while the agreement is active.")),
    (r"capacity may only grow while the agreement is active; it is (\d+)(?:; .*)?",
     lambda m: _("The capacity may only grow while the agreement is active; it is %(capacity)s.",
                 capacity=m[1])),
    (r"must not contain control, bidirectional-override or surrogate characters.*",
     lambda m: _("Remove the control characters from this.")),
    (r"(\w+) has no record with this id", lambda m: _("There is no such record.")),
    (r"Invalid value for: (.+)", lambda m: _("Some fields are not accepted: %(fields)s.", fields=m[1])),
]
_COMPILED = [(re.compile(pattern), render) for pattern, render in PATTERNS]


def localise(message) -> str:
    """The catalogue's sentence for one refusal text, in the page's language."""
    text = str(message).strip()
    exact = _exact().get(text)
    if exact is not None:
        return exact
    for pattern, render in _COMPILED:
        found = pattern.fullmatch(text)
        if found:
            return render(found)
    return _("This entry cannot be accepted: %(original)s", original=text)
