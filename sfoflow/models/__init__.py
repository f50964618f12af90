"""Database models: every table, by feature, listed here so that ``Base.metadata`` is complete.

Each feature keeps its tables in its own module; a new module is added to this list.
"""
from .allocation import Absence, Allocation, ConflictOfInterest
from .assessment import Assessment, HighProfileQuery, NotificationAttachment, QaReport
from .base import Base
from .benchmarking import BenchmarkExercise, BenchmarkRater, BenchmarkRating, BenchmarkReview
from .hmpps_qa import HmppsQa
from .imports import ImportJob
from .notifications import Notification, OutboxMessage
from .panels import AgencyContact, Panel, PanelAction, PanelCase, PanelInvite, PartnershipEvent, ReviewAgency
from .reference import BankHoliday, HealthCheck, Setting, SettingChange
from .review import AuditEvent, Extension, ParallelReview, Review
from .sampling import OffenceSamplerState, SampleDecision, SamplerState
from .user import ApiToken, User
from .year import AssessmentTheme, LearningEntry, Theme, YearNarrative, YearPublication, YearSectionChoice

__all__ = [
    "Absence", "Allocation", "ApiToken", "Assessment", "AuditEvent", "BankHoliday", "Base",
    "ConflictOfInterest", "Extension", "HealthCheck", "HighProfileQuery", "Notification",
    "ImportJob",
    "NotificationAttachment", "OutboxMessage", "ParallelReview", "QaReport", "Review",
    "SampleDecision", "SamplerState", "Setting", "User",
    "BenchmarkExercise", "BenchmarkRater", "BenchmarkRating", "BenchmarkReview", "HmppsQa",
    "OffenceSamplerState", "SettingChange",
    "AssessmentTheme", "LearningEntry", "Theme", "YearNarrative", "YearPublication", "YearSectionChoice",
]
__all__ += ["AgencyContact", "Panel", "PanelAction", "PanelCase", "PanelInvite", "PartnershipEvent", "ReviewAgency"]
