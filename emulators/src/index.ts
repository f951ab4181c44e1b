// Stand-ins for MongoDB, Stream Chat, an SMTP server and an OpenID Connect provider, for development and tests
// only: the API never loads this package when NODE_ENV=production.
export * from './mongo';
export * from './oidc';
export * from './smtp';
export * from './stream';
export * from './stand-ins';
