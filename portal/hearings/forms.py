"""Forms of the host console and of commitment tracking."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.hearings.models import CommitmentStatus
from portal.inputs import bounded_int


class CommitmentForm(FlaskForm):
    """Flag an answer as a commitment (承诺事项) of a department with a due date."""

    # The choices (questions being or already answered) are set by the view; the service checks the id.
    question_id = SelectField("对应问题", choices=[], validate_choice=False)
    text = TextAreaField("承诺内容", validators=[DataRequired("请写明承诺的具体内容"), Length(max=500)])
    department_id = SelectField("责任部门", coerce=bounded_int, validators=[DataRequired("请选择责任部门")])
    due_date = DateField("完成时限", validators=[DataRequired("请填写完成时限")])
    # The tasks of the hearing's plan (set by the view); 0: the promise belongs to no task.
    task_id = SelectField(
        "归属任务",
        coerce=bounded_int,
        choices=[],
        validate_choice=False,
        description="承诺归属作战方案中的某项任务时请选择：承诺页将显示该任务的调度进展，任务页将显示承诺的办理状态。",
    )


class CommitmentUpdateForm(FlaskForm):
    status = SelectField("状态", choices=[(s.value, s.label) for s in CommitmentStatus])
    note = TextAreaField("进展说明", validators=[DataRequired("请填写进展说明"), Length(max=1000)])


class AskForm(FlaskForm):
    """The audience's question box; scripts send it over Socket.IO, without them it posts."""

    text = TextAreaField("您的问题", validators=[DataRequired("请输入问题内容")])
    # What the code does with an anonymous question: the public views (page, projector, transcript, its CSV and
    # JSON) show 匿名提问; the moderators' and hosts' consoles show the account's name; the record keeps the account.
    anonymous = BooleanField(
        "匿名提问",
        description="公开页面、投屏和答辩实录只显示“匿名提问”。审核员和主持人在审核台、主持台仍能看到您的账号名称，"
        "系统记录中保留提问账号。答辩团成员提问一律实名公开。",
    )
    client_id = HiddenField(validators=[Optional()])
