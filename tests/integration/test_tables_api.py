"""Tables (DynamoDB API) through boto3: tables, items, queries and scans
(with boto3's paginators), indexes, batches, transactions, TTL and tags.
Every expectation is what DynamoDB answers."""
import decimal
import threading
import time
import unittest

import botocore.exceptions
from boto3.dynamodb.conditions import Attr, Key

from kumo_harness import KumoServer, KumoTestCase


def error_of(call, **kwargs):
    with unittest.TestCase().assertRaises(botocore.exceptions.ClientError) as caught:
        call(**kwargs)
    return caught.exception.response


class TablesBoto3Test(KumoTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.kumo.client("dynamodb")
        cls.ddb.create_table(
            TableName="orders",
            AttributeDefinitions=[
                {"AttributeName": "customer", "AttributeType": "S"},
                {"AttributeName": "order_id", "AttributeType": "N"},
                {"AttributeName": "status", "AttributeType": "S"},
            ],
            KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"},
                       {"AttributeName": "order_id", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[{
                "IndexName": "by-status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }])
        cls.ddb.get_waiter("table_exists").wait(TableName="orders")
        for i in range(1, 31):
            item = {"customer": {"S": "alice" if i <= 20 else "bob"}, "order_id": {"N": str(i)},
                    "amount": {"N": str(i * 10)}}
            if i % 3 == 0:
                item["status"] = {"S": "shipped"}
            cls.ddb.put_item(TableName="orders", Item=item)

    def test_describe_list_and_errors(self):
        table = self.ddb.describe_table(TableName="orders")["Table"]
        self.assertEqual(table["TableStatus"], "ACTIVE")
        counted = sum(p["Count"] for p in self.ddb.get_paginator("scan").paginate(TableName="orders", Select="COUNT"))
        self.assertGreaterEqual(counted, 30)
        self.assertEqual(table["ItemCount"], counted)
        self.assertEqual(table["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(table["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE")
        self.assertIn("orders", self.ddb.list_tables()["TableNames"])
        err = error_of(self.ddb.describe_table, TableName="nothing")
        self.assertEqual(err["Error"]["Code"], "ResourceNotFoundException")
        self.assertEqual(err["Error"]["Message"], "Requested resource not found: Table: nothing not found")
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)

    def test_item_round_trip_and_conditions(self):
        self.ddb.put_item(TableName="orders", Item={"customer": {"S": "carol"}, "order_id": {"N": "1"},
                                                     "tags": {"SS": ["a", "b"]}, "meta": {"M": {"x": {"BOOL": True}}}})
        got = self.ddb.get_item(TableName="orders", Key={"customer": {"S": "carol"}, "order_id": {"N": "1"}},
                                ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
        self.assertEqual(got["Item"]["tags"], {"SS": ["a", "b"]})
        self.assertEqual(got["ConsumedCapacity"], {"TableName": "orders", "CapacityUnits": 1.0,
                                                   "ReadCapacityUnits": 1.0})
        err = error_of(self.ddb.put_item, TableName="orders",
                       Item={"customer": {"S": "carol"}, "order_id": {"N": "1"}},
                       ConditionExpression="attribute_not_exists(customer)",
                       ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertEqual(err["Error"]["Code"], "ConditionalCheckFailedException")
        self.assertEqual(err["Item"]["meta"], {"M": {"x": {"BOOL": True}}})
        updated = self.ddb.update_item(
            TableName="orders", Key={"customer": {"S": "carol"}, "order_id": {"N": "1"}},
            UpdateExpression="SET #c = if_not_exists(#c, :zero) + :one ADD tags :t",
            ExpressionAttributeNames={"#c": "count"},
            ExpressionAttributeValues={":zero": {"N": "0"}, ":one": {"N": "1"}, ":t": {"SS": ["c"]}},
            ReturnValues="UPDATED_NEW")
        self.assertEqual(updated["Attributes"], {"count": {"N": "1"}, "tags": {"SS": ["a", "b", "c"]}})
        err = error_of(self.ddb.update_item, TableName="orders",
                       Key={"customer": {"S": "carol"}, "order_id": {"N": "1"}},
                       UpdateExpression="SET order_id = :v", ExpressionAttributeValues={":v": {"N": "2"}})
        self.assertEqual(err["Error"]["Message"], "One or more parameter values were invalid: Cannot update "
                         "attribute order_id. This attribute is part of the key")
        old = self.ddb.delete_item(TableName="orders", Key={"customer": {"S": "carol"}, "order_id": {"N": "1"}},
                                   ReturnValues="ALL_OLD")
        self.assertEqual(old["Attributes"]["count"], {"N": "1"})

    def test_query_paginator_and_filters(self):
        paginator = self.ddb.get_paginator("query")
        pages = list(paginator.paginate(TableName="orders", KeyConditionExpression="customer = :c",
                                        ExpressionAttributeValues={":c": {"S": "alice"}},
                                        PaginationConfig={"PageSize": 7}))
        self.assertEqual([p["Count"] for p in pages], [7, 7, 6])
        ids = [int(i["order_id"]["N"]) for p in pages for i in p["Items"]]
        self.assertEqual(ids, list(range(1, 21)))
        rev = self.ddb.query(TableName="orders", KeyConditionExpression="customer = :c AND order_id >= :n",
                             FilterExpression="amount > :t", ScanIndexForward=False,
                             ExpressionAttributeValues={":c": {"S": "bob"}, ":n": {"N": "25"}, ":t": {"N": "270"}})
        self.assertEqual([int(i["order_id"]["N"]) for i in rev["Items"]], [30, 29, 28])
        self.assertEqual(rev["ScannedCount"], 6)
        gsi = self.ddb.query(TableName="orders", IndexName="by-status", KeyConditionExpression="#s = :s",
                             ExpressionAttributeNames={"#s": "status"},
                             ExpressionAttributeValues={":s": {"S": "shipped"}}, Select="COUNT")
        self.assertEqual(gsi["Count"], 10)
        err = error_of(self.ddb.query, TableName="orders", KeyConditionExpression="amount = :t",
                       ExpressionAttributeValues={":t": {"N": "1"}})
        self.assertEqual(err["Error"]["Code"], "ValidationException")

    def test_parallel_scan_covers_every_item(self):
        seen = []
        for segment in range(3):
            for page in self.ddb.get_paginator("scan").paginate(TableName="orders", Segment=segment,
                                                                 TotalSegments=3,
                                                                 PaginationConfig={"PageSize": 4}):
                seen += [(i["customer"]["S"], i["order_id"]["N"]) for i in page["Items"]]
        orders = [s for s in seen if s[0] in ("alice", "bob")]
        self.assertEqual(len(orders), 30)
        self.assertEqual(len(set(orders)), 30)

    def test_batches(self):
        self.ddb.batch_write_item(RequestItems={"orders": [
            {"PutRequest": {"Item": {"customer": {"S": "dave"}, "order_id": {"N": str(i)}}}} for i in range(25)]})
        keys = [{"customer": {"S": "dave"}, "order_id": {"N": str(i)}} for i in range(0, 25, 5)]
        got = self.ddb.batch_get_item(RequestItems={"orders": {"Keys": keys}})
        self.assertEqual(len(got["Responses"]["orders"]), 5)
        self.assertEqual(got["UnprocessedKeys"], {})
        err = error_of(self.ddb.batch_write_item, RequestItems={"orders": [
            {"DeleteRequest": {"Key": keys[0]}}, {"DeleteRequest": {"Key": keys[0]}}]})
        self.assertEqual(err["Error"]["Message"], "Provided list of item keys contains duplicates")

    def test_transactions(self):
        key = {"customer": {"S": "erin"}, "order_id": {"N": "1"}}
        self.ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": "orders", "Item": dict(key, amount={"N": "5"})}},
            {"Put": {"TableName": "orders", "Item": {"customer": {"S": "erin"}, "order_id": {"N": "2"}}}}],
            ClientRequestToken="erin-1")
        with self.assertRaises(self.ddb.exceptions.TransactionCanceledException) as caught:
            self.ddb.transact_write_items(TransactItems=[
                {"ConditionCheck": {"TableName": "orders", "Key": key, "ConditionExpression": "amount > :x",
                                    "ExpressionAttributeValues": {":x": {"N": "100"}}}},
                {"Delete": {"TableName": "orders", "Key": {"customer": {"S": "erin"}, "order_id": {"N": "2"}}}}])
        reasons = caught.exception.response["CancellationReasons"]
        self.assertEqual([r["Code"] for r in reasons], ["ConditionalCheckFailed", "None"])
        got = self.ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": "orders", "Key": key}},
            {"Get": {"TableName": "orders", "Key": {"customer": {"S": "erin"}, "order_id": {"N": "2"}}}}])
        self.assertEqual([r["Item"]["order_id"]["N"] for r in got["Responses"]], ["1", "2"])

    def test_update_table_adds_index_with_backfill(self):
        self.ddb.create_table(TableName="later", BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        for i in range(20):
            self.ddb.put_item(TableName="later", Item={"pk": {"S": f"k{i}"}, "color": {"S": "red" if i % 2 else "blue"}})
        self.ddb.update_table(TableName="later",
                              AttributeDefinitions=[{"AttributeName": "color", "AttributeType": "S"}],
                              GlobalSecondaryIndexUpdates=[{"Create": {
                                  "IndexName": "by-color",
                                  "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}],
                                  "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            index = self.ddb.describe_table(TableName="later")["Table"]["GlobalSecondaryIndexes"][0]
            if index["IndexStatus"] == "ACTIVE":
                break
            time.sleep(0.05)
        self.assertEqual(index["IndexStatus"], "ACTIVE")
        red = self.ddb.query(TableName="later", IndexName="by-color", KeyConditionExpression="color = :c",
                             ExpressionAttributeValues={":c": {"S": "red"}})
        self.assertEqual(red["Count"], 10)
        self.assertEqual(set(red["Items"][0]), {"pk", "color"})

    def test_ttl_tags_and_delete(self):
        self.ddb.create_table(TableName="scratch", BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                              Tags=[{"Key": "env", "Value": "test"}])
        arn = self.ddb.describe_table(TableName="scratch")["Table"]["TableArn"]
        self.assertEqual(self.ddb.list_tags_of_resource(ResourceArn=arn)["Tags"], [{"Key": "env", "Value": "test"}])
        self.ddb.update_time_to_live(TableName="scratch",
                                     TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        self.assertEqual(self.ddb.describe_time_to_live(TableName="scratch")["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})
        deleted = self.ddb.delete_table(TableName="scratch")
        self.assertEqual(deleted["TableDescription"]["TableStatus"], "DELETING")
        self.ddb.get_waiter("table_not_exists").wait(TableName="scratch", WaiterConfig={"Delay": 1})


class TablesResourceTest(KumoTestCase):
    """The boto3 resource layer (Table, conditions, Decimal numbers)."""

    def test_resource_table(self):
        ddb = self.kumo.client("dynamodb")
        import boto3
        resource = boto3.resource("dynamodb", endpoint_url=self.kumo.endpoint, region_name="us-east-1",
                                  aws_access_key_id="test", aws_secret_access_key="test")
        table = resource.create_table(
            TableName="people", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "team", "AttributeType": "S"},
                                  {"AttributeName": "name", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "team", "KeyType": "HASH"}, {"AttributeName": "name", "KeyType": "RANGE"}])
        table.wait_until_exists()
        with table.batch_writer() as batch:
            for i in range(40):
                batch.put_item(Item={"team": "core" if i < 30 else "ops", "name": f"n{i:02d}",
                                     "age": decimal.Decimal(20 + i), "score": decimal.Decimal("1.25")})
        result = table.query(KeyConditionExpression=Key("team").eq("core") & Key("name").begins_with("n1"),
                             FilterExpression=Attr("age").gt(32))
        self.assertEqual([i["name"] for i in result["Items"]], ["n13", "n14", "n15", "n16", "n17", "n18", "n19"])
        self.assertEqual(result["Items"][0]["score"], decimal.Decimal("1.25"))
        self.assertEqual(ddb.describe_table(TableName="people")["Table"]["ItemCount"], 40)


class TablesDurabilityTest(unittest.TestCase):
    """Acknowledged writes survive a restart and a SIGKILL."""

    def test_writes_survive_restart_and_kill(self):
        server = KumoServer().start()
        try:
            ddb = server.client("dynamodb")
            ddb.create_table(TableName="durable", BillingMode="PAY_PER_REQUEST",
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
            acknowledged = []
            lock = threading.Lock()

            def writer(t):
                client = server.client("dynamodb")
                for i in range(40):
                    client.put_item(TableName="durable", Item={"pk": {"S": f"{t}-{i}"}})
                    with lock:
                        acknowledged.append(f"{t}-{i}")

            threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            import signal
            server.stop(signal.SIGKILL)
            server.start()
            ddb = server.client("dynamodb")
            keys = {i["pk"]["S"] for p in ddb.get_paginator("scan").paginate(TableName="durable") for i in p["Items"]}
            self.assertEqual(keys, set(acknowledged))
            server.stop()
            server.start()
            self.assertEqual(len(server.client("dynamodb").scan(TableName="durable")["Items"]), 160)
        finally:
            server.cleanup()


if __name__ == "__main__":
    unittest.main()
