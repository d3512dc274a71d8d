"""The audit log: one function writes every entry, the admin only reads them.

Callers are the write paths themselves (the publishing function, the user admin's
role and password changes), never signals: an entry says what a person did on
purpose, with the address they did it from.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from digest.models import AuditEntry
from digest.net import client_ip

Action = AuditEntry.Action


def audit_entry(
    *,
    action: str,
    actor,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """The entry saying `actor` did `action` to `target`, not yet saved."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if request is not None:
        ip = client_ip(request)
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry(
        action=action,
        actor=actor if is_person else None,
        actor_name=(str(actor.get_username()) if is_person else "")[:150],
        target_type=(
            ContentType.objects.get_for_model(target) if target is not None else None
        ),
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        ip=ip or None,
        detail=detail[:500],
    )


def record_audit(
    *,
    action: str,
    actor,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """Record that `actor` did `action` to `target`, from `request`'s address or `ip`."""
    entry = audit_entry(
        action=action,
        actor=actor,
        target=target,
        request=request,
        ip=ip,
        detail=detail,
    )
    entry.save()
    return entry


def record_audits(entries: list[AuditEntry]) -> None:
    """Save entries made by `audit_entry` in one statement (bulk work: imports)."""
    AuditEntry.objects.bulk_create(entries)
