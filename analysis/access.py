"""Who is looking, and which part of the banner they may see.

A `User` has roles (which pages open: `dashboard.nav`) and may be bound to a township (its `Scope`, which
every query takes) or, with the role `unit`, to one member unit of the plan (it sees and reports its own tasks). Who the user is comes from `dashboard.login`: with `auth_mode: none` everyone is
ANONYMOUS (every role, the whole banner); with `local`, a signed-in account of `dashboard.users`. An OIDC
mode (`st.login`) would slot in there, mapping the provider's claims to the same `User`.
"""
from __future__ import annotations

from dataclasses import dataclass

import domain

ROLES = ("viewer", "analyst", "office", "data", "admin", "unit")   # unit: a member unit reporting its tasks


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
    unit: str | None = None         # a member unit's account (role `unit`): its own tasks only (督导 page)

    @property
    def scope(self) -> Scope:
        return WHOLE_BANNER if self.township in (None, domain.BANNER_CODE) else Scope(frozenset({self.township}))


ANONYMOUS = User("anonymous", frozenset(ROLES))

