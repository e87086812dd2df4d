"""Admin footer pages (shipping, returns, privacy, contact): the list, and editing one's text."""

from flask import flash, redirect, render_template, request, url_for
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.blueprints.admin import bp
from app.blueprints.forms import show_errors
from app.blueprints.input_rules import PageForm
from app.models.pages import MAX_PAGE_BODY, MAX_PAGE_TITLE
from app.services import pages
from app.services.errors import ValidationFailed

TITLE_TOO_LONG = f"Please shorten the title to at most {MAX_PAGE_TITLE} characters."
BODY_TOO_LONG = f"Please shorten the text to at most {MAX_PAGE_BODY:,} characters."


class PageTextForm(PageForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired("Please give the page a title."),
            Length(max=MAX_PAGE_TITLE, message=TITLE_TOO_LONG),
        ],
        render_kw={"maxlength": MAX_PAGE_TITLE},
    )
    body = TextAreaField(
        "Text",
        description="Plain text; a blank line starts a new paragraph.",
        validators=[Length(max=MAX_PAGE_BODY, message=BODY_TOO_LONG)],
        render_kw={"rows": 14},
    )


@bp.get("/admin/pages", strict_slashes=False)
def pages_list():
    return render_template("admin/pages.html", pages=pages.list_pages())


@bp.route("/admin/pages/<page_slug>", methods=["GET", "POST"])
def edit_page(page_slug: str):
    page = pages.page_by_slug(page_slug)  # NotFound: the admin's 404
    form = PageTextForm()
    if request.method == "GET":
        form.title.data, form.body.data = page.title, page.body
    elif form.validate_on_submit():
        try:
            pages.update_page(page_slug, form.title.data, form.body.data or "")
        except ValidationFailed as refused:
            show_errors(form, refused.fields)
        else:
            flash(f"Page “{page.title}” saved.", "success")
            return redirect(url_for("admin.pages_list"), code=303)
    status = 400 if form.errors else 200
    return render_template("admin/page_edit.html", form=form, page=page), status
