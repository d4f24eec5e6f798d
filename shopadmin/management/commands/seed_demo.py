"""Create the demo merchant login, the demo catalog and the demo shops on the emulator.

Idempotent: the run command calls it on every start.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from channels_sync.demo import demo_shops_ensure
from products.demo import demo_catalog_create, demo_user_ensure


class Command(BaseCommand):
    help = "Create the demo merchant login (first start only) and a demo catalog (while there are no products)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-url",
            default=f"http://127.0.0.1:{os.environ.get('PORT') or 8000}/admin/",
            help="The admin address to print with the login (default: 127.0.0.1 on $PORT or 8000).",
        )
        parser.add_argument(
            "--sandbox-url",
            default=f"http://127.0.0.1:{os.environ.get('SANDBOX_PORT') or 8765}",
            help="The platform emulator's address for the demo shops (default: 127.0.0.1 on $SANDBOX_PORT or 8765).",
        )

    def handle(self, *args, admin_url: str, sandbox_url: str, **options):
        if not settings.DEBUG:
            # The demo login has a published password: it has no place on a production site.
            raise CommandError("seed_demo only runs with DEBUG on (the embedded default); it creates a known login.")
        login = demo_user_ensure()
        if login.created:
            self.stdout.write(self.style.SUCCESS(f"Demo login created: {login.username} / {login.password}"))
        elif login.password is not None:
            self.stdout.write(f"Demo login: {login.username} / {login.password}")
        else:
            self.stdout.write(
                f"Demo login: {login.username} (its password was changed after the first start and is not shown)"
            )
        self.stdout.write(f"Admin: {admin_url}")

        catalog = demo_catalog_create()
        if catalog is None:
            self.stdout.write("Demo catalog: the database already has products; nothing added.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo catalog created: {len(catalog.products)} products, {catalog.sku_count} SKUs, "
                    f"{catalog.image_count} images."
                )
            )

        shops = demo_shops_ensure(sandbox_base_url=sandbox_url)
        self.stdout.write(f"Demo shops on the emulator: {', '.join(shop.name for shop in shops)}")
