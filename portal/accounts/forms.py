"""Account and admin forms (Flask-WTF: CSRF on every one)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.accounts.models import DepartmentKind, DepartmentPosition, Role
from portal.inputs import BoundedIntegerField

REQUIRED = "此项为必填项"


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), Length(max=40, message="用户名过长")])
    password = PasswordField("密码", validators=[DataRequired(REQUIRED), Length(max=128, message="密码过长")])
    remember = BooleanField("在此设备上保持登录")


class RegisterForm(FlaskForm):
    role = RadioField(
        "账号类型",
        choices=[(Role.CITIZEN.value, "市民"), (Role.ENTREPRENEUR.value, "企业家（需填写企业统一社会信用代码）")],
        default=Role.CITIZEN.value,
        validators=[InputRequired(REQUIRED)],
    )
    username = StringField(
        "用户名",
        description="2至40位汉字、字母、数字或 _ . -，用于登录",
        validators=[DataRequired(REQUIRED), Length(max=40, message="用户名不能超过40位")],
    )
    display_name = StringField(
        "姓名或称呼",
        description="提问和留言时显示",
        validators=[DataRequired(REQUIRED), Length(max=40, message="姓名或称呼不能超过40个字")],
    )
    phone = StringField(
        "手机号（选填）",
        description="仅用于办理回访，不会公开",
        validators=[Optional(), Length(max=20, message="电话号码过长")],
    )
    enterprise_name = StringField("企业名称", validators=[Optional(), Length(max=120, message="企业名称过长")])
    uscc = StringField(
        "统一社会信用代码",
        description="18位，见营业执照",
        validators=[Optional(), Length(max=30, message="统一社会信用代码应为18位")],
    )
    password = PasswordField(
        "密码",
        description="至少8位；不能全部是数字，不能是常见密码，也不能包含用户名",
        validators=[DataRequired(REQUIRED), Length(max=128, message="密码不能超过128位")],
    )
    confirm = PasswordField(
        "确认密码", validators=[DataRequired(REQUIRED), EqualTo("password", "两次输入的密码不一致")]
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[DataRequired(REQUIRED), Length(max=128)])
    new_password = PasswordField(
        "新密码",
        description="至少8位；不能全部是数字，不能是常见密码，也不能包含用户名",
        validators=[DataRequired(REQUIRED), Length(max=128, message="密码不能超过128位")],
    )
    confirm = PasswordField(
        "确认新密码", validators=[DataRequired(REQUIRED), EqualTo("new_password", "两次输入的密码不一致")]
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), Length(max=40, message="用户名过长")])
    display_name = StringField("姓名", validators=[DataRequired(REQUIRED), Length(max=40, message="姓名过长")])
    roles = MultiCheckboxField("角色", choices=[(r.value, r.label) for r in Role])
    department_id = SelectField("所属部门", coerce=_optional_int, validators=[Optional()])
    position = SelectField("部门职务", choices=[(p.value, p.label) for p in DepartmentPosition])
    title = StringField("职务名称", description="如：副市长、局长", validators=[Optional(), Length(max=60)])
    phone = StringField("电话", validators=[Optional(), Length(max=20, message="电话号码过长")])
    email = StringField("电子邮箱", validators=[Optional(), Length(max=120, message="邮箱过长")])
    enterprise_name = StringField("企业名称", validators=[Optional(), Length(max=120)])
    uscc = StringField("统一社会信用代码", validators=[Optional(), Length(max=30)])
    password = PasswordField(
        "密码",
        description="新建时必填；编辑时留空表示不修改",
        validators=[Optional(), Length(max=128, message="密码过长")],
    )
    active = BooleanField("账号启用", default=True)


class DepartmentForm(FlaskForm):
    name = StringField("部门全称", validators=[DataRequired(REQUIRED), Length(max=80, message="名称过长")])
    short_name = StringField("简称", validators=[Optional(), Length(max=20, message="简称不能超过20个字")])
    kind = SelectField("类型", choices=[(k.value, k.label) for k in DepartmentKind])
    parent_id = SelectField("上级", coerce=_optional_int, validators=[Optional()])
    phone = StringField("公开电话", validators=[Optional(), Length(max=40, message="电话过长")])
    description = TextAreaField("职责简介", validators=[Optional(), Length(max=2000, message="简介过长")])
    sort_order = BoundedIntegerField("排序", default=0, validators=[Optional()])
