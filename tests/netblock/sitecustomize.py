"""Loaded by every Python process the tests start (via PYTHONPATH): outside network access fails loudly.

Only loopback, this machine's own addresses and Unix sockets may connect (a local Ray cluster names its nodes by
the machine's address), so an accidental model or data download is a test failure, not a silent dependency on the
internet.
"""

import ipaddress
import socket

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _own_addresses() -> frozenset[str]:
    """The host name's addresses and the one outgoing traffic would leave from (found as Ray finds it: a UDP socket
    "connected" to a public address, which sends nothing)."""
    found = set()
    try:
        found.update(socket.gethostbyname_ex(socket.gethostname())[2])
    except OSError:
        pass
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        _connect(probe, ("8.8.8.8", 53))  # UDP: nothing is sent
        found.add(probe.getsockname()[0])
    except OSError:
        pass
    finally:
        probe.close()
    return frozenset(found)


_OWN = _own_addresses()


def _allowed(address: object) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths
    host = str(address[0])
    if host in ("localhost", "") or host in _OWN:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not _allowed(address):
        raise ConnectionRefusedError(f"tests block outside network access (tried {address!r})")
    return _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _allowed(address):
        raise ConnectionRefusedError(f"tests block outside network access (tried {address!r})")
    return _connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
