import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** The hard ceiling; the configured USERS_PAGE_LIMIT_MAX (default 100) may only lower it. */
export const PAGE_LIMIT_CEILING = 1000;
export const DEFAULT_PAGE_LIMIT = 20;

export class RecommendationsQueryDto {
  @ApiPropertyOptional({
    description: 'Page size (max USERS_PAGE_LIMIT_MAX, 100 by default)',
    default: DEFAULT_PAGE_LIMIT,
    minimum: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_CEILING)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page\'s Link rel="next" header' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
