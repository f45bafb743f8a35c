"""DynamoDB Streams through boto3: the records a table's writes leave, per view
type, read back with DescribeStream / GetShardIterator / GetRecords; a stream
enabled and disabled with UpdateTable; TTL deletions as service removals.

Each assertion is what AWS returns for the same calls.
"""
import datetime
import re
import subprocess
import time
import unittest
import uuid

from botocore.exceptions import ClientError

from kumo_harness import KUMO_BIN, KumoServer, KumoTestCase

KEY_SCHEMA = [{"AttributeName": "pk", "KeyType": "HASH"},
              {"AttributeName": "sk", "KeyType": "RANGE"}]
ATTRIBUTES = [{"AttributeName": "pk", "AttributeType": "S"},
              {"AttributeName": "sk", "AttributeType": "N"}]


def ttl_interval_flag():
    """The `kumo server` flag that sets the TTL sweep interval, or None."""
    out = subprocess.run([KUMO_BIN, "server", "--help"], capture_output=True, text=True).stdout
    m = re.search(r"(--ttl[\w-]*)", out)
    return m.group(1) if m else None


class StreamsMixin:
    def create_table(self, view_type=None, name=None):
        name = name or "t-" + uuid.uuid4().hex[:10]
        args = dict(TableName=name, KeySchema=KEY_SCHEMA, AttributeDefinitions=ATTRIBUTES,
                    BillingMode="PAY_PER_REQUEST")
        if view_type:
            args["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
        table = self.ddb.create_table(**args)["TableDescription"]
        return name, table

    def shard_iterator(self, arn, kind="TRIM_HORIZON", sequence=None):
        shard = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]
        args = dict(StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType=kind)
        if sequence:
            args["SequenceNumber"] = sequence
        return self.streams.get_shard_iterator(**args)["ShardIterator"]

    def read_records(self, arn, expected, kind="TRIM_HORIZON", sequence=None, timeout=10):
        """Follows the shard until `expected` records arrived (bounded)."""
        iterator = self.shard_iterator(arn, kind, sequence)
        records = []
        deadline = time.monotonic() + timeout
        while iterator and len(records) < expected and time.monotonic() < deadline:
            page = self.streams.get_records(ShardIterator=iterator)
            records += page["Records"]
            iterator = page.get("NextShardIterator")
            if not page["Records"]:
                time.sleep(0.05)
        return records


class StreamsTest(StreamsMixin, KumoTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.kumo.client("dynamodb")
        cls.streams = cls.kumo.client("dynamodbstreams")

    def test_put_update_delete_with_new_and_old_images(self):
        name, table = self.create_table("NEW_AND_OLD_IMAGES")
        arn = table["LatestStreamArn"]
        self.assertEqual(table["StreamSpecification"],
                         {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        self.assertTrue(arn.startswith(f"arn:aws:dynamodb:us-east-1:000000000000:table/{name}/stream/"))
        key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
        self.ddb.put_item(TableName=name, Item={**key, "v": {"S": "one"}})
        self.ddb.update_item(TableName=name, Key=key, UpdateExpression="SET v = :v, n = :n",
                             ExpressionAttributeValues={":v": {"S": "two"}, ":n": {"N": "5"}})
        self.ddb.delete_item(TableName=name, Key=key)

        records = self.read_records(arn, 3)
        self.assertEqual([r["eventName"] for r in records], ["INSERT", "MODIFY", "REMOVE"])
        insert, modify, remove = (r["dynamodb"] for r in records)
        for r in records:
            self.assertEqual(r["eventSource"], "aws:dynamodb")
            self.assertEqual(r["eventVersion"], "1.1")
            self.assertEqual(r["awsRegion"], "us-east-1")
            self.assertRegex(r["eventID"], r"^[0-9a-f]{32}$")
            self.assertNotIn("userIdentity", r)
            self.assertEqual(r["dynamodb"]["Keys"], key)
            self.assertEqual(r["dynamodb"]["StreamViewType"], "NEW_AND_OLD_IMAGES")
            self.assertIsInstance(r["dynamodb"]["ApproximateCreationDateTime"], datetime.datetime)
            self.assertGreater(r["dynamodb"]["SizeBytes"], 0)
            self.assertRegex(r["dynamodb"]["SequenceNumber"], r"^\d{21,40}$")
        seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(len(set(seqs)), 3)
        self.assertEqual(insert["NewImage"], {**key, "v": {"S": "one"}})
        self.assertNotIn("OldImage", insert)
        self.assertEqual(modify["OldImage"], {**key, "v": {"S": "one"}})
        self.assertEqual(modify["NewImage"], {**key, "v": {"S": "two"}, "n": {"N": "5"}})
        self.assertEqual(remove["OldImage"], {**key, "v": {"S": "two"}, "n": {"N": "5"}})
        self.assertNotIn("NewImage", remove)

        described = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual(described["StreamStatus"], "ENABLED")
        self.assertEqual(described["TableName"], name)
        self.assertEqual(described["KeySchema"], KEY_SCHEMA)
        self.assertEqual(described["StreamLabel"], table["LatestStreamLabel"])
        self.assertIsInstance(described["CreationRequestDateTime"], datetime.datetime)
        shard = described["Shards"][0]
        self.assertRegex(shard["ShardId"], r"^shardId-\d{20}-[0-9a-f]{8}$")
        self.assertNotIn("EndingSequenceNumber", shard["SequenceNumberRange"])
        listed = self.streams.list_streams(TableName=name)["Streams"]
        self.assertEqual(listed, [{"StreamArn": arn, "TableName": name,
                                   "StreamLabel": table["LatestStreamLabel"]}])

    def test_images_follow_each_view_type(self):
        key = {"pk": {"S": "k"}, "sk": {"N": "2"}}
        expected = {
            "KEYS_ONLY": [set(), set()],
            "NEW_IMAGE": [{"NewImage"}, {"NewImage"}],
            "OLD_IMAGE": [set(), {"OldImage"}],
        }
        for view, images in expected.items():
            with self.subTest(view=view):
                name, table = self.create_table(view)
                self.ddb.put_item(TableName=name, Item={**key, "v": {"N": "1"}})
                self.ddb.put_item(TableName=name, Item={**key, "v": {"N": "2"}})
                records = self.read_records(table["LatestStreamArn"], 2)
                self.assertEqual([r["eventName"] for r in records], ["INSERT", "MODIFY"])
                for record, want in zip(records, images):
                    self.assertEqual({"NewImage", "OldImage"} & set(record["dynamodb"]), want)
                    self.assertEqual(record["dynamodb"]["Keys"], key)
                    self.assertEqual(record["dynamodb"]["StreamViewType"], view)
                if view == "OLD_IMAGE":
                    self.assertEqual(records[1]["dynamodb"]["OldImage"]["v"], {"N": "1"})

    def test_rewriting_an_identical_item_leaves_no_record(self):
        name, table = self.create_table("NEW_IMAGE")
        item = {"pk": {"S": "same"}, "sk": {"N": "1"}, "v": {"S": "x"}}
        self.ddb.put_item(TableName=name, Item=item)
        self.ddb.put_item(TableName=name, Item=item)
        self.ddb.delete_item(TableName=name, Key={"pk": {"S": "none"}, "sk": {"N": "0"}})
        self.ddb.put_item(TableName=name, Item={**item, "v": {"S": "y"}})
        records = self.read_records(table["LatestStreamArn"], 3, timeout=1)
        self.assertEqual([r["eventName"] for r in records], ["INSERT", "MODIFY"])

    def test_iterator_types_and_paging(self):
        name, table = self.create_table("KEYS_ONLY")
        arn = table["LatestStreamArn"]
        for i in range(5):
            self.ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(i)}})
        records = self.read_records(arn, 5)
        seqs = [r["dynamodb"]["SequenceNumber"] for r in records]
        self.assertEqual([r["dynamodb"]["Keys"]["sk"]["N"] for r in records], list("01234"))

        at = self.read_records(arn, 3, "AT_SEQUENCE_NUMBER", seqs[2])
        self.assertEqual([r["dynamodb"]["SequenceNumber"] for r in at], seqs[2:])
        after = self.read_records(arn, 2, "AFTER_SEQUENCE_NUMBER", seqs[2])
        self.assertEqual([r["dynamodb"]["SequenceNumber"] for r in after], seqs[3:])

        latest = self.shard_iterator(arn, "LATEST")
        self.assertEqual(self.streams.get_records(ShardIterator=latest)["Records"], [])
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": "9"}})
        page = self.streams.get_records(ShardIterator=latest)
        self.assertEqual([r["dynamodb"]["Keys"]["sk"]["N"] for r in page["Records"]], ["9"])

        page = self.streams.get_records(ShardIterator=self.shard_iterator(arn), Limit=2)
        self.assertEqual(len(page["Records"]), 2)
        page = self.streams.get_records(ShardIterator=page["NextShardIterator"], Limit=10)
        self.assertEqual([r["dynamodb"]["SequenceNumber"] for r in page["Records"][:3]], seqs[2:])

    def test_update_table_enables_then_disables_the_stream(self):
        name, table = self.create_table()
        self.assertNotIn("LatestStreamArn", table)
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "before"}, "sk": {"N": "1"}})
        updated = self.ddb.update_table(
            TableName=name,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]
        arn = updated["LatestStreamArn"]
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "after"}, "sk": {"N": "1"}})
        records = self.read_records(arn, 1)
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in records], ["after"])
        self.assertIn(arn, [s["StreamArn"] for s in self.streams.list_streams()["Streams"]])

        self.ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        self.ddb.put_item(TableName=name, Item={"pk": {"S": "disabled"}, "sk": {"N": "1"}})
        described = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual(described["StreamStatus"], "DISABLED")
        self.assertIn("EndingSequenceNumber", described["Shards"][0]["SequenceNumberRange"])
        # Still readable; once drained the closed shard gives no next iterator.
        page = self.streams.get_records(ShardIterator=self.shard_iterator(arn))
        self.assertEqual([r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]], ["after"])
        self.assertNotIn("NextShardIterator", page)

    def test_errors_have_aws_codes(self):
        name, table = self.create_table("KEYS_ONLY")
        arn = table["LatestStreamArn"]
        with self.assertRaises(ClientError) as ctx:
            self.streams.describe_stream(StreamArn=arn.replace(name, name + "x"))
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ResourceNotFoundException")
        with self.assertRaises(ClientError) as ctx:
            self.streams.get_records(ShardIterator="not-an-iterator")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")
        with self.assertRaises(ClientError) as ctx:
            self.streams.get_shard_iterator(StreamArn=arn, ShardId="shardId-00000000000000000000-00000000",
                                            ShardIteratorType="LATEST")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ResourceNotFoundException")


class TtlStreamTest(StreamsMixin, unittest.TestCase):
    """TTL deletions appear as REMOVE records from the DynamoDB service."""

    @classmethod
    def setUpClass(cls):
        cls.flag = ttl_interval_flag()
        if cls.flag is None:
            raise unittest.SkipTest("kumo server has no TTL sweep interval flag")
        cls.kumo = KumoServer(cls.flag, "1", in_memory=True).start()
        cls.ddb = cls.kumo.client("dynamodb")
        cls.streams = cls.kumo.client("dynamodbstreams")

    @classmethod
    def tearDownClass(cls):
        cls.kumo.cleanup()

    def test_expired_item_is_removed_by_the_service(self):
        name, table = self.create_table("NEW_AND_OLD_IMAGES")
        self.ddb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        expired = str(int(time.time()) - 60)
        item = {"pk": {"S": "old"}, "sk": {"N": "1"}, "expires": {"N": expired}}
        self.ddb.put_item(TableName=name, Item=item)
        records = self.read_records(table["LatestStreamArn"], 2, timeout=30)
        self.assertEqual([r["eventName"] for r in records], ["INSERT", "REMOVE"])
        self.assertNotIn("userIdentity", records[0])
        self.assertEqual(records[1]["userIdentity"],
                         {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"})
        self.assertEqual(records[1]["dynamodb"]["OldImage"], item)
        self.assertNotIn("Item", self.ddb.get_item(TableName=name, Key={"pk": {"S": "old"},
                                                                       "sk": {"N": "1"}}))


if __name__ == "__main__":
    unittest.main()
