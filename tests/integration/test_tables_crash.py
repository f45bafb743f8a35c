"""Crash safety of tables: `kill -9` in the middle of a stream of PutItem
calls from several threads loses no acknowledged write and leaves no item
half-written, in the table or in its global secondary index.

The server runs on a data directory with its default durability (a write is
acknowledged once it is in the fsynced WAL). Writes in flight when the
process dies may or may not be present after the restart; acknowledged ones
must be, each with exactly the attributes it was written with.
"""
import hashlib
import shutil
import signal
import tempfile
import threading
import time
import unittest

from botocore.config import Config

from kumo_harness import KumoServer

WRITERS = 8
MIN_ACKED = 400        # acknowledged writes before the kill
MAX_WAIT_S = 60        # bound on waiting for them
GSI_PARTITIONS = 7


def expected_item(writer, i):
    """The item writer `writer` puts as its i-th write; every attribute is
    derived from the key, so any item read back can be checked on its own."""
    pk = f"w{writer}-{i:06d}"
    digest = hashlib.sha256(pk.encode()).hexdigest()
    return {
        "pk": {"S": pk},
        "n": {"N": str(i)},
        "g": {"S": f"g{i % GSI_PARTITIONS}"},
        "payload": {"S": digest * (1 + i % 8)},
        "tags": {"SS": [digest[:6], digest[6:12]]},
    }


def item_for_pk(pk):
    writer, i = pk[1:].split("-")
    return expected_item(int(writer), int(i))


def normalized(item):
    """`item` with its sets sorted: DynamoDB sets have no order."""
    return {name: ({kind: sorted(v)} if kind in ("SS", "NS", "BS") else {kind: v})
            for name, value in item.items() for kind, v in value.items()}


class CrashTest(unittest.TestCase):
    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="kumo-crash-")
        self.addCleanup(shutil.rmtree, self.data_dir, ignore_errors=True)
        self.kumo = KumoServer(data_dir=self.data_dir).start()
        self.addCleanup(self.kumo.cleanup)

    def client(self):
        return self.kumo.client("dynamodb", connect_timeout=5, read_timeout=10)

    def test_acknowledged_writes_survive_kill_9(self):
        ddb = self.client()
        ddb.create_table(
            TableName="crash",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"},
                                  {"AttributeName": "n", "AttributeType": "N"}],
            GlobalSecondaryIndexes=[{
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                              {"AttributeName": "n", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }],
            BillingMode="PAY_PER_REQUEST",
        )
        self.wait_active(ddb)

        acked = []
        lock = threading.Lock()
        stop = threading.Event()

        def writer(w):
            client = self.client()  # boto3 clients are not shared across threads here
            i = 0
            while not stop.is_set():
                item = expected_item(w, i)
                try:
                    client.put_item(TableName="crash", Item=item)
                except Exception:  # the server died: this write is unacknowledged
                    return
                with lock:
                    acked.append(item["pk"]["S"])
                i += 1

        threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(WRITERS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + MAX_WAIT_S
        while time.monotonic() < deadline:
            with lock:
                if len(acked) >= MIN_ACKED:
                    break
            time.sleep(0.01)
        # Kill while the writers are still going: some writes are in flight.
        self.kumo.stop(signal.SIGKILL)
        stop.set()
        for t in threads:
            t.join(timeout=30)
        with lock:
            acknowledged = list(acked)
        self.assertGreaterEqual(len(acknowledged), MIN_ACKED, "the writers were too slow")

        self.kumo.start()
        ddb = self.client()
        # Every acknowledged write is there, with its value.
        for pk in acknowledged:
            got = ddb.get_item(TableName="crash", Key={"pk": {"S": pk}}, ConsistentRead=True)
            self.assertIn("Item", got, f"acknowledged write {pk} is missing after kill -9")
            self.assertEqual(normalized(got["Item"]), normalized(item_for_pk(pk)))

        # Nothing is half-written: every item present (acknowledged or not) is
        # whole, and the index holds exactly the table's items.
        table_items = self.scan(ddb, {})
        for item in table_items.values():
            self.assertEqual(normalized(item), normalized(item_for_pk(item["pk"]["S"])))
        index_items = self.scan(ddb, {"IndexName": "by-g"})
        self.assertEqual(set(index_items), set(table_items),
                         "table and index disagree after the crash")
        for item in index_items.values():
            self.assertEqual(normalized(item), normalized(item_for_pk(item["pk"]["S"])))
        self.assertTrue(set(acknowledged) <= set(table_items))

        # Through the index, by query: every acknowledged item is found.
        found = set()
        for g in range(GSI_PARTITIONS):
            kwargs = dict(TableName="crash", IndexName="by-g",
                          KeyConditionExpression="g = :g",
                          ExpressionAttributeValues={":g": {"S": f"g{g}"}})
            while True:
                page = ddb.query(**kwargs)
                numbers = [int(item["n"]["N"]) for item in page["Items"]]
                self.assertEqual(numbers, sorted(numbers), "index order by sort key")
                found.update(item["pk"]["S"] for item in page["Items"])
                if "LastEvaluatedKey" not in page:
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        missing = set(acknowledged) - found
        self.assertFalse(missing, f"{len(missing)} acknowledged items not found through the index")

    def wait_active(self, ddb, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            table = ddb.describe_table(TableName="crash")["Table"]
            statuses = [table["TableStatus"]] + [
                g["IndexStatus"] for g in table.get("GlobalSecondaryIndexes", [])]
            if all(s == "ACTIVE" for s in statuses):
                return
            time.sleep(0.05)
        self.fail("table did not become ACTIVE")

    @staticmethod
    def scan(ddb, extra):
        items = {}
        kwargs = dict(TableName="crash", **extra)
        while True:
            page = ddb.scan(**kwargs)
            for item in page["Items"]:
                items[item["pk"]["S"]] = item
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


if __name__ == "__main__":
    unittest.main()
