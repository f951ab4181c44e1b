import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { toObjectId } from './object-id';

/** A malformed id is the client's mistake: 400 here, never a CastError (500) deeper down. */
@Injectable()
export class ParseObjectIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    const id = toObjectId(value);
    if (!id)
      throw new BadRequestException(`Invalid ${metadata.data ?? 'id'}: expected a 24-character hex ObjectId`);
    return id;
  }
}
