"""X-Forwarded-For is believed only from trusted proxies, and the result is always an address."""
import pytest

from shared.http.proxies import client_address, parse_networks

FRONT = parse_networks("10.0.0.0/8, 2001:db8::/32")


@pytest.mark.parametrize("peer, forwarded, expected", [
    ("203.0.113.9", "1.2.3.4", "203.0.113.9"),
    ("10.0.0.2", "1.2.3.4", "1.2.3.4"),
    ("10.0.0.2", "1.2.3.4, 10.0.0.3", "1.2.3.4"),
    ("10.0.0.2", "10.0.0.3", "10.0.0.3"),
    ("10.0.0.2", "1.2.3.4\r\nX: y", "10.0.0.2"),
    ("2001:db8::1", "2001:0db8:0000::0005", "2001:db8::5"),
    ("10.0.0.2", "", "10.0.0.2"),
])
def test_client_address(peer, forwarded, expected):
    assert client_address(peer, forwarded, FRONT) == expected


def test_a_bad_trusted_proxy_entry_stops_the_service():
    with pytest.raises(ValueError, match="BAPAS_TRUSTED_PROXIES"):
        parse_networks("10.0.0.0/8, the-front")
