"""STS for the fault endpoint: who a caller is, and AssumeRole into other accounts.

Keys pick the account the caller acts in. A long-term key `AKIA<12 digits>…` or `ASIA<12 digits>…` acts in those 12
digits' account, keys listed in the script's `accounts` in theirs, and any other key in 123456789012. AssumeRole
hands out `ASIA` + the role's account + 4 random characters, so later calls with those keys land in the role's
account; the endpoint also remembers the session token it issued and refuses those keys without it.
"""

import re
import string

from ec2_model import DEFAULT_ACCOUNT
from wire import ApiError, element, iso_time

ROLE_ARN = re.compile(r"arn:aws[\w-]*:iam::(\d{12}):role/(?:[\w+=,.@/-]*/)?([\w+=,.@-]{1,64})\Z")
SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}\Z")
KEY_ACCOUNT = re.compile(r"(?:AKIA|ASIA)(\d{12})")
_KEY_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


class Identity:
    """The principal behind an access key: its account, ARN and user id, and whether it is a role session."""

    __slots__ = ("account", "arn", "user_id", "is_role_session", "session_token")

    def __init__(self, account, arn, user_id, is_role_session=False, session_token=None):
        self.account = account
        self.arn = arn
        self.user_id = user_id
        self.is_role_session = is_role_session
        self.session_token = session_token


class Identities:
    """Maps access keys to identities; holds the temporary keys AssumeRole has issued since the last reset."""

    def __init__(self, rng):
        self.rng = rng
        self.issued = {}
        self.accounts = {}
        self.long_term = {}

    def resolve(self, access_key):
        issued = self.issued.get(access_key)
        if issued is not None:
            return issued
        identity = self.long_term.get(access_key)
        if identity is None:
            account = self.accounts.get(access_key)
            if account is None:
                match = KEY_ACCOUNT.match(access_key)
                account = match.group(1) if match else DEFAULT_ACCOUNT
            identity = Identity(account, f"arn:aws:iam::{account}:user/fault-endpoint", "AIDA" + self._random(17))
            self.long_term[access_key] = identity
        return identity

    def map_accounts(self, accounts):
        """Adds the script's access key to account map; keys seen before are looked up again."""
        self.accounts.update(accounts)
        self.long_term.clear()

    def issue(self, account, role_arn, role_name, session_name, now, duration):
        """Creates temporary keys for a role session in `account`; returns the keys and the session's identity."""
        access_key = "ASIA" + account + self._random(4)
        secret = "".join(self.rng.choice(_SECRET_ALPHABET) for _ in range(40))
        token = "FQoGZXIvYXdzE" + "".join(self.rng.choice(_SECRET_ALPHABET) for _ in range(180))
        role_id = "AROA" + self._random(17)
        arn = f"arn:aws:sts::{account}:assumed-role/{role_name}/{session_name}"
        identity = Identity(account, arn, f"{role_id}:{session_name}", is_role_session=True, session_token=token)
        self.issued[access_key] = identity
        credentials = (
            f"<Credentials>{element('AccessKeyId', access_key)}{element('SecretAccessKey', secret)}"
            f"{element('SessionToken', token)}{element('Expiration', iso_time(now + duration))}</Credentials>"
        )
        assumed = (f"<AssumedRoleUser>{element('AssumedRoleId', identity.user_id)}{element('Arn', arn)}"
                   "</AssumedRoleUser>")
        return credentials + assumed

    def _random(self, length):
        return "".join(self.rng.choice(_KEY_ALPHABET) for _ in range(length))


class STSApi:
    """The STS actions; each returns the XML inside `<ActionResult>` or raises `ApiError`."""

    def __init__(self, identities):
        self.identities = identities
        self.actions = {
            "GetCallerIdentity": self.get_caller_identity,
            "AssumeRole": self.assume_role,
            "AssumeRoleWithWebIdentity": self.assume_role_with_web_identity,
        }

    def handle(self, action, params, identity, now):
        handler = self.actions.get(action)
        if handler is None:
            raise ApiError("InvalidAction", f"Could not find operation {action} for version 2011-06-15")
        return handler(params, identity, now)

    def get_caller_identity(self, params, identity, now):
        return element("Arn", identity.arn) + element("UserId", identity.user_id) + element("Account", identity.account)

    def assume_role(self, params, identity, now):
        account, role_name, session_name, duration = self._role_request(params)
        # AWS caps a session made with a role session's keys ("role chaining") at one hour.
        if identity is not None and identity.is_role_session and duration > 3600:
            raise ApiError("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit "
                                              "for roles assumed by role chaining.")
        return self.identities.issue(account, params["RoleArn"], role_name, session_name, now, duration)

    def assume_role_with_web_identity(self, params, identity, now):
        if not params.get("WebIdentityToken"):
            raise ApiError("ValidationError", "1 validation error detected: Value null at 'webIdentityToken' "
                                              "failed to satisfy constraint: Member must not be null")
        account, role_name, session_name, duration = self._role_request(params)
        issued = self.identities.issue(account, params["RoleArn"], role_name, session_name, now, duration)
        return issued + element("SubjectFromWebIdentityToken", "fault-endpoint-subject")

    def _role_request(self, params):
        role_arn = params.get("RoleArn", "")
        match = ROLE_ARN.match(role_arn)
        if not match:
            raise ApiError("ValidationError", f"{role_arn!r} is not a valid role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
        session_name = params.get("RoleSessionName", "")
        if not SESSION_NAME.match(session_name):
            raise ApiError("ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to "
                                              "satisfy constraint: Member must have length 2-64 and match [\\w+=,.@-]*")
        try:
            duration = int(params.get("DurationSeconds", "3600"))
        except ValueError:
            duration = -1
        if not 900 <= duration <= 43200:
            raise ApiError("ValidationError", "1 validation error detected: Value at 'durationSeconds' failed to "
                                              "satisfy constraint: Member must be between 900 and 43200")
        return match.group(1), match.group(2), session_name, duration
