"""The EC2 world the fault endpoint keeps: volumes and snapshots per (account, region), and how snapshots progress.

Nothing here knows about HTTP or faults. Every lookup that a request makes goes through an index (by id, by volume,
by tag, by creation order), so a describe costs what it returns rather than what the world holds.
"""

import bisect

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"

BEHAVIOUR_KEYS = {
    "complete_after_polls",
    "complete_after_seconds",
    "error_after_polls",
    "error_after_seconds",
    "random_seconds",
    "invisible_polls",
    "message",
    "volume_id",
}
TIMING_KEYS = ("complete_after_polls", "complete_after_seconds", "error_after_polls", "error_after_seconds",
               "random_seconds")
DEFAULT_ERROR_MESSAGE = "Snapshot creation failed."


def parse_behaviour(spec):
    """Validates one snapshot behaviour from a script and returns it as a plain dictionary.

    A behaviour has at most one timing key (none means "completes after 0 s") plus `invisible_polls`, `message` for
    the error outcomes, and `volume_id` to reserve the behaviour for snapshots of one volume.
    """
    if not isinstance(spec, dict):
        raise ValueError(f"a snapshot behaviour is an object, not {spec!r}")
    unknown = set(spec) - BEHAVIOUR_KEYS
    if unknown:
        raise ValueError(f"unknown snapshot behaviour keys: {sorted(unknown)}")
    timings = [key for key in TIMING_KEYS if key in spec]
    if len(timings) > 1:
        raise ValueError(f"a snapshot behaviour takes one of {list(TIMING_KEYS)}, not {timings}")
    for key in timings + (["invisible_polls"] if "invisible_polls" in spec else []):
        value = spec[key]
        if key == "random_seconds":
            if (not isinstance(value, list) or len(value) != 2
                    or not all(isinstance(bound, (int, float)) for bound in value) or not 0 <= value[0] <= value[1]):
                raise ValueError(f"random_seconds is [lo, hi] with 0 <= lo <= hi, not {value!r}")
        elif not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{key} must be a number >= 0, not {value!r}")
    return dict(spec)


class Snapshot:
    """One snapshot and the rule that moves it from `pending` to `completed` or `error`.

    Poll-driven snapshots advance only when a DescribeSnapshots returns them; time-driven ones advance with the
    clock and are brought up to date whenever they are looked at.
    """

    __slots__ = ("snapshot_id", "volume_id", "account", "region", "seq", "start_time", "description", "tags",
                 "volume_size", "mode", "threshold", "outcome", "message", "invisible_left", "polls", "status",
                 "progress", "completion_time", "status_message", "deleted", "rendered", "rendered_key")

    def __init__(self, snapshot_id, volume, seq, now, description, tags, behaviour, time_scale, rng):
        self.snapshot_id = snapshot_id
        self.volume_id = volume.volume_id
        self.account = volume.account
        self.region = volume.region
        self.seq = seq
        self.start_time = now
        self.description = description
        self.tags = tags
        self.volume_size = volume.size
        self.invisible_left = int(behaviour.get("invisible_polls", 0))
        self.polls = 0
        self.status = "pending"
        self.progress = None
        self.completion_time = None
        self.status_message = None
        self.deleted = False
        self.rendered = None
        self.rendered_key = None
        self.message = behaviour.get("message", DEFAULT_ERROR_MESSAGE)
        self.outcome = "error" if ("error_after_polls" in behaviour or "error_after_seconds" in behaviour) \
            else "completed"
        if "complete_after_polls" in behaviour or "error_after_polls" in behaviour:
            self.mode = "polls"
            self.threshold = int(behaviour.get("complete_after_polls", behaviour.get("error_after_polls")))
        else:
            self.mode = "seconds"
            if "random_seconds" in behaviour:
                low, high = behaviour["random_seconds"]
                seconds = rng.uniform(low, high)
            else:
                seconds = behaviour.get("complete_after_seconds", behaviour.get("error_after_seconds", 0))
            self.threshold = float(seconds) * time_scale

    def progress_text(self):
        """Returns the progress as EC2 writes it: `"37%"`, or empty before anything is known."""
        return "" if self.progress is None else f"{self.progress}%"

    def refresh(self, now):
        """Brings a time-driven snapshot up to date with the clock; poll-driven ones do not move here."""
        if self.status != "pending" or self.mode != "seconds":
            return
        elapsed = now - self.start_time
        if elapsed >= self.threshold:
            self._finish(self.start_time + self.threshold)
        else:
            self.progress = min(99, int(100 * elapsed / self.threshold))

    def poll(self, now):
        """Counts one DescribeSnapshots that returned this snapshot, and moves it on."""
        self.polls += 1
        if self.status != "pending":
            return
        if self.mode == "seconds":
            self.refresh(now)
            return
        if self.polls > self.threshold:
            self._finish(now)
        else:
            self.progress = int(100 * self.polls / (self.threshold + 1))

    def _finish(self, when):
        if self.outcome == "error":
            self.status = "error"
            self.status_message = self.message
        else:
            self.status = "completed"
            self.progress = 100
            self.completion_time = when

    def state_view(self):
        """Returns the control API's JSON view of this snapshot."""
        return {
            "snapshot_id": self.snapshot_id,
            "volume_id": self.volume_id,
            "owner_id": self.account,
            "account": self.account,
            "region": self.region,
            "state": self.status,
            "progress": self.progress_text(),
            "status_message": self.status_message,
            "description": self.description,
            "tags": dict(self.tags),
            "start_time": self.start_time,
            "completion_time": self.completion_time,
            "polls": self.polls,
            "invisible_polls_left": self.invisible_left,
        }


def default_iops(volume_type, size):
    """Returns the IOPS EC2 reports for a volume created without `Iops`, or `None` for magnetic types."""
    if volume_type == "gp2":
        return max(100, min(16000, 3 * size))
    return {"gp3": 3000, "io1": 100, "io2": 100}.get(volume_type)


class Volume:
    """One EBS volume; volumes are `available` as soon as they exist."""

    __slots__ = ("volume_id", "account", "region", "seq", "size", "availability_zone", "volume_type", "iops",
                 "throughput", "snapshot_id", "tags", "create_time", "status", "deleted")

    def __init__(self, volume_id, account, region, seq, now, size, availability_zone, volume_type, tags,
                 snapshot_id=None):
        self.volume_id = volume_id
        self.account = account
        self.region = region
        self.seq = seq
        self.size = size
        self.availability_zone = availability_zone
        self.volume_type = volume_type
        self.iops = default_iops(volume_type, size)
        self.throughput = 125 if volume_type == "gp3" else None
        self.snapshot_id = snapshot_id
        self.tags = tags
        self.create_time = now
        self.status = "available"
        self.deleted = False

    def state_view(self):
        """Returns the control API's JSON view of this volume."""
        return {
            "volume_id": self.volume_id,
            "account": self.account,
            "region": self.region,
            "size": self.size,
            "availability_zone": self.availability_zone,
            "volume_type": self.volume_type,
            "state": self.status,
            "tags": dict(self.tags),
        }


class OrderedIndex:
    """Resources of one kind in creation order, with deletions skipped and compacted away in bulk."""

    def __init__(self):
        self.items = []
        self.seqs = []
        self.deleted = 0

    def append(self, item):
        self.items.append(item)
        self.seqs.append(item.seq)

    def mark_deleted(self):
        self.deleted += 1
        if self.deleted > 1024 and self.deleted * 2 > len(self.items):
            self.items = [item for item in self.items if not item.deleted]
            self.seqs = [item.seq for item in self.items]
            self.deleted = 0

    def after(self, seq):
        """Yields live items created after `seq`, in creation order."""
        start = bisect.bisect_right(self.seqs, seq)
        for index in range(start, len(self.items)):
            item = self.items[index]
            if not item.deleted:
                yield item


class Scope:
    """Everything one account owns in one region, indexed for the lookups the EC2 actions make."""

    def __init__(self, account, region):
        self.account = account
        self.region = region
        self.volumes = {}
        self.volume_order = OrderedIndex()
        self.volume_tokens = {}
        self.snapshots = {}
        self.snapshot_order = OrderedIndex()
        self.snapshots_by_volume = {}
        self.snapshots_by_tag = {}

    def add_volume(self, volume):
        self.volumes[volume.volume_id] = volume
        self.volume_order.append(volume)

    def remove_volume(self, volume):
        del self.volumes[volume.volume_id]
        volume.deleted = True
        self.volume_order.mark_deleted()

    def add_snapshot(self, snapshot):
        self.snapshots[snapshot.snapshot_id] = snapshot
        self.snapshot_order.append(snapshot)
        self.snapshots_by_volume.setdefault(snapshot.volume_id, []).append(snapshot)
        for item in snapshot.tags.items():
            self.snapshots_by_tag.setdefault(item, set()).add(snapshot.snapshot_id)

    def remove_snapshot(self, snapshot):
        del self.snapshots[snapshot.snapshot_id]
        snapshot.deleted = True
        self.snapshot_order.mark_deleted()
        siblings = self.snapshots_by_volume.get(snapshot.volume_id, [])
        if snapshot in siblings:
            siblings.remove(snapshot)
        for item in snapshot.tags.items():
            self.snapshots_by_tag.get(item, set()).discard(snapshot.snapshot_id)

    def tag_snapshot(self, snapshot, key, value):
        old = snapshot.tags.get(key)
        if old is not None:
            self.snapshots_by_tag.get((key, old), set()).discard(snapshot.snapshot_id)
        snapshot.tags[key] = value
        snapshot.rendered = None
        self.snapshots_by_tag.setdefault((key, value), set()).add(snapshot.snapshot_id)

    def snapshots_tagged(self, key, value):
        ids = self.snapshots_by_tag.get((key, value), ())
        return [self.snapshots[snapshot_id] for snapshot_id in ids if snapshot_id in self.snapshots]


class World:
    """All scopes, plus global id maps: an id is unique across accounts and regions, as on AWS."""

    def __init__(self):
        self.scopes = {}
        self.volume_homes = {}
        self.snapshot_homes = {}
        self.last_snapshot_at = {}
        self.next_seq = 1

    def scope(self, account, region):
        key = (account, region)
        scope = self.scopes.get(key)
        if scope is None:
            scope = self.scopes[key] = Scope(account, region)
        return scope

    def take_seq(self):
        seq = self.next_seq
        self.next_seq += 1
        return seq
