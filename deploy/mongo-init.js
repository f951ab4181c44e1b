// Runs once, when MongoDB starts on an empty volume: the API's own user, limited to its database.
// The root user (MONGO_ROOT_PASSWORD) stays for administration and the replica-set healthcheck.
db.getSiblingDB('lingo').createUser({
  user: 'lingo',
  pwd: process.env.MONGO_APP_PASSWORD,
  roles: [{ role: 'readWrite', db: 'lingo' }],
});
