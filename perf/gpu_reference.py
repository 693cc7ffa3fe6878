#!/usr/bin/env python3
"""PyTorch/cuDNN timings of the ENAS kernel shapes, and the comparison table against Enas.GpuBench.

  python3 perf/gpu_reference.py --out torch.csv [--batches 64,128] [--channels 36] [--size 32] [--iters 20]
  python3 perf/gpu_reference.py --compare enas.csv torch.csv

Configs: "fp32"    = cudnn.allow_tf32 = matmul.allow_tf32 = False, cudnn.benchmark = True (best FP32 algorithms,
                     the fair comparison: Enas kernels are plain FP32 FFMA);
         "default" = PyTorch defaults (cuDNN convolutions may use TF32 tensor cores, benchmark off).
Op names match perf/Enas.GpuBench so the CSVs join on (op, batch, mode).
"""
import argparse
import csv
import statistics
import sys


def cases(torch, batch, channels, size, device):
    F = torch.nn.functional
    g = torch.Generator(device="cpu").manual_seed(0)

    def rand(*shape, grad=False):
        t = (torch.rand(*shape, generator=g) * 2 - 1).to(device)
        return t.requires_grad_(grad)

    for k in (3, 5, 1):
        x, w = rand(batch, channels, size, size, grad=True), rand(channels, channels, k, k, grad=True)
        yield f"conv{k}x{k}", (lambda x=x, w=w, k=k: F.conv2d(x, w, padding=k // 2)), (x, w)
    for k in (3, 5):
        x = rand(batch, channels, size, size, grad=True)
        wd, wp = rand(channels, 1, k, k, grad=True), rand(channels, channels, 1, 1, grad=True)
        yield (f"sepconv{k}x{k}",
               (lambda x=x, wd=wd, wp=wp, k=k: F.conv2d(F.conv2d(x, wd, padding=k // 2, groups=channels), wp)),
               (x, wd, wp))
    x = rand(batch, channels, size, size, grad=True)
    yield "maxpool3x3", (lambda x=x: F.max_pool2d(x, 3, 1, 1)), (x,)
    x = rand(batch, channels, size, size, grad=True)
    yield "avgpool3x3", (lambda x=x: F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)), (x,)
    x, gamma, beta = rand(batch, channels, size, size, grad=True), rand(channels, grad=True), rand(channels, grad=True)
    yield "batchnorm", (lambda x=x, gm=gamma, bt=beta: F.batch_norm(x, None, None, gm, bt, training=True)), (x, gamma, beta)


def time_ms(torch, fn, iters, samples=5):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    results = []
    for _ in range(samples):
        start.record()
        for _ in range(iters):
            fn()
        end.record()
        end.synchronize()
        results.append(start.elapsed_time(end) / iters)
    return statistics.median(results)


def measure(args):
    import torch
    if not torch.cuda.is_available():
        sys.exit("error: PyTorch sees no CUDA device (torch.cuda.is_available() is False)")
    dev = torch.device("cuda:0")
    print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}, "
          f"{torch.cuda.get_device_name(0)}", file=sys.stderr)
    rows = []
    for config in ("fp32", "default"):
        torch.backends.cudnn.allow_tf32 = config == "default"
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.benchmark = config == "fp32"
        for batch in args.batches:
            for name, fn, inputs in cases(torch, batch, args.channels, args.size, dev):
                with torch.no_grad():
                    fwd = time_ms(torch, fn, args.iters)
                grad = torch.ones_like(fn())

                def step(fn=fn, inputs=inputs, grad=grad):
                    torch.autograd.grad(fn(), inputs, grad)
                both = time_ms(torch, step, args.iters)
                rows += [(name, batch, "fwd", fwd, config), (name, batch, "fwd+bwd", both, config)]
                print(f"{config:8s} {name:12s} b={batch:<4d} fwd {fwd:8.4f} ms  fwd+bwd {both:8.4f} ms", file=sys.stderr)
    with open(args.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["op", "batch", "mode", "ms", "config"])
        for r in rows:
            w.writerow([r[0], r[1], r[2], f"{r[3]:.4f}", r[4]])


def compare(enas_path, torch_path):
    enas = {}
    with open(enas_path) as f:
        for r in csv.DictReader(f):
            enas[(r["op"], int(r["batch"]), r["mode"])] = float(r["ms"])
    torch_ms = {}
    if torch_path:
        with open(torch_path) as f:
            for r in csv.DictReader(f):
                torch_ms[(r["op"], int(r["batch"]), r["mode"], r["config"])] = float(r["ms"])
    header = (f"{'op':12s} {'batch':>5s} {'mode':8s} {'enas ms':>9s} {'torch fp32':>10s} {'ratio':>6s} "
              f"{'torch dflt':>10s} {'ratio':>6s}")
    print(header)
    print("-" * len(header))

    def cell(key):
        t = torch_ms.get(key)
        return (f"{t:10.4f}", f"{enas[key[:3]] / t:6.2f}") if t else (f"{'n/a':>10s}", f"{'':>6s}")
    for key in sorted(enas, key=lambda k: (k[1], k[2], k[0])):
        a, ra = cell(key + ("fp32",))
        b, rb = cell(key + ("default",))
        print(f"{key[0]:12s} {key[1]:5d} {key[2]:8s} {enas[key]:9.4f} {a} {ra} {b} {rb}")
    print("ratio = enas ms / torch ms (lower is better; 1.0 = parity with PyTorch/cuDNN)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", default="torch.csv")
    p.add_argument("--batches", type=lambda s: [int(v) for v in s.split(",")], default=[64, 128])
    p.add_argument("--channels", type=int, default=36)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--iters", type=int, default=20)
    p.add_argument("--compare", nargs="+", metavar="CSV", help="enas.csv [torch.csv]")
    args = p.parse_args()
    if args.compare:
        compare(args.compare[0], args.compare[1] if len(args.compare) > 1 else None)
    else:
        measure(args)


if __name__ == "__main__":
    main()
