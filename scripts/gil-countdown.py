# Two threads counting down from n each (argv[1]), as the slides' countdown: a program to point
# `gilbench trace --python PATH -- scripts/gil-countdown.py N` at. Runs on Python 2.7 and 3.
import sys, threading

def count(n):
    while n > 0:
        n -= 1

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000000
threads = [threading.Thread(target=count, args=(n,)) for _ in range(2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
