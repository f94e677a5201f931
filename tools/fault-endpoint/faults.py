"""What goes wrong on purpose: one-shot scripted faults, seeded random faults, and EC2-like token buckets.

A fault decides how a request is answered before (or instead of) the action running. The server asks the plan once
per request; the plan pops its queues and rolls its dice under the server's lock.
"""

import collections
import time

# Faults that answer without running the action.
ERROR_KINDS = {"throttle", "server_error", "unavailable", "error"}
# Faults that close the connection; the `apply_then_` ones run the action first.
DROP_KINDS = {"drop", "reset", "apply_then_drop", "apply_then_reset"}
# Faults that change how a successful answer is given.
ANSWER_KINDS = {"delay", "empty_page"}
KINDS = ERROR_KINDS | DROP_KINDS | ANSWER_KINDS

FAULT_KEYS = {"action", "fault", "delay", "seconds", "error", "count", "after", "region", "account", "date_offset",
              "apply_first"}
RANDOM_KEYS = {"rate", "kinds", "actions", "seed"}

# The EC2 throttling buckets (AWS-NOTES.md, "Rate limits"): burst, then refill per second.
AWS_BUCKETS = {"mutating": (100, 5), "tags": (100, 10), "describe": (100, 20), "describe_unfiltered": (50, 10)}
BUCKET_CLASSES = {
    "CreateSnapshot": "mutating",
    "DeleteSnapshot": "mutating",
    "CreateVolume": "mutating",
    "DeleteVolume": "mutating",
    "CreateTags": "tags",
    "DeleteTags": "tags",
    "DescribeSnapshots": "describe",
    "DescribeVolumes": "describe",
}


class Fault:
    """One decided fault: its kind and the details the answer needs."""

    __slots__ = ("kind", "seconds", "code", "message", "status", "date_offset", "apply_first", "label")

    def __init__(self, kind, seconds=0.0, code=None, message=None, status=400, date_offset=0.0, apply_first=True,
                 label=None):
        self.kind = kind
        self.seconds = seconds
        self.code = code
        self.message = message
        self.status = status
        self.date_offset = date_offset
        self.apply_first = apply_first
        self.label = label or (f"delay:{seconds:g}" if kind == "delay" else
                               f"error:{code}" if kind == "error" else kind)

    @property
    def closes_connection(self):
        return self.kind in DROP_KINDS

    @property
    def runs_action(self):
        return self.kind not in ERROR_KINDS and self.kind not in ("drop", "reset")


def parse_kind(text):
    """Turns a kind string such as `throttle` or `delay:2` into a `Fault`."""
    if not isinstance(text, str):
        raise ValueError(f"a fault kind is a string, not {text!r}")
    name, _, argument = text.partition(":")
    if name not in KINDS or name == "error":
        raise ValueError(f"unknown fault kind {text!r}; known: {sorted(KINDS - {'error'})} or an error object")
    if name == "delay":
        try:
            seconds = float(argument)
        except ValueError:
            raise ValueError(f"a delay kind is delay:SECONDS, not {text!r}") from None
        return Fault("delay", seconds=seconds)
    if argument:
        raise ValueError(f"the fault kind {name!r} takes no argument")
    return Fault(name)


def parse_error(spec, date_offset):
    if not isinstance(spec, dict) or not isinstance(spec.get("code"), str):
        raise ValueError(f'an error fault is {{"code": "...", "message": "...", "status": 400}}, not {spec!r}')
    unknown = set(spec) - {"code", "message", "status"}
    if unknown:
        raise ValueError(f"unknown error fault keys: {sorted(unknown)}")
    status = spec.get("status", 400)
    if not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(f"an error status is 400-599, not {status!r}")
    message = spec.get("message") or f"Scripted error {spec['code']}."
    return Fault("error", code=spec["code"], message=message, status=status, date_offset=date_offset)


class FaultEntry:
    """A scripted fault waiting in its action's queue, with how often it fires and which requests it matches."""

    __slots__ = ("action", "fault", "count", "after", "region", "account")

    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise ValueError(f"a fault is an object, not {spec!r}")
        unknown = set(spec) - FAULT_KEYS
        if unknown:
            raise ValueError(f"unknown fault keys: {sorted(unknown)}")
        self.action = spec.get("action", "*")
        self.count = _whole_number(spec, "count", 1, minimum=1)
        self.after = _whole_number(spec, "after", 0, minimum=0)
        self.region = spec.get("region")
        self.account = spec.get("account")
        date_offset = float(spec.get("date_offset", 0))

        if "error" in spec:
            self.fault = parse_error(spec["error"], date_offset)
        elif "delay" in spec:
            self.fault = Fault("delay", seconds=_seconds(spec["delay"]))
        elif "fault" in spec:
            self.fault = parse_kind(spec["fault"])
            if self.fault.kind == "delay" and "seconds" in spec:
                self.fault = Fault("delay", seconds=_seconds(spec["seconds"]))
        else:
            raise ValueError(f"a fault needs one of fault, delay or error: {spec!r}")
        self.fault.date_offset = date_offset
        self.fault.apply_first = bool(spec.get("apply_first", True))

    def matches(self, account, region):
        return (self.region is None or self.region == region) and (self.account is None or self.account == account)

    def pending_view(self):
        return {"action": self.action, "fault": self.fault.label, "count": self.count, "after": self.after,
                "region": self.region, "account": self.account}


class RandomFaults:
    """Faults drawn with probability `rate` for each request of the listed actions, from a seeded generator."""

    def __init__(self, spec, rng):
        if not isinstance(spec, dict):
            raise ValueError(f"random_faults is an object, not {spec!r}")
        unknown = set(spec) - RANDOM_KEYS
        if unknown:
            raise ValueError(f"unknown random_faults keys: {sorted(unknown)}")
        self.rate = float(spec.get("rate", 0))
        if not 0 <= self.rate <= 1:
            raise ValueError(f"random_faults.rate is between 0 and 1, not {self.rate}")
        self.kinds = [parse_kind(kind) for kind in spec.get("kinds", ["throttle"])]
        if not self.kinds:
            raise ValueError("random_faults.kinds is empty")
        for fault in self.kinds:
            fault.label = "random:" + fault.label
        self.actions = set(spec["actions"]) if spec.get("actions") else None
        self.rng = rng
        if "seed" in spec:
            self.rng.seed(spec["seed"])
        self.spec = spec

    def draw(self, action):
        if self.actions is not None and action not in self.actions:
            return None
        if self.rng.random() >= self.rate:
            return None
        return self.rng.choice(self.kinds)


class FaultPlan:
    """The scripted faults of every action, in FIFO order, and the optional random faults."""

    def __init__(self):
        self.queues = {}
        self.random = None

    def add(self, entries):
        for entry in entries:
            self.queues.setdefault(entry.action, collections.deque()).append(entry)

    def take(self, action, account, region):
        """Returns the fault for this request, or `None` to answer normally, consuming one-shot faults."""
        for key in (action, "*"):
            queue = self.queues.get(key)
            if not queue:
                continue
            for entry in queue:
                if not entry.matches(account, region):
                    continue
                if entry.after > 0:
                    entry.after -= 1
                    return None
                entry.count -= 1
                if entry.count == 0:
                    queue.remove(entry)
                return entry.fault
        if self.random is not None:
            return self.random.draw(action)
        return None

    def pending_view(self):
        return [entry.pending_view() for queue in self.queues.values() for entry in queue]


class TokenBuckets:
    """EC2's request-rate buckets per (account, region, action class): burst capacity refilled every second."""

    def __init__(self, spec):
        if spec == "aws":
            spec = {name: list(limits) for name, limits in AWS_BUCKETS.items()}
        if not isinstance(spec, dict):
            raise ValueError(f'buckets is "aws" or {{"class": [burst, refill_per_s]}}, not {spec!r}')
        self.limits = {}
        for name, limits in spec.items():
            if name not in AWS_BUCKETS:
                raise ValueError(f"unknown bucket class {name!r}; known: {sorted(AWS_BUCKETS)}")
            if (not isinstance(limits, list) or len(limits) != 2
                    or not all(isinstance(value, (int, float)) and value >= 0 for value in limits)):
                raise ValueError(f"a bucket is [burst, refill_per_s], not {limits!r}")
            self.limits[name] = (float(limits[0]), float(limits[1]))
        self.spec = spec
        self.levels = {}

    def bucket_class(self, action, params):
        """Returns the bucket an action draws from, or `None` when it is not limited."""
        name = BUCKET_CLASSES.get(action)
        if name == "describe" and "describe_unfiltered" in self.limits:
            narrowed = any(key.startswith(("Filter.", "SnapshotId.", "VolumeId.")) or key in ("MaxResults",
                                                                                            "NextToken")
                           for key in params)
            if not narrowed:
                name = "describe_unfiltered"
        return name if name in self.limits else None

    def take(self, account, region, name, time_scale):
        """Takes one token; returns False when the bucket is empty. Refill runs on scaled time."""
        burst, refill = self.limits[name]
        now = time.monotonic()
        key = (account, region, name)
        level, last = self.levels.get(key, (burst, now))
        level = min(burst, level + (now - last) * refill / time_scale)
        if level < 1:
            self.levels[key] = (level, now)
            return False
        self.levels[key] = (level - 1, now)
        return True


def _whole_number(spec, key, default, minimum):
    value = spec.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{key} must be a whole number >= {minimum}, not {value!r}")
    return value


def _seconds(value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"a delay is a number of seconds >= 0, not {value!r}")
    return float(value)
