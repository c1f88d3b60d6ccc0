"""Ground-truth capture for TORCH_LOGS console output.

Import this module BEFORE ``import torch`` in a workload.  It monkeypatches
``logging.Handler.handle`` (class level, in this process only) so that
whenever one of *torch._logging's own* stderr handlers emits a record, the
record and the exact string the handler's formatter produced are written as one
JSON line to the file named by $TRUTH_OUT.

Only handlers that satisfy all of the following are recorded:
  * ``torch._logging._internal._is_torch_handler(handler)`` (i.e. created by
    torch._logging._setup_handlers), and
  * either ``type(handler) is logging.StreamHandler`` with ``handler.stream is
    sys.stderr`` (torch <= 2.13), or ``type(handler).__name__ ==
    "_StderrHandler"`` (torch >= 2.14: a Handler that writes to the current
    sys.stderr). This excludes torch's FileHandler for TORCH_LOGS_OUT and the
    LazyTraceHandler for TORCH_TRACE.
So the truth is exactly the set of records torch prints to the console.

(tools/pytorch/corpus: the 2.13 corpus' truthcap.py, ../shared/corpus/pytorch-2.13-runs,
with the handler test and the patch point widened for torch 2.14+.)

The emit of the real handler and the truth write happen under one global
lock, so truth order == order of writes to stderr for this process.
Nothing in torch is modified on disk.
"""
import json
import logging
import os
import sys
import threading

_TRUTH_PATH = os.environ.get("TRUTH_OUT")
_ROOT_PID_ENV = "TRUTHCAP_ROOT_PID"
if _TRUTH_PATH:
    if os.environ.get(_ROOT_PID_ENV) is None:
        os.environ[_ROOT_PID_ENV] = str(os.getpid())
    elif os.environ[_ROOT_PID_ENV] != str(os.getpid()):
        # a child process (e.g. torch.multiprocessing spawn): own file
        _TRUTH_PATH = f"{_TRUTH_PATH}.pid{os.getpid()}"

_lock = threading.RLock()
_fh = None
_seq = 0
_orig_handle = logging.Handler.handle

_GLOG = {"DEBUG": "V", "INFO": "I", "WARNING": "W", "ERROR": "E", "CRITICAL": "C"}


def _out():
    global _fh
    if _fh is None and _TRUTH_PATH:
        _fh = open(_TRUTH_PATH, "w", encoding="utf-8")
    return _fh


def _is_target(handler):
    tl = sys.modules.get("torch._logging._internal")
    if tl is None:
        return False
    try:
        if not tl._is_torch_handler(handler):
            return False
    except Exception:
        return False
    if type(handler).__name__ == "_StderrHandler":
        return True
    return type(handler) is logging.StreamHandler and handler.stream is sys.stderr


def _emitting_logger(record, handler):
    lg = logging.getLogger(record.name)
    while lg is not None:
        if handler in lg.handlers:
            return lg.name
        if not lg.propagate:
            break
        lg = lg.parent
    return None


def _context():
    """Replicates TorchLogsFormatter's trace-id / rank lookup."""
    import torch
    import torch.distributed as dist

    rank = None
    try:
        if dist.is_available() and dist.is_initialized():
            rank = dist.get_rank()
    except Exception:
        pass
    tid = None
    try:
        t = torch._guards.CompileContext.current_trace_id()
        if t is not None:
            tid = str(t)
    except Exception:
        pass
    return rank, tid


def _handle(self, record):
    if not _is_target(self):
        return _orig_handle(self, record)
    global _seq
    with _lock:
        cap = {}
        orig_format = self.format

        def fmt(r):
            s = orig_format(r)
            cap["formatted"] = s
            # same thread, same moment as the formatter's own lookup
            cap["rank"], cap["trace_id"] = _context()
            return s

        self.format = fmt
        try:
            rv = _orig_handle(self, record)
        finally:
            try:
                del self.format
            except AttributeError:
                pass
        if "formatted" not in cap:  # a filter dropped it: nothing was written
            return rv
        try:
            _record_truth(self, record, cap)
        except Exception as e:  # never break the workload
            sys.__stderr__.write(f"[truthcap internal error: {e!r}]\n")
        return rv


def _record_truth(handler, record, cap):
    global _seq
    fh = _out()
    if fh is None:
        return
    import torch._logging._internal as tl

    artifact = getattr(logging.getLogger(record.name), "artifact_name", None)
    message = getattr(record, "message", None)
    if message is None:
        message = record.getMessage()
    formatter = handler.formatter
    is_torch_fmt = isinstance(formatter, tl.TorchLogsFormatter)

    # Re-derive the formatter's body text (message + exc_text + stack_info)
    body = message
    if record.exc_text:
        if body[-1:] != "\n":
            body += "\n"
        body += record.exc_text
    if record.stack_info:
        if body[-1:] != "\n":
            body += "\n"
        body += logging.Formatter().formatStack(record.stack_info)

    rank = cap.get("rank")
    trace_id = cap.get("trace_id")
    short_level = _GLOG.get(record.levelname, record.levelname)
    relpath = tl.make_module_path_relative(record.pathname)
    asctime = getattr(record, "asctime", None)
    prefix = None
    if is_torch_fmt:
        prefix = (
            (f"[rank{rank}]:" if rank is not None else "")
            + f"{short_level}{asctime}.{int(record.msecs * 1000):06d} {record.process} "
            + f"{relpath}:{record.lineno}]"
            + (f" [{trace_id}]" if trace_id is not None else "")
            + (f" [__{artifact}]" if artifact is not None else "")
        )
    formatted = cap.get("formatted")
    if prefix is not None and formatted is not None:
        rebuilt = "\n".join(f"{prefix} {l}" for l in body.split("\n"))
        prefix_verified = rebuilt == formatted
    else:
        prefix_verified = None
    _seq += 1
    obj = {
        "seq": _seq,
        "logger": record.name,
        "emitting_logger": _emitting_logger(record, handler),
        "levelno": record.levelno,
        "levelname": record.levelname,
        "short_level": short_level,
        "artifact": artifact,
        "message": message,
        "msg_template": record.msg if isinstance(record.msg, str) else repr(record.msg),
        "exc_text": record.exc_text,
        "has_exc_info": bool(record.exc_info),
        "stack_info": record.stack_info,
        "body": body,
        "pathname": record.pathname,
        "relpath": relpath,
        "lineno": record.lineno,
        "funcName": record.funcName,
        "module": record.module,
        "created": record.created,
        "msecs": record.msecs,
        "asctime": asctime,
        "process": record.process,
        "processName": record.processName,
        "thread": record.thread,
        "threadName": record.threadName,
        "trace_id": trace_id,
        "rank": rank,
        "prefix": prefix,
        "prefix_verified": prefix_verified,
        "formatter": type(formatter).__name__,
        "formatted": formatted,
        "formatted_line_count": None if formatted is None else formatted.count("\n") + 1,
        "terminator": handler.terminator,
    }
    fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    fh.flush()


logging.Handler.handle = _handle
