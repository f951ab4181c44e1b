import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Deleting the account asks for the password again: a stolen cookie alone cannot do it. */
export class DeleteAccountDto {
  @ApiProperty({ description: "The account's current password" })
  @IsNotEmpty()
  @IsString()
  @MaxLength(1024)
  password!: string;
}
