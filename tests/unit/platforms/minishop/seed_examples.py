"""Seed 001's example request and answer (``../shared/seeds/001_…``), copied as they are."""

SEED_001_REQUEST = {
    "out_product_id": "1234566",
    "title": "任天堂 Nintendo Switch 国行续航增强版 NS家用体感游戏机掌机 便携掌上游戏机 红蓝主机",
    "sub_title": (
        "JD自营更放心】【国行Switch,更安心的保修服务,更快的国行服务器】一台主机三种模式,游戏掌机,随时随地,一起趣玩。"
    ),
    "head_img": [
        "http://img10.360buyimg.com/n1/s450x450_jfs/t1/85865/39/13611/488083/5e590a40E4bdf69c0/55c9bf645ea2b727.jpg"
    ],
    "desc_info": {
        "imgs": [
            "http://img10.360buyimg.com/n1/s450x450_jfs/t1/85865/39/13611/488083/5e590a40E4bdf69c0/55c9bf645ea2b727.jpg"
        ]
    },
    "brand_id": 2100000000,
    "cats": [{"cat_id": 6033, "level": 1}, {"cat_id": 6057, "level": 2}, {"cat_id": 6091, "level": 3}],
    "attrs": [{"attr_key": "商品毛重", "attr_value": "380g"}, {"attr_key": "商品产地", "attr_value": "中国大陆"}],
    "model": "国行续航增强版",
    "express_info": {"template_id": 5189},
    "skus": [
        {
            "out_product_id": "1234566",
            "out_sku_id": "1024",
            "thumb_img": (
                "http://img10.360buyimg.com/n1/s450x450_jfs/t1/100778/17/13648/424215/5e590a40E2d68e774/"
                "e171d222a0c9b763.jpg"
            ),
            "sale_price": 1300,
            "market_price": 1500,
            "stock_num": 100,
            "sku_code": "A24525252",
            "barcode": "13251454",
            "sku_attrs": [
                {"attr_key": "选择颜色", "attr_value": "红蓝主机"},
                {"attr_key": "选择套装", "attr_value": "主机+保护套"},
            ],
        }
    ],
}

SEED_001_RESPONSE = {
    "errcode": 0,
    "errmsg": "ok",
    "data": {"product_id": 23423523452345235, "out_product_id": "1234566", "create_time": "2020-03-25 12:05:25"},
}
