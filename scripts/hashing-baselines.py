#!/usr/bin/env python3
"""Sequential SHA-512 throughput of gilbench, sha512sum and python3's hashlib over one tree.

Usage: scripts/hashing-baselines.py GILBENCH TREE [ROUNDS]

Warms the page cache, then runs the three side by side, alternating, ROUNDS times (default 5), and
prints the median MB/s of each (MB = 10^6 bytes). Every tool hashes the same regular files (symbolic
links not followed), 8192 bytes per read for python3 as on slide 147:
  - gilbench: `gilbench run --workload hashing --mode sequential --tree TREE`, its wall_s column
    (the hashing region, through the simulated interpreter and its GIL), once with each SHA-512 core:
    swift-crypto (the default) and openssl (`--sha512-core openssl`: the libcrypto hashlib uses);
  - sha512sum: `find TREE -type f -print0 | xargs -0 sha512sum`, wall time of the whole command;
  - python3: os.walk + open/read(8192)/hashlib.sha512().update, wall time of the loop.
Also prints MB per second of CPU time (user + sys; for sha512sum, of find, xargs and sha512sum),
which a machine shared with other work disturbs far less than wall time.
"""
import csv, hashlib, os, resource, statistics, subprocess, sys, tempfile, time


def files_of(tree):
    out = []
    for root, dirs, names in os.walk(tree, followlinks=False):
        for name in names:
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path):
                out.append(path)
    return sorted(out)


def python_hash(files):
    cpu = time.process_time()
    start = time.perf_counter()
    for path in files:
        digest = hashlib.sha512()
        with open(path, "rb") as f:
            while True:
                chunk = f.read(8192)
                if not chunk:
                    break
                digest.update(chunk)
        digest.digest()
    return time.perf_counter() - start, time.process_time() - cpu


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def sha512sum(tree):
    cpu = children_cpu()
    start = time.perf_counter()
    subprocess.run(f"find '{tree}' -type f -print0 | xargs -0 sha512sum > /dev/null", shell=True, check=True)
    return time.perf_counter() - start, children_cpu() - cpu


def gilbench(binary, tree, core):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "run.csv")
        subprocess.run([binary, "run", "--workload", "hashing", "--mode", "sequential", "--tree", tree,
                        "--sha512-core", core, "--syscalls", "none",
                        "--repeat", "1", "--warmup", "0", "--quiet", "--output", out],
                       check=True, stdout=subprocess.DEVNULL)
        with open(out) as f:
            row = next(csv.DictReader(f))
            return float(row["wall_s"]), float(row["user_s"]) + float(row["sys_s"])


def main():
    binary, tree = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    files = files_of(tree)
    total = sum(os.path.getsize(p) for p in files)
    python_hash(files)  # warm the page cache
    times = {"gilbench": [], "gilbench openssl": [], "sha512sum": [], "python3 hashlib": []}
    for _ in range(rounds):
        times["gilbench"].append(gilbench(binary, tree, "swift-crypto"))
        times["gilbench openssl"].append(gilbench(binary, tree, "openssl"))
        times["sha512sum"].append(sha512sum(tree))
        times["python3 hashlib"].append(python_hash(files))
    print(f"{len(files)} files, {total} bytes, {rounds} rounds, median MB/s (10^6 bytes/s) of wall time and of CPU time")
    rates, cpu_rates = {}, {}
    for name, runs in times.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        rates[name] = total / statistics.median(walls) / 1e6
        cpu_rates[name] = total / statistics.median(cpus) / 1e6
        print(f"{name:16} wall {rates[name]:8.1f} MB/s (median {statistics.median(walls):.4f} s, min {min(walls):.4f})"
              f"   cpu {cpu_rates[name]:8.1f} MB/s (median {statistics.median(cpus):.4f} s)")
    for mine in ("gilbench", "gilbench openssl"):
        for other in ("sha512sum", "python3 hashlib"):
            print(f"{mine + ' / ' + other:35} wall {rates[mine] / rates[other]:.2f}   cpu {cpu_rates[mine] / cpu_rates[other]:.2f}")


if __name__ == "__main__":
    main()
