"""Database models. Importing this package registers every table on ``Base.metadata``.

Each feature keeps its tables in its own module here; all are imported below.
"""
from .. import plugins as _plugins
from .base import Base  # noqa: F401
from .reference import BankHoliday, HealthCheck, Setting  # noqa: F401
from .review import AuditEvent, Extension, ParallelReview, Review  # noqa: F401
from .user import ApiToken, User  # noqa: F401

_plugins.import_all(__import__(__name__, fromlist=["_"]))
