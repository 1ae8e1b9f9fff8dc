import { DynamicModule, Module } from '@nestjs/common';
import { EventStreamController } from './event-stream.controller';
import { EventStreamHub } from './event-stream.hub';
import { EventStreamRepository } from './event-stream.repository';
import { DEFAULT_EVENT_STREAM_SETTINGS, EVENT_STREAM_SETTINGS, type EventStreamSettings } from './event-stream.settings';

/**
 * GET /v1/events for API roles: the route, and the process's one poller (its own process-wide
 * state, hence its own module). Workers never load it: they only write the events.
 */
@Module({})
export class EventStreamModule {
  static forApi(settings: Partial<EventStreamSettings> = {}): DynamicModule {
    return {
      module: EventStreamModule,
      controllers: [EventStreamController],
      providers: [
        EventStreamRepository,
        EventStreamHub,
        { provide: EVENT_STREAM_SETTINGS, useValue: Object.freeze({ ...DEFAULT_EVENT_STREAM_SETTINGS, ...settings }) },
      ],
      exports: [EventStreamHub],
    };
  }
}
