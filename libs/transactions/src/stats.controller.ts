import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponse, KnownQueryPipe } from '@app/http';
import { StatsService } from './stats.service';
import { StatsView } from './stats.view';

@ApiTags('stats')
@ApiBearerAuth('api-key')
@Controller('v1/stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @ApiOperation({
    summary: 'Headline numbers: counts by status; received, processed, failed and processed volume in the last hour and day',
    description: 'Exact, from counters kept in the same database transactions as the changes they count; no table scan.',
  })
  @ApiOkResponse({ type: StatsView })
  @ApiProblemResponse(400, 'A query parameter was given: this route takes none')
  @ApiProblemResponse(401, 'API_KEYS is set and no valid key was presented')
  @ApiProblemResponse(429, 'Rate limit exceeded (RATE_LIMIT_PER_MINUTE)')
  @ApiProblemResponse(503, 'PostgreSQL is unavailable')
  read(@Query(new KnownQueryPipe([])) _query: unknown): Promise<StatsView> {
    return this.stats.read();
  }
}
