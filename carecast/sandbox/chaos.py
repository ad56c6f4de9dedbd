"""Random faults: a share of all API requests fails the way real networks fail.

The control API (``control.Faults``) arms faults for the next matching requests;
a chaos run needs them spread at random over thousands of requests instead. With
``RandomFaults(rate=0.2)`` one request in five, on any network and path, gets one
of the ``MIX`` below (each built from the control API's own modes, so the answers
are exactly what an armed fault gives). Armed faults still come first.

``POST /_sandbox/chaos {"rate": 0.2, "mix": ["429", ...], "seed": 1}`` switches it
on for a running sandbox; ``DELETE /_sandbox/chaos`` switches it off.
"""

from __future__ import annotations

import random
import threading
from typing import Any

from carecast.sandbox import control
from carecast.sandbox.routing import Request, Response, Router

router = Router()

# The five faults of issue 17. "timeout_after_create": the server waits longer than the
# client's timeout and then does the work anyway; "accept_then_drop": it does the work
# and closes the connection without an answer.
MIX: dict[str, dict[str, Any]] = {
    "429": {"status": 429, "retry_after": 2},
    "500": {"status": 500},
    "503": {"status": 503, "retry_after": 1},
    "timeout_after_create": {"mode": "delay", "seconds": 3.0},
    "accept_then_drop": {"mode": "accept_then_drop"},
}


class RandomFaults(control.Faults):
    """``control.Faults`` plus, with probability ``rate``, a random fault from ``mix``."""

    def __init__(
        self,
        rate: float,
        mix: list[str] | None = None,
        seed: int | None = None,
        timeout_seconds: float = 3.0,
    ) -> None:
        super().__init__()
        unknown = set(mix or ()) - set(MIX)
        if unknown or not 0 <= rate <= 1:
            raise ValueError(f"rate in [0, 1] and faults from {', '.join(MIX)}")
        self.rate = rate
        self.mix = list(mix or MIX)
        self.timeout_seconds = timeout_seconds
        self._random = random.Random(seed)
        self._random_lock = threading.Lock()
        self.injected: dict[str, int] = dict.fromkeys(self.mix, 0)

    def take(self, network: str, method: str, path: str) -> dict[str, Any] | None:
        armed = super().take(network, method, path)
        if armed is not None or not self.mix:
            return armed
        with self._random_lock:
            if self._random.random() >= self.rate:
                return None
            name = self._random.choice(self.mix)
            self.injected[name] += 1
        spec = dict(MIX[name])
        if spec.get("mode") == "delay":
            spec["seconds"] = self.timeout_seconds
        return {**control._normalise({"network": network, **spec}), "id": 0, "chaos": name}


@router.route("POST", "/_sandbox/chaos")
def start_chaos(req: Request) -> Response:
    spec = control._body(req)
    try:
        faults = RandomFaults(
            float(spec.get("rate", 0.2)),
            list(spec.get("mix") or MIX),
            spec.get("seed"),
            float(spec.get("timeout_seconds", 3.0)),
        )
    except (TypeError, ValueError) as exc:
        return Response(400, {"error": str(exc)})
    req.server.faults = faults
    return Response(201, {"rate": faults.rate, "mix": faults.mix})


@router.route("GET", "/_sandbox/chaos")
def chaos_counts(req: Request) -> Response:
    return Response(200, getattr(req.server.faults, "injected", {}))


@router.route("DELETE", "/_sandbox/chaos")
def stop_chaos(req: Request) -> Response:
    req.server.faults = control.Faults()
    return Response(204)
