"""Dynamic shapes: a function called with growing sizes (automatic dynamic after the first recompile), then
a marked-dynamic input and a data-dependent branch on a size (guards on symbolic sizes)."""
import truthcap  # noqa: F401
import sys

import torch

backend = sys.argv[1] if len(sys.argv) > 1 else "eager"


@torch.compile(backend=backend)
def f(x):
    if x.shape[0] > 6:
        return x.sin() * 2
    return x.cos() + 1


for n in (3, 4, 5, 8):
    f(torch.ones(n))


@torch.compile(backend=backend)
def g(x, y):
    return (x @ y).relu()


a = torch.randn(4, 3)
torch._dynamo.mark_dynamic(a, 0)
g(a, torch.randn(3, 2))
g(torch.randn(7, 3), torch.randn(3, 2))
print("done")
