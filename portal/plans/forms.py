"""Plan forms. Values are validated by the services (Chinese messages, field names), not by WTForms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from portal.inputs import bounded_int
from portal.plans.models import TaskStatus


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProgressForm(FlaskForm):
    """调度: a lead-department official reports a task's progress."""

    progress = StringField(
        "当前进度（%）", description="0 到 100 之间的整数；100 表示已完成", render_kw={"inputmode": "numeric"}
    )
    status = SelectField(
        "任务状态",
        choices=[("", "按进度自动判断")] + [(s.value, s.label) for s in TaskStatus],
        validate_choice=False,
    )
    report_date = StringField("调度日期", description="进展所对应的日期，默认今天", render_kw={"type": "date"})
    milestones = MultiCheckboxField("已完成的时间节点", coerce=bounded_int, validate_choice=False)
    note = TextAreaField("进展说明", description="本次推进的具体工作、存在问题和下步打算，最多 1000 字")


class PlanForm(FlaskForm):
    title = StringField("方案名称")
    version_label = StringField("版本号", description="例如 3.0；每次发布的版本号不能重复")
    year = StringField("年度", render_kw={"inputmode": "numeric"})
    lead_department_id = SelectField("牵头单位", coerce=str, validate_choice=False)
    summary = TextAreaField("方案说明")


class NodeForm(FlaskForm):
    """A battle (攻坚战) or a goal (攻坚目标)."""

    title = StringField("名称")
    description = TextAreaField("说明")


class TaskForm(FlaskForm):
    goal_id = SelectField("所属攻坚目标", coerce=str, validate_choice=False)
    title = StringField("任务名称")
    description = TextAreaField("任务内容")
    lead_department_id = SelectField("牵头部门", coerce=str, validate_choice=False)
    participating_department_ids = MultiCheckboxField("参与部门", coerce=str, validate_choice=False)
    responsible_leader = StringField("分管领导", description="例如 分管副市长 张某某")
    contact_name = StringField("联系人")
    contact_phone = StringField("联系电话", description="对公众显示时中间四位隐藏", render_kw={"type": "tel"})
    start_date = StringField("开始日期", render_kw={"type": "date"})
    due_date = StringField("完成时限", render_kw={"type": "date"})
    weight = StringField("权重", description="计算进度时的权重，默认 1", render_kw={"inputmode": "numeric"})
    milestones = TextAreaField("时间表与路线图", description="每行一个节点，格式：2021-06-30 出台实施方案")


class StateForm(FlaskForm):
    state = StringField("目标状态")
    note = StringField("说明")


class PublishForm(FlaskForm):
    note = TextAreaField("发布说明", description="例如：经公开答辩修改后发布")
