"""PartiQL for tables through boto3 and the AWS CLI: ExecuteStatement
(SELECT as a query or a scan with Limit/NextToken paging, INSERT, UPDATE,
DELETE with RETURNING), BatchExecuteStatement with per-statement errors and
ExecuteTransaction with cancellation reasons, each answered as DynamoDB
answers them."""
import json
import unittest

import botocore.exceptions

from kumo_harness import KumoTestCase


class TablesPartiqlTest(KumoTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ddb = cls.kumo.client("dynamodb")
        cls.ddb.create_table(
            TableName="Music",
            AttributeDefinitions=[{"AttributeName": "Artist", "AttributeType": "S"},
                                  {"AttributeName": "SongTitle", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "Artist", "KeyType": "HASH"},
                       {"AttributeName": "SongTitle", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST")

    def run_statement(self, statement, *parameters, **kwargs):
        if parameters:
            kwargs["Parameters"] = list(parameters)
        return self.ddb.execute_statement(Statement=statement, **kwargs)

    def error_of(self, statement, *parameters, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            self.run_statement(statement, *parameters, **kwargs)
        return caught.exception.response

    def test_insert_select_update_delete(self):
        out = self.run_statement('INSERT INTO "Music" VALUE {\'Artist\': ?, \'SongTitle\': ?, \'Year\': 2020}',
                                 {"S": "Acme Band"}, {"S": "PartiQL Rocks"})
        self.assertEqual(out["Items"], [])
        with self.assertRaises(self.ddb.exceptions.DuplicateItemException) as dup:
            self.run_statement("INSERT INTO Music VALUE {'Artist': 'Acme Band', 'SongTitle': 'PartiQL Rocks'}")
        self.assertEqual(dup.exception.response["Error"]["Message"], "Duplicate primary key exists in table")

        items = self.run_statement("SELECT SongTitle, \"Year\" FROM Music WHERE Artist = ?",
                                   {"S": "Acme Band"})["Items"]
        self.assertEqual(items, [{"SongTitle": {"S": "PartiQL Rocks"}, "Year": {"N": "2020"}}])

        updated = self.run_statement(
            "UPDATE Music SET AwardsWon = 1 SET AwardDetail = {'Grammys': [2020, 2018]} "
            "WHERE Artist = 'Acme Band' AND SongTitle = 'PartiQL Rocks' RETURNING ALL NEW *")["Items"]
        self.assertEqual(updated[0]["AwardDetail"], {"M": {"Grammys": {"L": [{"N": "2020"}, {"N": "2018"}]}}})
        self.run_statement("UPDATE Music SET AwardDetail.Grammys = list_append(AwardDetail.Grammys, [2016]) "
                           "WHERE Artist = 'Acme Band' AND SongTitle = 'PartiQL Rocks'")
        got = self.ddb.get_item(TableName="Music",
                                Key={"Artist": {"S": "Acme Band"}, "SongTitle": {"S": "PartiQL Rocks"}})["Item"]
        self.assertEqual(len(got["AwardDetail"]["M"]["Grammys"]["L"]), 3)

        # UPDATE requires the item; other WHERE conditions are conditions on it.
        with self.assertRaises(self.ddb.exceptions.ConditionalCheckFailedException):
            self.run_statement("UPDATE Music SET AwardsWon = 2 WHERE Artist = 'Nobody' AND SongTitle = 'x'")
        err = self.error_of("UPDATE Music SET AwardsWon = 2 WHERE Artist = 'Acme Band' "
                            "AND SongTitle = 'PartiQL Rocks' AND AwardsWon > 5",
                            ReturnValuesOnConditionCheckFailure="ALL_OLD")
        self.assertEqual(err["Error"]["Code"], "ConditionalCheckFailedException")
        self.assertEqual(err["Item"]["AwardsWon"], {"N": "1"})

        deleted = self.run_statement("DELETE FROM Music WHERE Artist = 'Acme Band' AND SongTitle = 'PartiQL Rocks' "
                                     "RETURNING ALL OLD *")["Items"]
        self.assertEqual(deleted[0]["Year"], {"N": "2020"})
        self.assertEqual(self.run_statement("DELETE FROM Music WHERE Artist = 'Acme Band' "
                                            "AND SongTitle = 'PartiQL Rocks'")["Items"], [])

    def test_select_pages_with_limit_and_next_token(self):
        for i in range(7):
            self.run_statement("INSERT INTO Music VALUE {'Artist': 'Pager', 'SongTitle': ?, 'n': ?}",
                               {"S": f"song-{i}"}, {"N": str(i)})
        titles, token, pages = [], None, 0
        while True:
            kwargs = {"Limit": 3, "ReturnConsumedCapacity": "TOTAL"}
            if token:
                kwargs["NextToken"] = token
            page = self.run_statement("SELECT SongTitle FROM Music WHERE Artist = 'Pager' AND n >= 1", **kwargs)
            self.assertEqual(page["ConsumedCapacity"]["TableName"], "Music")
            titles += [item["SongTitle"]["S"] for item in page["Items"]]
            pages += 1
            token = page.get("NextToken")
            if not token or pages > 5:
                break
        self.assertEqual(titles, [f"song-{i}" for i in range(1, 7)])
        self.assertEqual(pages, 3)
        descending = self.run_statement(
            "SELECT n FROM Music WHERE Artist = 'Pager' AND SongTitle > 'song-4' ORDER BY SongTitle DESC")["Items"]
        self.assertEqual(descending, [{"n": {"N": "6"}}, {"n": {"N": "5"}}])
        # Without an equality on the partition key, a scan with the WHERE as filter.
        scanned = self.run_statement("SELECT * FROM Music WHERE n BETWEEN 2 AND 3")["Items"]
        self.assertEqual(sorted(item["n"]["N"] for item in scanned), ["2", "3"])

    def test_errors_are_dynamodb_errors(self):
        err = self.error_of("SELECT * FROM Music WHERE")
        self.assertEqual(err["Error"]["Code"], "ValidationException")
        self.assertEqual(err["Error"]["Message"], "Statement wasn't well formed, can't be processed: Unexpected term")
        err = self.error_of("SELECT * FROM Music WHERE Artist = ?")
        self.assertEqual(err["Error"]["Message"], "Number of parameters in request and statement don't match.")
        err = self.error_of("DELETE FROM Music WHERE Artist = 'a'")
        self.assertEqual(err["Error"]["Message"],
                         "Where clause does not contain a mandatory equality on all key attributes")
        err = self.error_of("SELECT * FROM Nope")
        self.assertEqual(err["Error"]["Code"], "ResourceNotFoundException")

    def test_batch_execute_statement(self):
        out = self.ddb.batch_execute_statement(Statements=[
            {"Statement": "INSERT INTO Music VALUE {'Artist': 'Batch', 'SongTitle': 'one'}"},
            {"Statement": "INSERT INTO Music VALUE {'Artist': 'Batch', 'SongTitle': 'one'}"},
            {"Statement": "INSERT INTO Music VALUE {'Artist': 'Batch', 'SongTitle': ?}",
             "Parameters": [{"S": "two"}]},
        ])["Responses"]
        self.assertNotIn("Error", out[0])
        self.assertEqual(out[1]["Error"]["Code"], "DuplicateItem")
        self.assertNotIn("Error", out[2])
        read = self.ddb.batch_execute_statement(Statements=[
            {"Statement": "SELECT * FROM Music WHERE Artist = 'Batch' AND SongTitle = 'two'"},
            {"Statement": "SELECT * FROM Music WHERE Artist = 'Batch' AND SongTitle = 'three'"},
        ])["Responses"]
        self.assertEqual(read[0]["Item"]["SongTitle"], {"S": "two"})
        self.assertNotIn("Item", read[1])

    def test_execute_transaction(self):
        self.run_statement("INSERT INTO Music VALUE {'Artist': 'Tx', 'SongTitle': 'a', 'plays': 1}")
        self.ddb.execute_transaction(TransactStatements=[
            {"Statement": "UPDATE Music SET plays = plays + 1 WHERE Artist = 'Tx' AND SongTitle = 'a'"},
            {"Statement": "INSERT INTO Music VALUE {'Artist': 'Tx', 'SongTitle': 'b'}"},
        ])
        with self.assertRaises(self.ddb.exceptions.TransactionCanceledException) as caught:
            self.ddb.execute_transaction(TransactStatements=[
                {"Statement": "INSERT INTO Music VALUE {'Artist': 'Tx', 'SongTitle': 'c'}"},
                {"Statement": "INSERT INTO Music VALUE {'Artist': 'Tx', 'SongTitle': 'b'}"},
            ])
        reasons = caught.exception.response["CancellationReasons"]
        self.assertEqual([r["Code"] for r in reasons], ["None", "DuplicateItem"])
        read = self.ddb.execute_transaction(TransactStatements=[
            {"Statement": "SELECT plays FROM Music WHERE Artist = 'Tx' AND SongTitle = 'a'"},
            {"Statement": "SELECT * FROM Music WHERE Artist = 'Tx' AND SongTitle = 'c'"},
        ])["Responses"]
        self.assertEqual(read, [{"Item": {"plays": {"N": "2"}}}, {}])

    def test_aws_cli_execute_statement(self):
        self.kumo.aws_cli("dynamodb", "execute-statement", "--statement",
                          "INSERT INTO Music VALUE {'Artist': 'Cli', 'SongTitle': 'x'}")
        _, out, _ = self.kumo.aws_cli("dynamodb", "execute-statement", "--statement",
                                      "SELECT * FROM Music WHERE Artist = ?",
                                      "--parameters", '[{"S": "Cli"}]')
        self.assertEqual(json.loads(out)["Items"], [{"Artist": {"S": "Cli"}, "SongTitle": {"S": "x"}}])


if __name__ == "__main__":
    unittest.main()
