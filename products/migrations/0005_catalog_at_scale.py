
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

PATH_SEPARATOR = " > "

# The admin searches with icontains, which PostgreSQL runs as UPPER(column::text) LIKE UPPER(%s): trigram GIN
# indexes on that expression serve it. SQLite has no trigram indexes; its plain LIKE stays as it was.
TRIGRAM_INDEXES = [
    ("product_title_trgm", "products_product", "title"),
    ("product_short_title_trgm", "products_product", "short_title"),
    ("product_out_product_id_trgm", "products_product", "out_product_id"),
    ("sku_product_code_trgm", "products_sku", "product_code"),
    ("sku_barcode_trgm", "products_sku", "barcode"),
    ("sku_out_sku_id_trgm", "products_sku", "out_sku_id"),
]


def fill_category_paths(apps, schema_editor):
    Category = apps.get_model("products", "Category")
    categories = {c.pk: c for c in Category.objects.only("pk", "parent_id", "name")}

    def path_of(category, seen=()):
        parent = categories.get(category.parent_id)
        if parent is None or parent.pk in seen:
            return category.name
        return path_of(parent, (*seen, category.pk)) + PATH_SEPARATOR + category.name

    for category in categories.values():
        category.path = path_of(category)
    Category.objects.bulk_update(categories.values(), ["path"], batch_size=500)


def fill_total_stock(apps, schema_editor):
    schema_editor.execute(
        "UPDATE products_product SET total_stock = COALESCE("
        "(SELECT SUM(stock) FROM products_sku WHERE products_sku.product_id = products_product.id), 0)"
    )


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ('products', '0004_product_platform_category'),
    ]

    operations = [
        migrations.AddField(
            model_name='category',
            name='path',
            field=models.CharField(blank=True, editable=False, max_length=1000, verbose_name='path'),
        ),
        migrations.AddField(
            model_name='product',
            name='total_stock',
            field=models.PositiveBigIntegerField(default=0, editable=False, verbose_name='total stock'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['updated_at', 'id'], name='product_updated_id'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['total_stock', 'id'], name='product_total_stock_id'),
        ),
        migrations.RunPython(fill_category_paths, migrations.RunPython.noop),
        migrations.RunPython(fill_total_stock, migrations.RunPython.noop),
        # CreateExtension does nothing on other databases.
        TrigramExtension(),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
