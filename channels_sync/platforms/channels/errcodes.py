"""What the Channels store's errcodes mean to a merchant (API reference §3.3 to §3.8, §7.7, §7.8): each with the
field or object at fault, in the catalog's terms (``product.properties``, ``freight_template.name``, ``shop``).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.explanations import ErrorExplanation, catalog
from channels_sync.platforms.wechat_errcodes import WECHAT_EXPLANATIONS

EXPLANATIONS: dict[int, ErrorExplanation] = WECHAT_EXPLANATIONS | catalog(
    ErrorExplanation(
        10020005,
        _("The freight template does not exist in the shop"),
        _("Push the freight template to the shop again (Freight templates › Push to shops), then publish the product."),
        field="freight_template",
    ),
    ErrorExplanation(
        10020008,
        _("The product cannot be edited now"),
        _("Wait until the platform has finished with the product (audit or upload), then send again."),
        field="product",
    ),
    ErrorExplanation(
        10020011,
        _("The category must have exactly three levels"),
        _("Choose a leaf category of the Channels category tree (import categories again if the tree changed)."),
        field="product.channels_category",
    ),
    ErrorExplanation(
        10020012,
        _("A spec is not a sales attribute of this category"),
        _("Use only the spec names the category allows (shown with the category), then regenerate the SKUs."),
        field="product.specs",
    ),
    ErrorExplanation(
        10020013,
        _("The product needs 1 to 500 SKUs"),
        _("Add at least one SKU, or reduce the spec values so that at most 500 combinations remain."),
        field="product.skus",
    ),
    ErrorExplanation(
        10020014,
        _("A flash sale locks the SKUs"),
        _("End the flash sale in the platform's back office, or wait until it ends, then send again."),
        field="product.skus",
    ),
    ErrorExplanation(
        10020017,
        _("The category is not allowed"),
        _("Choose another leaf category of the Channels category tree."),
        field="product.channels_category",
    ),
    ErrorExplanation(
        10020018,
        _("The shop lacks a qualification for this category"),
        _("Apply for the category's qualification in the platform's back office, or choose another category."),
        field="product.channels_category",
    ),
    ErrorExplanation(
        10020019,
        _("The freight template is not valid"),
        _("Choose a freight template that was pushed to this shop, or push the chosen one again."),
        field="product.freight_template",
    ),
    ErrorExplanation(
        10020020, _("The title is empty"), _("Enter a title of 5 to 60 characters."), field="product.title"
    ),
    ErrorExplanation(
        10020021, _("The title is too long"), _("Shorten the title to at most 60 characters."), field="product.title"
    ),
    ErrorExplanation(
        10020022, _("The product has no head image"), _("Add 3 to 9 head images."), field="product.images"
    ),
    ErrorExplanation(10020023, _("Too many head images"), _("Keep at most 9 head images."), field="product.images"),
    ErrorExplanation(
        10020024,
        _("The description is too long"),
        _("Shorten the text blocks of the detail."),
        field="product.detail_blocks",
    ),
    ErrorExplanation(
        10020025,
        _("Too many detail images"),
        _("Remove some image blocks of the detail."),
        field="product.detail_blocks",
    ),
    ErrorExplanation(
        10020026,
        _("The description is too long"),
        _("Shorten the text blocks of the detail."),
        field="product.detail_blocks",
    ),
    ErrorExplanation(
        10020027, _("Too many qualification images"), _("Remove some qualification images."), field="product"
    ),
    ErrorExplanation(
        10020028,
        _("A SKU price is too high"),
        _("Lower the SKU's price below the platform's limit."),
        field="product.skus.price",
    ),
    ErrorExplanation(
        10020029,
        _("A SKU code is too long"),
        _("Shorten the SKU's code to at most 20 characters."),
        field="product.skus.product_code",
    ),
    ErrorExplanation(
        10020030,
        _("A merchant SKU code is already used"),
        _("Give each SKU its own merchant SKU code."),
        field="product.skus.out_sku_id",
    ),
    ErrorExplanation(
        10020031, _("A spec has too many values"), _("Keep at most 100 values per spec."), field="product.specs"
    ),
    ErrorExplanation(
        10020034,
        _("A SKU id is not valid"),
        _("The shop no longer knows a SKU: publish the product again so that its SKUs are matched anew."),
        field="product.skus",
    ),
    ErrorExplanation(
        10020035,
        _("An image is not an image uploaded to this shop"),
        _("Nothing to change: the job uploads the images again; if it persists, replace the image."),
        field="product.images",
    ),
    ErrorExplanation(
        10020036,
        _("The merchant product code is too long"),
        _("Shorten the merchant product code to at most 128 characters."),
        field="product.out_product_id",
    ),
    ErrorExplanation(
        10020037,
        _("A merchant SKU code is too long"),
        _("Shorten the merchant SKU code to at most 32 characters."),
        field="product.skus.out_sku_id",
    ),
    ErrorExplanation(
        10020038,
        _("The product has no SKU to list"),
        _("Add at least one SKU, publish, then list the product."),
        field="product.skus",
    ),
    ErrorExplanation(
        10020039,
        _("A SKU price must be above zero"),
        _("Enter a price above zero for every SKU."),
        field="product.skus.price",
    ),
    ErrorExplanation(
        10020040,
        _("A SKU's market price is below its price"),
        _("Make each SKU's original (market) price at least its price."),
        field="product.skus.original_price",
    ),
    ErrorExplanation(
        10020041,
        _("The shop account is being closed"),
        _("Nothing can be published to this shop; contact the platform's support if this is unexpected."),
        field="shop",
    ),
    ErrorExplanation(
        10020042, _("The title is too short"), _("Lengthen the title to at least 5 characters."), field="product.title"
    ),
    ErrorExplanation(
        10020043,
        _("The category is not available to the shop"),
        _("Choose another leaf category, or apply for this one in the platform's back office."),
        field="product.channels_category",
    ),
    ErrorExplanation(
        10020044, _("The product is not under audit"), _("Nothing to cancel: send the change again."), field="product"
    ),
    ErrorExplanation(
        10020045,
        _("The title has characters the platform does not accept"),
        _("Remove special characters from the title, and do not use letters and digits only."),
        field="product.title",
    ),
    ErrorExplanation(
        10020048,
        _("The category's deposit is insufficient"),
        _("Top up the deposit in the platform's back office, then send again."),
        field="shop",
    ),
    ErrorExplanation(
        10020049,
        _("The product is under audit"),
        _(
            "Wait until the platform's audit of the product ends (its status shows on the "
            "product page), then send again."
        ),
        field="product",
    ),
    ErrorExplanation(
        10020050,
        _("No permission for this product"),
        _("The product belongs to another shop or app: check the shop's settings."),
        field="product",
    ),
    ErrorExplanation(
        10020051,
        _("A parameter is not valid"),
        _("Read the platform's message below: it names the field; correct it and send again."),
        field="product",
    ),
    ErrorExplanation(
        10020052,
        _("The product does not exist in the shop, or was never listed"),
        _("Publish the product to the shop again, list it, then change its stock."),
        field="product",
    ),
    ErrorExplanation(
        10020054,
        _("The stock update failed"),
        _("Reconcile stock with the shop (Products › Reconcile stock), then push the stock again."),
        field="product.skus.stock",
    ),
    ErrorExplanation(
        10020055,
        _("A parameter is not valid"),
        _("Read the platform's message below: it names the field; correct it and send again."),
        field="product",
    ),
    ErrorExplanation(
        10020059, _("The qualification file is empty"), _("Choose the qualification file again."), field="product"
    ),
    ErrorExplanation(
        10020060,
        _("The qualification file is larger than 2 MB"),
        _("Use a qualification file of at most 2 MB."),
        field="product",
    ),
    ErrorExplanation(
        10020065,
        _("The product is not listed"),
        _("List the product first (Products › List in shops)."),
        field="product",
    ),
    ErrorExplanation(
        10020066,
        _("Too many product submissions"),
        _(
            "Nothing to change: the job waits for the hourly or daily window and sends again. "
            "Avoid repeated edits of listed products."
        ),
        field="shop",
        retryable=True,
    ),
    ErrorExplanation(
        10020067,
        _("The previous submission is still uploading"),
        _("Wait a few minutes until the platform has finished uploading the product, then send again."),
        field="product",
    ),
    ErrorExplanation(
        10020068,
        _("The weight is required by the freight template"),
        _("Enter the product's weight in grams."),
        field="product.weight_g",
    ),
    ErrorExplanation(
        10020069,
        _("The category does not allow delivery without shipping"),
        _("Choose express shipping as the deliver method."),
        field="product.deliver_method",
    ),
    ErrorExplanation(
        10020070,
        _("The category's deposit is insufficient"),
        _("Top up the deposit in the platform's back office, then send again."),
        field="shop",
    ),
    ErrorExplanation(
        10020083,
        _("The category's deposit is insufficient"),
        _("Top up the deposit in the platform's back office, then send again."),
        field="shop",
    ),
    ErrorExplanation(
        10020088,
        _("The brand is not allowed"),
        _("Choose a brand the shop is authorised for, or no brand."),
        field="product.brand",
    ),
    ErrorExplanation(
        10020089, _("The shop is not open"), _("Finish opening the shop in the platform's back office."), field="shop"
    ),
    ErrorExplanation(
        10020091,
        _("The product type does not support this stock update"),
        _("Change the stock of this product in the platform's back office."),
        field="product",
    ),
    ErrorExplanation(
        10020095,
        _("The after-sale description is too long"),
        _("Shorten the after-sale description to at most 200 characters."),
        field="product.aftersale_desc",
    ),
    ErrorExplanation(
        10020096, _("A property is given twice"), _("Keep each property once."), field="product.properties"
    ),
    ErrorExplanation(
        10020097,
        _("A property the category requires is missing"),
        _(
            "Fill in the property named in the platform's message (the product page lists "
            "every required one), then publish again."
        ),
        field="product.properties",
        names=re.compile(r"attrs misses (\S+)"),
    ),
    ErrorExplanation(
        10020098,
        _("A property value is not one of the category's choices"),
        _("Choose the property's value from the category's list."),
        field="product.properties",
        names=re.compile(r" of (\S+) "),
    ),
    ErrorExplanation(
        10020112,
        _("Stock updated too often"),
        _("Nothing to change: the job sends the stock again a little later."),
        field="product.skus.stock",
        retryable=True,
    ),
    ErrorExplanation(
        10020217,
        _("The stock cannot change while the product is under audit"),
        _("Wait until the platform's audit of the product ends, then push the stock again."),
        field="product",
    ),
    ErrorExplanation(
        10020218,
        _("The stock change is zero"),
        _("Nothing to send: the stock is already the same."),
        field="product.skus.stock",
    ),
    ErrorExplanation(
        10020219,
        _("The shop has less stock than the reduction"),
        _("Reconcile stock with the shop (Products › Reconcile stock), then correct the local stock."),
        field="product.skus.stock",
    ),
    ErrorExplanation(
        10020289,
        _("The product was never listed"),
        _("List the product once; stock is sent after that."),
        field="product",
    ),
    ErrorExplanation(
        10021053,
        _("The default rule may not name an address"),
        _("Leave the province and city of the default fee rule empty."),
        field="freight_template",
    ),
    ErrorExplanation(
        10021054,
        _("A province, city or county is not valid"),
        _("Correct the region names of the template's rules (use the full official names)."),
        field="freight_template",
    ),
    ErrorExplanation(
        10021055,
        _("The default rule is missing"),
        _("Add a fee rule without a destination (the default rule)."),
        field="freight_template",
    ),
    ErrorExplanation(
        10021081,
        _("The ship-from address is missing"),
        _("Fill in the template's ship-from address."),
        field="freight_template.ship_from_province",
    ),
    ErrorExplanation(
        10021082,
        _("The shipping time is not valid"),
        _("Choose one of the listed shipping times."),
        field="freight_template.send_time",
    ),
    ErrorExplanation(
        10021200,
        _("A template with this name already exists in the shop"),
        _("Rename the template, or import the shop's templates to bind the existing one."),
        field="freight_template.name",
    ),
    ErrorExplanation(
        10025501,
        _("Not shipping nationwide is not allowed"),
        _("Remove the nationwide not-served area."),
        field="freight_template",
    ),
    ErrorExplanation(
        10025502,
        _("Too many express companies"),
        _("Keep fewer express companies in the template."),
        field="freight_template",
    ),
    ErrorExplanation(
        10025503,
        _("Too many free-shipping conditions"),
        _("Remove some free-shipping conditions."),
        field="freight_template",
    ),
    ErrorExplanation(10025504, _("Too many pricing rules"), _("Remove some fee rules."), field="freight_template"),
)
