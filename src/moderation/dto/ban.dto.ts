import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { trimmed } from '../../common/transforms';

export class BanDto {
  @ApiProperty({ example: 'Spam in several channels', description: 'Why; the user is not shown it' })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;

  @ApiPropertyOptional({
    minimum: 1,
    description:
      'Minutes until the ban ends by itself, at most MODERATION_BAN_MAX_DAYS; leave out for a permanent ban',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  durationMinutes?: number;
}
