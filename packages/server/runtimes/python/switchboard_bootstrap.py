"""Switchboard's AWS Lambda runtime for Python, using only the standard library.

Switchboard starts this file with the environment AWS Lambda gives a runtime (AWS_LAMBDA_RUNTIME_API,
_HANDLER, LAMBDA_TASK_ROOT, AWS_LAMBDA_FUNCTION_NAME, ...). It imports the handler, then loops:
GET the next invocation from the Runtime API, call handler(event, context), POST the result or the
error. When the official runtime interface client (awslambdaric) is installed for this interpreter,
it is used instead.
"""
import decimal
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_PREFIX = "/2018-06-01/runtime"


def main():
    handler_name = os.environ["_HANDLER"]
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    if _has_awslambdaric():
        os.chdir(task_root)
        os.execv(sys.executable, [sys.executable, "-m", "awslambdaric", handler_name])
    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    # The handler's folder, not this runtime's, is where its imports are found.
    if sys.path and os.path.abspath(sys.path[0] or ".") == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)
    sys.path.insert(0, task_root)
    _configure_logging()
    try:
        handler = _load_handler(handler_name)
    except Exception as exc:  # noqa: BLE001 - every import failure is an init error
        api.post(API_PREFIX + "/init/error", _error_body(exc), exc)
        sys.exit(1)
    while True:
        status, headers, body = api.request("GET", API_PREFIX + "/invocation/next")
        if status != 200:
            raise RuntimeError("the Runtime API answered %s to invocation/next" % status)
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        context = LambdaContext(request_id, headers)
        _RequestIdFilter.request_id = request_id
        try:
            result = handler(json.loads(body or b"null"), context)
            payload = json.dumps(result, default=_json_default).encode("utf-8")
        except Exception as exc:  # noqa: BLE001 - every handler failure goes back as the invocation's error
            api.post("%s/invocation/%s/error" % (API_PREFIX, request_id), _error_body(exc), exc)
            continue
        api.post("%s/invocation/%s/response" % (API_PREFIX, request_id), payload)


class RuntimeApi:
    """One keep-alive HTTP connection to the Runtime API, reopened when it drops."""

    def __init__(self, address):
        self.address = address
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.address)
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                return response.status, response.headers, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def post(self, path, body, exc=None):
        headers = {"Content-Type": "application/json"}
        if exc is not None:
            headers["Lambda-Runtime-Function-Error-Type"] = "Unhandled"
        status, _, answer = self.request("POST", path, body, headers)
        if status >= 500:
            sys.exit("the Runtime API answered %s: %s" % (status, answer.decode("utf-8", "replace")))


class CognitoIdentity:
    cognito_identity_id = None
    cognito_identity_pool_id = None


class LambdaContext:
    """The Lambda context object, with the attributes and method of AWS's Python runtime."""

    def __init__(self, request_id, headers):
        self.aws_request_id = request_id
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = CognitoIdentity()
        self.client_context = None
        self.tenant_id = None
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))

    def __repr__(self):
        return "LambdaContext(aws_request_id=%r, function_name=%r)" % (self.aws_request_id, self.function_name)


class _RequestIdFilter(logging.Filter):
    request_id = ""

    def filter(self, record):
        record.aws_request_id = _RequestIdFilter.request_id
        return True


def _configure_logging():
    """Like AWS's runtime: the root logger writes `[LEVEL]\\ttime\\trequest id\\tmessage` to stdout."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(_RequestIdFilter())
    logging.Formatter.converter = time.gmtime
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(os.environ.get("AWS_LAMBDA_LOG_LEVEL", "WARNING").upper())


def _load_handler(name):
    module_name, _, function_name = name.rpartition(".")
    if not module_name:
        raise ValueError("the handler %r is not module.function" % name)
    module = importlib.import_module(module_name.replace("/", "."))
    handler = getattr(module, function_name, None)
    if handler is None:
        raise AttributeError("the module %s has no %s" % (module_name, function_name))
    if not callable(handler):
        raise TypeError("%s.%s is not a function" % (module_name, function_name))
    return handler


def _error_body(exc):
    message = str(exc)
    if isinstance(exc, SyntaxError) and exc.filename:
        message = "%s:%s:%s: %s" % (exc.filename, exc.lineno, exc.offset or 1, exc.msg)
    return json.dumps({
        "errorMessage": message,
        "errorType": type(exc).__name__,
        "stackTrace": traceback.format_exception(type(exc), exc, exc.__traceback__),
    }).encode("utf-8")


def _json_default(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        return list(value)
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


def _has_awslambdaric():
    if os.environ.get("SWITCHBOARD_PYTHON_RUNTIME") == "stdlib":
        return False
    try:
        import importlib.util
        return importlib.util.find_spec("awslambdaric") is not None
    except (ImportError, ValueError):
        return False


if __name__ == "__main__":
    main()
