"""How long the emulated cloud takes for its asynchronous transitions, per timing profile.

`realistic` uses the typical durations of the real cloud; `fast` keeps every intermediate state visible
for a short moment; `instant` skips them. `--time-scale` multiplies every duration.

A duration a caller gives (the notice of a spot interruption, `scaled`) is taken as a real-cloud one: the
`realistic` profile keeps it, `fast` divides it by 10 (uncapped: a 300 s notice lasts 30 s), `instant` makes it 0.
"""

REALISTIC = {
    "vpc.create": 3.0,  # Pending -> Available
    "vswitch.create": 3.0,
    "instance.pending": 3.0,  # RunInstances: Pending -> Starting
    "instance.start": 25.0,  # Starting -> Running
    "instance.stop": 15.0,  # Stopping -> Stopped
    "instance.delete": 5.0,  # Deleted -> gone from Describe
    "listener.start": 2.0,  # starting -> running (the API answers `starting` meanwhile)
    "listener.stop": 2.0,
    "filesystem.create": 3.0,  # Pending -> Running
    "filesystem.delete": 3.0,
    "mount_target.create": 30.0,  # Pending -> Active
    "mount_target.delete": 10.0,  # Deleting -> gone
}

PROFILES = {
    "realistic": REALISTIC,
    "fast": {key: min(0.5, seconds / 10) for key, seconds in REALISTIC.items()},
    "instant": dict.fromkeys(REALISTIC, 0.0),
}


# What a duration given in real-cloud seconds is multiplied by, per profile (before --time-scale).
GIVEN_DURATION_FACTORS = {"realistic": 1.0, "fast": 0.1, "instant": 0.0}


class Timing:
    def __init__(self, profile="fast", scale=1.0):
        if profile not in PROFILES:
            raise ValueError(f"unknown timing profile {profile!r}; choose one of {', '.join(PROFILES)}")
        if scale < 0:
            raise ValueError("the time scale must not be negative")
        self.profile = profile
        self.scale = scale

    def delay(self, key):
        return PROFILES[self.profile][key] * self.scale

    def scaled(self, seconds):
        """A duration of the real cloud that a caller gives (e.g. a spot notice), in this profile's time."""
        return seconds * GIVEN_DURATION_FACTORS[self.profile] * self.scale

    def describe(self):
        return {
            "profile": self.profile,
            "scale": self.scale,
            "delays": {k: self.delay(k) for k in REALISTIC},
            "given_duration_factor": self.scaled(1.0),
        }
