/**
 * /metrics for both host programs, through prom-client rather than hand-written exposition text:
 * one registry per program, no default process metrics (the names Telegraf scrapes are the
 * programs' own, docs/monitoring.md). Counters are incremented where things happen; gauges either
 * are set where the value changes or read the program's state when scraped, so /status and
 * /metrics cannot disagree.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class MetricSet {
  private readonly registry = new Registry();

  /** The media type of `render()`, for the HTTP response. */
  get contentType(): string {
    return this.registry.contentType;
  }

  counter(name: string, help: string): Counter {
    return new Counter({ name, help, registers: [this.registry] });
  }

  /** A counter kept by someone else (a total the program already holds), read at every scrape. */
  sampledCounter(name: string, help: string, value: () => number): Counter {
    return new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(value());
      },
    });
  }

  gauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  /** A gauge whose value is read from `value()` at every scrape. */
  sampled(name: string, help: string, value: () => number): Gauge {
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(value());
      },
    });
  }

  /** A gauge with one label whose series are read from `series()` (label value -> number) at every scrape. */
  sampledBy(name: string, help: string, label: string, series: () => Map<string, number>): Gauge {
    return new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [value, n] of series()) this.set({ [label]: value }, n);
      },
    });
  }

  histogram(name: string, help: string, buckets: number[]): Histogram {
    return new Histogram({ name, help, buckets, registers: [this.registry] });
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
