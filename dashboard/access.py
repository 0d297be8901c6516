"""Who is looking, and which part of the banner they may see.

Login does not exist yet (roadmap: local hashed passwords or OIDC, roles, users bound to a township). Until
it does, everyone is an anonymous user with every role and the whole banner. The shapes are already the
final ones: pages are registered with the roles allowed (`dashboard.nav`) and every query takes a `Scope`.
"""
from __future__ import annotations

from dataclasses import dataclass

import domain

ROLES = ("viewer", "analyst", "office", "data", "admin")


@dataclass(frozen=True)
class Scope:
    """The townships a user may see; `None` means the whole banner (banner-level figures included)."""

    townships: frozenset[str] | None = None

    @property
    def whole_banner(self) -> bool:
        return self.townships is None

    def townships_for(self, selected: tuple[str, ...]) -> tuple[str, ...]:
        """The townships a query should read: the selection within the scope; empty means 'all'.

        A township-bound user with no selection gets their townships, never the whole banner.
        """
        if self.townships is None:
            return selected
        chosen = [t for t in selected if t in self.townships] if selected else sorted(self.townships)
        return tuple(chosen) or tuple(sorted(self.townships))


WHOLE_BANNER = Scope()


@dataclass(frozen=True)
class User:
    name: str
    roles: frozenset[str]
    township: str | None = None     # bound to one township, or None for the banner office

    @property
    def scope(self) -> Scope:
        return WHOLE_BANNER if self.township in (None, domain.BANNER_CODE) else Scope(frozenset({self.township}))


ANONYMOUS = User("anonymous", frozenset(ROLES))


def current_user() -> User:
    """The signed-in user (until login exists: an anonymous user with every role and the whole banner)."""
    return ANONYMOUS
