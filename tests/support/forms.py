"""Fill and submit a rendered HTML form the way a person in a browser would.

    from tests.support.forms import open_form

    form = open_form(client, "/orders/X/", form="#dispatch-form")
    form.select("主办部门", "市行政审批服务局")
    form.check("协办部门", "大数据局")
    form.fill("派单要求", "请今晚处置")
    resp = form.submit(button="派单")

The page is fetched with the (Flask test) client, parsed with the standard library, and the
form's data set is built as the HTML standard does it: only successful controls (named, not
disabled, checked for checkboxes and radios, the selected options of a select — or its first
option), hidden inputs included, only the clicked submit button, in document order, a name that
appears twice sent twice. ``formaction``/``formmethod``/``formenctype`` of the clicked button
apply; GET sends a query string, POST a urlencoded or multipart body. Controls are found by
their label as a person reads it (``<label for>``, a wrapping ``<label>``, the ``<legend>`` of
their ``<fieldset>`` for groups, ``aria-label``/``aria-labelledby``) or by their name; a label
or option that is missing or ambiguous raises :class:`FormError` listing what the page has.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

__all__ = ["Control", "Element", "Form", "FormError", "forms_in", "open_form", "parse_html"]

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Elements whose start tag closes an open element of the listed kinds (the parser's implied end tags).
IMPLIED_END = {
    "option": {"option"},
    "optgroup": {"option", "optgroup"},
    "li": {"li"},
    "p": {"p"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
}
TEXT_TYPES = {"text", "search", "tel", "url", "email", "password", "number", "date", "datetime-local", "time"}
TEXT_TYPES |= {"month", "week", "color", "range"}
BUTTON_TYPES = {"submit", "image", "reset", "button"}


class FormError(AssertionError):
    """The form cannot be filled or submitted as asked (missing/ambiguous label, disabled control…)."""


# --------------------------------------------------------------------------------------------
# A small DOM


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def has(self, name: str) -> bool:
        return name in self.attrs

    @property
    def id(self) -> str | None:
        return self.attrs.get("id")

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def iter(self):
        """This element and every element below it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def text(self, skip_controls: bool = False) -> str:
        """Text content with whitespace collapsed (what a person reads)."""
        parts: list[str] = []

        def walk(node: Element) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag in ("script", "style", "template") or (
                    skip_controls and child.tag in ("select", "textarea", "input", "button")
                ):
                    continue
                else:
                    walk(child)

        walk(self)
        return norm("".join(parts))

    def __repr__(self) -> str:
        attrs = " ".join(f'{k}="{v}"' for k, v in self.attrs.items())
        return f"<{self.tag}{' ' + attrs if attrs else ''}>"


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def label_key(text: str | None) -> str:
    """A label as compared: whitespace collapsed, required markers and trailing colons dropped."""
    text = norm(text)
    text = re.sub(r"^[*＊]\s*|\s*[*＊]$", "", text)
    return re.sub(r"\s*[:：]$", "", text).strip()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        closes = IMPLIED_END.get(tag)
        if closes:
            # Close an open element of those kinds only within the nearest list/select/table/form.
            for i in range(len(self.stack) - 1, 0, -1):
                t = self.stack[i].tag
                if t in closes:
                    del self.stack[i:]
                    break
                if t in ("ul", "ol", "select", "datalist", "table", "tbody", "thead", "form", "div", "body"):
                    break
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# --------------------------------------------------------------------------------------------
# Controls


@dataclass(eq=False)
class Control:
    """One form-associated element and its current state (value, checkedness, selection, file)."""

    element: Element
    form: Form
    value: str = ""
    checked: bool = False
    selected: list[Element] = field(default_factory=list)
    upload: tuple[str, bytes, str] | None = None

    @property
    def tag(self) -> str:
        return self.element.tag

    @property
    def name(self) -> str:
        return self.element.get("name") or ""

    @property
    def type(self) -> str:
        """input type (lower case), ``select``/``select-multiple``, ``textarea`` or button type."""
        el = self.element
        if el.tag == "input":
            return (el.get("type") or "text").lower()
        if el.tag == "button":
            t = (el.get("type") or "submit").lower()
            return t if t in ("submit", "reset", "button") else "submit"
        if el.tag == "select":
            return "select-multiple" if el.has("multiple") else "select"
        return el.tag

    @property
    def is_button(self) -> bool:
        return self.tag == "button" or (self.tag == "input" and self.type in BUTTON_TYPES)

    @property
    def is_submit(self) -> bool:
        return self.is_button and self.type in ("submit", "image")

    @property
    def is_checkable(self) -> bool:
        return self.tag == "input" and self.type in ("checkbox", "radio")

    @property
    def disabled(self) -> bool:
        el = self.element
        if el.has("disabled"):
            return True
        child = el
        for anc in el.ancestors():
            if anc.tag == "fieldset" and anc.has("disabled"):
                first_legend = next((c for c in anc.children if isinstance(c, Element) and c.tag == "legend"), None)
                if first_legend is None or child is not first_legend:
                    return True
            child = anc
        return False

    @property
    def options(self) -> list[Element]:
        return [e for e in self.element.iter() if e.tag == "option"]

    @property
    def labels(self) -> list[str]:
        """Every text a person could call this control by (its own label, not its group's)."""
        el = self.element
        found: list[str] = []
        root = self.form.root
        if el.id:
            for lab in root.iter():
                if lab.tag == "label" and lab.get("for") == el.id:
                    found.append(lab.text(skip_controls=True))
        for anc in el.ancestors():
            if anc.tag == "label" and not anc.has("for"):
                found.append(anc.text(skip_controls=True))
                break
        if el.get("aria-label"):
            found.append(el.get("aria-label"))
        for ref in (el.get("aria-labelledby") or "").split():
            target = self.form.by_id(ref)
            if target is not None:
                found.append(target.text())
        if self.is_button:
            found.append(el.text() if el.tag == "button" else el.get("value") or "")
        if el.get("title"):
            found.append(el.get("title"))
        if self.tag in ("input", "textarea") and el.get("placeholder") and not found:
            found.append(el.get("placeholder"))
        return [label_key(t) for t in found if label_key(t)]

    @property
    def group_labels(self) -> list[str]:
        """The legend of the fieldsets around this control, and the label of a role=group/radiogroup."""
        found: list[str] = []
        for anc in self.element.ancestors():
            if anc.tag == "fieldset":
                legend = next((c for c in anc.children if isinstance(c, Element) and c.tag == "legend"), None)
                if legend is not None:
                    found.append(legend.text())
            if anc.get("role") in ("group", "radiogroup"):
                if anc.get("aria-label"):
                    found.append(anc.get("aria-label"))
                for ref in (anc.get("aria-labelledby") or "").split():
                    target = self.form.by_id(ref)
                    if target is not None:
                        found.append(target.text())
        return [label_key(t) for t in found if label_key(t)]

    def describe(self) -> str:
        label = self.labels[0] if self.labels else ""
        return f"{self.type} name={self.name!r}" + (f" label={label!r}" if label else "")

    def __repr__(self) -> str:
        return f"<Control {self.describe()}>"


def option_text(option: Element) -> str:
    return option.get("label") or option.text()


def option_value(option: Element) -> str:
    return option.get("value") if option.has("value") else norm(option.raw_text())


def option_disabled(option: Element) -> bool:
    if option.has("disabled"):
        return True
    return any(a.tag == "optgroup" and a.has("disabled") for a in option.ancestors())


# --------------------------------------------------------------------------------------------
# Form


class Form:
    """A parsed <form> with its controls' state; fill it, then ``submit()``."""

    def __init__(self, element: Element, root: Element, page_url: str, client=None, page=None) -> None:
        self.element = element
        self.root = root
        self.page_url = page_url
        self.client = client
        self.page = page  # the response of the page the form was read from
        self.response = None  # the response of the last submit()
        self._ids = {e.id: e for e in root.iter() if e.id}
        self.controls = [self._make_control(e) for e in self._associated_elements()]

    # -- structure --------------------------------------------------------------------------

    def by_id(self, element_id: str) -> Element | None:
        return self._ids.get(element_id)

    def _associated_elements(self) -> list[Element]:
        form_id = self.element.id
        result = []
        for e in self.root.iter():
            if e.tag not in ("input", "select", "textarea", "button"):
                continue
            owner = e.get("form")
            if owner is not None:
                if form_id and owner == form_id:
                    result.append(e)
                continue
            if any(a is self.element for a in e.ancestors()):
                result.append(e)
        return result

    def _make_control(self, e: Element) -> Control:
        c = Control(e, self)
        if e.tag == "textarea":
            text = e.raw_text()
            c.value = text[1:] if text.startswith("\n") else text
        elif e.tag == "select":
            c.selected = self._default_selection(c)
        elif e.tag == "input":
            c.checked = e.has("checked")
            value = e.get("value", "") or ""
            if c.type in TEXT_TYPES or c.type == "hidden":
                value = value if c.type == "hidden" else value.replace("\r", "").replace("\n", "")
            c.value = value
        else:
            c.value = e.get("value", "") or ""
        return c

    @staticmethod
    def _default_selection(c: Control) -> list[Element]:
        options = c.options
        selected = [o for o in options if o.has("selected")]
        if c.type == "select-multiple":
            return selected
        if selected:
            return selected[-1:]
        size = int(c.element.get("size") or 1) if (c.element.get("size") or "1").isdigit() else 1
        if size <= 1:
            first = next((o for o in options if not option_disabled(o)), None)
            return [first] if first is not None else []
        return []

    @property
    def action(self) -> str:
        return self.element.get("action") or ""

    @property
    def action_url(self) -> str:
        """The action resolved against the page URL (an empty action is the page itself)."""
        return urljoin(self.page_url, self.action) if self.action else self.page_url

    @property
    def method(self) -> str:
        return (self.element.get("method") or "get").lower()

    @property
    def enctype(self) -> str:
        return (self.element.get("enctype") or "application/x-www-form-urlencoded").lower()

    @property
    def submit_buttons(self) -> list[Control]:
        return [c for c in self.controls if c.is_submit]

    def describe(self) -> str:
        el = self.element
        bits = [f"{k}={v!r}" for k, v in el.attrs.items() if k in ("id", "class", "action", "method")]
        buttons = ", ".join(repr(b.labels[0] if b.labels else b.name) for b in self.submit_buttons)
        return f"<form {' '.join(bits)}> buttons: {buttons or 'none'}"

    def __repr__(self) -> str:
        return self.describe()

    def fields(self) -> list[str]:
        """One line per control: type, name, labels, group — to see what the page offers."""
        lines = []
        for c in self.controls:
            group = f" group={c.group_labels[0]!r}" if c.group_labels else ""
            lines.append(f"{c.type} name={c.name!r} labels={c.labels}{group}")
        return lines

    # -- finding controls -------------------------------------------------------------------

    def _find(self, label: str, kinds, what: str) -> Control:
        candidates = [c for c in self.controls if kinds(c)]
        matches = self._match(candidates, label, lambda c: [*c.labels, c.name])
        if not matches:
            raise FormError(
                f"no {what} labelled or named {label!r} in {self.describe()}; it has:\n  " + "\n  ".join(self.fields())
            )
        if len(matches) > 1:
            raise FormError(f"{len(matches)} {what}s match {label!r}: {matches}")
        return matches[0]

    @staticmethod
    def _match(candidates, label, names_of):
        key = label_key(label)
        exact = [c for c in candidates if key in names_of(c)]
        if exact:
            return exact
        return [c for c in candidates if any(key and key in n for n in names_of(c))]

    @staticmethod
    def _usable(c: Control, action: str) -> None:
        if c.disabled:
            raise FormError(f"cannot {action} {c.describe()}: it is disabled")

    # -- filling ----------------------------------------------------------------------------

    def fill(self, label: str, value: str) -> Form:
        """Type into a text input or textarea found by its label (or name)."""
        c = self._find(
            label,
            lambda c: c.tag == "textarea" or (c.tag == "input" and c.type in TEXT_TYPES),
            "text field",
        )
        self._usable(c, "fill")
        if c.element.has("readonly"):
            raise FormError(f"cannot fill {c.describe()}: it is read-only")
        c.value = value if c.tag == "textarea" else value.replace("\r", "").replace("\n", "")
        return self

    def select(self, label: str, *options: str) -> Form:
        """Choose option(s) of a <select> by visible text (or value); a multiple select gets exactly these."""
        c = self._find(label, lambda c: c.tag == "select", "dropdown")
        self._usable(c, "select in")
        if not options:
            raise FormError("select() needs at least one option")
        if len(options) > 1 and c.type != "select-multiple":
            raise FormError(f"{c.describe()} is not a multiple select; cannot choose {options}")
        chosen = [self._option(c, text) for text in options]
        c.selected = chosen
        return self

    def _option(self, c: Control, text: str) -> Element:
        opts = c.options
        key = norm(text)
        matches = [o for o in opts if option_text(o) == key] or [o for o in opts if option_value(o) == text]
        if not matches:
            matches = [o for o in opts if key and key in option_text(o)]
        if not matches:
            listed = ", ".join(repr(option_text(o)) for o in opts)
            raise FormError(f"{c.describe()} has no option {text!r}; options: {listed}")
        if len(matches) > 1:
            raise FormError(
                f"{c.describe()}: {text!r} matches {len(matches)} options: {[option_text(o) for o in matches]}"
            )
        if option_disabled(matches[0]):
            raise FormError(f"{c.describe()}: option {text!r} is disabled")
        return matches[0]

    def _checkable(self, label: str, option: str | None) -> Control:
        checkables = [c for c in self.controls if c.is_checkable]
        if option is None:
            return self._find(label, lambda c: c.is_checkable, "checkbox or radio button")
        groups = self._match(checkables, label, lambda c: [*c.group_labels, c.name])
        if not groups:
            known = sorted({g for c in checkables for g in [*c.group_labels, c.name]})
            raise FormError(
                f"no checkbox/radio group labelled or named {label!r} in {self.describe()}; groups: {known}"
            )
        matches = self._match(groups, option, lambda c: [*c.labels, c.value])
        if not matches:
            listed = [c.labels[0] if c.labels else c.value for c in groups]
            raise FormError(f"group {label!r} has no option {option!r}; options: {listed}")
        if len(matches) > 1:
            raise FormError(f"{len(matches)} controls of group {label!r} match {option!r}: {matches}")
        return matches[0]

    def check(self, label: str, option: str | None = None) -> Form:
        """Tick a checkbox or choose a radio button: ``check("同意")`` or ``check("协办部门", "大数据局")``."""
        c = self._checkable(label, option)
        self._usable(c, "check")
        if c.type == "radio":
            for other in self.controls:
                if other.type == "radio" and other.name == c.name and other is not c:
                    other.checked = False
        c.checked = True
        return self

    def uncheck(self, label: str, option: str | None = None) -> Form:
        """Untick a checkbox (radio buttons cannot be unticked by a person)."""
        c = self._checkable(label, option)
        self._usable(c, "uncheck")
        if c.type == "radio":
            raise FormError(f"a person cannot uncheck the radio button {c.describe()}; check another one")
        c.checked = False
        return self

    def attach(self, label: str, filename: str, content: bytes, mimetype: str = "application/octet-stream") -> Form:
        """Choose a file for a file input."""
        c = self._find(label, lambda c: c.tag == "input" and c.type == "file", "file input")
        self._usable(c, "attach to")
        c.upload = (filename, content, mimetype)
        return self

    # -- submission -------------------------------------------------------------------------

    def _submitter(self, button: str | None) -> Control | None:
        buttons = self.submit_buttons
        if button is None:
            # Pressing Enter: the form's default button (its first submit button) is the submitter.
            return buttons[0] if buttons else None
        matches = self._match(buttons, button, lambda c: [*c.labels, c.name, c.value])
        if not matches:
            listed = [b.labels[0] if b.labels else b.name for b in buttons]
            raise FormError(f"no submit button {button!r} in {self.describe()}; buttons: {listed}")
        if len(matches) > 1:
            raise FormError(f"{len(matches)} submit buttons match {button!r}: {matches}")
        if matches[0].disabled:
            raise FormError(f"the submit button {button!r} is disabled")
        return matches[0]

    def entries(self, button: str | None = None) -> list[tuple[str, str | tuple[str, bytes, str]]]:
        """The form data set a browser builds (name, value) in document order; files as (filename, bytes, type)."""
        submitter = self._submitter(button)
        result: list[tuple[str, str | tuple[str, bytes, str]]] = []
        for c in self.controls:
            if c.disabled or not c.name or c.tag == "object":
                continue
            if c.is_button:
                if c is not submitter:
                    continue
                if c.type == "image":
                    result += [(f"{c.name}.x", "0"), (f"{c.name}.y", "0")]
                    continue
                result.append((c.name, c.value))
                continue
            if c.is_checkable:
                if c.checked:
                    result.append((c.name, c.element.get("value", "on") if c.element.has("value") else "on"))
                continue
            if c.tag == "select":
                result += [(c.name, option_value(o)) for o in c.selected if not option_disabled(o)]
                continue
            if c.type == "file":
                result.append((c.name, c.upload or ("", b"", "application/octet-stream")))
                continue
            if c.type == "hidden" and c.name == "_charset_":
                result.append((c.name, "UTF-8"))
                continue
            result.append((c.name, c.value))
        return result

    def values(self, button: str | None = None) -> list[tuple[str, str]]:
        """What would be sent, as (name, value) pairs in order; a file shows as its file name."""
        return [(n, v[0] if isinstance(v, tuple) else v) for n, v in self.entries(button)]

    def value_dict(self, button: str | None = None) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for n, v in self.values(button):
            out.setdefault(n, []).append(v)
        return out

    def request_for(self, button: str | None = None) -> dict:
        """Method, URL and body a browser would send (``{"method", "url", "data" | "query"}``)."""
        submitter = self._submitter(button)
        el = submitter.element if submitter is not None else None
        action = (el.get("formaction") if el is not None and el.has("formaction") else None) or self.action
        method = ((el.get("formmethod") if el is not None and el.has("formmethod") else None) or self.method).lower()
        enctype = (
            (el.get("formenctype") if el is not None and el.has("formenctype") else None) or self.enctype
        ).lower()
        if method not in ("get", "post"):
            method = "get"
        url = urljoin(self.page_url, action) if action else self.page_url
        page, target = urlsplit(self.page_url), urlsplit(url)
        if target.netloc and page.netloc and target.netloc != page.netloc:
            raise FormError(f"the form posts to another site: {url}")
        entries = self.entries(button)
        uploads = [c for c in self.controls if c.type == "file" and c.upload]
        if uploads and (method != "post" or enctype != "multipart/form-data"):
            raise FormError(
                f"a file was attached but the form sends {method.upper()} {enctype}: a browser would send only "
                "the file name, not the file (the form needs method=post enctype=multipart/form-data)"
            )
        path = target.path + (f"?{target.query}" if target.query else "")
        if method == "get":
            pairs = [(n, v[0] if isinstance(v, tuple) else _crlf(v)) for n, v in entries]
            return {"method": "GET", "url": target.path + ("?" + urlencode(pairs) if pairs else "?")}
        if enctype == "multipart/form-data":
            from werkzeug.datastructures import MultiDict

            data = MultiDict()
            for n, v in entries:
                if isinstance(v, tuple):
                    data.add(n, (io.BytesIO(v[1]), v[0], v[2]))
                else:
                    data.add(n, _crlf(v))
            return {"method": "POST", "url": path, "data": data, "content_type": "multipart/form-data"}
        pairs = [(n, v[0] if isinstance(v, tuple) else _crlf(v)) for n, v in entries]
        return {
            "method": "POST",
            "url": path,
            "data": urlencode(pairs),
            "content_type": "application/x-www-form-urlencoded",
        }

    def submit(self, button: str | None = None, follow_redirects: bool = False, **kwargs):
        """Send what the browser would send when ``button`` (its text, value or name) is clicked.

        Without ``button`` the form is submitted as by pressing Enter (its first submit button).
        Returns the client's response (also kept as ``self.response``).
        """
        if self.client is None:
            raise FormError("this form was parsed without a client; use open_form(client, ...)")
        req = self.request_for(button)
        method = req.pop("method")
        url = req.pop("url")
        if method == "GET":
            resp = self.client.get(url, follow_redirects=follow_redirects, **kwargs)
        else:
            resp = self.client.post(url, follow_redirects=follow_redirects, **req, **kwargs)
        self.response = resp
        return resp


def _crlf(value: str) -> str:
    """Browsers send line breaks in form values as CRLF."""
    return re.sub(r"\r\n|\r|\n", "\r\n", value)


# --------------------------------------------------------------------------------------------
# Entry points


def forms_in(html: str, page_url: str = "http://localhost/", client=None, page=None) -> list[Form]:
    """Every <form> of a page, parsed."""
    root = parse_html(html)
    return [Form(e, root, page_url, client, page) for e in root.iter() if e.tag == "form"]


def pick_form(forms: list[Form], form: str | None) -> Form:
    """Pick by ``#id``, ``.class``, ``[attr=value]``, action substring, submit-button text or aria-label."""
    if not forms:
        raise FormError("the page has no <form>")
    if form is None:
        if len(forms) == 1:
            return forms[0]
        raise FormError("the page has several forms; pass form=...:\n  " + "\n  ".join(f.describe() for f in forms))
    if form.startswith("#"):
        matches = [f for f in forms if f.element.id == form[1:]]
    elif form.startswith("."):
        matches = [f for f in forms if form[1:] in f.element.classes]
    elif m := re.fullmatch(r"\[([\w-]+)=['\"]?(.*?)['\"]?\]", form):
        matches = [f for f in forms if f.element.get(m[1]) == m[2]]
    else:
        key = label_key(form)
        matches = [f for f in forms if form in f.action] or [f for f in forms if form in f.action_url]
        if not matches:
            matches = [f for f in forms if any(key in b.labels for b in f.submit_buttons)]
        if not matches:
            matches = [f for f in forms if key in (label_key(f.element.get("aria-label")), f.element.get("name"))]
    if not matches:
        raise FormError(f"no form matches {form!r}; the page has:\n  " + "\n  ".join(f.describe() for f in forms))
    if len(matches) > 1:
        raise FormError(f"{len(matches)} forms match {form!r}:\n  " + "\n  ".join(f.describe() for f in matches))
    return matches[0]


def open_form(client, url: str, form: str | None = None, follow_redirects: bool = True) -> Form:
    """GET ``url`` with ``client`` (following redirects), and return the chosen <form> ready to fill."""
    page = client.get(url, follow_redirects=follow_redirects)
    if page.status_code != 200:
        raise FormError(f"GET {url} answered {page.status_code}, not a page with a form")
    request = getattr(page, "request", None)
    page_url = request.url if request is not None else urljoin("http://localhost/", url)
    forms = forms_in(page.get_data(as_text=True), page_url, client, page)
    return pick_form(forms, form)
