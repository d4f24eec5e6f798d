"""The draft/online model of reference §3.1: audits on the sandbox clock (pass, reject with reason, cancel, upload
stage), listing only after a pass, 10020049 under audit, configurable outcomes, the signed events and real-time
progress on the server's timer."""

import json
import time

import pytest

from tests.unit.sandbox.channels.builders import CHANNELS_APP, PUSH_TOKEN, signature, tshirt_body

UPDATE = "/channels/ec/product/update"
DELETE = "/channels/ec/product/delete"
LISTING = "/channels/ec/product/listing"
CANCEL = "/channels/ec/product/audit/cancel"


@pytest.fixture
def body(channel_images, template_id):
    return tshirt_body(channel_images, template_id)


def _states(channels, product_id):
    answer = channels.product(product_id)
    online = answer.get("product")
    return answer["edit_product"]["edit_status"], answer["edit_product"]["status"], online is not None


def test_an_audit_passes_after_its_delay_and_listing_then_puts_the_draft_online(channels, body):
    product_id = channels.add(body)

    submitted = _states(channels, product_id)
    channels.advance(59)
    still = _states(channels, product_id)
    channels.advance(1)
    passed = _states(channels, product_id)
    channels.listing(product_id)
    listed = channels.product(product_id)

    assert submitted == still == (2, 0, False)
    assert passed == (4, 0, False)
    assert (listed["product"]["status"], listed["product"]["edit_status"]) == (5, 4)
    audit_info = listed["edit_product"]["audit_info"]
    assert audit_info["audit_time"] - audit_info["submit_time"] == 60
    assert audit_info["reject_reason"] == ""
    # The online copy is the approved draft.
    online = {key: value for key, value in listed["product"].items() if key != "update_time"}
    assert online == {
        key: value for key, value in listed["edit_product"].items() if key not in {"edit_time", "audit_info"}
    }


def test_listing_is_refused_under_audit_and_every_edit_too(channels, body):
    product_id = channels.add(body)
    expected = f"product {product_id} is under audit; call audit/cancel first"

    listing = channels.error(LISTING, {"product_id": product_id}, 10020049)
    update = channels.error(UPDATE, {"product_id": product_id, **body}, 10020049)
    delete = channels.error(DELETE, {"product_id": product_id}, 10020049)

    assert listing == update == delete == expected
    assert _states(channels, product_id) == (2, 0, False)


def test_a_rejected_audit_shows_its_reason_and_keeps_the_online_copy(channels, body):
    product_id = channels.listed(body)
    channels.configure(channels_audit={"outcome": "reject", "reject_reason": "主图不清晰"})

    channels.ok(UPDATE, {"product_id": product_id, **body, "title": "纯棉圆领短袖T恤 模糊主图版"})
    channels.advance(60)

    answer = channels.product(product_id)
    assert answer["edit_product"]["edit_status"] == 3
    assert answer["edit_product"]["audit_info"]["reject_reason"] == "主图不清晰"
    assert (answer["product"]["title"], answer["product"]["status"]) == (body["title"], 5)
    [effect] = [e for e in channels.applied(endpoint="audit") if e["fields"]["outcome"] == "reject"]
    assert effect["platform"] == "channels"
    assert effect["fields"] == {
        "product_id": product_id,
        "outcome": "reject",
        "reject_reason": "主图不清晰",
        "edit_status": 3,
        "status": 5,
    }


def test_listing_a_rejected_draft_submits_it_again_and_lists_it_when_it_passes(channels, body):
    channels.configure(channels_audit={"next": [{"outcome": "reject", "reject_reason": "类目错误"}]})
    product_id = channels.add(body)
    channels.advance(60)
    rejected = _states(channels, product_id)

    channels.listing(product_id)
    resubmitted = _states(channels, product_id)
    channels.advance(60)

    assert rejected == (3, 0, False)
    assert resubmitted == (2, 0, False)
    assert _states(channels, product_id) == (4, 5, True)


def test_add_with_listing_1_lists_the_product_when_its_audit_passes(channels, body):
    product_id = channels.add({**body, "listing": 1})

    before = _states(channels, product_id)
    channels.advance(60)

    assert before == (2, 0, False)
    assert _states(channels, product_id) == (4, 5, True)
    assert channels.shop()["products"][0]["list_on_pass"] is False


def test_cancel_works_only_under_audit_and_returns_the_draft_to_editing(channels, body):
    product_id = channels.add(body)

    channels.ok(CANCEL, {"product_id": product_id})
    cancelled = _states(channels, product_id)
    channels.advance(120)
    after_delay = _states(channels, product_id)
    again = channels.error(CANCEL, {"product_id": product_id}, 10020044)
    channels.ok(UPDATE, {"product_id": product_id, **body})

    assert cancelled == after_delay == (1, 0, False)
    assert again == f"product {product_id} is not under audit (edit_status 1)"
    assert _states(channels, product_id) == (2, 0, False)
    assert channels.applied(endpoint="audit") == []


def test_outcomes_per_product_and_for_the_next_audits(channels, body):
    channels.configure(
        channels_audit={"next": ["reject", {"outcome": "pass"}], "products": {"tee-by-out-id": "reject"}}
    )
    first = channels.add(body)
    second = channels.add(body)
    third = channels.add(body)
    by_out_id = channels.add({**body, "out_product_id": "tee-by-out-id"})
    channels.advance(60)

    results = [_states(channels, product_id)[0] for product_id in (first, second, third, by_out_id)]

    assert results == [3, 4, 4, 3]
    assert channels.draft(first)["audit_info"]["reject_reason"] == "商品信息不符合平台规范"
    assert channels.control("GET", "config")["channels_audit"]["next"] == []


def test_per_product_outcome_by_product_id(channels, body):
    product_id = channels.add(body)
    channels.configure(channels_audit={"products": {product_id: {"outcome": "reject", "reject_reason": "价格异常"}}})

    channels.advance(60)

    assert channels.draft(product_id)["audit_info"]["reject_reason"] == "价格异常"


def test_the_upload_stage_answers_10020067(channels, body):
    channels.configure(channels_audit={"upload_seconds": 10})
    product_id = channels.add(body)

    uploading = _states(channels, product_id)
    listing = channels.error(LISTING, {"product_id": product_id}, 10020067)
    update = channels.error(UPDATE, {"product_id": product_id, **body}, 10020067)
    cancel = channels.error(CANCEL, {"product_id": product_id}, 10020044)
    channels.advance(10)
    auditing = _states(channels, product_id)
    channels.advance(60)

    assert uploading == (7, 0, False)
    assert listing == update == f"product {product_id} is still uploading its last submission"
    assert cancel.endswith("(edit_status 7)")
    assert auditing == (2, 0, False)
    assert _states(channels, product_id) == (4, 0, False)


def test_events_are_posted_signed_as_json(channels, body, receiver):
    product_id = channels.add(body)
    channels.advance(60)
    channels.listing(product_id)
    channels.ok("/channels/ec/product/delisting", {"product_id": product_id})
    channels.configure(channels_audit={"outcome": "reject", "reject_reason": "主图不清晰"})
    channels.ok(UPDATE, {"product_id": product_id, **body})
    channels.advance(60)
    channels.ok(UPDATE, {"product_id": product_id, **body})
    channels.ok(CANCEL, {"product_id": product_id})
    channels.ok(DELETE, {"product_id": product_id})
    channels.ok(DELETE, {"product_id": product_id})
    events = receiver.wait_for(10)

    assert receiver.bodies() == [
        ("product_spu_update", {"product_id": product_id, "status": 1}),
        ("product_spu_audit", {"product_id": product_id, "status": 3, "reason": ""}),
        ("product_spu_listing", {"product_id": product_id, "status": 5, "reason": ""}),
        ("product_spu_listing", {"product_id": product_id, "status": 11, "reason": ""}),
        ("product_spu_update", {"product_id": product_id, "status": 0}),
        ("product_spu_audit", {"product_id": product_id, "status": 2, "reason": "主图不清晰"}),
        ("product_spu_update", {"product_id": product_id, "status": 0}),
        ("product_spu_audit", {"product_id": product_id, "status": 4, "reason": ""}),
        ("product_spu_update", {"product_id": product_id, "status": 2}),
        ("product_spu_update", {"product_id": product_id, "status": 3}),
    ]
    first = events[0]
    assert first["path"] == "/channels/callback"
    assert first["content_type"] == "application/json"
    query = first["query"]
    assert query["signature"] == signature(PUSH_TOKEN, query["timestamp"], query["nonce"])
    assert first["json"]["ToUserName"].startswith("gh_")
    assert (first["json"]["MsgType"], first["json"]["Event"]) == ("event", "product_spu_update")
    assert str(first["json"]["CreateTime"]) == query["timestamp"]
    assert first["json"]["FromUserName"]
    channels.advance(0)  # waits until the queue has recorded every answer
    pushes = channels.shop()["pushes"]
    assert [push["event"] for push in pushes] == [event for event, _ in receiver.bodies()]
    assert all(push["delivered"] and push["http_status"] == 200 and push["answer"] == "success" for push in pushes)


def test_events_use_the_apps_own_push_token(channels, body, receiver):
    channels.configure(push_tokens={CHANNELS_APP[0]: "shop-server-token"})

    channels.add(body)
    [event] = receiver.wait_for(1)

    query = event["query"]
    assert query["signature"] == signature("shop-server-token", query["timestamp"], query["nonce"])


def test_events_are_logged_even_without_a_callback_url(channels, body):
    channels.add(body)
    channels.advance(60)

    pushes = channels.shop()["pushes"]

    assert [(push["event"], push["url"], push["delivered"]) for push in pushes] == [
        ("product_spu_update", None, False),
        ("product_spu_audit", None, False),
    ]
    assert json.loads(json.dumps(pushes[1]["body"]))["ProductSpuAudit"]["status"] == 3


def test_an_unreachable_callback_url_is_reported_and_changes_nothing(channels, body):
    channels.configure(channels_event_url="http://127.0.0.1:9/nowhere")

    product_id = channels.add(body)
    channels.advance(60)

    [added, audited] = channels.shop()["pushes"]
    assert added["delivered"]
    assert added["error"]
    assert audited["http_status"] is None
    assert _states(channels, product_id) == (4, 0, False)


def test_audits_progress_in_real_time_on_the_servers_timer(channels, body, receiver):
    """Nobody calls after the add: the timer finishes the audit and sends its event."""
    channels.configure(channels_audit={"delay_seconds": 0.3})

    product_id = channels.add({**body, "listing": 1})
    started = time.monotonic()
    events = receiver.wait_for(3, timeout=5)

    assert time.monotonic() - started < 5
    assert [event["json"]["Event"] for event in events] == [
        "product_spu_update",
        "product_spu_audit",
        "product_spu_listing",
    ]
    assert _states(channels, product_id) == (4, 5, True)


def test_audit_config_is_checked_and_shown(channels):
    bad = channels.control_error("POST", "config", {"channels_audit": {"outcome": "maybe"}})
    unknown = channels.control_error("POST", "config", {"channels_audit": {"speed": 1}})
    negative = channels.control_error("POST", "config", {"channels_audit": {"delay_seconds": -1}})
    url = channels.control_error("POST", "config", {"channels_event_url": "ftp://x"})

    assert bad["errmsg"] == "invalid args: channels_audit.outcome must be 'pass', 'reject' or {outcome, reject_reason}"
    assert unknown["errmsg"] == "invalid args: channels_audit has unknown key(s): speed"
    assert negative["errmsg"] == "invalid args: channels_audit.delay_seconds must be a number >= 0"
    assert url["errmsg"] == "invalid args: channels_event_url must be an http(s) URL or null"
    assert channels.control("GET", "config")["channels_audit"] == {
        "delay_seconds": 60.0,
        "upload_seconds": 0.0,
        "outcome": "pass",
        "reject_reason": "商品信息不符合平台规范",
        "next": [],
        "products": {},
    }
