#!/usr/bin/env python3
"""An independent signing oracle: botocore's own SigV4Auth and EC2 serializer, one JSON line in, one out.

snapstep's oracle test (Tests/SnapstepOracleTests) feeds it the requests snapstep built and signed, and compares
snapstep's canonical request, string to sign and signature with what botocore computes for the same request, time
and keys. No snapstep code is trusted here: the request is signed by `botocore.auth.SigV4Auth.add_auth`, the same
call botocore makes before sending, on an `AWSRequest` holding the exact body bytes snapstep sends.

Input, one JSON object a line:

    id              any value, echoed back
    method, url     the request line, as sent
    headers         [[name, value], ...] as sent before signing (Host, Content-Type)
    body            the body as sent, a string (snapstep's bodies are percent-encoded ASCII)
    region, service the credential scope
    access_key, secret_key, session_token (null for long-term keys)
    amz_date        the signing instant, yyyymmddThhmmssZ
    operation       optional: an EC2 operation name, such as CreateSnapshot
    params          optional: its parameters in botocore's shape, such as {"VolumeId": "vol-1", "Tags": [...]}

Output, one JSON object a line, in input order:

    id, canonical_request, string_to_sign, signature, authorization,
    headers         [[name, value], ...] after add_auth, in botocore's order
    amz_date        the X-Amz-Date botocore set (proves the fixed time took effect)
    host_from_url   the Host value botocore derives from the URL when no Host header is given
    reencoded_body  the case's body decoded into pairs and encoded again as botocore encodes a query body, pairs
                    kept in the body's order: equal to the body when snapstep encodes exactly as botocore does
    serializer_pairs    [[name, value], ...] from botocore's EC2 serializer, parameters in the model's member order
    serializer_body     the form body botocore would send for those pairs (its urlencode)
    serializer_content_type

A case that raises gets {"id": ..., "error": "..."} instead, so one bad case never hides the others.
"""

import datetime
import json
import sys
import traceback
import urllib.parse
from unittest import mock

import botocore.auth
import botocore.session
from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer


class RecordingSigV4Auth(SigV4Auth):
    """SigV4Auth that keeps the intermediate values add_auth computes, unchanged.

    Calling canonical_request() after add_auth would see the Authorization header add_auth just set (botocore
    does not exclude it from the signed headers), so the values are captured on the way through instead.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recorded = {}

    def canonical_request(self, request):
        value = super().canonical_request(request)
        self.recorded["canonical_request"] = value
        return value

    def string_to_sign(self, request, canonical_request):
        value = super().string_to_sign(request, canonical_request)
        self.recorded["string_to_sign"] = value
        return value

    def signature(self, string_to_sign, request):
        value = super().signature(string_to_sign, request)
        self.recorded["signature"] = value
        return value


class FixedClock:
    """Stands in for botocore.compat.get_current_datetime, which add_auth calls in this botocore version."""

    def __init__(self):
        self.now = None

    def __call__(self, remove_tzinfo=True):
        if remove_tzinfo:
            return self.now
        return self.now.replace(tzinfo=datetime.timezone.utc)


def model_ordered(value, shape):
    """Returns `value` with every structure's keys in the order the service model lists the members."""
    if shape.type_name == "structure" and isinstance(value, dict):
        members = shape.members
        unknown = [key for key in value if key not in members]
        if unknown:
            raise ValueError(f"{shape.name} has no member {unknown[0]!r}")
        return {name: model_ordered(value[name], members[name]) for name in members if name in value}
    if shape.type_name == "list" and isinstance(value, list):
        return [model_ordered(element, shape.member) for element in value]
    return value


def form_body(pairs):
    """Encodes name-value pairs as botocore encodes a query body on the way out.

    The query serializer leaves the body a dict; AWSRequest's preparer is what turns it into bytes (urlencode, a
    space as `+`), so it is asked to do exactly that, with the pairs in the order given.
    """
    prepared = AWSRequest(method="POST", url="https://example.invalid/", data=dict(pairs)).body
    return prepared.decode("ascii") if prepared else ""


class Oracle:
    def __init__(self):
        self.clock = FixedClock()
        session = botocore.session.get_session()
        self.ec2_model = session.get_service_model("ec2")
        self.serializer = create_serializer(self.ec2_model.metadata["protocol"], include_validation=False)

    def answer(self, case):
        result = {"id": case.get("id")}
        result.update(self.sign(case))
        if case.get("operation"):
            result.update(self.serialize(case["operation"], case.get("params") or {}))
        return result

    def sign(self, case):
        # Botocore's own time source is replaced, not the request's context: add_auth overwrites
        # context['timestamp'] with get_current_datetime() before it signs.
        self.clock.now = datetime.datetime.strptime(case["amz_date"], SIGV4_TIMESTAMP)
        credentials = Credentials(case["access_key"], case["secret_key"], case.get("session_token"))
        auth = RecordingSigV4Auth(credentials, case["service"], case["region"])

        # Headers are added one by one so a repeated name stays repeated; the body is bytes, so AWSRequest
        # sends (and signs) them as they are instead of form-encoding a dict itself.
        request = AWSRequest(method=case["method"], url=case["url"], data=case["body"].encode("utf-8"))
        for name, value in case["headers"]:
            request.headers[name] = value
        auth.add_auth(request)

        return {
            "canonical_request": auth.recorded["canonical_request"],
            "string_to_sign": auth.recorded["string_to_sign"],
            "signature": auth.recorded["signature"],
            "authorization": request.headers["Authorization"],
            "headers": [[name, value] for name, value in request.headers.items()],
            "amz_date": request.context["timestamp"],
            "host_from_url": botocore.auth._host_from_url(case["url"]),
            "reencoded_body": form_body(urllib.parse.parse_qsl(case["body"], keep_blank_values=True)),
        }

    def serialize(self, operation, params):
        operation_model = self.ec2_model.operation_model(operation)
        ordered = model_ordered(params, operation_model.input_shape)
        serialized = self.serializer.serialize_to_request(ordered, operation_model)

        body_dict = serialized["body"]
        return {
            "serializer_pairs": [[name, str(value)] for name, value in body_dict.items()],
            "serializer_body": form_body(body_dict.items()),
            "serializer_content_type": serialized["headers"].get("Content-Type"),
        }


def main():
    sys.stdout.reconfigure(encoding="utf-8", newline="\n")
    oracle = Oracle()
    with mock.patch.object(botocore.auth, "get_current_datetime", oracle.clock):
        for line in sys.stdin.buffer:
            if not line.strip():
                continue
            case = None
            try:
                case = json.loads(line)
                result = oracle.answer(case)
            except Exception as error:  # noqa: BLE001 - reported per case, never fatal
                case_id = case.get("id") if isinstance(case, dict) else None
                detail = "".join(traceback.format_exception_only(type(error), error)).strip()
                result = {"id": case_id, "error": detail}
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
