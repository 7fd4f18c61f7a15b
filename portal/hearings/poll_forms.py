"""Forms of live polls: the host creates one; viewers answer one (their choices are read from the request)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class PollForm(FlaskForm):
    question = StringField("表决的问题", validators=[DataRequired("请填写表决的问题"), Length(max=200)])
    options = TextAreaField("选项（每行一个，2 至 10 个）", validators=[DataRequired("请填写选项")])
    multiple = BooleanField("多选（可以选择多个选项）")
    allow_anonymous = BooleanField("允许未登录观众参与（每个浏览器限一次）")
    open_now = BooleanField("创建后立即开始", default=True)
    client_id = HiddenField(validators=[Optional()])


class PollAnswerForm(FlaskForm):
    """Only the CSRF token: the chosen options come as ``choice`` values (checked by the service)."""

    client_id = HiddenField(validators=[Optional()])
