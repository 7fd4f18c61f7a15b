"""The HTTP authorisation matrix: every route of the URL map × every role, for GET and for the
state-changing methods, against the outcome written in ``MATRIX`` below.

The routes come from ``app.url_map``: a route without an entry fails ``test_every_route_has_an_entry``
with the line to add. State-changing requests carry a valid CSRF token, so what is probed is the
authorisation; ``test_state_changing_requests_without_a_token_are_refused`` probes the CSRF check itself.

How to read (and extend) the table — one line per endpoint, ``GET`` and ``POST`` rules:

    PUBLIC                 everyone, anonymous included, gets the page (POST: is let through)
    SIGNED_IN              anonymous visitors are sent to the log-in page; every account is let through
    ROLE(a, b, ...)        these role columns are let through, anonymous → log-in page, other accounts → 403
    GUEST                  the log-in and sign-up pages: anonymous → 200, accounts are redirected away (302)
    NOBODY                 refused to every column (e.g. a wrong projector token: 404 for all)

``anon=`` and ``others=`` change what refused columns get (``"401"`` from a service refusing an anonymous
caller, ``"404"`` where the route hides that the object exists); ``.but(col="302")`` changes one column.
"Let through" is ``ok``: 200 for GET; for POST the action reached its own checks — done (302/200) or
refused for its content or the object's state (400/409), never 401/403/404.

Role columns (tests/security/world.py): anonymous, citizen (files the work order, asks the question),
entrepreneur, unit, official (of the department the order is dispatched to, the task is led by and the
commitment was made by), other_official (another department), dispatcher, moderator, host, panel (an
official on the hearing's 答辩团), editor, admin. ``officials`` in a ROLE(...) means the three officials.

URL arguments come from ``World.args`` (one object of each kind); an entry's ``args`` names other world
objects (``{"hearing_id": "closed_hearing"}``); ``data`` is the form a POST sends (besides the token).
Routes that delete or change the state of their object use spare objects so the order of probes does
not matter; refused probes run before the ones let through.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from tests.security.probe import outcome, signed_in
from tests.security.world import ROLES, World, build_world
from tests.support import databases

SIGNED_IN_ROLES = tuple(r for r in ROLES if r != "anonymous")
GROUPS = {"officials": ("official", "other_official", "panel")}
OK = "ok"
LET_THROUGH = {"GET": {"200"}, "POST": {"200", "302", "400", "409"}}
STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
# State-changing routes exempt from CSRF because an API key, not the session cookie, authorises them
# (portal/apiclients/gate.py); the CSRF test holds them to their refusal without a key instead.
KEY_AUTHORISED = {"open311.create_request", "open311.unknown"}


@dataclass(frozen=True)
class Rule:
    """The expected outcome of each role column."""

    name: str
    expected: dict[str, str]

    def but(self, **columns: str) -> Rule:
        return replace(self, name=f"{self.name}.but({columns})", expected=self.expected | columns)

    def __str__(self) -> str:
        return self.name


def _expand(who: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for name in who:
        if name not in ROLES and name not in GROUPS:
            raise ValueError(f"unknown role column {name!r} (columns: {', '.join(ROLES)}; groups: {', '.join(GROUPS)})")
        out.update(GROUPS.get(name, (name,)))
    return out


def ROLE(*who: str, anon: str = "login", others: str = "403") -> Rule:
    allowed = _expand(who)
    expected = {r: OK if r in allowed else others for r in SIGNED_IN_ROLES} | {"anonymous": anon}
    extra = "".join(f", {k}={v}" for k, v, d in (("anon", anon, "login"), ("others", others, "403")) if v != d)
    return Rule(f"ROLE({', '.join(who)}{extra})", expected)


PUBLIC = Rule("PUBLIC", dict.fromkeys(ROLES, OK))
SIGNED_IN = Rule("SIGNED_IN", dict.fromkeys(SIGNED_IN_ROLES, OK) | {"anonymous": "login"})
GUEST = Rule("GUEST", dict.fromkeys(SIGNED_IN_ROLES, "302") | {"anonymous": OK})


def NOBODY(outcome: str) -> Rule:
    return Rule(f"NOBODY({outcome})", dict.fromkeys(ROLES, outcome))


@dataclass(frozen=True)
class Entry:
    get: Rule | None = None
    post: Rule | None = None
    args: dict[str, Any] = field(default_factory=dict)  # URL argument → world object name or literal value
    data: dict[str, Any] = field(default_factory=dict)  # the form a POST sends besides its CSRF token
    # probe each role with a client of its own, and sign the role's shared client in again afterwards (logging out
    # ends the session; signing out everywhere ends every session of the account)
    fresh: bool = False
    deletes: bool = False  # the first role let through deletes the object: the next ones let through may get 404

    def rule(self, method: str) -> Rule | None:
        return self.get if method == "GET" else self.post


E = Entry
RATING_FORM = {"attitude": "4", "style": "4", "efficiency": "3", "competence": "4", "overall": "4", "comment": "好"}
OFFICIAL_OF_ORDER = ("citizen", "official", "dispatcher", "admin")  # who sees a private order and its files

# fmt: off
MATRIX: dict[str, Entry] = {
    # endpoint                              rules per method (and the objects/form they are probed with)
    "static":                               E(get=PUBLIC, args={"filename": "css/feedback.css"}),
    "pages.home":                           E(get=PUBLIC),
    "pages.departments":                    E(get=PUBLIC),
    # accounts
    "accounts.login":                       E(get=GUEST, post=GUEST.but(anonymous="400")),
    "accounts.register":                    E(get=GUEST, post=GUEST.but(anonymous="400")),
    "accounts.logout":                      E(post=SIGNED_IN.but(anonymous="302"), fresh=True),
    "accounts.account":                     E(get=SIGNED_IN),
    "accounts.change_password":             E(get=SIGNED_IN, post=SIGNED_IN),
    "accounts.sign_out_everywhere":         E(post=SIGNED_IN, fresh=True),
    "admin.index":                          E(get=ROLE("admin").but(admin="302")),
    "apiclients.index":                     E(get=ROLE("admin")),
    "apiclients.new":                       E(get=ROLE("admin"), post=ROLE("admin")),
    "apiclients.client":                    E(get=ROLE("admin")),
    "apiclients.change_limits":             E(post=ROLE("admin"), data={"read_limit": "100 per minute"}),
    "apiclients.revoke":                    E(post=ROLE("admin"), args={"client_id": "spare_api_client"}),
    "admin.users":                          E(get=ROLE("admin")),
    "admin.new_user":                       E(get=ROLE("admin"), post=ROLE("admin")),
    "admin.edit_user":                      E(get=ROLE("admin"), post=ROLE("admin")),
    "admin.departments":                    E(get=ROLE("admin")),
    "admin.new_department":                 E(get=ROLE("admin"), post=ROLE("admin")),
    "admin.edit_department":                E(get=ROLE("admin"), post=ROLE("admin")),
    # the API's OpenAPI document and its page
    "apidoc.openapi":                       E(get=PUBLIC),
    "apidoc.docs":                          E(get=PUBLIC),
    # data pages
    "dashboard.index":                      E(get=PUBLIC),
    "dashboard.kpi_csv":                    E(get=PUBLIC),
    "dashboard_api.kpi":                    E(get=PUBLIC),
    "dashboard.supervision":                E(get=ROLE("officials", "dispatcher", "admin", anon="401")),
    "dashboard.supervision_csv":            E(get=ROLE("officials", "dispatcher", "admin", anon="401")),
    # department scorecards
    "scorecards.ranking":                   E(get=PUBLIC),
    "scorecards.ranking_csv":               E(get=PUBLIC),
    "scorecards.department":                E(get=PUBLIC, args={"department_id": "dept_id"}),
    "scorecards.department_csv":            E(get=PUBLIC, args={"department_id": "dept_id"}),
    "scorecards.division_scores":           E(get=ROLE("officials", "admin", anon="401")),
    # feedback: the public side and the requester's
    "feedback.index":                       E(get=PUBLIC),
    "feedback.order":                       E(get=PUBLIC),
    "feedback.order | private":             E(get=ROLE(*OFFICIAL_OF_ORDER, anon="404", others="404"),
                                              args={"tracking_no": "private_tracking_no"}),
    "feedback_api.order":                   E(get=PUBLIC),
    "feedback_api.order | private":         E(get=NOBODY("404"), args={"tracking_no": "private_tracking_no"}),
    "feedback_api.unread":                  E(get=PUBLIC),
    "feedback.public_list":                 E(get=PUBLIC),
    "feedback.public_list_csv":             E(get=PUBLIC),
    "feedback.public_list_feed":            E(get=PUBLIC),
    "feedback_api.orders":                  E(get=PUBLIC),
    "feedback.attachment":                  E(get=ROLE(*OFFICIAL_OF_ORDER, anon="404", others="404")),
    "feedback.new":                         E(get=SIGNED_IN, post=SIGNED_IN),
    "feedback.mine":                        E(get=SIGNED_IN),
    "feedback.notices":                     E(get=SIGNED_IN),
    "feedback.read_notices":                E(post=SIGNED_IN),
    "feedback.rate":                        E(post=ROLE("citizen")),
    "feedback.responsibilities":            E(get=PUBLIC),
    # feedback: officials, dispatchers, administrators
    "feedback.workbench":                   E(get=ROLE("officials")),
    "feedback.bulk_sign":                   E(post=ROLE("official"), data={"assignment": "assignment_id"}),
    "feedback.add_template":                E(post=ROLE("officials"), data={"title": "常用答复", "body": "您好，已处理完毕。"}),
    "feedback.assignment_action":           E(post=ROLE("official"), args={"action": "progress"}),
    "feedback.close":                       E(post=ROLE("official", "dispatcher", "admin")),
    "feedback.desk_page":                   E(get=ROLE("dispatcher", "admin")),
    "feedback.phone_entry":                 E(get=ROLE("dispatcher", "admin"), post=ROLE("dispatcher", "admin")),
    "feedback.dispatch":                    E(post=ROLE("dispatcher", "admin")),
    "feedback.check_personal":              E(post=ROLE("dispatcher", "admin")),
    "feedback.decide_extension":            E(post=ROLE("dispatcher", "admin"), data={"decision": "approve"}),
    "feedback.edit_responsibility":         E(get=ROLE("admin"), post=ROLE("admin")),
    "feedback.delete_responsibility":       E(post=ROLE("admin"), args={"item_id": "spare_responsibility"}),
    # enterprise ratings: public aggregates; entrepreneurs of verified enterprises rate; admins see who rated
    "ratings.index":                        E(get=PUBLIC),
    "ratings.department":                   E(get=PUBLIC, args={"department_id": "dept"}),
    "ratings.policy":                       E(get=PUBLIC),
    "ratings.policy | draft":               E(get=NOBODY("404"), args={"policy_id": "draft_policy"}),
    "ratings.items":                        E(get=PUBLIC),
    "ratings.index_csv":                    E(get=PUBLIC),
    "ratings_api.index_json":               E(get=PUBLIC),
    "ratings_rate.rate":                    E(get=ROLE("entrepreneur"), post=ROLE("entrepreneur"),
                                              args={"kind": "department", "ident": "dept"}, data=RATING_FORM),
    # the world's order is no enterprise's: a verified member is told it is not found
    "ratings_rate.rate_order_department":   E(get=ROLE("entrepreneur").but(entrepreneur="404"),
                                              post=ROLE("entrepreneur").but(entrepreneur="404"),
                                              args={"department_id": "dept"}, data=RATING_FORM),
    "ratings_rate.rate_order_member":       E(get=ROLE("entrepreneur").but(entrepreneur="404"),
                                              post=ROLE("entrepreneur").but(entrepreneur="404"),
                                              args={"member_id": "user:official"}, data=RATING_FORM),
    "ratings_rate.mine":                    E(get=SIGNED_IN),
    "ratings_rate.comments":                E(get=ROLE("officials", "admin")),
    "ratings_rate.answer":                  E(post=ROLE("official", "admin"), args={"rating_id": "rating"},
                                              data={"answer": "已增设企业服务专窗"}),
    "ratings_admin.raters":                 E(get=ROLE("admin")),
    "ratings_admin.audit":                  E(get=ROLE("admin")),
    # enterprises: the entrepreneur is a verified member of the world's enterprise and has a request pending
    "enterprises.mine":                     E(get=ROLE("entrepreneur", "admin").but(admin="302")),
    "enterprises.apply":                    E(get=ROLE("entrepreneur"), post=ROLE("entrepreneur"),
                                              data={"enterprise_name": "莱西测试机械有限公司", "uscc": "91370285163560001U"}),
    "enterprises.licence":                  E(get=ROLE("entrepreneur", "admin", others="404")),
    "enterprises.decide":                   E(post=ROLE("admin", others="404").but(entrepreneur="403"),
                                              args={"action": "approve"}),
    "enterprises.review":                   E(get=ROLE("admin")),
    "enterprises.invite":                   E(post=ROLE("entrepreneur"), data={"username": ""}),
    "enterprises.invitation":               E(post=ROLE("entrepreneur", "admin"), args={"action": "cancel"}),
    "enterprises.join":                     E(get=ROLE("entrepreneur"), post=ROLE("entrepreneur")),
    # hearings
    "hearings.index":                       E(get=PUBLIC),
    "hearings.show":                        E(get=PUBLIC),
    "hearings.projector":                   E(get=PUBLIC),
    "hearings.projector | wrong token":     E(get=NOBODY("404"), args={"token": "not-the-token"}),
    "hearings.transcript":                  E(get=PUBLIC, args={"hearing_id": "closed_hearing"}),
    "hearings.transcript | live":           E(get=NOBODY("404")),
    "hearings.transcript_csv":              E(get=PUBLIC, args={"hearing_id": "closed_hearing"}),
    "hearings.transcript_json":             E(get=PUBLIC, args={"hearing_id": "closed_hearing"}),
    "hearings.commitments":                 E(get=PUBLIC),
    "hearings.commitments_csv":             E(get=PUBLIC),
    "hearings.commitments_feed":            E(get=PUBLIC),
    "hearings_api.commitments_json":        E(get=PUBLIC),
    "hearings.ask":                         E(post=SIGNED_IN, data={"text": "请问一业一证改革的时间表？", "client_id": "m1"}),
    "hearings.commitment":                  E(get=PUBLIC, post=ROLE("official", "host"),
                                              data={"status": "in_progress", "note": "已完成方案起草"}),
    "hearings.moderate":                    E(get=ROLE("moderator", "host")),
    "hearings.host":                        E(get=ROLE("host"), post=ROLE("host")),
    "hearings.panel":                       E(get=ROLE("panel")),
    "hearings.confirm_close":               E(get=ROLE("host")),
    "hearings.change_state":                E(post=ROLE("host"), args={"hearing_id": "spare_hearing", "action": "open"}),
    "hearings_polls.create":                E(post=ROLE("host"), data={"question": "您最关注哪项措施？", "options": "甲\n乙"}),
    "hearings_polls.act":                   E(post=ROLE("host"), args={"action": "show"}),
    "hearings_polls.act | unknown action":  E(post=ROLE(anon="login", others="404"), args={"action": "nonsense"}),
    "hearings_polls.answer":                E(post=SIGNED_IN, data={"choice": "poll_option"}),
    "hearings_polls.join_form":             E(get=PUBLIC),
    "hearings_polls.device_token":          E(get=PUBLIC),
    "hearings_polls.join_code":             E(get=Rule("REDIRECT", dict.fromkeys(ROLES, "302"))),  # to the hearing's page
    "hearings_polls.analytics_page":        E(get=ROLE("host", "admin")),
    "hearings_polls.analytics_csv":         E(get=ROLE("host", "admin")),
    "hearings_polls.reviewed_commitments":  E(get=PUBLIC, args={"hearing_id": "inquiry"}),
    "hearings_polls.reviewed_commitments | not an inquiry": E(get=NOBODY("404")),
    "hearings_manage.index":                E(get=ROLE("host", "admin")),
    "hearings_manage.new":                  E(get=ROLE("host", "admin"), post=ROLE("host", "admin")),
    "hearings_manage.edit":                 E(get=ROLE("host", "admin"), post=ROLE("host", "admin")),
    "hearings_manage.regenerate_token":     E(post=ROLE("host", "admin"), args={"hearing_id": "spare_hearing"}),
    # plans
    "plans.index":                          E(get=PUBLIC),
    "plans.overview":                       E(get=PUBLIC),
    "plans.ledger":                         E(get=PUBLIC),
    "plans.ledger_csv":                     E(get=PUBLIC),
    "plans.versions":                       E(get=PUBLIC),
    "plans.compare_versions":               E(get=PUBLIC),
    "plans.task":                           E(get=PUBLIC),
    "plans.tasks":                          E(get=PUBLIC),
    "plans.tasks_csv":                      E(get=PUBLIC),
    "plans.tasks_feed":                     E(get=PUBLIC),
    "plans.report":                         E(post=ROLE("official", "admin", anon="401")),
    "plans_api.index":                      E(get=PUBLIC),
    "plans_api.plan":                       E(get=PUBLIC),
    "plans_api.task":                       E(get=PUBLIC),
    "plans_api.tasks_json":                 E(get=PUBLIC),
    "plans_admin.plans":                    E(get=ROLE("admin")),
    "plans_admin.new_plan":                 E(get=ROLE("admin"), post=ROLE("admin")),
    "plans_admin.edit_plan":                E(get=ROLE("admin"), post=ROLE("admin")),
    "plans_admin.change_state":             E(post=ROLE("admin"), args={"plan_id": "draft_plan"}),
    "plans_admin.publish":                  E(post=ROLE("admin"), args={"plan_id": "draft_plan"}),
    "plans_admin.add_battle":               E(post=ROLE("admin")),
    "plans_admin.edit_battle":              E(get=ROLE("admin"), post=ROLE("admin")),
    "plans_admin.delete_battle":            E(post=ROLE("admin"), args={"battle_id": "spare_battle"}),
    "plans_admin.add_goal":                 E(post=ROLE("admin")),
    "plans_admin.edit_goal":                E(get=ROLE("admin"), post=ROLE("admin")),
    "plans_admin.delete_goal":              E(post=ROLE("admin"), args={"goal_id": "spare_goal"}),
    "plans_admin.new_task":                 E(get=ROLE("admin"), post=ROLE("admin")),
    "plans_admin.edit_task":                E(get=ROLE("admin"), post=ROLE("admin")),
    "plans_admin.delete_task":              E(post=ROLE("admin"), args={"task_id": "spare_task"}),
    # Open311 GeoReport v2: public reads; filing needs an API key (the probes send none), not a session
    "open311.discovery":                    E(get=PUBLIC, args={"fmt": "json"}),
    "open311.service_list":                 E(get=PUBLIC, args={"fmt": "xml"}),
    "open311.service_definition":           E(get=PUBLIC, args={"fmt": "json", "service_code": "complaint-city-management"}),
    "open311.list_requests":                E(get=PUBLIC, args={"fmt": "xml"}),
    "open311.create_request":               E(post=NOBODY("403"), args={"fmt": "json"}),
    "open311.get_request":                  E(get=PUBLIC, args={"fmt": "json", "service_request_id": "tracking_no"}),
    "open311.get_request | private":        E(get=NOBODY("404"), args={"fmt": "xml", "service_request_id": "private_tracking_no"}),
    "open311.token":                        E(get=PUBLIC, args={"fmt": "json", "token": "open311_token"}),
    "open311.unknown":                      E(get=NOBODY("404"), post=NOBODY("404"), args={"rest": "requests.csv"}),
    # policies
    "policies.index":                       E(get=PUBLIC),
    "policies.detail":                      E(get=PUBLIC),
    "policies.detail | draft":              E(get=ROLE("editor", "admin", anon="404", others="404"),
                                              args={"policy_id": "draft_policy"}),
    "policies.version":                     E(get=PUBLIC),
    "policies.attachment":                  E(get=PUBLIC),
    "policies.export_csv":                  E(get=PUBLIC),
    "policies.feed":                        E(get=PUBLIC),
    "policies_api.get_policy":              E(get=PUBLIC),
    "policies_api.get_policy | draft":      E(get=ROLE("editor", "admin", anon="404", others="404"),
                                              args={"policy_id": "draft_policy"}),
    "policies_api.search_policies":         E(get=PUBLIC),
    "policies_manage.index":                E(get=ROLE("editor", "admin")),
    "policies_manage.create":               E(get=ROLE("editor", "admin"), post=ROLE("editor", "admin")),
    "policies_manage.edit":                 E(get=ROLE("editor", "admin"), post=ROLE("editor", "admin")),
    "policies_manage.change_status":        E(get=ROLE("editor", "admin"), post=ROLE("editor", "admin"),
                                              args={"action": "repeal"}),
    "policies_manage.upload":               E(post=ROLE("editor", "admin")),
    "policies_manage.delete_attachment":    E(post=ROLE("editor", "admin"), deletes=True),
    "policies_manage.add_link":             E(post=ROLE("editor", "admin")),
    "policies_manage.delete_link":          E(post=ROLE("editor", "admin"), deletes=True),
    # consultation on a draft (征求意见): the world's consultation is open, drafted by the official's department
    "consultation.index":                   E(get=PUBLIC),
    "consultation.create":                  E(get=ROLE("admin"), post=ROLE("admin")),
    "consultation.show":                    E(get=PUBLIC),
    "consultation.comment":                 E(post=SIGNED_IN, data={"text": "建议公布每个环节的办理时限。"}),
    "consultation.support":                 E(post=SIGNED_IN),
    "consultation.moderate":                E(get=ROLE("moderator", "admin")),
    "consultation.moderate_comment":        E(post=ROLE("moderator", "admin"), args={"comment_id": "consultation_pending"},
                                              data={"action": "approve"}),
    "consultation.answers":                 E(get=ROLE("official", "admin")),
    "consultation.answer":                  E(post=ROLE("official", "admin"),
                                              data={"answer": "adopted", "reason": "已采纳，写入任务。"}),
    "consultation.change_state":            E(post=ROLE("admin"), args={"action": "close"}),
    "consultation.report_page":             E(get=ROLE("official", "admin", anon="404", others="404")),
    "consultation.report_print":            E(get=ROLE("official", "admin", anon="404", others="404")),
    "consultation.report_csv":              E(get=ROLE("official", "admin", anon="404", others="404")),
    "consultation.changes":                 E(get=ROLE("official", "admin", anon="404", others="404")),
}
# fmt: on


# --------------------------------------------------------------------------------------------
# Building the probes from the URL map


@dataclass
class Probe:
    key: str
    method: str
    role: str
    url: str
    rule: Rule
    data: dict[str, Any]
    fresh: bool
    deletes: bool

    @property
    def expected(self) -> str:
        return self.rule.expected[self.role]

    def matches(self, actual: str) -> bool:
        if self.expected == OK:
            return actual in LET_THROUGH[self.method] | ({"404"} if self.deletes else set())
        return actual == self.expected


def _endpoint(key: str) -> str:
    return key.split(" | ")[0]


def _value(world: World, value: Any) -> Any:
    """An entry names world objects ('closed_hearing') or world arguments ('private_tracking_no')."""
    if isinstance(value, str):
        if value in world.ids:
            return world.ids[value]
        if value in world.args:
            return world.args[value]
    return value


def build_probes(app, world: World) -> tuple[list[Probe], list[str]]:
    """Every (route, method, role) probe of the matrix, and the problems that keep a route from being probed."""
    probes: list[Probe] = []
    problems: list[str] = []
    adapter = app.url_map.bind("portal.test")
    rules_of: dict[str, list] = {}
    for url_rule in app.url_map.iter_rules():
        rules_of.setdefault(url_rule.endpoint, []).append(url_rule)
    for key, entry in MATRIX.items():
        endpoint = _endpoint(key)
        for url_rule in rules_of.get(endpoint, []):
            args = {a: world.args.get(a) for a in url_rule.arguments} | {
                a: _value(world, v) for a, v in entry.args.items() if a in url_rule.arguments
            }
            missing = sorted(a for a, v in args.items() if v is None)
            if missing:
                problems.append(
                    f"{key} ({url_rule.rule}): no value for {missing}: add it to World.args in "
                    f"tests/security/world.py or to the entry's args"
                )
                continue
            for method in sorted(url_rule.methods & {"GET", *STATE_CHANGING}):
                rule = entry.rule("GET" if method == "GET" else "POST")
                if rule is None:
                    continue
                url = adapter.build(endpoint, args, method=method, force_external=False)
                data = {k: _value(world, v) for k, v in entry.data.items()}
                probes.extend(Probe(key, method, role, url, rule, data, entry.fresh, entry.deletes) for role in ROLES)
    return probes, problems


def missing_entries(app) -> list[str]:
    """A line to add for each endpoint and method of the URL map the matrix does not cover (or no longer has)."""
    lines = []
    methods_of: dict[str, set[str]] = {}
    for url_rule in app.url_map.iter_rules():
        methods = {"GET" if m == "GET" else "POST" for m in url_rule.methods & {"GET", *STATE_CHANGING}}
        methods_of.setdefault(url_rule.endpoint, set()).update(methods)
    for endpoint, methods in sorted(methods_of.items()):
        entry = MATRIX.get(endpoint)
        needed = sorted(m for m in methods if entry is None or entry.rule(m) is None)
        if needed:
            example = ", ".join(f"{m.lower()}=ROLE(...)" for m in needed)
            lines.append(
                f"route {endpoint!r} ({', '.join(needed)}) has no entry in MATRIX "
                f"(tests/security/test_route_matrix.py): add "
                f"'\"{endpoint}\": E({example}),' with PUBLIC / SIGNED_IN / ROLE(...) as it should be"
            )
    for key, entry in MATRIX.items():
        endpoint = _endpoint(key)
        if endpoint not in methods_of:
            lines.append(f"MATRIX entry {key!r} names no route of the URL map any more: remove it")
            continue
        for method in ("GET", "POST"):
            if entry.rule(method) is not None and method not in methods_of[endpoint]:
                lines.append(f"MATRIX entry {key!r} has a {method} rule but the route takes no {method}")
    return lines


# --------------------------------------------------------------------------------------------
# Running them


@dataclass
class Run:
    world: World
    results: list[tuple[Probe, str]]
    problems: list[str]
    seconds: float


@pytest.fixture(autouse=True)
def _clean_database():
    """The matrix's world is built once for the module and emptied at its end (overrides the per-test clean)."""
    yield


def _order(probe: Probe) -> tuple[int, int]:
    """Refused probes first (they must not see objects changed by a probe let through), then GET, then the rest."""
    if probe.expected != OK:
        return (0, 0)
    return (1, 0 if probe.method == "GET" else 1)


@pytest.fixture(scope="module")
def run(app) -> Iterator[Run]:
    from portal.extensions import db

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        with app.test_request_context():
            world = build_world()
        started = time.perf_counter()
        clients = {role: signed_in(app, world.users.get(role)) for role in ROLES}
        probes, problems = build_probes(app, world)
        results = []
        for probe in sorted(probes, key=_order):  # sorted() is stable: table order within each phase
            client = signed_in(app, world.users.get(probe.role)) if probe.fresh else clients[probe.role]
            if probe.method == "GET":
                response = client.get(probe.url)
            else:
                response = client.open(probe.url, method=probe.method, data=probe.data | {"csrf_token": client.csrf})
            results.append((probe, outcome(response)))
            if probe.fresh and probe.role != "anonymous":
                clients[probe.role] = signed_in(app, world.users.get(probe.role))
        yield Run(world, results, problems, time.perf_counter() - started)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
        with app.app_context():
            db.session.remove()
            databases.empty_all_tables(db.engine, db.metadata)


def _mismatches(run: Run, methods: tuple[str, ...]) -> list[str]:
    lines = []
    for probe, actual in run.results:
        if probe.method in methods and not probe.matches(actual):
            lines.append(
                f"{probe.method} {probe.url} ({probe.key}) as {probe.role}: got {actual}, "
                f"expected {probe.expected} by {probe.rule}"
            )
    return lines


def test_every_route_has_an_entry(app):
    problems = missing_entries(app)
    assert not problems, "\n".join(problems)


def test_every_route_can_be_probed(run):
    assert not run.problems, "\n".join(run.problems)


def test_get_requests_answer_each_role_as_the_matrix_says(run):
    wrong = _mismatches(run, ("GET",))
    assert not wrong, f"{len(wrong)} of {len(run.results)} probes disagree with MATRIX:\n" + "\n".join(wrong)


def test_state_changing_requests_answer_each_role_as_the_matrix_says(run):
    wrong = _mismatches(run, STATE_CHANGING)
    assert not wrong, f"{len(wrong)} of {len(run.results)} probes disagree with MATRIX:\n" + "\n".join(wrong)


def test_the_matrix_probed_every_role_on_every_route(app, run):
    probed = {(p.key, p.method, p.role) for p, _ in run.results}
    routes = {(p.key, p.method) for p, _ in run.results}
    assert len(probed) == len(routes) * len(ROLES)
    endpoints = {_endpoint(p.key) for p, _ in run.results}
    assert endpoints == {r.endpoint for r in app.url_map.iter_rules()}
    refused = sum(1 for p, actual in run.results if actual in ("403", "401", "login"))
    print(
        f"\nauthorisation matrix: {len(routes)} route×method × {len(ROLES)} roles = {len(run.results)} requests "
        f"({refused} refused) in {run.seconds:.1f} s"
    )


def test_state_changing_requests_without_a_token_are_refused(app, run):
    """CSRF: every state-changing route refuses a request without a token, for visitors and accounts alike."""
    from tests.security.probe import signed_in as client_of

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        clients = {"anonymous": client_of(app, None), "admin": client_of(app, run.world.users["admin"])}
        refused, wrong = 0, []
        for probe in {(p.method, p.url): p for p, _ in run.results if p.method in STATE_CHANGING}.values():
            for role, client in clients.items():
                response = client.open(
                    probe.url, method=probe.method, data=probe.data, headers={"Accept": "application/json"}
                )
                body = response.get_json(silent=True) or {}
                if _endpoint(probe.key) in KEY_AUTHORISED:
                    # Authorised by an API key, never by the session cookie: without a key, refused all the same.
                    if str(response.status_code) != probe.expected:
                        wrong.append(f"{probe.method} {probe.url} as {role} without a key: {response.status_code}")
                elif response.status_code == 400 and body.get("error", {}).get("code") == "csrf_failed":
                    refused += 1
                else:
                    wrong.append(f"{probe.method} {probe.url} as {role} without a token: {response.status_code}")
        assert not wrong, "\n".join(wrong)
        assert refused >= 2 * 40
        print(f"\nCSRF: {refused} state-changing requests without a token, all refused (400 csrf_failed)")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
