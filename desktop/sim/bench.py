"""Generation throughput: messages per second the simulator produces in-process (no broker).

    .venv/bin/python -m desktop.sim.bench [--vehicles 20000] [--interval 1] [--seconds 60]

Last line: ``generated_msgs_per_s=N per_simulated_second=M realtime_factor=R`` (CPU time of
this process, so other load on the machine does not count; wall time is printed too).
"""

from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from desktop.models.sites import load_roster, load_sites
from desktop.sim.anomalies import DEFAULT_RATE, AnomalyRates
from desktop.sim.engine import Simulator

DATA = Path(__file__).resolve().parent.parent / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vehicles", type=int, default=20_000)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=60.0, help="simulated seconds to generate")
    parser.add_argument("--warmup", type=float, default=30.0, help="simulated seconds before measuring")
    parser.add_argument("--active-share", type=float, default=1.0, help="trucks with an OBU (default all)")
    parser.add_argument("--anomaly-rate", type=float, default=DEFAULT_RATE)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sites = load_sites(DATA / "demo_sites.geojson")
    roster = load_roster(DATA / "demo_roster.json", sites)
    started = time.perf_counter()
    sim = Simulator(
        sites,
        roster,
        vehicles=args.vehicles,
        seed=args.seed,
        interval_s=args.interval,
        active_share=args.active_share,
        rates=AnomalyRates.uniform(args.anomaly_rate),
    )
    for _ in sim.batches(1.0, sim.now + args.warmup):  # routes are built on first use
        pass
    print(f"set-up and {args.warmup:g} s warm-up: {time.perf_counter() - started:.1f} s wall", flush=True)
    gc.collect()
    count = 0
    cpu, wall = time.process_time(), time.perf_counter()
    for batch in sim.batches(1.0, sim.now + args.seconds):
        count += len(batch)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rate = count / cpu
    per_second = count / args.seconds
    print(
        f"vehicles={args.vehicles} interval={args.interval:g}s messages={count} cpu={cpu:.2f}s "
        f"wall={wall:.2f}s wall_rate={count / wall:.0f}/s trips={sim.stats.orders}"
    )
    print(
        f"generated_msgs_per_s={rate:.0f} per_simulated_second={per_second:.0f} "
        f"realtime_factor={rate / per_second:.2f}"
    )


if __name__ == "__main__":
    main()
