import { describe, expect, it } from 'vitest';
import { isOnlyTopicAlreadyExists } from './kafka';

describe('isOnlyTopicAlreadyExists', () => {
  it('is true when every topic error of a createTopics call is TOPIC_ALREADY_EXISTS (a concurrent creator)', () => {
    const exists = { type: 'TOPIC_ALREADY_EXISTS' };
    expect(isOnlyTopicAlreadyExists({ name: 'KafkaJSAggregateError', errors: [exists, exists] })).toBe(true);
    expect(isOnlyTopicAlreadyExists(exists)).toBe(true);
    expect(isOnlyTopicAlreadyExists({ errors: [exists, { type: 'INVALID_REPLICATION_FACTOR' }] })).toBe(
      false,
    );
    expect(isOnlyTopicAlreadyExists(new Error('Connection timeout'))).toBe(false);
    expect(isOnlyTopicAlreadyExists({ errors: [] })).toBe(false);
  });
});
