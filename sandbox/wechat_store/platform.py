"""The legacy WeChat Store merchant API, manual V1.17 (reference §2): every row of the §2.1 table, with state.

One section per part of the manual: ``products``, ``categories``, ``stock``, ``express`` (postage templates),
``groups``, ``shelves``, ``orders`` (with the control route that generates them) and ``images``; ``state`` is what
the store keeps, ``rules`` the manual's rules, ``seed`` the category tree. Each app id has its own isolated store.
Handlers run under the sandbox lock (see ``core/server.py``) and record every state change they apply in the
applied-effects log.
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import Platform, Request, RouteTable, merge_routes
from sandbox.core.services import Services
from sandbox.core.tokens import WeChatTokenAuth
from sandbox.wechat_store.categories import Categories
from sandbox.wechat_store.express import Express
from sandbox.wechat_store.groups import Groups
from sandbox.wechat_store.images import Images
from sandbox.wechat_store.orders import Orders
from sandbox.wechat_store.products import Products
from sandbox.wechat_store.seed import CategoryTree, build_category_tree
from sandbox.wechat_store.shelves import Shelves
from sandbox.wechat_store.state import StoreState
from sandbox.wechat_store.stock import Stock


class WeChatStore(Platform):
    """V1.17 ``/merchant/...`` endpoints (reference §2.1), authenticated with WeChat access tokens (§1)."""

    name = "wechat_store"

    def __init__(self, services: Services, tree: CategoryTree | None = None) -> None:
        ctx = services.ctx
        self._auth = WeChatTokenAuth(services.tokens)
        self.tree = tree or build_category_tree()
        self._states = AppStates(ctx, self.name, StoreState, StoreState)
        self.orders = Orders(ctx, self._states)
        self._sections = [
            Products(ctx, self._states, self.tree),
            Categories(self.tree),
            Stock(self._states),
            Express(self._states),
            Groups(self._states),
            Shelves(self._states),
            self.orders,
            Images(ctx, self._states),
        ]

    # --- Platform interface -------------------------------------------------------------------------------------

    def routes(self) -> RouteTable:
        return merge_routes(*(section.routes() for section in self._sections))

    def control_routes(self) -> RouteTable:
        return self.orders.control_routes()

    def authenticate(self, request: Request) -> str:
        return self._auth(request)

    def reset(self, appid: str | None) -> None:
        self._states.forget(appid)

    def export_state(self) -> dict[str, StoreState]:
        return self._states.export()

    def import_state(self, state: Any) -> None:
        self._states.load(state)

    def snapshot(self, appid: str) -> dict[str, Any]:
        state = self._states.get(appid) or StoreState()
        return {
            "products": [
                {
                    "product_id": product.product_id,
                    "name": product.product_base["name"],
                    "status": product.status,
                    "ever_listed": product.ever_listed,
                    "stock": product.stock(),
                    "product_info": product.info(),
                }
                for product in state.products.values()
            ],
            "orders": copy.deepcopy(list(state.orders.values())),
            "templates": [{"Id": template_id, **copy.deepcopy(t)} for template_id, t in state.templates.items()],
            "groups": [
                {"group_id": g.group_id, "group_name": g.group_name, "product_list": list(g.product_list)}
                for g in state.groups.values()
            ],
            "shelves": [shelf.as_json() for shelf in state.shelves.values()],
            "images": list(state.images),
        }
