// Stand-ins for MongoDB, Stream Chat and an SMTP server, for development and tests only: the API never loads this
// package when NODE_ENV=production.
export * from './mongo';
export * from './smtp';
export * from './stream';
export * from './stand-ins';
