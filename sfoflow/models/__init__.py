"""Database models. Importing this package registers every table on ``Base.metadata``."""
from .base import Base  # noqa: F401
from .user import ApiToken, User  # noqa: F401
from .review import AuditEvent, Extension, ParallelReview, Review  # noqa: F401
from .reference import BankHoliday, HealthCheck, Setting  # noqa: F401
