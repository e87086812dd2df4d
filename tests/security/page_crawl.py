"""What the page fuzzer walks: the page routes of the URL map, and the forms the pages offer.

Routes come from `app.url_map`, so a new page is fuzzed without anyone listing it; forms are
read from the HTML the pages serve, so a form is posted with the fields a browser would send.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urlsplit

from werkzeug.routing import Rule

# Not pages: the JSON API has its own fuzzer (schemathesis), and files are not rendered.
NOT_PAGES = ("/api/", "/static/", "/media/")
# POSTed by another system, never by a page's form (tests/payments checks its signature rule).
MACHINE_ENDPOINTS = frozenset({"payments.stripe_webhook"})
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def page_rules(url_map) -> list[Rule]:
    """Every page route, in the map's order."""
    return [rule for rule in url_map.iter_rules() if not rule.rule.startswith(NOT_PAGES)]


def rule_methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def as_bytes(text: str) -> bytes:
    """UTF-8, lone surrogates included (a JSON body can carry them; a browser cannot)."""
    return text.encode("utf-8", "surrogatepass")


def fill_in(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with its arguments replaced, each value percent-encoded as raw UTF-8."""
    return ARGUMENT.sub(
        lambda match: quote_from_bytes(as_bytes(str(values[match.group(1)])), safe=""), rule.rule
    )


def url_encoded(pairs: list[tuple[str, str]]) -> bytes:
    """An application/x-www-form-urlencoded body or query string, byte for byte."""
    return b"&".join(
        quote_from_bytes(as_bytes(name), safe="").encode()
        + b"="
        + quote_from_bytes(as_bytes(value), safe="").encode()
        for name, value in pairs
    )


@dataclass
class PageForm:
    """One <form> of a page: where it posts and the name/value pairs a browser would send."""

    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons: one is sent

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(name for name, _ in self.fields))


class _FormReader(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "option" and self._select is not None:
            # The selected option, else the first one with a value (a browser would send "").
            value = attributes.get("value", "")
            if "selected" in attributes or (self._select_value is None and value):
                self._select_value = value
        elif tag == "form":
            action = urlsplit(attributes.get("action") or self.page_path).path or self.page_path
            self._form = PageForm(attributes.get("method", "get").lower(), action)
            self.forms.append(self._form)
        elif self._form is None or "name" not in attributes:
            return
        elif tag == "input":
            self._input(attributes)
        elif tag == "button" and attributes.get("type", "submit") == "submit":
            self._form.buttons.append((attributes["name"], attributes.get("value", "")))
        elif tag == "select":
            self._select, self._select_value = attributes["name"], None
        elif tag == "textarea":
            self._textarea, self._text = attributes["name"], ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def _input(self, attributes) -> None:
        kind = attributes.get("type", "text")
        name, value = attributes["name"], attributes.get("value", "")
        if kind == "submit":
            self._form.buttons.append((name, value))
        elif kind in ("checkbox", "radio"):
            if "checked" in attributes or not any(n == name for n, _ in self._form.fields):
                self._form.fields = [(n, v) for n, v in self._form.fields if n != name] + [
                    (name, value or "y")
                ]
        else:
            self._form.fields.append((name, value))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, self._text))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.fields.append((self._select, self._select_value or ""))
            self._select = None


def forms_on(html: str, page_path: str) -> list[PageForm]:
    """The forms of a page, with the values it filled in."""
    reader = _FormReader(page_path)
    reader.feed(html)
    return reader.forms
