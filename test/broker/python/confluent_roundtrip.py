"""confluent-kafka-python (librdkafka 2.0) against the sandbox broker.

Creates a three-partition topic, produces keyed records with headers (idempotent, acks=all),
consumes about half of them in a group with a synchronous commit, then a second consumer in the
same group consumes the rest. Prints one JSON object for the TypeScript test to check. Every wait
is bounded so a broker bug ends the script with an error instead of hanging it.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def consume(bootstrap, topic, group, want, timeout_s):
    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': group,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
        'session.timeout.ms': 6000,
    })
    consumer.subscribe([topic])
    got = []
    deadline = time.time() + timeout_s
    while len(got) < want and time.time() < deadline:
        message = consumer.poll(0.2)
        if message is None:
            continue
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                continue
            raise RuntimeError(f'consume error: {message.error()}')
        got.append({
            'partition': message.partition(),
            'offset': message.offset(),
            'key': message.key().decode(),
            'value': message.value().decode(),
            'headers': {k: v.decode() for k, v in (message.headers() or [])},
        })
    # Commits the positions after the records returned by poll, so exactly what was consumed.
    if got:
        consumer.commit(asynchronous=False)
    committed = consumer.committed([TopicPartition(topic, p) for p in range(3)], timeout=10)
    consumer.close()
    return got, {tp.partition: tp.offset for tp in committed}


def main():
    bootstrap, topic, group, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    admin = AdminClient({'bootstrap.servers': bootstrap})
    for future in admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)], request_timeout=10).values():
        future.result(timeout=15)

    producer = Producer({
        'bootstrap.servers': bootstrap,
        'acks': 'all',
        'enable.idempotence': True,
        'linger.ms': 5,
        'message.timeout.ms': 15000,
    })
    acked, errors = [], []

    def on_delivery(err, message):
        if err is not None:
            errors.append(str(err))
        else:
            acked.append({'partition': message.partition(), 'offset': message.offset(), 'value': message.value().decode()})

    for i in range(count):
        producer.produce(topic, key=f'key-{i % 7}', value=f'value-{i}', headers=[('index', str(i).encode())], on_delivery=on_delivery)
        producer.poll(0)
    left = producer.flush(20)

    first, committed_first = consume(bootstrap, topic, group, count // 2, 20)
    second, committed_second = consume(bootstrap, topic, group, count - len(first), 20)
    print(json.dumps({
        'acked': acked,
        'produceErrors': errors,
        'unflushed': left,
        'first': first,
        'second': second,
        'committedAfterFirst': committed_first,
        'committedAfterSecond': committed_second,
    }))


if __name__ == '__main__':
    main()
