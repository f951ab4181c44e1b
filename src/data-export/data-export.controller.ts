import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import type { Principal } from '../identity/principal';
import { DataExportService } from './data-export.service';
import { DataExportResponse } from './dto/data-export.response';

@ApiTags('users')
@ApiCookieAuth()
@Controller('users/me/export')
@UseGuards(JwtAuthGuard)
export class DataExportController {
  constructor(private readonly exports: DataExportService) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Disposition', 'attachment; filename="my-data.json"')
  @ApiOkResponse({ type: DataExportResponse, description: 'Everything held about me, here and in Stream' })
  @ApiUnauthorizedResponse({ description: 'No or invalid jwt cookie' })
  @ApiTooManyRequestsResponse({ description: 'More than EXPORT_DAILY_LIMIT exports in 24 h' })
  export(@CurrentUser() me: Principal): Promise<DataExportResponse> {
    return this.exports.exportMyData(me.id, me.sessionId);
  }
}
