import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditEntryView } from '../audit/audit-entry.view';
import { withNextLink } from '../common/next-link';
import { ParseObjectIdPipe } from '../common/parse-object-id.pipe';
import { CurrentUser } from '../identity/current-user.decorator';
import { JwtAuthGuard } from '../identity/jwt-auth.guard';
import type { Principal } from '../identity/principal';
import { BanDto } from './dto/ban.dto';
import { AuditQueryDto, FlagsQueryDto } from './dto/moderation-query.dto';
import { ResolveFlagDto } from './dto/resolve-flag.dto';
import { ModerationService } from './moderation.service';
import { BanView, FlagView, UnbanView } from './moderation.views';
import { RequireRole, RoleGuard } from './role.guard';

const NEXT_PAGE = 'Newest first. The next page, if any, is in the `Link: <...>; rel="next"` header.';

/** The moderator API: moderators and admins only (roles are granted with the admin CLI, never here). */
@ApiTags('moderation')
@ApiCookieAuth()
@ApiUnauthorizedResponse({ description: 'No or invalid jwt cookie' })
@ApiForbiddenResponse({ description: 'Not a moderator or admin' })
@Controller('moderation')
@UseGuards(JwtAuthGuard, RoleGuard)
@RequireRole('moderator')
export class ModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @Get('flags')
  @ApiOkResponse({
    type: [FlagView],
    description: `What Stream reported (user and message flags). ${NEXT_PAGE}`,
  })
  @ApiBadRequestResponse({ description: 'Bad filter, limit or cursor' })
  async flags(
    @Query() query: FlagsQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FlagView[]> {
    return withNextLink(req, res, await this.moderation.listFlags(query));
  }

  @Post('flags/:id/resolve')
  @HttpCode(HttpStatus.OK)
  @ApiParam({ name: 'id', description: 'The flag id' })
  @ApiOkResponse({ type: FlagView, description: 'Resolved, with the note; recorded in the audit log' })
  @ApiBadRequestResponse({ description: 'Malformed id, or no note' })
  @ApiNotFoundResponse({ description: 'No such flag' })
  @ApiConflictResponse({ description: 'Already resolved' })
  resolve(
    @CurrentUser() me: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: ResolveFlagDto,
  ): Promise<FlagView> {
    return this.moderation.resolveFlag(me.id, id, dto.note);
  }

  @Post('users/:id/ban')
  @HttpCode(HttpStatus.OK)
  @ApiParam({ name: 'id', description: 'The user to ban' })
  @ApiOkResponse({
    type: BanView,
    description:
      'Banned (a new ban replaces one in force): their sessions end at once, sign-in answers 403, no chat ' +
      'token; banned in Stream too (later, by the sync worker, if Stream is down). Recorded in the audit log',
  })
  @ApiBadRequestResponse({ description: 'Malformed id, yourself, no reason, or too long a duration' })
  @ApiForbiddenResponse({ description: 'Not a moderator or admin, or a moderator banning an admin' })
  @ApiNotFoundResponse({ description: 'No such user' })
  ban(
    @CurrentUser() me: Principal,
    @Param('id', ParseObjectIdPipe) id: string,
    @Body() dto: BanDto,
  ): Promise<BanView> {
    return this.moderation.ban(me.id, id, dto);
  }

  @Post('users/:id/unban')
  @HttpCode(HttpStatus.OK)
  @ApiParam({ name: 'id', description: 'The user to unban' })
  @ApiOkResponse({ type: UnbanView, description: 'Unbanned here and in Stream; recorded in the audit log' })
  @ApiBadRequestResponse({ description: 'Malformed id' })
  @ApiForbiddenResponse({ description: 'Not a moderator or admin, or a moderator unbanning an admin' })
  @ApiNotFoundResponse({ description: 'No such user' })
  @ApiConflictResponse({ description: 'Not banned (never, unbanned, or a timed ban already over)' })
  unban(@CurrentUser() me: Principal, @Param('id', ParseObjectIdPipe) id: string): Promise<UnbanView> {
    return this.moderation.unban(me.id, id);
  }

  @Get('audit')
  @RequireRole('admin')
  @ApiOkResponse({
    type: [AuditEntryView],
    description: `Every moderator and admin action (API and CLI); admins only, read-only. ${NEXT_PAGE}`,
  })
  @ApiBadRequestResponse({ description: 'Bad filter, limit or cursor' })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  async audit(
    @Query() query: AuditQueryDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AuditEntryView[]> {
    return withNextLink(req, res, await this.moderation.readAudit(query));
  }
}
