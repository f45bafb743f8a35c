"""Isolation, proven from inside running functions: a function cannot see
Kumo's data directory (the database, the code of every function, its own
code's host path), the host's other files or processes, or another
environment's /tmp; /var/task is read-only, /tmp is writable, and the
function runs as a non-root user."""
import hashlib
import os
import shutil
import tempfile
import unittest

from kumo_harness import KUMO_BIN, KumoServer
from test_invoke_sync import NODE_PROBE, InvokeTestCase, make_zip

# Writes, lists and reads what the event says, in that order; answers "ok" or the errno name.
PROBE = {"app.py": """\
import errno, os


def attempt(operation):
    try:
        result = operation()
        return ["ok", result] if result is not None else "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def read(path):
    with open(path, "rb") as f:
        return f.read().decode()


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def processes():
    out = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                out.append(read(f"/proc/{pid}/cmdline").replace("\\0", " ").strip())
            except OSError:
                out.append("?")
    return out


def handler(event, context):
    out = {"uid": os.getuid(), "euid": os.geteuid(), "gid": os.getgid(),
           "processes": processes()}
    for path, text in event.get("write", {}).items():
        out["write " + path] = attempt(lambda: write(path, text))
    for path in event.get("list", []):
        out["list " + path] = attempt(lambda: sorted(os.listdir(path)))
    for path in event.get("read", []):
        out["read " + path] = attempt(lambda: read(path))
    return out
"""}


class IsolationTest(InvokeTestCase):
    @classmethod
    def setUpClass(cls):
        # The data directory lives outside /tmp (which every environment has
        # privately), next to the binary, so "absent" really means not mounted.
        cls.data_dir = tempfile.mkdtemp(prefix="kumo-isolation-",
                                        dir=os.path.dirname(os.path.abspath(KUMO_BIN)))
        cls.addClassCleanup(shutil.rmtree, cls.data_dir, ignore_errors=True)
        cls.kumo = KumoServer(data_dir=cls.data_dir).start()
        cls.make_clients()

    def probe(self, name, event):
        return self.invoke_ok(name, event)["Body"]

    def test_kumo_data_dir_and_other_functions_code_are_invisible(self):
        other_zip = make_zip(NODE_PROBE)
        self.function("neighbour", runtime="nodejs20.x")
        own_zip = make_zip(PROBE)
        self.function("prober", files=PROBE)
        other_code = os.path.join(self.data_dir, "code", hashlib.sha256(other_zip).hexdigest())
        own_code = os.path.join(self.data_dir, "code", hashlib.sha256(own_zip).hexdigest())
        # The guessed layout (src/functions/README.md) is right on the host side.
        self.assertTrue(os.path.isfile(os.path.join(other_code, "index.js")), other_code)
        self.assertTrue(os.path.isfile(os.path.join(own_code, "app.py")), own_code)
        self.assertTrue(os.path.isdir(os.path.join(self.data_dir, "db")))
        db_files = os.listdir(os.path.join(self.data_dir, "db"))
        self.assertIn("CURRENT", db_files)

        targets = [self.data_dir, os.path.join(self.data_dir, "db"),
                   os.path.join(self.data_dir, "code"), other_code, own_code]
        got = self.probe("prober", {
            "list": targets,
            "read": [os.path.join(self.data_dir, "db", "CURRENT"),
                     os.path.join(other_code, "index.js"), os.path.join(own_code, "app.py"),
                     other_code + ".zip", "/var/task/app.py", "/etc/shadow"]})
        for path in targets:
            self.assertEqual(got["list " + path], "ENOENT", path)
        for path in (os.path.join(self.data_dir, "db", "CURRENT"), os.path.join(other_code, "index.js"),
                     os.path.join(own_code, "app.py"), other_code + ".zip"):
            self.assertEqual(got["read " + path], "ENOENT", path)
        # Its own code is at /var/task, and root-only host files stay unreadable.
        self.assertEqual(got["read /var/task/app.py"], ["ok", PROBE["app.py"]])
        self.assertEqual(got["read /etc/shadow"], "EACCES")

        # Of the repository next to the binary only the runtime clients are mounted.
        repo = os.path.dirname(os.path.dirname(os.path.abspath(KUMO_BIN)))
        listed = self.probe("prober", {"list": [repo]})["list " + repo]
        self.assertEqual(listed[0], "ok")
        self.assertLessEqual(set(listed[1]), {"runtimes", "node_modules"})

    def test_no_host_processes_and_non_root(self):
        self.function("whoami", files=PROBE)
        got = self.probe("whoami", {})
        self.assertNotEqual(got["uid"], 0)
        self.assertNotEqual(got["euid"], 0)
        self.assertNotEqual(got["gid"], 0)
        # Only the environment's own process tree is visible.
        self.assertLessEqual(len(got["processes"]), 4, got["processes"])
        self.assertFalse(any("kumo" in p and "server" in p for p in got["processes"]),
                         got["processes"])
        self.assertFalse(any(str(os.getpid()) == p for p in got["processes"]))

    def test_var_task_read_only_tmp_writable_and_private(self):
        self.function("writer", files=PROBE)
        self.function("reader", files=PROBE)
        got = self.probe("writer", {"write": {"/var/task/app.py": "hijacked",
                                              "/var/task/new.txt": "x",
                                              "/tmp/secret.txt": "mine"},
                                    "read": ["/tmp/secret.txt"]})
        self.assertEqual(got["write /var/task/app.py"], "EROFS")
        self.assertEqual(got["write /var/task/new.txt"], "EROFS")
        self.assertEqual(got["write /tmp/secret.txt"], "ok")
        self.assertEqual(got["read /tmp/secret.txt"], ["ok", "mine"])
        self.assertIn(self.probe("writer", {"write": {"/usr/kumo-test": "x", "/etc/kumo-test": "x",
                                                      "/kumo-test": "x"}})["write /usr/kumo-test"],
                      ("EROFS", "EACCES"))
        # /tmp belongs to the environment: another function does not see it.
        self.assertEqual(self.probe("reader", {"read": ["/tmp/secret.txt"]})["read /tmp/secret.txt"],
                         "ENOENT")
        # The code on the host is unchanged and the next cold start still runs it.
        self.lam.update_function_configuration(FunctionName="writer", Description="restart")
        fresh = self.probe("writer", {"read": ["/tmp/secret.txt", "/var/task/app.py"]})
        self.assertEqual(fresh["read /tmp/secret.txt"], "ENOENT", "a new environment, a new /tmp")
        self.assertEqual(fresh["read /var/task/app.py"], ["ok", PROBE["app.py"]])


if __name__ == "__main__":
    unittest.main()
