"""A thin HTTP client for the sandbox: the control API and the V1.17 store's calls, which the clients of the other
platforms (``channels/builders.py``, ``minishop/builders.py``) extend."""

from __future__ import annotations

from typing import Any

import requests

DEMO_APP = ("wx_demo_store", "demo-store-secret")
TEST_APP = ("wx_test_store", "test-store-secret")
TIMEOUT = 10


class SandboxApi:
    """Calls one sandbox over HTTP. Platform calls fetch and cache an access token per app id."""

    def __init__(self, base_url: str, session: requests.Session) -> None:
        self.base_url = base_url
        self.session = session
        self._tokens: dict[str, str] = {}
        self._secrets = dict([DEMO_APP, TEST_APP])

    def url(self, path: str) -> str:
        return self.base_url + path

    def fetch_token(self, appid: str = DEMO_APP[0]) -> str:
        response = self.session.get(
            self.url("/cgi-bin/token"),
            params={"grant_type": "client_credential", "appid": appid, "secret": self._secrets[appid]},
            timeout=TIMEOUT,
        )
        body = response.json()
        assert "access_token" in body, body
        self._tokens[appid] = body["access_token"]
        return body["access_token"]

    def token(self, appid: str = DEMO_APP[0]) -> str:
        return self._tokens.get(appid) or self.fetch_token(appid)

    def raw(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Any = None,
        params: dict[str, Any] | None = None,
        appid: str = DEMO_APP[0],
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        query = {"access_token": token if token is not None else self.token(appid), **(params or {})}
        return self.session.request(
            method, self.url(path), params=query, json=json, data=data, headers=headers, timeout=TIMEOUT
        )

    def post(self, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        response = self.raw("POST", path, json=body, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def get(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        response = self.raw("GET", path, params=params, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        """POST and require errcode 0."""
        answer = self.post(path, body, **kwargs)
        assert answer["errcode"] == 0, answer
        assert answer["errmsg"] == "success"
        return answer

    def upload(self, filename: str = "photo.png", data: bytes = b"\x89PNG\r\n\x1a\nfake", **kwargs: Any) -> str:
        response = self.raw("POST", "/merchant/common/upload_img", data=data, params={"filename": filename}, **kwargs)
        answer = response.json()
        assert answer["errcode"] == 0, answer
        return answer["image_url"]

    def control(self, method: str, path: str, json: Any = None, params: dict[str, Any] | None = None) -> Any:
        """A control call that must succeed; returns its JSON."""
        response = self.session.request(
            method, self.url("/__sandbox__/" + path), json=json, params=params, timeout=TIMEOUT
        )
        assert response.status_code == 200, response.text
        return response.json()

    def control_error(self, method: str, path: str, json: Any = None) -> dict[str, Any]:
        response = self.session.request(method, self.url("/__sandbox__/" + path), json=json, timeout=TIMEOUT)
        assert response.status_code == 400, response.text
        return response.json()

    def applied(self, **params: Any) -> list[dict[str, Any]]:
        return self.control("GET", "applied", params=params)["applied"]

    def state(self, appid: str = DEMO_APP[0]) -> dict[str, Any]:
        return self.control("GET", "state", params={"appid": appid})["wechat_store"]

    def create_product(self, body: dict[str, Any], **kwargs: Any) -> str:
        return self.ok("/merchant/create", body, **kwargs)["product_id"]

    def list_product(self, product_id: str, **kwargs: Any) -> None:
        self.ok("/merchant/modproductstatus", {"product_id": product_id, "status": 1}, **kwargs)
