import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { trimmed, trimmedLowerCase } from '../../common/transforms';
import { IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';

/** Exactly the fields a user may set when onboarding; anything else is refused by the global ValidationPipe. */
export class OnboardingDto {
  @ApiProperty() @Transform(trimmed) @IsNotEmpty() @IsString() @MaxLength(80) fullName!: string;
  @ApiProperty() @Transform(trimmed) @IsNotEmpty() @IsString() @MaxLength(500) bio!: string;
  @ApiProperty({ example: 'english', description: 'stored lower-cased' })
  @Transform(trimmedLowerCase)
  @IsNotEmpty()
  @IsString()
  @MaxLength(40)
  nativeLanguage!: string;
  @ApiProperty({ example: 'spanish', description: 'stored lower-cased' })
  @Transform(trimmedLowerCase)
  @IsNotEmpty()
  @IsString()
  @MaxLength(40)
  learningLanguage!: string;
  @ApiProperty() @Transform(trimmed) @IsNotEmpty() @IsString() @MaxLength(100) location!: string;

  @ApiPropertyOptional({ description: 'http(s) URL of the avatar' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  profilePic?: string;
}
