"""The fault endpoint's brain, free of HTTP: settings from scripts, the request pipeline, and the control operations.

One lock guards all state. A request takes it once to be authenticated, to draw its fault, to run its action and to
be recorded; sleeping (the `delay` fault) and socket work happen outside it.
"""

import calendar
import functools
import random
import re
import threading
import time
import uuid

import faults as faults_module
from ec2_api import Call, EC2Api
from ec2_model import DEFAULT_ACCOUNT, DEFAULT_REGION, Snapshot, Volume, World, parse_behaviour
from sts_api import Identities, STSApi
from wire import ApiError, ec2_document, ec2_error_document, sts_document, sts_error_document

STS_ACTIONS = {"GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity"}
UNSIGNED_ACTIONS = {"AssumeRoleWithWebIdentity"}
CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request")
SCRIPT_KEYS = {"snapshot_behaviour", "snapshot_behaviours", "faults", "random_faults", "buckets",
               "per_volume_interval", "max_pending_per_volume", "time_scale", "accounts", "clock_offset",
               "skew_tolerance"}
DEFAULT_BEHAVIOUR = {"complete_after_seconds": 0}


class Answer:
    """How to answer one API request: a status and body, possibly late, or a closed connection instead."""

    __slots__ = ("status", "body", "request_id", "date_offset", "delay", "close", "deferred", "label", "error_code")

    def __init__(self, status=200, body=b"", request_id=None, date_offset=0.0):
        self.status = status
        self.body = body
        self.request_id = request_id
        self.date_offset = date_offset
        self.delay = 0.0
        self.close = None
        self.deferred = None
        self.label = None
        self.error_code = None


class Settings:
    """The scriptable knobs that are not faults, with their defaults."""

    def __init__(self):
        self.time_scale = 1.0
        self.per_volume_interval = 0.0
        self.max_pending_per_volume = None
        self.default_behaviour = dict(DEFAULT_BEHAVIOUR)
        self.behaviours = []
        self.clock_offset = 0.0
        self.skew_tolerance = 900.0

    def view(self):
        return {
            "time_scale": self.time_scale,
            "per_volume_interval": self.per_volume_interval,
            "max_pending_per_volume": self.max_pending_per_volume,
            "snapshot_behaviour": self.default_behaviour,
            "snapshot_behaviours": self.behaviours,
            "clock_offset": self.clock_offset,
            "skew_tolerance": self.skew_tolerance,
        }


class Core:
    """State, scripts and the request pipeline of one fault endpoint."""

    def __init__(self, seed=0):
        self.seed = seed
        self.lock = threading.Lock()
        self.reset()

    # MARK: - Control operations

    def reset(self, seed=None):
        """Wipes all state and scripts; with `seed`, the generators start again from it."""
        if seed is not None:
            self.seed = seed
        self.world = World()
        self.settings = Settings()
        self.plan = faults_module.FaultPlan()
        self.buckets = None
        self.requests = []
        self.rng_ids = random.Random(f"{self.seed}:ids")
        self.rng_behaviour = random.Random(f"{self.seed}:behaviour")
        self.rng_faults = random.Random(f"{self.seed}:faults")
        self.identities = Identities(random.Random(f"{self.seed}:keys"))
        self.ec2 = EC2Api(self)
        self.sts = STSApi(self.identities)

    def merge_script(self, spec):
        """Validates a whole script first, then merges it; raises `ValueError` naming the first problem."""
        if not isinstance(spec, dict):
            raise ValueError("a script is a JSON object")
        unknown = set(spec) - SCRIPT_KEYS
        if unknown:
            raise ValueError(f"unknown script keys: {sorted(unknown)}; known: {sorted(SCRIPT_KEYS)}")
        staged = {}
        if "snapshot_behaviour" in spec:
            value = spec["snapshot_behaviour"]
            if isinstance(value, list):
                staged["behaviours"] = [parse_behaviour(item) for item in value]
            else:
                staged["default_behaviour"] = parse_behaviour(value)
        if "snapshot_behaviours" in spec:
            if not isinstance(spec["snapshot_behaviours"], list):
                raise ValueError("snapshot_behaviours is a list")
            staged["behaviours"] = staged.get("behaviours", []) + [parse_behaviour(item) for item in
                                                                   spec["snapshot_behaviours"]]
        if "faults" in spec:
            if not isinstance(spec["faults"], list):
                raise ValueError("faults is a list")
            staged["faults"] = [faults_module.FaultEntry(item) for item in spec["faults"]]
        if "random_faults" in spec:
            value = spec["random_faults"]
            staged["random_faults"] = None if value is None else faults_module.RandomFaults(value, self.rng_faults)
        if "buckets" in spec:
            staged["buckets"] = None if spec["buckets"] is None else faults_module.TokenBuckets(spec["buckets"])
        for key in ("per_volume_interval", "clock_offset", "skew_tolerance", "time_scale"):
            if key in spec:
                staged[key] = _number(spec, key, positive=key == "time_scale", signed=key == "clock_offset")
        if "max_pending_per_volume" in spec:
            value = spec["max_pending_per_volume"]
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ValueError(f"max_pending_per_volume is a whole number >= 1 or null, not {value!r}")
            staged["max_pending_per_volume"] = value
        if "accounts" in spec:
            value = spec["accounts"]
            if not isinstance(value, dict) or not all(re.fullmatch(r"\d{12}", str(v)) for v in value.values()):
                raise ValueError('accounts maps access key ids to 12-digit accounts: {"AKID": "111122223333"}')
            staged["accounts"] = value

        with self.lock:
            self._apply_script(staged)

    def script_view(self):
        with self.lock:
            view = self.settings.view()
            view["faults"] = self.plan.pending_view()
            view["random_faults"] = self.plan.random.spec if self.plan.random else None
            view["buckets"] = self.buckets.spec if self.buckets else None
            view["accounts"] = dict(self.identities.accounts)
            return view

    def requests_view(self, since=0, action=None):
        with self.lock:
            selected = self.requests[since:]
            total = len(self.requests)
        if action:
            selected = [record for record in selected if record["action"] == action]
        return {"requests": selected, "next": total}

    def state_view(self, account=None, region=None):
        with self.lock:
            now = self.now()
            volumes = []
            snapshots = []
            for (scope_account, scope_region), scope in sorted(self.world.scopes.items()):
                if account not in (None, scope_account) or region not in (None, scope_region):
                    continue
                volumes += [volume.state_view() for volume in scope.volume_order.after(0)]
                for snapshot in scope.snapshot_order.after(0):
                    snapshot.refresh(now)
                    snapshots.append(snapshot.state_view())
            return {"volumes": volumes, "snapshots": snapshots}

    def create_volumes(self, spec):
        """Creates `count` volumes at once for benchmarks; returns their ids."""
        if not isinstance(spec, dict):
            raise ValueError("the body is a JSON object")
        count = spec.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1_000_000:
            raise ValueError(f"count is a whole number from 1 to 1000000, not {count!r}")
        region = spec.get("region", DEFAULT_REGION)
        account = str(spec.get("account", DEFAULT_ACCOUNT))
        if not re.fullmatch(r"\d{12}", account):
            raise ValueError(f"account is 12 digits, not {account!r}")
        zone = spec.get("availability_zone", region + "a")
        tags = spec.get("tags", {})
        if not isinstance(tags, dict):
            raise ValueError("tags is an object of strings")
        with self.lock:
            scope = self.world.scope(account, region)
            now = self.now()
            return [self.new_volume(scope, now, int(spec.get("size", 8)), zone, spec.get("volume_type", "gp3"),
                                    dict(tags)).volume_id for _ in range(count)]

    # MARK: - API requests

    def handle_api(self, method, path, headers, params):
        """Answers one EC2 or STS request and records it; the caller performs any delay or drop the answer asks."""
        action = params.get("Action", "")
        credential = _credential(headers.get("Authorization") or params.get("X-Amz-Credential", ""))
        access_key, region, service = credential or ("", DEFAULT_REGION, "")
        is_sts = service == "sts" or action in STS_ACTIONS
        record = {
            "time": time.time(),
            "method": method,
            "path": path,
            "service": "sts" if is_sts else "ec2",
            "action": action,
            "params": params,
            "account": None,
            "region": region,
            "access_key_id": access_key or None,
            "request_id": str(uuid.uuid4()),
            "status": None,
            "fault": None,
            "error_code": None,
        }
        with self.lock:
            record["seq"] = len(self.requests)
            self.requests.append(record)
            answer = self._answer(action, headers, params, credential, is_sts, record)
            self._finish_record(record, answer)
        return answer

    def run_deferred(self, answer):
        """Runs the action of a `delay` fault scripted with `apply_first: false`, after the delay."""
        action, params, identity, region, is_sts, record = answer.deferred
        with self.lock:
            result = self._run(action, params, identity, region, is_sts, record, None)
            result.label = answer.label
            self._finish_record(record, result)
        return result

    def now(self):
        """The server's clock: real time shifted by the script's `clock_offset`."""
        return time.time() + self.settings.clock_offset

    # MARK: - Resource creation, used by the EC2 actions

    def new_volume(self, scope, now, size, zone, volume_type, tags, snapshot_id=None):
        volume_id = self._new_id("vol", self.world.volume_homes)
        volume = Volume(volume_id, scope.account, scope.region, self.world.take_seq(), now, size, zone, volume_type,
                        tags, snapshot_id)
        scope.add_volume(volume)
        self.world.volume_homes[volume_id] = scope
        return volume

    def new_snapshot(self, scope, volume, now, description, tags):
        behaviour = self._next_behaviour(volume.volume_id)
        snapshot_id = self._new_id("snap", self.world.snapshot_homes)
        snapshot = Snapshot(snapshot_id, volume, self.world.take_seq(), now, description, tags, behaviour,
                            self.settings.time_scale, self.rng_behaviour)
        scope.add_snapshot(snapshot)
        self.world.snapshot_homes[snapshot_id] = scope
        self.world.last_snapshot_at[volume.volume_id] = now
        return snapshot

    # MARK: - Pipeline steps

    def _answer(self, action, headers, params, credential, is_sts, record):
        request_id = record["request_id"]
        if not action:
            return self._error(ApiError("MissingAction", "The request must contain the parameter Action"), is_sts,
                               request_id)
        identity = None
        region = record["region"]
        if credential is None:
            if not (is_sts and action in UNSIGNED_ACTIONS):
                if headers.get("Authorization") or params.get("X-Amz-Credential"):
                    error = ApiError("IncompleteSignature", "The request signature does not conform to AWS standards.",
                                     403)
                else:
                    error = ApiError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
                return self._error(error, is_sts, request_id)
        else:
            problem = self._check_signature_context(headers, params)
            if problem is not None:
                return self._error(problem, is_sts, request_id)
            identity = self.identities.resolve(credential[0])
            record["account"] = identity.account
            token = headers.get("X-Amz-Security-Token") or params.get("X-Amz-Security-Token")
            if identity.session_token is not None and token != identity.session_token:
                if is_sts:
                    error = ApiError("InvalidClientTokenId", "The security token included in the request is invalid.",
                                     403)
                else:
                    error = ApiError("AuthFailure", "AWS was not able to validate the provided access credentials",
                                     401)
                return self._error(error, is_sts, request_id)

        account = identity.account if identity else DEFAULT_ACCOUNT
        fault = self.plan.take(action, account, region)
        if fault is not None and fault.kind in faults_module.ERROR_KINDS:
            answer = self._error(_fault_error(fault, is_sts), is_sts, request_id, fault.date_offset)
            answer.label = fault.label
            return answer
        if fault is not None and not fault.runs_action:
            answer = Answer(status=None)
            answer.close = fault.kind
            answer.label = fault.label
            return answer
        if fault is not None and fault.kind == "delay" and not fault.apply_first:
            answer = Answer(status=None)
            answer.delay = fault.seconds
            answer.label = fault.label
            answer.deferred = (action, params, identity, region, is_sts, record)
            return answer

        answer = self._run(action, params, identity, region, is_sts, record, fault)
        if fault is not None:
            answer.label = answer.label or fault.label
            answer.date_offset += fault.date_offset
            if fault.kind == "delay":
                answer.delay = fault.seconds
            elif fault.closes_connection:
                answer.close = fault.kind
        return answer

    def _run(self, action, params, identity, region, is_sts, record, fault):
        request_id = record["request_id"]
        account = identity.account if identity else DEFAULT_ACCOUNT
        now = self.now()
        if is_sts:
            try:
                body = self.sts.handle(action, params, identity, now)
            except ApiError as error:
                return self._error(error, True, request_id)
            return Answer(200, sts_document(action, request_id, body), request_id)

        if self.buckets is not None:
            name = self.buckets.bucket_class(action, params)
            if name is not None and not self.buckets.take(account, region, name, self.settings.time_scale):
                answer = self._error(ApiError("RequestLimitExceeded", "Request limit exceeded.", 503), False,
                                     request_id)
                answer.label = "bucket:" + name
                return answer
        call = Call(params, account, region, self.world.scope(account, region), now, fault)
        try:
            body = self.ec2.handle(action, call)
        except ApiError as error:
            answer = self._error(error, False, request_id)
            answer.label = call.rule
            return answer
        return Answer(200, ec2_document(action, request_id, body), request_id)

    def _check_signature_context(self, headers, params):
        stamp = headers.get("X-Amz-Date") or params.get("X-Amz-Date")
        if stamp:
            sent = _parse_amz_date(stamp)
            if sent is None:
                return ApiError("IncompleteSignature", f"Date must be in ISO-8601 'basic format'. Got '{stamp}'.", 403)
        elif headers.get("Date"):
            sent = None
        else:
            return ApiError("IncompleteSignature", "Authorization header requires existence of either a "
                                                   "'X-Amz-Date' or a 'Date' header.", 403)
        if sent is not None and abs(self.now() - sent) > self.settings.skew_tolerance:
            return ApiError("RequestTimeTooSkewed",
                            "The difference between the request time and the current time is too large.", 403)
        return None

    def _error(self, error, is_sts, request_id, date_offset=0.0):
        if is_sts:
            body = sts_error_document(error.code, error.message, request_id, error.status)
        else:
            body = ec2_error_document(error.code, error.message, request_id)
        answer = Answer(error.status, body, request_id, date_offset)
        answer.error_code = error.code
        return answer

    def _finish_record(self, record, answer):
        record["status"] = answer.status
        record["fault"] = answer.label
        record["error_code"] = answer.error_code

    def _apply_script(self, staged):
        settings = self.settings
        for key in ("default_behaviour", "per_volume_interval", "clock_offset", "skew_tolerance", "time_scale",
                    "max_pending_per_volume"):
            if key in staged:
                setattr(settings, key, staged[key])
        settings.behaviours += staged.get("behaviours", [])
        self.plan.add(staged.get("faults", []))
        if "random_faults" in staged:
            self.plan.random = staged["random_faults"]
        if "buckets" in staged:
            self.buckets = staged["buckets"]
        if "accounts" in staged:
            self.identities.map_accounts(staged["accounts"])

    def _next_behaviour(self, volume_id):
        queue = self.settings.behaviours
        for index, behaviour in enumerate(queue):
            if behaviour.get("volume_id") in (None, volume_id):
                del queue[index]
                return behaviour
        return self.settings.default_behaviour

    def _new_id(self, prefix, taken):
        while True:
            resource_id = f"{prefix}-{self.rng_ids.getrandbits(68):017x}"
            if resource_id not in taken:
                return resource_id


def _credential(text):
    """Returns (access key, region, service) from a SigV4 credential scope, or `None` when there is none."""
    if not text:
        return None
    match = CREDENTIAL.search(text if "Credential=" in text else "Credential=" + text)
    if not match:
        return None
    return match.group(1), match.group(3), match.group(4)


@functools.lru_cache(maxsize=64)
def _parse_amz_date(stamp):
    # Clients send the same second's stamp many times over; strptime is slow enough to show in benchmarks.
    try:
        return calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        return None


def _fault_error(fault, is_sts):
    if fault.kind == "throttle":
        return ApiError("Throttling", "Rate exceeded", 400) if is_sts else \
            ApiError("RequestLimitExceeded", "Request limit exceeded.", 503)
    if fault.kind == "server_error":
        return ApiError("InternalFailure" if is_sts else "InternalError",
                        "An internal error has occurred. Please try again.", 500)
    if fault.kind == "unavailable":
        return ApiError("ServiceUnavailable" if is_sts else "Unavailable",
                        "The service is unavailable. Please try again shortly.", 503)
    return ApiError(fault.code, fault.message, fault.status)


def _number(spec, key, positive=False, signed=False):
    value = spec[key]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError(f"{key} is a number, not {value!r}")
    if positive and value <= 0:
        raise ValueError(f"{key} must be > 0, not {value!r}")
    if not signed and value < 0:
        raise ValueError(f"{key} must be >= 0, not {value!r}")
    return float(value)
