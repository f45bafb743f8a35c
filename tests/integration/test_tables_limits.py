"""Tables (DynamoDB API) through boto3: the limits, validation errors and
legacy parameters an application meets, each with the error type and
message DynamoDB answers, plus local secondary indexes, the 1 MB page and
transaction idempotency."""
import unittest

import botocore.exceptions

from kumo_harness import KumoTestCase


def error_of(call, **kwargs):
    with unittest.TestCase().assertRaises(botocore.exceptions.ClientError) as caught:
        call(**kwargs)
    return caught.exception.response


def key(pk, sk):
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


class TablesLimitsTest(KumoTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.kumo.client("dynamodb")
        cls.ddb.create_table(
            TableName="limits",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "N"},
                                  {"AttributeName": "rank", "AttributeType": "N"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            LocalSecondaryIndexes=[{
                "IndexName": "by-rank",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "rank", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            BillingMode="PAY_PER_REQUEST")

    def validation(self, call, **kwargs):
        err = error_of(call, **kwargs)
        self.assertEqual(err["Error"]["Code"], "ValidationException", err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 400)
        return err["Error"]["Message"]

    def test_item_size_limit_is_400_kb_counted_as_dynamodb_counts(self):
        # Name bytes + value bytes: "pk"(2)+1, "sk"(2)+N, "blob"(4)+len.
        base = 2 + 1 + 2 + 2 + 4
        self.ddb.put_item(TableName="limits",
                          Item=dict(key("a", 1), blob={"S": "x" * (400 * 1024 - base)}))
        message = self.validation(self.ddb.put_item, TableName="limits",
                                  Item=dict(key("a", 2), blob={"S": "x" * (400 * 1024 - base + 1)}))
        self.assertEqual(message, "Item size has exceeded the maximum allowed size")
        message = self.validation(
            self.ddb.update_item, TableName="limits", Key=key("a", 1),
            UpdateExpression="SET more = :m", ExpressionAttributeValues={":m": {"S": "yy"}})
        self.assertEqual(message, "Item size to update has exceeded the maximum allowed size")

    def test_key_sizes_and_empty_values(self):
        message = self.validation(self.ddb.put_item, TableName="limits", Item=key("p" * 2049, 1))
        self.assertEqual(message, "One or more parameter values were invalid: Size of hashkey has exceeded the "
                                  "maximum size limit of2048 bytes")
        self.ddb.put_item(TableName="limits", Item=key("p" * 2048, 1))
        self.assertIn("Item", self.ddb.get_item(TableName="limits", Key=key("p" * 2048, 1)))
        message = self.validation(self.ddb.put_item, TableName="limits", Item=key("", 1))
        self.assertEqual(message, "One or more parameter values are not valid. The AttributeValue for a key "
                                  "attribute cannot contain an empty string value. Key: pk")
        message = self.validation(self.ddb.put_item, TableName="limits",
                                  Item=dict(key("b", 1), s={"SS": []}))
        self.assertEqual(message, "One or more parameter values were invalid: An string set  may not be empty")
        message = self.validation(self.ddb.put_item, TableName="limits",
                                  Item=dict(key("b", 1), s={"SS": ["x", "x"]}))
        self.assertEqual(message, "One or more parameter values were invalid: Input collection [x, x] "
                                  "contains duplicates.")
        message = self.validation(self.ddb.put_item, TableName="limits", Item={"pk": {"S": "b"}})
        self.assertEqual(message, "One or more parameter values were invalid: Missing the key sk in the item")
        message = self.validation(self.ddb.put_item, TableName="limits",
                                  Item={"pk": {"S": "b"}, "sk": {"S": "1"}})
        self.assertEqual(message, "One or more parameter values were invalid: Type mismatch for key sk "
                                  "expected: N actual: S")

    def test_numbers_keep_38_digits_and_are_normalised(self):
        self.ddb.put_item(TableName="limits", Item=dict(
            key("n", 1), big={"N": "12345678901234567890123456789012345678"},
            tiny={"N": "1E-130"},
            padded={"N": "00100.2500"}, ns={"NS": ["1.0", "2", "-0"]}))
        item = self.ddb.get_item(TableName="limits", Key=key("n", 1))["Item"]
        self.assertEqual(item["big"], {"N": "12345678901234567890123456789012345678"})
        # DynamoDB answers numbers in plain notation, never with an exponent.
        self.assertEqual(item["tiny"], {"N": "0." + "0" * 129 + "1"})
        self.assertEqual(item["padded"], {"N": "100.25"})
        self.assertEqual(sorted(item["ns"]["NS"]), ["0", "1", "2"])
        added = self.ddb.update_item(
            TableName="limits", Key=key("n", 1), UpdateExpression="SET big = big + :one",
            ExpressionAttributeValues={":one": {"N": "1"}}, ReturnValues="UPDATED_NEW")
        self.assertEqual(added["Attributes"]["big"], {"N": "12345678901234567890123456789012345679"})
        message = self.validation(self.ddb.put_item, TableName="limits", Item=dict(
            key("n", 2), x={"N": "123456789012345678901234567890123456789"}))
        self.assertEqual(message, "Attempting to store more than 38 significant digits in a Number")
        message = self.validation(self.ddb.put_item, TableName="limits",
                                  Item=dict(key("n", 2), x={"N": "1E+126"}))
        self.assertEqual(message, "Number overflow. Attempting to store a number with magnitude larger than "
                                  "supported range")
        message = self.validation(self.ddb.put_item, TableName="limits",
                                  Item=dict(key("n", 2), x={"N": "abc"}))
        self.assertEqual(message, "The parameter cannot be converted to a numeric value: abc")

    def test_expression_errors(self):
        message = self.validation(self.ddb.update_item, TableName="limits", Key=key("e", 1),
                                  UpdateExpression="SET status = :s",
                                  ExpressionAttributeValues={":s": {"S": "x"}})
        self.assertEqual(message, "Invalid UpdateExpression: Attribute name is a reserved keyword; "
                                  "reserved keyword: status")
        message = self.validation(self.ddb.put_item, TableName="limits", Item=key("e", 1),
                                  ConditionExpression="attribute_not_exists(pk)",
                                  ExpressionAttributeValues={":unused": {"S": "x"}})
        self.assertEqual(message, "Value provided in ExpressionAttributeValues unused in expressions: "
                                  "keys: {:unused}")
        message = self.validation(self.ddb.put_item, TableName="limits", Item=key("e", 1),
                                  ConditionExpression="#a = :v", ExpressionAttributeNames={"#a": "a"})
        self.assertEqual(message, "Invalid ConditionExpression: An expression attribute value used in "
                                  "expression is not defined; attribute value: :v")
        message = self.validation(self.ddb.update_item, TableName="limits", Key=key("e", 1),
                                  UpdateExpression="SET a = :v REMOVE a",
                                  ExpressionAttributeValues={":v": {"N": "1"}})
        self.assertEqual(message, "Invalid UpdateExpression: Two document paths overlap with each other; "
                                  "must remove or rewrite one of these paths; path one: [a], path two: [a]")

    def test_update_expression_actions_and_return_values(self):
        self.ddb.put_item(TableName="limits", Item=dict(
            key("u", 1), l={"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]}, tags={"SS": ["a", "b"]},
            m={"M": {"deep": {"M": {"v": {"N": "1"}}}}}))
        result = self.ddb.update_item(
            TableName="limits", Key=key("u", 1),
            UpdateExpression="SET l = list_append(l, :more), m.deep.v = m.deep.v - :one, "
                             "fresh = if_not_exists(fresh, :zero) ADD n :one DELETE tags :a",
            ExpressionAttributeValues={":more": {"L": [{"N": "4"}]}, ":one": {"N": "1"},
                                       ":zero": {"N": "0"}, ":a": {"SS": ["a"]}},
            ReturnValues="ALL_NEW")
        self.assertEqual(len(result["Attributes"]["l"]["L"]), 4)
        result = self.ddb.update_item(TableName="limits", Key=key("u", 1), UpdateExpression="REMOVE l[0]",
                                      ReturnValues="ALL_NEW")
        item = result["Attributes"]
        self.assertEqual(item["l"], {"L": [{"N": "2"}, {"N": "3"}, {"N": "4"}]})
        self.assertEqual(item["m"], {"M": {"deep": {"M": {"v": {"N": "0"}}}}})
        self.assertEqual(item["tags"], {"SS": ["b"]})
        self.assertEqual((item["n"], item["fresh"]), ({"N": "1"}, {"N": "0"}))
        old = self.ddb.update_item(TableName="limits", Key=key("u", 1), UpdateExpression="REMOVE fresh",
                                   ReturnValues="UPDATED_OLD")
        self.assertEqual(old["Attributes"], {"fresh": {"N": "0"}})
        projected = self.ddb.get_item(TableName="limits", Key=key("u", 1),
                                      ProjectionExpression="l[1], m.deep.v, #n",
                                      ExpressionAttributeNames={"#n": "n"})["Item"]
        self.assertEqual(projected, {"l": {"L": [{"N": "3"}]}, "m": {"M": {"deep": {"M": {"v": {"N": "0"}}}}},
                                     "n": {"N": "1"}})
        message = self.validation(self.ddb.update_item, TableName="limits", Key=key("u", 1),
                                  UpdateExpression="ADD tags :n", ExpressionAttributeValues={":n": {"N": "1"}})
        self.assertEqual(message, "An operand in the update expression has an incorrect data type")

    def test_legacy_parameters(self):
        self.ddb.put_item(TableName="limits", Item=dict(key("legacy", 1), color={"S": "red"}, rank={"N": "5"}),
                          Expected={"color": {"Exists": False}})
        err = error_of(self.ddb.put_item, TableName="limits", Item=key("legacy", 1),
                       Expected={"color": {"Value": {"S": "blue"}}})
        self.assertEqual(err["Error"]["Code"], "ConditionalCheckFailedException")
        self.ddb.update_item(TableName="limits", Key=key("legacy", 1),
                             AttributeUpdates={"count": {"Action": "ADD", "Value": {"N": "2"}},
                                               "color": {"Action": "PUT", "Value": {"S": "green"}}})
        got = self.ddb.get_item(TableName="limits", Key=key("legacy", 1), AttributesToGet=["color", "count"])
        self.assertEqual(got["Item"], {"color": {"S": "green"}, "count": {"N": "2"}})
        for sk in range(2, 6):
            self.ddb.put_item(TableName="limits", Item=dict(key("legacy", sk), rank={"N": str(10 - sk)}))
        queried = self.ddb.query(
            TableName="limits",
            KeyConditions={"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "legacy"}]},
                           "sk": {"ComparisonOperator": "BETWEEN",
                                  "AttributeValueList": [{"N": "2"}, {"N": "4"}]}},
            QueryFilter={"rank": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "7"}]}})
        self.assertEqual([i["sk"]["N"] for i in queried["Items"]], ["2", "3"])
        self.assertEqual(queried["ScannedCount"], 3)
        scanned = self.ddb.scan(TableName="limits", ScanFilter={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "legacy"}]},
            "color": {"ComparisonOperator": "NOT_NULL"}})
        self.assertEqual([i["sk"]["N"] for i in scanned["Items"]], ["1"])
        message = self.validation(self.ddb.query, TableName="limits", KeyConditionExpression="pk = :p",
                                  ExpressionAttributeValues={":p": {"S": "legacy"}},
                                  QueryFilter={"rank": {"ComparisonOperator": "GE",
                                                        "AttributeValueList": [{"N": "7"}]}})
        self.assertIn("Can not use both expression and non-expression parameters", message)

    def test_local_index_orders_by_its_sort_key(self):
        for sk, rank in ((1, 30), (2, 10), (3, 20)):
            self.ddb.put_item(TableName="limits", Item=dict(key("lsi", sk), rank={"N": str(rank)}))
        self.ddb.put_item(TableName="limits", Item=key("lsi", 4))  # sparse: not in the index
        result = self.ddb.query(TableName="limits", IndexName="by-rank", KeyConditionExpression="pk = :p",
                                ExpressionAttributeValues={":p": {"S": "lsi"}})
        self.assertEqual([(i["sk"]["N"], i["rank"]["N"]) for i in result["Items"]],
                         [("2", "10"), ("3", "20"), ("1", "30")])
        self.assertEqual(set(result["Items"][0]), {"pk", "sk", "rank"})
        metrics = self.ddb.put_item(TableName="limits", Item=dict(key("lsi", 5), rank={"N": "1"}),
                                    ReturnItemCollectionMetrics="SIZE")
        self.assertEqual(metrics["ItemCollectionMetrics"]["ItemCollectionKey"], {"pk": {"S": "lsi"}})
        self.assertEqual(len(metrics["ItemCollectionMetrics"]["SizeEstimateRangeGB"]), 2)

    def test_pages_stop_at_one_megabyte(self):
        blob = "z" * (100 * 1024)
        for sk in range(15):
            self.ddb.put_item(TableName="limits", Item=dict(key("page", sk), blob={"S": blob}))
        first = self.ddb.query(TableName="limits", KeyConditionExpression="pk = :p",
                               ExpressionAttributeValues={":p": {"S": "page"}})
        self.assertLess(first["Count"], 15)
        self.assertGreaterEqual(first["Count"], 9)
        self.assertIn("LastEvaluatedKey", first)
        rest = self.ddb.query(TableName="limits", KeyConditionExpression="pk = :p",
                              ExpressionAttributeValues={":p": {"S": "page"}},
                              ExclusiveStartKey=first["LastEvaluatedKey"])
        self.assertEqual(first["Count"] + rest["Count"], 15)
        self.assertNotIn("LastEvaluatedKey", rest)

    def test_batch_and_transaction_limits(self):
        message = self.validation(self.ddb.batch_get_item, RequestItems={
            "limits": {"Keys": [key("bg", i) for i in range(101)]}})
        self.assertIn("Too many items requested for the BatchGetItem call", message)
        message = self.validation(self.ddb.batch_write_item, RequestItems={
            "limits": [{"PutRequest": {"Item": key("bw", i)}} for i in range(26)]})
        self.assertIn("Member must have length less than or equal to 25", message)
        message = self.validation(self.ddb.transact_write_items, TransactItems=[
            {"Put": {"TableName": "limits", "Item": key("tx", i)}} for i in range(101)])
        self.assertIn("Member must have length less than or equal to 100", message)
        message = self.validation(self.ddb.transact_write_items, TransactItems=[
            {"Put": {"TableName": "limits", "Item": key("tx", 1)}},
            {"Delete": {"TableName": "limits", "Key": key("tx", 1)}}])
        self.assertEqual(message, "Transaction request cannot include multiple operations on one item")

    def test_client_request_token_makes_a_transaction_idempotent(self):
        items = [{"Update": {"TableName": "limits", "Key": key("idem", 1), "UpdateExpression": "ADD n :one",
                             "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
        self.ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-1")
        self.ddb.transact_write_items(TransactItems=items, ClientRequestToken="token-1")
        self.assertEqual(self.ddb.get_item(TableName="limits", Key=key("idem", 1))["Item"]["n"], {"N": "1"})
        err = error_of(self.ddb.transact_write_items, ClientRequestToken="token-1", TransactItems=[
            {"Put": {"TableName": "limits", "Item": key("idem", 2)}}])
        self.assertEqual(err["Error"]["Code"], "IdempotentParameterMismatchException")
        cancelled = error_of(self.ddb.transact_write_items, TransactItems=[
            {"ConditionCheck": {"TableName": "limits", "Key": key("idem", 1),
                                "ConditionExpression": "n > :five",
                                "ExpressionAttributeValues": {":five": {"N": "5"}},
                                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Put": {"TableName": "limits", "Item": key("idem", 3)}}])
        self.assertEqual(cancelled["Error"]["Code"], "TransactionCanceledException")
        reasons = cancelled["CancellationReasons"]
        self.assertEqual(reasons[0]["Code"], "ConditionalCheckFailed")
        self.assertEqual(reasons[0]["Item"]["n"], {"N": "1"})
        self.assertEqual(reasons[1]["Code"], "None")
        self.assertNotIn("Item", self.ddb.get_item(TableName="limits", Key=key("idem", 3)))

    def test_endpoints_limits_and_table_listing(self):
        endpoints = self.ddb.describe_endpoints()["Endpoints"]
        self.assertEqual(endpoints[0]["CachePeriodInMinutes"], 1440)
        limits = self.ddb.describe_limits()
        self.assertEqual(limits["TableMaxWriteCapacityUnits"], 40000)
        for i in range(4):
            self.ddb.create_table(TableName=f"list-{i}", BillingMode="PAY_PER_REQUEST",
                                  AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                  KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        names = [n for page in self.ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2})
                 for n in page["TableNames"]]
        self.assertEqual(names, sorted(names))
        self.assertTrue({"list-0", "list-1", "list-2", "list-3", "limits"} <= set(names))
        err = error_of(self.ddb.create_table, TableName="list-0", BillingMode="PAY_PER_REQUEST",
                       AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                       KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        self.assertEqual(err["Error"]["Code"], "ResourceInUseException")
        self.assertEqual(err["Error"]["Message"], "Table already exists: list-0")


if __name__ == "__main__":
    unittest.main()
