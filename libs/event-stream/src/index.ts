export { EventStreamClient } from './event-stream-client';
export { EventStreamHub } from './event-stream.hub';
export { EventStreamModule } from './event-stream.module';
export { EventStreamRepository, STAMPER_LOCK_KEY } from './event-stream.repository';
export { STREAM_QUERY_PARAMETERS, StreamRequest, parseStreamRequest } from './event-stream.request';
export { DEFAULT_EVENT_STREAM_SETTINGS, EventStreamSettings } from './event-stream.settings';
export { HEARTBEAT_FRAME, StreamEventRow, StreamFilter, matchesFilter, sseFrame } from './stream-event';
