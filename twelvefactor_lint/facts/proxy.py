"""Facts about load balancers in front of the app (nginx, HAProxy configs; Traefik compose labels)."""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, doc, kind


@kind("proxy.sticky")
class ProxySticky(Fact):
    """A load-balancing directive that pins each client to one process (sticky sessions)."""

    how: str = doc("The directive in words: nginx `ip_hash`, HAProxy `balance source`, traefik label `...sticky...`.")
    where: str = doc("The statement as written, or `service `web`` for a compose label.")
