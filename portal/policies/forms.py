"""Editors' forms for documents, status changes, attachments and links."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.inputs import bounded_int
from portal.policies.models import DOC_TYPES

_TOPIC_SPLIT = re.compile(r"[,，、;；\s]+")


def split_topics(raw: str | None) -> list[str]:
    return [t for t in _TOPIC_SPLIT.split(raw or "") if t]


class PolicyForm(FlaskForm):
    title = StringField("标题", validators=[DataRequired("请填写文件标题"), Length(max=300)])
    doc_number = StringField("文号", validators=[Optional(), Length(max=80)], description="例如：青政发〔2021〕5号")
    issuer = StringField("发文机关", validators=[Optional(), Length(max=120)])
    doc_type = SelectField("文种", choices=[("", "请选择")] + [(t, t) for t in DOC_TYPES], validate_choice=False)
    written_on = DateField("成文日期", validators=[Optional()])
    published_on = DateField("发布日期", validators=[Optional()])
    topics = StringField("主题", validators=[Optional(), Length(max=400)], description="多个主题用逗号或顿号分隔")
    interprets_id = SelectField(
        "解读的文件", coerce=bounded_int, validate_choice=False, description="仅文种为“解读”时填写"
    )
    body_format = RadioField(
        "正文格式", choices=[("text", "纯文本"), ("html", "HTML（保存时自动清理不安全内容）")], default="text"
    )
    body = TextAreaField("正文", validators=[Optional()])
    base_version = HiddenField()  # the version this form was loaded from (concurrent edits → 409)
    summary = StringField(
        "修改说明", validators=[Optional(), Length(max=300)], description="记入版本历史，例如：修正第三条表述"
    )


class StatusForm(FlaskForm):
    action = HiddenField()
    effective_on = DateField("生效日期", validators=[Optional()])
    reason = TextAreaField(
        "理由",
        validators=[Optional(), Length(max=500)],
        description="例如：执行时效届满；被新文件代替；与现行法律法规相冲突",
    )


class AttachmentForm(FlaskForm):
    file = FileField("附件", description="PDF、OFD、Word、WPS、Excel、文本、图片或 ZIP，不超过 20 MB")


class LinkForm(FlaskForm):
    target = SelectField("关联作战方案或公开答辩", validate_choice=False)  # "plan:3" / "hearing:7"
