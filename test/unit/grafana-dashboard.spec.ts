import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Registry } from 'prom-client';
import { parse } from 'yaml';
import { PaycheckMetrics, QueueMetrics, type QueueSampler, createMetricsRegistry } from '@app/observability';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

const dashboard = JSON.parse(read('monitoring/grafana/dashboards/paycheck.json')) as { uid: string; panels: Panel[] };
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const queries = panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

/** Every series name the application exposes, as Prometheus stores them (histograms as three). */
function exposedSeries(): Set<string> {
  const registry: Registry = createMetricsRegistry();
  new PaycheckMetrics(registry);
  new QueueMetrics(registry, { sample: async () => null } as unknown as QueueSampler);
  const names = registry.getMetricsAsArray().flatMap((metric) => {
    const { name, type } = metric as unknown as { name: string; type: string };
    return type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
  });
  return new Set(names);
}

describe('Grafana dashboard', () => {
  const exposed = exposedSeries();

  it('queries only metrics the application exposes (or that Prometheus adds: up)', () => {
    const referenced = queries.flatMap(({ panel, expr }) =>
      [...expr.matchAll(/\b(?:paycheck|process|nodejs)_[a-z0-9_]+\b/g)].map((match) => ({ panel, metric: match[0] })),
    );
    expect(referenced.length).toBeGreaterThan(10);
    expect(referenced.filter(({ metric }) => !exposed.has(metric))).toEqual([]);
  });

  it.each([
    ['intake rate by outcome', /sum by \(outcome\) \(rate\(paycheck_webhooks_received_total\[/],
    ['ack latency p50', /histogram_quantile\(0\.5, sum by \(le\) \(rate\(paycheck_webhook_ack_seconds_bucket\[/],
    ['ack latency p99', /histogram_quantile\(0\.99, sum by \(le\) \(rate\(paycheck_webhook_ack_seconds_bucket\[/],
    ['queue depth by state', /paycheck_queue_jobs/],
    ['oldest waiting job age', /paycheck_queue_oldest_waiting_seconds/],
    ['processing rate by result', /sum by \(result\) \(rate\(paycheck_transactions_processed_total\[/],
    ['failures', /paycheck_transactions_processed_total\{result="failed"\}/],
  ])('shows %s', (_view, pattern) => {
    expect(queries.some(({ expr }) => pattern.test(expr))).toBe(true);
  });

  it('uses the provisioned Prometheus datasource in every panel and query', () => {
    const provisioned = parse(read('monitoring/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string }[];
    };
    const uids = new Set(provisioned.datasources.filter((ds) => ds.type === 'prometheus').map((ds) => ds.uid));
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect([panel.title, uids.has(panel.datasource?.uid ?? '')]).toEqual([panel.title, true]);
      for (const target of panel.targets ?? []) expect(uids.has(target.datasource?.uid ?? '')).toBe(true);
    }
  });

  it('lays panels out on the 24-column grid with unique ids', () => {
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const { gridPos } of panels) expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24);
  });

  it('is loaded from where docker-compose.yml mounts it', () => {
    const provider = parse(read('monitoring/grafana/provisioning/dashboards/dashboards.yml')) as {
      providers: { options: { path: string } }[];
    };
    const compose = parse(read('docker-compose.yml')) as { services: Record<string, { volumes?: string[] }> };
    const mount = (compose.services.grafana.volumes ?? []).find((volume) =>
      volume.startsWith('./monitoring/grafana/dashboards/paycheck.json:'),
    );
    expect(mount).toBeDefined();
    expect(dirname(mount!.split(':')[1])).toBe(provider.providers[0].options.path);
  });
});

describe('Prometheus configuration', () => {
  it('scrapes /metrics on port 8080 of every api and worker replica of the Compose stack', () => {
    const config = parse(read('monitoring/prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; metrics_path?: string; dns_sd_configs?: { names: string[]; type: string; port: number }[] }[];
    };
    const compose = parse(read('docker-compose.yml')) as { services: Record<string, unknown> };
    const targets = config.scrape_configs.flatMap((job) =>
      (job.dns_sd_configs ?? []).flatMap((sd) => sd.names.map((name) => `${name}:${sd.port}${job.metrics_path ?? '/metrics'}`)),
    );
    expect(targets.sort()).toEqual(['api:8080/metrics', 'worker:8080/metrics']);
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['api', 'worker', 'prometheus', 'grafana']));
    // The dashboard's job filter matches these job names.
    for (const job of config.scrape_configs) expect(job.job_name).toMatch(/^paycheck-/);
  });
});
