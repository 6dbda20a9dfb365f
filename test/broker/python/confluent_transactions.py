"""librdkafka transactions through confluent-kafka-python against the sandbox broker.

Commits one transaction and aborts another, then reads the topic twice, with read_committed and
with read_uncommitted. Prints one JSON object. Every wait is bounded.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer


def read_all(bootstrap, topic, isolation, timeout_s):
    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': f'{topic}-{isolation}',
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': False,
        'enable.partition.eof': True,
        'isolation.level': isolation,
    })
    consumer.subscribe([topic])
    values = []
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        message = consumer.poll(0.2)
        if message is None:
            continue
        if message.error():
            if message.error().code() == KafkaError._PARTITION_EOF:
                break
            raise RuntimeError(f'consume error: {message.error()}')
        values.append(message.value().decode())
    consumer.close()
    return values


def main():
    bootstrap, topic, transactional_id = sys.argv[1], sys.argv[2], sys.argv[3]
    producer = Producer({'bootstrap.servers': bootstrap, 'transactional.id': transactional_id, 'transaction.timeout.ms': 30000})
    producer.init_transactions(15)
    producer.begin_transaction()
    for value in ['t1', 't2', 't3']:
        producer.produce(topic, value=value)
    producer.commit_transaction(15)
    producer.begin_transaction()
    for value in ['x1', 'x2']:
        producer.produce(topic, value=value)
    producer.flush(15)
    producer.abort_transaction(15)
    print(json.dumps({
        'readCommitted': read_all(bootstrap, topic, 'read_committed', 20),
        'readUncommitted': read_all(bootstrap, topic, 'read_uncommitted', 20),
    }))


if __name__ == '__main__':
    main()
