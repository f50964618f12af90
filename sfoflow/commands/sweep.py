"""sweep (record due notifications and send them) and outbox (read the embedded outbox)."""
from __future__ import annotations

import click

from . import app_session


@click.command(help="Run one deadline sweep: record the reminders, escalations, alerts and digests due, "
                    "then hand every deliverable notification to the workers (or deliver here).")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to decide for (YYYY-MM-DD); default: today in Europe/London, from the "
                   "hour set by notifications_day_starts_hour.")
@click.option("--deliver-here", is_flag=True, help="Deliver in this process instead of through the broker.")
def sweep(today, deliver_here: bool) -> None:
    from .. import notify
    from ..deadlines.rules import effective_day
    from ..models.base import utcnow
    from ..services import notifications, settings

    with app_session() as (app, session):
        now = utcnow()
        day = today.date() if today else effective_day(now, int(settings.get(session, "notifications_day_starts_hour")))
        sender = notify.sender_for(app.config["SFOFLOW"]) if deliver_here else None
        report = notifications.sweep(session, day, now=now, deliver_with=sender)
    click.echo(f"sweep for {day.isoformat()} ({'working day' if report.working_day else 'not a working day'}): "
               f"{report.considered} review(s) considered, {len(report.recorded)} notification(s) recorded")
    for n in report.recorded:
        about = n.reference or "-"
        click.echo(f"  recorded #{n.id} {n.kind} {about} {n.key_day.isoformat()} -> {n.recipient}")
    if deliver_here:
        counts = {}
        for outcome in report.delivered:
            counts[outcome.result] = counts.get(outcome.result, 0) + 1
            if outcome.result in ("retry", "failed"):
                click.echo(f"  #{outcome.notification_id} {outcome.result}: {outcome.detail}")
        click.echo("delivered here: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to send"))
    else:
        click.echo(f"handed to the workers: {len(report.dispatched)}")
        if report.dispatch_error:
            click.echo(f"broker unavailable ({report.dispatch_error}); the rest stay pending for the next sweep",
                       err=True)


@click.command(help="Print the newest messages in the embedded outbox (used when SMTP is not configured).")
@click.option("--limit", default=10, show_default=True)
def outbox(limit: int) -> None:
    from ..services.notifications import outbox_page

    with app_session() as (_app, session):
        items, total = outbox_page(session, page_no=1, per_page=limit)
        click.echo(f"{total} message(s) in the outbox; newest {len(items)}:")
        for m in items:
            click.echo(f"--- #{m.id} {m.sent_at:%Y-%m-%d %H:%M} to {m.recipient}\nSubject: {m.subject}\n\n{m.body}")
