package org.cytotriage.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The broker the tests run on refuses what the project's access table does not allow: each service
 * principal, with its own valid credentials, tries a topic it does not own and a group it is not in.
 */
class KafkaAccessTest {

    private static final KafkaAccess ACCESS = KafkaAccess.ofProject();
    private static final Set<String> SERVICES = Set.of("ingest-service", "inference-service", "explain-service", "audit-service",
            "retraining-worker");
    /** Who may publish a model: the release command, and the retraining worker carrying out audit-service's decisions. */
    private static final Set<String> RELEASERS = Set.of("model-release", "retraining-worker");
    private static final String MODELS = "fnab.models";

    @Test
    void theTableNamesEveryServiceAndTheReleaseCommandAndOnlyTheReleasersWriteTheModelsTopic() {
        assertThat(ACCESS.principals()).containsAll(SERVICES).contains("model-release");
        assertThat(ACCESS.principals()).allSatisfy(principal -> assertThat(ACCESS.topics(principal, AclOperation.WRITE).contains(MODELS))
                .as(principal + " writes " + MODELS).isEqualTo(RELEASERS.contains(principal)));
        assertThat(ACCESS.principals()).allSatisfy(principal -> assertThat(ACCESS.topics(principal, AclOperation.WRITE)
                .contains("fnab.model-decisions")).as(principal + " writes fnab.model-decisions").isEqualTo(principal.equals("audit-service")));
    }

    @Test
    void eachPrincipalWritesItsOwnTopicsAndIsRefusedATopicItDoesNotOwn() {
        KafkaBroker kafka = RealInfrastructure.shared().kafka();
        for (String principal : ACCESS.principals()) {
            SortedSet<String> own = ACCESS.topics(principal, AclOperation.WRITE);
            SortedSet<String> foreign = new TreeSet<>(ACCESS.topics());
            foreign.removeAll(own);
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka.clientConfig(principal))) {
                assertThat(catchThrowable(() -> producer.send(new ProducerRecord<>(own.first(), new byte[] { 1 })).get(30, TimeUnit.SECONDS)))
                        .as(principal + " writes " + own.first()).isNull();
                for (String topic : foreign) {
                    assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, new byte[] { 1 })).get(30, TimeUnit.SECONDS))
                            .as(principal + " writes " + topic).hasCauseInstanceOf(TopicAuthorizationException.class);
                }
            }
        }
    }

    @Test
    void eachServiceIsRefusedATopicItDoesNotReadAndAGroupItIsNotIn() {
        KafkaBroker kafka = RealInfrastructure.shared().kafka();
        for (String service : SERVICES) {
            SortedSet<String> unread = new TreeSet<>(ACCESS.topics());
            unread.removeAll(ACCESS.topics(service, AclOperation.READ));
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka.clientConfig(service), null)) {
                consumer.assign(List.of(new TopicPartition(unread.first(), 0)));
                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).as(service + " reads " + unread.first())
                        .isInstanceOf(TopicAuthorizationException.class);
            }
            String readable = ACCESS.topics(service, AclOperation.READ).isEmpty() ? null : ACCESS.topics(service, AclOperation.READ).first();
            if (readable != null) {
                String othersGroup = service.equals("audit-service") ? "inference-service" : "audit-service";
                try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka.clientConfig(service), othersGroup)) {
                    consumer.subscribe(List.of(readable));
                    assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).as(service + " joins " + othersGroup)
                            .isInstanceOf(GroupAuthorizationException.class);
                }
            }
        }
    }

    @Test
    void aClientWithoutValidCredentialsCannotConnect() {
        KafkaBroker kafka = RealInfrastructure.shared().kafka();
        Map<String, Object> wrongPassword = new HashMap<>(kafka.clientConfig("audit-service"));
        wrongPassword.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"audit-service\" password=\"not-its-password\";");
        assertThatThrownBy(() -> describeCluster(wrongPassword)).hasCauseInstanceOf(SaslAuthenticationException.class);

        Map<String, Object> tlsOnly = new HashMap<>(kafka.clientConfig("audit-service"));
        tlsOnly.keySet().removeIf(key -> key.startsWith("sasl."));
        tlsOnly.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SSL");
        assertThatThrownBy(() -> describeCluster(tlsOnly)).as("TLS without SASL").isNotNull();

        assertThatThrownBy(() -> describeCluster(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())))
                .as("PLAINTEXT").isNotNull();
    }

    private static void describeCluster(Map<String, Object> client) throws Exception {
        Map<String, Object> config = new HashMap<>(client);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> client) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10000);
        return new KafkaProducer<>(config);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> client, String group) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(config);
    }
}
