"""The category tree: reading it, and changing it as admins do (docs/behaviour.md#categories)."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Category, Product
from app.models.categories import MAX_CATEGORY_NAME, MAX_CATEGORY_SLUG
from app.services.catalog.slugs import slugify
from app.services.errors import NotFound, ValidationFailed

PATH_SEPARATOR = "/"


@dataclass
class CategoryNode:
    """A category with its children, as the tree pages and the API show it."""

    id: int
    slug: str
    name: str
    parent: str | None  # the parent's slug
    parent_id: int | None = None
    depth: int = 0
    children: list["CategoryNode"] = field(default_factory=list)


def category_tree() -> list[CategoryNode]:
    """Every category, as a list of top-level nodes each holding its children, by name."""
    rows = db.session.execute(
        select(Category.id, Category.slug, Category.name, Category.parent_id).order_by(
            Category.name, Category.id
        )
    ).all()
    slugs = {row.id: row.slug for row in rows}
    nodes = {
        row.id: CategoryNode(row.id, row.slug, row.name, slugs.get(row.parent_id), row.parent_id)
        for row in rows
    }
    roots: list[CategoryNode] = []
    for row in rows:
        siblings = nodes[row.parent_id].children if row.parent_id in nodes else roots
        siblings.append(nodes[row.id])
    _set_depths(roots, 0)
    return roots


def flattened(tree: list[CategoryNode]) -> list[CategoryNode]:
    """The tree in display order (each node followed by its descendants), e.g. for a select box."""
    result = []
    for node in tree:
        result.append(node)
        result.extend(flattened(node.children))
    return result


def top_level_categories() -> list[tuple[str, str]]:
    """(slug, name) of each category without a parent, by name: the shop's navigation."""
    rows = db.session.execute(
        select(Category.slug, Category.name).where(Category.parent_id.is_(None)).order_by(Category.name)
    )
    return [tuple(row) for row in rows]


def category_by_slug(slug: str) -> Category:
    """The category with this slug; NotFound otherwise."""
    category = db.session.scalar(select(Category).where(Category.slug == slug))
    if category is None:
        raise NotFound("No such category.")
    return category


def get_category(category_id: int) -> Category:
    """The category with this id; NotFound otherwise."""
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound("No such category.")
    return category


def breadcrumbs(category: Category) -> list[Category]:
    """The category's ancestors from the top down, ending with the category itself."""
    trail = [category]
    while trail[-1].parent is not None and len(trail) < 100:
        trail.append(trail[-1].parent)
    return list(reversed(trail))


def subtree_ids(category_id: int):
    """A SELECT of the ids of the category and all its descendants (a recursive CTE)."""
    tree = select(Category.id).where(Category.id == category_id).cte("subtree", recursive=True)
    tree = tree.union_all(select(Category.id).where(Category.parent_id == tree.c.id))
    return select(tree.c.id)


def create_category(name: str, *, parent_id: int | None = None, slug: str = "") -> Category:
    """Add a category (under `parent_id` if given). Raises ValidationFailed; commits."""
    name, slug = _checked_name_and_slug(name, slug, None)
    if parent_id is not None:
        _parent_or_refuse(parent_id)
    category = Category(name=name, slug=slug, parent_id=parent_id)
    db.session.add(category)
    _commit_refusing_duplicate_slug(slug)
    return category


def rename_category(category_id: int, name: str, *, slug: str = "") -> Category:
    """Change a category's name, and its slug if one is given. Raises ValidationFailed; commits."""
    category = get_category(category_id)
    name, slug = _checked_name_and_slug(name, slug or category.slug, category_id)
    category.name, category.slug = name, slug
    _commit_refusing_duplicate_slug(slug)
    return category


def move_category(category_id: int, parent_id: int | None) -> Category:
    """Put the category under another parent (None: top level), never under itself or one of its
    descendants; its products and subcategories go with it. Raises ValidationFailed; commits."""
    # Tree changes are serialized on PostgreSQL, so two moves at once cannot make a loop.
    db.session.execute(select(Category.id).order_by(Category.id).with_for_update())
    category = get_category(category_id)
    if parent_id is not None:
        _parent_or_refuse(parent_id)
        if parent_id in db.session.scalars(subtree_ids(category_id)).all():
            db.session.rollback()
            where = "itself" if parent_id == category_id else "one of its own subcategories"
            message = f"A category cannot be moved under {where}."
            raise ValidationFailed({"parent_id": [message]}, message)
    category.parent_id = parent_id
    db.session.commit()
    return category


def delete_category(category_id: int) -> str:
    """Delete an empty category; refused (ValidationFailed, with the reason) while it has products
    or subcategories. Returns its name; commits."""
    db.session.execute(select(Category.id).order_by(Category.id).with_for_update())
    category = get_category(category_id)
    products = db.session.scalar(select(func.count()).where(Product.category_id == category_id))
    children = db.session.scalar(select(func.count()).where(Category.parent_id == category_id))
    reasons = []
    if products:
        reasons.append(f"it has {products} product{'s' if products != 1 else ''}")
    if children:
        reasons.append(f"it has {children} subcategor{'ies' if children != 1 else 'y'}")
    if reasons:
        db.session.rollback()
        message = f"{category.name} cannot be deleted: {' and '.join(reasons)}. Move them first."
        raise ValidationFailed({"category": [message]}, message)
    name = category.name
    db.session.delete(category)
    db.session.commit()
    return name


def category_for_path(path: str, made: dict[str, Category]) -> Category:
    """The category a path such as "Home/Kitchen" names, each missing level added (not committed).

    Names match ignoring letter case; `made` remembers the paths of this unit of work.
    """
    parent: Category | None = None
    walked: list[str] = []
    for name in split_path(path):
        walked.append(name.lower())
        key = PATH_SEPARATOR.join(walked)
        if key not in made:
            made[key] = _child_named(parent, name) or _new_child(parent, name, made)
        parent = made[key]
    if parent is None:
        raise ValueError("category path is blank")
    return parent


def split_path(path: str) -> list[str]:
    """The names of a category path, checked: "Home / Kitchen" -> ["Home", "Kitchen"]."""
    names = [name.strip() for name in (path or "").split(PATH_SEPARATOR)]
    if not any(names):
        return []
    if not all(names):
        raise ValueError(f"category {path!r} has an empty level")
    for name in names:
        if len(name) > MAX_CATEGORY_NAME:
            raise ValueError(f"category name {name[:20]!r}... is longer than {MAX_CATEGORY_NAME} characters")
        if not slugify(name):
            raise ValueError(f"category name {name!r} needs letters or digits")
    return names


def _child_named(parent: Category | None, name: str) -> Category | None:
    parent_is = Category.parent_id.is_(None) if parent is None else Category.parent_id == parent.id
    if parent is not None and parent.id is None:
        return None  # made in this unit of work: it has no stored children yet
    return db.session.scalar(
        select(Category).where(parent_is, func.lower(Category.name) == name.lower()).limit(1)
    )


def _new_child(parent: Category | None, name: str, made: dict[str, Category]) -> Category:
    taken = {category.slug for category in made.values()}
    base = slugify(name)
    if parent is not None and _slug_taken(base, taken):
        base = f"{parent.slug}-{base}"  # "kitchen" under "home" is "home-kitchen" when "kitchen" is taken
    base = base[: MAX_CATEGORY_SLUG - 10].rstrip("-")
    slug, number = base, 1
    while _slug_taken(slug, taken):
        number += 1
        slug = f"{base}-{number}"
    category = Category(name=name, slug=slug, parent=parent)
    db.session.add(category)
    return category


def _slug_taken(slug: str, also_taken: set[str]) -> bool:
    if slug in also_taken:
        return True
    return db.session.scalar(select(Category.id).where(Category.slug == slug).limit(1)) is not None


def _checked_name_and_slug(name: str, slug: str, category_id: int | None) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    slug = slugify(slug or name)
    if not name:
        errors["name"] = ["A name is required."]
    elif len(name) > MAX_CATEGORY_NAME:
        errors["name"] = [f"Keep the name under {MAX_CATEGORY_NAME} characters."]
    elif PATH_SEPARATOR in name:
        errors["name"] = [f"A name cannot contain {PATH_SEPARATOR} (it separates levels in imports)."]
    if not slug:
        errors.setdefault("slug", ["A slug needs letters or digits."])
    elif len(slug) > MAX_CATEGORY_SLUG:
        errors["slug"] = [f"Keep the slug under {MAX_CATEGORY_SLUG} characters."]
    else:
        statement = select(Category.id).where(Category.slug == slug)
        if category_id is not None:
            statement = statement.where(Category.id != category_id)
        if db.session.scalar(statement.limit(1)) is not None:
            errors["slug"] = [f"Another category already uses the slug {slug}."]
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors, " ".join(m for ms in errors.values() for m in ms))
    return name, slug


def _parent_or_refuse(parent_id: int) -> Category:
    parent = db.session.get(Category, parent_id)
    if parent is None:
        db.session.rollback()
        raise ValidationFailed({"parent_id": ["No such parent category."]}, "No such parent category.")
    return parent


def _commit_refusing_duplicate_slug(slug: str) -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        message = f"Another category already uses the slug {slug}."
        raise ValidationFailed({"slug": [message]}, message) from None


def _set_depths(nodes: list[CategoryNode], depth: int) -> None:
    for node in nodes:
        node.depth = depth
        _set_depths(node.children, depth + 1)


def set_product_category(product_id: int, category_id: int | None) -> Product:
    """Put a product in a category (None: in none). Raises NotFound, ValidationFailed; commits."""
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFound("No such product.")
    if category_id is not None and db.session.get(Category, category_id) is None:
        message = "No such category."
        raise ValidationFailed({"category_id": [message]}, message)
    product.category_id = category_id
    db.session.commit()
    return product
