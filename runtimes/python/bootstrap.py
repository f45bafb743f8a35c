"""Kumo's Lambda runtime interface client for Python 3.11 (stdlib only).

Run as ``python3 bootstrap.py`` inside an execution environment. It reads the
Lambda environment (AWS_LAMBDA_RUNTIME_API, _HANDLER, LAMBDA_TASK_ROOT, ...),
imports the handler the way AWS's awslambdaric does, and serves invocations
over the Lambda Runtime API (2018-06-01) until the process is stopped.

The code lives in lambda_runtime.py beside this file so that its bytecode is
cached in __pycache__ (a script is compiled on every start).
"""

import os
import sys

if __name__ == "__main__":
    # Import the runtime from this folder (sys.path[0], unless python ran with
    # -I or -P), then hide the folder so the function's modules can neither
    # shadow nor see the runtime's own files.
    here = os.path.dirname(os.path.realpath(__file__))
    if not sys.path or os.path.realpath(sys.path[0] or ".") != here:
        sys.path.insert(0, here)
    import lambda_runtime

    del sys.path[0]
    del sys.modules["lambda_runtime"]
    lambda_runtime.main()
