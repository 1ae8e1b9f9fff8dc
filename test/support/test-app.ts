import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import request from 'supertest';
import { AppConfig, loadConfig } from '@app/config';
import { SETTLEMENT_QUEUE } from '@app/queue';
import { CreateAppOptions, createApp } from '../../apps/server/src/bootstrap/create-app';
import { TEMPLATE_ENV, createTestDatabase, uniqueSuffix } from './test-databases';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  http: () => ReturnType<typeof request>;
  queue: Queue;
  close: () => Promise<void>;
}

/** Settings that keep the suite fast; a test overrides what it is about. */
export const FAST_ENV: Record<string, string> = {
  PROCESSING_DELAY_MS: '200',
  PROCESSING_BACKOFF_MS: '100',
  RECONCILE_INTERVAL_MS: '3600000',
  LOG_LEVEL: 'error',
  DB_MIGRATIONS_RUN: 'false',
};

/** A fresh BullMQ prefix under this run's name, so the global teardown can remove its keys. */
export function testQueuePrefix(): string {
  return `${process.env[TEMPLATE_ENV] ?? 'paycheck_test_adhoc'}-${uniqueSuffix()}`;
}

/** A real application (real PostgreSQL, real Redis) for one role, initialised but not listening. */
export async function startTestApp(env: Record<string, string>, options: CreateAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({ ...FAST_ENV, ...env });
  const app = await createApp(config, options);
  await app.init();
  const queue = app.get<Queue>(getQueueToken(SETTLEMENT_QUEUE));
  return {
    app,
    config,
    queue,
    http: () => request(app.getHttpServer()),
    close: () => app.close(),
  };
}

/** A database and a queue prefix of its own, for an app that shares them with no other test file. */
export async function isolatedEnv(): Promise<{ DATABASE_URL: string; QUEUE_PREFIX: string }> {
  return { DATABASE_URL: await createTestDatabase(), QUEUE_PREFIX: testQueuePrefix() };
}

export async function waitFor<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function uniqueId(label: string): string {
  return `${label}_${uniqueSuffix()}`;
}
