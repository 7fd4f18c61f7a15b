"""Forms of consultations: open a draft for comment, comment on a section, moderate, answer, publish."""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.consultation.models import Answer
from portal.inputs import to_id
from portal.times import LOCAL_TZ


def aware(value: datetime | None) -> datetime | None:
    """The form's wall-clock time is Beijing time."""
    return value.replace(tzinfo=LOCAL_TZ) if value is not None and value.tzinfo is None else value


def _id(value) -> int:
    return to_id(value) or 0


class LocalTimeField(DateTimeLocalField):
    """datetime-local with a Chinese message for a value the browser did not produce."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("时间格式有误，请按“年-月-日 时:分”填写") from None


class ConsultationForm(FlaskForm):
    subject = SelectField("征求意见的草案", validate_choice=False, validators=[DataRequired("请选择草案")])
    department_id = SelectField("起草部门", coerce=_id, validate_choice=False)
    title = StringField(
        "标题",
        validators=[Optional(), Length(max=200, message="标题最多 %(max)d 字")],
        description="留空则为“关于《草案名称》（征求意见稿）公开征求意见”",
    )
    summary = TextAreaField(
        "征求意见说明",
        validators=[Optional(), Length(max=5000, message="说明最多 %(max)d 字")],
        description="起草背景、重点征求意见的内容、意见如何处理",
    )
    opens_at = LocalTimeField("开始时间", validators=[DataRequired("请填写开始时间")])
    closes_at = LocalTimeField("截止时间", validators=[DataRequired("请填写截止时间")])
    premoderation = BooleanField("先审后发（意见经审核员通过后公开）", default=True)


class CommentForm(FlaskForm):
    text = TextAreaField("您的意见", validators=[DataRequired("请填写意见内容")])
    anonymous = BooleanField("匿名发表（公开时显示“匿名”；审核员和起草部门仍可看到您的账号）")


class ModerateForm(FlaskForm):
    action = HiddenField(validators=[DataRequired("未知的审核操作")])
    reason = TextAreaField(
        "理由（意见人可见）", validators=[Optional(), Length(max=300, message="理由最多 %(max)d 字")]
    )


class AnswerForm(FlaskForm):
    answer = RadioField(
        "答复",
        choices=[(a.value, a.label) for a in Answer],
        validate_choice=False,
        validators=[DataRequired("请选择采纳、部分采纳或不采纳")],
    )
    reason = TextAreaField("答复理由（公开）", validators=[DataRequired("请填写答复理由")])
    changed_section_id = SelectField("据此修改的章节", coerce=_id, validate_choice=False)


class PublishForm(FlaskForm):
    note = TextAreaField("采纳情况说明", validators=[Optional(), Length(max=5000, message="说明最多 %(max)d 字")])
