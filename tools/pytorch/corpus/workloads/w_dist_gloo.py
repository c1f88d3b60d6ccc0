"""Two processes (torch.multiprocessing.spawn), a gloo process group over a file store on this machine, each
compiling a function with a graph break and running an all_reduce: records carry [rank0]: / [rank1]:."""
import truthcap  # noqa: F401
import os
import sys
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def work(x):
    y = x * 2
    print(f"stdout: rank {dist.get_rank()} inside compiled code (graph break)")
    return y + 1


def main(rank, world_size, store_file):
    dist.init_process_group("gloo", init_method=f"file://{store_file}", rank=rank, world_size=world_size)
    compiled = torch.compile(work, backend="eager")
    t = compiled(torch.ones(4) * (rank + 1))
    dist.all_reduce(t)
    compiled(torch.ones(5, dtype=torch.float64))
    print(f"stdout: rank {rank} result {t.tolist()}")
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        mp.spawn(main, args=(2, os.path.join(tmp, "store")), nprocs=2, join=True)
    print("stderr: workload done", file=sys.stderr)
