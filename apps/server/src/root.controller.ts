import { Controller, Get } from '@nestjs/common';

@Controller()
export class RootController {
  @Get()
  status(): { status: 'HEALTHY'; current_time: string } {
    return { status: 'HEALTHY', current_time: new Date().toISOString() };
  }
}
