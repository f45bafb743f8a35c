"""CloudWatch Logs through real clients: log groups, streams, PutLogEvents,
GetLogEvents and FilterLogEvents with boto3 (including its paginators), and
`aws logs describe-log-groups / get-log-events / filter-log-events` with the
AWS CLI. Every expectation is what AWS answers."""
import json
import shutil
import signal
import tempfile
import time
import unittest

import botocore.exceptions

from kumo_harness import KumoServer, KumoTestCase


def now_ms():
    return int(time.time() * 1000)


class LogsBoto3Test(KumoTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.logs = cls.kumo.client("logs")

    def error_of(self, call, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as caught:
            call(**kwargs)
        return caught.exception.response["Error"]

    def put(self, group, stream, messages, start=None):
        start = start if start is not None else now_ms() - len(messages)
        events = [{"timestamp": start + i, "message": m} for i, m in enumerate(messages)]
        return self.logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)

    def test_log_group_lifecycle_and_errors(self):
        self.logs.create_log_group(logGroupName="/life/a", tags={"team": "core"})
        groups = self.logs.describe_log_groups(logGroupNamePrefix="/life/")["logGroups"]
        self.assertEqual([g["logGroupName"] for g in groups], ["/life/a"])
        self.assertEqual(groups[0]["arn"], "arn:aws:logs:us-east-1:000000000000:log-group:/life/a:*")
        self.assertEqual(groups[0]["storedBytes"], 0)
        self.assertNotIn("retentionInDays", groups[0])

        err = self.error_of(self.logs.create_log_group, logGroupName="/life/a")
        self.assertEqual(err["Code"], "ResourceAlreadyExistsException")

        err = self.error_of(self.logs.create_log_group, logGroupName="bad name")
        self.assertEqual(err["Code"], "InvalidParameterException")
        self.assertIn("Member must satisfy regular expression pattern", err["Message"])

        self.logs.delete_log_group(logGroupName="/life/a")
        err = self.error_of(self.logs.delete_log_group, logGroupName="/life/a")
        self.assertEqual(err["Code"], "ResourceNotFoundException")
        self.assertEqual(err["Message"], "The specified log group does not exist.")

    def test_describe_log_groups_paginates(self):
        for i in range(5):
            self.logs.create_log_group(logGroupName=f"/pages/g{i}")
        paginator = self.logs.get_paginator("describe_log_groups")
        pages = list(paginator.paginate(logGroupNamePrefix="/pages/",
                                        PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 3)
        names = [g["logGroupName"] for p in pages for g in p["logGroups"]]
        self.assertEqual(names, [f"/pages/g{i}" for i in range(5)])

    def test_put_and_get_log_events(self):
        self.logs.create_log_group(logGroupName="/events/get")
        self.logs.create_log_stream(logGroupName="/events/get", logStreamName="s1")
        result = self.put("/events/get", "s1", [f"line {i}" for i in range(5)])
        self.assertNotIn("rejectedLogEventsInfo", result)

        head = self.logs.get_log_events(logGroupName="/events/get", logStreamName="s1",
                                        startFromHead=True, limit=3)
        self.assertEqual([e["message"] for e in head["events"]], ["line 0", "line 1", "line 2"])
        self.assertTrue(all(e["ingestionTime"] > 0 for e in head["events"]))
        rest = self.logs.get_log_events(logGroupName="/events/get", logStreamName="s1",
                                        startFromHead=True, nextToken=head["nextForwardToken"])
        self.assertEqual([e["message"] for e in rest["events"]], ["line 3", "line 4"])
        end = self.logs.get_log_events(logGroupName="/events/get", logStreamName="s1",
                                       startFromHead=True, nextToken=rest["nextForwardToken"])
        self.assertEqual(end["events"], [])
        self.assertEqual(end["nextForwardToken"], rest["nextForwardToken"])

        tail = self.logs.get_log_events(logGroupName="/events/get", logStreamName="s1", limit=2)
        self.assertEqual([e["message"] for e in tail["events"]], ["line 3", "line 4"])

        streams = self.logs.describe_log_streams(logGroupName="/events/get")["logStreams"]
        self.assertEqual(streams[0]["logStreamName"], "s1")
        self.assertIn("lastEventTimestamp", streams[0])

        err = self.error_of(self.logs.get_log_events, logGroupName="/events/get",
                            logStreamName="missing")
        self.assertEqual(err["Code"], "ResourceNotFoundException")
        self.assertEqual(err["Message"], "The specified log stream does not exist.")

    def test_put_log_events_rejects_as_aws(self):
        self.logs.create_log_group(logGroupName="/events/reject")
        self.logs.create_log_stream(logGroupName="/events/reject", logStreamName="s")
        now = now_ms()
        result = self.logs.put_log_events(
            logGroupName="/events/reject", logStreamName="s",
            logEvents=[{"timestamp": now - 15 * 86400000, "message": "ancient"},
                       {"timestamp": now, "message": "fresh"},
                       {"timestamp": now + 3 * 3600000, "message": "future"}])
        self.assertEqual(result["rejectedLogEventsInfo"],
                         {"tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 2})
        got = self.logs.get_log_events(logGroupName="/events/reject", logStreamName="s")
        self.assertEqual([e["message"] for e in got["events"]], ["fresh"])

        err = self.error_of(self.logs.put_log_events, logGroupName="/events/reject",
                            logStreamName="s",
                            logEvents=[{"timestamp": now, "message": "b"},
                                       {"timestamp": now - 1, "message": "a"}])
        self.assertEqual(err["Code"], "InvalidParameterException")

    def test_filter_log_events_patterns_and_paginator(self):
        group = "/events/filter"
        self.logs.create_log_group(logGroupName=group)
        for stream in ("a", "b"):
            self.logs.create_log_stream(logGroupName=group, logStreamName=stream)
        start = now_ms() - 100
        self.put(group, "a", ["ERROR disk full", "INFO ok", "ERROR timeout"], start)
        self.put(group, "b", ['{"level":"ERROR","ms":900}', "WARN slow"], start + 10)

        found = self.logs.filter_log_events(logGroupName=group, filterPattern="ERROR")
        self.assertEqual([(e["logStreamName"], e["message"]) for e in found["events"]],
                         [("a", "ERROR disk full"), ("a", "ERROR timeout"),
                          ("b", '{"level":"ERROR","ms":900}')])
        self.assertTrue(all(len(e["eventId"]) == 56 for e in found["events"]))

        phrase = self.logs.filter_log_events(logGroupName=group, filterPattern='"disk full"')
        self.assertEqual([e["message"] for e in phrase["events"]], ["ERROR disk full"])
        either = self.logs.filter_log_events(logGroupName=group, filterPattern="?WARN ?INFO")
        self.assertEqual([e["message"] for e in either["events"]], ["INFO ok", "WARN slow"])
        json_match = self.logs.filter_log_events(logGroupName=group,
                                                 filterPattern="{ $.ms > 500 }")
        self.assertEqual([e["logStreamName"] for e in json_match["events"]], ["b"])
        only_b = self.logs.filter_log_events(logGroupName=group, logStreamNames=["b"])
        self.assertEqual(len(only_b["events"]), 2)

        paginator = self.logs.get_paginator("filter_log_events")
        pages = list(paginator.paginate(logGroupName=group, PaginationConfig={"PageSize": 2}))
        messages = [e["message"] for p in pages for e in p["events"]]
        self.assertEqual(len(messages), 5)
        self.assertEqual(len(pages), 3)

        err = self.error_of(self.logs.filter_log_events, logGroupName=group,
                            filterPattern="[ip, user]")
        self.assertEqual(err["Code"], "InvalidParameterException")

    def test_retention_and_tags(self):
        group = "/admin/g"
        self.logs.create_log_group(logGroupName=group)
        self.logs.put_retention_policy(logGroupName=group, retentionInDays=14)
        described = self.logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"][0]
        self.assertEqual(described["retentionInDays"], 14)
        err = self.error_of(self.logs.put_retention_policy, logGroupName=group, retentionInDays=2)
        self.assertEqual(err["Code"], "InvalidParameterException")
        self.logs.delete_retention_policy(logGroupName=group)

        arn = described["logGroupArn"]
        self.logs.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
        self.logs.untag_resource(resourceArn=arn, tagKeys=["a"])
        self.assertEqual(self.logs.list_tags_for_resource(resourceArn=arn)["tags"], {"b": "2"})
        self.assertEqual(self.logs.list_tags_log_group(logGroupName=group)["tags"], {"b": "2"})

    def test_unknown_operation(self):
        status, headers, body = self.kumo.http(
            "POST", "/", body=b"{}",
            headers={"X-Amz-Target": "Logs_20140328.StartQueryNope",
                     "Content-Type": "application/x-amz-json-1.1"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "UnknownOperationException")


class LogsCliTest(KumoTestCase):
    def cli(self, *args):
        _, out, _ = self.kumo.aws_cli("logs", *args)
        return json.loads(out) if out.strip() else {}

    def test_cli_reads_what_was_written(self):
        group, stream = "/aws/lambda/cli-fn", "2024/01/01/[$LATEST]abc"
        self.cli("create-log-group", "--log-group-name", group)
        self.cli("create-log-stream", "--log-group-name", group, "--log-stream-name", stream)
        start = now_ms() - 10
        events = [{"timestamp": start + i, "message": m}
                  for i, m in enumerate(["START RequestId: 1", "hello ERROR world",
                                         "END RequestId: 1"])]
        self.cli("put-log-events", "--log-group-name", group, "--log-stream-name", stream,
                 "--log-events", json.dumps(events))

        groups = self.cli("describe-log-groups", "--log-group-name-prefix", "/aws/lambda/")
        self.assertEqual([g["logGroupName"] for g in groups["logGroups"]], [group])

        got = self.cli("get-log-events", "--log-group-name", group, "--log-stream-name", stream,
                       "--start-from-head")
        self.assertEqual([e["message"] for e in got["events"]],
                         ["START RequestId: 1", "hello ERROR world", "END RequestId: 1"])
        self.assertTrue(got["nextForwardToken"].startswith("f/"))

        filtered = self.cli("filter-log-events", "--log-group-name", group,
                            "--filter-pattern", "ERROR")
        self.assertEqual([e["message"] for e in filtered["events"]], ["hello ERROR world"])
        self.assertEqual(filtered["events"][0]["logStreamName"], stream)

    def test_cli_missing_group_fails_with_aws_message(self):
        code, _, err = self.kumo.aws_cli("logs", "get-log-events", "--log-group-name", "nope",
                                         "--log-stream-name", "s", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("ResourceNotFoundException", err)
        self.assertIn("The specified log group does not exist.", err)


class LogsDurabilityTest(unittest.TestCase):
    def test_acknowledged_events_survive_kill_and_restart(self):
        data_dir = tempfile.mkdtemp(prefix="kumo-logs-")
        self.addCleanup(shutil.rmtree, data_dir, True)
        start = now_ms() - 100
        with KumoServer(data_dir=data_dir) as kumo:
            logs = kumo.client("logs")
            logs.create_log_group(logGroupName="/durable/g")
            logs.put_retention_policy(logGroupName="/durable/g", retentionInDays=7)
            logs.create_log_stream(logGroupName="/durable/g", logStreamName="s")
            logs.put_log_events(logGroupName="/durable/g", logStreamName="s",
                                logEvents=[{"timestamp": start + i, "message": f"m{i}"}
                                           for i in range(3)])
            kumo.stop(signal.SIGKILL)
        with KumoServer(data_dir=data_dir) as kumo:
            logs = kumo.client("logs")
            group = logs.describe_log_groups(logGroupNamePrefix="/durable/")["logGroups"][0]
            self.assertEqual(group["retentionInDays"], 7)
            got = logs.get_log_events(logGroupName="/durable/g", logStreamName="s",
                                      startFromHead=True)
            self.assertEqual([e["message"] for e in got["events"]], ["m0", "m1", "m2"])
            # New events after the restart keep their place after the old ones.
            logs.put_log_events(logGroupName="/durable/g", logStreamName="s",
                                logEvents=[{"timestamp": start + 2, "message": "m2b"}])
            got = logs.get_log_events(logGroupName="/durable/g", logStreamName="s",
                                      startFromHead=True)
            self.assertEqual([e["message"] for e in got["events"]], ["m0", "m1", "m2", "m2b"])


if __name__ == "__main__":
    unittest.main()
