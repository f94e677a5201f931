#!/usr/bin/env python3
"""An independent observer of a local EC2 endpoint (moto), built on boto3 alone.

The demo, the benchmarks and the end-to-end tests use it to set the scene (volumes, IAM keys) and to check what
snapstep did, without trusting any of snapstep's own code. Every subcommand prints one JSON document on stdout.

The endpoint comes from AWS_ENDPOINT_URL and must be on loopback: this tool exists for the local endpoint only.
Keys come from the environment as boto3 reads them; --role-arn first assumes that role, which on moto is how to
act in another account.
"""

import argparse
import ipaddress
import json
import os
import sys
import time
import urllib.parse
import uuid

import boto3
from botocore.config import Config

# moto loads AMIs into every region, each with a snapshot owned by the AMI's owner (amazon, canonical and a score of
# others, varying by region) and described with this prefix. They are never the caller's, so listings drop them.
MOTO_AMI_SNAPSHOT_DESCRIPTION = "Auto-created snapshot for AMI "

# The observer should report what the endpoint says at once, not retry its way around it.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 2}, connect_timeout=5, read_timeout=30)


class ObserverError(Exception):
    """A failure worth one line on stderr and exit status 1."""


def endpoint_url():
    url = os.environ.get("AWS_ENDPOINT_URL", "")
    if not url:
        raise ObserverError("AWS_ENDPOINT_URL is not set; point it at the local endpoint, e.g. http://127.0.0.1:5000")
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        is_loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        is_loopback = False
    if not is_loopback:
        raise ObserverError(f"refusing to talk to {url}: ec2ctl is for an endpoint on loopback only")
    return url


def make_session(args):
    # A proxy from the environment must never see loopback traffic meant for the local endpoint.
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost,::1"
    session = boto3.session.Session(region_name=args.region)
    if not args.role_arn:
        return session

    sts = session.client("sts", endpoint_url=endpoint_url(), config=CLIENT_CONFIG)
    request = {"RoleArn": args.role_arn, "RoleSessionName": "ec2ctl"}
    if args.external_id:
        request["ExternalId"] = args.external_id
    credentials = sts.assume_role(**request)["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=args.region,
    )


def client(args, service):
    # One session per run: with --role-arn, the role is assumed once, not once per client.
    if not hasattr(args, "session"):
        args.session = make_session(args)
    return args.session.client(service, endpoint_url=endpoint_url(), config=CLIENT_CONFIG)


def parse_tag(text):
    key, separator, value = text.partition("=")
    if not separator or not key:
        raise argparse.ArgumentTypeError(f"a tag is KEY=VALUE, not {text!r}")
    return key, value


def account_of(args):
    return client(args, "sts").get_caller_identity()["Account"]


def create_volume(args):
    request = {
        "AvailabilityZone": args.az,
        "Size": args.size,
        "VolumeType": args.type,
        "ClientToken": uuid.uuid4().hex,
    }
    if args.tag:
        request["TagSpecifications"] = [
            {"ResourceType": "volume", "Tags": [{"Key": key, "Value": value} for key, value in args.tag]}
        ]
    volume = client(args, "ec2").create_volume(**request)
    return {"volume_id": volume["VolumeId"]}


def snapshots(args):
    ec2 = client(args, "ec2")
    if args.volume_id:
        filters = [{"Name": "volume-id", "Values": [args.volume_id]}]
    else:
        filters = [{"Name": "owner-id", "Values": [account_of(args)]}]

    found = []
    for page in ec2.get_paginator("describe_snapshots").paginate(Filters=filters):
        for snapshot in page["Snapshots"]:
            if snapshot.get("Description", "").startswith(MOTO_AMI_SNAPSHOT_DESCRIPTION):
                continue
            found.append(
                {
                    "snapshot_id": snapshot["SnapshotId"],
                    "volume_id": snapshot.get("VolumeId"),
                    "owner_id": snapshot.get("OwnerId"),
                    "state": snapshot.get("State"),
                    "progress": snapshot.get("Progress"),
                    "tags": {tag["Key"]: tag["Value"] for tag in snapshot.get("Tags", [])},
                    "description": snapshot.get("Description"),
                }
            )
    return sorted(found, key=lambda snapshot: snapshot["snapshot_id"])


def whoami(args):
    identity = client(args, "sts").get_caller_identity()
    return {"account": identity["Account"], "arn": identity["Arn"]}


def create_user_keys(args):
    # Done while moto still lets requests through unchecked (INITIAL_NO_AUTH_ACTION_COUNT): later, every request must
    # be signed with keys that moto's IAM knows and whose policies allow the action.
    iam = client(args, "iam")
    iam.create_user(UserName=args.user_name)
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_user_policy(UserName=args.user_name, PolicyName="everything", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=args.user_name)["AccessKey"]
    return {
        "user_name": args.user_name,
        "access_key_id": key["AccessKeyId"],
        "secret_access_key": key["SecretAccessKey"],
    }


def tag_specification(resource_type, tags):
    return [{"ResourceType": resource_type, "Tags": [{"Key": key, "Value": value} for key, value in tags]}]


def describe_volume(volume):
    return {
        "volume_id": volume["VolumeId"],
        "availability_zone": volume.get("AvailabilityZone"),
        "volume_type": volume.get("VolumeType"),
        "size": volume.get("Size"),
        "iops": volume.get("Iops"),
        "state": volume.get("State"),
        "snapshot_id": volume.get("SnapshotId") or None,
        "tags": {tag["Key"]: tag["Value"] for tag in volume.get("Tags", [])},
        "attachments": [
            {"instance_id": attachment.get("InstanceId"), "device": attachment.get("Device")}
            for attachment in volume.get("Attachments", [])
        ],
    }


def run_instance(args):
    # The image need not exist: moto does not check it unless told to, and it makes an 8 GiB root volume either way.
    request = {
        "ImageId": args.image_id,
        "MinCount": 1,
        "MaxCount": 1,
        "InstanceType": "t3.micro",
        "Placement": {"AvailabilityZone": args.az},
    }
    if args.volume_tag:
        request["TagSpecifications"] = tag_specification("volume", args.volume_tag)
    ec2 = client(args, "ec2")
    instance_id = ec2.run_instances(**request)["Instances"][0]["InstanceId"]
    filters = [{"Name": "attachment.instance-id", "Values": [instance_id]}]
    volumes = [describe_volume(volume) for volume in ec2.describe_volumes(Filters=filters)["Volumes"]]
    return {"instance_id": instance_id, "root_volumes": sorted(volumes, key=lambda volume: volume["volume_id"])}


def attach_volume(args):
    ec2 = client(args, "ec2")
    ec2.attach_volume(VolumeId=args.volume_id, InstanceId=args.instance_id, Device=args.device)
    # moto attaches at once; a real endpoint takes a few seconds, and boto3's waiter would sleep 15 between looks.
    for _ in range(300):
        volume = ec2.describe_volumes(VolumeIds=[args.volume_id])["Volumes"][0]
        if volume.get("State") == "in-use":
            return describe_volume(volume)
        time.sleep(0.2)
    raise ObserverError(f"{args.volume_id} was not in use after a minute")


def list_volumes(args):
    found = []
    for page in client(args, "ec2").get_paginator("describe_volumes").paginate():
        found += [describe_volume(volume) for volume in page["Volumes"]]
    return sorted(found, key=lambda volume: volume["volume_id"])


def create_snapshot_with_tags(args):
    request = {"VolumeId": args.volume_id, "Description": args.description}
    if args.tag:
        request["TagSpecifications"] = tag_specification("snapshot", args.tag)
    snapshot = client(args, "ec2").create_snapshot(**request)
    return {"snapshot_id": snapshot["SnapshotId"]}


def tag(args):
    tags = [{"Key": key, "Value": value} for key, value in args.tag]
    client(args, "ec2").create_tags(Resources=[args.resource_id], Tags=tags)
    return {"resource_id": args.resource_id, "tags": dict(args.tag)}


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="ec2ctl", description=__doc__.splitlines()[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--region", default=os.environ.get("AWS_REGION") or "us-east-1")
    common.add_argument("--role-arn", help="assume this role first (on moto: act in the role's account)")
    common.add_argument("--external-id")
    commands = parser.add_subparsers(dest="command", required=True)

    command = commands.add_parser("create-volume", parents=[common], help="create a volume; prints its id")
    command.add_argument("--az", required=True)
    command.add_argument("--size", type=int, default=8, help="GiB (default 8)")
    command.add_argument("--type", default="gp3")
    command.add_argument("--tag", type=parse_tag, action="append", default=[], metavar="KEY=VALUE")
    command.set_defaults(run=create_volume)

    command = commands.add_parser("snapshots", parents=[common], help="list the caller's snapshots")
    command.add_argument("--volume-id", help="only snapshots of this volume")
    command.set_defaults(run=snapshots)

    command = commands.add_parser("whoami", parents=[common], help="print the caller's account")
    command.set_defaults(run=whoami)

    command = commands.add_parser("create-user-keys", parents=[common], help="create an IAM user and access key")
    command.add_argument("--user-name", default="snapstep-" + uuid.uuid4().hex[:8])
    command.set_defaults(run=create_user_keys)

    command = commands.add_parser("run-instance", parents=[common], help="run an instance; prints its root volume")
    command.add_argument("--az", required=True)
    command.add_argument("--image-id", default="ami-12c6146b")
    command.add_argument("--volume-tag", type=parse_tag, action="append", default=[], metavar="KEY=VALUE")
    command.set_defaults(run=run_instance)

    command = commands.add_parser("attach-volume", parents=[common], help="attach a volume and wait until in use")
    command.add_argument("--volume-id", required=True)
    command.add_argument("--instance-id", required=True)
    command.add_argument("--device", required=True)
    command.set_defaults(run=attach_volume)

    command = commands.add_parser("list-volumes", parents=[common], help="list the caller's volumes")
    command.set_defaults(run=list_volumes)

    command = commands.add_parser(
        "create-snapshot-with-tags", parents=[common], help="snapshot a volume as another tool would"
    )
    command.add_argument("--volume-id", required=True)
    command.add_argument("--description", default="made by ec2ctl")
    command.add_argument("--tag", type=parse_tag, action="append", default=[], metavar="KEY=VALUE")
    command.set_defaults(run=create_snapshot_with_tags)

    command = commands.add_parser("tag", parents=[common], help="set tags on a resource")
    command.add_argument("--resource-id", required=True)
    command.add_argument("--tag", type=parse_tag, action="append", required=True, metavar="KEY=VALUE")
    command.set_defaults(run=tag)

    return parser.parse_args(argv)


def main(argv):
    args = parse_arguments(argv)
    try:
        result = args.run(args)
    except ObserverError as error:
        print(f"ec2ctl: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # botocore's errors: one line, not a traceback, is what a test log needs.
        print(f"ec2ctl: {args.command} failed: {error}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
