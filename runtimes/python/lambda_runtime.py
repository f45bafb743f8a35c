"""The Lambda runtime loop behind bootstrap.py (see README.md).

Start-up cost is the design constraint: the client imports only modules that
a bare ``python3 -c 0`` has loaded plus ``_socket`` and ``json``. It speaks
HTTP/1.1 itself over one persistent socket (http.client would pull in
email.parser and ssl: about 30 ms), imports ``traceback`` only when an error
is reported, and configures ``logging`` only when the function imports it.
"""

import _json
import _socket
import os
import sys
import time

_API = "/2018-06-01/runtime"
_ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
_ERROR_LOG_LINE_TERMINATE = "\r"
_ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE, as awslambdaric indents traces
_JSON_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

_LOG_JSON = os.environ.get("AWS_LAMBDA_LOG_FORMAT", "").upper() == "JSON"
# AWS_LAMBDA_LOG_LEVEL names -> logging level names.
_LOG_LEVELS = {
    "TRACE": "DEBUG",
    "DEBUG": "DEBUG",
    "INFO": "INFO",
    "WARN": "WARNING",
    "ERROR": "ERROR",
    "FATAL": "CRITICAL",
}
_LOG_LEVEL = _LOG_LEVELS.get(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper())

_request_id = None  # the invocation being served; "" in log lines during init


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.exception_type = exception_type
        self.msg = msg
        self.trace = trace


class RuntimeApiError(Exception):
    pass


# --------------------------------------------------------------- HTTP client


class RuntimeApiClient:
    """HTTP/1.1 to the Runtime API over one kept-alive TCP connection.

    Reads Content-Length and chunked bodies (trailers are skipped). Not
    thread-safe: the runtime loop is its only user.
    """

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.address = address
        self.host = host[1:-1] if host.startswith("[") else host
        self.port = int(port)
        self.sock = None
        self.buf = bytearray()

    def close(self):
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buf = bytearray()

    def _connect(self):
        # A bytes host keeps getaddrinfo from importing the idna codec.
        family, kind, proto, _, addr = _socket.getaddrinfo(
            self.host.encode("ascii"), self.port, 0, _socket.SOCK_STREAM
        )[0]
        sock = _socket.socket(family, kind, proto)
        sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
        sock.connect(addr)
        self.sock = sock

    def request(self, method, path, body=b"", headers=()):
        """Returns (status, headers with lower-case names, body bytes)."""
        lines = [f"{method} {path} HTTP/1.1\r\nHost: {self.address}\r\n"]
        for name, value in headers:
            lines.append(f"{name}: {value}\r\n")
        if method != "GET":
            lines.append(f"Content-Length: {len(body)}\r\n")
        lines.append("\r\n")
        head = "".join(lines).encode("utf-8")
        for attempt in (0, 1):
            reused = self.sock is not None
            if not reused:
                self._connect()
            try:
                if len(body) < 65536:
                    self.sock.sendall(head + body)
                else:
                    self.sock.sendall(head)
                    self.sock.sendall(body)
                return self._read_response()
            except OSError:
                # The server may have closed an idle kept-alive connection.
                self.close()
                if not reused or attempt:
                    raise
        raise AssertionError("unreachable")

    def _fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionResetError("Runtime API closed the connection")
        self.buf += data

    def _read_line(self):
        while True:
            end = self.buf.find(b"\r\n")
            if end >= 0:
                line = bytes(self.buf[:end])
                del self.buf[: end + 2]
                return line
            self._fill()

    def _read_exact(self, size):
        buf = self.buf
        if len(buf) >= size:
            data = bytes(buf[:size])
            del buf[:size]
            return data
        out = bytearray(size)
        view = memoryview(out)
        have = len(buf)
        view[:have] = buf
        buf.clear()
        while have < size:
            got = self.sock.recv_into(view[have:])
            if not got:
                raise ConnectionResetError("Runtime API closed the connection")
            have += got
        return bytes(out)

    def _read_chunked(self):
        parts = []
        while True:
            size = int(self._read_line().split(b";", 1)[0].strip(), 16)
            if size == 0:
                while self._read_line():  # trailers, then the empty line
                    pass
                return b"".join(parts)
            parts.append(self._read_exact(size))
            self._read_exact(2)

    def _read_until_close(self):
        while True:
            try:
                self._fill()
            except ConnectionResetError:
                data = bytes(self.buf)
                self.close()
                return data

    def _read_response(self):
        while True:
            status_line = self._read_line().decode("latin-1")
            status = int(status_line.split(" ", 2)[1])
            headers = {}
            while True:
                line = self._read_line()
                if not line:
                    break
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            if not 100 <= status < 200:
                break
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._read_chunked()
        elif "content-length" in headers:
            body = self._read_exact(int(headers["content-length"]))
        elif status in (204, 304):
            body = b""
        else:
            body = self._read_until_close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    # ---- Runtime API operations

    def wait_next_invocation(self):
        status, headers, body = self.request("GET", f"{_API}/invocation/next")
        if status != 200:
            raise RuntimeApiError(f"GET /invocation/next answered HTTP {status}: {body!r}")
        return headers, body

    def post_invocation_result(self, invoke_id, result, content_type):
        self.request(
            "POST",
            f"{_API}/invocation/{invoke_id}/response",
            result,
            (("Content-Type", content_type),),
        )

    def post_invocation_error(self, invoke_id, error_result):
        self._post_error(f"{_API}/invocation/{invoke_id}/error", error_result)

    def post_init_error(self, error_result):
        self._post_error(f"{_API}/init/error", error_result)

    def _post_error(self, path, error_result):
        headers = (
            ("Content-Type", "application/json"),
            (_ERROR_TYPE_HEADER, error_result["errorType"]),
        )
        self.request("POST", path, to_json(error_result).encode("utf-8"), headers)


# --------------------------------------------------------------- JSON
#
# json.loads / json.dumps without importing the json package (it imports re,
# enum, functools and collections: a few milliseconds of every cold start).
# Both drive the same C scanner and encoder that json uses, so the results
# are identical; any failure is re-run through json for its exact error.

_JSON_WHITESPACE = " \t\n\r"


class _DecodeContext:
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = {
        "-Infinity": float("-inf"),
        "Infinity": float("inf"),
        "NaN": float("nan"),
    }.__getitem__


_scan_once = _json.make_scanner(_DecodeContext())


def json_loads(data):
    try:
        if not isinstance(data, str):
            if data[:3] == b"\xef\xbb\xbf" or (len(data) >= 2 and not (data[0] and data[1])):
                raise ValueError("not plain UTF-8")  # BOMs and UTF-16/32: json decides
            data = bytes(data).decode("utf-8", "surrogatepass")
        start = len(data) - len(data.lstrip(_JSON_WHITESPACE))
        obj, end = _scan_once(data, start)
        if end != len(data) and data[end:].strip(_JSON_WHITESPACE):
            raise ValueError("Extra data")
        return obj
    except Exception:
        import json

        return json.loads(data)


def _json_type_error(value):
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def json_dumps(obj, default=_json_type_error, ensure_ascii=True):
    """json.dumps(obj, default=default, ensure_ascii=ensure_ascii)."""
    encode_string = _json.encode_basestring_ascii if ensure_ascii else _json.encode_basestring
    if isinstance(obj, str):
        return encode_string(obj)
    encoder = _json.make_encoder({}, default, encode_string, None, ": ", ", ", False, False, True)
    return "".join(encoder(obj, 0))


def to_json(obj):
    """json.dumps as awslambdaric's encoder for Python 3.11: ASCII output and
    Decimal written as a JSON number (NaN for a NaN Decimal)."""
    decimals = []

    def default(value):
        cls = type(value)
        if cls.__name__ == "Decimal" and cls.__module__ in ("decimal", "_decimal", "_pydecimal"):
            if value.is_nan():
                return float("nan")
            if not decimals:
                decimals.append("\x00" + os.urandom(6).hex())
            return f"{decimals[0]}{value}{decimals[0]}"
        return _json_type_error(value)

    text = json_dumps(obj, default)
    if decimals:
        import re

        mark = re.escape(json_dumps(decimals[0])[1:-1])
        text = re.sub(f'"{mark}([^"\\\\]*){mark}"', r"\1", text)
    return text


def _unmarshal_request(body, content_type):
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        return body
    try:
        return json_loads(body)
    except Exception as e:
        raise FaultException(
            FaultException.UNMARSHAL_ERROR, f"Unable to unmarshal input: {e}", None
        )


def _marshal_response(response):
    if isinstance(response, bytes):
        return response, "application/unknown"
    try:
        return to_json(response).encode("utf-8"), "application/json"
    except Exception as e:
        raise FaultException(
            FaultException.MARSHAL_ERROR, f"Unable to marshal response: {e}", None
        )


# --------------------------------------------------------------- context


def _slots_repr(obj):
    fields = ",".join(f"{name}={getattr(obj, name)}" for name in obj.__slots__)
    return f"{obj.__class__.__name__}([{fields}])"


def _from_dict(cls, values):
    if values is None:
        return None
    obj = cls()
    for name in cls.__slots__:
        setattr(obj, name, values.get(name))
    return obj


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]
    __repr__ = _slots_repr


class Client:
    __slots__ = [
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    ]
    __repr__ = _slots_repr


class ClientContext:
    __slots__ = ["custom", "env", "client"]
    __repr__ = _slots_repr


class LambdaContext:
    """The handler's second argument, with awslambdaric's attributes."""

    def __init__(self, invoke_id, client_context, cognito_identity, deadline_ms, function_arn):
        env = os.environ
        self.aws_request_id = invoke_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = function_arn
        self.client_context = _from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _from_dict(Client, self.client_context.client)
        self.identity = _from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get(
                "cognitoIdentityPoolId"
            )
        self._epoch_deadline_time_in_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        delta = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta if delta > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            f"{self.__class__.__name__}([aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},"
            f"client_context={self.client_context},identity={self.identity}])"
        )


def _parse_json_header(value, name):
    try:
        return json_loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR,
            f"Unable to parse {name} JSON: {e}",
            None,
        )


def _create_context(headers, invoke_id):
    client_context = headers.get("lambda-runtime-client-context")
    identity = headers.get("lambda-runtime-cognito-identity")
    return LambdaContext(
        invoke_id,
        _parse_json_header(client_context, "Client Context") if client_context else None,
        _parse_json_header(identity, "Cognito Identity") if identity else None,
        int(headers.get("lambda-runtime-deadline-ms") or 0),
        headers.get("lambda-runtime-invoked-function-arn"),
    )


# --------------------------------------------------------------- errors


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _user_traceback(tb):
    """Formatted frames of `tb`, without the runtime's own leading frames."""
    import traceback

    frames = traceback.extract_tb(tb)
    own = (__file__, os.path.join(os.path.dirname(__file__), "bootstrap.py"))
    for i, frame in enumerate(frames):
        if frame.filename not in own and "/bootstrap.py" not in frame.filename:
            frames = frames[i:]
            break
    return traceback.format_list(frames)


def _fault_result(exc_info, invoke_id=None):
    etype, value, tb = exc_info
    return make_error(str(value), etype.__name__, _user_traceback(tb), invoke_id)


def _log_error(error_result):
    if _LOG_JSON:
        stamp = time.strftime(_JSON_DATETIME_FORMAT, time.gmtime())
        lines = [to_json({"timestamp": stamp, "log_level": "ERROR", **error_result})]
    else:
        description = "[ERROR]"
        if error_result.get("errorType"):
            description += " " + error_result["errorType"]
        if error_result.get("errorMessage"):
            if error_result.get("errorType"):
                description += ":"
            description += " " + error_result["errorMessage"]
        lines = [description, "Traceback (most recent call last):"]
        for element in error_result.get("stackTrace") or []:
            if element == "":
                lines.append("")
            for line in element.splitlines():
                stripped = line.lstrip(" ")
                lines.append(_ERROR_LOG_IDENT * (len(line) - len(stripped)) + stripped)
    sys.stdout.write(_ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


# --------------------------------------------------------------- logging


def _setup_logging(logging):
    """Adds Lambda's handler to the root logger, as awslambdaric does at start."""

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            sys.stdout.write(self.format(record))

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _request_id or ""
            return True

    logging.Formatter.converter = time.gmtime
    handler = LambdaLoggerHandler()
    if _LOG_JSON:
        handler.setFormatter(_json_formatter(logging))
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                "%Y-%m-%dT%H:%M:%S",
            )
        )
    root = logging.getLogger()
    if _LOG_LEVEL:
        root.setLevel(_LOG_LEVEL)
    handler.addFilter(LambdaLoggerFilter())
    root.addHandler(handler)


_RESERVED_RECORD_ATTRIBUTES = frozenset(
    "name msg args levelname levelno pathname filename module exc_info exc_text "
    "stack_info lineno funcName created msecs relativeCreated thread threadName "
    "processName process taskName aws_request_id".split()
)


def _json_level(levelno):
    for floor, name in ((50, "FATAL"), (40, "ERROR"), (30, "WARN"), (20, "INFO"), (10, "DEBUG")):
        if levelno >= floor:
            return name
    return "TRACE"


def _json_formatter(logging):
    """awslambdaric's JSON log record: one object per line, None fields left out."""

    class JsonFormatter(logging.Formatter):
        def format(self, record):
            exc = record.exc_info
            result = {
                "timestamp": self.formatTime(record, _JSON_DATETIME_FORMAT),
                "level": _json_level(record.levelno),
                "message": record.getMessage(),
                "logger": record.name,
                "requestId": getattr(record, "aws_request_id", None),
            }
            if exc:
                import traceback

                result["stackTrace"] = traceback.format_tb(exc[2])
                result["errorType"] = exc[0].__name__
                result["errorMessage"] = str(exc[1])
                result["location"] = f"{record.pathname}:{record.funcName}:{record.lineno}"
            for key, value in record.__dict__.items():
                if key not in _RESERVED_RECORD_ATTRIBUTES and key not in result:
                    result[key] = value
            result = {k: v for k, v in result.items() if v is not None}
            return json_dumps(result, str, ensure_ascii=False) + "\n"

    return JsonFormatter()


class _LoggingImportHook:
    """A meta path finder that configures `logging` right after its first
    import, so functions that never log do not pay for importing it."""

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(name, path, target) if find_spec else None
            if spec is not None:
                spec.loader = _SetupAfterExec(spec.loader)
                return spec
        return None


class _SetupAfterExec:
    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self.loader
        self.loader.exec_module(module)
        _setup_logging(module)


def _install_logging():
    if "logging" in sys.modules:
        _setup_logging(sys.modules["logging"])
    else:
        sys.meta_path.insert(0, _LoggingImportHook())


# --------------------------------------------------------------- handler


def _get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(
            FaultException.MALFORMED_HANDLER_NAME, f"Bad handler '{handler}': {e}"
        )
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                f"Cannot use built-in module {modname} as a handler module",
            )
        import_name = modname.replace("/", ".")
        __import__(import_name)
        module = sys.modules[import_name]
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR, f"Unable to import module '{modname}': {e}"
        )
    except SyntaxError as e:
        trace = [f'  File "{e.filename}" Line {e.lineno}\n    {e.text}']
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR,
            f"Syntax error in module '{modname}': {e}",
            trace,
        )
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND,
            f"Handler '{fname}' missing on module '{modname}'",
        )


def _handle_event(client, request_handler, invoke_id, headers, body):
    error_result = None
    try:
        context = _create_context(headers, invoke_id)
        event = _unmarshal_request(body, headers.get("content-type", "application/json"))
        response = request_handler(event, context)
        result, content_type = _marshal_response(response)
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        error_result = _fault_result(sys.exc_info(), invoke_id)
    if error_result is not None:
        _log_error(error_result)
        client.post_invocation_error(invoke_id, error_result)
    else:
        client.post_invocation_result(invoke_id, result, content_type)


class TraceVariable:
    """Sets _X_AMZN_TRACE_ID, which changes with every invocation.

    os.environ[name] = value calls glibc's setenv(), which keeps every string
    it was ever given (old environ pointers must stay valid) in a tree it
    searches on the next set: ~140 bytes that are never freed and a slower set
    per invocation, until a warm environment reaches its memory limit and
    ends. After load() the variable lives in two buffers of ours instead,
    which putenv() points environ at in turn (no copy), with os.environ's own
    mapping updated beside it: the function, getenv() and subprocesses see the
    current trace id and nothing accumulates. load() imports ctypes, which
    costs milliseconds, so it runs once the first invocation is answered.
    """

    NAME = "_X_AMZN_TRACE_ID"
    PREFIX = NAME.encode() + b"="
    SIZE = 256

    def __init__(self):
        self._buffers = None
        self._turn = 0

    def load(self):
        if self._buffers is not None or not hasattr(os.environ, "_data"):
            return
        import ctypes

        try:
            self._putenv = ctypes.CDLL(None).putenv
        except (OSError, AttributeError):
            return
        self._memmove = ctypes.memmove
        self._buffers = [ctypes.create_string_buffer(self.SIZE) for _ in range(2)]

    def set(self, value):
        if value is None:
            os.environ.pop(self.NAME, None)
            return
        entry = self.PREFIX + os.environ.encodevalue(value) + b"\0"
        if self._buffers is None or len(entry) > self.SIZE or b"\0" in entry[:-1]:
            os.environ[self.NAME] = value
            return
        buffer = self._buffers[self._turn]
        self._turn ^= 1
        self._memmove(buffer, entry, len(entry))
        self._putenv(buffer)
        os.environ._data[os.environ.encodekey(self.NAME)] = entry[len(self.PREFIX) : -1]


class Unbuffered:
    """Flushes after every write, as the Lambda Python runtime's stdout does."""

    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        written = self.stream.write(msg)
        self.stream.flush()
        return written

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


def _configure_paths(task_root):
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    sys.path[0:0] = [task_root, f"/opt/python/lib/{version}/site-packages", "/opt/python"]
    try:
        os.chdir(task_root)
    except OSError:
        pass  # a missing task root shows up as the handler's ImportModuleError


def main():
    global _request_id
    address = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not address:
        sys.stderr.write("Kumo runtime: AWS_LAMBDA_RUNTIME_API is not set\n")
        sys.exit(1)
    handler_name = os.environ.get("_HANDLER") or (sys.argv[1] if len(sys.argv) > 1 else "")
    _configure_paths(os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd())
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    client = RuntimeApiClient(address)
    try:
        _install_logging()
        request_handler = _get_handler(handler_name)
        error_result = None
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        error_result = _fault_result(sys.exc_info())
    try:
        if error_result is not None:
            _log_error(error_result)
            client.post_init_error(error_result)
            sys.exit(1)
        trace = TraceVariable()
        while True:
            headers, body = client.wait_next_invocation()
            invoke_id = headers.get("lambda-runtime-aws-request-id")
            _request_id = invoke_id
            trace.set(headers.get("lambda-runtime-trace-id"))
            _handle_event(client, request_handler, invoke_id, headers, body)
            trace.load()
    except (OSError, RuntimeApiError) as e:
        sys.stderr.write(f"Kumo runtime: Runtime API request failed: {e}\n")
        sys.exit(1)
