import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_LIMIT = 20;

export class PageQueryDto {
  @ApiPropertyOptional({
    description: 'Page size (max USERS_PAGE_LIMIT_MAX, 100 by default)',
    default: DEFAULT_PAGE_LIMIT,
    minimum: 1,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  // The maximum is USERS_PAGE_LIMIT_MAX, checked by UsersService.recommend.
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page\'s Link rel="next" header' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
