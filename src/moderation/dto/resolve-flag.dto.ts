import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { trimmed } from '../../common/transforms';

export class ResolveFlagDto {
  @ApiProperty({ example: 'Warned the user; no ban', description: 'What the moderator decided, and why' })
  @Transform(trimmed)
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  note!: string;
}
