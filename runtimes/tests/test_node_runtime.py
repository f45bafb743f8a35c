"""The Node.js client (runtimes/node/index.js) against the fake Runtime API."""

import base64
import json
import shutil
import subprocess
import time
import unittest

from runtime_case import ISO_MILLIS, NODE, NODE_CLIENT, CommonRuntimeTests, RuntimeCase

ECHO = {
    "index.js": """
        let count = 0;
        exports.handler = async (event, context) => {
          count += 1;
          return { pid: process.pid, count, event };
        };
    """
}


@unittest.skipIf(NODE is None, "node is not installed")
class NodeRuntimeTest(CommonRuntimeTests, RuntimeCase):
    argv = [NODE or "node", NODE_CLIENT]
    echo = ("index.handler", ECHO)
    upper = ("index.handler", {"index.js": """
        exports.handler = async (event) => ({
          got: event.data.length, data: event.data.toUpperCase() });
    """})

    # ------------------------------------------------------------ invocations

    def test_context_fields(self):
        files = {
            "index.js": """
                exports.handler = async (event, context) => ({
                  awsRequestId: context.awsRequestId,
                  functionName: context.functionName,
                  functionVersion: context.functionVersion,
                  invokedFunctionArn: context.invokedFunctionArn,
                  memoryLimitInMB: context.memoryLimitInMB,
                  logGroupName: context.logGroupName,
                  logStreamName: context.logStreamName,
                  waits: context.callbackWaitsForEmptyEventLoop,
                  clientContext: context.clientContext,
                  identity: context.identity,
                  remaining: context.getRemainingTimeInMillis(),
                  methods: [typeof context.done, typeof context.succeed, typeof context.fail],
                  trace: process.env._X_AMZN_TRACE_ID ?? null,
                });
            """
        }
        api, _ = self.start("index.handler", files)
        request_id, got = self.invoke_for_context(
            api, trace_id="Root=1-abc;Parent=def;Sampled=1",
            client_context={"custom": {"k": "v"}}, identity={"cognitoIdentityId": "id-1"},
            arn="arn:aws:lambda:us-east-1:000000000000:function:fn:prod")
        self.assertEqual(got, {
            "awsRequestId": request_id,
            "functionName": "fn",
            "functionVersion": "$LATEST",
            "invokedFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:fn:prod",
            "memoryLimitInMB": "256",
            "logGroupName": "/aws/lambda/fn",
            "logStreamName": "2024/01/01/[$LATEST]0123456789abcdef",
            "waits": True,
            "clientContext": {"custom": {"k": "v"}},
            "identity": {"cognitoIdentityId": "id-1"},
            "methods": ["function", "function", "function"],
            "trace": "Root=1-abc;Parent=def;Sampled=1",
        })
        # The trace id is per invocation: gone when the next one has none.
        self.assertIsNone(self.invoke(api, {}).json()["trace"])

    def test_trace_id_reaches_child_processes_on_every_invocation(self):
        files = {"index.js": """
            const { spawnSync } = require('child_process');
            exports.handler = async () => {
              const child = spawnSync('printenv', ['_X_AMZN_TRACE_ID'], { encoding: 'utf8' });
              return { env: process.env._X_AMZN_TRACE_ID ?? null,
                       listed: Object.keys(process.env).includes('_X_AMZN_TRACE_ID'),
                       child: child.status === 0 ? child.stdout.trim() : null };
            };
        """}
        api, _ = self.start("index.handler", files)
        for trace in ("Root=1-a;Sampled=0", "Root=1-b;Sampled=0", None, "Root=1-c;Sampled=0"):
            got = self.invoke(api, {}, trace_id=trace).json()
            self.assertEqual(got, {"env": trace, "listed": trace is not None, "child": trace})

    def test_a_new_trace_id_per_invocation_does_not_accumulate_memory(self):
        # glibc's setenv() keeps every value it was given: 300,000 trace ids
        # through it grow the process by ~50 MB.
        files = {"index.js": """
            exports.handler = async () => {
              const before = process.memoryUsage().rss;
              for (let i = 0; i < 300000; i++) {
                process.env._X_AMZN_TRACE_ID = `Root=1-6540a1b2-${(1e12 + i).toString(16)}` +
                  'abcdef0123456789;Parent=0123456789abcdef;Sampled=0';
              }
              return { grown: process.memoryUsage().rss - before, last: process.env._X_AMZN_TRACE_ID };
            };
        """}
        api, _ = self.start("index.handler", files)
        got = self.invoke(api, {}, trace_id="Root=1-a;Sampled=0").json()
        self.assertTrue(got["last"].startswith("Root=1-6540a1b2-e8d4a9a3df"), got)
        self.assertLess(got["grown"], 20 * 1024 * 1024, got)

    def test_expired_deadline_gives_negative_remaining_time(self):
        files = {"index.js": "exports.handler = async (e, c) => c.getRemainingTimeInMillis();"}
        api, _ = self.start("index.handler", files)
        past = int(time.time() * 1000) - 500
        self.assertLessEqual(self.invoke(api, {}, deadline_ms=past).json(), -500)

    def test_undefined_result_is_posted_as_null(self):
        api, _ = self.start("index.handler", {"index.js": "exports.handler = async () => {};"})
        self.assertEqual(self.invoke(api, {}).body, b"null")

    def test_handler_that_never_answers_gets_null_when_the_loop_empties(self):
        files = {"index.js": "exports.handler = (event, context, callback) => {};"}
        api, _ = self.start("index.handler", files)
        self.assertEqual(self.invoke(api, {}).body, b"null")
        self.assertEqual(self.invoke(api, {}).body, b"null")

    def test_callback_waits_for_empty_event_loop(self):
        # The result object changes after callback(); by default it is sent
        # only once the timer has run, so the change is in the response.
        files = {
            "index.js": """
                exports.handler = (event, context, callback) => {
                  context.callbackWaitsForEmptyEventLoop = event.wait;
                  const result = { late: false };
                  callback(null, result);
                  setTimeout(() => { result.late = true; }, 50);
                };
            """
        }
        api, _ = self.start("index.handler", files)
        self.assertEqual(self.invoke(api, {"wait": True}).json(), {"late": True})
        self.assertEqual(self.invoke(api, {"wait": False}).json(), {"late": False})

    def test_context_succeed_and_done(self):
        files = {
            "index.js": """
                exports.handler = (event, context) => {
                  if (event.how === 'succeed') context.succeed({ via: 'succeed' });
                  else context.done(null, { via: 'done' });
                  context.succeed({ via: 'second call is ignored' });
                };
            """
        }
        api, _ = self.start("index.handler", files)
        self.assertEqual(self.invoke(api, {"how": "succeed"}).json(), {"via": "succeed"})
        self.assertEqual(self.invoke(api, {"how": "done"}).json(), {"via": "done"})

    def test_response_parser_at_any_segmentation(self):
        # http1.js parses the Runtime API's answers; TCP may split them anywhere.
        script = r"""
            const { ResponseParser } = require(process.argv[1]);
            const cases = [
              'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n' +
                'X-A: 1\r\nx-a: 2\r\n\r\nhello',
              'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
                '3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n',
              'HTTP/1.1 204 No Content\r\n\r\n',
            ];
            const out = [];
            for (const text of cases) {
              const bytes = Buffer.from(text);
              for (const step of [1, 2, 7, bytes.length]) {
                const p = new ResponseParser();
                for (let i = 0; i < bytes.length && !p.done; i += step) p.feed(bytes.subarray(i, i + step));
                out.push([p.done, p.status, p.headers['x-a'] ?? null, p.body.toString()]);
              }
            }
            console.log(JSON.stringify(out));
        """
        http1 = NODE_CLIENT.replace("index.js", "http1.js")
        got = json.loads(subprocess.run([NODE, "-e", script, http1], capture_output=True,
                                        check=True, timeout=20).stdout)
        expected = ([[True, 200, "1, 2", "hello"]] * 4 + [[True, 200, None, "abc0123456789abcdef"]] * 4
                    + [[True, 204, None, ""]] * 4)
        self.assertEqual(got, expected)

    # ------------------------------------------------------------ module loading

    def test_esm_mjs_handler(self):
        files = {"app.mjs": "export const handler = async (event) => ({ esm: true, event });"}
        api, _ = self.start("app.handler", files)
        self.assertEqual(self.invoke(api, 7).json(), {"esm": True, "event": 7})

    def test_js_in_type_module_package_is_esm(self):
        files = {
            "package.json": '{"type": "module"}',
            "app.js": "export async function handler() { return typeof require; }",
        }
        api, _ = self.start("app.handler", files)
        self.assertEqual(self.invoke(api, {}).json(), "undefined")

    def test_js_in_commonjs_package_is_required(self):
        files = {
            "package.json": '{"type": "commonjs"}',
            "app.js": "exports.handler = async () => typeof require;",
        }
        api, _ = self.start("app.handler", files)
        self.assertEqual(self.invoke(api, {}).json(), "function")

    def test_cjs_handler(self):
        files = {
            "package.json": '{"type": "module"}',
            "app.cjs": "module.exports.handler = async () => 'cjs';",
        }
        api, _ = self.start("app.handler", files)
        self.assertEqual(self.invoke(api, {}).json(), "cjs")

    def test_nested_folder_and_nested_export(self):
        files = {
            "src/handlers/api.js": """
                exports.routes = { users: { list: async (event) => ['u1', event.page] } };
            """
        }
        api, _ = self.start("src/handlers/api.routes.users.list", files)
        self.assertEqual(self.invoke(api, {"page": 2}).json(), ["u1", 2])

    def test_handler_from_node_modules(self):
        files = {"node_modules/shared/index.js": "exports.handler = async () => 'from package';"}
        api, _ = self.start("shared.handler", files)
        self.assertEqual(self.invoke(api, {}).json(), "from package")

    # ------------------------------------------------------------ invocation errors

    def test_thrown_error_shape_and_the_process_goes_on(self):
        files = {
            "index.js": """
                class ValidationError extends Error {
                  constructor(m) { super(m); this.name = 'ValidationError'; }
                }
                exports.handler = async (event) => {
                  if (event.kind === 'plain') throw new Error('boom');
                  if (event.kind === 'custom') throw new ValidationError('bad input');
                  return 'ok';
                };
            """
        }
        api, proc = self.start("index.handler", files)
        posted = self.invoke(api, {"kind": "plain"})
        self.assertEqual(posted.kind, "error")
        self.assertEqual(posted.error_type_header, "Error")
        body = posted.json()
        self.assertEqual(sorted(body), ["errorMessage", "errorType", "trace"])
        self.assertEqual(body["errorType"], "Error")
        self.assertEqual(body["errorMessage"], "boom")
        self.assertEqual(body["trace"][0], "Error: boom")
        self.assertIn("index.js", body["trace"][1])
        custom = self.invoke(api, {"kind": "custom"})
        self.assertEqual(custom.error_type_header, "ValidationError")
        self.assertEqual(custom.json()["errorMessage"], "bad input")
        self.assertEqual(self.invoke(api, {}).json(), "ok")
        self.assertIsNone(proc.proc.poll())
        self.assert_log_line(
            proc.wait_stdout("\tERROR\tInvoke Error \t"),
            rf"^{ISO_MILLIS}\t{posted.request_id}\tERROR\tInvoke Error \t\{{\"errorType\":\"Error\",\"errorMessage\":\"boom\"")

    def test_thrown_non_error_values(self):
        files = {
            "index.js": """
                exports.handler = async (event, context) => {
                  if (event === 'string') throw 'just a string';
                  if (event === 'object') throw { code: 1 };
                  if (event === 'number') throw 42;
                  context.fail();
                };
            """
        }
        api, _ = self.start("index.handler", files)
        expected = {
            "string": {"errorType": "string", "errorMessage": "just a string", "trace": []},
            "object": {"errorType": "object", "errorMessage": "[object Object]", "trace": []},
            "number": {"errorType": "number", "errorMessage": "42", "trace": []},
            "fail": {"errorType": "string", "errorMessage": "handled", "trace": []},
        }
        for event, body in expected.items():
            posted = self.invoke(api, event)
            self.assertEqual(posted.kind, "error")
            self.assertEqual(posted.json(), body)
            self.assertEqual(posted.error_type_header, body["errorType"])

    def test_callback_error_and_sync_throw(self):
        files = {
            "index.js": """
                exports.handler = (event, context, callback) => {
                  if (event === 'sync') throw new RangeError('too far');
                  callback(new TypeError('wrong type'));
                };
            """
        }
        api, _ = self.start("index.handler", files)
        self.assertEqual(self.invoke(api, "cb").json()["errorType"], "TypeError")
        sync = self.invoke(api, "sync").json()
        self.assertEqual((sync["errorType"], sync["errorMessage"]), ("RangeError", "too far"))

    def test_unserializable_result(self):
        files = {"index.js": "exports.handler = async () => { const a = {}; a.self = a; return a; };"}
        api, _ = self.start("index.handler", files)
        body = self.invoke(api, {}).json()
        self.assertEqual(body["errorMessage"], "Unable to stringify response body")

    def test_uncaught_exception_fails_the_invocation_and_exits(self):
        files = {
            "index.js": """
                exports.handler = (event, context, callback) => {
                  setTimeout(() => { throw new Error('kaboom'); }, 5);
                };
            """
        }
        api, proc = self.start("index.handler", files)
        posted = self.invoke(api, {})
        self.assertEqual(posted.kind, "error")
        self.assertEqual(posted.json()["errorMessage"], "kaboom")
        self.assertEqual(proc.wait_exit(), 129)
        self.assertIn("\tERROR\tUncaught Exception \t{", proc.stdout())

    def test_crash_while_waiting_for_the_next_invocation_is_still_reported(self):
        # The timer fires while GET /next is pending on the kept connection:
        # the error report must go out on a second connection.
        files = {
            "index.js": """
                exports.handler = async () => {
                  setTimeout(() => { throw new Error('late crash'); }, 100);
                  return 'done';
                };
            """
        }
        api, proc = self.start("index.handler", files)
        posted = self.invoke(api, {})
        self.assertEqual(posted.json(), "done")
        self.assertEqual(proc.wait_exit(), 129)
        errors = [p for p in api.posted() if p.kind == "error"]
        self.assertEqual([p.request_id for p in errors], [posted.request_id])
        self.assertEqual(errors[0].json()["errorMessage"], "late crash")

    def test_task_root_is_on_node_path(self):
        files = {
            "index.js": """
                const helper = require('helper');
                exports.handler = async () => [helper.name, process.env.NODE_PATH];
            """,
            "helper.js": "exports.name = 'helper from task root';",
        }
        api, _ = self.start("index.handler", files)
        self.assertEqual(self.invoke(api, {}).json(), [
            "helper from task root",
            f"/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:{self.task_root}"])

    def test_node_path_given_by_kumo_is_kept(self):
        lib = self.write_files({"lib/shared.js": "exports.v = 3;"},
                               root=self.task_root + "-layer")
        self.addCleanup(shutil.rmtree, lib, True)
        files = {"index.js": "exports.handler = async () => require('lib/shared').v;"}
        api, _ = self.start("index.handler", files, NODE_PATH=lib)
        self.assertEqual(self.invoke(api, {}).json(), 3)

    def test_unhandled_rejection_fails_the_invocation_and_exits(self):
        files = {
            "index.js": """
                exports.handler = async () => {
                  Promise.reject(new Error('nobody waits'));
                  await new Promise((r) => setTimeout(r, 1000));
                };
            """
        }
        api, proc = self.start("index.handler", files)
        body = self.invoke(api, {}).json()
        self.assertEqual(body["errorType"], "Runtime.UnhandledPromiseRejection")
        self.assertEqual(body["errorMessage"], "Error: nobody waits")
        self.assertEqual(proc.wait_exit(), 128)

    # ------------------------------------------------------------ init errors

    def test_missing_module_is_import_module_error(self):
        api, proc = self.start("missing.handler", {})
        body = self.assert_init_error(proc, api, "Runtime.ImportModuleError", 129)
        self.assertTrue(body["errorMessage"].startswith("Error: Cannot find module 'missing'"),
                        body["errorMessage"])
        self.assertEqual(body["trace"][0], "Runtime.ImportModuleError: Error: Cannot find module 'missing'")
        self.assert_log_line(proc.stdout(), rf"^{ISO_MILLIS}\tundefined\tERROR\tUncaught Exception \t\{{")

    def test_missing_dependency_is_import_module_error(self):
        files = {"index.js": "require('not-installed'); exports.handler = async () => 1;"}
        api, proc = self.start("index.handler", files)
        body = self.assert_init_error(proc, api, "Runtime.ImportModuleError", 129)
        self.assertIn("Cannot find module 'not-installed'", body["errorMessage"])

    def test_missing_export_is_handler_not_found(self):
        files = {"index.js": "exports.other = async () => 1; exports.value = 5;"}
        api, proc = self.start("index.handler", files)
        body = self.assert_init_error(proc, api, "Runtime.HandlerNotFound", 129)
        self.assertEqual(body["errorMessage"], "index.handler is undefined or not exported")

    def test_non_function_export_is_handler_not_found(self):
        api, proc = self.start("index.value", {"index.js": "exports.value = 5;"})
        body = self.assert_init_error(proc, api, "Runtime.HandlerNotFound", 129)
        self.assertEqual(body["errorMessage"], "index.value is not a function")

    def test_syntax_error_is_user_code_syntax_error(self):
        api, proc = self.start("index.handler", {"index.js": "exports.handler = async () => {;"})
        body = self.assert_init_error(proc, api, "Runtime.UserCodeSyntaxError", 129)
        self.assertTrue(body["errorMessage"].startswith("SyntaxError: "), body["errorMessage"])

    def test_malformed_handler_name(self):
        api, proc = self.start("index", {"index.js": "exports.handler = async () => 1;"})
        body = self.assert_init_error(proc, api, "Runtime.MalformedHandlerName", 129)
        self.assertEqual(body["errorMessage"], "Bad handler")

    def test_error_thrown_while_loading(self):
        files = {"index.js": "throw new Error('no config'); exports.handler = async () => 1;"}
        api, proc = self.start("index.handler", files)
        body = self.assert_init_error(proc, api, "Error", 129)
        self.assertEqual(body["errorMessage"], "no config")

    # ------------------------------------------------------------ logs

    def test_console_lines_in_lambda_text_format(self):
        files = {
            "index.js": """
                console.log('loading');
                exports.handler = async () => {
                  console.log('hello %s', 'world');
                  console.info('info');
                  console.warn('warn');
                  console.error('error');
                  console.debug('debug');
                  console.log('two\\nlines');
                  return 1;
                };
            """
        }
        api, proc = self.start("index.handler", files)
        request_id = self.invoke(api, {}).request_id
        out = proc.wait_stdout("two\rlines")  # the last line the handler writes
        self.assert_log_line(out, rf"^{ISO_MILLIS}\tundefined\tINFO\tloading$")
        for level, text in [("INFO", "hello world"), ("INFO", "info"), ("WARN", "warn"),
                            ("ERROR", "error"), ("DEBUG", "debug"), ("INFO", "two\rlines")]:
            self.assert_log_line(out, rf"^{ISO_MILLIS}\t{request_id}\t{level}\t{text}$")

    def test_json_log_format_and_level(self):
        files = {
            "index.js": """
                exports.handler = async () => {
                  console.info('dropped below WARN');
                  console.warn('kept', 1);
                  console.error(new Error('as json'));
                  return 1;
                };
            """
        }
        api, proc = self.start("index.handler", files,
                               AWS_LAMBDA_LOG_FORMAT="JSON", AWS_LAMBDA_LOG_LEVEL="WARN")
        request_id = self.invoke(api, {}).request_id
        out = proc.wait_stdout("as json")  # in the last record the handler writes
        records = [json.loads(line) for line in out.splitlines() if line]
        self.assertNotIn("dropped below WARN", proc.stdout())
        warn = next(r for r in records if r["level"] == "WARN")
        self.assertEqual((warn["requestId"], warn["message"]), (request_id, "kept 1"))
        self.assertRegex(warn["timestamp"], ISO_MILLIS)
        err = next(r for r in records if r["level"] == "ERROR")["message"]
        self.assertEqual((err["errorType"], err["errorMessage"]), ("Error", "as json"))
        self.assertEqual(err["stackTrace"][0], "Error: as json")

    # ------------------------------------------------------------ response streaming

    def test_streaming_response_is_a_chunked_post(self):
        files = {
            "index.mjs": """
                export const handler = awslambda.streamifyResponse(
                  async (event, responseStream, context) => {
                    responseStream.setContentType('text/plain');
                    responseStream.write('hello ');
                    await new Promise((r) => setTimeout(r, 10));
                    responseStream.write(context.awsRequestId);
                    responseStream.end();
                  });
            """
        }
        api, proc = self.start("index.handler", files)
        posted = self.invoke(api, {})
        self.assertEqual(posted.kind, "response")
        self.assertTrue(posted.chunked)
        self.assertEqual(posted.headers["lambda-runtime-function-response-mode"], "streaming")
        self.assertEqual(posted.headers["content-type"], "text/plain")
        self.assertEqual(posted.body, f"hello {posted.request_id}".encode())
        self.assertEqual(self.invoke(api, {}).kind, "response")
        self.assertIsNone(proc.proc.poll())

    def test_streaming_http_prelude_and_error_trailers(self):
        files = {
            "index.js": """
                exports.handler = awslambda.streamifyResponse(async (event, stream) => {
                  if (event.fail) {
                    stream.write('partial');
                    throw new TypeError('stream broke');
                  }
                  stream = awslambda.HttpResponseStream.from(stream, { statusCode: 201 });
                  stream.end('body');
                });
            """
        }
        api, _ = self.start("index.handler", files)
        ok = self.invoke(api, {})
        self.assertEqual(ok.headers["content-type"],
                         "application/vnd.awslambda.http-integration-response")
        self.assertEqual(ok.body, b'{"statusCode":201}' + b"\0" * 8 + b"body")
        failed = self.invoke(api, {"fail": True})
        self.assertEqual(failed.body, b"partial")
        self.assertEqual(failed.trailers["lambda-runtime-function-error-type"], "TypeError")
        error = json.loads(base64.b64decode(failed.trailers["lambda-runtime-function-error-body"]))
        self.assertEqual((error["errorType"], error["errorMessage"]), ("TypeError", "stream broke"))


if __name__ == "__main__":
    unittest.main()
