import { ApiProperty } from '@nestjs/swagger';
import { ExternalIdentityView } from '../../external-identities/external-identity.view';

export class IdentityListResponse {
  @ApiProperty({ type: [ExternalIdentityView] }) identities!: ExternalIdentityView[];
}

export class AuthorizationUrlResponse {
  @ApiProperty({ description: "The provider's sign-in page: send the browser there (window.location)" })
  url!: string;
}
