import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

@ApiTags('health')
@Controller()
export class RootController {
  @Get()
  @ApiOperation({ summary: 'Service status and server time' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['HEALTHY'] }, current_time: { type: 'string', format: 'date-time' } },
    },
  })
  status(): { status: 'HEALTHY'; current_time: string } {
    return { status: 'HEALTHY', current_time: new Date().toISOString() };
  }
}
