"""The rating form (a 1–5 radio group per dimension, each option labelled) and the department's answer form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.ratings.models import DIMENSIONS, SCORE_LABELS

CHOICES = [(n, f"{n} 分 {SCORE_LABELS[n]}") for n in range(5, 0, -1)]


def _score(label: str) -> RadioField:
    return RadioField(label, choices=CHOICES, coerce=int, validators=[InputRequired(f"请为{label}选择 1–5 分")])


class RateForm(FlaskForm):
    enterprise = SelectField("以哪家企业的名义评价", coerce=int, validators=[Optional()])
    attitude = _score(DIMENSIONS[0][1])
    style = _score(DIMENSIONS[1][1])
    efficiency = _score(DIMENSIONS[2][1])
    competence = _score(DIMENSIONS[3][1])
    overall = _score("总体评价")
    comment = TextAreaField(
        "意见建议（选填）",
        description="评价匿名：公众和被评价部门只看到汇总结果和不署名的意见，看不到企业名称。",
        validators=[Optional(), Length(max=1000, message="意见建议不能超过1000个字")],
    )

    def scores(self) -> dict[str, int]:
        return {name: getattr(self, name).data for name in ("attitude", "style", "efficiency", "competence", "overall")}


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        "公开回复",
        description="回复将显示在公开的满意度页面上（达到样本数时），请勿写入企业或个人信息。",
        validators=[DataRequired("请填写回复内容"), Length(max=1000, message="回复不能超过1000个字")],
    )
