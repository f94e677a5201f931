"""The EC2 Query API actions the fault endpoint serves, with AWS's validation and error codes.

Each action takes a `Call` (the parsed form, the caller's scope, the clock) and returns the XML that goes inside
`<ActionResponse>`, or raises `ApiError`. Parameter names are checked as AWS checks them, so a misspelt list member
(`SnapshotIds.1`) fails with `UnknownParameter` here although moto would ignore it.
"""

import base64
import binascii
import fnmatch
import itertools
import re

from ec2_model import Snapshot
from wire import ApiError, snapshot_fields, volume_fields

_TAGS = r"TagSpecification\.\d+\.(?:ResourceType|Tag\.\d+\.(?:Key|Value))"
_FILTERS = r"Filter\.\d+\.(?:Name|Value\.\d+)"
_ALLOWED = {
    "CreateVolume": r"AvailabilityZone|AvailabilityZoneId|Size|SnapshotId|VolumeType|Iops|Throughput|Encrypted|"
                    r"KmsKeyId|OutpostArn|MultiAttachEnabled|ClientToken|VolumeInitializationRate|Operator\..+|"
                    + _TAGS,
    "DescribeVolumes": r"VolumeId\.\d+|MaxResults|NextToken|IncludeManagedResources|" + _FILTERS,
    "CreateSnapshot": r"VolumeId|Description|OutpostArn|Location|" + _TAGS,
    "DescribeSnapshots": r"SnapshotId\.\d+|Owner\.\d+|RestorableBy\.\d+|MaxResults|NextToken|" + _FILTERS,
    "DeleteSnapshot": r"SnapshotId",
    "DeleteVolume": r"VolumeId",
    "CreateTags": r"ResourceId\.\d+|Tag\.\d+\.(?:Key|Value)",
}
ALLOWED_PARAMETERS = {action: re.compile(rf"(?:Action|Version|DryRun|{pattern})\Z") for action, pattern in
                      _ALLOWED.items()}
VOLUME_TYPES = {"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"}
SNAPSHOT_FILTERS = {"snapshot-id", "volume-id", "status", "owner-id", "owner-alias", "description", "progress",
                    "volume-size", "encrypted", "tag-key", "start-time", "storage-tier"}
VOLUME_FILTERS = {"volume-id", "status", "size", "volume-type", "availability-zone", "tag-key", "encrypted",
                  "snapshot-id", "create-time"}


class Call:
    """One EC2 request as the actions see it: parameters, caller, scope, clock, and an answer-shaping fault."""

    __slots__ = ("params", "account", "region", "scope", "now", "fault", "rule")

    def __init__(self, params, account, region, scope, now, fault):
        self.params = params
        self.account = account
        self.region = region
        self.scope = scope
        self.now = now
        self.fault = fault
        self.rule = None


class Filter:
    """One `Filter.N` with its values; `*` and `?` are wildcards, as on AWS."""

    __slots__ = ("name", "exact", "patterns")

    def __init__(self, name, values):
        self.name = name
        self.exact = {value for value in values if "*" not in value and "?" not in value}
        self.patterns = [re.compile(fnmatch.translate(value)) for value in values if value not in self.exact]

    def matches(self, value):
        if value is None:
            return False
        value = str(value)
        return value in self.exact or any(pattern.match(value) for pattern in self.patterns)

    @property
    def is_exact(self):
        return not self.patterns


class EC2Api:
    """The EC2 actions over a shared `World`; `core` supplies settings, id generation and snapshot behaviours."""

    def __init__(self, core):
        self.core = core
        self.actions = {
            "CreateVolume": self.create_volume,
            "DescribeVolumes": self.describe_volumes,
            "DeleteVolume": self.delete_volume,
            "CreateSnapshot": self.create_snapshot,
            "DescribeSnapshots": self.describe_snapshots,
            "DeleteSnapshot": self.delete_snapshot,
            "CreateTags": self.create_tags,
        }

    def handle(self, action, call):
        """Validates the parameter names, runs the action and returns its result XML."""
        handler = self.actions.get(action)
        if handler is None:
            raise ApiError("InvalidAction", f"The action {action} is not valid for this web service.")
        allowed = ALLOWED_PARAMETERS[action]
        for key in call.params:
            if not allowed.match(key):
                raise ApiError("UnknownParameter", f"The parameter {key} is not recognized")
        return handler(call)

    # MARK: - Volumes

    def create_volume(self, call):
        params = call.params
        zone = params.get("AvailabilityZone") or params.get("AvailabilityZoneId")
        if not zone:
            raise _missing("AvailabilityZone")
        if not re.fullmatch(re.escape(call.region) + r"[a-z]", zone):
            raise ApiError("InvalidZone.NotFound", f"The zone '{zone}' does not exist.")
        volume_type = params.get("VolumeType", "gp2")
        if volume_type not in VOLUME_TYPES:
            raise ApiError("InvalidParameterValue", f"Value ({volume_type}) for parameter volumeType is invalid.")
        size = _integer(params, "Size", 1, 65536) if "Size" in params else None
        if size is None and "SnapshotId" not in params:
            raise _missing("Size")
        tags = tag_specifications(params, "volume")
        token = params.get("ClientToken")
        if token and token in call.scope.volume_tokens:
            return volume_fields(call.scope.volume_tokens[token])
        _check_dry_run(call)

        volume = self.core.new_volume(call.scope, call.now, size or 8, zone, volume_type, tags,
                                      snapshot_id=params.get("SnapshotId"))
        if token:
            call.scope.volume_tokens[token] = volume
        return volume_fields(volume, status="creating")

    def describe_volumes(self, call):
        params = call.params
        ids = numbered(params, "VolumeId")
        filters = parse_filters(params, VOLUME_FILTERS)
        max_results = _integer(params, "MaxResults", 5, 500, clamp=True) if "MaxResults" in params else None
        if ids and (max_results is not None or "NextToken" in params):
            raise ApiError("InvalidParameterCombination",
                           "The parameter volumesSet cannot be used with the parameter maxResults")
        _check_dry_run(call)

        scope = call.scope

        def accept(volume):
            return all(any(f.matches(v) for v in _volume_values(volume, f.name)) for f in filters)

        if ids:
            for volume_id in ids:
                _check_id(volume_id, "vol", "InvalidVolumeID.Malformed")
            missing = [volume_id for volume_id in _unique(ids) if volume_id not in scope.volumes]
            if missing:
                raise ApiError("InvalidVolume.NotFound", f"The volume '{', '.join(missing)}' does not exist.")
            volumes = [scope.volumes[volume_id] for volume_id in _unique(ids)]
            items = "".join(f"<item>{volume_fields(v)}</item>" for v in volumes if accept(v))
            return f"<volumeSet>{items}</volumeSet>"

        after = decode_token(params.get("NextToken"), "vol")
        if call.fault is not None and call.fault.kind == "empty_page":
            return f"<volumeSet/><nextToken>{encode_token('vol', after)}</nextToken>"
        candidates = self._volume_candidates(scope, filters, after)
        page, cursor, more = take_page(candidates, max_results, accept)
        body = "".join(f"<item>{volume_fields(v)}</item>" for v in page)
        token = f"<nextToken>{encode_token('vol', cursor)}</nextToken>" if more else ""
        return f"<volumeSet>{body}</volumeSet>{token}"

    def delete_volume(self, call):
        volume_id = _required(call.params, "VolumeId")
        _check_id(volume_id, "vol", "InvalidVolumeID.Malformed")
        volume = call.scope.volumes.get(volume_id)
        if volume is None:
            raise ApiError("InvalidVolume.NotFound", f"The volume '{volume_id}' does not exist.")
        _check_dry_run(call)

        call.scope.remove_volume(volume)
        self.core.world.volume_homes.pop(volume_id, None)
        return "<return>true</return>"

    # MARK: - Snapshots

    def create_snapshot(self, call):
        params = call.params
        volume_id = _required(params, "VolumeId")
        _check_id(volume_id, "vol", "InvalidVolumeID.Malformed")
        description = params.get("Description", "")
        if len(description) > 255:
            raise ApiError("InvalidParameterValue", "The description may be at most 255 characters long.")
        tags = tag_specifications(params, "snapshot")
        volume = call.scope.volumes.get(volume_id)
        if volume is None:
            raise ApiError("InvalidVolume.NotFound", f"The volume '{volume_id}' does not exist.")
        self._check_volume_limits(call, volume_id)
        _check_dry_run(call)

        snapshot = self.core.new_snapshot(call.scope, volume, call.now, description, tags)
        return snapshot_fields(snapshot)

    def describe_snapshots(self, call):
        params = call.params
        ids = numbered(params, "SnapshotId")
        owners = numbered(params, "Owner")
        filters = parse_filters(params, SNAPSHOT_FILTERS)
        max_results = _integer(params, "MaxResults", 5, 1000, clamp=True) if "MaxResults" in params else None
        if ids and (max_results is not None or "NextToken" in params):
            raise ApiError("InvalidParameterCombination",
                           "The parameter snapshotSet cannot be used with the parameter maxResults")
        _check_dry_run(call)

        if ids:
            return self._describe_snapshots_by_id(call, ids, filters)
        after = decode_token(params.get("NextToken"), "snap")
        if call.fault is not None and call.fault.kind == "empty_page":
            return f"<snapshotSet/><nextToken>{encode_token('snap', after)}</nextToken>"
        if owners and not any(owner in ("self", call.account) for owner in owners):
            return "<snapshotSet/>"

        now = call.now
        status_filters = [f for f in filters if f.name == "status"]
        other_filters = [f for f in filters if f.name != "status"]

        def accept(snapshot):
            snapshot.refresh(now)
            if not all(f.matches(_snapshot_value(snapshot, f)) for f in other_filters):
                return False
            if snapshot.invisible_left > 0:
                snapshot.invisible_left -= 1
                return False
            snapshot.poll(now)
            return all(f.matches(snapshot.status) for f in status_filters)

        candidates = self._snapshot_candidates(call.scope, other_filters, after)
        page, cursor, more = take_page(candidates, max_results, accept)
        body = "".join(f"<item>{snapshot_fields(s)}</item>" for s in page)
        token = f"<nextToken>{encode_token('snap', cursor)}</nextToken>" if more else ""
        return f"<snapshotSet>{body}</snapshotSet>{token}"

    def delete_snapshot(self, call):
        snapshot_id = _required(call.params, "SnapshotId")
        _check_id(snapshot_id, "snap", "InvalidSnapshotID.Malformed")
        snapshot = call.scope.snapshots.get(snapshot_id)
        if snapshot is None:
            raise ApiError("InvalidSnapshot.NotFound", f"The snapshot '{snapshot_id}' does not exist.")
        _check_dry_run(call)

        call.scope.remove_snapshot(snapshot)
        self.core.world.snapshot_homes.pop(snapshot_id, None)
        return "<return>true</return>"

    def create_tags(self, call):
        resources = numbered(call.params, "ResourceId")
        if not resources:
            raise _missing("ResourceId")
        tags = numbered_tags(call.params, "Tag")
        if not tags:
            raise _missing("Tag")
        scope = call.scope
        targets = []
        for resource_id in resources:
            if resource_id.startswith("snap-"):
                target = scope.snapshots.get(resource_id)
                kind = "snapshot"
            elif resource_id.startswith("vol-"):
                target = scope.volumes.get(resource_id)
                kind = "volume"
            else:
                raise ApiError("InvalidID", f'The ID "{resource_id}" is not valid')
            if target is None:
                code = "InvalidSnapshot.NotFound" if kind == "snapshot" else "InvalidVolume.NotFound"
                raise ApiError(code, f"The {kind} '{resource_id}' does not exist.")
            if len(set(target.tags) | set(tags)) > 50:
                raise ApiError("TagLimitExceeded", f"The maximum number of tags for {resource_id} is 50.")
            targets.append(target)
        _check_dry_run(call)

        for target in targets:
            for key, value in tags.items():
                if isinstance(target, Snapshot):
                    scope.tag_snapshot(target, key, value)
                else:
                    target.tags[key] = value
        return "<return>true</return>"

    # MARK: - Helpers

    def _check_volume_limits(self, call, volume_id):
        settings = self.core.settings
        interval = settings.per_volume_interval * settings.time_scale
        last = self.core.world.last_snapshot_at.get(volume_id)
        if interval > 0 and last is not None and call.now - last < interval:
            call.rule = "rule:per_volume_interval"
            raise ApiError("SnapshotCreationPerVolumeRateExceeded",
                           "The maximum per volume CreateSnapshot request rate has been exceeded. "
                           "Use an increasing or variable sleep interval between requests.")
        limit = settings.max_pending_per_volume
        if limit:
            pending = 0
            for snapshot in call.scope.snapshots_by_volume.get(volume_id, ()):
                snapshot.refresh(call.now)
                pending += snapshot.status == "pending"
            if pending >= limit:
                call.rule = "rule:max_pending_per_volume"
                raise ApiError("ConcurrentSnapshotLimitExceeded",
                               "Maximum allowed in-progress snapshots for a single volume exceeded.")

    def _describe_snapshots_by_id(self, call, ids, filters):
        scope = call.scope
        for snapshot_id in ids:
            _check_id(snapshot_id, "snap", "InvalidSnapshotID.Malformed")
        # Every named snapshot still hidden by eventual consistency uses up one of its invisible polls, and the
        # whole call fails, as it does on AWS when any one id is unknown.
        missing = []
        found = []
        for snapshot_id in _unique(ids):
            snapshot = scope.snapshots.get(snapshot_id)
            if snapshot is None:
                missing.append(snapshot_id)
            elif snapshot.invisible_left > 0:
                snapshot.invisible_left -= 1
                missing.append(snapshot_id)
            else:
                found.append(snapshot)
        if missing:
            raise ApiError("InvalidSnapshot.NotFound", f"The snapshot '{', '.join(missing)}' does not exist.")

        items = []
        for snapshot in found:
            snapshot.poll(call.now)
            if all(f.matches(_snapshot_value(snapshot, f)) for f in filters):
                items.append(f"<item>{snapshot_fields(snapshot)}</item>")
        return "<snapshotSet>" + "".join(items) + "</snapshotSet>"

    def _snapshot_candidates(self, scope, filters, after):
        # Narrow through the cheapest exact index before filtering one by one; fall back to creation order.
        for f in filters:
            if not f.is_exact:
                continue
            if f.name == "snapshot-id":
                found = [scope.snapshots[i] for i in f.exact if i in scope.snapshots]
            elif f.name == "volume-id":
                found = [s for volume_id in f.exact for s in scope.snapshots_by_volume.get(volume_id, ())]
            elif f.name.startswith("tag:"):
                key = f.name[4:]
                found = [s for value in f.exact for s in scope.snapshots_tagged(key, value)]
            else:
                continue
            return sorted((s for s in _unique(found) if s.seq > after), key=lambda s: s.seq)
        return scope.snapshot_order.after(after)

    def _volume_candidates(self, scope, filters, after):
        for f in filters:
            if f.name == "volume-id" and f.is_exact:
                found = [scope.volumes[i] for i in f.exact if i in scope.volumes]
                return sorted((v for v in found if v.seq > after), key=lambda v: v.seq)
        return scope.volume_order.after(after)


# MARK: - Parameters


def numbered(params, prefix):
    """Returns the values of `Prefix.1`, `Prefix.2`, … in index order."""
    head = prefix + "."
    items = []
    for key, value in params.items():
        if key.startswith(head):
            index = key[len(head):]
            if index.isdigit():
                items.append((int(index), value))
    items.sort()
    return [value for _, value in items]


def numbered_tags(params, prefix):
    """Returns `Prefix.N.Key` / `Prefix.N.Value` pairs as a dictionary, checking AWS's tag rules."""
    keys = {}
    values = {}
    head = prefix + "."
    for name, value in params.items():
        if not name.startswith(head):
            continue
        index, _, member = name[len(head):].partition(".")
        if member == "Key":
            keys[index] = value
        elif member == "Value":
            values[index] = value
    tags = {}
    for index in sorted(keys, key=lambda text: int(text) if text.isdigit() else 0):
        key = keys[index]
        value = values.get(index, "")
        if not key or len(key) > 128:
            raise ApiError("InvalidParameterValue", f"Tag key '{key}' must be 1 to 128 characters long.")
        if key.lower().startswith("aws:"):
            raise ApiError("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use")
        if len(value) > 256:
            raise ApiError("InvalidParameterValue", f"Tag value for '{key}' must be at most 256 characters long.")
        tags[key] = value
    if len(tags) > 50:
        raise ApiError("TagLimitExceeded", "A resource may have at most 50 tags.")
    return tags


def tag_specifications(params, resource_type):
    """Returns the tags of `TagSpecification.N` entries, which must all be for `resource_type`."""
    tags = {}
    for index in sorted({key.split(".")[1] for key in params if key.startswith("TagSpecification.")}, key=int):
        head = f"TagSpecification.{index}"
        kind = params.get(head + ".ResourceType")
        if kind is None:
            raise _missing(head + ".ResourceType")
        if kind != resource_type:
            raise ApiError("InvalidParameterValue",
                           f"'{kind}' is not a valid taggable resource type for this operation.")
        tags.update(numbered_tags(params, head + ".Tag"))
    return tags


def parse_filters(params, known):
    """Returns the `Filter.N` entries, rejecting names EC2 does not know for this action."""
    names = {}
    values = {}
    for key, value in params.items():
        if not key.startswith("Filter."):
            continue
        parts = key.split(".")
        if len(parts) == 3 and parts[2] == "Name":
            names[parts[1]] = value
        elif len(parts) == 4 and parts[2] == "Value":
            values.setdefault(parts[1], []).append((int(parts[3]), value))
    filters = []
    for index, name in names.items():
        if name not in known and not name.startswith("tag:"):
            raise ApiError("InvalidParameterValue", f"The filter '{name}' is invalid")
        filters.append(Filter(name, [value for _, value in sorted(values.get(index, []))]))
    return filters


def take_page(candidates, max_results, accept):
    """Fills one page from candidates in creation order.

    Returns the accepted items, the sequence number of the last candidate looked at (the next page starts after
    it), and whether candidates remain. Like AWS, the last page can come back empty with no token after a full one.
    """
    page = []
    cursor = 0
    for item in candidates:
        if max_results is not None and len(page) >= max_results:
            return page, cursor, True
        cursor = item.seq
        if accept(item):
            page.append(item)
    return page, cursor, False


_token_serial = itertools.count(1)


def encode_token(kind, seq):
    """Returns an opaque `NextToken` continuing after `seq`; tokens never repeat, as boto3's paginator demands."""
    return base64.urlsafe_b64encode(f"fault-endpoint:{kind}:{seq}:{next(_token_serial)}".encode()).decode()


def decode_token(token, kind):
    """Returns the sequence number a `NextToken` continues after; 0 without a token."""
    if not token:
        return 0
    try:
        prefix, token_kind, seq, _ = base64.urlsafe_b64decode(token.encode()).decode().split(":")
        if prefix == "fault-endpoint" and token_kind == kind:
            return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        pass
    raise ApiError("InvalidPaginationToken", f"The pagination token '{token}' is not valid.")


def _snapshot_value(snapshot, f):
    name = f.name
    if name.startswith("tag:"):
        return snapshot.tags.get(name[4:])
    if name == "tag-key":
        return next((key for key in snapshot.tags if f.matches(key)), None)
    return {
        "snapshot-id": snapshot.snapshot_id,
        "volume-id": snapshot.volume_id,
        "status": snapshot.status,
        "owner-id": snapshot.account,
        "owner-alias": None,
        "description": snapshot.description,
        "progress": snapshot.progress_text(),
        "volume-size": snapshot.volume_size,
        "encrypted": "false",
        "storage-tier": "standard",
    }.get(name)


def _volume_values(volume, name):
    if name.startswith("tag:"):
        return [volume.tags.get(name[4:])]
    if name == "tag-key":
        return list(volume.tags)
    return [{
        "volume-id": volume.volume_id,
        "status": volume.status,
        "size": volume.size,
        "volume-type": volume.volume_type,
        "availability-zone": volume.availability_zone,
        "encrypted": "false",
        "snapshot-id": volume.snapshot_id,
    }.get(name)]


def _unique(items):
    seen = set()
    result = []
    for item in items:
        key = id(item) if not isinstance(item, str) else item
        if key not in seen:
            seen.add(key)
            result.append(item)
    return result


def _required(params, name):
    value = params.get(name)
    if not value:
        raise _missing(name)
    return value


def _missing(name):
    return ApiError("MissingParameter", f"The request must contain the parameter {name}")


def _integer(params, name, low, high, clamp=False):
    """Reads an integer parameter in [low, high]; with `clamp`, a larger value means `high`, as EC2's MaxResults does
    (the AWS CLI sends `MaxResults=1000` to DescribeVolumes, whose pages hold at most 500)."""
    text = params[name]
    try:
        value = int(text)
    except ValueError:
        raise ApiError("InvalidParameterValue", f"Value ({text}) for parameter {name} is invalid.") from None
    if clamp and value > high:
        return high
    if not low <= value <= high:
        raise ApiError("InvalidParameterValue",
                       f"Value ({value}) for parameter {name} is invalid. Expecting a value between {low} and {high}.")
    return value


def _check_id(value, prefix, code):
    if not re.fullmatch(prefix + r"-[0-9a-f]{8}(?:[0-9a-f]{9})?", value):
        raise ApiError(code, f'Invalid id: "{value}" (expecting "{prefix}-...")')


def _check_dry_run(call):
    if call.params.get("DryRun") == "true":
        raise ApiError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
