"""The form hosts and admins use to set up a hearing; the parsing lives in ``portal.hearings.setup``."""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.errors import Invalid
from portal.hearings import setup
from portal.hearings.models import Hearing, HearingKind, RaiserKind
from portal.hearings.services import HearingData
from portal.inputs import BoundedIntegerField, to_id
from portal.times import LOCAL_TZ, to_local

_FORMAT = "%Y-%m-%dT%H:%M"


def _aware(value: datetime | None) -> datetime | None:
    """The form's wall-clock time is Beijing time."""
    return value.replace(tzinfo=LOCAL_TZ) if value is not None and value.tzinfo is None else value


class LocalTimeField(DateTimeLocalField):
    """datetime-local with a Chinese message for a value the browser did not produce."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("时间格式有误，请按“年-月-日 时:分”填写") from None


class WholeNumberField(BoundedIntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("请填写整数") from None


def _plan_id(value) -> int:
    return to_id(value) or 0


def _checked(parse):
    def check(form, field):
        try:
            field.parsed = parse(field.data)
        except Invalid as error:
            raise ValidationError(error.message) from None

    return check


class HearingForm(FlaskForm):
    kind = RadioField(
        "类型",
        choices=[(k.value, k.label) for k in HearingKind],
        default=HearingKind.DEFENSE.value,
        validate_choice=False,
        validators=[DataRequired("请选择类型")],
    )
    plan_id = SelectField(
        "作战方案",
        coerce=_plan_id,
        validate_choice=False,
        validators=[DataRequired("公开答辩和公开质询都须关联一个作战方案")],
    )
    title = StringField(
        "名称",
        validators=[DataRequired("请填写名称"), Length(max=setup.TITLE_MAX, message="名称最多 %(max)d 字")],
    )
    summary = TextAreaField(
        "简介", validators=[Optional(), Length(max=setup.SUMMARY_MAX, message="简介最多 %(max)d 字")]
    )
    starts_at = LocalTimeField(
        "开始时间", format=_FORMAT, validators=[DataRequired("请填写开始时间（格式：年-月-日 时:分）")]
    )
    ends_at = LocalTimeField("结束时间", format=_FORMAT, validators=[Optional()])
    place = StringField(
        "地点",
        validators=[DataRequired("请填写地点"), Length(max=setup.PLACE_MAX, message="地点最多 %(max)d 字")],
    )
    livestream_url = StringField(
        "直播地址",
        description="可选。须以 https:// 开头，公开页显示“观看直播”按钮。",
        validators=[Optional()],
    )
    agenda = TextAreaField(
        "议程",
        description="每行一项：时间 空格 事项，按时间顺序，例如“09:00 主持人宣布答辩开始”。",
        validators=[_checked(setup.parse_agenda)],
    )
    panel = TextAreaField(
        "答辩团",
        description=(
            "每行一人：姓名 | 职务 | 部门（部门可省略）。选用已有官员账号时写“@用户名”，职务可留空沿用账号职务。"
            "第一行为答辩团团长。"
        ),
        validators=[_checked(setup.parse_panel)],
    )
    raisers = TextAreaField(
        "提问人",
        description="每行一位：类别 | 姓名 | 单位（单位可省略）。类别："
        + "、".join(k.label for k in RaiserKind)
        + "。",
        validators=[_checked(setup.parse_raisers)],
    )
    premoderation = BooleanField("先审后发：观众的问题经审核后公开", default=True)
    allow_anonymous = BooleanField("允许匿名提问（公开显示为“匿名提问”）")
    max_question_length = WholeNumberField(
        "问题字数上限",
        default=300,
        validators=[
            DataRequired("请填写问题字数上限"),
            NumberRange(min=20, max=2000, message="问题字数上限应在 20 到 2000 之间"),
        ],
    )

    def validate_kind(self, field):
        if field.data not in {k.value for k in HearingKind}:
            raise ValidationError("请选择公开答辩或公开质询")

    def validate_plan_id(self, field):
        try:
            setup.check_plan(field.data)
        except Invalid as error:
            raise ValidationError(error.message) from None

    def validate_ends_at(self, field):
        start, end = _aware(self.starts_at.data), _aware(field.data)
        if start is not None and end is not None and end <= start:
            raise ValidationError("结束时间应晚于开始时间")

    def validate_livestream_url(self, field):
        try:
            setup.check_livestream((field.data or "").strip())
        except Invalid as error:
            raise ValidationError(error.message) from None

    def fill(self, hearing: Hearing) -> None:
        """Put a saved hearing into the form (GET of the edit page)."""
        self.kind.data = hearing.kind.value
        self.plan_id.data = hearing.plan_id or 0
        self.title.data = hearing.title
        self.summary.data = hearing.summary
        self.starts_at.data = to_local(hearing.starts_at).replace(tzinfo=None)
        self.ends_at.data = to_local(hearing.ends_at).replace(tzinfo=None) if hearing.ends_at else None
        self.place.data = hearing.place
        self.livestream_url.data = hearing.livestream_url
        self.agenda.data = hearing.agenda
        self.panel.data = setup.panel_text(hearing)
        self.raisers.data = setup.raisers_text(hearing)
        self.premoderation.data = hearing.premoderation
        self.allow_anonymous.data = hearing.allow_anonymous
        self.max_question_length.data = hearing.max_question_length

    def data_for_service(self) -> HearingData:
        """The validated form as the services' input (call after ``validate()``)."""
        return HearingData(
            kind=HearingKind(self.kind.data),
            plan_id=self.plan_id.data or None,
            title=(self.title.data or "").strip(),
            summary=(self.summary.data or "").strip(),
            place=(self.place.data or "").strip(),
            starts_at=_aware(self.starts_at.data),
            ends_at=_aware(self.ends_at.data),
            livestream_url=(self.livestream_url.data or "").strip(),
            agenda=self.agenda.parsed,
            premoderation=bool(self.premoderation.data),
            allow_anonymous=bool(self.allow_anonymous.data),
            max_question_length=self.max_question_length.data,
            panel=self.panel.parsed,
            raisers=self.raisers.parsed,
        )
