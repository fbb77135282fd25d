package org.cytotriage.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ConsumerGroupsTest {

    @Test
    void describesAGroupWithWhereItCommittedAgainstThePartitionsEnd() throws Exception {
        RealInfrastructure infra = RealInfrastructure.shared();
        TopicPartition partition = new TopicPartition("groups.check", 0);
        try (Admin admin = Admin.create(infra.kafka().adminConfig())) {
            admin.createTopics(Set.of(new NewTopic(partition.topic(), 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
        }
        Map<String, Object> producerConfig = new HashMap<>(infra.kafka().adminConfig());
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(partition.topic(), "k", "v" + i)).get(20, TimeUnit.SECONDS);
            }
        }
        Map<String, Object> consumerConfig = new HashMap<>(infra.kafka().adminConfig());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "groups-check");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(3)));
        }

        String described = ConsumerGroups.describe(infra.kafka());

        assertThat(described).contains("groups-check: Empty").contains("groups.check-0 committed 3 of 5");
    }
}
