"""The Node.js client's cold-start path (runtimes/node/http1.js, index.js).

By default the client speaks to the Runtime API on libuv's TCP handle and
writes console lines with fs.writeSync, so a cold start loads neither `net`
nor `stream`. The whole Node suite runs again on the `net` fallback here.
"""

import socket
import unittest

import test_node_runtime
from fake_runtime_api import FakeRuntimeApi, RuntimeProcess, lambda_env
from runtime_case import NODE, RuntimeCase

# Public modules the handler finds loaded when it runs.
LOADED = """
    const loaded = () => process.moduleLoadList
      .filter((m) => /^NativeModule (net|stream|http|https)$/.test(m))
      .map((m) => m.slice('NativeModule '.length));
"""


class NodeRuntimeOnNetTest(test_node_runtime.NodeRuntimeTest):
    """Every Node test again, on the net.Socket transport."""

    def start(self, handler, files, **kwargs):
        kwargs.setdefault("KUMO_NODE_RUNTIME_TRANSPORT", "net")
        return super().start(handler, files, **kwargs)


@unittest.skipIf(NODE is None, "node is not installed")
class NodeColdPathTest(RuntimeCase):
    argv = test_node_runtime.NodeRuntimeTest.argv

    def test_first_invocation_runs_without_net_or_stream(self):
        files = {"index.js": LOADED + """
            exports.handler = async () => {
              console.log('logged');
              return loaded();
            };
        """}
        api, proc = self.start("index.handler", files)
        self.assertEqual(self.invoke(api, {}).json(), [])
        proc.wait_stdout("\tINFO\tlogged\n")
        self.assertEqual(proc.stderr(), "", "no warning (process.binding is not deprecated at run time)")

    def test_net_transport_loads_net(self):
        files = {"index.js": LOADED + "exports.handler = async () => loaded();"}
        api, _ = self.start("index.handler", files, KUMO_NODE_RUNTIME_TRANSPORT="net")
        self.assertEqual(sorted(self.invoke(api, {}).json()), ["net", "stream"])

    def test_host_name_endpoint_uses_net(self):
        files = {"index.js": LOADED + "exports.handler = async () => loaded();"}
        api = FakeRuntimeApi()
        self.addCleanup(api.close)
        self.write_files(files)
        port = api.address.rsplit(":", 1)[1]
        env = lambda_env(api, "index.handler", self.task_root,
                         AWS_LAMBDA_RUNTIME_API=f"localhost:{port}")
        proc = RuntimeProcess(self.argv, env)
        self.addCleanup(proc.stop)
        self.assertEqual(sorted(self.invoke(api, {}).json()), ["net", "stream"])

    def test_console_lines_stay_in_order_once_process_stdout_is_used(self):
        files = {"index.js": """
            exports.handler = async () => {
              console.log('one');
              process.stdout.write('two\\n');
              console.log('three');
              console.table([{ a: 1 }]);
              console.log('four');
              return 1;
            };
        """}
        api, proc = self.start("index.handler", files)
        self.invoke(api, {})
        out = proc.wait_stdout("\tfour\n")
        positions = [out.index(text) for text in ("\tone\n", "two\n", "\tthree\n", "(index)",
                                                  "\tfour\n")]
        self.assertEqual(positions, sorted(positions), out)

    def test_unreachable_runtime_api_exits_1_naming_the_error(self):
        for transport in ("raw", "net"):
            with self.subTest(transport=transport):
                with socket.socket() as s:  # a port nobody listens on
                    s.bind(("127.0.0.1", 0))
                    port = s.getsockname()[1]
                self.write_files({"index.js": "exports.handler = async () => 1;"})
                env = {"PATH": "/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
                       "_HANDLER": "index.handler", "LAMBDA_TASK_ROOT": self.task_root,
                       "KUMO_NODE_RUNTIME_TRANSPORT": transport}
                proc = RuntimeProcess(self.argv, env)
                self.addCleanup(proc.stop)
                self.assertEqual(proc.wait_exit(), 1)
                self.assertIn(f"connect ECONNREFUSED 127.0.0.1:{port}", proc.stderr())


if __name__ == "__main__":
    unittest.main()
