"""Staff privacy: who may see members' names, and stable pseudonyms for everyone else.

Employee monitoring is regulated (GDPR art. 88, Italy's Statuto dei lavoratori art. 4): viewers see
team-level figures and a pseudonymous label per member; managers and admins see names.
"""

from __future__ import annotations

import hashlib
import hmac

from monitoring.auth import Permission, User


def pseudonym(member_id: str, secret: str) -> str:
    """A stable label like ``Membro 3F9A`` that cannot be reversed without the secret."""
    digest = hmac.new(secret.encode(), member_id.encode(), hashlib.sha256).hexdigest()
    return f"Membro {digest[:4].upper()}"


def member_label(user: User, member_id: str | None, name: str | None, secret: str) -> str | None:
    """What ``user`` may see of a member: the name, or a pseudonym."""
    if member_id is None:
        return None
    if user.can(Permission.MEMBER_NAMES):
        return name or member_id
    return pseudonym(member_id, secret)
