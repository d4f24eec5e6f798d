"""Answers from the V1.17 manual's examples (seed 002, API reference §2), as JSON values.

The seed blanks most ids out; they are filled with the reference's sample ids (§2.2: category 537074298,
property 1075741879, sku 1075741873:1079742386, template 103312920). Where the manual writes ``...`` a small
valid value stands in. Everything else is as the manual prints it, including its oddities: property ids and
values given as names, ``&#38`` in value names, an ``order_status`` of 6 the manual never defines, and a control 5
shelf that carries a banner.
"""

# §2.1 row 1.4, manual 1.4.4: product_info of merchant/get.
PRODUCT_INFO = {
    "product_id": "pDF3iY6Kr_BV_CXaiYysoGqJhppQ",
    "product_base": {
        "name": "testaddproduct",
        "category_id": ["537074298"],
        "img": ["http://mmbiz.qpic.cn/mmbiz/img1/0"],
        "property": [
            {"id": "品牌", "vid": "Fujifilm/富士"},
            {"id": "屏幕尺寸", "vid": "1.8英寸"},
            {"id": "防抖性能", "vid": "CCD防抖"},
        ],
        "sku_info": [{"id": "1075741873", "vid": ["1079742386", "1079742387"]}],
        "buy_limit": 10,
        "main_img": "http://mmbiz.qpic.cn/mmbiz/img1/0",
        "detail_html": '<div class="item_pic_wrp"><img class="item_pic" src="" ></div><p>test</p>',
    },
    "sku_list": [
        {
            "sku_id": "1075741873:1079742386",
            "price": 30,
            "icon_url": "http://mmbiz.qpic.cn/mmbiz/icon1/0",
            "quantity": 800,
            "product_code": "testing",
            "ori_price": 9000000,
        },
        {
            "sku_id": "1075741873:1079742387",
            "price": 30,
            "icon_url": "",
            "quantity": 800,
            "product_code": "testingtesting",
            "ori_price": 9000000,
        },
    ],
    "attrext": {
        "isPostFree": 0,
        "isHasReceipt": 1,
        "isUnderGuaranty": 0,
        "isSupportReplace": 0,
        "location": {"country": "中国", "province": "广东省", "city": "广州市", "address": "T.I.T创意园"},
    },
    "delivery_info": {"delivery_type": 1, "template_id": 103312920},
}

# §2.1 row 1.5, manual 1.5.4: one products_info[] entry of merchant/getbystatus (full product plus status).
PRODUCTS_INFO_ENTRY = {**PRODUCT_INFO, "product_id": "pDF3iY-mql6CncpbVajaB_obC3Bk", "status": 1}

# §2.1 row 1.7, manual 1.7.4: cate_list of category/getsub.
CATE_LIST = [
    {"id": "537074297", "name": "数码相机"},
    {"id": "537074296", "name": "家用摄像机"},
    {"id": "537074298", "name": "单反相机"},
    {"id": "537074299", "name": "镜头"},
    {"id": "53710", "name": "单电/微单"},
]

# §2.1 row 1.8, manual 1.8.4: sku_table of category/getsku.
SKU_TABLE = [
    {
        "id": "1075741873",
        "name": "颜色",
        "value_list": [{"id": "1079742375", "name": "撞色"}, {"id": "1079742376", "name": "桔色"}],
    }
]

# §2.1 row 1.9, manual 1.9.4: properties of category/getproperty.
PROPERTIES = [
    {
        "id": "1075741879",
        "name": "品牌",
        "property_value": [
            {"id": "50867", "name": "VIC&#38"},
            {"id": "50868", "name": "Kate&#38"},
            {"id": "50971", "name": "M&#38"},
            {"id": "50972", "name": "Black&#38"},
        ],
    },
    {"id": "1075743464", "name": "颜色", "property_value": []},
]

# §2.1 row 3.4, manual 3.4.4: template_info of express/getbyid.
TEMPLATE_INFO = {
    "Id": 103312916,
    "Name": "testexpress",
    "Assumer": 0,
    "Valuation": 0,
    "TopFee": [
        {
            "Type": 10000027,
            "Normal": {"StartStandards": 1, "StartFees": 2, "AddStandards": 3, "AddFees": 1},
            "Custom": [
                {
                    "StartStandards": 1,
                    "StartFees": 1000,
                    "AddStandards": 1,
                    "AddFees": 3,
                    "DestCountry": "中国",
                    "DestProvince": "广东省",
                    "DestCity": "广州市",
                }
            ],
        },
        {
            "Type": 10000028,
            "Normal": {"StartStandards": 1, "StartFees": 3, "AddStandards": 3, "AddFees": 2},
            "Custom": [
                {
                    "StartStandards": 1,
                    "StartFees": 10,
                    "AddStandards": 1,
                    "AddFees": 30,
                    "DestCountry": "中国",
                    "DestProvince": "广东省",
                    "DestCity": "广州市",
                }
            ],
        },
        {
            "Type": 10000029,
            "Normal": {"StartStandards": 1, "StartFees": 4, "AddStandards": 3, "AddFees": 3},
            "Custom": [
                {
                    "StartStandards": 1,
                    "StartFees": 8,
                    "AddStandards": 2,
                    "AddFees": 11,
                    "DestCountry": "中国",
                    "DestProvince": "广东省",
                    "DestCity": "广州市",
                }
            ],
        },
    ],
}

# §2.1 row 4.6, manual 4.6.4: group_detail of group/getbyid.
GROUP_DETAIL = {
    "group_id": 200077549,
    "group_name": "最新上架",
    "product_list": [
        "pDF3iYzZoY-Budrzt8O6IxrwIJAA",
        "pDF3iY3pnWSGJcO2MpS2Nxy3HWx8",
        "pDF3iY33jNt0Dj3M3UqiGlUxGrio",
    ],
}

# §2.1 row 4.5, manual 4.5.3: groups_detail of group/getall.
GROUPS_DETAIL = [
    {"group_id": 200077549, "group_name": "最新上架"},
    {"group_id": 200079772, "group_name": "全球热卖"},
]

# §2.1 row 5.4, manual 5.4.3: shelves of shelf/getall.
SHELVES = [
    {
        "shelf_info": {
            "module_infos": [
                {
                    "group_infos": {
                        "groups": [
                            {"group_id": 200080093},
                            {"group_id": 200080118},
                            {"group_id": 200080119},
                            {"group_id": 200080135},
                        ],
                        "img_background": "http://mmbiz.qpic.cn/mmbiz/background1/0",
                    },
                    "eid": 5,
                }
            ]
        },
        "shelf_banner": "http://mmbiz.qpic.cn/mmbiz/banner1/0",
        "shelf_name": "新新人类",
        "shelf_id": 22,
    },
    {
        "shelf_info": {"module_infos": [{"group_info": {"group_id": 200080119, "filter": {"count": 4}}, "eid": 1}]},
        "shelf_banner": "http://mmbiz.qpic.cn/mmbiz/banner1/0",
        "shelf_name": "店铺",
        "shelf_id": 23,
    },
]

# §2.6, manual 6.2.4: order of order/getbyid.
ORDER = {
    "order_id": "7197417460812533543",
    "order_status": 6,
    "order_total_price": 6,
    "order_create_time": 1394635817,
    "order_express_price": 5,
    "buyer_openid": "oDF3iY17NsDAW4UP2qzJXPsz1S9Q",
    "buyer_nick": "likeacat",
    "receiver_name": "张小猫",
    "receiver_province": "广东省",
    "receiver_city": "广州市",
    "receiver_zone": "天河区",
    "receiver_address": "华景路一号南方通信大厦5楼",
    "receiver_mobile": "123456789",
    "receiver_phone": "123456789",
    "product_id": "pDF3iYx7KDQVGzB7kDg6Tge5OKFo",
    "product_name": "安莉芳E-BRA专柜女士舒适内衣蕾丝3/4薄杯聚拢上托性感文胸KB0716",
    "product_price": 1,
    "product_sku": "10000983:10000995;10001007:10001010",
    "product_count": 1,
    "product_img": "http://img2.paipaiimg.com/00000000/item-52B87243-63CCF66C00000000040100003565C1EA.0.300x300.jpg",
    "delivery_id": "1900659372473",
    "delivery_company": "059Yunda",
    "trans_id": "1900000109201404103172199813",
    "products": [
        {
            "product_id": "p8BCTv77lY4io_q00F9qsaniimFc",
            "product_name": "product_name",
            "product_price": 1,
            "product_sku": "",
            "product_count": 1,
            "product_img": "http://mmbiz.qpic.cn/mmbiz_gif/KfrZwACMrmxj8XRiaTUzFNsTkWdTEJySicGKMHxuG0ibDfjTtb6ZIjNgakbnKq569TbBjvicSnWdnt46gEKjWe6Vcg/0?wx_fmt=gif",
        }
    ],
}

# §2.6, the older (V1.13) shape of an order_list[] entry: no receiver_zone, no products[]; status 8 (维权中).
ORDER_V113 = {
    key: value for key, value in ORDER.items() if key not in {"receiver_zone", "products", "order_status"}
} | {
    "order_id": "7197417460812533569",
    "order_status": 8,
    "order_total_price": 1,
    "order_create_time": 1394636235,
    "order_express_price": 0,
    "product_name": "项坠333",
    "product_sku": "1075741873:1079742377",
}
