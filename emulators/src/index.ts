// Stand-ins for MongoDB and Stream Chat, for development and tests only: the API never loads this package
// when NODE_ENV=production.
export * from './mongo';
export * from './stream';
export * from './stand-ins';
