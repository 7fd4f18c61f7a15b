"""The admin's forms: register a client, change a key's limits, revoke a key."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

LIMIT_HELP = "格式如“600 per minute;20000 per hour”（每分钟600次，每小时20000次），多个限制用分号隔开"


class ClientForm(FlaskForm):
    name = StringField(
        "调用方名称", validators=[DataRequired("请填写调用方名称"), Length(max=80, message="名称不能超过80个字")]
    )
    contact = StringField(
        "联系方式",
        description="负责人及电子邮箱或电话，用于密钥出现问题时联系",
        validators=[DataRequired("请填写联系方式"), Length(max=200, message="联系方式不能超过200个字")],
    )
    owner_username = StringField(
        "所属账号（用户名）",
        description="通过该密钥提交的诉求以此账号的名义受理",
        validators=[DataRequired("请填写所属账号的用户名"), Length(max=40, message="用户名过长")],
    )
    purpose = TextAreaField("用途", validators=[Optional(), Length(max=2000, message="用途不能超过2000个字")])
    read_limit = StringField("读取频率限制", description=LIMIT_HELP, validators=[Optional(), Length(max=80)])
    write_limit = StringField("写入频率限制", description=LIMIT_HELP, validators=[Optional(), Length(max=80)])


class LimitsForm(FlaskForm):
    read_limit = StringField("读取频率限制", description=LIMIT_HELP, validators=[DataRequired("请填写读取频率限制")])
    write_limit = StringField("写入频率限制", description=LIMIT_HELP, validators=[DataRequired("请填写写入频率限制")])


class RevokeForm(FlaskForm):
    """Only the CSRF token: revoking needs no input."""
