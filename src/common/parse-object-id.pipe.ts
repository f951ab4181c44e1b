import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

/** A malformed id is the client's mistake: 400 here, never a CastError (500) deeper down. */
@Injectable()
export class ParseObjectIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    // isValid alone accepts any 12-character string; require the canonical 24 hex digits.
    if (typeof value !== 'string' || !/^[0-9a-fA-F]{24}$/.test(value))
      throw new BadRequestException(`Invalid ${metadata.data ?? 'id'}: expected a 24-character hex ObjectId`);
    return value.toLowerCase();
  }
}
