"""The docs a comment cites exist: every `docs/<page>.md#<section>` names a heading of that page."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"(?:docs/)?(behaviour|architecture|decisions|production|api|testing)\.md#([a-z0-9-]+)")


def anchors(page: Path) -> set[str]:
    """The anchors GitHub makes of a page's headings: lower case, punctuation dropped, spaces to '-'."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), re.M)
    return {re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def citations() -> list[tuple[str, str, str]]:
    found = []
    sources = [*ROOT.glob("app/**/*.py"), *ROOT.glob("tests/**/*.py"), *ROOT.glob("docs/*.md")]
    for path in [*sources, ROOT / "config.py", ROOT / "README.md", ROOT / "bench" / "README.md"]:
        for page, anchor in CITATION.findall(path.read_text()):
            found.append((str(path.relative_to(ROOT)), page, anchor))
    return found


def test_every_cited_section_of_the_docs_exists():
    missing = [
        f"{source} cites docs/{page}.md#{anchor}"
        for source, page, anchor in citations()
        if anchor not in anchors(ROOT / "docs" / f"{page}.md")
    ]

    assert missing == []


def test_the_code_cites_the_behaviour_page():
    cited = {anchor for _, page, anchor in citations() if page == "behaviour"}

    assert {"money-and-totals", "coupons", "stock-and-order-creation", "order-statuses"} <= cited
