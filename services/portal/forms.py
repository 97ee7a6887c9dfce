"""The portal's forms (WTForms via Flask-WTF, so every form carries its CSRF token) and the
messages a person sees when a field is wrong."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateField, HiddenField, IntegerField, PasswordField, RadioField, SelectField, StringField,
                     TextAreaField, TimeField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from services.portal import labels

REQUIRED = _l("Enter this")
CHOOSE = _l("Choose one")


def required(message=REQUIRED):
    return InputRequired(message=message)


def text(label, max_length=200, **kwargs):
    return StringField(label, validators=[required(), Length(max=max_length, message=_l("Too long"))], **kwargs)


def date_field(label, optional=False):
    checks = [Optional()] if optional else [InputRequired(message=_l("Enter a date"))]
    return DateField(label, validators=checks, format="%Y-%m-%d")


class SignInForm(FlaskForm):
    username = StringField(_l("Username"), validators=[required(_l("Enter your username"))])
    password = PasswordField(_l("Password"), validators=[required(_l("Enter your password"))])


class ClientForm(FlaskForm):
    register_number = text(_l("Register number"), 64)
    name = text(_l("Full name"))
    nik = StringField(_l("NIK"), description=_l("16 digits, as on the KTP"),
                      validators=[required(), Regexp(r"^[0-9]{16}$", message=_l("NIK must be exactly 16 digits"))])
    birth_date = date_field(_l("Date of birth"))
    sex = RadioField(_l("Sex"), choices=labels.choices(labels.SEX), validators=[required(CHOOSE)])
    address = TextAreaField(_l("Address"), validators=[required(), Length(max=500, message=_l("Too long"))])
    supervision_type = RadioField(_l("Supervision type"), choices=labels.choices(labels.SUPERVISION_TYPES),
                                  validators=[required(CHOOSE)])
    offence_category = SelectField(_l("Offence category"),
                                   choices=[("", _l("Choose…"))] + labels.choices(labels.OFFENCE_CATEGORIES),
                                   validators=[required(CHOOSE)])
    decree_number = StringField(_l("Decree (SK) number"), description=_l("Needed for PB, CB, CMB and assimilation"),
                                validators=[Optional(), Length(max=64, message=_l("Too long"))])
    decree_date = date_field(_l("Decree (SK) date"), optional=True)
    supervision_start = date_field(_l("Supervision start"))
    supervision_end = date_field(_l("Supervision end"))
    officer_id = text(_l("Supervising PK (username)"), 64)
    bapas_office = text(_l("BAPAS office"), 100)

    def validate_supervision_end(self, field):
        if field.data and self.supervision_start.data and field.data <= self.supervision_start.data:
            raise ValidationError(_l("The end must be after the start"))

    def validate_decree_date(self, field):
        if bool(field.data) != bool(self.decree_number.data):
            raise ValidationError(_l("Give both the decree's number and its date, or neither"))

    def body(self) -> dict:
        data = {name: self[name].data for name in ("register_number", "name", "nik", "sex", "address",
                                                    "supervision_type", "offence_category", "officer_id",
                                                    "bapas_office")}
        for name in ("birth_date", "supervision_start", "supervision_end"):
            data[name] = self[name].data.isoformat()
        data["decree"] = ({"number": self.decree_number.data, "date": self.decree_date.data.isoformat()}
                          if self.decree_number.data else None)
        return data


class EndSupervisionForm(FlaskForm):
    status = RadioField(_l("How does the supervision end?"), choices=labels.choices(labels.END_STATUSES),
                        validators=[required(CHOOSE)])
    effective_date = date_field(_l("From which date?"))
    reason = TextAreaField(_l("Reason"), validators=[required(), Length(max=1000, message=_l("Too long"))])


class ScheduleForm(FlaskForm):
    frequency = RadioField(_l("How often does the client report?"), choices=labels.choices(labels.FREQUENCIES),
                           validators=[required(CHOOSE)])
    first_due = DateField(_l("First report due on"), format="%Y-%m-%d",
                          description=_l("Today or later; the next dates follow from it"),
                          validators=[InputRequired(message=_l("Enter a date"))])


class CheckInForm(FlaskForm):
    date = DateField(_l("Date of the check-in"), format="%Y-%m-%d", description=_l("Today or earlier"),
                     validators=[InputRequired(message=_l("Enter a date"))])
    kind = RadioField(_l("How did the client report?"), choices=labels.choices(labels.CHECK_IN_KINDS),
                      validators=[required(CHOOSE)])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000, message=_l("Too long"))])
    # Sent as the Idempotency-Key: the same form sent twice (a double click, a retry) is recorded once.
    key = HiddenField()


class AttentionForm(FlaskForm):
    note = TextAreaField(_l("What did you do about it?"),
                         description=_l("For example: spoke with the client and the family; kept in the record"),
                         validators=[required(), Length(max=2000, message=_l("Too long"))])


class ConfirmForm(FlaskForm):
    """A button alone (its CSRF token is the form)."""


class EnrollForm(FlaskForm):
    program_id = RadioField(_l("Program"), validators=[required(CHOOSE)], validate_choice=False)
    start_date = date_field(_l("Start date"), optional=True)
    note = TextAreaField(_l("Note for the record (optional)"),
                         validators=[Optional(), Length(max=2000, message=_l("Too long"))])


class CompleteForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=labels.choices(labels.OUTCOMES), validators=[required(CHOOSE)])
    summary = TextAreaField(_l("Summary"), validators=[required(), Length(max=2000, message=_l("Too long"))])


class WithdrawForm(FlaskForm):
    reason_code = RadioField(_l("Reason"), choices=labels.choices(labels.WITHDRAW_REASONS),
                             validators=[required(CHOOSE)])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000, message=_l("Too long"))])


class SessionForm(FlaskForm):
    program_id = SelectField(_l("Program"), validators=[required(CHOOSE)], validate_choice=False)
    date = date_field(_l("Date"))
    time = TimeField(_l("Start time"), validators=[InputRequired(message=_l("Enter a time"))])
    topic = text(_l("Topic"))
    facilitator = text(_l("Facilitator"))
    delivery = RadioField(_l("Delivery"), choices=labels.choices(labels.DELIVERY), validators=[required(CHOOSE)])


class RescheduleForm(FlaskForm):
    date = date_field(_l("New date"))
    time = TimeField(_l("New start time"), validators=[InputRequired(message=_l("Enter a time"))])
    reason = TextAreaField(_l("Reason"), validators=[required(), Length(max=2000, message=_l("Too long"))])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[required(), Length(max=1000, message=_l("Too long"))])


class GroupForm(FlaskForm):
    name = text(_l("Group name"))
    legal_form = SelectField(_l("Legal form"), choices=[("", _l("Choose…"))] + labels.choices(labels.LEGAL_FORMS),
                             validators=[required(CHOOSE)])
    address = TextAreaField(_l("Address"), validators=[required(), Length(max=500, message=_l("Too long"))])
    contact = text(_l("Contact (name, telephone)"))
    bapas_office = text(_l("BAPAS office"), 100)


class AgreementForm(FlaskForm):
    number = text(_l("PKS number"), 100)
    signed_on = date_field(_l("Signed on"))
    valid_from = date_field(_l("Valid from"))
    valid_until = date_field(_l("Valid until"))
    program_name = text(_l("Program name"))
    guidance_type = RadioField(_l("Guidance type"), choices=labels.choices(labels.GUIDANCE_TYPES),
                               validators=[required(CHOOSE)])
    capacity = IntegerField(_l("Places"), validators=[InputRequired(message=_l("Enter a whole number")),
                                                       NumberRange(min=1, max=10000,
                                                                   message=_l("Between 1 and 10000"))])

    def validate_valid_until(self, field):
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The end must not be before the start"))


class AccountForm(FlaskForm):
    username = StringField(_l("Username"), description=_l("Lower-case letters, digits, . _ -"),
                           validators=[required(), Regexp(r"^[a-z0-9][a-z0-9._-]{1,63}$",
                                                          message=_l("Use 2 to 64 lower-case letters, digits, . _ -"))])
    name = text(_l("Full name"))
    role = RadioField(_l("Role"), choices=labels.choices(labels.ROLES), validators=[required(CHOOSE)])
    group_id = SelectField(_l("Group (for a partner)"), validators=[Optional()], validate_choice=False)
    bapas_office = StringField(_l("BAPAS office"), validators=[Optional(), Length(max=100)])
    nip = StringField(_l("NIP (staff)"), validators=[Optional(), Length(max=30)])

    def validate_group_id(self, field):
        if self.role.data == "partner" and not field.data:
            raise ValidationError(_l("Choose the partner's group"))


class AuditForm(FlaskForm):
    class Meta:
        csrf = False                      # a GET filter, changes nothing
    service = SelectField(_l("Service"), choices=[("klien", "klien"), ("pokmas", "pokmas"),
                                                  ("bimbingan", "bimbingan")])
    who = StringField(_l("Who (username)"), validators=[Optional()])
    action = StringField(_l("Action"), validators=[Optional()])


class ReportForm(FlaskForm):
    class Meta:
        csrf = False                      # a GET form: it only chooses what to read
    month = StringField(_l("Month"), description=_l("As YYYY-MM, for example 2026-11"),
                        validators=[required(), Regexp(r"^[12][0-9]{3}-(0[1-9]|1[0-2])$",
                                                       message=_l("Enter a month as YYYY-MM"))])
    bapas_office = text(_l("BAPAS office"), 100)
