"""The category tree (docs/behaviour.md#categories): making, renaming, moving, deleting, refusals."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Category, Product
from app.services.catalog import categories
from app.services.errors import ValidationFailed
from tests.factories import CategoryFactory, ProductFactory


def tree_snapshot() -> list[tuple]:
    db.session.expire_all()
    return sorted(
        db.session.execute(select(Category.id, Category.name, Category.slug, Category.parent_id)).all()
    )


@pytest.fixture
def home(app):
    home = CategoryFactory(name="Home", slug="home")
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen", parent=home)
    CategoryFactory(name="Cookware", slug="cookware", parent=kitchen)
    return home


def test_a_category_is_made_with_a_slug_from_its_name_under_its_parent(home):
    garden = categories.create_category("Garden & Patio", parent_id=home.id)

    assert (garden.slug, garden.parent_id) == ("garden-patio", home.id)
    tree = categories.category_tree()
    assert [node.slug for node in tree[0].children] == ["garden-patio", "kitchen"]


def test_a_taken_slug_is_refused_and_nothing_is_added(home):
    before = tree_snapshot()

    with pytest.raises(ValidationFailed) as refused:
        categories.create_category("Kitchen")

    assert "slug" in refused.value.fields
    assert tree_snapshot() == before


def test_a_blank_name_is_refused(app):
    with pytest.raises(ValidationFailed) as refused:
        categories.create_category("   ")

    assert "name" in refused.value.fields


def test_renaming_keeps_the_slug_unless_a_new_one_is_given(home):
    categories.rename_category(home.id, "House")
    assert (home.name, home.slug) == ("House", "home")

    categories.rename_category(home.id, "House", slug="house")
    assert categories.category_by_slug("house").name == "House"


def test_a_category_cannot_move_under_itself(home):
    before = tree_snapshot()

    with pytest.raises(ValidationFailed, match="under itself"):
        categories.move_category(home.id, home.id)

    assert tree_snapshot() == before


def test_a_category_cannot_move_under_its_own_descendant(home):
    cookware = categories.category_by_slug("cookware")
    before = tree_snapshot()

    with pytest.raises(ValidationFailed, match="one of its own subcategories"):
        categories.move_category(home.id, cookware.id)

    assert tree_snapshot() == before


def test_a_category_moves_to_the_top_level_and_back(home):
    kitchen = categories.category_by_slug("kitchen")

    categories.move_category(kitchen.id, None)
    assert [node.slug for node in categories.category_tree()] == ["home", "kitchen"]

    categories.move_category(kitchen.id, home.id)
    assert [node.slug for node in categories.category_tree()] == ["home"]


def test_deleting_a_category_with_children_is_refused_with_the_reason(home):
    before = tree_snapshot()

    with pytest.raises(ValidationFailed, match="it has 1 subcategory"):
        categories.delete_category(home.id)

    assert tree_snapshot() == before


def test_deleting_a_category_with_products_is_refused_with_the_reason(home):
    cookware = categories.category_by_slug("cookware")
    ProductFactory(category=cookware)
    ProductFactory(category=cookware)
    before = tree_snapshot()

    with pytest.raises(ValidationFailed, match="it has 2 products"):
        categories.delete_category(cookware.id)

    assert tree_snapshot() == before


def test_an_empty_category_is_deleted(home):
    cookware = categories.category_by_slug("cookware")

    assert categories.delete_category(cookware.id) == "Cookware"

    assert [row[2] for row in tree_snapshot()] == ["home", "kitchen"]


def test_breadcrumbs_run_from_the_top_to_the_category(home):
    cookware = categories.category_by_slug("cookware")

    assert [crumb.name for crumb in categories.breadcrumbs(cookware)] == ["Home", "Kitchen", "Cookware"]


def test_a_path_finds_existing_levels_ignoring_case_and_makes_the_missing_ones(home):
    made = {}
    pans = categories.category_for_path("home/KITCHEN/Pans", made)
    db.session.commit()

    assert [crumb.slug for crumb in categories.breadcrumbs(pans)] == ["home", "kitchen", "pans"]
    assert db.session.scalar(select(func.count()).select_from(Category)) == 4


def test_a_path_level_whose_slug_is_taken_elsewhere_gets_its_parents_prefix(home):
    made = {}
    office_kitchen = categories.category_for_path("Office/Kitchen", made)
    db.session.commit()

    assert office_kitchen.slug == "office-kitchen"
    assert db.session.scalar(select(Product.id).limit(1)) is None
