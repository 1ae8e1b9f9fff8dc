import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { QueueConsumersHealthIndicator } from './queue-consumers.health';
import { RedisHealthIndicator } from './redis.health';

/**
 * Probes for load balancers and Render: liveness is shallow, readiness checks PostgreSQL and
 * Redis with timeouts, worker presence is its own endpoint. A failing check answers 503 with
 * the Terminus body (not a problem document), which is what probe dashboards expect.
 */
/** Terminus' body, for the OpenAPI document. */
const CHECK_RESULT = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'error', 'shutting_down'] },
    info: { type: 'object', additionalProperties: { type: 'object' } },
    error: { type: 'object', additionalProperties: { type: 'object' } },
    details: { type: 'object', additionalProperties: { type: 'object' } },
  },
};

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly consumers: QueueConsumersHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process runs (no dependency checks)' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL (database) and Redis (redis) answer' })
  @ApiOkResponse({ schema: CHECK_RESULT, description: 'Both answer' })
  @ApiServiceUnavailableResponse({ schema: CHECK_RESULT, description: 'One of them does not; the body says which' })
  ready(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.run(res, [() => this.database.pingCheck('database', { timeout: 1500 }), () => this.redis.isHealthy('redis')]);
  }

  @Get('worker')
  @ApiOperation({ summary: 'At least one worker consumes the queue; reports the backlog' })
  @ApiOkResponse({ schema: CHECK_RESULT, description: 'A worker is connected' })
  @ApiServiceUnavailableResponse({ schema: CHECK_RESULT, description: 'No worker consumes the queue, or Redis is unreachable' })
  worker(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    return this.run(res, [() => this.consumers.isHealthy('queue')]);
  }

  private async run(res: Response, checks: Parameters<HealthCheckService['check']>[0]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
