"""kafka-python 2.0.2 against the sandbox broker.

Same scenario as confluent_roundtrip.py: create a three-partition topic with the admin client,
produce keyed records with headers (acks=all, waiting on each future), consume about half in a group
and commit synchronously, then a second consumer in the same group consumes the rest. Prints one
JSON object. Every wait is bounded.
"""
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic


def consume(bootstrap, topic, group, want, timeout_s):
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset='earliest',
        enable_auto_commit=False,
        session_timeout_ms=6000,
        heartbeat_interval_ms=500,
        request_timeout_ms=15000,
        max_poll_records=max(1, want),
    )
    consumer.subscribe([topic])
    got = []
    deadline = time.time() + timeout_s
    while len(got) < want and time.time() < deadline:
        # max_records keeps the consumer's position at exactly what was handed over, so the commit
        # below covers the consumed records and nothing more.
        batches = consumer.poll(timeout_ms=200, max_records=want - len(got))
        for records in batches.values():
            for record in records:
                got.append({
                    'partition': record.partition,
                    'offset': record.offset,
                    'key': record.key.decode(),
                    'value': record.value.decode(),
                    'headers': {k: v.decode() for k, v in record.headers},
                })
    if got:
        consumer.commit()
    committed = {p: consumer.committed(TopicPartition(topic, p)) for p in range(3)}
    consumer.close()
    return got, committed


def main():
    bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    admin.create_topics([NewTopic(name=topic, num_partitions=3, replication_factor=1)], timeout_ms=10000)
    admin.close()

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', linger_ms=5, request_timeout_ms=15000)
    futures = []
    for i in range(count):
        futures.append((i, producer.send(topic, key=f'key-{i % 7}'.encode(), value=f'value-{i}'.encode(), headers=[('index', str(i).encode())])))
    producer.flush(timeout=20)
    acked = []
    for i, future in futures:
        metadata = future.get(timeout=10)
        acked.append({'partition': metadata.partition, 'offset': metadata.offset, 'value': f'value-{i}'})
    producer.close(timeout=10)

    first, committed_first = consume(bootstrap, topic, group, count // 2, 20)
    second, committed_second = consume(bootstrap, topic, group, count - len(first), 20)
    print(json.dumps({
        'acked': acked,
        'produceErrors': [],
        'unflushed': 0,
        'first': first,
        'second': second,
        'committedAfterFirst': committed_first,
        'committedAfterSecond': committed_second,
    }))


if __name__ == '__main__':
    main()
