"""/c/<slug>, the navigation's categories, the admin's category pages and the API's tree."""

import pytest

from app.extensions import db
from app.models import Category
from app.services.catalog import categories
from tests.factories import CategoryFactory, ProductFactory


@pytest.fixture
def tree(app):
    home = CategoryFactory(name="Home", slug="home")
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen", parent=home)
    garden = CategoryFactory(name="Garden", slug="garden")
    ProductFactory(name="Sofa", category=home)
    ProductFactory(name="Kettle", category=kitchen)
    ProductFactory(name="Hidden Pan", category=kitchen, is_active=False)
    ProductFactory(name="Rake", category=garden)
    ProductFactory(name="Loose Item")
    return {"home": home, "kitchen": kitchen, "garden": garden}


def test_a_category_page_lists_its_own_and_its_descendants_active_products(client, tree):
    page = client.get("/c/home").get_data(as_text=True)

    assert "Sofa" in page and "Kettle" in page
    assert "Rake" not in page and "Loose Item" not in page and "Hidden Pan" not in page


def test_a_category_page_has_breadcrumbs_from_the_top(client, tree):
    page = client.get("/c/kitchen").get_data(as_text=True)

    assert '<a href="/c/home">Home</a>' in page
    assert '<span aria-current="page">Kitchen</span>' in page
    assert "Kettle" in page and "Sofa" not in page


def test_an_unknown_category_is_404(client, tree):
    assert client.get("/c/nowhere").status_code == 404


def test_a_moved_categorys_products_follow_it(client, tree):
    categories.move_category(tree["kitchen"].id, tree["garden"].id)

    assert "Kettle" not in client.get("/c/home").get_data(as_text=True)
    garden = client.get("/c/garden").get_data(as_text=True)
    assert "Kettle" in garden and "Rake" in garden


def test_every_page_shows_the_top_level_categories(client, tree):
    for path in ("/", "/c/kitchen", "/auth/login", "/auth/register"):
        page = client.get(path).get_data(as_text=True)
        assert '<a href="/c/home">Home</a>' in page and '<a href="/c/garden">Garden</a>' in page, path
        assert 'href="/c/kitchen">Kitchen</a></li>' not in page.split("</nav>")[0], path


def test_the_api_gives_the_tree_without_a_token(client, tree):
    response = client.get("/api/v1/categories/")

    assert response.status_code == 200
    assert response.get_json() == {
        "items": [
            {"slug": "garden", "name": "Garden", "parent": None, "children": []},
            {
                "slug": "home",
                "name": "Home",
                "parent": None,
                "children": [{"slug": "kitchen", "name": "Kitchen", "parent": "home", "children": []}],
            },
        ]
    }


def test_product_json_names_its_category(client, tree):
    items = client.get("/api/v1/products/?q=kettle").get_json()["items"]

    assert items[0]["category"] == {"slug": "kitchen", "name": "Kitchen"}


def test_the_admin_creates_a_subcategory(admin_client, tree):
    response = admin_client.post(
        "/admin/categories/new", data={"name": "Cookware", "slug": "", "parent_id": str(tree["kitchen"].id)}
    )

    assert response.status_code == 303
    page = admin_client.get("/admin/categories").get_data(as_text=True)
    assert "Category Cookware created." in page
    assert categories.category_by_slug("cookware").parent_id == tree["kitchen"].id


def test_the_admin_is_told_why_a_move_under_a_descendant_is_refused(admin_client, tree):
    response = admin_client.post(
        f"/admin/categories/{tree['home'].id}/move",
        data={"parent_id": str(tree["kitchen"].id)},
        follow_redirects=True,
    )

    assert "A category cannot be moved under one of its own subcategories." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Category, tree["home"].id).parent_id is None


def test_the_admin_is_told_why_deleting_a_category_with_products_is_refused(admin_client, tree):
    response = admin_client.post(f"/admin/categories/{tree['garden'].id}/delete", follow_redirects=True)

    assert "Garden cannot be deleted: it has 1 product. Move them first." in response.get_data(as_text=True)
    assert categories.category_by_slug("garden")


def test_the_admin_renames_and_deletes_an_empty_category(admin_client, app):
    shelf = CategoryFactory(name="Shelf", slug="shelf")

    admin_client.post(f"/admin/categories/{shelf.id}/rename", data={"name": "Shelves", "slug": "shelves"})
    assert categories.category_by_slug("shelves").name == "Shelves"

    response = admin_client.post(f"/admin/categories/{shelf.id}/delete", follow_redirects=True)
    assert "Category Shelves deleted." in response.get_data(as_text=True)


def test_the_admin_puts_a_product_in_a_category(admin_client, tree):
    product = ProductFactory(name="Trowel")

    admin_client.post(f"/admin/products/{product.id}/category", data={"category_id": str(tree["garden"].id)})

    db.session.expire_all()
    assert product.category_id == tree["garden"].id
    page = admin_client.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert f'<option selected value="{tree["garden"].id}">Garden</option>' in page


def test_shoppers_cannot_reach_the_category_admin(client, shopper, auth, tree):
    auth.login()

    assert client.get("/admin/categories").status_code == 403
    assert client.post(f"/admin/categories/{tree['garden'].id}/delete").status_code == 403
