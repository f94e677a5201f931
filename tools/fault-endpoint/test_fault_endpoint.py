"""Self-test of the fault endpoint: a real server on a free loopback port, driven by boto3 as a client.

Run it with the project's Python environment, which has boto3:

    cd tools/fault-endpoint && ../../.venv/bin/python -m unittest -v test_fault_endpoint

Each test starts from a reset server. Clients make one attempt only, so that every fault reaches the test.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

try:
    import boto3
    import botocore.exceptions
    from botocore.config import Config
except ImportError:  # Plain python3 has no boto3; the project's .venv has.
    boto3 = None

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "fault_endpoint.py")
REGION = "eu-west-1"
DEFAULT_ACCOUNT = "123456789012"

# Loopback traffic must never go through a proxy from the environment.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@unittest.skipIf(boto3 is None, "boto3 is missing: run with the project's .venv/bin/python")
class FaultEndpointTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory(prefix="fault-endpoint-test-")
        port_file = os.path.join(cls.folder.name, "port")
        cls.log = open(os.path.join(cls.folder.name, "server.log"), "w+")
        cls.server = subprocess.Popen(
            [sys.executable, SERVER, "--port", "0", "--port-file", port_file, "--seed", "7"],
            stdout=subprocess.PIPE, stderr=cls.log, text=True,
        )
        line = cls.server.stdout.readline().strip()
        if not line.startswith("listening on http://127.0.0.1:"):
            cls.server.kill()
            raise RuntimeError(f"the server did not start: {line!r}")
        cls.url = line.removeprefix("listening on ")
        with open(port_file) as handle:
            assert cls.url.endswith(":" + handle.read().strip())

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=10)
        cls.server.stdout.close()
        cls.log.close()
        cls.folder.cleanup()

    def setUp(self):
        self.control("POST", "/_fault/reset")

    # MARK: - Helpers

    def control(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        request = urllib.request.Request(self.url + path, data=data, method=method)
        with _OPENER.open(request, timeout=10) as response:
            return json.load(response)

    def script(self, **script):
        self.control("POST", "/_fault/script", script)

    def client(self, service, access_key="testing", secret="testing", token=None, read_timeout=10):
        config = Config(retries={"total_max_attempts": 1}, read_timeout=read_timeout, connect_timeout=5)
        return boto3.client(service, region_name=REGION, endpoint_url=self.url, aws_access_key_id=access_key,
                            aws_secret_access_key=secret, aws_session_token=token, config=config)

    def volume(self, ec2=None):
        ec2 = ec2 or self.client("ec2")
        return ec2.create_volume(AvailabilityZone=REGION + "a", Size=8, VolumeType="gp3")["VolumeId"]

    def describe(self, ec2, snapshot_id):
        return ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"][0]

    def error_of(self, call):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call()
        return caught.exception.response

    def requests(self, action):
        return self.control("GET", f"/_fault/requests?action={action}")["requests"]

    # MARK: - Snapshot progress

    def test_snapshot_completes_after_polls_with_rising_progress(self):
        self.script(snapshot_behaviour={"complete_after_polls": 3})
        ec2 = self.client("ec2")
        created = ec2.create_snapshot(VolumeId=self.volume(ec2), Description="nightly")
        self.assertEqual((created["State"], created["Progress"]), ("pending", ""))

        seen = [self.describe(ec2, created["SnapshotId"]) for _ in range(4)]

        self.assertEqual([s["State"] for s in seen], ["pending", "pending", "pending", "completed"])
        progress = [int(s["Progress"].rstrip("%")) for s in seen]
        self.assertEqual(progress, sorted(progress))
        self.assertLess(progress[0], progress[2])
        self.assertEqual(seen[3]["Progress"], "100%")
        self.assertIn("CompletionTime", seen[3])
        self.assertNotIn("CompletionTime", seen[0])

    def test_snapshot_completes_after_scaled_seconds(self):
        self.script(snapshot_behaviour={"complete_after_seconds": 10}, time_scale=0.03)
        ec2 = self.client("ec2")
        snapshot_id = ec2.create_snapshot(VolumeId=self.volume(ec2))["SnapshotId"]

        first = self.describe(ec2, snapshot_id)
        time.sleep(0.35)
        last = self.describe(ec2, snapshot_id)

        self.assertEqual(first["State"], "pending")
        self.assertEqual((last["State"], last["Progress"]), ("completed", "100%"))

    def test_snapshot_reaches_error_with_its_message(self):
        self.script(snapshot_behaviour={"error_after_polls": 1, "message": "KMS key is disabled"})
        ec2 = self.client("ec2")
        snapshot_id = ec2.create_snapshot(VolumeId=self.volume(ec2))["SnapshotId"]

        states = [self.describe(ec2, snapshot_id) for _ in range(2)]

        self.assertEqual(states[0]["State"], "pending")
        self.assertEqual((states[1]["State"], states[1]["StateMessage"]), ("error", "KMS key is disabled"))

    def test_invisible_polls_answer_not_found_first(self):
        self.script(snapshot_behaviours=[{"invisible_polls": 2, "complete_after_polls": 0}])
        ec2 = self.client("ec2")
        snapshot_id = ec2.create_snapshot(VolumeId=self.volume(ec2))["SnapshotId"]

        for _ in range(2):
            error = self.error_of(lambda: self.describe(ec2, snapshot_id))
            self.assertEqual(error["Error"]["Code"], "InvalidSnapshot.NotFound")
        self.assertEqual(self.describe(ec2, snapshot_id)["State"], "completed")
        # The queue held one behaviour; the next snapshot gets the default again.
        self.assertEqual(self.describe(ec2, ec2.create_snapshot(VolumeId=self.volume(ec2))["SnapshotId"])["State"],
                         "completed")

    # MARK: - Faults

    def test_throttle_answers_503_once(self):
        self.script(faults=[{"action": "CreateSnapshot", "fault": "throttle"}])
        ec2 = self.client("ec2")
        volume_id = self.volume(ec2)

        error = self.error_of(lambda: ec2.create_snapshot(VolumeId=volume_id))
        ec2.create_snapshot(VolumeId=volume_id)

        self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 503)
        self.assertEqual(error["Error"]["Code"], "RequestLimitExceeded")
        self.assertIn("date", error["ResponseMetadata"]["HTTPHeaders"])
        recorded = self.requests("CreateSnapshot")
        self.assertEqual([(r["status"], r["fault"]) for r in recorded], [(503, "throttle"), (200, None)])

    def test_apply_then_drop_creates_the_snapshot_without_answering(self):
        self.script(faults=[{"action": "CreateSnapshot", "fault": "apply_then_drop"}])
        ec2 = self.client("ec2")
        volume_id = self.volume(ec2)

        with self.assertRaises(botocore.exceptions.ConnectionClosedError):
            ec2.create_snapshot(VolumeId=volume_id, TagSpecifications=[
                {"ResourceType": "snapshot", "Tags": [{"Key": "op", "Value": "42"}]}])

        found = ec2.describe_snapshots(Filters=[{"Name": "tag:op", "Values": ["42"]}], OwnerIds=["self"])
        self.assertEqual([s["VolumeId"] for s in found["Snapshots"]], [volume_id])

    def test_drop_loses_the_request_and_delay_outlasts_the_client(self):
        self.script(faults=[{"action": "CreateSnapshot", "fault": "drop"},
                            {"action": "CreateSnapshot", "delay": 1.5}])
        ec2 = self.client("ec2", read_timeout=0.5)
        volume_id = self.volume(ec2)

        with self.assertRaises(botocore.exceptions.ConnectionClosedError):
            ec2.create_snapshot(VolumeId=volume_id)
        with self.assertRaises(botocore.exceptions.ReadTimeoutError):
            ec2.create_snapshot(VolumeId=volume_id)

        # The dropped call made nothing; the delayed one was applied before its late answer.
        snapshots = ec2.describe_snapshots(Filters=[{"Name": "volume-id", "Values": [volume_id]}])["Snapshots"]
        self.assertEqual(len(snapshots), 1)

    def test_scripted_error_can_skew_the_date_header(self):
        self.script(faults=[{"action": "DescribeVolumes", "after": 1, "date_offset": 3600,
                             "error": {"code": "RequestTimeTooSkewed", "message": "skewed", "status": 403}}])
        ec2 = self.client("ec2")
        ec2.describe_volumes()

        error = self.error_of(ec2.describe_volumes)

        self.assertEqual((error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]),
                         ("RequestTimeTooSkewed", 403))
        server_date = error["ResponseMetadata"]["HTTPHeaders"]["date"]
        skew = time.mktime(time.strptime(server_date, "%a, %d %b %Y %H:%M:%S GMT")) - time.mktime(time.gmtime())
        self.assertAlmostEqual(skew, 3600, delta=5)

    def test_random_faults_repeat_with_the_same_seed(self):
        def outcomes():
            self.control("POST", "/_fault/reset")
            self.script(random_faults={"rate": 0.5, "kinds": ["throttle", "server_error"], "seed": 3,
                                       "actions": ["DescribeVolumes"]})
            ec2 = self.client("ec2")
            codes = []
            for _ in range(20):
                try:
                    ec2.describe_volumes()
                    codes.append("ok")
                except botocore.exceptions.ClientError as error:
                    codes.append(error.response["Error"]["Code"])
            return codes

        first = outcomes()

        self.assertEqual(first, outcomes())
        self.assertTrue({"ok", "RequestLimitExceeded", "InternalError"} <= set(first), first)

    # MARK: - Paging

    def test_paging_survives_an_empty_page_that_carries_a_token(self):
        ec2 = self.client("ec2")
        volume_id = self.volume(ec2)
        created = {ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"] for _ in range(12)}
        self.script(faults=[{"action": "DescribeSnapshots", "fault": "empty_page", "after": 1}])

        pages = list(ec2.get_paginator("describe_snapshots").paginate(
            OwnerIds=["self"], PaginationConfig={"PageSize": 5}))

        sizes = [len(page["Snapshots"]) for page in pages]
        self.assertEqual(sizes, [5, 0, 5, 2])
        self.assertIn("NextToken", pages[1])
        self.assertEqual({s["SnapshotId"] for page in pages for s in page["Snapshots"]}, created)

    def test_tags_deletes_and_volume_listings(self):
        ec2 = self.client("ec2")
        volume_ids = [self.volume(ec2) for _ in range(7)]
        snapshot_id = ec2.create_snapshot(VolumeId=volume_ids[0])["SnapshotId"]

        ec2.create_tags(Resources=[snapshot_id, volume_ids[1]], Tags=[{"Key": "run", "Value": "a b+c"}])
        tagged = ec2.describe_snapshots(Filters=[{"Name": "tag:run", "Values": ["a b+c"]}])["Snapshots"]
        wildcard = ec2.describe_volumes(Filters=[{"Name": "tag:run", "Values": ["a*"]}])["Volumes"]
        pages = list(ec2.get_paginator("describe_volumes").paginate(PaginationConfig={"PageSize": 5}))
        dry_run = self.error_of(lambda: ec2.delete_snapshot(SnapshotId=snapshot_id, DryRun=True))
        ec2.delete_snapshot(SnapshotId=snapshot_id)
        ec2.delete_volume(VolumeId=volume_ids[0])

        self.assertEqual([s["SnapshotId"] for s in tagged], [snapshot_id])
        self.assertEqual([v["VolumeId"] for v in wildcard], [volume_ids[1]])
        self.assertEqual([len(page["Volumes"]) for page in pages], [5, 2])
        self.assertEqual(dry_run["Error"]["Code"], "DryRunOperation")
        self.assertEqual(ec2.describe_snapshots(Filters=[{"Name": "tag:run", "Values": ["a b+c"]}])["Snapshots"], [])
        missing = self.error_of(lambda: ec2.describe_volumes(VolumeIds=[volume_ids[0]]))
        self.assertEqual(missing["Error"]["Code"], "InvalidVolume.NotFound")

    def test_ids_and_max_results_do_not_mix(self):
        ec2 = self.client("ec2")
        error = self.error_of(lambda: ec2.describe_snapshots(SnapshotIds=["snap-0123456789abcdef0"], MaxResults=5))
        self.assertEqual(error["Error"]["Code"], "InvalidParameterCombination")

    # MARK: - Accounts

    def test_assume_role_acts_in_the_role_account(self):
        sts = self.client("sts")
        self.assertEqual(sts.get_caller_identity()["Account"], DEFAULT_ACCOUNT)
        keys = sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/backup", RoleSessionName="snapstep")
        credentials = keys["Credentials"]
        as_role = {"access_key": credentials["AccessKeyId"], "secret": credentials["SecretAccessKey"],
                   "token": credentials["SessionToken"]}
        role_ec2 = self.client("ec2", **as_role)

        snapshot = role_ec2.create_snapshot(VolumeId=self.volume(role_ec2))

        self.assertEqual(snapshot["OwnerId"], "111122223333")
        self.assertEqual(self.client("sts", **as_role).get_caller_identity()["Account"], "111122223333")
        self.assertEqual(self.client("ec2").describe_snapshots(OwnerIds=["self"])["Snapshots"], [])
        owners = {s["owner_id"] for s in self.control("GET", "/_fault/state")["snapshots"]}
        self.assertEqual(owners, {"111122223333"})
        without_token = self.client("ec2", access_key=as_role["access_key"], secret=as_role["secret"])
        self.assertEqual(self.error_of(without_token.describe_volumes)["Error"]["Code"], "AuthFailure")

    def test_unsigned_requests_are_refused(self):
        request = urllib.request.Request(self.url + "/", data=b"Action=DescribeVolumes&Version=2016-11-15")
        with self.assertRaises(urllib.error.HTTPError) as caught:
            _OPENER.open(request, timeout=5)
        self.assertEqual(caught.exception.code, 403)
        self.assertIn(b"MissingAuthenticationToken", caught.exception.read())
        self.assertIsNotNone(caught.exception.headers["Date"])

    # MARK: - Limits

    def test_buckets_throttle_each_account_separately(self):
        self.script(buckets={"mutating": [3, 0]})
        ec2 = self.client("ec2")
        for _ in range(3):
            self.volume(ec2)

        error = self.error_of(lambda: self.volume(ec2))
        other_account = self.client("ec2", access_key="AKIA222233334444ABCD")
        self.volume(other_account)

        self.assertEqual((error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]),
                         ("RequestLimitExceeded", 503))
        self.assertEqual(self.requests("CreateVolume")[3]["fault"], "bucket:mutating")
        ec2.describe_volumes()  # Another class, another bucket.

    def test_per_volume_rules(self):
        self.script(per_volume_interval=15, time_scale=0.01, max_pending_per_volume=2,
                    snapshot_behaviour={"complete_after_polls": 5})
        ec2 = self.client("ec2")
        volume_id = self.volume(ec2)
        ec2.create_snapshot(VolumeId=volume_id)

        too_soon = self.error_of(lambda: ec2.create_snapshot(VolumeId=volume_id))
        time.sleep(0.2)
        ec2.create_snapshot(VolumeId=volume_id)
        time.sleep(0.2)
        too_many = self.error_of(lambda: ec2.create_snapshot(VolumeId=volume_id))

        self.assertEqual(too_soon["Error"]["Code"], "SnapshotCreationPerVolumeRateExceeded")
        self.assertEqual(too_many["Error"]["Code"], "ConcurrentSnapshotLimitExceeded")
        self.assertEqual(ec2.create_snapshot(VolumeId=self.volume(ec2))["State"], "pending")

    def test_unknown_parameters_and_script_keys_are_refused(self):
        ec2 = self.client("ec2")
        ec2.meta.events.register("before-sign.ec2.DescribeVolumes",
                                 lambda request, **_: request.data.update({"VolumeIds.1": "vol-1"}))
        self.assertEqual(self.error_of(ec2.describe_volumes)["Error"]["Code"], "UnknownParameter")
        with self.assertRaises(urllib.error.HTTPError) as caught:
            self.script(falts=[])
        self.assertEqual(caught.exception.code, 400)


if __name__ == "__main__":
    unittest.main()
