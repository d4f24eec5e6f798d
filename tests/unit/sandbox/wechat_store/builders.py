"""Builders of valid V1.17 request bodies, on the seeded category tree."""

from __future__ import annotations

import copy
from typing import Any

# Seeded ids (sandbox/wechat_store/seed.py).
TSHIRT = "537020101"
COLOUR, WHITE, BLACK = "10000983", "10000995", "10000996"
SIZE, SIZE_M, SIZE_L = "10001007", "10001009", "10001010"
APPAREL_BRAND, UNIQLO = "10002001", "50867"
MATERIAL, COTTON, MODAL = "10002002", "10002011", "10002012"
DSLR = "537074298"
GIFT_BOX = "537030202"  # a leaf with no SKU table
ORIGIN, ZHEJIANG = "10004002", "10004023"


def tshirt_body(images: list[str], **sections: Any) -> dict[str, Any]:
    """A valid T恤 in white/black × M/L, four SKUs, express delivery. ``images`` are three uploaded URLs."""
    main, extra, detail = images
    body: dict[str, Any] = {
        "product_base": {
            "category_id": [TSHIRT],
            "property": [{"id": APPAREL_BRAND, "vid": UNIQLO}, {"id": MATERIAL, "vid": COTTON}],
            "name": "纯棉圆领T恤",
            "sku_info": [{"id": COLOUR, "vid": [WHITE, BLACK]}, {"id": SIZE, "vid": [SIZE_M, SIZE_L]}],
            "main_img": main,
            "img": [main, extra],
            "detail": [{"text": "夏季新款 <纯棉>"}, {"img": detail}],
            "buy_limit": 5,
        },
        "sku_list": [
            {
                "sku_id": f"{COLOUR}:{colour};{SIZE}:{size}",
                "price": 9900,
                "ori_price": 12900,
                "icon_url": main,
                "product_code": f"TEE-{colour}-{size}",
                "quantity": 10,
            }
            for colour in (WHITE, BLACK)
            for size in (SIZE_M, SIZE_L)
        ],
        "attrext": {
            "location": {"country": "中国", "province": "广东省", "city": "广州市", "address": "T.I.T创意园"},
            "isPostFree": 0,
            "isHasReceipt": 1,
            "isUnderGuaranty": 0,
            "isSupportReplace": 1,
        },
        "delivery_info": {
            "delivery_type": 0,
            "template_id": 0,
            "express": [{"id": 10000027, "price": 600}, {"id": 10000028, "price": 1000}],
        },
    }
    body.update(copy.deepcopy(sections))
    return body


def uniform_body(images: list[str], quantity: int = 5) -> dict[str, Any]:
    """A post-free 礼盒 with one uniform spec (sku_id "") and no delivery_info."""
    main = images[0]
    return {
        "product_base": {
            "category_id": [GIFT_BOX],
            "property": [{"id": ORIGIN, "vid": ZHEJIANG}],
            "name": "西湖龙井礼盒",
            "main_img": main,
            "img": [main],
            "detail": [{"text": "明前特级"}],
        },
        "sku_list": [{"sku_id": "", "price": 19900, "ori_price": 25900, "quantity": quantity}],
        "attrext": {"isPostFree": 1},
    }


def template_body(name: str = "全国包邮以外", **overrides: Any) -> dict[str, Any]:
    template = {
        "Name": name,
        "Assumer": 0,
        "Valuation": 0,
        "TopFee": [
            {
                "Type": 10000028,
                "Normal": {"StartStandards": 1, "StartFees": 800, "AddStandards": 2, "AddFees": 300},
                "Custom": [
                    {
                        "StartStandards": 1,
                        "StartFees": 1500,
                        "AddStandards": 1,
                        "AddFees": 500,
                        "DestCountry": "中国",
                        "DestProvince": "新疆维吾尔自治区",
                        "DestCity": "乌鲁木齐市",
                    }
                ],
            },
            {"Type": 10000029, "Normal": {"StartStandards": 1, "StartFees": 2000, "AddStandards": 1, "AddFees": 1000}},
        ],
    }
    template.update(overrides)
    return {"delivery_template": template}
