"""Deadlines: who should take a review, and which notifications fall due on a given day.

Plain Python (no Flask, SQLAlchemy or Celery): the services feed these functions facts read
from the database and record what they return.

* ``allocation``: ``suggest_inspector`` ranks inspectors by spare capacity, skipping the
  absent, the conflicted and (for high-profile reviews) the non-senior.
* ``rules``: ``due_notifications`` decides, from a review's due date, state and allocation
  date, which reminders, escalations and alerts are due on a day; ``digest`` does the same for
  a manager's daily digest. Both are pure functions of the facts, the day and the calendar, so
  the sweep can be run any number of times, late, or twice at once.
* ``messages``: the plain-text wording of each email.
* ``delivery``: the retry and lease policy for sending a recorded notification.
"""
from .allocation import Candidate, ReviewToAllocate, Suggestion, suggest_inspector  # noqa: F401
from .rules import Due, ReviewFacts, Rules, digest, due_notifications, effective_day  # noqa: F401
