import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { trimmedLowerCase } from '../../common/transforms';

export class LoginDto {
  @ApiProperty({ example: 'ana@example.com' })
  @Transform(trimmedLowerCase)
  @IsNotEmpty()
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsNotEmpty()
  @IsString()
  @MaxLength(1024)
  password!: string;
}
