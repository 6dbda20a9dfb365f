"""librdkafka's read_committed view of one partition from each given offset, as the oracle.

Usage: read_committed_from.py BOOTSTRAP TOPIC OFFSET... Prints one JSON object mapping each start
offset to the values read from it up to the partition's end. Every wait is bounded.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, TopicPartition


def read_from(bootstrap, topic, offset, timeout_s=20):
    consumer = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': f'oracle-{topic}-{offset}',
        'enable.auto.commit': False,
        'enable.partition.eof': True,
        'isolation.level': 'read_committed',
    })
    consumer.assign([TopicPartition(topic, 0, offset)])
    values = []
    deadline = time.time() + timeout_s
    try:
        while True:
            if time.time() > deadline:
                raise RuntimeError(f'no end of partition within {timeout_s} s from offset {offset}')
            message = consumer.poll(0.2)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    return values
                raise RuntimeError(f'consume error: {message.error()}')
            values.append(message.value().decode())
    finally:
        consumer.close()


def main():
    bootstrap, topic = sys.argv[1], sys.argv[2]
    print(json.dumps({offset: read_from(bootstrap, topic, int(offset)) for offset in sys.argv[3:]}))


if __name__ == '__main__':
    main()
