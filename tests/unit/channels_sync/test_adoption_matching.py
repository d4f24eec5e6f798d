"""The adoption's matching (``channels_sync/adoption/matching.py``): per remote product create, bind or conflict
with its reason, SKUs paired by code then by combination, and the merchant's choices turned into steps."""

import pytest

from channels_sync.adoption.matching import (
    AdoptionChoice,
    AdoptionChoiceError,
    AdoptionStep,
    Candidate,
    ConflictReason,
    LocalCatalogProduct,
    LocalCatalogSku,
    MatchAction,
    MatchKey,
    SkuPairing,
    match_remote_catalog,
    pair_skus,
    plan_adoption,
)
from channels_sync.platforms.remote_catalog import (
    RemoteCatalogProduct,
    RemoteCatalogSku,
    RemoteCatalogSpec,
    RemoteCatalogStatus,
)


def remote_sku(sku_id: str, *combination: tuple[str, str], code: str = "", out_sku_id: str = "", barcode: str = ""):
    return RemoteCatalogSku(
        remote_sku_id=sku_id,
        out_sku_id=out_sku_id,
        specs=tuple(RemoteCatalogSpec(name, value) for name, value in combination),
        product_code=code,
        barcode=barcode,
        price=5900,
        original_price=9900,
        stock=10,
        image_url="",
    )


def remote(remote_id: str, *skus: RemoteCatalogSku, out_product_id: str = "", product_code: str = ""):
    return RemoteCatalogProduct(
        platform="channels",
        remote_id=remote_id,
        title=f"商品 {remote_id}",
        out_product_id=out_product_id,
        product_code=product_code,
        skus=skus,
        image_urls=(),
        detail_image_urls=(),
        detail_text="",
        category_ids=(),
        properties=(),
        freight_template_id="",
        brand_id="",
        status=RemoteCatalogStatus.LISTED,
    )


def local_sku(sku_id: int, *combination: tuple[str, str], code: str = "", out_sku_id: str = "", barcode: str = ""):
    return LocalCatalogSku(
        id=sku_id,
        specs=tuple(combination),
        spec_ids=tuple((f"${name}", f"${value}") for name, value in combination),
        product_code=code,
        out_sku_id=out_sku_id or f"p-{sku_id}",
        barcode=barcode,
    )


def local(product_id: int, *skus: LocalCatalogSku, out_product_id: str = "", product_code: str = ""):
    return LocalCatalogProduct(
        id=product_id, title=f"本地 {product_id}", out_product_id=out_product_id, product_code=product_code, skus=skus
    )


WHITE_M, WHITE_L = (("颜色", "白色"), ("尺码", "M")), (("颜色", "白色"), ("尺码", "L"))


def test_a_remote_product_nothing_local_shares_a_key_with_is_created():
    decisions = match_remote_catalog(
        remote_products=[remote("r1", remote_sku("s1", code="NEW-1"), out_product_id="NEW")],
        local_products=[local(1, local_sku(11, code="OLD-1"), out_product_id="OLD")],
        bound={},
    )

    assert [(d.remote_id, d.action, d.local_product_id, d.reason, d.candidates) for d in decisions] == [
        ("r1", MatchAction.CREATE, None, None, ())
    ]
    assert decisions[0].default_choice == AdoptionChoice.CREATE


def test_a_match_by_out_product_id_binds_with_skus_paired_by_code_then_by_combination():
    shop_product = remote(
        "r1",
        remote_sku("s1", *WHITE_M, code="TS-WH-M"),
        remote_sku("s2", *WHITE_L),
        out_product_id="DEMO-TSHIRT-001",
    )
    mine = local(1, local_sku(12, *WHITE_L), local_sku(11, *WHITE_M, code="TS-WH-M"), out_product_id="DEMO-TSHIRT-001")

    (decision,) = match_remote_catalog(remote_products=[shop_product], local_products=[mine], bound={})

    assert (decision.action, decision.local_product_id, decision.reason, decision.already_bound) == (
        MatchAction.BIND,
        1,
        None,
        False,
    )
    assert decision.candidates == (
        Candidate(1, (MatchKey.OUT_PRODUCT_ID, MatchKey.SKU_CODES), SkuPairing(((11, "s1"), (12, "s2")), (), ())),
    )
    assert decision.pairing == SkuPairing(pairs=((11, "s1"), (12, "s2")), remote_only=(), local_only=())


def test_a_match_by_product_code_alone_binds():
    (decision,) = match_remote_catalog(
        remote_products=[remote("r1", remote_sku("s1"), product_code="TS2024")],
        local_products=[local(1, local_sku(11), product_code="TS2024"), local(2, local_sku(21))],
        bound={},
    )

    assert (decision.action, decision.local_product_id) == (MatchAction.BIND, 1)
    assert [(c.local_product_id, c.matched_by) for c in decision.candidates] == [(1, (MatchKey.PRODUCT_CODE,))]


def test_a_match_by_sku_codes_finds_the_product_whose_out_sku_id_the_shop_holds():
    (decision,) = match_remote_catalog(
        remote_products=[remote("r1", remote_sku("s1", out_sku_id="7-70"))],
        local_products=[local(7, local_sku(70, out_sku_id="7-70"))],
        bound={},
    )

    assert (decision.action, decision.local_product_id, decision.pairing.pairs) == (MatchAction.BIND, 7, ((70, "s1"),))
    assert decision.candidates[0].matched_by == (MatchKey.SKU_CODES,)


def test_two_local_candidates_are_a_conflict_and_either_may_be_chosen():
    (decision,) = match_remote_catalog(
        remote_products=[remote("r1", remote_sku("s1", code="A-1"), out_product_id="P-1")],
        local_products=[local(1, local_sku(11), out_product_id="P-1"), local(2, local_sku(21, code="A-1"))],
        bound={},
    )

    assert (decision.action, decision.reason, decision.local_product_id) == (
        MatchAction.CONFLICT,
        ConflictReason.SEVERAL_CANDIDATES,
        None,
    )
    assert [(c.local_product_id, c.matched_by) for c in decision.candidates] == [
        (1, (MatchKey.OUT_PRODUCT_ID,)),
        (2, (MatchKey.SKU_CODES,)),
    ]
    assert decision.bindable_product_ids == (1, 2)
    assert decision.default_choice == AdoptionChoice.SKIP


def test_one_candidate_whose_skus_differ_is_a_conflict_that_names_the_skus_on_each_side():
    (decision,) = match_remote_catalog(
        remote_products=[remote("r1", remote_sku("s1", *WHITE_M), remote_sku("s2", *WHITE_L), out_product_id="P-1")],
        local_products=[
            local(1, local_sku(11, *WHITE_M), local_sku(13, ("颜色", "黑色"), ("尺码", "M")), out_product_id="P-1")
        ],
        bound={},
    )

    assert (decision.action, decision.reason, decision.local_product_id) == (
        MatchAction.CONFLICT,
        ConflictReason.SKU_SETS_DIFFER,
        1,
    )
    assert decision.pairing == SkuPairing(
        pairs=((11, "s1"),), remote_only=("颜色:白色;尺码:L",), local_only=("颜色:黑色;尺码:M",)
    )
    assert decision.bindable_product_ids == (1,)


def test_two_remote_products_matching_one_local_product_are_both_conflicts():
    decisions = match_remote_catalog(
        remote_products=[
            remote("r1", remote_sku("s1"), out_product_id="P-1"),
            remote("r2", remote_sku("s2"), out_product_id="P-1"),
        ],
        local_products=[local(1, local_sku(11), out_product_id="P-1")],
        bound={},
    )

    assert [(d.remote_id, d.action, d.reason, d.local_product_id) for d in decisions] == [
        ("r1", MatchAction.CONFLICT, ConflictReason.SHARED_CANDIDATE, 1),
        ("r2", MatchAction.CONFLICT, ConflictReason.SHARED_CANDIDATE, 1),
    ]


def test_an_already_bound_product_stays_bound_and_its_local_product_is_no_candidate_for_others():
    decisions = match_remote_catalog(
        remote_products=[
            remote("r1", remote_sku("s1"), out_product_id="P-1"),
            remote("r2", remote_sku("s2"), out_product_id="P-1"),
        ],
        local_products=[local(1, local_sku(11), out_product_id="P-1")],
        bound={"r1": 1},
    )

    assert [(d.remote_id, d.action, d.reason, d.local_product_id, d.already_bound) for d in decisions] == [
        ("r1", MatchAction.BIND, None, 1, True),
        ("r2", MatchAction.CONFLICT, ConflictReason.CANDIDATE_BOUND_ELSEWHERE, None, False),
    ]
    assert decisions[0].candidates[0].matched_by == (MatchKey.BINDING,)
    assert decisions[1].bindable_product_ids == ()


def test_v117_spec_ids_pair_with_the_local_spec_ids():
    shop_product = remote(
        "r1",
        RemoteCatalogSku(
            remote_sku_id="1075741873:1079742386;$套装:$标准版",
            out_sku_id="",
            specs=(
                RemoteCatalogSpec("1075741873", "1079742386", "1075741873", "1079742386"),
                RemoteCatalogSpec("套装", "标准版", "$套装", "$标准版"),
            ),
            product_code="",
            barcode="",
            price=459900,
            original_price=529900,
            stock=20,
            image_url="",
        ),
    )
    mine = local(
        1,
        LocalCatalogSku(
            id=11,
            specs=(("颜色", "黑色"), ("套装", "标准版")),
            spec_ids=(("1075741873", "1079742386"), ("$套装", "$标准版")),
            product_code="",
            out_sku_id="1-11",
        ),
    )

    assert pair_skus(shop_product, mine) == SkuPairing(
        pairs=((11, "1075741873:1079742386;$套装:$标准版"),), remote_only=(), local_only=()
    )


def test_a_barcode_pairs_skus_whose_combinations_were_renamed():
    shop_product = remote("r1", remote_sku("s1", ("颜色", "雪白"), barcode="6901234500001"))
    mine = local(1, local_sku(11, ("颜色", "白色"), barcode="6901234500001"))

    assert pair_skus(shop_product, mine).pairs == ((11, "s1"),)


def test_the_plan_takes_defaults_and_the_merchants_choices():
    decisions = match_remote_catalog(
        remote_products=[
            remote("new", remote_sku("s0")),
            remote("same", remote_sku("s1"), out_product_id="P-1"),
            remote("two", remote_sku("s2", code="A-1"), out_product_id="P-2"),
            remote("differs", remote_sku("s3", ("颜色", "红色")), out_product_id="P-4"),
        ],
        local_products=[
            local(1, local_sku(11), out_product_id="P-1"),
            local(2, local_sku(21), out_product_id="P-2"),
            local(3, local_sku(31, code="A-1")),
            local(4, local_sku(41, ("颜色", "蓝色")), out_product_id="P-4"),
        ],
        bound={},
    )

    steps = plan_adoption(decisions, {"two": (AdoptionChoice.BIND, 3), "differs": (AdoptionChoice.CREATE, None)})

    assert steps == (
        AdoptionStep("new", AdoptionChoice.CREATE, None, ()),
        AdoptionStep("same", AdoptionChoice.BIND, 1, ((11, "s1"),)),
        AdoptionStep("two", AdoptionChoice.BIND, 3, ((31, "s2"),)),
        AdoptionStep("differs", AdoptionChoice.CREATE, None, ()),
    )
    assert plan_adoption(decisions, {})[2:] == (
        AdoptionStep("two", AdoptionChoice.SKIP, None, ()),
        AdoptionStep("differs", AdoptionChoice.SKIP, None, ()),
    )


def test_a_bind_to_a_product_that_is_no_candidate_is_refused():
    decisions = match_remote_catalog(
        remote_products=[remote("r1", remote_sku("s1"), out_product_id="P-1"), remote("r2", remote_sku("s2"))],
        local_products=[local(1, local_sku(11), out_product_id="P-1")],
        bound={},
    )

    with pytest.raises(AdoptionChoiceError) as not_candidate:
        plan_adoption(decisions, {"r2": (AdoptionChoice.BIND, 1)})

    assert (not_candidate.value.remote_id, str(not_candidate.value)) == (
        "r2",
        "r2: it cannot be bound to local product 1",
    )


def test_two_remote_products_may_not_be_chosen_for_one_local_product():
    decisions = match_remote_catalog(
        remote_products=[
            remote("r1", remote_sku("s1"), out_product_id="P-1"),
            remote("r3", remote_sku("s3", code="A-1"), out_product_id="P-2"),
        ],
        local_products=[
            local(1, local_sku(11, code="A-1"), out_product_id="P-1"),
            local(2, local_sku(21), out_product_id="P-2"),
        ],
        bound={},
    )

    with pytest.raises(AdoptionChoiceError) as taken:
        plan_adoption(decisions, {"r3": (AdoptionChoice.BIND, 1)})

    assert [(d.action, d.reason) for d in decisions] == [
        (MatchAction.BIND, None),
        (MatchAction.CONFLICT, ConflictReason.SEVERAL_CANDIDATES),
    ]
    assert str(taken.value) == "r3: local product 1 is already chosen for r1"


def test_running_the_match_again_after_the_import_binds_everything_it_bound_or_created():
    shop = [remote("r1", remote_sku("s1"), out_product_id="P-1"), remote("r2", remote_sku("s2"))]
    after_import = [local(1, local_sku(11), out_product_id="P-1"), local(2, local_sku(21))]

    decisions = match_remote_catalog(remote_products=shop, local_products=after_import, bound={"r1": 1, "r2": 2})
    steps = plan_adoption(decisions, {"r1": (AdoptionChoice.CREATE, None)})

    assert [(d.action, d.local_product_id, d.already_bound) for d in decisions] == [
        (MatchAction.BIND, 1, True),
        (MatchAction.BIND, 2, True),
    ]
    assert steps == (
        AdoptionStep("r1", AdoptionChoice.BIND, 1, ((11, "s1"),), already_bound=True),
        AdoptionStep("r2", AdoptionChoice.BIND, 2, ((21, "s2"),), already_bound=True),
    )
