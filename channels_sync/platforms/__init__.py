"""Platform clients: one package per remote platform, on shared platform-neutral pieces (design §2, §5).

* ``errors``: the typed error family every client raises.
* ``http``: the JSON-over-HTTP base client, the shared session, redaction and the per-call record.
* ``wechat``: errcode mapping and access-token handling shared by the WeChat platforms.
* ``tokens``: the shared access-token provider of the WeChat platforms.
* ``wechat_store``: the legacy WeChat Store V1.17 merchant API.

Nothing here imports Django models or reads settings at import time.
"""
