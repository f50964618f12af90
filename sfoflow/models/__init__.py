"""Database models: every table, by feature, listed here so that ``Base.metadata`` is complete.

Each feature keeps its tables in its own module; a new module is added to this list.
"""
from .allocation import Absence, Allocation, ConflictOfInterest
from .assessment import Assessment, HighProfileQuery, NotificationAttachment, QaReport
from .base import Base
from .notifications import Notification, OutboxMessage
from .reference import BankHoliday, HealthCheck, Setting
from .review import AuditEvent, Extension, ParallelReview, Review
from .sampling import SampleDecision, SamplerState
from .throttle import ThrottleCounter
from .user import ApiToken, User

__all__ = [
    "Absence", "Allocation", "ApiToken", "Assessment", "AuditEvent", "BankHoliday", "Base",
    "ConflictOfInterest", "Extension", "HealthCheck", "HighProfileQuery", "Notification",
    "NotificationAttachment", "OutboxMessage", "ParallelReview", "QaReport", "Review",
    "SampleDecision", "SamplerState", "Setting", "User",
    "ThrottleCounter",
]
