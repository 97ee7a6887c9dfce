"""Who is at the other end of a request. X-Forwarded-For is anyone's to write, so it is believed
only when the peer is a proxy the operator trusts (BAPAS_TRUSTED_PROXIES: addresses or networks,
e.g. the front's), as werkzeug's ProxyFix does for a fixed number of hops; the client is then
the nearest address in the header that is not a trusted proxy itself. Whatever the header holds,
REMOTE_ADDR stays an IP address."""
import functools
import ipaddress

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """"10.0.0.0/8, 192.0.2.7" -> networks; a bad entry raises ValueError (the service does not start)."""
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"BAPAS_TRUSTED_PROXIES: {exc}") from None


def client_address(peer: str, forwarded: str, trusted: tuple[Network, ...]) -> str:
    address = _address(peer)
    if address is None:
        return peer
    hops = [hop.strip() for hop in forwarded.split(",")] if forwarded else []
    while hops and any(address in network for network in trusted):
        nearer = _address(hops.pop())
        if nearer is None:  # the trusted proxy passed on something that is no address: stop at the proxy
            break
        address = nearer
    return str(address)


@functools.lru_cache(maxsize=1024)
def _address(text: str):
    """The address `text` names, or None (an address object is immutable: one parse per peer and hop)."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: REMOTE_ADDR becomes the client's address as the trusted proxies saw it."""

    def __init__(self, app, trusted: tuple[Network, ...]):
        self.app = app
        self.trusted = trusted

    def __call__(self, environ, start_response):
        environ["REMOTE_ADDR"] = client_address(environ.get("REMOTE_ADDR") or "",
                                                environ.get("HTTP_X_FORWARDED_FOR") or "", self.trusted)
        return self.app(environ, start_response)
