import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional, Matches } from 'class-validator';
import { OBJECT_ID_PATTERN } from '../../common/object-id';
import { ModerationFlagKind } from '../../flags/schemas/moderation-flag.schema';
import { PageQueryDto } from '../../users/dto/page-query.dto';

/** A Stream user id (flags may name users the app never had): Stream allows letters, digits, @, _ and -. */
const STREAM_USER_ID = /^[\w@-]{1,64}$/;

export class FlagsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'resolved'], description: 'Unset: both' })
  @IsOptional()
  @IsIn(['open', 'resolved'])
  status?: 'open' | 'resolved';

  @ApiPropertyOptional({ description: 'Only flags about this user' })
  @IsOptional()
  @Matches(STREAM_USER_ID, { message: 'userId must be a user id' })
  userId?: string;

  @ApiPropertyOptional({ enum: ModerationFlagKind })
  @IsOptional()
  @IsEnum(ModerationFlagKind)
  kind?: ModerationFlagKind;
}

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only what this moderator or admin did' })
  @IsOptional()
  @Matches(OBJECT_ID_PATTERN, { message: 'actorId must be a user id' })
  actorId?: string;

  @ApiPropertyOptional({ description: 'Only what was done to this user' })
  @IsOptional()
  @Matches(OBJECT_ID_PATTERN, { message: 'targetUserId must be a user id' })
  targetUserId?: string;
}
