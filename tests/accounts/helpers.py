"""Reading the links out of the emails the shop sent."""

import re

LINK = re.compile(r"https?://\S+")


def link_in(message) -> str:
    """The one link of an email's text body."""
    (link,) = set(LINK.findall(message.body))
    return link


def path_of(link: str) -> str:
    """The link as the test client opens it: path and query."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]
