"""librdkafka over SASL_SSL: produce some records and read them back, or show a refusal.

Usage: sasl_ssl_round_trip.py BOOTSTRAP CA_FILE MECHANISM USER PASSWORD TOPIC COUNT
Prints one JSON object: {"values": [...]} after a round trip of COUNT records, or
{"error": "..."} when the broker refused the credentials. Every wait is bounded.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, Producer


def security(bootstrap, ca_file, mechanism, user, password):
    return {
        'bootstrap.servers': bootstrap,
        'security.protocol': 'SASL_SSL',
        'ssl.ca.location': ca_file,
        'sasl.mechanism': mechanism,
        'sasl.username': user,
        'sasl.password': password,
    }


def main():
    bootstrap, ca_file, mechanism, user, password, topic, count = sys.argv[1:8]
    count = int(count)
    errors = []
    config = security(bootstrap, ca_file, mechanism, user, password)
    producer = Producer({**config, 'error_cb': lambda error: errors.append(error)})
    delivered = []
    for i in range(count):
        producer.produce(topic, value=f'librdkafka {i}'.encode(), on_delivery=lambda err, msg: delivered.append(err))
    deadline = time.time() + 20
    while len(delivered) < count and time.time() < deadline:
        producer.poll(0.1)
        auth = [e for e in errors if e.code() == KafkaError._AUTHENTICATION]
        if auth:
            print(json.dumps({'error': auth[0].str()}))
            return
    if len(delivered) < count:
        raise RuntimeError(f'only {len(delivered)} of {count} deliveries reported; errors: {[e.str() for e in errors]}')
    failed = [err.str() for err in delivered if err is not None]
    if failed:
        raise RuntimeError(f'deliveries failed: {failed}')

    consumer = Consumer({**config, 'group.id': f'{topic}-reader', 'auto.offset.reset': 'earliest', 'enable.partition.eof': True})
    consumer.subscribe([topic])
    values = []
    deadline = time.time() + 20
    try:
        while len(values) < count:
            if time.time() > deadline:
                raise RuntimeError(f'read {len(values)} of {count} records within 20 s')
            message = consumer.poll(0.2)
            if message is None:
                continue
            if message.error():
                if message.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise RuntimeError(f'consume error: {message.error()}')
            values.append(message.value().decode())
    finally:
        consumer.close()
    print(json.dumps({'values': values}))


if __name__ == '__main__':
    main()
