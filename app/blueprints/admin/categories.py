"""Admin category pages: the tree, and creating, renaming, moving and deleting categories."""

from flask import flash, redirect, render_template, url_for
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.blueprints.admin import bp
from app.blueprints.input_rules import PageForm
from app.blueprints.url_values import ID
from app.services.catalog import categories
from app.services.errors import ValidationFailed

TOP_LEVEL = ""


class CategoryForm(PageForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    slug = StringField("Slug (blank: made from the name)", validators=[Optional(), Length(max=120)])
    parent_id = SelectField("Parent", choices=[], validate_choice=True)


class MoveForm(PageForm):
    parent_id = SelectField("Move under", choices=[], validate_choice=True)


class ProductCategoryForm(PageForm):
    category_id = SelectField("Category", choices=[], validate_choice=True)


def category_choices(none_label: str) -> list[tuple[str, str]]:
    """(id, indented name) of every category in tree order, after a choice for none."""
    nodes = categories.flattened(categories.category_tree())
    return [(TOP_LEVEL, none_label)] + [(str(node.id), "— " * node.depth + node.name) for node in nodes]


def _chosen_id(value: str) -> int | None:
    return int(value) if value else None


@bp.get("/admin/categories")
def categories_page():
    form = CategoryForm(formdata=None)
    form.parent_id.choices = category_choices("(top level)")
    return _tree_page(form)


@bp.post("/admin/categories/new")
def create_category():
    form = CategoryForm()
    form.parent_id.choices = category_choices("(top level)")
    if form.validate_on_submit():
        try:
            category = categories.create_category(
                form.name.data, parent_id=_chosen_id(form.parent_id.data), slug=form.slug.data or ""
            )
        except ValidationFailed as refused:
            _attach(form, refused.fields)
        else:
            flash(f"Category {category.name} created.", "success")
            return redirect(url_for("admin.categories_page"), code=303)
    return _tree_page(form), 400


@bp.post(f"/admin/categories/<{ID}:category_id>/rename")
def rename_category(category_id: int):
    form = CategoryForm()
    del form.parent_id
    if form.validate_on_submit():
        try:
            category = categories.rename_category(category_id, form.name.data, slug=form.slug.data or "")
        except ValidationFailed as refused:
            flash(refused.message, "error")
        else:
            flash(f"Category renamed to {category.name}.", "success")
    else:
        flash(_first_error(form), "error")
    return redirect(url_for("admin.categories_page"), code=303)


@bp.post(f"/admin/categories/<{ID}:category_id>/move")
def move_category(category_id: int):
    form = MoveForm()
    form.parent_id.choices = category_choices("(top level)")
    if form.validate_on_submit():
        try:
            category = categories.move_category(category_id, _chosen_id(form.parent_id.data))
        except ValidationFailed as refused:
            flash(refused.message, "error")
        else:
            where = category.parent.name if category.parent else "the top level"
            flash(f"{category.name} moved to {where}.", "success")
    else:
        flash(_first_error(form), "error")
    return redirect(url_for("admin.categories_page"), code=303)


@bp.get(f"/admin/categories/<{ID}:category_id>/confirm-delete")
def confirm_delete_category(category_id: int):
    """The step before a delete: it asks, and its button posts to the same address."""
    category = categories.get_category(category_id)
    return render_template(
        "admin/confirm.html",
        active="categories",
        heading=f"Delete the category {category.name}?",
        details=[
            "A category that still has subcategories or products is not deleted: "
            "move them first. A deleted category cannot be brought back."
        ],
        action=url_for("admin.delete_category", category_id=category.id),
        fields=[],
        button="Delete the category",
        back=url_for("admin.categories_page"),
        back_label="Keep it",
    )


@bp.post(f"/admin/categories/<{ID}:category_id>/delete")
def delete_category(category_id: int):
    try:
        name = categories.delete_category(category_id)
    except ValidationFailed as refused:
        flash(refused.message, "error")
    else:
        flash(f"Category {name} deleted.", "success")
    return redirect(url_for("admin.categories_page"), code=303)


@bp.post(f"/admin/products/<{ID}:product_id>/category")
def set_product_category(product_id: int):
    form = ProductCategoryForm()
    form.category_id.choices = category_choices("(none)")
    if form.validate_on_submit():
        try:
            product = categories.set_product_category(product_id, _chosen_id(form.category_id.data))
        except ValidationFailed as refused:
            flash(refused.message, "error")
        else:
            flash(f"Category of {product.name} saved.", "success")
    else:
        flash(_first_error(form), "error")
    return redirect(url_for("admin.edit_product", product_id=product_id), code=303)


@bp.app_template_global("product_category_form")
def product_category_form(product) -> ProductCategoryForm:
    """The product page's category picker, filled in (the product edit page includes it)."""
    form = ProductCategoryForm(formdata=None, category_id=str(product.category_id or ""))
    form.category_id.choices = category_choices("(none)")
    return form


def _tree_page(form: CategoryForm) -> str:
    tree = categories.flattened(categories.category_tree())
    move_choices = category_choices("(top level)")
    return render_template("admin/categories.html", form=form, nodes=tree, move_choices=move_choices)


def _attach(form: PageForm, fields: dict[str, list[str]]) -> None:
    for name, messages in fields.items():
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = list(field.errors) + list(messages)


def _first_error(form: PageForm) -> str:
    for name, messages in form.errors.items():
        label = getattr(getattr(form, name, None), "label", None)
        return f"{label.text if label else name}: {messages[0]}"
    return "The form could not be read."
