import { describeTarget, targetLine } from './cli-target';

describe('targetLine', () => {
  it('names host, database and Stream app, masking the password', () => {
    const line = targetLine(
      describeTarget(
        'mongodb://admin:s3cr3t@db1.example.com:27017,db2.example.com:27017/streamify?replicaSet=rs0',
        { apiKey: 'k8x2', baseUrl: undefined },
        false,
      ),
    );
    expect(line).toBe(
      'Target: MongoDB db1.example.com:27017,db2.example.com:27017, database "streamify" ' +
        '(mongodb://admin:***@db1.example.com:27017,db2.example.com:27017/streamify?replicaSet=rs0); ' +
        'Stream app k8x2 at Stream cloud',
    );
    expect(line).not.toContain('s3cr3t');
  });

  it('says when the database named in the URI is the driver default, and when stand-ins are used', () => {
    expect(targetLine(describeTarget('mongodb+srv://cluster0.example.net', undefined, true))).toBe(
      'Target: MongoDB cluster0.example.net, database "test" (mongodb+srv://cluster0.example.net) ' +
        '[embedded stand-ins, thrown away on exit]',
    );
  });
});
