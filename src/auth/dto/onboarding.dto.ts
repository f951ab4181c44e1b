import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Exactly the fields a user may set when onboarding; anything else is refused by the global ValidationPipe. */
export class OnboardingDto {
  @ApiProperty() @Transform(trim) @IsNotEmpty() @IsString() @MaxLength(80) fullName!: string;
  @ApiProperty() @Transform(trim) @IsNotEmpty() @IsString() @MaxLength(500) bio!: string;
  @ApiProperty() @Transform(trim) @IsNotEmpty() @IsString() @MaxLength(40) nativeLanguage!: string;
  @ApiProperty() @Transform(trim) @IsNotEmpty() @IsString() @MaxLength(40) learningLanguage!: string;
  @ApiProperty() @Transform(trim) @IsNotEmpty() @IsString() @MaxLength(100) location!: string;

  @ApiPropertyOptional({ description: 'http(s) URL of the avatar' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  profilePic?: string;
}
