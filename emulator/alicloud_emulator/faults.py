"""Fault injection: throttling, server errors, latency, lost responses and eventual consistency.

Every decision comes from one seeded random generator, so a run with the same seed and the same
sequence of requests meets the same faults.
"""

import random
import threading
import time
from dataclasses import asdict, dataclass, field, fields


@dataclass
class FaultConfig:
    throttle_rate: float = 0.0  # share of requests answered 400 Throttling.User (nothing done)
    error_rate: float = 0.0  # share answered 500/503 (nothing done)
    lost_rate: float = 0.0  # share carried out, then the connection dropped before the answer
    latency_ms: int = 0  # added to every affected request
    consistency_delay: float = 0.0  # seconds a resource made from now on stays invisible to Describe/List calls
    retry_after_ms: int = 0  # when > 0, throttling answers carry `x-acs-retry-after`
    scope: str = "mutating"  # "mutating", "all", or a comma-separated list of action names
    seed: int = 0
    nas_outages: list = field(default_factory=list)  # file system ids whose service is frozen (data plane)

    def validate(self):
        for name in ("throttle_rate", "error_rate", "lost_rate"):
            value = getattr(self, name)
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
        if self.throttle_rate + self.error_rate + self.lost_rate > 1.0:
            raise ValueError("throttle_rate + error_rate + lost_rate must not exceed 1")
        if self.latency_ms < 0 or self.consistency_delay < 0 or self.retry_after_ms < 0:
            raise ValueError("latency_ms, consistency_delay and retry_after_ms must not be negative")


@dataclass
class Decision:
    outcome: str = "ok"  # ok | throttle | error | lost
    latency: float = 0.0


class Faults:
    def __init__(self, config=None):
        self._lock = threading.Lock()
        self.config = config or FaultConfig()
        self.config.validate()
        self.consistency_since = time.time()  # the delay hides what is made after it was set, not what was listed
        self._rng = random.Random(self.config.seed)  # noqa: S311 - reproducible by design, not a secret

    def update(self, changes):
        """Apply a partial configuration (from the admin API); a new seed restarts the sequence."""
        known = {f.name: f.type for f in fields(FaultConfig)}
        unknown = set(changes) - set(known)
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}; known: {', '.join(known)}")
        with self._lock:
            merged = asdict(self.config)
            merged.update(changes)
            config = FaultConfig(**merged)
            for name in ("throttle_rate", "error_rate", "lost_rate", "consistency_delay"):
                setattr(config, name, float(getattr(config, name)))
            for name in ("latency_ms", "retry_after_ms", "seed"):
                setattr(config, name, int(getattr(config, name)))
            config.validate()
            if config.consistency_delay != self.config.consistency_delay:
                self.consistency_since = time.time()
            self.config = config
            self._rng = random.Random(config.seed)  # noqa: S311 - reproducible by design, not a secret

    def reset(self):
        self.update(asdict(FaultConfig()))

    def applies_to(self, action, mutating):
        scope = self.config.scope
        if scope == "all":
            return True
        if scope == "mutating":
            return mutating
        return action in {a.strip() for a in scope.split(",")}

    def decide(self, action, mutating):
        with self._lock:
            config = self.config
            if not self.applies_to(action, mutating):
                return Decision()
            roll = self._rng.random()
            latency = config.latency_ms / 1000.0
            if roll < config.throttle_rate:
                return Decision("throttle", latency)
            roll -= config.throttle_rate
            if roll < config.error_rate:
                return Decision("error", latency)
            roll -= config.error_rate
            if roll < config.lost_rate:
                return Decision("lost", latency)
            return Decision("ok", latency)

    def error_status(self):
        with self._lock:
            return 503 if self._rng.random() < 0.5 else 500

    def as_dict(self):
        return asdict(self.config)
