"""The bytes the fault endpoint puts on the wire: EC2 and STS XML bodies, error envelopes and timestamps.

Everything here is a pure function of its arguments, so the shapes can be read in one place and checked against
botocore's models (`data/ec2/2016-11-15/service-2.json`, `data/sts/2011-06-15/service-2.json`).
"""

import email.utils
import time
from xml.sax.saxutils import escape

EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"
STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
XML_CONTENT_TYPE = "text/xml;charset=UTF-8"


class ApiError(Exception):
    """An AWS error answer: its code, message and HTTP status, rendered in the envelope of the service that failed."""

    def __init__(self, code, message, status=400):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def iso_time(timestamp):
    """Formats a POSIX time as EC2 does: `2016-01-01T12:00:00.000Z`."""
    seconds = int(timestamp)
    millis = int((timestamp - seconds) * 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def http_date(timestamp):
    """Formats a POSIX time as an HTTP `Date` header value (RFC 7231, always GMT)."""
    return email.utils.formatdate(timestamp, usegmt=True)


def text(value):
    """Escapes a value for use as XML character data; `None` becomes empty."""
    if value is None:
        return ""
    return escape(str(value))


def element(name, value):
    """Returns `<name>value</name>`, escaped."""
    return f"<{name}>{text(value)}</{name}>"


def tag_set(tags):
    """Renders a tag dictionary as EC2's `<tagSet><item><key/><value/></item></tagSet>`, or nothing when empty."""
    if not tags:
        return ""
    items = "".join(f"<item><key>{text(key)}</key><value>{text(value)}</value></item>" for key, value in tags.items())
    return f"<tagSet>{items}</tagSet>"


def ec2_document(action, request_id, body):
    """Wraps an action's result in `<ActionResponse>` with EC2's namespace and a `<requestId>`."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{EC2_NAMESPACE}">'
        f"<requestId>{request_id}</requestId>{body}</{action}Response>"
    ).encode()


def ec2_error_document(code, message, request_id):
    """Renders EC2's error envelope: `<Response><Errors><Error>…</Error></Errors><RequestID/></Response>`."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
        f"<Code>{text(code)}</Code><Message>{text(message)}</Message>"
        f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
    ).encode()


def sts_document(action, request_id, body):
    """Wraps an STS result in `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata/>`."""
    return (
        f'<{action}Response xmlns="{STS_NAMESPACE}"><{action}Result>{body}</{action}Result>'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></{action}Response>"
    ).encode()


def sts_error_document(code, message, request_id, status):
    """Renders STS's error envelope; the `Type` is `Receiver` for server faults and `Sender` for the caller's."""
    kind = "Receiver" if status >= 500 else "Sender"
    return (
        f'<ErrorResponse xmlns="{STS_NAMESPACE}"><Error><Type>{kind}</Type>'
        f"<Code>{text(code)}</Code><Message>{text(message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()


def snapshot_fields(snapshot):
    """Renders a snapshot's members in the order EC2 sends them, for `CreateSnapshot` and `snapshotSet` items.

    Polling loops describe the same snapshots over and over, so the XML is kept until the snapshot changes.
    """
    key = (snapshot.status, snapshot.progress)
    if snapshot.rendered is None or snapshot.rendered_key != key:
        snapshot.rendered = _render_snapshot(snapshot)
        snapshot.rendered_key = key
    return snapshot.rendered


def _render_snapshot(snapshot):
    parts = [
        element("snapshotId", snapshot.snapshot_id),
        element("volumeId", snapshot.volume_id),
        element("status", snapshot.status),
    ]
    if snapshot.status_message:
        parts.append(element("statusMessage", snapshot.status_message))
    parts += [
        element("startTime", iso_time(snapshot.start_time)),
        element("progress", snapshot.progress_text()),
        element("ownerId", snapshot.account),
        element("volumeSize", snapshot.volume_size),
        element("description", snapshot.description),
        "<encrypted>false</encrypted>",
        "<storageTier>standard</storageTier>",
        tag_set(snapshot.tags),
    ]
    if snapshot.completion_time is not None:
        parts.append(element("completionTime", iso_time(snapshot.completion_time)))
    return "".join(parts)


def volume_fields(volume, status=None):
    """Renders a volume's members; `status` overrides the stored one (CreateVolume answers `creating`)."""
    parts = [
        element("volumeId", volume.volume_id),
        element("size", volume.size),
        element("snapshotId", volume.snapshot_id or ""),
        element("availabilityZone", volume.availability_zone),
        element("status", status or volume.status),
        element("createTime", iso_time(volume.create_time)),
        "<attachmentSet/>",
        tag_set(volume.tags),
        element("volumeType", volume.volume_type),
    ]
    if volume.iops is not None:
        parts.append(element("iops", volume.iops))
    parts.append("<encrypted>false</encrypted>")
    parts.append("<multiAttachEnabled>false</multiAttachEnabled>")
    if volume.throughput is not None:
        parts.append(element("throughput", volume.throughput))
    return "".join(parts)
