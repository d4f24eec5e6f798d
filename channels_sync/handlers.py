"""Every job kind's handler: the sync engine's (``jobs.py``) and the catalog adoption's (``adoption/handlers.py``)."""

from .adoption.handlers import HANDLERS as ADOPTION_HANDLERS
from .jobs import HANDLERS as SYNC_HANDLERS

HANDLERS = {**SYNC_HANDLERS, **ADOPTION_HANDLERS}
