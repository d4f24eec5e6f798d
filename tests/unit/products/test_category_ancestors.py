"""A product's categories deeper than the three levels read with it: their ancestors are loaded one level at a
time for all of them, not one query per ancestor, and the snapshot's path is the same."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from products.models import Category, Platform
from products.selectors import categories_load_ancestors, product_for_snapshot, snapshot_of
from tests import factories

pytestmark = pytest.mark.django_db


def chain(platform: str, depth: int, prefix: str) -> list[Category]:
    nodes: list[Category] = []
    for level in range(1, depth + 1):
        nodes.append(
            factories.category(
                platform=platform,
                name=f"{prefix}{level}",
                remote_id=f"{prefix}-{level}",
                parent=nodes[-1] if nodes else None,
                level=level,
                is_leaf=level == depth,
            )
        )
    return nodes


def test_ancestors_of_deep_categories_are_read_one_level_at_a_time():
    channels = chain(Platform.CHANNELS, 5, "视")
    store = chain(Platform.WECHAT_STORE, 5, "店")
    leaves = [Category.objects.select_related("parent").get(pk=c.pk) for c in (channels[-1], store[-1])]

    with CaptureQueriesContext(connection) as queries:
        categories_load_ancestors(leaves)
        paths = [[c.remote_id for c in leaf.ancestors(include_self=True)] for leaf in leaves]

    # Levels 3, 2 and 1 of both trees were missing: one query per level, the walk itself none.
    assert len(queries) == 3
    assert paths == [[f"视-{n}" for n in range(1, 6)], [f"店-{n}" for n in range(1, 6)]]


def test_loaded_trees_and_roots_read_nothing():
    root = factories.category(name="根", is_leaf=False)
    loaded = Category.objects.select_related("parent").get(pk=factories.category(name="叶", parent=root, level=2).pk)

    with CaptureQueriesContext(connection) as queries:
        categories_load_ancestors([loaded, root])

    assert len(queries) == 0


def test_a_product_in_a_five_level_category_has_its_whole_path_in_its_snapshot():
    leaf = chain(Platform.CHANNELS, 5, "类")[-1]
    item = factories.product()
    factories.product_category_set(item, leaf)

    loaded = product_for_snapshot(product_id=item.pk)
    with CaptureQueriesContext(connection) as queries:
        snapshot = snapshot_of(loaded)

    assert snapshot.channels_category.path_remote_ids == ("类-1", "类-2", "类-3", "类-4", "类-5")
    assert snapshot.channels_category.level == 5
    # product_for_snapshot read the whole chain: the snapshot reads no category (only the specs).
    assert [q["sql"] for q in queries.captured_queries if re.search(r'FROM "products_category"\s', q["sql"])] == []
