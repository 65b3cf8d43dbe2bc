"""Bench-only shim, installed into the peer virtual environment by bench/peer_bench.py: when
HA_WEB_PEER_ENDPOINT=host:port is set, the old aliyunsdkcore clients send every request there over HTTP
(the old SDK has no endpoint override of its own)."""

import os

TARGET = os.environ.get("HA_WEB_PEER_ENDPOINT")

if TARGET:
    from aliyunsdkcore import client as _client
    from aliyunsdkcore.request import AcsRequest as _AcsRequest

    _HOST, _PORT = TARGET.rsplit(":", 1)
    _original_init = _client.AcsClient.__init__

    def _init(self, *args, **kwargs):
        _original_init(self, *args, **kwargs)
        self._port = int(_PORT)

    _client.AcsClient.__init__ = _init
    _client.AcsClient._resolve_endpoint = lambda self, request: _HOST
    _AcsRequest.get_protocol_type = lambda self: "http"
