"""Fetching the pictures behind a shop's image links (``channels_sync/platforms/remote_images.py``): from the
emulator's stand-in when the shop is the emulator; elsewhere only over HTTPS to public addresses, never following a
redirect, and only an image answer of bounded size."""

import pytest

from channels_sync.platforms.errors import DestinationRefusedError, ProtocolError
from channels_sync.platforms.hosts import HostPolicy
from channels_sync.platforms.image_fetch import fetch_image
from channels_sync.platforms.remote_images import download_remote_image
from sandbox.core.images import image_for_link
from tests.unit.platforms.conftest import TIMEOUTS
from tests.unit.platforms.stubs import EMULATOR_POLICY, Canned

LINK = "https://mmecimage.cn/p/wx_demo_channels/abcdef"


def test_a_shop_served_by_the_emulator_gets_its_pictures_from_the_emulator(server, http_session):
    data = download_remote_image(
        LINK, shop_base_url=server.url, shop_policy=EMULATOR_POLICY, timeouts=TIMEOUTS, session=http_session
    )

    assert data == image_for_link(LINK)


def test_a_link_that_is_not_https_is_refused_before_any_connection(http_session):
    with pytest.raises(DestinationRefusedError) as refused:
        download_remote_image(
            "http://mmecimage.cn/p/a/b",
            shop_base_url="https://api.weixin.qq.com",
            shop_policy=HostPolicy.build(hosts=["api.weixin.qq.com"]),
            timeouts=TIMEOUTS,
            session=http_session,
        )

    assert refused.value.errmsg == "an image link must be an https:// address"


def test_a_link_to_a_private_address_is_refused(http_session):
    with pytest.raises(DestinationRefusedError):
        download_remote_image(
            "https://127.0.0.1:9/p/a.png",
            shop_base_url="https://api.weixin.qq.com",
            shop_policy=HostPolicy.build(hosts=["api.weixin.qq.com"]),
            timeouts=TIMEOUTS,
            session=http_session,
        )


@pytest.mark.parametrize(
    ("canned", "message"),
    [
        (
            Canned(status=302, headers={"Location": "http://10.0.0.1/x.png", "Content-Type": "image/png"}),
            "not a picture: HTTP 302, image/png",
        ),
        (
            Canned(status=200, headers={"Content-Type": "text/html"}, body=b"<html>"),
            "not a picture: HTTP 200, text/html",
        ),
        (
            Canned(status=200, headers={"Content-Type": "image/png"}, body=b"x" * 101),
            "the picture is larger than 100 bytes",
        ),
    ],
)
def test_an_answer_that_is_not_a_bounded_picture_is_refused(stub, http_session, canned, message):
    stub.answers.append(canned)

    with pytest.raises(ProtocolError) as refused:
        fetch_image(
            stub.url + "/p/a.png", policy=EMULATOR_POLICY, timeouts=TIMEOUTS, session=http_session, max_bytes=100
        )

    assert (refused.value.errmsg, refused.value.outcome_unknown) == (message, False)
    assert [received.path for received in stub.received] == ["/p/a.png"]
