"""common/upload_img (reference §2.7): raw bytes with ``filename`` in the query; multipart ``media`` tolerated."""

import re

import pytest

IMAGE_URL = re.compile(r"^http://mmbiz\.qpic\.cn/mmbiz/[A-Za-z0-9]{86}/0$")
PATH = "/merchant/common/upload_img"


def test_raw_bytes_with_a_filename_give_an_image_url(api):
    answer = api.raw("POST", PATH, data=b"\x89PNG\r\n\x1a\n0123", params={"filename": "test.png"}).json()

    assert answer["errcode"] == 0
    assert answer["errmsg"] == "success"
    assert IMAGE_URL.match(answer["image_url"])
    assert api.state()["images"] == [answer["image_url"]]
    [effect] = api.applied(endpoint=PATH)
    assert effect["fields"] == {"image_url": answer["image_url"], "filename": "test.png", "size": 12}


def test_each_upload_gets_its_own_url(api):
    assert api.upload("a.jpg") != api.upload("a.jpg")


def test_a_multipart_media_field_is_tolerated(api):
    response = api.session.post(
        api.url(PATH),
        params={"access_token": api.token()},
        files={"media": ("shirt.JPG", b"\xff\xd8\xff\xe0jpeg", "image/jpeg")},
        timeout=10,
    )

    answer = response.json()
    assert answer["errcode"] == 0
    [effect] = api.applied(endpoint=PATH)
    assert effect["fields"]["filename"] == "shirt.JPG"
    assert effect["fields"]["size"] == 8


def test_multipart_without_media_is_rejected(api):
    response = api.session.post(
        api.url(PATH), params={"access_token": api.token()}, files={"file": ("a.png", b"x")}, timeout=10
    )

    assert response.json() == {"errcode": 40097, "errmsg": 'invalid args: multipart body has no "media" field'}


@pytest.mark.parametrize(
    ("params", "data", "expected"),
    [
        ({}, b"png", {"errcode": 40097, "errmsg": "invalid args: filename is required in the query string"}),
        (
            {"filename": "notes.txt"},
            b"text",
            {"errcode": 40005, "errmsg": "invalid file type: filename must end with .jpg, .jpeg, .png, .gif, .bmp"},
        ),
        (
            {"filename": "picture"},
            b"png",
            {"errcode": 40005, "errmsg": "invalid file type: filename must end with .jpg, .jpeg, .png, .gif, .bmp"},
        ),
        ({"filename": "empty.png"}, b"", {"errcode": 44001, "errmsg": "empty media data"}),
    ],
)
def test_upload_rejections(api, params, data, expected):
    answer = api.raw("POST", PATH, data=data, params=params).json()

    assert answer == expected
    assert api.state()["images"] == []
    assert api.applied(endpoint=PATH) == []


def test_upload_requires_post(api):
    assert api.get(PATH, {"filename": "a.png"}) == {"errcode": 43002, "errmsg": "require POST method"}
