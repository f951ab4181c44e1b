import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';

/** Recommendations' page size when none is asked for; the friend lists default to the largest page. */
export const DEFAULT_PAGE_LIMIT = 20;

/** `limit` and `cursor` of every paged list. */
export class PageQueryDto {
  @ApiPropertyOptional({
    description:
      'Page size, at most USERS_PAGE_LIMIT_MAX (100 by default); recommendations default to 20, the friend ' +
      'lists to the largest page',
    minimum: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  // The maximum is USERS_PAGE_LIMIT_MAX, checked by pageLimit() (common/page-cursor.ts).
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page\'s Link rel="next" header' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
