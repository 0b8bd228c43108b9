/**
 * The cluster id `stack:up` formats a new Kafka storage with: 16 random bytes in Kafka's
 * base64url form (22 characters), never starting with `-`. `kafka-storage format -t <id>` parses
 * its arguments with argparse4j, which reads an id starting with `-` as an option and fails
 * ("argument --cluster-id/-t: expected one argument"): 1 fresh start in 64 failed that way. Kafka's
 * own `Uuid.randomUuid()` avoids such ids for the same reason.
 */
import { randomUUID } from 'node:crypto';

/**
 * A new cluster id.
 * @param uuid the source of randomness (a v4 UUID string; injectable for the tests)
 * @returns 22 base64url characters, the first never `-`
 */
export function kafkaClusterId(uuid: () => string = randomUUID): string {
  for (;;) {
    const id = Buffer.from(uuid().replace(/-/g, ''), 'hex').toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
