import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Where the browser goes once the sign-in (or link) is done: inside APP_URL, absolute or relative to it. */
export class ReturnToDto {
  @ApiPropertyOptional({
    example: '/settings',
    description: 'A page of the app (inside APP_URL); default APP_URL',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  returnTo?: string;
}
