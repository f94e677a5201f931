#!/usr/bin/env python3
"""One snapshot with boto3 and its waiter, as a boto3 user would write it: create_snapshot, then the
snapshot_completed waiter as shipped (botocore polls at once, then every 15 s while the snapshot is pending).

Usage: boto3_single.py VOLUME_ID  (endpoint, region and keys from the AWS_* environment variables)
"""

import json
import sys

import boto3


def main():
    ec2 = boto3.client("ec2")
    snapshot = ec2.create_snapshot(VolumeId=sys.argv[1])
    ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[snapshot["SnapshotId"]])
    print(json.dumps({"snapshot_id": snapshot["SnapshotId"]}))


if __name__ == "__main__":
    main()
