"""Image and qualification upload (reference §3.6): query parameters, both upload types, both answer types, size
limits and both path prefixes."""

import re

import pytest

from tests.unit.sandbox.channels.builders import CHANNELS_APP

IMAGE_URL = re.compile(rf"^https://mmecimage\.cn/p/{CHANNELS_APP[0]}/[A-Za-z0-9]{{32}}$")
CHANNELS_PATH = "/channels/ec/basics/img/upload"
SHOP_PATH = "/shop/ec/basics/img/upload"
MB = 1024 * 1024


def _multipart(channels, path=CHANNELS_PATH, data=b"\xff\xd8jpeg", params=None, field="media"):
    query = {"upload_type": 0, "resp_type": 1, "height": 600, "width": 800} if params is None else params
    return channels.raw("POST", path, params=query, files={field: ("a.jpg", data, "image/jpeg")}).json()


@pytest.mark.parametrize("path", [CHANNELS_PATH, SHOP_PATH])
def test_multipart_upload_answers_an_mmecimage_link_on_both_prefixes(channels, path):
    answer = _multipart(channels, path)

    assert answer["errcode"] == 0
    assert set(answer["pic_file"]) == {"img_url"}
    assert IMAGE_URL.match(answer["pic_file"]["img_url"])
    assert channels.shop()["images"] == [answer["pic_file"]["img_url"]]
    [effect] = channels.applied(endpoint=path)
    assert effect["platform"] == "channels"
    assert effect["fields"] == {
        "upload_type": 0,
        "resp_type": 1,
        "filename": "a.jpg",
        "height": 600,
        "width": 800,
        "size": 6,
        "img_url": answer["pic_file"]["img_url"],
    }


def test_an_image_link_can_be_uploaded_by_url(channels):
    answer = channels.raw(
        "POST", SHOP_PATH, params={"upload_type": 1, "resp_type": 1}, json={"img_url": "https://cdn.example.com/a.jpg"}
    ).json()

    assert answer["errcode"] == 0
    assert IMAGE_URL.match(answer["pic_file"]["img_url"])
    [effect] = channels.applied(endpoint=SHOP_PATH)
    assert effect["fields"] == {
        "upload_type": 1,
        "source_url": "https://cdn.example.com/a.jpg",
        "resp_type": 1,
        "size": 0,
        "img_url": answer["pic_file"]["img_url"],
    }


def test_resp_type_0_answers_media_ids_that_products_cannot_use(channels):
    pic_file = channels.upload_image(resp_type=0)

    assert set(pic_file) == {"media_id", "pay_media_id"}
    assert channels.shop()["media_ids"] == [pic_file["media_id"]]
    assert channels.shop()["images"] == []


def test_each_upload_gets_its_own_link(channels):
    assert channels.image(1) != channels.image(1)


@pytest.mark.parametrize(
    ("params", "body", "errmsg"),
    [
        (
            {},
            {"upload_type": 1, "resp_type": 1, "img_url": "https://cdn.example.com/a.jpg"},
            "invalid args: upload_type and resp_type must be in the query string, not the body",
        ),
        ({"upload_type": 1}, {"img_url": "https://x/a.jpg"}, "invalid args: upload_type and resp_type must be in the"),
        (
            {"upload_type": 2, "resp_type": 1},
            {"img_url": "https://x/a.jpg"},
            "invalid args: upload_type must be an integer (0, 1) in the query string",
        ),
        ({"upload_type": 1, "resp_type": 1}, {}, "invalid args: img_url is required"),
        (
            {"upload_type": 1, "resp_type": 1},
            {"img_url": "ftp://x/a.jpg"},
            "invalid args: img_url must be an http(s) URL",
        ),
        (
            {"upload_type": 0, "resp_type": 1},
            None,
            "invalid args: height must be an integer in the query string",
        ),
        (
            {"upload_type": 0, "resp_type": 1, "height": 10, "width": 10},
            {"img_url": "https://x/a.jpg"},
            'invalid args: upload_type 0 needs a multipart/form-data body with a "media" field',
        ),
    ],
)
def test_upload_parameter_errors_answer_10020055(channels, params, body, errmsg):
    answer = channels.raw("POST", CHANNELS_PATH, params=params, json=body).json()

    assert answer["errcode"] == 10020055
    assert answer["errmsg"].startswith(errmsg)
    assert channels.shop()["images"] == []


def test_multipart_without_media_and_empty_media(channels):
    no_media = _multipart(channels, field="file")
    empty = _multipart(channels, data=b"")

    assert no_media == {"errcode": 10020055, "errmsg": 'invalid args: multipart body has no "media" field'}
    assert empty == {"errcode": 44001, "errmsg": "empty media data"}


def test_size_limits_are_2_mb_for_media_ids_and_10_mb_for_links(channels):
    query = {"upload_type": 0, "height": 1, "width": 1}

    media_ok = _multipart(channels, data=b"x" * (2 * MB), params={**query, "resp_type": 0})
    media_big = _multipart(channels, data=b"x" * (2 * MB + 1), params={**query, "resp_type": 0})
    link_ok = _multipart(channels, data=b"x" * (2 * MB + 1), params={**query, "resp_type": 1})
    link_big = _multipart(channels, data=b"x" * (10 * MB + 1), params={**query, "resp_type": 1})

    assert media_ok["errcode"] == link_ok["errcode"] == 0
    assert media_big == {
        "errcode": 40006,
        "errmsg": "invalid media size: 2097153 bytes, at most 2097152 for resp_type 0",
    }
    assert link_big["errcode"] == 40006


@pytest.mark.parametrize("prefix", ["/channels/ec", "/shop/ec"])
def test_qualification_upload(channels, prefix):
    path = f"{prefix}/basics/qualification/upload"

    def upload(data):
        return channels.raw("POST", path, files={"media": ("licence.pdf", data, "application/pdf")}).json()

    answer = upload(b"%PDF-1.4 licence")
    empty = upload(b"")
    big = upload(b"x" * (2 * MB + 1))
    not_multipart = channels.call(path, {"media": "x"})

    assert answer["errcode"] == 0
    assert re.match(r"^[A-Za-z0-9]{40}$", answer["data"]["file_id"])
    assert channels.shop()["qualification_files"] == [answer["data"]["file_id"]]
    assert empty == {"errcode": 10020059, "errmsg": "the qualification file is empty"}
    assert big["errcode"] == 10020060
    assert not_multipart["errcode"] == 10020055


def test_upload_needs_a_token_and_post(channels):
    no_token = channels.session.post(channels.url(CHANNELS_PATH), timeout=10).json()
    by_get = channels.raw("GET", CHANNELS_PATH, params={"upload_type": 0, "resp_type": 1}).json()

    assert no_token == {"errcode": 41001, "errmsg": "access_token missing"}
    assert by_get == {"errcode": 43002, "errmsg": "require POST method"}
