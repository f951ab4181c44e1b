import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
// Languages are matched exactly when ranking partners, so "English" and "english" must be one language.
const language = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/** Exactly the fields a user may set when onboarding; anything else is refused by the global ValidationPipe. */
export class OnboardingDto {
  @ApiProperty() @Transform(trim) @IsNotEmpty() @IsString() @MaxLength(80) fullName!: string;
  @ApiProperty() @Transform(trim) @IsNotEmpty() @IsString() @MaxLength(500) bio!: string;
  @ApiProperty({ example: 'english', description: 'stored lower-cased' })
  @Transform(language)
  @IsNotEmpty()
  @IsString()
  @MaxLength(40)
  nativeLanguage!: string;
  @ApiProperty({ example: 'spanish', description: 'stored lower-cased' })
  @Transform(language)
  @IsNotEmpty()
  @IsString()
  @MaxLength(40)
  learningLanguage!: string;
  @ApiProperty() @Transform(trim) @IsNotEmpty() @IsString() @MaxLength(100) location!: string;

  @ApiPropertyOptional({ description: 'http(s) URL of the avatar' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  profilePic?: string;
}
