"""The product's category per platform moves from one column per platform to ProductPlatformCategory rows.

Every value is copied both ways: forward each set column becomes a row, backward each row of these three
platforms goes back to its column.
"""

import django.db.models.deletion
from django.db import migrations, models

# The columns this migration removes, by the platform their rows carry.
COLUMNS = {
    "wechat_store": "wechat_store_category",
    "channels": "channels_category",
    "minishop": "minishop_category",
}


def columns_to_rows(apps, schema_editor):
    Product = apps.get_model("products", "Product")
    ProductPlatformCategory = apps.get_model("products", "ProductPlatformCategory")
    rows = []
    for values in Product.objects.values("pk", *(f"{column}_id" for column in COLUMNS.values())).iterator():
        for platform, column in COLUMNS.items():
            category_id = values[f"{column}_id"]
            if category_id is not None:
                rows.append(ProductPlatformCategory(product_id=values["pk"], platform=platform, category_id=category_id))
    ProductPlatformCategory.objects.bulk_create(rows, batch_size=1000)


def rows_to_columns(apps, schema_editor):
    Product = apps.get_model("products", "Product")
    ProductPlatformCategory = apps.get_model("products", "ProductPlatformCategory")
    for row in ProductPlatformCategory.objects.filter(platform__in=list(COLUMNS)).iterator():
        Product.objects.filter(pk=row.product_id).update(**{f"{COLUMNS[row.platform]}_id": row.category_id})


class Migration(migrations.Migration):

    dependencies = [
        ('products', '0003_product_minishop_category'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProductPlatformCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('platform', models.CharField(choices=[('wechat_store', 'WeChat Store (V1.17)'), ('channels', 'WeChat Channels store'), ('minishop', 'Mini-shop'), ('tencent_ads', 'Tencent Ads sales info'), ('open_platform', 'Open platform publishProduct')], max_length=20, verbose_name='platform')),
                ('category', models.ForeignKey(limit_choices_to={'is_leaf': True}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='products.category', verbose_name='category')),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='platform_categories', to='products.product', verbose_name='product')),
            ],
            options={
                'verbose_name': 'product category on a platform',
                'verbose_name_plural': 'product categories on the platforms',
                'ordering': ['product', 'platform'],
                'constraints': [models.UniqueConstraint(fields=('product', 'platform'), name='product_platform_category_unique')],
            },
        ),
        migrations.RunPython(columns_to_rows, rows_to_columns),
        migrations.RemoveField(
            model_name='product',
            name='channels_category',
        ),
        migrations.RemoveField(
            model_name='product',
            name='minishop_category',
        ),
        migrations.RemoveField(
            model_name='product',
            name='wechat_store_category',
        ),
    ]
