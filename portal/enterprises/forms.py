"""The join request form (Flask-WTF, CSRF); the other actions are plain posts with the same CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FileField, StringField
from wtforms.validators import DataRequired, Length, Optional


class JoinForm(FlaskForm):
    enterprise_name = StringField(
        "企业名称",
        description="与营业执照上的名称一致",
        validators=[DataRequired("请填写企业名称"), Length(max=120, message="企业名称不能超过120个字")],
    )
    uscc = StringField(
        "统一社会信用代码",
        description="营业执照上的18位代码，字母不区分大小写",
        validators=[DataRequired("请填写统一社会信用代码"), Length(max=30, message="统一社会信用代码应为18位")],
    )
    licence = FileField(
        "营业执照照片",
        description="上传营业执照正本或副本的照片或扫描件（JPG、PNG、GIF、WebP 或 PDF，不超过10MB）；"
        "仅审核人员和您本人可见",
    )


class InviteForm(FlaskForm):
    username = StringField(
        "同事的用户名",
        description="留空则生成一次性邀请链接，发给同事后由其登录接受",
        validators=[Optional(), Length(max=40, message="用户名过长")],
    )
