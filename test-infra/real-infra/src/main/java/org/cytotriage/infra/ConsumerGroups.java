package org.cytotriage.infra;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The broker's consumer groups in a few lines each (state, members and what each holds, committed
 * offsets against the ends), for a test that waited in vain to say whether a service was consuming:
 * a group stuck in a rebalance, a partition nobody holds and a lag that does not move each point
 * somewhere else.
 */
public final class ConsumerGroups {

    private ConsumerGroups() {
    }

    /** Every consumer group of the broker as text; the error's message where the broker does not answer. */
    public static String describe(KafkaBroker broker) {
        try (Admin admin = Admin.create(broker.adminConfig())) {
            Collection<String> ids = admin.listGroups().all().get(10, TimeUnit.SECONDS).stream().map(GroupListing::groupId).sorted()
                    .toList();
            Map<String, ConsumerGroupDescription> groups = new TreeMap<>(admin.describeConsumerGroups(ids).all().get(10, TimeUnit.SECONDS));
            StringBuilder text = new StringBuilder();
            for (ConsumerGroupDescription group : groups.values()) {
                text.append("  ").append(group.groupId()).append(": ").append(group.groupState()).append(", coordinator ")
                        .append(group.coordinator() == null ? "none" : group.coordinator().idString()).append('\n');
                group.members().forEach(member -> text.append("    member ").append(member.clientId()).append(" holds ")
                        .append(member.assignment().topicPartitions()).append('\n'));
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, Long> ends = admin.listOffsets(committed.keySet().stream()
                        .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest())))
                        .all().get(10, TimeUnit.SECONDS).entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, end -> end.getValue().offset()));
                new TreeMap<String, TopicPartition>(committed.keySet().stream()
                        .collect(Collectors.toMap(TopicPartition::toString, partition -> partition))).forEach((name, partition) ->
                                text.append("    ").append(name).append(" committed ").append(committed.get(partition) == null ? "none"
                                        : committed.get(partition).offset()).append(" of ").append(ends.get(partition)).append('\n'));
            }
            return text.isEmpty() ? "  (none)" : text.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "  (interrupted)";
        } catch (Exception e) {
            return "  (the broker did not describe its groups: " + e + ")";
        }
    }
}
