"""The intake form (Flask-WTF, CSRF); the action forms on the order page are plain posts to the same CSRF."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.feedback.enums import CATEGORIES, OrderKind

REQUIRED = "此项为必填项"


class OrderForm(FlaskForm):
    kind = SelectField("诉求类型", validators=[DataRequired("请选择诉求类型")])
    category = SelectField(
        "分类", choices=[("", "请选择")] + [(c, c) for c in CATEGORIES], validators=[DataRequired("请选择分类")]
    )
    title = StringField(
        "标题",
        description="一句话概括，4至60个字",
        validators=[DataRequired(REQUIRED), Length(max=60, message="标题不能超过60个字")],
    )
    description = TextAreaField(
        "诉求内容",
        description="请写明发生了什么、在哪里、从何时开始，以及您希望得到怎样的处理",
        validators=[DataRequired(REQUIRED), Length(max=5000, message="诉求内容不能超过5000个字")],
    )
    place = StringField(
        "地点", description="如：凤城街道升平巷", validators=[Optional(), Length(max=200, message="地点过长")]
    )
    district_id = SelectField("所属区（市）", coerce=str, validators=[Optional()])
    street_id = SelectField("所属镇（街道）", coerce=str, validators=[Optional()])
    requester_name = StringField("联系人", validators=[Optional(), Length(max=40, message="姓名不能超过40个字")])
    requester_phone = StringField(
        "联系电话",
        description="仅承办部门可见，不会公开",
        validators=[Optional(), Length(max=20, message="电话号码过长")],
    )
    # 以企业名义提交: offered to verified members of enterprises; the service checks the value whatever is sent.
    enterprise_id = SelectField(
        "以企业名义提交",
        coerce=str,
        validate_choice=False,
        description="选择企业后，诉求作为涉企诉求办理，承办部门可以看到企业名称；公开页面不显示企业名称",
    )
    is_public = BooleanField("同意公开诉求内容（姓名、电话始终不公开）", default=True)
    attachments = MultipleFileField(
        "附件", description="可上传图片（JPG、PNG、GIF、WebP）或PDF，最多6个，每个不超过10MB"
    )

    def set_kind_choices(self, allow_call: bool) -> None:
        kinds = [k for k in OrderKind if k != OrderKind.CALL or allow_call]
        self.kind.choices = [(k.value, k.label) for k in kinds]
