export { startMongoEmulator, type MongoEmulator, type MongoEmulatorOptions, type MongoFault } from './server';
export { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './embedded';
