export { startMongoEmulator, type MongoEmulator, type MongoEmulatorOptions } from './server';
export { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './embedded';
