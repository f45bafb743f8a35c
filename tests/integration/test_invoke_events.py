"""Asynchronous invocation (InvocationType=Event) through boto3 and the AWS
CLI: 202 and the function runs; retries after function errors (counted from
the function's own log, which the function reads through its SDK);
MaximumRetryAttempts 0; OnSuccess and OnFailure destinations that are
functions, receiving Lambda's destination record; queued events survive a
restart of Kumo."""
import json
import os
import shutil
import signal
import tempfile
import time
import unittest
import uuid

from kumo_harness import KumoServer
from test_invoke_sync import ROLE, InvokeTestCase, arn, make_zip, poll

# Fails until the function's log holds `fail_times` earlier attempts for the
# event's marker (the current attempt's lines reach the log only at its end).
FLAKY = {"app.py": """\
import os

import boto3

# Explicit, so that an SDK older than AWS_ENDPOINT_URL support works too.
logs = boto3.client("logs", endpoint_url=os.environ["AWS_ENDPOINT_URL"])


def handler(event, context):
    marker = event["marker"]
    print(f"ATTEMPT {marker}")
    try:
        earlier = len(logs.filter_log_events(logGroupName=context.log_group_name,
                                              filterPattern=f'"ATTEMPT {marker}"')["events"])
    except logs.exceptions.ResourceNotFoundException:
        earlier = 0
    if earlier < event["fail_times"]:
        raise RuntimeError(f"attempt {earlier + 1} of {marker} fails")
    print(f"SUCCEEDED {marker}")
    return {"marker": marker, "earlier": earlier}
"""}

# Logs the destination record it receives.
RECORDER = {"app.py": """\
import json


def handler(event, context):
    print("RECORD " + json.dumps(event))
"""}


class EventTestCase(InvokeTestCase):
    server_args = ("--event-retry-base-ms", "200")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lam.create_function(FunctionName="recorder", Runtime="python3.12", Role=ROLE,
                                Handler="app.handler", Code={"ZipFile": make_zip(RECORDER)})

    def send(self, name, event, **kwargs):
        r = self.lam.invoke(FunctionName=name, InvocationType="Event",
                            Payload=json.dumps(event).encode(), **kwargs)
        self.assertEqual(r["StatusCode"], 202)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 202)
        self.assertEqual(r["Payload"].read(), b"")
        self.assertNotIn("FunctionError", r)
        return r["ResponseMetadata"]["RequestId"]

    def record_for(self, marker):
        """The destination record the recorder logged for `marker`."""
        line = self.wait_for_logs("recorder", f'"RECORD" "{marker}"', timeout=30)[0]
        return json.loads(line[len("RECORD "):])

    def run_flaky(self, name, fail_times, destination, **config):
        """Creates FLAKY as `name` with the recorder as its OnSuccess or OnFailure
        destination, sends it one event and waits for the record. Returns
        (event, request id, record, number of attempts)."""
        self.function(name, files=FLAKY, Timeout=30)
        self.lam.put_function_event_invoke_config(
            FunctionName=name, DestinationConfig={destination: {"Destination": arn("recorder")}},
            **config)
        event = {"marker": uuid.uuid4().hex, "fail_times": fail_times}
        request_id = self.send(name, event)
        record = self.record_for(event["marker"])
        attempts = len(self.log_events(name, f'"ATTEMPT {event["marker"]}"'))
        return event, request_id, record, attempts


class EventInvokeTest(EventTestCase):
    def test_event_is_202_and_the_function_runs(self):
        self.function("async-fn")
        marker = uuid.uuid4().hex
        self.send("async-fn", {"log": f"EVENT {marker}"})
        lines = self.wait_for_logs("async-fn", f'"EVENT {marker}"')
        self.assertEqual(lines, [f"EVENT {marker}\n"], "one event per line, newline kept")
        # Through the AWS CLI too.
        other = uuid.uuid4().hex
        with tempfile.TemporaryDirectory() as tmp:
            _, stdout, _ = self.kumo.aws_cli(
                "lambda", "invoke", "--function-name", "async-fn", "--invocation-type", "Event",
                "--payload", json.dumps({"log": f"EVENT {other}"}), os.path.join(tmp, "out"))
        self.assertEqual(json.loads(stdout)["StatusCode"], 202)
        self.wait_for_logs("async-fn", f'"EVENT {other}"')

    def test_an_event_runs_in_the_callers_trace(self):
        # The X-Amzn-Trace-Id an Event invoke arrives with is kept in the
        # queued record, and the function's trace continues it.
        self.function("async-trace", files={"app.py": (
            "import os\n\n\ndef handler(event, context):\n"
            "    print('TRACE ' + event['marker'] + ' ' + os.environ['_X_AMZN_TRACE_ID'])\n")})
        root = "1-5759e988-" + uuid.uuid4().hex[:24]
        marker = uuid.uuid4().hex
        with self.trace_header(f"Root={root};Sampled=1"):
            self.send("async-trace", {"marker": marker})
        line = self.wait_for_logs("async-trace", f'"TRACE {marker}"')[0]
        self.assertRegex(line, f"^TRACE {marker} Root={root};Parent=[0-9a-f]{{16}};Sampled=1\n$")

    def test_retries_until_success_then_on_success_destination(self):
        event, request_id, record, attempts = self.run_flaky("flaky", 2, "OnSuccess")
        marker = event["marker"]
        self.assertEqual(attempts, 3)
        self.assertEqual(self.log_events("flaky", f'"SUCCEEDED {marker}"'), [f"SUCCEEDED {marker}\n"])
        self.assertEqual(record["version"], "1.0")
        self.assertRegex(record["timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(record["requestContext"], {
            "requestId": request_id, "functionArn": arn("flaky", "$LATEST"),
            "condition": "Success", "approximateInvokeCount": 3})
        self.assertEqual(record["requestPayload"], event)
        self.assertEqual(record["responseContext"], {"statusCode": 200, "executedVersion": "$LATEST"})
        self.assertEqual(record["responsePayload"], {"marker": marker, "earlier": 2})

    def test_retries_exhausted_then_on_failure_destination(self):
        event, request_id, record, attempts = self.run_flaky("failing", 100, "OnFailure")
        self.assertEqual(attempts, 3, "the first attempt and two retries")
        self.assertEqual(record["requestContext"], {
            "requestId": request_id, "functionArn": arn("failing", "$LATEST"),
            "condition": "RetriesExhausted", "approximateInvokeCount": 3})
        self.assertEqual(record["requestPayload"], event)
        self.assertEqual(record["responseContext"], {
            "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"})
        self.assertEqual(record["responsePayload"]["errorType"], "RuntimeError")
        self.assertEqual(record["responsePayload"]["errorMessage"],
                         f"attempt 3 of {event['marker']} fails")

    def test_maximum_retry_attempts_zero(self):
        event, _, record, attempts = self.run_flaky("once", 1, "OnFailure", MaximumRetryAttempts=0)
        self.assertEqual(record["requestContext"]["condition"], "RetriesExhausted")
        self.assertEqual(record["requestContext"]["approximateInvokeCount"], 1)
        self.assertEqual(record["responsePayload"]["errorMessage"],
                         f"attempt 1 of {event['marker']} fails")
        # Once the record is out, nothing else runs: one attempt in all.
        self.assertEqual(attempts, 1)
        self.assertEqual(self.log_events("once", f'"SUCCEEDED {event["marker"]}"'), [])


class EventRestartTest(InvokeTestCase):
    """Queued events survive a restart of Kumo (servers started by each test)."""

    @classmethod
    def setUpClass(cls):
        pass  # each test starts (and cleans up) its own servers

    @classmethod
    def tearDownClass(cls):
        pass

    def setUp(self):
        self.data_dir = tempfile.mkdtemp(prefix="kumo-events-")
        self.addCleanup(shutil.rmtree, self.data_dir, ignore_errors=True)

    def restart(self):
        """Starts a server on the test's data directory and points the clients at it."""
        server = KumoServer("--event-retry-base-ms", "200", data_dir=self.data_dir)
        self.addCleanup(server.cleanup)
        type(self).kumo = server.start()
        self.make_clients()
        return server

    def test_queued_events_run_after_a_restart(self):
        first = self.restart()
        self.function("queued")
        self.lam.put_function_concurrency(FunctionName="queued", ReservedConcurrentExecutions=0)
        markers = [uuid.uuid4().hex for _ in range(3)]
        for marker in markers:
            r = self.lam.invoke(FunctionName="queued", InvocationType="Event",
                                Payload=json.dumps({"log": f"RAN {marker}"}).encode())
            self.assertEqual(r["StatusCode"], 202, "an Event is queued even while throttled")
        self.assertEqual(first.stop(signal.SIGTERM), 0)

        self.restart()
        self.assertEqual(self.lam.get_function_concurrency(FunctionName="queued")
                         ["ReservedConcurrentExecutions"], 0)
        self.assertEqual(self.logs.describe_log_groups(
            logGroupNamePrefix="/aws/lambda/queued")["logGroups"], [], "nothing ran yet")
        self.lam.delete_function_concurrency(FunctionName="queued")
        for marker in markers:
            self.assertEqual(self.wait_for_logs("queued", f'"RAN {marker}"'), [f"RAN {marker}\n"])

    def test_an_event_running_at_shutdown_does_not_hold_the_stop_and_runs_again(self):
        first = self.restart()
        # The first attempt says it is running (a log group: durable, seen
        # from outside) and then runs for a minute; a later attempt finishes.
        self.function("long-event", Timeout=120, files={"app.py": """\
import os, time
import boto3

logs = boto3.client("logs", endpoint_url=os.environ["AWS_ENDPOINT_URL"])


def handler(event, context):
    try:
        logs.create_log_group(logGroupName="/kumo-test/running-" + event["marker"])
    except logs.exceptions.ResourceAlreadyExistsException:
        print(f"DONE {event['marker']} on a later attempt")
        return
    time.sleep(60)
"""})
        marker = uuid.uuid4().hex
        self.lam.invoke(FunctionName="long-event", InvocationType="Event",
                        Payload=json.dumps({"marker": marker}).encode())
        poll(lambda: self.logs.describe_log_groups(
            logGroupNamePrefix="/kumo-test/running-" + marker)["logGroups"],
            what="the first attempt to be running")
        started = time.monotonic()
        self.assertEqual(first.stop(signal.SIGTERM), 0)
        self.assertLess(time.monotonic() - started, 15, "a stop does not wait for the function")

        self.restart()
        self.assertEqual(self.wait_for_logs("long-event", f'"DONE {marker}"', timeout=30),
                         [f"DONE {marker} on a later attempt\n"], "at least once: it ran again")


if __name__ == "__main__":
    unittest.main()
