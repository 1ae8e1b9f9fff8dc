import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiProblemResponse, KnownQueryPipe, Problems } from '@app/http';
import { EXPECTED_RETRY, OPEN_ENDED_RESPONSE } from '@app/observability';
import { EventStreamHub } from './event-stream.hub';
import { STREAM_QUERY_PARAMETERS, parseStreamRequest } from './event-stream.request';

/** How long a browser's EventSource waits before reconnecting (sent once as `retry:`). */
const CLIENT_RETRY_MS = 2000;

@ApiTags('events')
@ApiBearerAuth('api-key')
@Controller('v1/events')
export class EventStreamController {
  constructor(private readonly hub: EventStreamHub) {}

  @Get()
  @ApiOperation({
    summary: 'Live timeline events (Server-Sent Events), resumable with Last-Event-ID',
    description:
      'Each event is a frame `id: <stream id>`, `event: <type>`, `data: <JSON event view>`; ids increase in commit order. ' +
      'Without Last-Event-ID the stream starts now. A `: heartbeat` comment comes every 15 s.',
  })
  @ApiQuery({ name: 'transaction_id', required: false, description: 'Only this transaction’s events' })
  @ApiQuery({ name: 'account', required: false, description: 'Only events of transactions with this account as source or destination' })
  @ApiQuery({ name: 'last_event_id', required: false, description: 'Resume after this id (the Last-Event-ID header wins)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this id: exactly the events missed, no duplicate' })
  @ApiResponse({
    status: 200,
    description: 'The stream, open until the client or the server ends it',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          example:
            'id: 1842\nevent: processed\ndata: {"id":"5310","stream_id":"1842","transaction_id":"txn_demo_1","type":"processed",' +
            '"occurred_at":"2026-12-02T09:12:33.120Z","status":"PROCESSED","details":{"attempt":1,"late":false},' +
            '"source_account":"user_acc_1","destination_account":"merchant_acc_1","amount":"25.00","currency":"INR"}\n\n',
        },
      },
    },
  })
  @ApiProblemResponse(400, 'An unknown query parameter, a malformed filter or a bad Last-Event-ID')
  @ApiProblemResponse(401, 'API_KEYS is set and no valid key was presented')
  @ApiProblemResponse(429, 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE): each connection counts as one request')
  @ApiProblemResponse(503, 'EVENT_STREAM_LIMIT streams are open on this replica, or it is starting or stopping (Retry-After)')
  async stream(
    @Query(new KnownQueryPipe(STREAM_QUERY_PARAMETERS)) query: Record<string, unknown>,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const request = parseStreamRequest(query, lastEventIdHeader);
    const opened = this.hub.open(res, request.filter, request.lastEventId);
    if (opened.kind !== 'opened') {
      const detail = {
        full: 'No room for another event stream on this replica. Retry after the indicated delay.',
        'not-ready': 'The event stream is not ready yet. Retry after the indicated delay.',
        closing: 'This replica is shutting down. Reconnect (another replica will answer) with your Last-Event-ID.',
      }[opened.kind];
      // Part of normal operation (a full replica, a deploy): logged at warn, not error.
      res.locals[EXPECTED_RETRY] = true;
      throw Problems.streamUnavailable(detail, this.hub.settings.retryAfterSeconds);
    }
    res.locals[OPEN_ENDED_RESPONSE] = true;
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    // nginx (and Render's proxy) would otherwise buffer the stream and deliver it in lumps.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    opened.client.write(`retry: ${CLIENT_RETRY_MS}\n\n`);
    try {
      await this.hub.catchUp(opened.client);
    } catch {
      // PostgreSQL failed mid catch-up: end the stream; the client reconnects with its Last-Event-ID.
      opened.client.end();
    }
  }
}
