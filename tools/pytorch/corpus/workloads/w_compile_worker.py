"""Inductor's compile-worker pool (the "subprocess" sidecar): a compile whose kernels build in the workers, a
job that runs past the watchdog interval (TORCHINDUCTOR_COMPILE_WORKER_WATCHDOG_INTERVAL=1: the sidecar reports
its status, a `compile_worker_status` trace artifact), then the sidecar's death with a job pending (the parent
fails the job and logs the death: `compile_worker_sidecar_death`).

The death: when the sidecar dies, its result pipe closes and the parent's read thread usually notices first
("SubprocPool unclean exit"), so the health monitor that writes `compile_worker_sidecar_death` rarely gets to
(a race). So the sidecar is stopped (SIGSTOP: no EOF), the health monitor's handler is called as the monitor
would call it (`_on_sidecar_death`, real code: the error log and the trace artifact), then the sidecar is
killed."""
import truthcap  # noqa: F401
import os
import signal
import sys
import time

import torch
from torch._inductor.async_compile import AsyncCompile

torch._inductor.config.worker_start_method = "subprocess"


@torch.compile(backend="inductor")
def f(x):
    return (x.sin() + x.cos()).relu()


f(torch.randn(64))
pool = AsyncCompile.process_pool()
pool.submit(time.sleep, 3).result(timeout=120)
pending = pool.submit(time.sleep, 60)
time.sleep(2)
os.kill(pool.process.pid, signal.SIGSTOP)
pool._on_sidecar_death(-signal.SIGKILL)
os.kill(pool.process.pid, signal.SIGKILL)
try:
    pending.result(timeout=120)
except Exception as e:  # noqa: BLE001
    print(f"stderr: the pending job failed: {type(e).__name__}", file=sys.stderr)
print("done")
