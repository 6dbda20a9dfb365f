"""kafka-python 2.0.2's admin client against the sandbox broker: create a topic with a config,
describe the config, list and describe the consumer group that read it, list its committed offsets,
delete the group and the topic. Prints one JSON object. Every wait is bounded.
"""
import json
import sys

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, NewTopic


def main():
    bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    admin.create_topics([NewTopic(topic, 2, 1, topic_configs={'retention.ms': '12345'})], timeout_ms=10000)
    described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic, configs={'retention.ms': None})])
    config = {entry[0]: entry[1] for response in described for resource in response.resources for entry in resource[4]}

    producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', request_timeout_ms=10000)
    for i in range(10):
        producer.send(topic, key=f'k{i}'.encode(), value=f'v{i}'.encode()).get(timeout=10)
    producer.close(timeout=10)

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                             enable_auto_commit=False, consumer_timeout_ms=3000)
    consumed = sum(1 for _ in consumer)
    consumer.commit()
    groups = admin.list_consumer_groups()
    group_info = admin.describe_consumer_groups([group])[0]
    offsets = admin.list_consumer_group_offsets(group)
    consumer.close()
    deleted_groups = admin.delete_consumer_groups([group])
    admin.delete_topics([topic], timeout_ms=10000)
    topics_after = admin.list_topics()
    admin.close()
    print(json.dumps({
        'config': config,
        'consumed': consumed,
        'groups': [list(g) for g in groups],
        'groupState': group_info.state,
        'groupMembers': len(group_info.members),
        'offsets': {str(tp.partition): meta.offset for tp, meta in offsets.items()},
        'deletedGroups': [[g, err.__name__] for g, err in deleted_groups],
        'topicStillListed': topic in topics_after,
    }))


if __name__ == '__main__':
    main()
